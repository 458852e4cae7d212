//! Writes a run's results: summary.json, yearly.csv, wijken.csv, meta.json, and the
//! terminal summary (the per-draw table is [`crate::draws`]). Every file is written under a temporary name in the run directory and
//! renamed when complete, so no file that looks complete is ever half-written.

use crate::aggregate::Aggregate;
use crate::scenario::Scenario;
use crate::stats::{Distribution, Probability, Summary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `path` atomically: `write` fills a temporary file that is renamed onto `path`.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temp_name(path);
    let result = (|| {
        let mut w = BufWriter::new(File::create(&tmp)?);
        write(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    match result {
        Ok(()) => fs::rename(&tmp, path),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The temporary name `path` is written under until it is complete: `.name.partial`.
pub(crate) fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

/// summary.json: the distribution of every headline figure. Depends only on the scenario, the
/// seed and the number of draws.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SummaryFile {
    pub scenario: String,
    pub description: String,
    pub scenario_hash: String,
    pub seed: u64,
    pub draws: u64,
    pub horizon: usize,
    pub first_year: i32,
    pub last_year: i32,
    pub overall: OverallSummary,
    pub wijken: Vec<WijkSummary>,
    pub corporations: Vec<CorporationSummary>,
    pub municipalities: Vec<MunicipalitySummary>,
    pub economy: EconomySummary,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OverallSummary {
    pub population: f64,
    /// 1 - c_T, population-weighted over all wijken.
    pub gap_closure: Summary,
    pub p_closed: Probability,
    pub p_halved: Probability,
    /// P(at least one corporation breaches a lender limit in some year).
    pub p_any_breach: Probability,
    /// P(at least one corporation falls below the ICR limit in some year).
    pub p_breach_icr: Probability,
    /// P(at least one corporation rises above the LTV limit in some year).
    pub p_breach_ltv: Probability,
    /// Share of draws whose gap first closed in each year, and "never".
    pub first_closure_year: BTreeMap<String, f64>,
    /// Share of draws whose gap was first halved in each year, and "never".
    pub first_halved_year: BTreeMap<String, f64>,
    /// P(the gap closed in some year up to the horizon): the first crossings summed, at
    /// least `p_closed`, which is the state at the horizon (a gap can widen again).
    #[serde(default)]
    pub p_ever_closed: Option<Probability>,
    /// P(the gap halved in some year up to the horizon), at least `p_halved` (the state at
    /// the horizon, the headline figure).
    #[serde(default)]
    pub p_ever_halved: Option<Probability>,
    /// g_k,T per indicator (1 = gap unchanged, 0 = at the city average).
    pub indicators: BTreeMap<String, Summary>,
    pub value_uplift_eur: Summary,
    pub value_uplift_corporations_eur: Summary,
    /// Histograms (about 40 bins) of gap_closure, value_uplift_eur and
    /// value_uplift_corporations_eur, for charts.
    pub distributions: BTreeMap<String, Distribution>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WijkSummary {
    pub wijk: String,
    pub municipality: String,
    pub population: f64,
    pub dwellings: f64,
    pub corporation_dwellings: f64,
    pub gap_closure: Summary,
    pub p_closed: Probability,
    pub p_halved: Probability,
    pub first_closure_year: BTreeMap<String, f64>,
    pub indicators: BTreeMap<String, Summary>,
    pub value_uplift_eur: Summary,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CorporationSummary {
    pub corporation: String,
    /// Its municipality.
    pub municipality: String,
    /// True for a municipality's sector-average stand-in (not a real corporation).
    pub sector_average: bool,
    pub dwellings_in_wijken: f64,
    /// All its dwellings at the start (null for a sector average whose outside ratio is
    /// uncertain).
    pub dwellings: Option<f64>,
    /// The lenders' limits when they are constants (null when uncertain).
    pub icr_limit: Option<f64>,
    pub ltv_limit: Option<f64>,
    pub min_icr: Summary,
    pub max_ltv: Summary,
    pub p_breach: Probability,
    pub p_breach_icr: Probability,
    pub p_breach_ltv: Probability,
    /// Realised / planned wijk investment over the horizon.
    pub realised_over_planned_wijk_investment: Summary,
    pub value_uplift_eur: Summary,
    /// Proceeds of dwellings sold over the horizon, EUR.
    pub sales_eur: Summary,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MunicipalitySummary {
    pub municipality: String,
    pub wijken: usize,
    pub population: f64,
    pub gap_closure: Summary,
    pub p_closed: Probability,
    pub p_halved: Probability,
    pub social_spend_eur: Summary,
    pub shortfall_eur: Summary,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EconomySummary {
    /// (draw, year, variable) values of the interest or unemployment rate floored at 0.
    pub rate_floor_events: u64,
    pub rate_floor_share: f64,
}

fn first_closure(sc: &Scenario, counts: &[u64], draws: u64) -> BTreeMap<String, f64> {
    let t = sc.horizon();
    let mut m = BTreeMap::new();
    for (i, &c) in counts.iter().enumerate() {
        let key = if i == t {
            "never".to_string()
        } else {
            sc.run.year(i + 1).to_string()
        };
        m.insert(key, c as f64 / draws as f64);
    }
    m
}

/// P(a first crossing in some year up to the horizon) from the shares by first year: all
/// but "never", with its Monte Carlo standard error.
pub fn ever(first: &BTreeMap<String, f64>, draws: u64) -> Probability {
    let p = (1.0 - first.get("never").copied().unwrap_or(1.0)).clamp(0.0, 1.0);
    Probability {
        p,
        mcse: (p * (1.0 - p) / draws.max(1) as f64).sqrt(),
    }
}

impl OverallSummary {
    /// P(the gap closed in some year up to the horizon); computed from the first years for
    /// a summary.json written before the field existed.
    pub fn ever_closed(&self, draws: u64) -> Probability {
        self.p_ever_closed
            .unwrap_or_else(|| ever(&self.first_closure_year, draws))
    }

    /// P(the gap halved in some year up to the horizon), as [`Self::ever_closed`].
    pub fn ever_halved(&self, draws: u64) -> Probability {
        self.p_ever_halved
            .unwrap_or_else(|| ever(&self.first_halved_year, draws))
    }
}

/// Builds summary.json's content.
pub fn summary(sc: &Scenario, a: &Aggregate) -> SummaryFile {
    let l = &a.layout;
    let s = |i: usize| a.stats[i].summary();
    let p = |i: usize| a.events[i].probability();
    let k = l.indicators;
    let indicators = |base: usize| -> BTreeMap<String, Summary> {
        sc.indicators
            .iter()
            .enumerate()
            .map(|(j, ind)| (ind.name.clone(), s(base + j)))
            .collect()
    };
    let o = l.overall();
    SummaryFile {
        scenario: sc.name.clone(),
        description: sc.description.clone(),
        scenario_hash: sc.hash.clone(),
        seed: sc.run.seed,
        draws: a.draws,
        horizon: sc.horizon(),
        first_year: sc.run.year(1),
        last_year: sc.run.year(sc.horizon()),
        overall: OverallSummary {
            population: sc.total_population(),
            gap_closure: s(o),
            p_closed: p(0),
            p_halved: p(1),
            p_any_breach: p(2),
            p_breach_icr: p(3),
            p_breach_ltv: p(4),
            first_closure_year: first_closure(sc, &a.first_closed[0], a.draws),
            first_halved_year: first_closure(sc, &a.first_halved, a.draws),
            p_ever_closed: Some(ever(
                &first_closure(sc, &a.first_closed[0], a.draws),
                a.draws,
            )),
            p_ever_halved: Some(ever(&first_closure(sc, &a.first_halved, a.draws), a.draws)),
            indicators: indicators(o + 1),
            value_uplift_eur: s(o + 1 + k),
            value_uplift_corporations_eur: s(o + 2 + k),
            distributions: [
                ("gap_closure", o),
                ("value_uplift_eur", o + 1 + k),
                ("value_uplift_corporations_eur", o + 2 + k),
            ]
            .into_iter()
            .map(|(name, i)| (name.to_string(), a.stats[i].distribution(40)))
            .collect(),
        },
        wijken: sc
            .wijken
            .iter()
            .enumerate()
            .map(|(w, wijk)| {
                let b = l.wijk(w);
                WijkSummary {
                    wijk: wijk.name.clone(),
                    municipality: sc.municipalities[wijk.municipality].name.clone(),
                    population: wijk.population,
                    dwellings: wijk.dwellings,
                    corporation_dwellings: wijk.corporation_dwellings,
                    gap_closure: s(b),
                    p_closed: p(l.wijk_event(w)),
                    p_halved: p(l.wijk_event(w) + 1),
                    first_closure_year: first_closure(sc, &a.first_closed[w + 1], a.draws),
                    indicators: indicators(b + 1),
                    value_uplift_eur: s(b + 1 + k),
                }
            })
            .collect(),
        corporations: sc
            .corporations
            .iter()
            .enumerate()
            .map(|(c, corp)| {
                let b = l.corporation(c);
                let e = l.corporation_event(c);
                CorporationSummary {
                    corporation: corp.name.clone(),
                    municipality: sc.municipalities[corp.municipality].name.clone(),
                    sector_average: corp.sector_average,
                    dwellings_in_wijken: corp.wijk_dwellings,
                    dwellings: corp
                        .outside_dwellings
                        .or_else(|| {
                            let ratio = &sc.params.get(corp.params.outside_ratio).param;
                            ratio.constant_value().map(|r| r * corp.wijk_dwellings)
                        })
                        .map(|outside| corp.wijk_dwellings + outside),
                    icr_limit: sc.params.get(corp.params.icr_min).param.constant_value(),
                    ltv_limit: sc.params.get(corp.params.ltv_max).param.constant_value(),
                    min_icr: s(b),
                    max_ltv: s(b + 1),
                    p_breach: p(e),
                    p_breach_icr: p(e + 1),
                    p_breach_ltv: p(e + 2),
                    realised_over_planned_wijk_investment: s(b + 2),
                    value_uplift_eur: s(b + 3),
                    sales_eur: s(b + 4),
                }
            })
            .collect(),
        municipalities: sc
            .municipalities
            .iter()
            .enumerate()
            .map(|(m, muni)| {
                let b = l.municipality(m);
                MunicipalitySummary {
                    municipality: muni.name.clone(),
                    wijken: muni.wijken.len(),
                    population: muni.population,
                    gap_closure: s(b),
                    p_closed: p(l.municipality_event(m)),
                    p_halved: p(l.municipality_event(m) + 1),
                    social_spend_eur: s(b + 1),
                    shortfall_eur: s(b + 2),
                }
            })
            .collect(),
        economy: EconomySummary {
            rate_floor_events: a.rate_floors,
            rate_floor_share: a.rate_floors as f64 / (a.draws as f64 * sc.horizon() as f64 * 2.0),
        },
    }
}

/// yearly.csv: per year the mean and quantile band of the composite gap (overall and per
/// wijk) and of each corporation's ICR, LTV and capacity. Places have their own columns, as
/// in every file: `gemeente` and `wijk` for a wijk, `gemeente` and `corporatie` for a
/// corporation, all three empty for the overall rows.
pub fn write_yearly(path: &Path, sc: &Scenario, a: &Aggregate) -> io::Result<()> {
    write_atomic(path, |w| yearly_csv(w, sc, a))
}

/// yearly.csv's content (see [`write_yearly`]) into `w`.
pub fn yearly_csv(w: impl Write, sc: &Scenario, a: &Aggregate) -> io::Result<()> {
    {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(YEARLY_COLUMNS)?;
        let l = &a.layout;
        let t_max = l.horizon;
        let mut row = |year: i32, place: [&str; 4], var: &str, i: usize| -> io::Result<()> {
            let s = a.stats[i].summary();
            let mut record = vec![year.to_string()];
            record.extend(place.iter().map(|x| x.to_string()));
            record.push(var.into());
            record.extend([s.mean, s.q05, s.q25, s.q50, s.q75, s.q95].map(|x| format!("{x}")));
            csv.write_record(&record)?;
            Ok(())
        };
        let c_all = l.overall() + 3 + l.indicators;
        for t in 0..=t_max {
            row(
                sc.run.year(t),
                ["overall", "", "", ""],
                "composite_gap",
                c_all + t,
            )?;
        }
        for (w, wijk) in sc.wijken.iter().enumerate() {
            let c = l.wijk(w) + 2 + l.indicators;
            let gemeente = &sc.municipalities[wijk.municipality].name;
            for t in 0..=t_max {
                row(
                    sc.run.year(t),
                    ["wijk", gemeente, &wijk.name, ""],
                    "composite_gap",
                    c + t,
                )?;
            }
        }
        for (ci, corp) in sc.corporations.iter().enumerate() {
            let b = l.corporation(ci) + crate::aggregate::CORP_HEAD;
            let gemeente = &sc.municipalities[corp.municipality].name;
            for (v, var) in ["icr", "ltv", "capacity_eur"].iter().enumerate() {
                for t in 1..=t_max {
                    row(
                        sc.run.year(t),
                        ["corporation", gemeente, "", &corp.name],
                        var,
                        b + v * t_max + t - 1,
                    )?;
                }
            }
        }
        csv.flush()
    }
}

/// The header of yearly.csv.
pub const YEARLY_COLUMNS: [&str; 12] = [
    "year",
    "scope",
    "gemeente",
    "wijk",
    "corporatie",
    "variable",
    "mean",
    "q05",
    "q25",
    "q50",
    "q75",
    "q95",
];

/// wijken.csv: one row per wijk with its headline figures.
pub fn write_wijken(path: &Path, summary: &SummaryFile) -> io::Result<()> {
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record([
            "gemeente",
            "wijk",
            "population",
            "dwellings",
            "corporation_dwellings",
            "gap_closure_mean",
            "gap_closure_q05",
            "gap_closure_q50",
            "gap_closure_q95",
            "p_closed",
            "p_halved",
            "value_uplift_eur_q50",
        ])?;
        for s in &summary.wijken {
            let g = &s.gap_closure;
            csv.write_record([
                s.municipality.clone(),
                s.wijk.clone(),
                format!("{:.0}", s.population),
                format!("{:.0}", s.dwellings),
                format!("{:.0}", s.corporation_dwellings),
                format!("{}", g.mean),
                format!("{}", g.q05),
                format!("{}", g.q50),
                format!("{}", g.q95),
                format!("{}", s.p_closed.p),
                format!("{}", s.p_halved.p),
                format!("{:.0}", s.value_uplift_eur.q50),
            ])?;
        }
        csv.flush()
    })
}

/// The version of the numbers a run produces: raised when the same scenario and seed give
/// different results. 2: moments are summed exactly across chunks (any grouping of chunks,
/// over threads or shards, gives the same bits; the last digits of means and standard
/// deviations moved).
pub const RESULTS_VERSION: u32 = 2;

/// meta.json: what produced the run, and how fast.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Meta {
    pub scenario: String,
    pub scenario_file: String,
    pub scenario_hash: String,
    pub seed: u64,
    pub draws: u64,
    pub threads: usize,
    pub wijksim_version: String,
    /// [`RESULTS_VERSION`] of the wijksim that made it (0: before the field existed).
    #[serde(default)]
    pub results_version: u32,
    /// Merged from this many shards (`wijksim merge`); the wall time is then the sum of the
    /// shards' times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shards: Option<u64>,
    pub wall_time_s: f64,
    pub draws_per_s: f64,
    /// A precision-driven run (`--precision`): the targets, why it stopped and the path of
    /// the estimates (convergence.csv holds the path too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<crate::precision::Report>,
}

impl Meta {
    /// The meta.json of `draws` draws of `sc` that took `wall_time_s` seconds.
    pub fn new(sc: &Scenario, draws: u64, threads: usize, wall_time_s: f64) -> Meta {
        Meta {
            scenario: sc.name.clone(),
            scenario_file: sc.file.display().to_string(),
            scenario_hash: sc.hash.clone(),
            seed: sc.run.seed,
            draws,
            threads,
            wijksim_version: env!("CARGO_PKG_VERSION").into(),
            results_version: RESULTS_VERSION,
            shards: None,
            wall_time_s,
            draws_per_s: draws as f64 / wall_time_s.max(1e-9),
            precision: None,
        }
    }
}

/// convergence.csv of a precision-driven run: per chunk boundary and figure, the estimate,
/// its standard error and the target.
pub fn write_convergence(path: &Path, r: &crate::precision::Report) -> io::Result<()> {
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(["draws", "figure", "estimate", "se", "target_se"])?;
        for p in &r.path {
            for (t, (e, se)) in r.targets.iter().zip(&p.estimates) {
                csv.write_record([
                    p.draws.to_string(),
                    t.figure.name().to_string(),
                    e.to_string(),
                    se.to_string(),
                    t.se.to_string(),
                ])?;
            }
        }
        csv.flush()
    })
}

/// Writes `rows` (the first is the header) as CSV to `path`, atomically.
pub fn write_rows(path: &Path, rows: &[Vec<String>]) -> io::Result<()> {
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        for row in rows {
            csv.write_record(row)?;
        }
        csv.flush()
    })
}

pub fn write_json<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value)?;
        w.write_all(b"\n")
    })
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// A probability with its Monte Carlo error, to as many digits as the error has.
fn pm(p: &Probability) -> String {
    crate::plot::Lang::En.pct_pm(p.p, p.mcse)
}

/// The terminal summary.
pub fn terminal(s: &SummaryFile, meta: &Meta) -> String {
    let o = &s.overall;
    let last = s.last_year;
    let g = &o.gap_closure;
    let mut out = format!(
        "{}: {} draws, seed {}, {}, {:.1} s ({:.0} draws/s)\n",
        s.scenario,
        s.draws,
        s.seed,
        match meta.shards {
            Some(n) => format!("merged from {n} shards (their time summed)"),
            None if meta.threads == 1 => "1 thread".into(),
            None => format!("{} threads", meta.threads),
        },
        meta.wall_time_s,
        meta.draws_per_s
    );
    out += &format!(
        "Gap closure {}-{} (all {} wijken, population-weighted): median {} (90% interval {} to {})\n",
        s.first_year,
        s.last_year,
        s.wijken.len(),
        pct(g.q50),
        pct(g.q05),
        pct(g.q95)
    );
    out += &format!(
        "P(halved) in {last} {} (in some year up to {last}: {})\nP(closed) in {last} {} (in some year up to {last}: {})\nA corporation in some year: below the ICR limit {}, above the LTV limit {}\n\n",
        pm(&o.p_halved),
        pm(&o.ever_halved(s.draws)),
        pm(&o.p_closed),
        pm(&o.ever_closed(s.draws)),
        pm(&o.p_breach_icr),
        pm(&o.p_breach_ltv),
    );
    out += &format!(
        "{:<14} {:>6} {:>8} {:>17} {:>10}\n",
        "municipality", "wijken", "closure", "90% interval", "P(halved)"
    );
    for m in &s.municipalities {
        out += &format!(
            "{:<14} {:>6} {:>8} {:>17} {:>10}\n",
            m.municipality,
            m.wijken,
            pct(m.gap_closure.q50),
            format!("{} to {}", pct(m.gap_closure.q05), pct(m.gap_closure.q95)),
            pct(m.p_halved.p),
        );
    }
    let width = s
        .corporations
        .iter()
        .map(|c| c.corporation.chars().count())
        .max()
        .unwrap_or(0)
        .max(11);
    out += &format!(
        "\n{:<width$} {:>13} {:>13} {:>13} {:>13} {:>14}\n",
        "corporation",
        "P(ICR < min)",
        "P(LTV > max)",
        "min ICR (q50)",
        "max LTV (q50)",
        "wijk realised"
    );
    for c in &s.corporations {
        out += &format!(
            "{:<width$} {:>13} {:>13} {:>13.2} {:>13.2} {:>14}\n",
            c.corporation,
            pct(c.p_breach_icr.p),
            pct(c.p_breach_ltv.p),
            c.min_icr.q50,
            c.max_ltv.q50,
            pct(c.realised_over_planned_wijk_investment.mean)
        );
    }
    out
}
