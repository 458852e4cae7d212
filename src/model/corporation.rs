//! A housing corporation's year: earnings capacity ("verdiencapaciteit"), lenders' ratios,
//! investment capacity ("investeringscapaciteit") and what it can spend of its plan.

use crate::scenario::params::CorporationParams;
use serde::{Deserialize, Serialize};

/// Which part of the plan gives way when capacity falls short of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationPolicy {
    /// Every part is cut by the same share.
    #[default]
    ProRata,
    /// The wijk commitment (and compensation) is paid first, regular investment takes the rest.
    WijkenFirst,
    /// Regular investment is paid first, the wijken take the rest.
    RegularFirst,
}

/// The state a corporation carries from year to year.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CorpState {
    /// Net rent per dwelling per year.
    pub rent: f64,
    pub operating_cost: f64,
    pub maintenance: f64,
    pub other_taxes: f64,
    /// Total debt D.
    pub debt: f64,
    /// Average interest on the loan book j.
    pub loan_rate: f64,
    /// Value added by capitalised physical wijk investment Q.
    pub upgrades: f64,
}

impl CorpState {
    /// The state at t = 0 for a corporation with `dwellings` dwellings in all.
    pub fn initial(p: &CorporationParams<f64>, dwellings: f64) -> CorpState {
        CorpState {
            rent: p.rent,
            operating_cost: p.operating_cost,
            maintenance: p.maintenance,
            other_taxes: p.other_taxes,
            debt: p.debt * dwellings,
            loan_rate: p.loan_interest,
            upgrades: 0.0,
        }
    }
}

/// Step 1 of the year: rents grow with inflation plus the real rent policy, costs with
/// inflation, the capitalised upgrades with house prices.
pub fn grow(s: &mut CorpState, inflation: f64, real_rent: f64, house_price_growth: f64) {
    s.rent *= 1.0 + inflation + real_rent;
    s.operating_cost *= 1.0 + inflation;
    s.maintenance *= 1.0 + inflation;
    s.other_taxes *= 1.0 + inflation;
    s.upgrades *= 1.0 + house_price_growth;
}

/// A corporation's cash flow and ratios in one year.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Finances {
    /// Landlord levy L_t.
    pub levy: f64,
    /// Operating cash flow before interest OCF_t.
    pub ocf: f64,
    /// Average loan-book rate after refinancing j_t.
    pub loan_rate: f64,
    /// Interest paid I_t = j_t D_{t-1}.
    pub interest: f64,
    /// Interest coverage OCF / I (infinite without interest).
    pub icr: f64,
    /// Free cash flow OCF - I.
    pub fcf: f64,
    /// Debt headroom H_t under both lender limits.
    pub headroom: f64,
    /// Investment capacity max(0, FCF) + eta H.
    pub capacity: f64,
    /// Policy value PV_t = kappa Val_t.
    pub policy_value: f64,
}

/// Step 3 of the year, up to the capacity: `value` is the portfolio's market value Val_t,
/// `new_rate` this year's new-borrowing rate i_t, `levy_rate` tau_t.
pub fn finances(
    p: &CorporationParams<f64>,
    s: &CorpState,
    dwellings: f64,
    value: f64,
    new_rate: f64,
    levy_rate: f64,
) -> Finances {
    let levy = levy_rate * value;
    let ocf = dwellings * (s.rent - s.operating_cost - s.maintenance - s.other_taxes) - levy;
    let loan_rate = (1.0 - p.refinance_share) * s.loan_rate + p.refinance_share * new_rate;
    let interest = loan_rate * s.debt;
    let icr = if interest > 0.0 {
        ocf / interest
    } else {
        f64::INFINITY
    };
    let fcf = ocf - interest;
    // Extra debt the ICR limit allows at the new rate (unbounded when borrowing is free).
    let h_icr = if new_rate > 0.0 {
        (ocf / p.icr_min - interest) / new_rate
    } else {
        f64::INFINITY
    };
    let policy_value = p.policy_value_ratio * value;
    let h_ltv = p.ltv_max * policy_value - s.debt;
    let headroom = h_icr.min(h_ltv).max(0.0);
    Finances {
        levy,
        ocf,
        loan_rate,
        interest,
        icr,
        fcf,
        headroom,
        capacity: fcf.max(0.0) + p.headroom_use * headroom,
        policy_value,
    }
}

/// The realised share of each part of the plan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Allocation {
    pub regular: f64,
    pub wijk: f64,
}

/// Splits `capacity` over the regular plan and the wijk plan (commitment plus compensation).
pub fn allocate(policy: AllocationPolicy, capacity: f64, regular: f64, wijk: f64) -> Allocation {
    let share = |avail: f64, need: f64| {
        if need > 0.0 {
            (avail / need).clamp(0.0, 1.0)
        } else {
            1.0
        }
    };
    match policy {
        AllocationPolicy::ProRata => {
            let s = share(capacity, regular + wijk);
            Allocation {
                regular: s,
                wijk: s,
            }
        }
        AllocationPolicy::WijkenFirst => {
            let w = share(capacity, wijk);
            Allocation {
                wijk: w,
                regular: share(capacity - w * wijk, regular),
            }
        }
        AllocationPolicy::RegularFirst => {
            let r = share(capacity, regular);
            Allocation {
                regular: r,
                wijk: share(capacity - r * regular, wijk),
            }
        }
    }
}

/// Debt at the end of the year: D_t = max(0, D_{t-1} + spent - FCF).
pub fn new_debt(debt: f64, spent: f64, fcf: f64) -> f64 {
    (debt + spent - fcf).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> CorporationParams<f64> {
        CorporationParams {
            rent: 5_200.0,
            operating_cost: 1_100.0,
            maintenance: 1_300.0,
            other_taxes: 200.0,
            debt: 31_000.0,
            loan_interest: 0.047,
            outside_ratio: 4.0,
            policy_value_ratio: 0.53,
            refinance_share: 0.10,
            icr_min: 1.4,
            ltv_max: 0.85,
            headroom_use: 0.25,
            regular_investment: 1_200.0,
            physical_share: 0.6,
            compensation: 0.0,
        }
    }

    #[test]
    fn one_year_by_hand() {
        // One dwelling worth 150,000, no inflation, new rate 3.5%, levy 0.5%.
        let p = params();
        let s = CorpState::initial(&p, 1.0);
        let f = finances(&p, &s, 1.0, 150_000.0, 0.035, 0.005);
        assert!((f.levy - 750.0).abs() < 1e-9);
        assert!((f.ocf - (2_600.0 - 750.0)).abs() < 1e-9);
        let j = 0.9 * 0.047 + 0.1 * 0.035; // 0.0458
        assert!((f.loan_rate - j).abs() < 1e-15);
        assert!((f.interest - j * 31_000.0).abs() < 1e-9); // 1419.8
        assert!((f.icr - 1_850.0 / 1_419.8).abs() < 1e-9);
        assert!((f.fcf - (1_850.0 - 1_419.8)).abs() < 1e-9);
        // ICR 1.303 is below 1.4: the ICR headroom (1,321.4 - 1,419.8) / 0.035 = -2,810.2 is
        // negative, so there is no headroom and capacity is the free cash flow alone.
        let h_icr: f64 = (1_850.0 / 1.4 - 1_419.8) / 0.035;
        assert!(h_icr < 0.0);
        assert_eq!(f.headroom, 0.0);
        assert!((f.capacity - 430.2).abs() < 1e-6);
        assert!((f.policy_value - 79_500.0).abs() < 1e-9);
    }

    #[test]
    fn headroom_is_never_negative_and_icr_infinite_without_debt() {
        let mut p = params();
        p.debt = 0.0;
        let f = finances(&p, &CorpState::initial(&p, 1.0), 1.0, 150_000.0, 0.035, 0.0);
        assert!(f.icr.is_infinite());
        p.debt = 200_000.0;
        let f = finances(&p, &CorpState::initial(&p, 1.0), 1.0, 150_000.0, 0.035, 0.0);
        assert_eq!(f.headroom, 0.0);
        assert_eq!(f.capacity, 0.0);
    }

    #[test]
    fn growth_by_hand() {
        let p = params();
        let mut s = CorpState::initial(&p, 1.0);
        s.upgrades = 1_000.0;
        grow(&mut s, 0.02, 0.01, -0.05);
        assert!((s.rent - 5_200.0 * 1.03).abs() < 1e-9);
        assert!((s.maintenance - 1_300.0 * 1.02).abs() < 1e-9);
        assert!((s.upgrades - 950.0).abs() < 1e-9);
    }

    #[test]
    fn allocation_policies() {
        use AllocationPolicy::*;
        // Plan 100 regular + 50 wijk, capacity 90.
        assert_eq!(
            allocate(ProRata, 90.0, 100.0, 50.0),
            Allocation {
                regular: 0.6,
                wijk: 0.6
            }
        );
        assert_eq!(
            allocate(WijkenFirst, 90.0, 100.0, 50.0),
            Allocation {
                regular: 0.4,
                wijk: 1.0
            }
        );
        assert_eq!(
            allocate(RegularFirst, 90.0, 100.0, 50.0),
            Allocation {
                regular: 0.9,
                wijk: 0.0
            }
        );
        assert_eq!(
            allocate(ProRata, 200.0, 100.0, 50.0),
            Allocation {
                regular: 1.0,
                wijk: 1.0
            }
        );
        assert_eq!(
            allocate(WijkenFirst, 0.0, 100.0, 0.0),
            Allocation {
                regular: 0.0,
                wijk: 1.0
            }
        );
    }

    #[test]
    fn debt_never_negative() {
        assert_eq!(new_debt(100.0, 10.0, 50.0), 60.0);
        assert_eq!(new_debt(10.0, 0.0, 50.0), 0.0);
    }
}
