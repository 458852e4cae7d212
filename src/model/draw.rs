//! One draw: [`init`] samples the parameters and the economy and sets the state at t = 0,
//! [`step_year`] moves the state one year in the order of docs/model.md ("One draw, year by
//! year"), [`finish`] computes what is reported at the horizon. [`simulate_draw`] folds them. All
//! buffers live in a [`Workspace`] that is reused from draw to draw, so the yearly loop does
//! not allocate.

use super::corporation::{self, CorpState};
use super::economy::{self, EconomySummary, EconomyYear};
use super::gaps::{self, GapDrivers, IndicatorDraw};
use super::params::{CorporationParams, GapParams, MunicipalityParams, PropertyParams};
use super::{municipality, property};
use crate::dist::UnitMeanLognormal;
use crate::rng::{StreamRng, component_key, stream};
use crate::scenario::{Scenario, UNEMPLOYMENT};
use rand_distr::{Distribution, StandardNormal};

/// ICR values above this (including a corporation without interest) are reported as this.
pub const ICR_CAP: f64 = 100.0;

/// A wijk's (or all wijken's) composite gap at or below this has closed: it reached the
/// city average.
pub const CLOSED: f64 = 0.0;
/// A composite gap at or below this has halved.
pub const HALVED: f64 = 0.5;

/// Per-corporation results of one draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CorpOutcome {
    /// ICR per year t = 1..T (capped at [`ICR_CAP`]).
    pub icr: Vec<f64>,
    /// LTV = D_t / PV_t per year.
    pub ltv: Vec<f64>,
    /// Investment capacity per year, EUR.
    pub capacity: Vec<f64>,
    /// The whole plan (regular + wijk commitment + compensation) per year, EUR.
    pub plan: Vec<f64>,
    /// What was spent of the plan per year, EUR.
    pub spent: Vec<f64>,
    /// Debt D_t at the end of each year, EUR.
    pub debt: Vec<f64>,
    /// Free cash flow per year, EUR.
    pub fcf: Vec<f64>,
    /// Interest paid per year, EUR (operating cash flow = fcf + interest).
    pub interest: Vec<f64>,
    /// Landlord levy paid per year, EUR.
    pub levy: Vec<f64>,
    /// Proceeds of dwellings sold per year (net of sale costs), EUR.
    pub sales: Vec<f64>,
    /// The wijk commitment as agreed (before the yearly multiplier), as planned (after it)
    /// and as realised, per year, EUR.
    pub wijk_committed: Vec<f64>,
    pub wijk_plan: Vec<f64>,
    pub wijk_spent: Vec<f64>,
    pub min_icr: f64,
    pub max_ltv: f64,
    pub breach_icr: bool,
    pub breach_ltv: bool,
    /// Wijk commitment planned and realised over the horizon, EUR.
    pub planned_wijk: f64,
    pub realised_wijk: f64,
    /// Value uplift of its wijk dwellings at T (those it still owns), EUR.
    pub uplift: f64,
}

/// Everything one draw produces, in buffers reused from draw to draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DrawOutcome {
    pub draw: u64,
    /// Sampled value of every parameter of the scenario's table.
    pub params: Vec<f64>,
    /// Per wijk and indicator (w * K + k): the effect multiplier.
    pub multipliers: Vec<f64>,
    /// Composite gap per wijk and year: c[w * (T + 1) + t].
    pub c: Vec<f64>,
    /// Population-weighted composite gap per year t = 0..T.
    pub c_all: Vec<f64>,
    /// Observed gap per wijk, indicator and year: g[(w * K + k) * (T + 1) + t].
    pub g: Vec<f64>,
    /// g_k,T per wijk and indicator (w * K + k).
    pub g_final: Vec<f64>,
    /// Population-weighted g_k,T.
    pub g_final_all: Vec<f64>,
    /// Value of a wijk dwelling per wijk and year (step 6, with cv_t): value[w * (T + 1) + t].
    pub value: Vec<f64>,
    /// City value per dwelling per year t = 0..T.
    pub city_value: Vec<f64>,
    /// First model year t with c <= 0, per wijk.
    pub first_closed: Vec<Option<u16>>,
    pub first_closed_all: Option<u16>,
    /// First year the overall composite gap was at most 0.5 (halved).
    pub first_halved_all: Option<u16>,
    /// Value uplift of each wijk's dwellings at T, EUR.
    pub uplift: Vec<f64>,
    pub corporations: Vec<CorpOutcome>,
    /// Per municipality: social spending and shortfall against the uncut budget, summed over
    /// the horizon, EUR.
    pub municipal_spend: Vec<f64>,
    /// Composite gap c_T per municipality, population-weighted over its wijken.
    pub c_municipality: Vec<f64>,
    pub municipal_shortfall: Vec<f64>,
    /// How many economy values were floored at 0.
    pub rate_floors: u32,
    /// The economy as the model used it, t = 0..T.
    pub economy: Vec<EconomyYear>,
    /// The economy of the draw in a few numbers.
    pub economy_summary: EconomySummary,
}

/// The sampled parameters of one draw, in the model's form.
#[derive(Clone, Debug, Default)]
pub struct DrawParams {
    pub gaps: Option<GapParams<f64>>,
    pub property: Option<PropertyParams<f64>>,
    /// Value weights per indicator, normalised to sum to 1.
    pub value_weights: Vec<f64>,
    pub municipalities: Vec<MunicipalityParams<f64>>,
    pub corporations: Vec<CorporationParams<f64>>,
    /// Per wijk and indicator (w * K + k).
    pub indicators: Vec<IndicatorDraw>,
}

impl DrawParams {
    fn gaps(&self) -> &GapParams<f64> {
        self.gaps.as_ref().expect("set by init")
    }
    fn property(&self) -> &PropertyParams<f64> {
        self.property.as_ref().expect("set by init")
    }
}

/// The state of one draw that the years carry forward.
#[derive(Clone, Debug, Default)]
pub struct DrawState {
    /// Cumulative inflation (1 + p_1) ... (1 + p_t).
    pub price_index: f64,
    /// V^city_t.
    pub city_value: f64,
    /// Structural gaps per indicator and wijk (k * W + w; [`DrawState::structural`]).
    pub z: Vec<f64>,
    /// Observed gaps per indicator and wijk ([`DrawState::observed`]).
    pub g: Vec<f64>,
    /// Programme stock K per wijk.
    pub stock: Vec<f64>,
    /// Composite gap c and value composite cv per wijk, of the latest year.
    pub c: Vec<f64>,
    pub cv: Vec<f64>,
    pub corporations: Vec<CorpState>,
}

impl DrawState {
    /// The structural gap z of wijk `w` and indicator `k`.
    pub fn structural(&self, w: usize, k: usize) -> f64 {
        self.z[k * self.stock.len() + w]
    }

    /// The observed gap g of wijk `w` and indicator `k`.
    pub fn observed(&self, w: usize, k: usize) -> f64 {
        self.g[k * self.stock.len() + w]
    }
}

/// Scratch buffers of one year, reused from year to year.
#[derive(Default)]
pub struct Scratch {
    /// Per wijk: value of a dwelling in step 2, corporation dwellings after the sales,
    /// physical investment and social spending this year.
    value: Vec<f64>,
    owned: Vec<f64>,
    physical: Vec<f64>,
    social: Vec<f64>,
    /// Per municipality: this year's budget and shortfall.
    budget: Vec<f64>,
    shortfall: Vec<f64>,
    /// Per wijk: the social response and the dwellings upgraded (pp) this year.
    response: Vec<f64>,
    upgraded_pp: Vec<f64>,
    /// Per indicator and wijk (k * W + w): direct closure and noise.
    direct: Vec<f64>,
    noise: Vec<f64>,
    /// One wijk's observed gaps, indicator by indicator.
    wijk_g: Vec<f64>,
    /// Per corporation: the step-2 valuation.
    valuations: Vec<corporation::Valuation>,
    /// Per indicator: its wijk multipliers' distribution.
    lognormals: Vec<UnitMeanLognormal>,
}

/// Reusable buffers for [`simulate_draw`].
#[derive(Default)]
pub struct Workspace {
    pub outcome: DrawOutcome,
    pub params: DrawParams,
    pub state: DrawState,
    economy: Vec<EconomyYear>,
    wijk_rngs: Vec<StreamRng>,
    scratch: Scratch,
}

/// Samples every parameter of the table for one draw, each from its own stream.
pub fn sample_params(scenario: &Scenario, seed: u64, draw: u64, out: &mut Vec<f64>) {
    sample_params_mixed(scenario, seed, &Streams::of(draw), out);
}

/// Samples every parameter, each from the stream of the draw `streams` gives it.
fn sample_params_mixed(scenario: &Scenario, seed: u64, streams: &Streams, out: &mut Vec<f64>) {
    out.clear();
    out.extend(scenario.params.params.iter().enumerate().map(
        |(i, p)| match p.param.constant_value() {
            Some(v) => v,
            None => p.param.sample(&mut stream(seed, streams.param(i), p.key)),
        },
    ));
}

/// The random components of a draw that can come from another draw's streams: what a
/// sensitivity design swaps between its sample matrices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Swap {
    /// Per parameter of the scenario's table (by index).
    pub params: Vec<bool>,
    /// The economy's shocks.
    pub economy: bool,
    /// The per-wijk effect multipliers (the first number of each wijk stream).
    pub multipliers: bool,
    /// The wijken's yearly noise (the rest of each wijk stream).
    pub noise: bool,
}

impl Swap {
    pub fn is_empty(&self) -> bool {
        !(self.economy || self.multipliers || self.noise || self.params.iter().any(|&b| b))
    }
}

/// Which draw each random component takes its stream from: draw `draw` for everything in an
/// ordinary run; in a Saltelli design, the components in `swap` from draw `other`.
#[derive(Clone, Copy, Debug)]
pub struct Streams<'a> {
    pub draw: u64,
    pub other: u64,
    pub swap: Option<&'a Swap>,
}

impl Streams<'_> {
    /// Every component from `draw`.
    pub fn of(draw: u64) -> Streams<'static> {
        Streams {
            draw,
            other: draw,
            swap: None,
        }
    }
    fn pick(&self, swapped: impl FnOnce(&Swap) -> bool) -> u64 {
        match self.swap {
            Some(s) if swapped(s) => self.other,
            _ => self.draw,
        }
    }
    fn param(&self, i: usize) -> u64 {
        self.pick(|s| s.params.get(i).copied().unwrap_or(false))
    }
}

/// Simulates draw `draw` of `scenario` under `seed`; the result is in `ws.outcome`.
pub fn simulate_draw<'w>(
    scenario: &Scenario,
    seed: u64,
    draw: u64,
    ws: &'w mut Workspace,
) -> &'w DrawOutcome {
    simulate_mixed(scenario, seed, &Streams::of(draw), ws)
}

/// [`simulate_draw`] with each random component from the draw `streams` gives it.
pub fn simulate_mixed<'w>(
    scenario: &Scenario,
    seed: u64,
    streams: &Streams,
    ws: &'w mut Workspace,
) -> &'w DrawOutcome {
    init_mixed(scenario, seed, streams, ws);
    for t in 1..=scenario.horizon() {
        ws.advance(scenario, t);
    }
    finish(scenario, &ws.params, &ws.state, &mut ws.outcome);
    &ws.outcome
}

impl Workspace {
    /// Runs [`step_year`] for year `t` on this workspace's draw (after [`init`]).
    pub fn advance(&mut self, scenario: &Scenario, t: usize) {
        let x = self.economy[t];
        step_year(
            scenario,
            &self.params,
            &mut self.state,
            &x,
            t,
            &mut self.wijk_rngs,
            &mut self.scratch,
            &mut self.outcome,
        );
    }
}

/// Samples the parameters, the per-wijk multipliers and the economy of the draw, and sets
/// the state at t = 0 and the outcome's buffers.
pub fn init(sc: &Scenario, seed: u64, draw: u64, ws: &mut Workspace) {
    init_mixed(sc, seed, &Streams::of(draw), ws);
}

/// [`init`] with each random component from the draw `streams` gives it.
pub fn init_mixed(sc: &Scenario, seed: u64, streams: &Streams, ws: &mut Workspace) {
    let t_max = sc.horizon();
    let (n_w, n_k) = (sc.wijken.len(), sc.indicators.len());
    let out = &mut ws.outcome;
    out.draw = streams.draw;
    sample_params_mixed(sc, seed, streams, &mut out.params);
    let v = &out.params;
    let dp = &mut ws.params;
    dp.gaps = Some(sc.gaps.values(v));
    dp.property = Some(sc.property.values(v));
    dp.municipalities.clear();
    dp.municipalities
        .extend(sc.municipalities.iter().map(|m| m.params.values(v)));
    dp.corporations.clear();
    dp.corporations
        .extend(sc.corporations.iter().map(|c| c.params.values(v)));
    dp.value_weights.clear();
    dp.value_weights
        .extend(sc.indicators.iter().map(|i| v[i.value_weight.0]));
    let total: f64 = dp.value_weights.iter().sum();
    for w in &mut dp.value_weights {
        *w /= total;
    }

    // Per-wijk multipliers: the first number of each (wijk, indicator) stream; the rest of
    // the stream is that wijk's yearly noise for that indicator.
    ws.wijk_rngs.clear();
    dp.indicators.clear();
    let lognormals = &mut ws.scratch.lognormals;
    lognormals.clear();
    lognormals.extend(
        sc.indicators
            .iter()
            .map(|i| UnitMeanLognormal::new(i.wijk_cv)),
    );
    // Indicator by indicator (k * W + w), the order of the yearly gap update; the
    // multipliers are reported wijk by wijk (w * K + k).
    reset(&mut out.multipliers, n_w * n_k, 0.0);
    for (k, ind) in sc.indicators.iter().enumerate() {
        for (w, wijk) in sc.wijken.iter().enumerate() {
            let (dm, dn) = (streams.pick(|s| s.multipliers), streams.pick(|s| s.noise));
            let mut rng = stream(seed, dm, wijk.indicator_keys[k]);
            let m = lognormals[k].at(StandardNormal.sample(&mut rng));
            if dn != dm {
                // The noise of draw dn: its stream past the number its multiplier took.
                rng = stream(seed, dn, wijk.indicator_keys[k]);
                let _: f64 = StandardNormal.sample(&mut rng);
            }
            ws.wijk_rngs.push(rng);
            out.multipliers[w * n_k + k] = m;
            let wi = &wijk.indicators[k];
            dp.indicators.push(IndicatorDraw {
                effect: v[ind.effect.0] * m,
                cyclical: v[ind.cyclical.0] / wi.gap0,
                sigma: v[ind.sigma.0],
                gap0: wi.gap0,
                lo: wi.lo,
                hi: wi.hi,
                response: ind.response,
                leakage: ind.leakage,
            });
        }
    }

    let mut econ_rng = stream(seed, streams.pick(|s| s.economy), component_key("economy"));
    out.rate_floors = economy::simulate(&sc.economy, t_max, &mut econ_rng, &mut ws.economy);
    out.economy.clear();
    out.economy.extend_from_slice(&ws.economy);
    out.economy_summary = economy::summarise(&ws.economy);

    // The state at t = 0: the data define G(0), so every gap starts at 1.
    let st = &mut ws.state;
    st.price_index = 1.0;
    st.city_value = dp.property().city_value;
    reset(&mut st.z, n_w * n_k, 1.0);
    reset(&mut st.g, n_w * n_k, 1.0);
    reset(&mut st.stock, n_w, 0.0);
    reset(&mut st.c, n_w, 1.0);
    reset(&mut st.cv, n_w, 1.0);
    st.corporations.clear();
    for (corp, p) in sc.corporations.iter().zip(&dp.corporations) {
        let outside = corp
            .outside_dwellings
            .unwrap_or(p.outside_ratio * corp.wijk_dwellings);
        st.corporations.push(CorpState::initial(
            p,
            corp.holdings.iter().map(|h| h.dwellings),
            outside,
        ));
    }

    let prop = dp.property();
    let start_value = property::wijk_value(prop.city_value, prop.start_discount, prop.theta, 1.0);
    reset(&mut out.c, n_w * (t_max + 1), 1.0);
    reset(&mut out.c_all, t_max + 1, 1.0);
    reset(&mut out.g, n_w * n_k * (t_max + 1), 1.0);
    reset(&mut out.value, n_w * (t_max + 1), start_value);
    reset(&mut out.city_value, t_max + 1, prop.city_value);
    out.first_closed.clear();
    out.first_closed.resize(n_w, None);
    out.first_closed_all = None;
    out.first_halved_all = None;
    reset(&mut out.municipal_spend, sc.municipalities.len(), 0.0);
    reset(&mut out.municipal_shortfall, sc.municipalities.len(), 0.0);
    out.corporations
        .resize_with(sc.corporations.len(), CorpOutcome::default);
    for co in &mut out.corporations {
        for series in [
            &mut co.icr,
            &mut co.ltv,
            &mut co.capacity,
            &mut co.plan,
            &mut co.spent,
            &mut co.debt,
            &mut co.fcf,
            &mut co.interest,
            &mut co.levy,
            &mut co.sales,
            &mut co.wijk_committed,
            &mut co.wijk_plan,
            &mut co.wijk_spent,
        ] {
            reset(series, t_max, 0.0);
        }
        co.min_icr = f64::INFINITY;
        co.max_ltv = f64::NEG_INFINITY;
        co.breach_icr = false;
        co.breach_ltv = false;
        co.planned_wijk = 0.0;
        co.realised_wijk = 0.0;
        co.uplift = 0.0;
    }
    let s = &mut ws.scratch;
    reset(&mut s.value, n_w, 0.0);
    reset(&mut s.owned, n_w, 0.0);
    reset(&mut s.physical, n_w, 0.0);
    reset(&mut s.social, n_w, 0.0);
    reset(&mut s.budget, sc.municipalities.len(), 0.0);
    reset(&mut s.shortfall, sc.municipalities.len(), 0.0);
    reset(&mut s.direct, n_w * n_k, 0.0);
    reset(&mut s.noise, n_w * n_k, 0.0);
    reset(&mut s.response, n_w, 0.0);
    reset(&mut s.upgraded_pp, n_w, 0.0);
}

/// One year's inputs that every step reads.
struct Year<'a> {
    sc: &'a Scenario,
    dp: &'a DrawParams,
    x: &'a EconomyYear,
    /// Model year t and its calendar year.
    t: usize,
    year: i32,
}

/// Moves the state from year t - 1 to year t (calendar year `sc.run.year(t)`) and records
/// year t in `out`: the six steps of docs/model.md, "One draw, year by year", one function each.
#[allow(clippy::too_many_arguments)]
pub fn step_year(
    sc: &Scenario,
    dp: &DrawParams,
    st: &mut DrawState,
    x: &EconomyYear,
    t: usize,
    wijk_rngs: &mut [StreamRng],
    s: &mut Scratch,
    out: &mut DrawOutcome,
) {
    let y = Year {
        sc,
        dp,
        x,
        t,
        year: sc.run.year(t),
    };
    grow(&y, st);
    value_and_sell(&y, st, s);
    municipal_budgets(&y, st, s);
    corporations(&y, st, s, out);
    municipal_and_state_spending(&y, s, out);
    gaps_and_values(&y, st, wijk_rngs, s, out);
}

/// Step 1: the economy of year t: prices, the city value, rents, costs, Q and Y grow.
fn grow(y: &Year, st: &mut DrawState) {
    st.price_index *= 1.0 + y.x.inflation;
    st.city_value *= 1.0 + y.x.house_price_growth;
    for ((corp, p), cs) in
        y.sc.corporations
            .iter()
            .zip(&y.dp.corporations)
            .zip(&mut st.corporations)
    {
        corporation::grow(
            p,
            cs,
            y.x.inflation,
            corp.rent_policy.at(y.year),
            y.x.house_price_growth,
        );
    }
}

/// Step 2: value the portfolios, WOZ bases and sales prices with last year's value composites
/// cv_{t-1}; then sell (holdings shrink).
fn value_and_sell(y: &Year, st: &mut DrawState, s: &mut Scratch) {
    let prop = y.dp.property();
    for (w, v) in s.value.iter_mut().enumerate() {
        *v = property::wijk_value(st.city_value, prop.start_discount, prop.theta, st.cv[w]);
    }
    s.owned.fill(0.0);
    s.valuations.clear();
    for ((corp, p), cs) in
        y.sc.corporations
            .iter()
            .zip(&y.dp.corporations)
            .zip(&mut st.corporations)
    {
        let wijk_value: f64 = corp
            .holdings
            .iter()
            .zip(&cs.holdings)
            .map(|(h, n)| n * s.value[h.wijk])
            .sum();
        let v = corporation::value_and_sell(
            p,
            cs,
            wijk_value + cs.outside * st.city_value,
            prop.woz_ratio,
        );
        for (h, n) in corp.holdings.iter().zip(&cs.holdings) {
            s.owned[h.wijk] += n;
        }
        s.valuations.push(v);
    }
}

/// The municipal budgets and shortfalls of year t (used by the corporations' compensation in
/// step 3 and spent in step 4).
fn municipal_budgets(y: &Year, st: &DrawState, s: &mut Scratch) {
    for ((m, muni), mp) in
        y.sc.municipalities
            .iter()
            .enumerate()
            .zip(&y.dp.municipalities)
    {
        let cut =
            municipality::cut_share(mp.cut_depth, mp.cut_start, mp.cut_ramp, f64::from(y.year));
        let (budget, shortfall) = municipality::budget(
            mp.budget_per_resident * muni.population,
            st.price_index,
            cut,
        );
        s.budget[m] = budget;
        s.shortfall[m] = shortfall;
    }
}

/// Step 3: each corporation's cash flow, ratios, capacity, plan, allocation, spending and debt;
/// its physical and social spending lands in its wijken.
fn corporations(y: &Year, st: &mut DrawState, s: &mut Scratch, out: &mut DrawOutcome) {
    let prop = y.dp.property();
    s.physical.fill(0.0);
    s.social.fill(0.0);
    let i = y.t - 1;
    for (ci, ((corp, p), cs)) in
        y.sc.corporations
            .iter()
            .zip(&y.dp.corporations)
            .zip(&mut st.corporations)
            .enumerate()
    {
        let v = s.valuations[ci];
        let f = corporation::finances(p, cs, &v, y.x.interest, corp.levy.at(y.year));
        let commitment = corp.commitment.at(y.year) * st.price_index;
        let (mut wijk_plan, mut compensation_plan, mut committed) = (0.0, 0.0, 0.0);
        for (h, n) in corp.holdings.iter().zip(&cs.holdings) {
            committed += h.commitment * st.price_index;
            wijk_plan += h.commitment * commitment;
            compensation_plan += compensation(y.sc, p, s, h.wijk, *n);
        }
        let regular_plan = p.regular_investment * cs.dwellings() * st.price_index;
        let alloc = corporation::allocate(
            corp.allocation,
            f.capacity,
            regular_plan,
            wijk_plan + compensation_plan,
        );
        let mut physical_total = 0.0;
        for (h, n) in corp.holdings.iter().zip(&cs.holdings) {
            let plan = h.commitment * commitment;
            let physical = alloc.wijk * p.physical_share * plan;
            let social = alloc.wijk
                * ((1.0 - p.physical_share) * plan + compensation(y.sc, p, s, h.wijk, *n));
            s.physical[h.wijk] += physical;
            s.social[h.wijk] += social;
            physical_total += physical;
        }
        let regular = alloc.regular * regular_plan;
        let spent = regular + alloc.wijk * (wijk_plan + compensation_plan);
        cs.debt = corporation::new_debt(cs.debt, spent, f.fcf, v.sales);
        cs.loan_rate = f.loan_rate;
        cs.newbuild = p.newbuild_share * regular;
        // After the valuation: this year's wijk upgrades and renovation enter Q.
        cs.upgrades += prop.capitalisation * (physical_total + regular - cs.newbuild);
        let ltv = if f.policy_value > 0.0 {
            cs.debt / f.policy_value
        } else {
            f64::INFINITY
        };
        let co = &mut out.corporations[ci];
        co.icr[i] = f.icr.min(ICR_CAP);
        co.ltv[i] = ltv;
        co.capacity[i] = f.capacity;
        co.plan[i] = regular_plan + wijk_plan + compensation_plan;
        co.spent[i] = spent;
        co.debt[i] = cs.debt;
        co.fcf[i] = f.fcf;
        co.interest[i] = f.interest;
        co.levy[i] = f.levy;
        co.sales[i] = v.sales;
        co.wijk_committed[i] = committed;
        co.wijk_plan[i] = wijk_plan;
        co.wijk_spent[i] = alloc.wijk * wijk_plan;
        co.min_icr = co.min_icr.min(co.icr[i]);
        co.max_ltv = co.max_ltv.max(ltv);
        co.breach_icr |= f.icr < p.icr_min;
        co.breach_ltv |= ltv > p.ltv_max;
        co.planned_wijk += wijk_plan;
        co.realised_wijk += alloc.wijk * wijk_plan;
    }
}

/// Step 4: the municipalities' social budgets and the state's wijk money reach the wijken.
fn municipal_and_state_spending(y: &Year, s: &mut Scratch, out: &mut DrawOutcome) {
    let state = y.sc.state_budget_per_wijk.at(y.year);
    for (m, muni) in y.sc.municipalities.iter().enumerate() {
        out.municipal_spend[m] += s.budget[m];
        out.municipal_shortfall[m] += s.shortfall[m];
        for &w in &muni.wijken {
            s.social[w] += s.budget[m] * y.sc.wijken[w].population / muni.population + state;
        }
    }
}

/// Step 5: programme stock, response and gaps (structural, then observed), composite gaps and
/// first closure; step 6: the wijk values with this year's value composite.
fn gaps_and_values(
    y: &Year,
    st: &mut DrawState,
    wijk_rngs: &mut [StreamRng],
    s: &mut Scratch,
    out: &mut DrawOutcome,
) {
    let (sc, dp, t) = (y.sc, y.dp, y.t);
    let (gp, prop) = (dp.gaps(), dp.property());
    let t_max = sc.horizon();
    let n_k = sc.indicators.len();
    let leak = gp.leak * (1.0 - gp.retention);
    let unemployment_deviation = y.x.unemployment - sc.economy.mean[UNEMPLOYMENT];
    let pop_total = sc.total_population();
    for (w, wijk) in sc.wijken.iter().enumerate() {
        st.stock[w] = gaps::stock(st.stock[w], gp.decay, s.social[w] / wijk.population);
        s.response[w] = gaps::response(st.stock[w], gp.k_half);
        let upgraded = s.physical[w] / (gp.upgrade_cost * st.price_index);
        s.upgraded_pp[w] = 100.0 * upgraded / wijk.dwellings;
    }
    // Each wijk and indicator draws from its own stream.
    for (e, rng) in s.noise.iter_mut().zip(wijk_rngs.iter_mut()) {
        *e = StandardNormal.sample(rng);
    }
    let drivers = GapDrivers {
        response: &s.response,
        upgraded_pp: &s.upgraded_pp,
        aging_pp: gp.aging,
        leak,
        unemployment_deviation,
        noise: &s.noise,
    };
    gaps::step(
        &dp.indicators,
        sc.spillover_matrix.as_slice(),
        &drivers,
        &mut st.z,
        &mut st.g,
        &mut s.direct,
    );
    let mut c_all = 0.0;
    let n_w = sc.wijken.len();
    for (w, wijk) in sc.wijken.iter().enumerate() {
        let g = &mut s.wijk_g;
        g.clear();
        g.extend((0..n_k).map(|k| st.g[k * n_w + w]));
        let c = gaps::composite(sc.indicators.iter().map(|i| i.weight), g);
        let cv = gaps::composite(dp.value_weights.iter().copied(), g);
        st.c[w] = c;
        st.cv[w] = cv;
        out.c[w * (t_max + 1) + t] = c;
        for (k, gk) in g.iter().enumerate() {
            out.g[(w * n_k + k) * (t_max + 1) + t] = *gk;
        }
        out.value[w * (t_max + 1) + t] =
            property::wijk_value(st.city_value, prop.start_discount, prop.theta, cv);
        if c <= CLOSED && out.first_closed[w].is_none() {
            out.first_closed[w] = Some(t as u16);
        }
        c_all += c * wijk.population / pop_total;
    }
    out.c_all[t] = c_all;
    out.city_value[t] = st.city_value;
    if c_all <= CLOSED && out.first_closed_all.is_none() {
        out.first_closed_all = Some(t as u16);
    }
    if c_all <= HALVED && out.first_halved_all.is_none() {
        out.first_halved_all = Some(t as u16);
    }
}

/// A corporation's compensation in wijk `w` this year: chi x the wijk's population share of
/// its municipality's shortfall x the corporation's share (`owned`, after this year's sales)
/// of the wijk's corporation dwellings.
fn compensation(
    sc: &Scenario,
    p: &CorporationParams<f64>,
    s: &Scratch,
    w: usize,
    owned: f64,
) -> f64 {
    if p.compensation == 0.0 || s.owned[w] <= 0.0 {
        return 0.0;
    }
    let wijk = &sc.wijken[w];
    let muni = &sc.municipalities[wijk.municipality];
    p.compensation * s.shortfall[wijk.municipality] * wijk.population / muni.population * owned
        / s.owned[w]
}

/// What is reported at the horizon: value uplift with c_T, final gaps, per municipality.
pub fn finish(sc: &Scenario, dp: &DrawParams, st: &DrawState, out: &mut DrawOutcome) {
    let t_max = sc.horizon();
    let n_k = sc.indicators.len();
    let prop = dp.property();
    let pop_total = sc.total_population();
    let n_w = sc.wijken.len();
    out.g_final.clear();
    out.g_final
        .extend((0..n_w * n_k).map(|i| st.g[(i % n_k) * n_w + i / n_k]));
    reset(&mut out.g_final_all, n_k, 0.0);
    out.uplift.clear();
    for (w, wijk) in sc.wijken.iter().enumerate() {
        let per_dwelling =
            property::uplift_per_dwelling(st.city_value, prop.start_discount, prop.theta, st.cv[w]);
        out.uplift.push(wijk.dwellings * per_dwelling);
        for k in 0..n_k {
            out.g_final_all[k] += st.g[k * n_w + w] * wijk.population / pop_total;
        }
    }
    for ((corp, cs), co) in sc
        .corporations
        .iter()
        .zip(&st.corporations)
        .zip(&mut out.corporations)
    {
        co.uplift = corp
            .holdings
            .iter()
            .zip(&cs.holdings)
            .map(|(h, n)| {
                n * property::uplift_per_dwelling(
                    st.city_value,
                    prop.start_discount,
                    prop.theta,
                    st.cv[h.wijk],
                )
            })
            .sum();
    }
    out.c_municipality.clear();
    for muni in &sc.municipalities {
        let c: f64 = muni
            .wijken
            .iter()
            .map(|&w| out.c[w * (t_max + 1) + t_max] * sc.wijken[w].population)
            .sum();
        out.c_municipality.push(c / muni.population);
    }
}

fn reset(v: &mut Vec<f64>, n: usize, value: f64) {
    v.clear();
    v.resize(n, value);
}
