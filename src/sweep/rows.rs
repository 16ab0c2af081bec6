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

/// Whether a column of the header holds a result (a strategy metric or a claim).
fn is_result_column(name: &str) -> bool {
    name.starts_with("claim.")
        || STRATEGY_METRICS
            .iter()
            .any(|m| name.strip_suffix(m).is_some_and(|p| p.ends_with('.')))
}

/// Read the rows of a `sweep.csv` text written with `header` by a sweep of `n_samples` samples.
///
/// # Errors
/// A message when the first line is not `header` (another sweep wrote the file), or a complete
/// line is not a row of this sweep: a wrong number of cells, a sample id that is not a number or
/// is outside `0..n_samples`, a result cell that is neither empty nor a finite number (a claim's
/// `holds` cell: 0 or 1). The message names the line and the column.
pub fn read(text: &str, header: &str, n_samples: u64) -> Result<Existing, String> {
    let names = split(header);
    let n_cols = names.len();
    // Results are the trailing columns; parameters (numbers or choices) come before them.
    let first_result = n_cols
        - names
            .iter()
            .rev()
            .take_while(|c| is_result_column(c))
            .count();
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
    let mut line_no = 1;
    while let Some(len) = text[pos..].find('\n') {
        line_no += 1;
        let line = &text[pos..pos + len];
        let shown: String = line.chars().take(120).collect();
        let fields = split(line);
        if fields.len() != n_cols {
            return Err(format!(
                "line {line_no} `{shown}` has {} cells, not the {n_cols} of this sweep's rows",
                fields.len()
            ));
        }
        let id = fields[0].parse::<u64>().map_err(|_| {
            format!(
                "line {line_no}: sample id `{}` is not a whole number",
                fields[0].chars().take(40).collect::<String>()
            )
        })?;
        if id >= n_samples {
            return Err(format!(
                "line {line_no}: sample {id} is outside this sweep's samples 0..{n_samples}"
            ));
        }
        for (k, cell) in fields.iter().enumerate().skip(first_result) {
            if cell.is_empty() {
                continue;
            }
            let ok = if names[k].ends_with(".holds") {
                cell == "0" || cell == "1"
            } else {
                cell.parse::<f64>().is_ok_and(f64::is_finite)
            };
            if !ok {
                return Err(format!(
                    "line {line_no}, column `{}`: `{}` is not {}",
                    names[k],
                    cell.chars().take(40).collect::<String>(),
                    if names[k].ends_with(".holds") {
                        "0 or 1"
                    } else {
                        "a finite number"
                    }
                ));
            }
        }
        out.rows.entry(id).or_insert_with(|| line.to_string());
        pos += len + 1;
        out.valid_len = pos;
    }
    Ok(out)
}

/// Refuse to read or write through a symbolic link at `path` (a planted link would make a
/// sweep append to, or a merge read, a file elsewhere).
///
/// # Errors
/// A message naming the path when it is a symbolic link.
pub fn refuse_symlink(path: &std::path::Path) -> Result<(), String> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(format!(
            "{} is a symbolic link; parkenergy reads and writes its sweep files only as regular files: replace it with the file itself",
            path.display()
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each file of `tests/data/bad_sweep_rows/` is a `sweep.csv` of a 40-sample sweep whose
    /// last line is not a row of it; its first line says what the refusal must say. Without
    /// that line the same file is read whole.
    #[test]
    fn every_foreign_row_of_the_corpus_is_refused_with_its_reason() {
        let header = "sample,pv.capex_yuan_per_w,pv.bill_yuan,pv.saving_fraction,claim.cost_reduction_fraction.holds,claim.cost_reduction_fraction.simulated";
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad_sweep_rows");
        let mut n = 0;
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap();
            let (first, body) = text.split_once('\n').unwrap();
            let expect = first.strip_prefix("# expect-text: ").unwrap();
            let err = read(body, header, 40).unwrap_err();
            assert!(err.contains(expect), "{p:?}: {err}");
            let lines: Vec<&str> = body.lines().collect();
            if lines[0] == header {
                let good = lines[..lines.len() - 1].join("\n") + "\n";
                assert_eq!(read(&good, header, 40).unwrap().rows.len(), 2, "{p:?}");
            }
            n += 1;
        }
        assert!(n >= 11, "{n} files");
    }

    #[test]
    fn torn_last_line_is_ignored_and_duplicates_kept_once() {
        let h = "sample,a";
        let text = "sample,a\n1,0.5\n0,0.25\n1,0.5\n2,0.";
        let e = read(text, h, 10).unwrap();
        assert_eq!(e.rows.keys().copied().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(e.valid_len, text.len() - 4);
    }

    #[test]
    fn another_header_is_refused() {
        assert!(read("sample,b\n", "sample,a", 10).is_err());
        assert_eq!(read("samp", "sample,a", 10).unwrap(), Existing::default());
    }

    #[test]
    fn rows_outside_the_sweep_or_with_bad_cells_are_refused() {
        let h = "sample,pv.capex_yuan_per_w,market.mode,pv.bill_yuan,pv.saving_fraction,claim.x.holds,claim.x.simulated";
        let good = format!("{h}\n0,2.8,retail,100.5,0.1,1,0.12\n1,2.9,agency,,,,\n");
        assert_eq!(read(&good, h, 2).unwrap().rows.len(), 2);
        for (row, want) in [
            (
                "999,2.8,retail,1,0.1,1,0.1",
                "sample 999 is outside this sweep's samples 0..2",
            ),
            (
                "x1,2.8,retail,1,0.1,1,0.1",
                "sample id `x1` is not a whole number",
            ),
            (
                "0,2.8,retail,abc,0.1,1,0.1",
                "column `pv.bill_yuan`: `abc` is not a finite number",
            ),
            (
                "0,2.8,retail,1,NaN,1,0.1",
                "column `pv.saving_fraction`: `NaN`",
            ),
            (
                "0,2.8,retail,1,0.1,yes,0.1",
                "column `claim.x.holds`: `yes` is not 0 or 1",
            ),
            ("0,2.8,retail,1,0.1,1", "has 6 cells, not the 7"),
        ] {
            let e = read(&format!("{h}\n{row}\n"), h, 2).unwrap_err();
            assert!(e.contains(want) && e.contains("line 2"), "{row}: {e}");
        }
        // Parameter cells may be words (choice parameters).
        assert!(read(&format!("{h}\n0,2.8,none,1,0.1,0,0.1\n"), h, 2).is_ok());
    }

    #[test]
    fn symbolic_links_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.csv");
        std::fs::write(&target, "x").unwrap();
        let link = dir.path().join("sweep.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(refuse_symlink(&link).unwrap_err().contains("symbolic link"));
        assert!(refuse_symlink(&target).is_ok());
        assert!(refuse_symlink(&dir.path().join("absent")).is_ok());
    }

    #[test]
    fn split_handles_quotes() {
        assert_eq!(split("1,\"a,b\",\"c\"\"d\""), vec!["1", "a,b", "c\"d"]);
    }
}
