//! Property tests over the model: whatever the levers and the draw, no negative dwellings,
//! debt or spending; shares stay in [0, 1]; a corporation never spends more than its capacity
//! or its plan; money is conserved: D_t = max(0, D_{t-1} + spent_t - FCF_t - P_t) year by
//! year; observed gaps stay in their physical range; a wijk never trades above the city; with
//! the cycle at its mean the observed gap is the structural one; and a corporation in breach
//! of the ICR limit has no ICR headroom at any rate. Deterministic proptest runs (fixed
//! ChaCha seed).

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::Path;
use wijksim::model::corporation::{self, CorpState, allocate};
use wijksim::model::draw::{finish, init};
use wijksim::model::params::{AllocationPolicy, CorporationParams};
use wijksim::model::{Workspace, simulate_draw};
use wijksim::scenario::Scenario;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

/// Levers and their ranges; each case sets all of them.
const LEVERS: [(&str, f64, f64); 14] = [
    ("corporations.defaults.levy", 0.0, 0.012),
    ("corporations.defaults.rent", 3_000.0, 8_000.0),
    ("corporations.defaults.debt", 0.0, 70_000.0),
    ("corporations.defaults.compensation", 0.0, 1.0),
    ("corporations.defaults.physical_share", 0.0, 1.0),
    ("corporations.defaults.headroom_use", 0.0, 1.0),
    ("corporations.defaults.regular_investment", 0.0, 4_000.0),
    ("corporations.defaults.sell_rate", 0.0, 0.1),
    ("corporations.defaults.commitment", 0.0, 3.0),
    ("corporations.defaults.rent_policy", -0.05, 0.05),
    ("municipalities.defaults.budget_per_resident", 0.0, 1_000.0),
    ("municipalities.defaults.cut_depth", 0.0, 1.0),
    ("gaps.retention", 0.0, 1.0),
    ("gaps.aging", 0.0, 2.0),
];

#[test]
fn corporations_and_municipalities_keep_their_books() {
    let strategy = (
        prop::collection::vec(0.0..=1.0f64, LEVERS.len()),
        any::<u64>(),
        0u64..1_000_000,
    );
    runner(150)
        .run(&strategy, |(u, seed, draw)| {
            let set: Vec<(String, f64)> = LEVERS
                .iter()
                .zip(&u)
                .map(|(&(path, lo, hi), &x)| (path.to_string(), lo + x * (hi - lo)))
                .collect();
            let sc = wijksim::scenario::load_with(Path::new("scenarios/baseline.toml"), &set)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let o = simulate_draw(&sc, seed, draw, &mut Workspace::default()).clone();
            let t_max = sc.horizon();
            for x in o.c.iter().chain(&o.g_final).chain(&o.uplift) {
                prop_assert!(x.is_finite());
            }
            for w in &sc.wijken {
                prop_assert!(w.population > 0.0 && w.dwellings > 0.0);
                prop_assert!((0.0..=w.dwellings).contains(&w.corporation_dwellings));
            }
            for (m, spend) in o.municipal_spend.iter().enumerate() {
                prop_assert!(*spend >= 0.0 && o.municipal_shortfall[m] >= 0.0);
            }
            for (corp, c) in sc.corporations.iter().zip(&o.corporations) {
                let p = corp.params.values(&o.params);
                let dwellings = corp.wijk_dwellings * (1.0 + p.outside_ratio);
                let mut debt = p.debt * dwellings;
                for t in 0..t_max {
                    let tol = 1e-9 * (1.0 + c.plan[t].abs() + c.capacity[t].abs());
                    prop_assert!(c.capacity[t] >= 0.0, "capacity {}", c.capacity[t]);
                    prop_assert!(c.plan[t] >= 0.0);
                    prop_assert!(c.spent[t] >= -tol && c.spent[t] <= c.plan[t] + tol);
                    prop_assert!(
                        c.spent[t] <= c.capacity[t] + tol,
                        "{} spent {} > capacity {} in year {t}",
                        corp.name,
                        c.spent[t],
                        c.capacity[t]
                    );
                    prop_assert!(c.debt[t] >= 0.0 && c.ltv[t] >= 0.0);
                    // Money is conserved: what is spent and not earned or sold for is
                    // borrowed.
                    let want = (debt + c.spent[t] - c.fcf[t] - c.sales[t]).max(0.0);
                    prop_assert!(
                        (c.debt[t] - want).abs() <= 1e-9 * (1.0 + want.abs()),
                        "{} year {t}: debt {} vs {}",
                        corp.name,
                        c.debt[t],
                        want
                    );
                    debt = c.debt[t];
                }
                prop_assert!(c.realised_wijk <= c.planned_wijk * (1.0 + 1e-12) + 1e-6);
                prop_assert!(c.realised_wijk >= 0.0);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn allocation_shares_stay_in_the_unit_interval_and_pay_in_full_when_they_can() {
    let amount = prop_oneof![Just(0.0), 0.0..1e9f64];
    runner(2_000)
        .run(
            &(amount.clone(), amount.clone(), amount, 0usize..3),
            |(capacity, regular, wijk, policy)| {
                let policy = [
                    AllocationPolicy::ProRata,
                    AllocationPolicy::WijkenFirst,
                    AllocationPolicy::RegularFirst,
                ][policy];
                let a = allocate(policy, capacity, regular, wijk);
                prop_assert!((0.0..=1.0).contains(&a.regular) && (0.0..=1.0).contains(&a.wijk));
                let spent = a.regular * regular + a.wijk * wijk;
                prop_assert!(
                    spent <= capacity.max(0.0) * (1.0 + 1e-12) + 1e-6 || capacity >= regular + wijk
                );
                if capacity >= regular + wijk {
                    prop_assert_eq!((a.regular, a.wijk), (1.0, 1.0));
                } else {
                    // Short of money, the capacity is used in full.
                    prop_assert!((spent - capacity).abs() <= 1e-6 * (1.0 + capacity));
                }
                Ok(())
            },
        )
        .unwrap();
}

/// The baseline with harsher noise and cycle (`sigma`, `cyclical`, the sds of house prices and
/// unemployment scaled by `econ`), written to `dir`.
fn harsh(dir: &Path, sigma: f64, cyclical: f64, econ: [f64; 2], effect: f64) -> Scenario {
    let mut text = std::fs::read_to_string("scenarios/baseline.toml")
        .unwrap()
        .replace("sigma = 0.03", &format!("sigma = {sigma}"))
        .replace("cyclical = 150", &format!("cyclical = {cyclical}"))
        .replace(
            "mode = 0.015, max = 0.06",
            &format!("mode = {effect}, max = 0.9"),
        )
        .replace("data/aandachtswijken.csv", "w.csv");
    for ((var, sd), scale) in [("house_price_growth", 0.045), ("unemployment", 0.008)]
        .into_iter()
        .zip(econ)
    {
        text = text.replace(&format!("{var} = {sd}"), &format!("{var} = {}", sd * scale));
    }
    std::fs::copy("scenarios/data/aandachtswijken.csv", dir.join("w.csv")).unwrap();
    let path = dir.join("harsh.toml");
    std::fs::write(&path, text).unwrap();
    wijksim::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn observed_gaps_stay_in_range_and_no_wijk_trades_above_the_city() {
    let dir = tempfile::tempdir().unwrap();
    let strategy = (
        0.0..0.5f64,
        0.0..1500.0f64,
        0.0..4.0f64,
        0.0..0.5f64,
        any::<u64>(),
    );
    runner(40)
        .run(&strategy, |(sigma, cyclical, econ, effect, seed)| {
            let sc = harsh(dir.path(), sigma, cyclical, [econ, econ], effect);
            let mut ws = Workspace::default();
            let (n_k, t_max) = (sc.indicators.len(), sc.horizon());
            for draw in 0..3 {
                let o = simulate_draw(&sc, seed, draw, &mut ws);
                for (w, wijk) in sc.wijken.iter().enumerate() {
                    for (k, wi) in wijk.indicators.iter().enumerate() {
                        for t in 0..=t_max {
                            let g = o.g[(w * n_k + k) * (t_max + 1) + t];
                            prop_assert!(
                                g >= wi.lo && g <= wi.hi,
                                "{} {}: g {g} outside [{}, {}]",
                                wijk.name,
                                sc.indicators[k].name,
                                wi.lo,
                                wi.hi
                            );
                            // Back in the indicator's own unit: within its physical range.
                            let ind = &sc.indicators[k];
                            let value = match ind.better {
                                wijksim::scenario::Better::Lower => wi.city + g * wi.gap0,
                                wijksim::scenario::Better::Higher => wi.city - g * wi.gap0,
                            };
                            prop_assert!(value >= ind.min - 1e-9 && value <= ind.max + 1e-9);
                        }
                    }
                    for t in 0..=t_max {
                        let v = o.value[w * (t_max + 1) + t];
                        prop_assert!(v <= o.city_value[t] * (1.0 + 1e-15), "{v} above the city");
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn with_the_cycle_at_its_mean_the_observed_gap_is_the_structural_one() {
    let dir = tempfile::tempdir().unwrap();
    // Unemployment has no shocks (sd 0) and no overlay: u_t is its long-run mean every year.
    let sc = harsh(dir.path(), 0.2, 600.0, [2.0, 0.0], 0.2);
    let mut ws = Workspace::default();
    for draw in 0..20 {
        init(&sc, 11, draw, &mut ws);
        for t in 1..=sc.horizon() {
            ws.advance(&sc, t);
            assert_eq!(ws.outcome.economy[t].unemployment, 0.055);
            assert_eq!(ws.state.z, ws.state.g, "draw {draw} year {t}");
        }
        finish(&sc, &ws.params, &ws.state, &mut ws.outcome);
    }
}

#[test]
fn a_corporation_in_breach_of_the_icr_limit_has_no_icr_headroom_at_any_rate() {
    let strategy = (
        0.0..20_000.0f64,
        0.0..100_000.0f64,
        prop_oneof![Just(0.0), 0.0..0.1f64],
        0.0..0.02f64,
        0.5..3.0f64,
    );
    // The baseline's corporation, with the rent, debt and ICR limit of the case.
    let sc = wijksim::scenario::load(Path::new("scenarios/baseline.toml")).unwrap();
    let mut values = vec![];
    wijksim::model::draw::sample_params(&sc, 1, 0, &mut values);
    let base = sc.corporations[0].params.values(&values);
    runner(3_000)
        .run(&strategy, |(rent, debt, rate, levy, icr_min)| {
            let p = CorporationParams {
                rent,
                debt,
                icr_min,
                ..base
            };
            let mut s = CorpState::initial(&p, [100.0].into_iter(), 400.0);
            let v = corporation::value_and_sell(&p, &mut s, 500.0 * 150_000.0, 0.75);
            let f = corporation::finances(&p, &s, &v, rate, levy);
            if f.icr < icr_min {
                prop_assert_eq!(f.headroom_icr, 0.0);
                prop_assert_eq!(f.headroom, 0.0);
            } else {
                prop_assert!(f.headroom_icr.is_finite() && f.headroom_icr >= 0.0);
            }
            prop_assert!(f.headroom >= 0.0 && f.capacity >= 0.0);
            Ok(())
        })
        .unwrap();
}
