//! The model's vocabulary of parameters: one plain struct per group (gap dynamics, property,
//! a municipality, a corporation), generic over what is stored in a field.
//!
//! The scenario holds each group with a parameter id per field (`GapParams<ParamId>`); a draw
//! maps it to numbers (`GapParams<f64>`) once, and the model only ever reads the numbers.
//! Which file keys fill the fields, their defaults and their domains live with the scenario
//! loader (`scenario::params`), which builds these structs field by field, so a field added
//! here without a default there does not compile.

use serde::{Deserialize, Serialize};

/// Declares a parameter group: a struct with one public field per parameter and `map`, which
/// turns every field from `T` into `U` (parameter ids into a draw's numbers).
macro_rules! param_struct {
    (
        $(#[$meta:meta])* $name:ident {
            $( $(#[$fmeta:meta])* $field:ident ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Serialize)]
        pub struct $name<T> {
            $( $(#[$fmeta])* pub $field: T, )*
        }

        impl<T: Copy> $name<T> {
            /// The same group with `f` applied to every field.
            pub fn map<U>(&self, f: impl Fn(T) -> U) -> $name<U> {
                $name { $( $field: f(self.$field), )* }
            }

            /// Every field with its name, in declaration order.
            pub fn fields(&self) -> Vec<(&'static str, T)> {
                vec![ $( (stringify!($field), self.$field), )* ]
            }
        }
    };
}

param_struct! {
    /// Gap dynamics shared by all wijken.
    GapParams {
        /// Yearly fading of the programme stock (lambda).
        decay,
        /// Programme stock (EUR per resident) at which the response reaches 1 - 1/e (K_half).
        k_half,
        /// Yearly rate at which gains leak out as rising residents move away (leak).
        leak,
        /// Share of leaking gains kept in the wijk (housing careers within the wijk).
        retention,
        /// Yearly ageing of the housing stock, percentage points of low-quality dwellings.
        aging,
        /// Cost of upgrading one dwelling at t = 0, EUR (grown with inflation).
        upgrade_cost,
    }
}

param_struct! {
    /// Property values, the WOZ tax base and the social-stijging feedback.
    PropertyParams {
        /// Value of a comparable rented dwelling elsewhere in the city at t = 0, EUR.
        city_value,
        /// The wijk's value discount at the start (disc_0).
        start_discount,
        /// Share of the discount that closes when the value composite closes (theta).
        theta,
        /// Share of physical investment (wijk and renovation) that adds to portfolio value
        /// (capit).
        capitalisation,
        /// WOZ value (the tax value, the levy's base) as a share of market value.
        woz_ratio,
    }
}

param_struct! {
    /// A municipality's ("gemeente") social budget for its wijken and the cuts to it.
    MunicipalityParams {
        /// Social budget at t = 0, EUR per resident of its wijken per year (B_m,0 / P_m).
        budget_per_resident,
        /// Final depth of the budget cut, share of the budget.
        cut_depth,
        /// Calendar year the cut starts.
        cut_start,
        /// Years over which the cut ramps up to its depth.
        cut_ramp,
    }
}

param_struct! {
    /// A housing corporation ("woningcorporatie"): money per dwelling at t = 0, lenders'
    /// limits and policy.
    CorporationParams {
        /// Net rent per dwelling per year, EUR.
        rent,
        /// Operating (management) cost per dwelling per year, EUR.
        operating_cost,
        /// Maintenance per dwelling per year, EUR.
        maintenance,
        /// Other taxes per dwelling per year, EUR.
        other_taxes,
        /// Debt per dwelling at t = 0, EUR.
        debt,
        /// Average interest on the loan book at t = 0 (j_0).
        loan_interest,
        /// Dwellings outside the wijken per dwelling inside them (N_out / wijk stock), for a
        /// sector-average corporation; a corporation from the table has its own total.
        outside_ratio,
        /// Policy value ("beleidswaarde") as a share of market value (kappa).
        policy_value_ratio,
        /// Share of the loan book refinanced at the new rate each year (phi).
        refinance_share,
        /// Lenders' minimum interest coverage ratio.
        icr_min,
        /// Lenders' maximum loan-to-value on policy value.
        ltv_max,
        /// Share of debt headroom used in one year (eta).
        headroom_use,
        /// Floor of the new-borrowing rate in the ICR headroom (i_floor).
        rate_floor,
        /// Regular investment per dwelling per year at t = 0 prices, EUR.
        regular_investment,
        /// Share of regular investment that is new building (the rest is renovation).
        newbuild_share,
        /// Yearly net operating income per euro of new building (y_new): the
        /// "onrendabele top" makes it small.
        newbuild_yield,
        /// Share of its dwellings sold each year (in every wijk and outside).
        sell_rate,
        /// Costs of a sale as a share of its price.
        sale_cost,
        /// Share of the wijk commitment spent on physical investment ("stenen").
        physical_share,
        /// Share of its municipality's cut that the corporation compensates (chi).
        compensation,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_applies_to_every_field_in_order() {
        let g = GapParams {
            decay: 0,
            k_half: 1,
            leak: 2,
            retention: 3,
            aging: 4,
            upgrade_cost: 5,
        };
        let v = [0.3, 1000.0, 0.1, 0.0, 0.3, 60_000.0];
        let x = g.map(|i| v[i]);
        assert_eq!(x.k_half, 1000.0);
        assert_eq!(x.upgrade_cost, 60_000.0);
        let names: Vec<&str> = g.fields().iter().map(|f| f.0).collect();
        assert_eq!(names[0], "decay");
        assert_eq!(names.len(), 6);
    }
}
