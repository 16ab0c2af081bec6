//! Errors of the load module: invalid archetype or group parameters, infeasible scaling targets,
//! and malformed meter files (each naming the file and line, and the column where useful).

use std::path::PathBuf;

/// Errors building, scaling or reading enterprise load profiles.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The archetype data file is not valid TOML or does not have the expected layout.
    #[error("archetype table: {0}")]
    ArchetypeFile(String),
    /// A parameter is outside its valid range.
    #[error("`{field}` = {value} (must be {valid})")]
    InvalidParameter {
        /// Key path of the parameter, e.g. `archetype.battery_materials.noise.day_rho`.
        field: String,
        /// The value found, as text (with its unit).
        value: String,
        /// The valid range, in words.
        valid: String,
    },
    /// No archetype of that name exists.
    #[error("unknown load archetype `{name}` (known: {known})")]
    UnknownArchetype {
        /// The requested name.
        name: String,
        /// Names of the archetypes that exist, comma-separated.
        known: String,
    },
    /// Neither annual energy nor peak power was given to scale a profile.
    #[error(
        "load target for `{archetype}` gives neither `annual_kwh` nor `peak_kw`; give at least one"
    )]
    NoTarget {
        /// Archetype name.
        archetype: String,
    },
    /// Annual energy and peak power together ask for a load factor the archetype cannot reach.
    #[error(
        "load target for `{archetype}`: annual_kwh = {annual_kwh} kWh with peak_kw = {peak_kw} kW is a load factor of {load_factor:.3}, \
         but this archetype reaches only {min_load_factor:.3}..={max_load_factor:.3} (base-load share {base_min:.2}..={base_max:.2}); \
         change one of the two, or pick another archetype"
    )]
    InfeasibleTarget {
        /// Archetype name.
        archetype: String,
        /// Requested annual energy [kWh].
        annual_kwh: f64,
        /// Requested peak power [kW].
        peak_kw: f64,
        /// Load factor the pair implies, annual_kwh / (peak_kw × hours of the year) [fraction].
        load_factor: f64,
        /// Lowest reachable load factor [fraction].
        min_load_factor: f64,
        /// Highest reachable load factor [fraction].
        max_load_factor: f64,
        /// Lowest base-load share of the archetype [fraction].
        base_min: f64,
        /// Highest base-load share of the archetype [fraction].
        base_max: f64,
    },
    /// Two series that must be on the same calendar have different lengths.
    #[error("{what}: {found} values, expected {expected} (one per calendar step)")]
    LengthMismatch {
        /// Which series.
        what: String,
        /// Length found.
        found: usize,
        /// Length expected.
        expected: usize,
    },
    /// A meter file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A meter file is not UTF-8 text (e.g. a GBK export: declare its encoding).
    #[error("{}:{line}: not UTF-8 text (a GBK/GB18030 export, as Chinese Excel writes? set `meter_encoding = \"gbk\"`)", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// First line with an invalid byte (1-based).
        line: usize,
    },
    /// A meter file is not text in the declared encoding.
    #[error("{}:{line}: not {encoding} text (check `meter_encoding`)", path.display())]
    BadEncoding {
        /// The file.
        path: PathBuf,
        /// First line with an invalid byte sequence (1-based).
        line: usize,
        /// The encoding declared.
        encoding: &'static str,
    },
    /// A file declared GBK/GB18030 is UTF-8 text.
    #[error("{}: declared GBK/GB18030 but the file is UTF-8 text; set `meter_encoding = \"utf-8\"`", path.display())]
    DeclaredGbkIsUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// A spreadsheet cannot be opened or lacks the sheet asked for.
    #[error("{}: {message}", path.display())]
    Spreadsheet {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A meter file has no header or no data row.
    #[error("{}: {what}", path.display())]
    EmptyFile {
        /// The file.
        path: PathBuf,
        /// What is missing.
        what: String,
    },
    /// A column named in the meter spec is not in the header.
    #[error("{}:{line}: column `{column}` not found in the header (columns: {found})", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// Header line (1-based).
        line: usize,
        /// The column asked for.
        column: String,
        /// The header's columns, comma-separated.
        found: String,
    },
    /// A 96- or 24-point daily file has the wrong number of point columns.
    #[error("{}:{line}: {found} point columns after `{date_column}`, expected {expected}", path.display())]
    WrongPointCount {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: usize,
        /// The date column.
        date_column: String,
        /// Point columns found.
        found: usize,
        /// Point columns expected (24 or 96).
        expected: usize,
    },
    /// A data row has a different number of fields than the header.
    #[error("{}:{line}: {found} fields, the header has {expected}", path.display())]
    RaggedRow {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: usize,
        /// Fields found.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// A timestamp or date cell cannot be read or is not on an interval boundary.
    #[error("{}:{line}, column `{column}`: `{value}` {reason}", path.display())]
    BadTimestamp {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: usize,
        /// Column name.
        column: String,
        /// The text found.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A value cell is not a number.
    #[error("{}:{line}, column `{column}`: `{value}` is not a number", path.display())]
    NonNumeric {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: usize,
        /// Column name.
        column: String,
        /// The text found.
        value: String,
    },
    /// A value cell is negative (export to the grid is not load; net metering must be split first).
    #[error("{}:{line}, column `{column}`: value {value} is negative (load must be >= 0 {unit})", path.display())]
    NegativeValue {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: usize,
        /// Column name.
        column: String,
        /// The value found.
        value: f64,
        /// Unit of the column (kW or kWh).
        unit: String,
    },
    /// The same interval appears twice.
    #[error("{}:{line}: timestamp {timestamp} repeats the one at line {first_line}", path.display())]
    DuplicateTimestamp {
        /// The file.
        path: PathBuf,
        /// Line of the repeat (1-based).
        line: usize,
        /// Line of the first occurrence.
        first_line: usize,
        /// The timestamp.
        timestamp: String,
    },
    /// Rows are not in increasing time order.
    #[error("{}:{line}: timestamp {timestamp} comes before {previous} on the line above; sort the file by time", path.display())]
    Unordered {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: usize,
        /// The timestamp of this line.
        timestamp: String,
        /// The timestamp of the previous data line.
        previous: String,
    },
    /// The file holds intervals outside the calendar year (a different year or a year of another length).
    #[error(
        "{}:{line}: interval {timestamp} lies outside calendar year {year}; the file has {found} intervals, the {year} calendar has {expected} \
         (a {year} file must run from {year}-01-01 00:00 to {year}-12-31 end of day; check whether its timestamps name the start or the end of each interval: `meter_stamp`)",
        path.display()
    )]
    WrongYearLength {
        /// The file.
        path: PathBuf,
        /// First line with an interval outside the year (1-based).
        line: usize,
        /// Its timestamp.
        timestamp: String,
        /// The calendar year.
        year: i32,
        /// Intervals in the file.
        found: usize,
        /// Intervals in the calendar year at the meter's resolution.
        expected: usize,
    },
    /// Too much of the year is missing to fill credibly.
    #[error(
        "{}: {missing} of {total} intervals missing ({share:.2} %, limit {limit:.2} % of the year, `meter_max_missing_fraction`); the longest gap has {longest} intervals, after line {after_line}; largest gaps: {}",
        path.display(),
        gaps.iter().map(|(s, n)| format!("{n} from {s}")).collect::<Vec<_>>().join(", "),
        share = missing_fraction * 100.0, limit = max_missing_fraction * 100.0
    )]
    TooManyMissing {
        /// The file.
        path: PathBuf,
        /// Missing intervals.
        missing: usize,
        /// Intervals in the year.
        total: usize,
        /// missing / total [fraction].
        missing_fraction: f64,
        /// The configured limit [fraction].
        max_missing_fraction: f64,
        /// Longest run of missing intervals.
        longest: usize,
        /// Last data line before the longest gap (0 when it starts the year).
        after_line: usize,
        /// The largest gaps (at most five), longest first: start (local ISO time) and
        /// intervals.
        gaps: Vec<(String, usize)>,
    },
    /// Every active-power value of the file is zero.
    #[error(
        "{}: every active-power value is 0: the enterprise would consume nothing and every saving would be meaningless; check the value column (`meter_value_column`) and the unit",
        path.display()
    )]
    AllZero {
        /// The file.
        path: PathBuf,
    },
}
