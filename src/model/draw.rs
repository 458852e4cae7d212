//! One draw: sample the parameters, simulate the economy, and fold the yearly step over the
//! horizon in the order of MODEL.md. All buffers live in a [`Workspace`] that is reused from
//! draw to draw, so the yearly loop does not allocate.

use super::corporation::{self, CorpState};
use super::economy::{self, EconomyYear};
use super::gaps::{self, GapDrivers, IndicatorDraw};
use super::{municipality, property};
use crate::dist::unit_mean_lognormal;
use crate::rng::{StreamRng, component_key, stream};
use crate::scenario::Scenario;
use nalgebra::Vector4;
use rand_distr::{Distribution, StandardNormal};

/// ICR values above this (including a corporation without interest) are reported as this.
pub const ICR_CAP: f64 = 100.0;

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
    pub min_icr: f64,
    pub max_ltv: f64,
    pub breach_icr: bool,
    pub breach_ltv: bool,
    /// Wijk commitment planned and realised over the horizon, EUR.
    pub planned_wijk: f64,
    pub realised_wijk: f64,
    /// Value uplift of its wijk dwellings at T, EUR.
    pub uplift: f64,
}

/// Everything one draw produces, in fixed-size buffers.
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
    /// g_k,T per wijk and indicator (w * K + k).
    pub g_final: Vec<f64>,
    /// Population-weighted g_k,T.
    pub g_final_all: Vec<f64>,
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
}

/// Reusable buffers for [`simulate_draw`].
#[derive(Default)]
pub struct Workspace {
    pub outcome: DrawOutcome,
    latent: Vec<Vector4<f64>>,
    economy: Vec<EconomyYear>,
    indicators: Vec<IndicatorDraw>,
    wijk_rngs: Vec<StreamRng>,
    g: Vec<f64>,
    direct: Vec<f64>,
    noise: Vec<f64>,
    stock: Vec<f64>,
    corp_state: Vec<CorpState>,
    physical: Vec<f64>,
    social: Vec<f64>,
}

/// Samples every parameter of the table for one draw, each from its own stream.
pub fn sample_params(scenario: &Scenario, seed: u64, draw: u64, out: &mut Vec<f64>) {
    out.clear();
    out.extend(
        scenario
            .params
            .params
            .iter()
            .map(|p| match p.param.constant_value() {
                Some(v) => v,
                None => p.param.sample(&mut stream(seed, draw, p.key)),
            }),
    );
}

/// Simulates draw `draw` of `scenario` under `seed`; the result is in `ws.outcome`.
pub fn simulate_draw<'w>(
    scenario: &Scenario,
    seed: u64,
    draw: u64,
    ws: &'w mut Workspace,
) -> &'w DrawOutcome {
    let sc = scenario;
    let t_max = sc.horizon();
    let n_w = sc.wijken.len();
    let n_k = sc.indicators.len();
    let out = &mut ws.outcome;
    out.draw = draw;
    sample_params(sc, seed, draw, &mut out.params);
    let v = &out.params;
    let gp = sc.gaps.values(v);
    let prop = sc.property.values(v);

    // Per-wijk multipliers: the first number of each (wijk, indicator) stream; the rest of
    // the stream is that wijk's yearly noise for that indicator.
    ws.wijk_rngs.clear();
    out.multipliers.clear();
    ws.indicators.clear();
    for w in &sc.wijken {
        for (k, ind) in sc.indicators.iter().enumerate() {
            let mut rng = stream(seed, draw, w.indicator_keys[k]);
            let m = unit_mean_lognormal(ind.wijk_cv, StandardNormal.sample(&mut rng));
            ws.wijk_rngs.push(rng);
            out.multipliers.push(m);
            ws.indicators.push(IndicatorDraw {
                effect: v[ind.effect.0] * m,
                cyclical: v[ind.cyclical.0],
                sigma: v[ind.sigma.0],
                gap0: ind.gap0,
                response: ind.response,
                leakage: ind.leakage,
            });
        }
    }

    let mut econ_rng = stream(seed, draw, component_key("economy"));
    out.rate_floors = economy::simulate(
        &sc.economy,
        t_max,
        &mut econ_rng,
        &mut ws.latent,
        &mut ws.economy,
    );
    out.economy.clear();
    out.economy.extend_from_slice(&ws.economy);
    let mean_u = sc.economy.mean[crate::scenario::UNEMPLOYMENT];

    // State at t = 0.
    let pop_total = sc.total_population();
    reset(&mut ws.g, n_w * n_k, 1.0);
    reset(&mut ws.direct, n_k, 0.0);
    reset(&mut ws.noise, n_k, 0.0);
    reset(&mut ws.stock, n_w, 0.0);
    reset(&mut ws.physical, n_w, 0.0);
    reset(&mut ws.social, n_w, 0.0);
    reset(&mut out.c, n_w * (t_max + 1), 1.0);
    reset(&mut out.c_all, t_max + 1, 1.0);
    out.first_closed.clear();
    out.first_closed.resize(n_w, None);
    out.first_closed_all = None;
    out.first_halved_all = None;
    reset(&mut out.municipal_spend, sc.municipalities.len(), 0.0);
    reset(&mut out.municipal_shortfall, sc.municipalities.len(), 0.0);
    ws.corp_state.clear();
    out.corporations
        .resize_with(sc.corporations.len(), CorpOutcome::default);
    for (corp, co) in sc.corporations.iter().zip(out.corporations.iter_mut()) {
        let p = corp.params.values(v);
        ws.corp_state.push(CorpState::initial(
            &p,
            corp.wijk_dwellings * (1.0 + p.outside_ratio),
        ));
        reset(&mut co.icr, t_max, 0.0);
        reset(&mut co.ltv, t_max, 0.0);
        reset(&mut co.capacity, t_max, 0.0);
        reset(&mut co.plan, t_max, 0.0);
        reset(&mut co.spent, t_max, 0.0);
        reset(&mut co.debt, t_max, 0.0);
        reset(&mut co.fcf, t_max, 0.0);
        co.min_icr = f64::INFINITY;
        co.max_ltv = f64::NEG_INFINITY;
        co.breach_icr = false;
        co.breach_ltv = false;
        co.planned_wijk = 0.0;
        co.realised_wijk = 0.0;
    }
    let mut price_index = 1.0;
    let mut city_value = prop.city_value;
    let leak = gp.leak * (1.0 - gp.retention);

    for t in 1..=t_max {
        let x = ws.economy[t];
        let year = sc.run.year(t);
        // 1. prices, values and costs grow by this year's rates.
        price_index *= 1.0 + x.inflation;
        city_value *= 1.0 + x.house_price_growth;
        for (corp, s) in sc.corporations.iter().zip(ws.corp_state.iter_mut()) {
            corporation::grow(
                s,
                x.inflation,
                corp.rent_policy.at(year),
                x.house_price_growth,
            );
        }

        // Municipal budgets (needed for the corporations' compensation in step 3).
        // 2-3. corporations: value with c_{t-1}, cash flow, capacity, allocation, debt.
        for (ci, corp) in sc.corporations.iter().enumerate() {
            let p = corp.params.values(v);
            let muni = &sc.municipalities[corp.municipality];
            let mp = muni.params.values(v);
            let cut =
                municipality::cut_share(mp.cut_depth, mp.cut_start, mp.cut_ramp, f64::from(year));
            let (_, shortfall) =
                municipality::budget(mp.budget_per_resident * muni.population, price_index, cut);
            let s = &mut ws.corp_state[ci];
            let outside = p.outside_ratio * corp.wijk_dwellings;
            let mut value = outside * city_value + s.upgrades;
            let mut wijk_plan = 0.0;
            let mut compensation_plan = 0.0;
            for &w in &corp.wijken {
                let wijk = &sc.wijken[w];
                let c_prev = out.c[w * (t_max + 1) + t - 1];
                value += wijk.corporation_dwellings
                    * property::wijk_value(city_value, prop.start_discount, prop.theta, c_prev);
                wijk_plan += wijk.commitment * price_index;
                compensation_plan += p.compensation * shortfall * wijk.population / muni.population;
            }
            let dwellings = corp.wijk_dwellings + outside;
            let f = corporation::finances(&p, s, dwellings, value, x.interest, corp.levy.at(year));
            let regular_plan = p.regular_investment * dwellings * price_index;
            let alloc = corporation::allocate(
                corp.allocation,
                f.capacity,
                regular_plan,
                wijk_plan + compensation_plan,
            );
            let mut physical_total = 0.0;
            for &w in &corp.wijken {
                let wijk = &sc.wijken[w];
                let plan = wijk.commitment * price_index;
                let comp = p.compensation * shortfall * wijk.population / muni.population;
                ws.physical[w] = alloc.wijk * p.physical_share * plan;
                ws.social[w] = alloc.wijk * ((1.0 - p.physical_share) * plan + comp);
                physical_total += ws.physical[w];
            }
            let spent = alloc.regular * regular_plan + alloc.wijk * (wijk_plan + compensation_plan);
            s.debt = corporation::new_debt(s.debt, spent, f.fcf);
            s.loan_rate = f.loan_rate;
            s.upgrades += prop.capitalisation * physical_total;
            let ltv = if f.policy_value > 0.0 {
                s.debt / f.policy_value
            } else {
                f64::INFINITY
            };
            let co = &mut out.corporations[ci];
            co.icr[t - 1] = f.icr.min(ICR_CAP);
            co.ltv[t - 1] = ltv;
            co.capacity[t - 1] = f.capacity;
            co.plan[t - 1] = regular_plan + wijk_plan + compensation_plan;
            co.spent[t - 1] = spent;
            co.debt[t - 1] = s.debt;
            co.fcf[t - 1] = f.fcf;
            co.min_icr = co.min_icr.min(f.icr.min(ICR_CAP));
            co.max_ltv = co.max_ltv.max(ltv);
            co.breach_icr |= f.icr < p.icr_min;
            co.breach_ltv |= ltv > p.ltv_max;
            co.planned_wijk += wijk_plan;
            co.realised_wijk += alloc.wijk * wijk_plan;
        }

        // 4. municipal and state spending.
        let state = sc.state_budget_per_wijk.at(year);
        for (m, muni) in sc.municipalities.iter().enumerate() {
            let mp = muni.params.values(v);
            let cut =
                municipality::cut_share(mp.cut_depth, mp.cut_start, mp.cut_ramp, f64::from(year));
            let (budget, shortfall) =
                municipality::budget(mp.budget_per_resident * muni.population, price_index, cut);
            out.municipal_spend[m] += budget;
            out.municipal_shortfall[m] += shortfall;
            for &w in &muni.wijken {
                ws.social[w] += budget * sc.wijken[w].population / muni.population + state;
            }
        }

        // 5. programme stock, response and gaps.
        let mut c_all = 0.0;
        for (w, wijk) in sc.wijken.iter().enumerate() {
            let intensity = ws.social[w] / wijk.population;
            ws.stock[w] = gaps::stock(ws.stock[w], gp.decay, intensity);
            for k in 0..n_k {
                ws.noise[k] = StandardNormal.sample(&mut ws.wijk_rngs[w * n_k + k]);
            }
            let upgraded = ws.physical[w] / (gp.upgrade_cost * price_index);
            let drivers = GapDrivers {
                response: gaps::response(ws.stock[w], gp.k_half),
                upgraded_pp: 100.0 * upgraded / wijk.dwellings,
                aging_pp: gp.aging,
                leak,
                unemployment_deviation: x.unemployment - mean_u,
                noise: &ws.noise,
            };
            let g = &mut ws.g[w * n_k..(w + 1) * n_k];
            gaps::step(
                &ws.indicators[w * n_k..(w + 1) * n_k],
                &sc.spillover_matrix,
                &drivers,
                g,
                &mut ws.direct,
            );
            let c = gaps::composite(sc.indicators.iter().map(|i| i.weight), g);
            out.c[w * (t_max + 1) + t] = c;
            if c <= 0.0 && out.first_closed[w].is_none() {
                out.first_closed[w] = Some(t as u16);
            }
            c_all += c * wijk.population / pop_total;
        }
        out.c_all[t] = c_all;
        if c_all <= 0.0 && out.first_closed_all.is_none() {
            out.first_closed_all = Some(t as u16);
        }
        if c_all <= 0.5 && out.first_halved_all.is_none() {
            out.first_halved_all = Some(t as u16);
        }
    }

    // 6. final values and uplift with c_T.
    out.uplift.clear();
    out.g_final.clear();
    out.g_final.extend_from_slice(&ws.g);
    reset(&mut out.g_final_all, n_k, 0.0);
    for co in &mut out.corporations {
        co.uplift = 0.0;
    }
    for (w, wijk) in sc.wijken.iter().enumerate() {
        let c_t = out.c[w * (t_max + 1) + t_max];
        let u = property::uplift(
            wijk.dwellings,
            city_value,
            prop.start_discount,
            prop.theta,
            c_t,
        );
        out.uplift.push(u);
        out.corporations[wijk.corporation].uplift +=
            u * wijk.corporation_dwellings / wijk.dwellings;
        for k in 0..n_k {
            out.g_final_all[k] += ws.g[w * n_k + k] * wijk.population / pop_total;
        }
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
    &ws.outcome
}

fn reset(v: &mut Vec<f64>, n: usize, value: f64) {
    v.clear();
    v.resize(n, value);
}
