//! `wijksim run --only-draw N`: replays one draw and prints its yearly state, so that the
//! cause of a strange or non-finite number can be seen.

use crate::model::{Workspace, simulate_draw};
use crate::scenario::Scenario;
use std::fmt::Write;

/// Marks a value that is NaN or infinite.
fn v(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.4}")
    } else {
        format!("{x} <-- not finite")
    }
}

/// The yearly state of draw `draw` of `sc` under `seed`; with `wijken`, every wijk's c_t too.
pub fn trace(sc: &Scenario, seed: u64, draw: u64, wijken: bool) -> String {
    let mut ws = Workspace::default();
    let o = simulate_draw(sc, seed, draw, &mut ws);
    let t_max = sc.horizon();
    let mut s = String::new();
    let _ = writeln!(s, "scenario {}, seed {seed}, draw {draw}\n", sc.name);
    let _ = writeln!(s, "uncertain parameters of this draw:");
    for (p, x) in sc.params.params.iter().zip(&o.params) {
        if !p.param.is_constant() {
            let _ = writeln!(s, "  {} = {}", p.path, v(*x));
        }
    }
    let _ = writeln!(
        s,
        "\n{:>6} {:>10} {:>10} {:>10} {:>10} {:>12}",
        "year", "h", "i", "p", "u", "c (all)"
    );
    for t in 0..=t_max {
        let e = &o.economy[t];
        let _ = writeln!(
            s,
            "{:>6} {:>10} {:>10} {:>10} {:>10} {:>12}",
            sc.run.year(t),
            v(e.house_price_growth),
            v(e.interest),
            v(e.inflation),
            v(e.unemployment),
            v(o.c_all[t])
        );
    }
    let _ = writeln!(s, "\ncorporations (EUR):");
    let _ = writeln!(
        s,
        "{:<14} {:>6} {:>9} {:>9} {:>16} {:>16} {:>16} {:>16} {:>16}",
        "corporation", "year", "ICR", "LTV", "capacity", "plan", "spent", "free cash flow", "debt"
    );
    for (corp, c) in sc.corporations.iter().zip(&o.corporations) {
        for t in 0..t_max {
            let _ = writeln!(
                s,
                "{:<14} {:>6} {:>9} {:>9} {:>16} {:>16} {:>16} {:>16} {:>16}",
                corp.name,
                sc.run.year(t + 1),
                v(c.icr[t]),
                v(c.ltv[t]),
                v(c.capacity[t]),
                v(c.plan[t]),
                v(c.spent[t]),
                v(c.fcf[t]),
                v(c.debt[t])
            );
        }
    }
    let _ = writeln!(
        s,
        "\nvalue uplift of all wijken in {}: {} EUR (the corporations' part: {} EUR)",
        sc.run.year(t_max),
        v(o.uplift.iter().sum()),
        v(o.corporations.iter().map(|c| c.uplift).sum())
    );
    if wijken {
        let _ = writeln!(s, "\nvalue uplift per wijk in {}, EUR:", sc.run.year(t_max));
        for w in 0..sc.wijken.len() {
            let _ = writeln!(s, "  {:<40} {}", sc.wijk_label(w), v(o.uplift[w]));
        }
        let _ = writeln!(s, "\ncomposite gap c_t per wijk:");
        for w in 0..sc.wijken.len() {
            let cs: Vec<String> = (0..=t_max).map(|t| v(o.c[w * (t_max + 1) + t])).collect();
            let _ = writeln!(s, "  {:<40} {}", sc.wijk_label(w), cs.join(" "));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_shows_the_draws_numbers() {
        let sc = crate::scenario::load(std::path::Path::new("scenarios/baseline.toml")).unwrap();
        let text = trace(&sc, 7, 3, true);
        let o = simulate_draw(&sc, 7, 3, &mut Workspace::default()).clone();
        assert!(text.contains("gaps.leak = "));
        assert!(text.contains(&format!("{:.4}", o.c_all[sc.horizon()])));
        assert!(text.contains("Rotterdam / Vreewijk"));
        assert!(!text.contains("not finite"));
        assert_eq!(v(f64::NAN), "NaN <-- not finite");
    }
}
