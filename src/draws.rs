//! The per-draw table of `--save-draws`: one row per (draw, wijk) with the sampled parameters
//! and the outcomes, written as draws.csv or draws.parquet.
//!
//! The columns are named once ([`columns`]) and filled once ([`Record::row`]); the CSV and
//! Parquet encoders only differ in how they lay the same typed cells down. The engine hands
//! draws in draw order to [`DrawsWriter::write`], which takes the table's numbers out of the
//! draw (a few microseconds) and passes them to a writer thread, so that formatting and
//! compression overlap with the simulation of the next draws. The file is written under a
//! temporary name and renamed by [`DrawsWriter::finish`], so an interrupted run never leaves
//! a complete-looking file (a Parquet file gets its footer only at the end, too).

use crate::model::DrawOutcome;
use crate::output::temp_name;
use crate::scenario::Scenario;
use parquet::basic::{Compression, IntType, LogicalType, Repetition, Type as Physical};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnPath, Type};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// The file format of `--save-draws`: draws.csv (text, for spreadsheets and any tool) or
/// draws.parquet (typed columns, Snappy-compressed, in row groups).
// No doc comments on the variants: clap would list them under --help and move every
// option's help onto its own line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DrawsFormat {
    Csv,
    Parquet,
}

impl DrawsFormat {
    /// The name of the file in the run directory.
    pub fn file_name(self) -> &'static str {
        match self {
            DrawsFormat::Csv => "draws.csv",
            DrawsFormat::Parquet => "draws.parquet",
        }
    }

    /// The approximate size of the file for `draws` draws of `sc`, in bytes (CSV: about 20
    /// bytes a number; Parquet: measured on the baseline, about a third of that).
    pub fn bytes(self, sc: &Scenario, draws: u64) -> f64 {
        let numbers = 10 + sc.params.uncertain() + 2 * sc.indicators.len();
        let per_number = match self {
            DrawsFormat::Csv => 20.0,
            DrawsFormat::Parquet => 8.0,
        };
        draws as f64 * sc.wijken.len() as f64 * numbers as f64 * per_number
    }
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The draw number (Parquet: unsigned 64-bit integer).
    Draw,
    /// A name (Parquet: UTF-8 string).
    Text,
    /// A real number (Parquet: double).
    Number,
    /// A calendar year, or none (Parquet: optional 32-bit integer; CSV: empty).
    Year,
    /// Yes or no (Parquet: boolean; CSV: `true` / `false`).
    Flag,
}

/// One column of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// The columns of the table for `sc`, in order; [`Record::row`] fills them in this order.
pub fn columns(sc: &Scenario) -> Vec<Column> {
    let col = |name: String, kind| Column { name, kind };
    let mut c = vec![
        col("draw".into(), Kind::Draw),
        col("gemeente".into(), Kind::Text),
        col("wijk".into(), Kind::Text),
    ];
    for p in sc.params.params.iter().filter(|p| !p.param.is_constant()) {
        c.push(col(p.path.clone(), Kind::Number));
    }
    let per_indicator = |prefix: &str| -> Vec<Column> {
        sc.indicators
            .iter()
            .map(|i| col(format!("{prefix}.{}", i.name), Kind::Number))
            .collect()
    };
    c.extend(per_indicator("effect_multiplier"));
    c.push(col("composite_gap_T".into(), Kind::Number));
    c.push(col("gap_closure".into(), Kind::Number));
    c.extend(per_indicator("g_T"));
    c.push(col("first_closure_year".into(), Kind::Year));
    for (name, kind) in [
        ("value_uplift_eur", Kind::Number),
        ("owners_min_icr", Kind::Number),
        ("owners_max_ltv", Kind::Number),
        ("owners_breach_icr", Kind::Flag),
        ("owners_breach_ltv", Kind::Flag),
        ("owners_sales_eur", Kind::Number),
        ("sector_breach_icr", Kind::Flag),
        ("sector_breach_ltv", Kind::Flag),
        ("sector_sales_eur", Kind::Number),
        ("mean_house_price_growth", Kind::Number),
        ("mean_interest", Kind::Number),
        ("mean_inflation", Kind::Number),
        ("mean_unemployment", Kind::Number),
        ("max_unemployment", Kind::Number),
    ] {
        c.push(col(name.into(), kind));
    }
    c
}

/// One cell of a row.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    Draw(u64),
    Text(&'a str),
    Number(f64),
    Year(Option<i32>),
    Flag(bool),
}

/// What the table needs of the scenario, owned so that a writer thread can hold it.
#[derive(Clone, Debug)]
pub struct Shape {
    /// Per wijk: its municipality's name and its own.
    places: Vec<(String, String)>,
    /// Per wijk: the corporations that own its dwellings.
    owners: Vec<Vec<usize>>,
    /// The table indices of the uncertain parameters.
    uncertain: Vec<usize>,
    indicators: usize,
    horizon: usize,
    /// The calendar year of model year t: `first_year - 1 + t`.
    year_zero: i32,
}

impl Shape {
    pub fn new(sc: &Scenario) -> Shape {
        Shape {
            places: sc
                .wijken
                .iter()
                .map(|w| {
                    (
                        sc.municipalities[w.municipality].name.clone(),
                        w.name.clone(),
                    )
                })
                .collect(),
            owners: sc
                .wijken
                .iter()
                .map(|w| w.owners.iter().map(|&(c, _)| c).collect())
                .collect(),
            uncertain: (0..sc.params.len())
                .filter(|&i| !sc.params.params[i].param.is_constant())
                .collect(),
            indicators: sc.indicators.len(),
            horizon: sc.horizon(),
            year_zero: sc.run.year(0),
        }
    }

    /// Rows per draw: one per wijk.
    pub fn rows(&self) -> usize {
        self.places.len()
    }
}

/// The numbers of one draw that the table shows, taken out of its [`DrawOutcome`].
#[derive(Clone, Debug, Default)]
pub struct Record {
    draw: u64,
    params: Vec<f64>,
    /// Per wijk and indicator (w * K + k).
    multipliers: Vec<f64>,
    c_t: Vec<f64>,
    g_t: Vec<f64>,
    first_closure_year: Vec<Option<i32>>,
    uplift: Vec<f64>,
    owners_min_icr: Vec<f64>,
    owners_max_ltv: Vec<f64>,
    owners_breach_icr: Vec<bool>,
    owners_breach_ltv: Vec<bool>,
    owners_sales: Vec<f64>,
    sector_breach_icr: bool,
    sector_breach_ltv: bool,
    sector_sales: f64,
    /// The four means of the economy, then the highest unemployment.
    economy: [f64; 5],
}

impl Record {
    /// Takes the table's numbers out of draw `o`.
    pub fn new(shape: &Shape, o: &DrawOutcome) -> Record {
        let (k, t) = (shape.indicators, shape.horizon);
        let sales: Vec<f64> = o
            .corporations
            .iter()
            .map(|c| c.sales.iter().sum::<f64>())
            .collect();
        let owners = |w: usize| shape.owners[w].iter().copied();
        let n = shape.rows();
        let e = &o.economy_summary;
        Record {
            draw: o.draw,
            params: shape.uncertain.iter().map(|&i| o.params[i]).collect(),
            multipliers: o.multipliers[..n * k].to_vec(),
            c_t: per_wijk(n, |w| o.c[w * (t + 1) + t]),
            g_t: o.g_final[..n * k].to_vec(),
            first_closure_year: o.first_closed[..n]
                .iter()
                .map(|y| y.map(|y| shape.year_zero + i32::from(y)))
                .collect(),
            uplift: o.uplift[..n].to_vec(),
            owners_min_icr: per_wijk(n, |w| {
                owners(w)
                    .map(|c| o.corporations[c].min_icr)
                    .fold(f64::INFINITY, f64::min)
            }),
            owners_max_ltv: per_wijk(n, |w| {
                owners(w)
                    .map(|c| o.corporations[c].max_ltv)
                    .fold(f64::NEG_INFINITY, f64::max)
            }),
            owners_breach_icr: per_wijk(n, |w| owners(w).any(|c| o.corporations[c].breach_icr)),
            owners_breach_ltv: per_wijk(n, |w| owners(w).any(|c| o.corporations[c].breach_ltv)),
            owners_sales: per_wijk(n, |w| owners(w).map(|c| sales[c]).sum::<f64>()),
            sector_breach_icr: o.corporations.iter().any(|c| c.breach_icr),
            sector_breach_ltv: o.corporations.iter().any(|c| c.breach_ltv),
            sector_sales: sales.iter().sum::<f64>(),
            economy: [
                e.mean[0],
                e.mean[1],
                e.mean[2],
                e.mean[3],
                e.max_unemployment,
            ],
        }
    }

    /// The cells of wijk `w`'s row, in the order of [`columns`].
    pub fn row<'a>(&'a self, shape: &'a Shape, w: usize, mut cell: impl FnMut(Cell<'a>)) {
        let k = shape.indicators;
        let (gemeente, wijk) = &shape.places[w];
        cell(Cell::Draw(self.draw));
        cell(Cell::Text(gemeente));
        cell(Cell::Text(wijk));
        for &x in self
            .params
            .iter()
            .chain(&self.multipliers[w * k..(w + 1) * k])
        {
            cell(Cell::Number(x));
        }
        cell(Cell::Number(self.c_t[w]));
        cell(Cell::Number(1.0 - self.c_t[w]));
        for &x in &self.g_t[w * k..(w + 1) * k] {
            cell(Cell::Number(x));
        }
        cell(Cell::Year(self.first_closure_year[w]));
        cell(Cell::Number(self.uplift[w]));
        cell(Cell::Number(self.owners_min_icr[w]));
        cell(Cell::Number(self.owners_max_ltv[w]));
        cell(Cell::Flag(self.owners_breach_icr[w]));
        cell(Cell::Flag(self.owners_breach_ltv[w]));
        cell(Cell::Number(self.owners_sales[w]));
        cell(Cell::Flag(self.sector_breach_icr));
        cell(Cell::Flag(self.sector_breach_ltv));
        cell(Cell::Number(self.sector_sales));
        for &x in &self.economy {
            cell(Cell::Number(x));
        }
    }
}

/// `f` of every wijk 0..`n`.
fn per_wijk<T>(n: usize, f: impl Fn(usize) -> T) -> Vec<T> {
    (0..n).map(f).collect()
}

/// Appends `x` as Rust's `Display` writes it (`f64::to_string`: the shortest digits that read
/// back to the same number, never an exponent), from `zmij`'s shortest digits without the
/// formatting machinery; the same bytes, several times faster.
///
/// Where the two could differ, `Display` writes the number: `zmij` (like `ryu`) breaks an
/// exact tie between two shortest candidates towards the even digit, `Display` upwards
/// (13148512639.0703125 is ...070312 there, ...070313 in `Display`; both read back exactly). A tie needs a number
/// whose exact decimal expansion has at most 18 significant digits, which [`may_tie`] finds
/// with one multiplication; whole numbers below 2^53 are written as integers.
pub fn push_f64(out: &mut Vec<u8>, x: f64) {
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        if x == 0.0 && x.is_sign_negative() {
            out.push(b'-');
        }
        let _ = write!(out, "{}", x as i64);
        return;
    }
    if !x.is_finite() || may_tie(x) {
        let _ = write!(out, "{x}");
        return;
    }
    let mut buf = zmij::Buffer::new();
    let s = buf.format_finite(x).as_bytes();
    let Some(e) = s.iter().position(|&b| b == b'e') else {
        // "12.5", "0.001" (whole numbers are written above).
        out.extend_from_slice(s);
        return;
    };
    // "-1.234e-07" or "1e+30": d[.ddd]e(+|-)x with the point after the first digit.
    let (mantissa, exponent) = (&s[..e], &s[e + 1..]);
    let (negative, mantissa) = match mantissa.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, mantissa),
    };
    let exponent: i32 = std::str::from_utf8(exponent)
        .ok()
        .and_then(|x| x.parse().ok())
        .expect("zmij writes a decimal exponent");
    let mut digits = [0u8; 17];
    let mut n = 0;
    for &b in mantissa.iter().filter(|&&b| b != b'.') {
        digits[n] = b;
        n += 1;
    }
    let digits = &digits[..n];
    if negative {
        out.push(b'-');
    }
    // The decimal point falls after `point` digits.
    let point = exponent + 1;
    if point <= 0 {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (-point) as usize, b'0');
        out.extend_from_slice(digits);
    } else if point as usize >= digits.len() {
        out.extend_from_slice(digits);
        out.resize(out.len() + point as usize - digits.len(), b'0');
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    }
}

/// Whether the exact decimal expansion of `x` (finite, not a whole number below 2^53) has at
/// most 18 significant digits: only then can it lie exactly halfway between two candidates
/// of at most 17 digits.
fn may_tie(x: f64) -> bool {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    // x = m * 2^e
    let (mut m, mut e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let zeros = m.trailing_zeros();
    m >>= zeros;
    e += zeros as i32;
    if e >= 0 {
        // A whole number of 2^53 or more: leave it to Display.
        return true;
    }
    // x = m * 5^-e / 10^-e, and m * 5^-e ends in 5: its digits are the expansion's.
    let k = -e as u32;
    k <= 27 && u128::from(m) * 5u128.pow(k) < 1_000_000_000_000_000_000
}

/// Appends a CSV field as the `csv` crate writes it: quoted (quotes doubled) when it holds a
/// comma, a quote or a line break.
fn push_text(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// The last number written in a column and its text: the parameters, the economy and the
/// sector's figures are the same in every row of a draw, so they are formatted once a draw.
#[derive(Clone, Copy, Default)]
struct Memo {
    bits: u64,
    /// 0: nothing remembered (every number takes at least one byte).
    len: u8,
    text: [u8; 24],
}

/// Appends one CSV row (with its line end) of cells; `memo` has one entry per column.
fn push_csv_row(out: &mut Vec<u8>, memo: &mut [Memo], record: &Record, shape: &Shape, w: usize) {
    let mut i = 0;
    record.row(shape, w, |cell| {
        if i > 0 {
            out.push(b',');
        }
        match cell {
            Cell::Draw(d) => {
                let _ = write!(out, "{d}");
            }
            Cell::Text(s) => push_text(out, s),
            Cell::Number(x) => {
                let m = &mut memo[i];
                if m.len > 0 && m.bits == x.to_bits() {
                    out.extend_from_slice(&m.text[..usize::from(m.len)]);
                } else {
                    let start = out.len();
                    push_f64(out, x);
                    let text = &out[start..];
                    *m = Memo::default();
                    if text.len() <= m.text.len() {
                        m.text[..text.len()].copy_from_slice(text);
                        (m.bits, m.len) = (x.to_bits(), text.len() as u8);
                    }
                }
            }
            Cell::Year(Some(y)) => {
                let _ = write!(out, "{y}");
            }
            Cell::Year(None) => {}
            Cell::Flag(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        }
        i += 1;
    });
    out.push(b'\n');
}

/// Lays records down in one of the formats.
enum Encoder {
    Csv {
        file: BufWriter<File>,
        /// The rows of one draw, reused.
        buf: Vec<u8>,
        memo: Vec<Memo>,
        sync: Sync,
    },
    Parquet(Box<ParquetEncoder>),
}

impl Encoder {
    fn create(format: DrawsFormat, file: File, sc: &Scenario) -> io::Result<Encoder> {
        let mut file = BufWriter::with_capacity(1 << 20, file);
        let columns = columns(sc);
        Ok(match format {
            DrawsFormat::Csv => {
                let mut header = csv::Writer::from_writer(vec![]);
                header.write_record(columns.iter().map(|c| &c.name))?;
                file.write_all(&header.into_inner().map_err(|e| e.into_error())?)?;
                Encoder::Csv {
                    file,
                    buf: vec![],
                    memo: vec![Memo::default(); columns.len()],
                    sync: Sync::default(),
                }
            }
            DrawsFormat::Parquet => {
                Encoder::Parquet(Box::new(ParquetEncoder::new(file, &columns, sc)?))
            }
        })
    }

    fn push(&mut self, record: &Record, shape: &Shape) -> io::Result<()> {
        match self {
            Encoder::Csv {
                file,
                buf,
                memo,
                sync,
            } => {
                buf.clear();
                for w in 0..shape.rows() {
                    push_csv_row(buf, memo, record, shape, w);
                }
                file.write_all(buf)?;
                sync.wrote(buf.len(), file)
            }
            Encoder::Parquet(p) => p.push(record, shape),
        }
    }

    /// Writes what is buffered (Parquet: the last row group and the footer) and syncs.
    fn finish(self) -> io::Result<()> {
        let file = match self {
            Encoder::Csv { file, .. } => file,
            Encoder::Parquet(p) => p.finish()?,
        };
        file.into_inner().map_err(|e| e.into_error())?.sync_all()
    }
}

/// Flushes the file to disk every [`Sync::EVERY`] bytes, on the writer thread, so that the
/// disk works while the draws are simulated rather than all at the end (a baseline draw is
/// 28 kB of CSV; 20,000 draws would otherwise leave 570 MB for the final sync).
#[derive(Default)]
struct Sync {
    since: usize,
}

impl Sync {
    const EVERY: usize = 64 << 20;

    fn wrote(&mut self, bytes: usize, file: &mut BufWriter<File>) -> io::Result<()> {
        self.since += bytes;
        if self.since >= Self::EVERY {
            self.since = 0;
            file.flush()?;
            file.get_ref().sync_data()?;
        }
        Ok(())
    }
}

/// Rows per Parquet row group, at most (whole draws: 1,638 draws of the baseline's 40
/// wijken); the encoder holds one row group, some 20 MB for the baseline.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// One row group's values of one column.
enum Values {
    Draw(Vec<i64>),
    Text(Vec<ByteArray>),
    Number(Vec<f64>),
    /// The years present, and per row whether it is (definition level 1) or not (0).
    Year(Vec<i32>, Vec<i16>),
    Flag(Vec<bool>),
}

struct ParquetEncoder {
    writer: SerializedFileWriter<BufWriter<File>>,
    values: Vec<Values>,
    rows: usize,
    /// Rows per row group: whole draws, at most [`ROW_GROUP_ROWS`].
    group_rows: usize,
    sync: Sync,
}

fn parquet_error(e: parquet::errors::ParquetError) -> io::Error {
    match e {
        parquet::errors::ParquetError::External(e) => io::Error::other(e),
        e => io::Error::other(format!("parquet: {e}")),
    }
}

impl ParquetEncoder {
    fn new(file: BufWriter<File>, columns: &[Column], sc: &Scenario) -> io::Result<Self> {
        let fields = columns
            .iter()
            .map(|c| {
                let (physical, logical, repetition) = match c.kind {
                    Kind::Draw => (
                        Physical::INT64,
                        Some(LogicalType::Integer(IntType {
                            bit_width: 64,
                            is_signed: false,
                        })),
                        Repetition::REQUIRED,
                    ),
                    Kind::Text => (
                        Physical::BYTE_ARRAY,
                        Some(LogicalType::String),
                        Repetition::REQUIRED,
                    ),
                    Kind::Number => (Physical::DOUBLE, None, Repetition::REQUIRED),
                    Kind::Year => (Physical::INT32, None, Repetition::OPTIONAL),
                    Kind::Flag => (Physical::BOOLEAN, None, Repetition::REQUIRED),
                };
                Type::primitive_type_builder(&c.name, physical)
                    .with_logical_type(logical)
                    .with_repetition(repetition)
                    .build()
                    .map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(parquet_error)?;
        let schema = Type::group_type_builder("draws")
            .with_fields(fields)
            .build()
            .map_err(parquet_error)?;
        // Dictionaries only for the names: the numbers are nearly all distinct, and hashing
        // them cost more than it saved (a draw's parameters repeat in its rows, which
        // Snappy finds anyway).
        let props = columns
            .iter()
            .filter(|c| c.kind == Kind::Text)
            .fold(
                WriterProperties::builder().set_dictionary_enabled(false),
                |b, c| b.set_column_dictionary_enabled(ColumnPath::from(c.name.as_str()), true),
            )
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("wijksim {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props))
            .map_err(parquet_error)?;
        let values = columns
            .iter()
            .map(|c| match c.kind {
                Kind::Draw => Values::Draw(vec![]),
                Kind::Text => Values::Text(vec![]),
                Kind::Number => Values::Number(vec![]),
                Kind::Year => Values::Year(vec![], vec![]),
                Kind::Flag => Values::Flag(vec![]),
            })
            .collect();
        let per_draw = sc.wijken.len().max(1);
        Ok(ParquetEncoder {
            writer,
            values,
            rows: 0,
            group_rows: (ROW_GROUP_ROWS / per_draw).max(1) * per_draw,
            sync: Sync::default(),
        })
    }

    fn push(&mut self, record: &Record, shape: &Shape) -> io::Result<()> {
        for w in 0..shape.rows() {
            let mut i = 0;
            record.row(shape, w, |cell| {
                match (&mut self.values[i], cell) {
                    (Values::Draw(v), Cell::Draw(d)) => v.push(d as i64),
                    (Values::Text(v), Cell::Text(s)) => v.push(ByteArray::from(s)),
                    (Values::Number(v), Cell::Number(x)) => v.push(x),
                    (Values::Year(v, levels), Cell::Year(y)) => {
                        levels.push(i16::from(y.is_some()));
                        v.extend(y);
                    }
                    (Values::Flag(v), Cell::Flag(b)) => v.push(b),
                    (_, cell) => {
                        unreachable!("column {i} got {cell:?}: columns() and row() differ")
                    }
                }
                i += 1;
            });
            self.rows += 1;
        }
        if self.rows >= self.group_rows {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let before = self.writer.bytes_written();
        let mut group = self.writer.next_row_group().map_err(parquet_error)?;
        for values in &mut self.values {
            let mut column = group
                .next_column()
                .map_err(parquet_error)?
                .expect("one writer per column of the schema");
            let written = match (column.untyped(), &mut *values) {
                (ColumnWriter::Int64ColumnWriter(c), Values::Draw(v)) => {
                    c.write_batch(v, None, None)
                }
                (ColumnWriter::ByteArrayColumnWriter(c), Values::Text(v)) => {
                    c.write_batch(v, None, None)
                }
                (ColumnWriter::DoubleColumnWriter(c), Values::Number(v)) => {
                    c.write_batch(v, None, None)
                }
                (ColumnWriter::Int32ColumnWriter(c), Values::Year(v, levels)) => {
                    c.write_batch(v, Some(levels), None)
                }
                (ColumnWriter::BoolColumnWriter(c), Values::Flag(v)) => {
                    c.write_batch(v, None, None)
                }
                _ => unreachable!("the schema follows the columns"),
            };
            written.map_err(parquet_error)?;
            column.close().map_err(parquet_error)?;
            match values {
                Values::Draw(v) => v.clear(),
                Values::Text(v) => v.clear(),
                Values::Number(v) => v.clear(),
                Values::Year(v, levels) => {
                    v.clear();
                    levels.clear();
                }
                Values::Flag(v) => v.clear(),
            }
        }
        group.close().map_err(parquet_error)?;
        self.rows = 0;
        let bytes = self.writer.bytes_written() - before;
        self.sync.wrote(bytes, self.writer.inner_mut())
    }

    fn finish(mut self) -> io::Result<BufWriter<File>> {
        self.flush()?;
        self.writer.into_inner().map_err(parquet_error)
    }
}

/// Draws waiting for the writer thread, at most: two waves of the engine on two threads
/// (some 24 MB for the baseline), so the simulation goes on while the writer catches up.
const QUEUE: usize = 4096;

/// Streams the per-draw table to a temporary file on a thread of its own;
/// [`DrawsWriter::finish`] completes it and renames it into place.
pub struct DrawsWriter {
    shape: Arc<Shape>,
    queue: Option<SyncSender<Record>>,
    thread: Option<JoinHandle<io::Result<Encoder>>>,
    tmp: PathBuf,
    path: PathBuf,
}

impl DrawsWriter {
    /// Starts writing `path` (under a temporary name) in `format`.
    ///
    /// # Errors
    /// The file cannot be created, or (Parquet) the schema cannot be written.
    pub fn create(path: &Path, sc: &Scenario, format: DrawsFormat) -> io::Result<DrawsWriter> {
        let tmp = temp_name(path);
        let mut encoder = Encoder::create(format, File::create(&tmp)?, sc)?;
        let shape = Arc::new(Shape::new(sc));
        let (queue, records): (_, Receiver<Record>) = sync_channel(QUEUE);
        let thread_shape = Arc::clone(&shape);
        let thread = std::thread::Builder::new()
            .name("draws writer".into())
            .spawn(move || {
                for record in records {
                    encoder.push(&record, &thread_shape)?;
                }
                Ok(encoder)
            })?;
        Ok(DrawsWriter {
            shape,
            queue: Some(queue),
            thread: Some(thread),
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// Adds draw `o` (draws come in draw order).
    ///
    /// # Errors
    /// Writing failed (the writer thread's error, e.g. a full disk).
    pub fn write(&mut self, o: &DrawOutcome) -> io::Result<()> {
        let record = Record::new(&self.shape, o);
        let sent = self.queue.as_ref().map(|q| q.send(record).is_ok());
        if sent == Some(true) {
            return Ok(());
        }
        // The thread stopped: its error says why.
        self.queue = None;
        match self.join() {
            Err(e) => Err(e),
            Ok(_) => Err(io::Error::other("the draws writer stopped")),
        }
    }

    fn join(&mut self) -> io::Result<Encoder> {
        let thread = self
            .thread
            .take()
            .ok_or_else(|| io::Error::other("the draws writer stopped"))?;
        thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the draws writer panicked")))
    }

    /// Writes the rest, syncs the file and renames it into place.
    ///
    /// # Errors
    /// Writing, syncing or renaming failed.
    pub fn finish(mut self) -> io::Result<()> {
        self.queue = None;
        self.join()?.finish()?;
        fs::rename(&self.tmp, &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt, SeedableRng};

    fn display(x: f64) -> String {
        let mut v = vec![];
        push_f64(&mut v, x);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        let special = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            1e-7,
            -1.234e-7,
            1e15,
            1e16,
            1e17,
            1.5e16,
            123456789012345680.0,
            1e30,
            1e300,
            -2.5e-300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            13553359340.45034,
            0.0001,
            0.00001,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for x in special {
            assert_eq!(display(x), x.to_string(), "{x:e}");
        }
        // Exact ties between two shortest candidates (zmij alone rounds them to even).
        for x in [
            13_148_512_639.0 + 0.070_312_5,
            0.5,
            2.5e-5,
            1.0000000000000002,
            9007199254740993.0,
        ] {
            assert_eq!(display(x), x.to_string(), "{x:e}");
        }
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(13);
        for i in 0..400_000 {
            // Every bit pattern, and numbers of the sizes a run writes.
            let x = if i % 3 == 0 {
                f64::from_bits(rng.next_u64())
            } else if i % 3 == 1 {
                // Halves, quarters, ... of large numbers: ties are frequent among them.
                (rng.next_u64() >> rng.random_range(11..40)) as f64
                    / 2f64.powi(rng.random_range(1..12))
            } else {
                rng.random::<f64>() * 10f64.powi(rng.random_range(-12..20))
            };
            assert_eq!(display(x), x.to_string(), "{x:e}");
        }
    }

    #[test]
    fn years_are_optional_integers() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::Field;
        let sc = crate::scenario::load(Path::new("scenarios/baseline.toml")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut ws = crate::model::Workspace::default();
        let mut writers = [DrawsFormat::Csv, DrawsFormat::Parquet]
            .map(|f| DrawsWriter::create(&dir.path().join(f.file_name()), &sc, f).unwrap());
        for d in 0..3 {
            let mut o = crate::model::simulate_draw(&sc, 1, d, &mut ws).clone();
            o.first_closed[0] = Some(1);
            o.first_closed[1] = Some(10);
            writers.iter_mut().for_each(|w| w.write(&o).unwrap());
        }
        writers.into_iter().for_each(|w| w.finish().unwrap());
        let column = columns(&sc)
            .iter()
            .position(|c| c.name == "first_closure_year")
            .unwrap();
        let csv: Vec<String> = csv::Reader::from_path(dir.path().join("draws.csv"))
            .unwrap()
            .records()
            .map(|r| r.unwrap()[column].to_string())
            .collect();
        let file = File::open(dir.path().join("draws.parquet")).unwrap();
        let parquet: Vec<String> = SerializedFileReader::new(file)
            .unwrap()
            .get_row_iter(None)
            .unwrap()
            .map(
                |r| match r.unwrap().get_column_iter().nth(column).unwrap().1 {
                    Field::Int(y) => y.to_string(),
                    Field::Null => String::new(),
                    other => panic!("{other:?}"),
                },
            )
            .collect();
        assert_eq!(csv.len(), 3 * sc.wijken.len());
        assert_eq!(&csv[..3], ["2008", "2017", ""]);
        assert_eq!(csv, parquet);
    }

    #[test]
    fn text_is_quoted_as_the_csv_crate_quotes_it() {
        for s in [
            "Noord",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "'s-Hertogenbosch",
        ] {
            let mut ours = vec![];
            push_text(&mut ours, s);
            ours.push(b'\n');
            let mut theirs = csv::Writer::from_writer(vec![]);
            theirs.write_record([s]).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs.into_inner().unwrap()).unwrap()
            );
        }
    }
}
