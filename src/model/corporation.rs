//! A housing corporation's year: earnings capacity ("verdiencapaciteit"), lenders' ratios,
//! investment capacity ("investeringscapaciteit") and what it can spend of its plan.

use super::params::{AllocationPolicy, CorporationParams};

/// The state a corporation carries from year to year.
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// Value added by capitalised physical investment (wijk and renovation), Q.
    pub upgrades: f64,
    /// Net operating income of the dwellings built from the regular programme, Y.
    pub newbuild_income: f64,
    /// Last year's realised new building, EUR.
    pub newbuild: f64,
    /// Its dwellings in each wijk it owns in (in the order of its holdings), n_c,w.
    pub holdings: Vec<f64>,
    /// Its dwellings outside the wijken, N_out.
    pub outside: f64,
}

impl CorpState {
    /// The state at t = 0 of a corporation with `holdings` dwellings in its wijken and
    /// `outside` elsewhere.
    pub fn initial(
        p: &CorporationParams<f64>,
        holdings: impl Iterator<Item = f64>,
        outside: f64,
    ) -> CorpState {
        let holdings: Vec<f64> = holdings.collect();
        let dwellings = holdings.iter().sum::<f64>() + outside;
        CorpState {
            rent: p.rent,
            operating_cost: p.operating_cost,
            maintenance: p.maintenance,
            other_taxes: p.other_taxes,
            debt: p.debt * dwellings,
            loan_rate: p.loan_interest,
            upgrades: 0.0,
            newbuild_income: 0.0,
            newbuild: 0.0,
            holdings,
            outside,
        }
    }

    /// All its dwellings N.
    pub fn dwellings(&self) -> f64 {
        self.holdings.iter().sum::<f64>() + self.outside
    }
}

/// Step 1 of the year: rents grow with inflation plus the real rent policy, costs with
/// inflation, the capitalised upgrades with house prices, and the income of new dwellings
/// with inflation plus what last year's new building earns:
/// Y_t = (1 + p_t) Y_{t-1} + y_new x newbuild_{t-1}.
pub fn grow(
    p: &CorporationParams<f64>,
    s: &mut CorpState,
    inflation: f64,
    real_rent: f64,
    house_price_growth: f64,
) {
    s.rent *= 1.0 + inflation + real_rent;
    s.operating_cost *= 1.0 + inflation;
    s.maintenance *= 1.0 + inflation;
    s.other_taxes *= 1.0 + inflation;
    s.upgrades *= 1.0 + house_price_growth;
    s.newbuild_income = (1.0 + inflation) * s.newbuild_income + p.newbuild_yield * s.newbuild;
}

/// The portfolio in step 2 of the year, valued before this year's sales.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Valuation {
    /// Market value of the rented dwellings, sum n_w V_w + N_out V^city.
    pub dwellings: f64,
    /// Portfolio value Val_t = the dwellings + Q.
    pub portfolio: f64,
    /// The levy's base: the WOZ value of the rented dwellings.
    pub woz: f64,
    /// Proceeds of this year's sales (net of sale costs), P_t.
    pub sales: f64,
}

/// Values the portfolio (`dwellings_value` = sum n_w V_w + N_out V^city) and sells
/// `sell_rate` of every holding at market value less sale costs; holdings shrink.
pub fn value_and_sell(
    p: &CorporationParams<f64>,
    s: &mut CorpState,
    dwellings_value: f64,
    woz_ratio: f64,
) -> Valuation {
    for n in &mut s.holdings {
        *n *= 1.0 - p.sell_rate;
    }
    s.outside *= 1.0 - p.sell_rate;
    Valuation {
        dwellings: dwellings_value,
        portfolio: dwellings_value + s.upgrades,
        woz: woz_ratio * dwellings_value,
        sales: p.sell_rate * dwellings_value * (1.0 - p.sale_cost),
    }
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
    /// Debt headroom under the ICR limit and under the LTV limit.
    pub headroom_icr: f64,
    pub headroom_ltv: f64,
    /// Debt headroom H_t under both lender limits.
    pub headroom: f64,
    /// Investment capacity max(0, FCF + P) + eta H.
    pub capacity: f64,
    /// Policy value PV_t = kappa Val_t.
    pub policy_value: f64,
}

/// Step 3 of the year, up to the capacity, for a corporation after this year's sales:
/// `v` is the step-2 valuation, `new_rate` this year's new-borrowing rate i_t, `levy_rate`
/// tau_t.
pub fn finances(
    p: &CorporationParams<f64>,
    s: &CorpState,
    v: &Valuation,
    new_rate: f64,
    levy_rate: f64,
) -> Finances {
    let levy = levy_rate * v.woz;
    let ocf = s.dwellings() * (s.rent - s.operating_cost - s.maintenance - s.other_taxes) - levy
        + s.newbuild_income;
    let loan_rate = (1.0 - p.refinance_share) * s.loan_rate + p.refinance_share * new_rate;
    let interest = loan_rate * s.debt;
    let icr = if interest > 0.0 {
        ocf / interest
    } else {
        f64::INFINITY
    };
    let fcf = ocf - interest;
    // Extra debt the ICR limit allows: none in breach, whatever the rate.
    let headroom_icr = if ocf / p.icr_min > interest {
        (ocf / p.icr_min - interest) / new_rate.max(p.rate_floor)
    } else {
        0.0
    };
    let policy_value = p.policy_value_ratio * v.portfolio;
    let headroom_ltv = p.ltv_max * policy_value - s.debt;
    let headroom = headroom_icr.min(headroom_ltv).max(0.0);
    Finances {
        levy,
        ocf,
        loan_rate,
        interest,
        icr,
        fcf,
        headroom_icr,
        headroom_ltv,
        headroom,
        capacity: (fcf + v.sales).max(0.0) + p.headroom_use * headroom,
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

/// Debt at the end of the year: D_t = max(0, D_{t-1} + spent - FCF - P).
pub fn new_debt(debt: f64, spent: f64, fcf: f64, sales: f64) -> f64 {
    (debt + spent - fcf - sales).max(0.0)
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
            rate_floor: 0.005,
            regular_investment: 2_500.0,
            newbuild_share: 0.6,
            newbuild_yield: 0.015,
            sell_rate: 0.007,
            sale_cost: 0.05,
            physical_share: 0.6,
            compensation: 0.0,
        }
    }

    /// One dwelling in a wijk at 150,000 and none outside.
    fn one_dwelling(p: &CorporationParams<f64>) -> (CorpState, Valuation) {
        let mut s = CorpState::initial(p, [1.0].into_iter(), 0.0);
        let v = value_and_sell(p, &mut s, 150_000.0, 0.75);
        (s, v)
    }

    #[test]
    fn one_year_by_hand() {
        // One dwelling worth 150,000 (WOZ 112,500), no inflation, new rate 3.5%, levy 0.5%,
        // 0.7% of it sold at 150,000 less 5%.
        let p = params();
        let (s, v) = one_dwelling(&p);
        assert!((s.holdings[0] - 0.993).abs() < 1e-15);
        assert!((v.sales - 0.007 * 150_000.0 * 0.95).abs() < 1e-9); // 997.5
        assert!((v.woz - 112_500.0).abs() < 1e-9);
        let f = finances(&p, &s, &v, 0.035, 0.005);
        assert!((f.levy - 562.5).abs() < 1e-9);
        // Rent and costs on the 0.993 dwellings left after the sale.
        let ocf = 0.993 * 2_600.0 - 562.5;
        assert!((f.ocf - ocf).abs() < 1e-9);
        let j = 0.9 * 0.047 + 0.1 * 0.035; // 0.0458
        assert!((f.loan_rate - j).abs() < 1e-15);
        assert!((f.interest - j * 31_000.0).abs() < 1e-9); // 1419.8
        assert!((f.icr - ocf / 1_419.8).abs() < 1e-9);
        assert!((f.fcf - (ocf - 1_419.8)).abs() < 1e-9);
        // ICR 1.42 > 1.4: headroom (OCF / 1.4 - I) / 0.035 under the ICR limit.
        let h_icr = (ocf / 1.4 - 1_419.8) / 0.035;
        assert!((f.headroom_icr - h_icr).abs() < 1e-6);
        assert!((f.policy_value - 79_500.0).abs() < 1e-9);
        assert!((f.headroom_ltv - (0.85 * 79_500.0 - 31_000.0)).abs() < 1e-9);
        assert!((f.headroom - h_icr).abs() < 1e-6);
        assert!((f.capacity - (ocf - 1_419.8 + 997.5 + 0.25 * h_icr)).abs() < 1e-6);
    }

    #[test]
    fn no_icr_headroom_in_breach_at_any_rate() {
        let p = params();
        let (s, v) = one_dwelling(&p);
        // A levy of 1.5% pushes the ICR below 1.4.
        for rate in [0.0, 0.001, 0.035] {
            let f = finances(&p, &s, &v, rate, 0.015);
            assert!(f.icr < 1.4);
            assert_eq!(f.headroom_icr, 0.0, "rate {rate}");
            assert_eq!(f.headroom, 0.0);
        }
        // Out of breach at a zero rate the rate floor applies: finite headroom.
        let f = finances(&p, &s, &v, 0.0, 0.0);
        assert!(f.icr > 1.4);
        assert!((f.headroom_icr - (f.ocf / 1.4 - f.interest) / 0.005).abs() < 1e-6);
    }

    #[test]
    fn headroom_is_never_negative_and_icr_infinite_without_debt() {
        let mut p = params();
        p.debt = 0.0;
        let (s, v) = one_dwelling(&p);
        let f = finances(&p, &s, &v, 0.035, 0.0);
        assert!(f.icr.is_infinite());
        p.debt = 200_000.0;
        let (s, v) = one_dwelling(&p);
        let f = finances(&p, &s, &v, 0.035, 0.0);
        assert_eq!(f.headroom, 0.0);
        // No headroom and a negative free cash flow that sales do not cover: no capacity.
        assert!(f.fcf + v.sales < 0.0);
        assert_eq!(f.capacity, 0.0);
    }

    #[test]
    fn growth_by_hand() {
        let p = params();
        let mut s = CorpState::initial(&p, [1.0].into_iter(), 0.0);
        s.upgrades = 1_000.0;
        s.newbuild_income = 100.0;
        s.newbuild = 10_000.0;
        grow(&p, &mut s, 0.02, 0.01, -0.05);
        assert!((s.rent - 5_200.0 * 1.03).abs() < 1e-9);
        assert!((s.maintenance - 1_300.0 * 1.02).abs() < 1e-9);
        assert!((s.upgrades - 950.0).abs() < 1e-9);
        assert!((s.newbuild_income - (102.0 + 150.0)).abs() < 1e-9);
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
        assert_eq!(new_debt(100.0, 10.0, 50.0, 0.0), 60.0);
        assert_eq!(new_debt(100.0, 10.0, 50.0, 20.0), 40.0);
        assert_eq!(new_debt(10.0, 0.0, 50.0, 0.0), 0.0);
    }
}
