//! Property tests over the model: whatever the levers and the draw, no negative dwellings,
//! debt or spending; shares stay in [0, 1]; a corporation never spends more than its capacity
//! or its plan; and money is conserved: D_t = max(0, D_{t-1} + spent_t - FCF_t) year by year.
//! Deterministic proptest runs (fixed ChaCha seed).

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::Path;
use wijksim::model::corporation::{AllocationPolicy, allocate};
use wijksim::model::{Workspace, simulate_draw};

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
const LEVERS: [(&str, f64, f64); 12] = [
    ("corporations.defaults.levy", 0.0, 0.012),
    ("corporations.defaults.rent", 3_000.0, 8_000.0),
    ("corporations.defaults.debt", 0.0, 70_000.0),
    ("corporations.defaults.compensation", 0.0, 1.0),
    ("corporations.defaults.physical_share", 0.0, 1.0),
    ("corporations.defaults.headroom_use", 0.0, 1.0),
    ("corporations.defaults.regular_investment", 0.0, 4_000.0),
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
                    // Money is conserved: what is spent and not earned is borrowed.
                    let want = (debt + c.spent[t] - c.fcf[t]).max(0.0);
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
