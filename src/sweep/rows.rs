//! The rows of `sweep.csv`: the header, one line per sample, and reading back a file that may
//! end in a torn line (a run killed while writing).
//!
//! Columns: `sample`, one per parameter (its key path), then per strategy of the plan
//! `<strategy>.bill_yuan`, `<strategy>.saving_yuan`, `<strategy>.saving_fraction` (empty cells
//! for a strategy without results), then per claim `claim.<key>.holds` (1/0) and
//! `claim.<key>.simulated` (empty when its strategy has no result). Numbers are written in
//! Rust's shortest round-trip form, so equal results give equal bytes.

use super::value::SweepValue;
use crate::park::ParkResult;
use crate::scenario::Plan;
use std::collections::BTreeMap;

/// The claim keys, in column order.
pub const CLAIM_KEYS: &[&str] = &["cost_reduction_fraction", "pv_saving_yuan_per_year"];

/// The metrics per strategy, in column order.
pub const STRATEGY_METRICS: &[&str] = &["bill_yuan", "saving_yuan", "saving_fraction"];

/// The header line (without newline).
pub fn header(plan: &Plan, keys: &[String]) -> String {
    let mut cols = vec!["sample".to_string()];
    cols.extend(keys.iter().cloned());
    for s in &plan.strategies {
        for m in STRATEGY_METRICS {
            cols.push(format!("{s}.{m}"));
        }
    }
    for c in CLAIM_KEYS {
        cols.push(format!("claim.{c}.holds"));
        cols.push(format!("claim.{c}.simulated"));
    }
    cols.join(",")
}

/// One sample's line (without newline). `base` holds the scenario's value of each parameter,
/// written where the sample leaves it unchanged.
pub fn row(
    sample: u64,
    values: &[Option<SweepValue>],
    base: &[String],
    plan: &Plan,
    r: &ParkResult,
) -> String {
    let mut cols = vec![sample.to_string()];
    for (v, b) in values.iter().zip(base) {
        cols.push(v.as_ref().map_or_else(|| b.clone(), SweepValue::csv));
    }
    for s in &plan.strategies {
        let name = s.to_string();
        match r.totals.iter().find(|t| t.strategy == name) {
            Some(t) => {
                cols.push(t.bill_yuan.to_string());
                cols.push(t.saving_yuan.to_string());
                cols.push(t.saving_fraction.to_string());
            }
            None => cols.extend(std::iter::repeat_n(String::new(), STRATEGY_METRICS.len())),
        }
    }
    for c in CLAIM_KEYS {
        match r.claims.iter().find(|k| k.key == *c) {
            Some(k) => {
                cols.push(if k.holds { "1" } else { "0" }.into());
                cols.push(k.simulated.to_string());
            }
            None => cols.extend([String::new(), String::new()]),
        }
    }
    cols.join(",")
}

/// Split a CSV line into fields (quoted fields may hold commas; quotes doubled inside).
pub fn split(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// What a partly written `sweep.csv` holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Existing {
    /// Complete rows by sample (the first copy when a sample appears twice).
    pub rows: BTreeMap<u64, String>,
    /// Length of the text up to the end of its last complete line [bytes]; anything after it
    /// is a torn line.
    pub valid_len: usize,
}

/// Read the rows of a `sweep.csv` text written with `header`.
///
/// # Errors
/// A message when the first line is not `header` (another sweep wrote the file).
pub fn read(text: &str, header: &str) -> Result<Existing, String> {
    let n_cols = split(header).len();
    let Some(first_end) = text.find('\n') else {
        // Empty or a torn header: nothing finished.
        return Ok(Existing::default());
    };
    if &text[..first_end] != header {
        return Err("its header differs from this sweep's columns".into());
    }
    let mut out = Existing {
        rows: BTreeMap::new(),
        valid_len: first_end + 1,
    };
    let mut pos = first_end + 1;
    while let Some(len) = text[pos..].find('\n') {
        let line = &text[pos..pos + len];
        let fields = split(line);
        let id = fields.first().and_then(|f| f.parse::<u64>().ok());
        match id {
            Some(id) if fields.len() == n_cols => {
                out.rows.entry(id).or_insert_with(|| line.to_string());
            }
            _ => return Err(format!("line `{line}` is not a row of this sweep")),
        }
        pos += len + 1;
        out.valid_len = pos;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_last_line_is_ignored_and_duplicates_kept_once() {
        let h = "sample,a";
        let text = "sample,a\n1,0.5\n0,0.25\n1,0.5\n2,0.";
        let e = read(text, h).unwrap();
        assert_eq!(e.rows.keys().copied().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(e.valid_len, text.len() - 4);
    }

    #[test]
    fn another_header_is_refused() {
        assert!(read("sample,b\n", "sample,a").is_err());
        assert_eq!(read("samp", "sample,a").unwrap(), Existing::default());
    }

    #[test]
    fn split_handles_quotes() {
        assert_eq!(split("1,\"a,b\",\"c\"\"d\""), vec!["1", "a,b", "c\"d"]);
    }
}
