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
}
