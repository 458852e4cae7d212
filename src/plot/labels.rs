//! Chart and report texts in English and Dutch, and number formats for each.

use serde::{Deserialize, Serialize};

/// The language of labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    /// `en` or `nl`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// Picks the English or the Dutch text.
    pub fn t<'a>(self, en: &'a str, nl: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Nl => nl,
        }
    }

    /// Thousands separator and decimal mark.
    fn marks(self) -> (char, char) {
        match self {
            Lang::En => (',', '.'),
            Lang::Nl => ('.', ','),
        }
    }

    /// `x` with `decimals` decimals and thousands separators: 1,234,567.8 or 1.234.567,8.
    pub fn number(self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return format!("{x}");
        }
        let (thousands, decimal) = self.marks();
        let s = format!("{:.*}", decimals, x.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(thousands);
            }
            grouped.push(c);
        }
        let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
            "-"
        } else {
            ""
        };
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{decimal}{frac}")
        }
    }

    /// A share as a percentage: 0.123 -> "12.3%" ("12,3%").
    pub fn pct(self, x: f64, decimals: usize) -> String {
        format!("{}%", self.number(100.0 * x, decimals))
    }

    /// A share with its Monte Carlo standard error, both as percentages: the error with two
    /// significant digits and the estimate to the same decimal, so that the error is never
    /// shown as 0.0% when it is not 0 (1,000,000 draws: "1.460% ± 0.012%").
    pub fn pct_pm(self, x: f64, se: f64) -> String {
        let d = mc_decimals(100.0 * se);
        if se > 0.0 {
            format!("{} ± {}", self.pct(x, d), self.pct(se, d))
        } else {
            format!("{} ± 0%", self.pct(x, d))
        }
    }

    /// A difference of shares in percentage points with its Monte Carlo error, as
    /// [`Lang::pct_pm`]: "+0.130 ± 0.012 pp".
    pub fn pp_pm(self, x: f64, se: f64) -> String {
        let d = mc_decimals(100.0 * se);
        let sign = if x > 0.0
            && self
                .number(100.0 * x, d)
                .chars()
                .any(|c| c.is_ascii_digit() && c != '0')
        {
            "+"
        } else {
            ""
        };
        let error = if se > 0.0 {
            self.number(100.0 * se, d)
        } else {
            "0".into()
        };
        format!("{sign}{} ± {error} pp", self.number(100.0 * x, d))
    }

    /// Euros in millions: "EUR 12.3 mln" ("€ 12,3 mln").
    pub fn eur_mln(self, x: f64) -> String {
        let n = self.number(x / 1e6, 1);
        match n.strip_prefix('-') {
            Some(abs) => format!("-€ {abs} mln"),
            None => format!("€ {n} mln"),
        }
    }

    /// A number already written with a decimal point, with the language's decimal mark.
    pub fn decimal(self, s: &str) -> String {
        match self {
            Lang::En => s.to_string(),
            Lang::Nl => s.replace('.', ","),
        }
    }

    /// The display name of a corporation: a municipality's sector-average stand-in says so in
    /// the reader's language.
    pub fn corporation(self, name: &str, sector_average: bool) -> String {
        match name.strip_suffix(crate::scenario::SECTOR_AVERAGE) {
            Some(municipality) if sector_average => {
                format!(
                    "{municipality} ({})",
                    self.t("sector average", "sectorgemiddelde")
                )
            }
            _ => name.to_string(),
        }
    }

    /// An indicator's unit as the shipped scenarios write it, in the reader's language
    /// (another unit as given).
    pub fn indicator_unit(self, unit: &str) -> String {
        let known = [
            ("% labour force", "% beroepsbevolking"),
            (
                "EUR 1000 disposable per household",
                "1.000 euro besteedbaar per huishouden",
            ),
            ("% dwellings", "% woningen"),
            ("resident rating 1-10", "rapportcijfer van bewoners, 1-10"),
            ("% feeling unsafe", "% voelt zich onveilig"),
            ("years", "jaar"),
        ];
        match known.iter().find(|(en, _)| *en == unit) {
            Some((en, nl)) => self.t(en, nl).to_string(),
            None => unit.to_string(),
        }
    }

    /// The display name of an indicator.
    pub fn indicator(self, name: &str) -> String {
        let known = [
            ("unemployment", "Unemployment", "Werkloosheid"),
            ("income", "Income", "Inkomen"),
            (
                "low_quality_housing",
                "Low-quality housing",
                "Slechte woningen",
            ),
            ("livability", "Livability", "Leefbaarheid"),
            ("safety", "Feeling unsafe", "Onveiligheidsgevoel"),
            ("life_expectancy", "Life expectancy", "Levensverwachting"),
        ];
        match known.iter().find(|(k, _, _)| *k == name) {
            Some((_, en, nl)) => self.t(en, nl).to_string(),
            None => {
                let s = name.replace('_', " ");
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
        }
    }
}

/// The decimals that show a Monte Carlo error `se` (in the units shown) with two significant
/// digits: 0.26 needs 2, 0.012 needs 3, 1.3 needs 1; at least 1 and at most 6 (an error of 0
/// gets 1).
pub fn mc_decimals(se: f64) -> usize {
    if se > 0.0 && se.is_finite() {
        (1 - se.log10().floor() as i64).clamp(1, 6) as usize
    } else {
        1
    }
}

/// Readable names and units of scenario parameters, by their key within a section (the
/// path without `defaults`, an override's or a table row's name, or an indicator's name):
/// (key, English name, Dutch name, English unit, Dutch unit; empty when the number has none).
#[rustfmt::skip]
const PARAMETERS: &[(&str, &str, &str, &str, &str)] = &[
    ("gaps.decay", "Decay of the programme stock", "Afname van de programmavoorraad", "share per year", "aandeel per jaar"),
    ("gaps.k_half", "Half-saturation of the social response", "Halfverzadiging van de sociale respons", "EUR per resident", "EUR per inwoner"),
    ("gaps.leak", "Leakage as rising residents move out", "Weglek door verhuizende stijgers", "share per year", "aandeel per jaar"),
    ("gaps.retention", "Retention of rising residents", "Behoud van stijgers", "share", "aandeel"),
    ("gaps.aging", "Ageing of the housing stock", "Veroudering van de woningvoorraad", "percentage points per year", "procentpunt per jaar"),
    ("gaps.upgrade_cost", "Cost of upgrading a dwelling", "Kosten van het opknappen van een woning", "EUR", "EUR"),
    ("property.city_value", "City value per dwelling", "Woningwaarde in de stad", "EUR", "EUR"),
    ("property.start_discount", "Value discount of the wijk at the start", "Waardeachterstand van de wijk bij de start", "share", "aandeel"),
    ("property.theta", "Share of the value discount that closes with the gap (θ)", "Deel van de waardeachterstand dat met de achterstand inloopt (θ)", "", ""),
    ("property.capitalisation", "Capitalisation of physical investment", "Kapitalisatie van fysieke investeringen", "share", "aandeel"),
    ("property.woz_ratio", "WOZ value / market value", "WOZ-waarde / marktwaarde", "", ""),
    ("indicators.value_weight", "weight in the value buyers price", "gewicht in de waarde die kopers betalen", "", ""),
    ("indicators.effect", "yearly closure at full response", "jaarlijkse inloop bij volle respons", "share per year", "aandeel per jaar"),
    ("indicators.cyclical", "effect of the business cycle", "effect van de conjunctuur", "per unit of national unemployment", "per eenheid landelijke werkloosheid"),
    ("indicators.sigma", "yearly noise", "jaarlijkse ruis", "g per year", "g per jaar"),
    ("municipalities.budget_per_resident", "Municipal budget per resident", "Gemeentelijk budget per inwoner", "EUR", "EUR"),
    ("municipalities.cut_depth", "Depth of the municipal cut", "Omvang van de gemeentelijke bezuiniging", "share of the budget", "aandeel van het budget"),
    ("municipalities.cut_start", "First year of the municipal cut", "Eerste jaar van de gemeentelijke bezuiniging", "", ""),
    ("municipalities.cut_ramp", "Phase-in of the municipal cut", "Ingroeiperiode van de gemeentelijke bezuiniging", "years", "jaar"),
    ("corporations.rent", "Rent per dwelling", "Huur per woning", "EUR per year", "EUR per jaar"),
    ("corporations.operating_cost", "Operating cost per dwelling", "Beheerkosten per woning", "EUR per year", "EUR per jaar"),
    ("corporations.maintenance", "Maintenance per dwelling", "Onderhoud per woning", "EUR per year", "EUR per jaar"),
    ("corporations.other_taxes", "Other taxes per dwelling", "Overige belastingen per woning", "EUR per year", "EUR per jaar"),
    ("corporations.debt", "Debt per dwelling", "Schuld per woning", "EUR", "EUR"),
    ("corporations.loan_interest", "Interest on the loan book at the start", "Rente op de leningen bij de start", "share per year", "aandeel per jaar"),
    ("corporations.outside_ratio", "Dwellings outside the wijken per dwelling in them", "Woningen buiten de wijken per woning erin", "", ""),
    ("corporations.policy_value_ratio", "Policy value / market value", "Beleidswaarde / marktwaarde", "", ""),
    ("corporations.refinance_share", "Debt refinanced a year", "Jaarlijks geherfinancierde schuld", "share", "aandeel"),
    ("corporations.icr_min", "Lenders' minimum ICR", "ICR-norm van de financiers (minimum)", "", ""),
    ("corporations.ltv_max", "Lenders' maximum LTV", "LTV-norm van de financiers (maximum)", "", ""),
    ("corporations.headroom_use", "Debt headroom used a year", "Jaarlijks benutte leenruimte", "share", "aandeel"),
    ("corporations.rate_floor", "Floor of the rate in the ICR headroom", "Ondergrens van de rente in de ICR-leenruimte", "share per year", "aandeel per jaar"),
    ("corporations.regular_investment", "Regular investment per dwelling", "Reguliere investering per woning", "EUR per year", "EUR per jaar"),
    ("corporations.newbuild_share", "New building in the regular investment", "Nieuwbouw in de reguliere investering", "share", "aandeel"),
    ("corporations.newbuild_yield", "Net income of new building per euro invested", "Netto-opbrengst van nieuwbouw per geïnvesteerde euro", "per year", "per jaar"),
    ("corporations.sell_rate", "Dwellings sold a year", "Jaarlijks verkochte woningen", "share", "aandeel"),
    ("corporations.sale_cost", "Sale costs", "Verkoopkosten", "share of the price", "aandeel van de prijs"),
    ("corporations.physical_share", "Physical part of the wijk investment", "Fysiek deel van de wijkinvestering", "share", "aandeel"),
    ("corporations.compensation", "Municipal cut compensated by the corporation", "Door de corporatie gecompenseerde gemeentelijke bezuiniging", "share", "aandeel"),
    ("corporations.allocation", "Allocation when capacity falls short", "Verdeling bij te weinig investeringscapaciteit", "", ""),
    ("corporations.levy", "Landlord levy", "Verhuurderheffing", "share of the WOZ value per year", "aandeel van de WOZ-waarde per jaar"),
    ("corporations.rent_policy", "Real rent increase", "Reële huurverhoging", "share per year", "aandeel per jaar"),
    ("corporations.commitment", "Wijk commitment", "Wijkinzet van de corporaties", "multiplier of the pledge", "vermenigvuldiger van de toezegging"),
    ("state.budget_per_wijk", "State budget per wijk", "Rijksbudget per wijk", "EUR per year", "EUR per jaar"),
];

/// A scenario path split into its table key, whose value it is (an override's, a table
/// row's or an indicator's name) and a year (a schedule's entry).
fn parameter_key(path: &str) -> (String, Option<&str>, Option<&str>) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let year = match parts.last() {
        Some(y) if parts.len() > 2 && y.chars().all(|c| c.is_ascii_digit()) => parts.pop(),
        _ => None,
    };
    match parts.as_slice() {
        [
            section @ ("municipalities" | "corporations"),
            "defaults",
            key,
        ] => (format!("{section}.{key}"), None, year),
        [
            section @ ("municipalities" | "corporations"),
            "overrides" | "table",
            ..,
            key,
        ] if parts.len() > 3 => {
            let prefix = section.len() + parts[1].len() + 2;
            let whose = &path[prefix..prefix + path[prefix..].rfind('.').unwrap_or(0)];
            (format!("{section}.{key}"), Some(whose), year)
        }
        ["indicators", .., key] if parts.len() > 2 => {
            let whose = &path["indicators.".len()..path.len() - key.len() - 1];
            (format!("indicators.{key}"), Some(whose), year)
        }
        _ => (parts.join("."), None, year),
    }
}

impl Lang {
    /// A scenario parameter's readable name, with whose it is (`Rotterdam`, an indicator)
    /// and a schedule's year; the path itself when the parameter is not in the table.
    pub fn parameter_name(self, path: &str) -> String {
        let (key, whose, year) = parameter_key(path);
        let Some(&(_, en, nl, _, _)) = PARAMETERS.iter().find(|p| p.0 == key) else {
            return path.to_string();
        };
        let mut name = match whose {
            Some(w) if key.starts_with("indicators.") => {
                format!("{}: {}", self.indicator(w), self.t(en, nl))
            }
            Some(w) => format!("{}, {w}", self.t(en, nl)),
            None => self.t(en, nl).to_string(),
        };
        if let Some(y) = year {
            name.push_str(&format!(" {} {y}", self.t("in", "in")));
        }
        name
    }

    /// The unit of a scenario parameter ("EUR per resident"), empty when it has none or is
    /// not in the table.
    pub fn parameter_unit(self, path: &str) -> &'static str {
        let (key, _, _) = parameter_key(path);
        PARAMETERS
            .iter()
            .find(|p| p.0 == key)
            .map_or("", |&(_, _, _, en, nl)| match self {
                Lang::En => en,
                Lang::Nl => nl,
            })
    }

    /// A parameter's name with its unit, for axis titles: "Municipal budget per resident
    /// (EUR)"; the path itself when the parameter is not in the table.
    pub fn parameter(self, path: &str) -> String {
        let name = self.parameter_name(path);
        match self.parameter_unit(path) {
            "" => name,
            unit => format!("{name} ({unit})"),
        }
    }
}

/// A name in the middle of a sentence: its first letter in lower case, unless the name
/// starts with an abbreviation ("WOZ value").
pub fn mid_sentence(name: &str) -> String {
    let mut c = name.chars();
    match (c.next(), c.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_both_languages() {
        assert_eq!(Lang::En.number(1_234_567.891, 1), "1,234,567.9");
        assert_eq!(Lang::Nl.number(1_234_567.891, 1), "1.234.567,9");
        assert_eq!(Lang::En.number(-1_000.0, 0), "-1,000");
        assert_eq!(Lang::En.number(999.0, 0), "999");
        assert_eq!(Lang::En.number(-0.01, 1), "0.0");
        assert_eq!(Lang::Nl.pct(0.1234, 1), "12,3%");
        assert_eq!(Lang::En.eur_mln(12_345_678.0), "€ 12.3 mln");
        assert_eq!(Lang::Nl.eur_mln(-113_200_000.0), "-€ 113,2 mln");
        assert_eq!(Lang::Nl.indicator("income"), "Inkomen");
        assert_eq!(Lang::En.indicator("school_dropout"), "School dropout");
        assert_eq!(
            Lang::Nl.corporation("Rotterdam (sector average)", true),
            "Rotterdam (sectorgemiddelde)"
        );
        assert_eq!(Lang::Nl.corporation("Havensteder", false), "Havensteder");
    }

    #[test]
    fn monte_carlo_errors_keep_two_significant_digits() {
        // 1,000,000 draws of a 1.46% event: the error is 0.012 percentage points.
        let se = (0.0146_f64 * (1.0 - 0.0146) / 1e6).sqrt();
        assert_eq!(Lang::En.pct_pm(0.0146, se), "1.460% ± 0.012%");
        assert_eq!(Lang::Nl.pct_pm(0.0146, se), "1,460% ± 0,012%");
        // 10,000 draws of a 6.9% event.
        let se = (0.069_f64 * 0.931 / 1e4).sqrt();
        assert_eq!(Lang::En.pct_pm(0.069, se), "6.90% ± 0.25%");
        // A large error keeps one decimal; no error says so.
        assert_eq!(Lang::En.pct_pm(0.45, 0.013), "45.0% ± 1.3%");
        assert_eq!(Lang::En.pct_pm(0.0, 0.0), "0.0% ± 0%");
        // Differences in percentage points.
        assert_eq!(Lang::En.pp_pm(-0.002012, 0.0000241), "-0.2012 ± 0.0024 pp");
        assert_eq!(Lang::Nl.pp_pm(0.0013, 0.00012), "+0,130 ± 0,012 pp");
        assert_eq!(Lang::En.pp_pm(0.0, 0.0), "0.0 ± 0 pp");
        assert_eq!(mc_decimals(0.26), 2);
        assert_eq!(mc_decimals(0.0995), 3);
        assert_eq!(mc_decimals(13.0), 1);
    }

    #[test]
    fn parameters_have_readable_names_with_units() {
        for (lang, path, want) in [
            (
                Lang::En,
                "municipalities.defaults.budget_per_resident",
                "Municipal budget per resident (EUR)",
            ),
            (
                Lang::Nl,
                "municipalities.defaults.budget_per_resident",
                "Gemeentelijk budget per inwoner (EUR)",
            ),
            (
                Lang::Nl,
                "municipalities.overrides.Den Haag.cut_depth",
                "Omvang van de gemeentelijke bezuiniging, Den Haag (aandeel van het budget)",
            ),
            (
                Lang::En,
                "indicators.low_quality_housing.effect",
                "Low-quality housing: yearly closure at full response (share per year)",
            ),
            (
                Lang::En,
                "corporations.defaults.commitment.2011",
                "Wijk commitment in 2011 (multiplier of the pledge)",
            ),
            (
                Lang::En,
                "corporations.table.Woonstad Rotterdam.rent",
                "Rent per dwelling, Woonstad Rotterdam (EUR per year)",
            ),
            // Unknown keys fall back to the path.
            (Lang::Nl, "gaps.something_new", "gaps.something_new"),
            (Lang::En, "run.horizon", "run.horizon"),
        ] {
            assert_eq!(lang.parameter(path), want);
        }
        assert_eq!(mid_sentence("Landlord levy"), "landlord levy");
        assert_eq!(
            mid_sentence("WOZ value / market value"),
            "WOZ value / market value"
        );
    }
}
