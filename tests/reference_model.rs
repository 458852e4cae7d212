//! The engine against an independent implementation of the reference model v2.
//!
//! `tests/reference/model_v2.py` was written from the reference model's text alone (the
//! project's notes, summarised in docs/model.md; plain Python, without reading the engine)
//! and run on the deterministic worlds in `tests/reference/worlds/`;
//! its outputs are committed in `tests/reference/out/`. `to_scenario.py` translates the same
//! worlds into scenario files. Here the engine runs them year by year and every state
//! variable and reported figure is compared, to 1e-9 relative.

use serde_json::Value;
use std::path::Path;
use wijksim::model::draw::{finish, init};
use wijksim::model::{DrawOutcome, Workspace};
use wijksim::scenario::{self, Scenario};

struct Check {
    compared: usize,
    failures: Vec<String>,
}

impl Check {
    fn close(&mut self, what: &str, ours: f64, theirs: f64) {
        self.compared += 1;
        let tol = 1e-9 * theirs.abs().max(1.0);
        if !((ours - theirs).abs() <= tol || (ours.is_infinite() && theirs.is_infinite())) {
            self.failures
                .push(format!("{what}: engine {ours}, reference {theirs}"));
        }
    }

    /// Compares the number at `v[t]`; null (a flow at t = 0, an unbounded limit) is skipped
    /// unless `null_means` gives its value.
    fn at(&mut self, what: &str, ours: f64, v: &Value, null_means: Option<f64>) {
        match v.as_f64().or(null_means) {
            Some(theirs) => self.close(what, ours, theirs),
            None => self
                .failures
                .push(format!("{what}: reference has no number ({v})")),
        }
    }
}

fn series<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("reference lacks {key}"))
}

fn compare_world(name: &str) {
    let dir = Path::new("tests/reference");
    let sc: Scenario = scenario::load(&dir.join(format!("scenarios/{name}.toml")))
        .unwrap_or_else(|e| panic!("{e}"));
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("out/{name}.json"))).expect("reference output"),
    )
    .expect("JSON");
    let mut ws = Workspace::default();
    let mut check = Check {
        compared: 0,
        failures: vec![],
    };
    let t_max = sc.horizon();
    init(&sc, 1, 0, &mut ws);
    for t in 1..=t_max {
        ws.advance(&sc, t);
        let year = sc.run.year(t);
        check.at(
            &format!("city value {year}"),
            ws.state.city_value,
            &series(&reference, "city_value")[t],
            None,
        );
        check.at(
            &format!("price index {year}"),
            ws.state.price_index,
            &series(&reference, "price_index")[t],
            None,
        );
        for (w, wijk) in sc.wijken.iter().enumerate() {
            let r = &reference["wijken"][&wijk.name];
            for (k, ind) in sc.indicators.iter().enumerate() {
                for (var, ours) in [
                    ("z", ws.state.structural(w, k)),
                    ("g", ws.state.observed(w, k)),
                ] {
                    check.at(
                        &format!("{} {var} {} {year}", wijk.name, ind.name),
                        ours,
                        &r[var][&ind.name][t],
                        None,
                    );
                }
            }
            check.at(
                &format!("{} c {year}", wijk.name),
                ws.state.c[w],
                &r["c"][t],
                None,
            );
            check.at(
                &format!("{} cv {year}", wijk.name),
                ws.state.cv[w],
                &r["cv"][t],
                None,
            );
            check.at(
                &format!("{} stock {year}", wijk.name),
                ws.state.stock[w],
                &r["stock"][t],
                None,
            );
            check.at(
                &format!("{} value {year}", wijk.name),
                ws.outcome.value[w * (t_max + 1) + t],
                &r["value"][t],
                None,
            );
        }
        for (c, corp) in sc.corporations.iter().enumerate() {
            let r = &reference["corporations"][&corp.name];
            assert!(r.is_object(), "reference has no corporation {}", corp.name);
            let s = &ws.state.corporations[c];
            let o = &ws.outcome.corporations[c];
            let i = t - 1;
            for (var, ours) in [
                ("outside", s.outside),
                ("rent", s.rent),
                ("Y", s.newbuild_income),
                ("loan_rate", s.loan_rate),
                ("Q", s.upgrades),
                ("debt", s.debt),
                ("newbuild", s.newbuild),
                ("levy", o.levy[i]),
                ("sales_proceeds", o.sales[i]),
                ("fcf", o.fcf[i]),
                ("capacity", o.capacity[i]),
                ("spent", o.spent[i]),
                ("plan_wijk", o.wijk_plan[i]),
                ("ltv", o.ltv[i]),
            ] {
                check.at(
                    &format!("{} {var} {year}", corp.name),
                    ours,
                    &r[var][t],
                    None,
                );
            }
            check.at(
                &format!("{} icr {year}", corp.name),
                o.icr[i],
                &r["icr"][t]
                    .as_f64()
                    .map_or(Value::from(100.0), |x| Value::from(x.min(100.0))),
                None,
            );
            let plan = ["plan_regular", "plan_wijk", "plan_compensation"]
                .iter()
                .map(|k| r[k][t].as_f64().expect("plan"))
                .sum::<f64>();
            check.close(&format!("{} plan {year}", corp.name), o.plan[i], plan);
            let wijk_spent = r["share_wijk"][t].as_f64().expect("share")
                * r["plan_wijk"][t].as_f64().expect("plan");
            check.close(
                &format!("{} wijk spent {year}", corp.name),
                o.wijk_spent[i],
                wijk_spent,
            );
            for (h, n) in corp.holdings.iter().zip(&s.holdings) {
                let wijk = &sc.wijken[h.wijk].name;
                check.at(
                    &format!("{} holding in {wijk} {year}", corp.name),
                    *n,
                    &r["holdings"][wijk][t],
                    None,
                );
            }
        }
    }
    finish(&sc, &ws.params, &ws.state, &mut ws.outcome);
    let o: &DrawOutcome = &ws.outcome;
    for (w, wijk) in sc.wijken.iter().enumerate() {
        let r = &reference["wijken"][&wijk.name];
        check.at(
            &format!("{} uplift", wijk.name),
            o.uplift[w],
            &r["uplift_T"],
            None,
        );
        let year = |f: Option<u16>| f.map(|t| f64::from(sc.run.year(usize::from(t))));
        assert_eq!(
            year(o.first_closed[w]),
            r["first_closed"].as_f64(),
            "{} first closed",
            wijk.name
        );
        for (k, ind) in sc.indicators.iter().enumerate() {
            let wi = &wijk.indicators[k];
            for (var, ours) in [("lo", wi.lo), ("hi", wi.hi), ("G0", wi.gap0)] {
                let theirs = &r[var][&ind.name];
                if theirs.is_null() {
                    assert!(
                        ours.is_infinite(),
                        "{} {var} {}: {ours}",
                        wijk.name,
                        ind.name
                    );
                } else {
                    check.at(
                        &format!("{} {var} {}", wijk.name, ind.name),
                        ours,
                        theirs,
                        None,
                    );
                }
            }
        }
    }
    for (c, corp) in sc.corporations.iter().enumerate() {
        let r = &reference["corporations"][&corp.name];
        let co = &o.corporations[c];
        check.at(
            &format!("{} uplift", corp.name),
            co.uplift,
            &r["uplift_T"],
            None,
        );
        assert_eq!(
            Some(co.breach_icr),
            r["any_breach_icr"].as_bool(),
            "{}",
            corp.name
        );
        assert_eq!(
            Some(co.breach_ltv),
            r["any_breach_ltv"].as_bool(),
            "{}",
            corp.name
        );
    }
    for (m, muni) in sc.municipalities.iter().enumerate() {
        let r = &reference["municipalities"][&muni.name];
        let total = |k: &str| {
            series(r, k)[1..]
                .iter()
                .map(|x| x.as_f64().unwrap())
                .sum::<f64>()
        };
        check.close(
            &format!("{} budget", muni.name),
            o.municipal_spend[m],
            total("budget"),
        );
        check.close(
            &format!("{} shortfall", muni.name),
            o.municipal_shortfall[m],
            total("shortfall"),
        );
    }
    assert!(
        check.failures.is_empty(),
        "{name}: {} of {} comparisons differ:\n{}",
        check.failures.len(),
        check.compared,
        check.failures.join("\n")
    );
    assert!(
        check.compared > 500,
        "{name}: only {} comparisons",
        check.compared
    );
}

#[test]
fn world_a_matches_the_independent_implementation() {
    compare_world("world_a");
}

#[test]
fn world_b_matches_the_independent_implementation() {
    compare_world("world_b");
}

/// Year 1 (2008) of world_a by hand from the reference model v2, and the levy and Y of later years
/// from the engine's own reported figures.
#[test]
fn one_year_of_one_wijk_and_one_corporation_by_hand() {
    let sc = scenario::load(Path::new("tests/reference/scenarios/world_a.toml")).unwrap();
    let w = sc.wijken.iter().position(|w| w.name == "Noord").unwrap();
    let c2 = sc.corporations.iter().position(|c| c.name == "C2").unwrap();
    let close = |a: f64, b: f64, what: &str| {
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{what}: {a} vs {b}"
        );
    };

    // Noord's own unemployment figures: 14% against a city at 6%, so G(0) = 8 pp and the
    // physical range [0, 100] gives lo = (0 - 6) / 8, hi = (100 - 6) / 8.
    let wi = &sc.wijken[w].indicators[0];
    close(wi.gap0, 8.0, "G(0)");
    close(wi.lo, -0.75, "lo");
    close(wi.hi, 11.75, "hi");

    let mut ws = Workspace::default();
    init(&sc, 1, 0, &mut ws);
    ws.advance(&sc, 1);
    // Money per resident in 2008: the corporations' social 40% of the 5 mln commitment
    // (inflation 2.5%), Aastad's EUR 150 per resident (no cut before 2011) and the state's
    // EUR 1 mln: s = (2,050,000 + 3,075,000 + 1,000,000) / 20,000 = 306.25.
    let s: f64 = (0.4 * 5e6 * 1.025 + 150.0 * 20_000.0 * 1.025 + 1e6) / 20_000.0;
    close(ws.state.stock[w], s, "K_1");
    let r = 1.0 - (-s / 1000.0).exp();
    // Structural gap: closure eff r max(z, 0) with eff 0.015; leakage of (1 - z) is 0 at z = 1.
    let z = 1.0 - 0.015 * r;
    close(ws.state.structural(w, 0), z, "structural unemployment gap");
    // Observed: the cycle as a level, 150 x (3.9% - 5.5%) / 8 pp = -0.3.
    close(
        ws.state.observed(w, 0),
        z - 0.3,
        "observed unemployment gap",
    );

    // C2: 10,000 dwellings (1,250 in Noord, 3,000 in Zuid, 5,750 outside) sells 0.7% of them
    // at market value less 5%: wijk dwellings at the start discount of 25% (cv_0 = 1).
    let city = 160_000.0 * 1.03;
    let sales = 0.95 * 0.007 * (4_250.0 * 0.75 * city + 5_750.0 * city);
    let o = &ws.outcome.corporations[c2];
    close(o.sales[0], sales, "C2 sales 2008");
    // OCF on the 9,930 dwellings left: (5,000 - 2,600) x 1.025 each, no levy, no Y yet;
    // interest j_1 = 0.9 x 0.047 + 0.1 x 0.045 on a debt of 34,000 x 10,000.
    let ocf = 9_930.0 * 2_400.0 * 1.025;
    let interest = (0.9 * 0.047 + 0.1 * 0.045) * 34_000.0 * 10_000.0;
    close(o.icr[0], ocf / interest, "C2 ICR 2008");
    close(o.fcf[0], ocf - interest, "C2 FCF 2008");

    // 2009: Y = (1 + p) x 0 + y_new x last year's new building (60% of the regular spending).
    let regular_2008 = o.spent[0] - o.wijk_spent[0];
    ws.advance(&sc, 2);
    close(
        ws.state.corporations[c2].newbuild_income,
        0.015 * 0.6 * regular_2008,
        "C2 Y 2009",
    );
    // 2014: the levy is 0.381% of the WOZ value (75% of market value) of the rented stock
    // before this year's sales, valued with last year's value composite.
    for t in 3..=7 {
        ws.advance(&sc, t);
    }
    let t_max = sc.horizon();
    let h_2014 = ws.outcome.economy[7].house_price_growth;
    let prev = &ws.outcome;
    let corp = &sc.corporations[c2];
    let holdings_2013: Vec<f64> = ws.state.corporations[c2]
        .holdings
        .iter()
        .map(|n| n / 0.993)
        .collect();
    let outside_2013 = ws.state.corporations[c2].outside / 0.993;
    let market: f64 = corp
        .holdings
        .iter()
        .zip(&holdings_2013)
        .map(|(h, n)| n * prev.value[h.wijk * (t_max + 1) + 6] * (1.0 + h_2014))
        .sum::<f64>()
        + outside_2013 * prev.city_value[7];
    close(
        prev.corporations[c2].levy[6],
        0.00381 * 0.75 * market,
        "C2 levy 2014",
    );
}
