//! Counts on the command line: `1000000`, `1_000_000` and `1e6` are the same number of draws.

/// Parses a count written as digits, optionally grouped with underscores (`1_000_000`), or as
/// a whole number times a power of ten (`1e6`, `25E4`). Used as the value parser of every
/// argument that counts draws, rows or resamples.
///
/// # Errors
/// A decimal point or a negative exponent (`1.5e3`, `2.5`, `1e-3`), a sign, anything that is
/// not a number, or a count too large for `T` (`1e30`); clap names the argument.
pub fn count<T: TryFrom<u64>>(text: &str) -> Result<T, String> {
    let whole = || {
        format!(
            "'{text}' is not a whole number; write it as e.g. 10000, 10_000 or 1e4 (no decimal point, no sign)"
        )
    };
    let (digits, exponent) = match text.split_once(['e', 'E']) {
        Some((d, e)) => (d, Some(e.strip_prefix('+').unwrap_or(e))),
        None => (text, None),
    };
    let grouped_digits = |s: &str| {
        !s.is_empty()
            && s.split('_')
                .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
    };
    if !grouped_digits(digits) || exponent.is_some_and(|e| !grouped_digits(e)) {
        return Err(whole());
    }
    let too_large = || format!("'{text}' is too large: a count is at most {}", u64::MAX);
    let mantissa: u64 = digits.replace('_', "").parse().map_err(|_| too_large())?;
    let power: u32 = match exponent {
        Some(e) => e.replace('_', "").parse().map_err(|_| too_large())?,
        None => 0,
    };
    let value = if mantissa == 0 {
        0
    } else {
        10u64
            .checked_pow(power)
            .and_then(|p| p.checked_mul(mantissa))
            .ok_or_else(too_large)?
    };
    T::try_from(value).map_err(|_| too_large())
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn plain_grouped_and_scientific_counts_are_the_same_number() {
        for text in [
            "1000000",
            "1_000_000",
            "1e6",
            "1E6",
            "1e+6",
            "10e5",
            "1_000e3",
        ] {
            assert_eq!(count::<u64>(text), Ok(1_000_000), "{text}");
        }
        assert_eq!(count::<usize>("2048"), Ok(2048));
        assert_eq!(count::<u64>("0e9"), Ok(0));
        assert_eq!(count::<u64>("18446744073709551615"), Ok(u64::MAX));
    }

    #[test]
    fn fractions_signs_and_huge_counts_are_refused_plainly() {
        for text in [
            "1.5e3", "2.5", "1e-3", "-5", "+5", "1__0", "_1", "1_", "e6", "1e", "ten", "", "1e6.0",
        ] {
            let e = count::<u64>(text).unwrap_err();
            assert!(e.contains("is not a whole number"), "{text}: {e}");
        }
        for text in ["1e30", "18446744073709551616", "2e19", "1e99999999999"] {
            let e = count::<u64>(text).unwrap_err();
            assert!(e.contains("too large"), "{text}: {e}");
        }
    }
}
