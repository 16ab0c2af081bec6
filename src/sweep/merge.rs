//! Shards joined into one sweep: every shard must come from the same scenario and sweep
//! settings (the `sweep_hash` of its `sweep.json`), be complete, and every sample must be
//! present exactly once across them.

use super::{SweepError, io, rows, write_meta};
use crate::report::write_atomic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a merge did.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeReport {
    /// The shard folders joined.
    pub shards: Vec<PathBuf>,
    /// Samples in the merged sweep.
    pub samples: u64,
}

/// The shard folders named: a folder with a `sweep.json`, or a folder whose `shard-*`
/// subfolders hold them.
fn expand(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, SweepError> {
    let mut out = Vec::new();
    for d in dirs {
        if d.join("sweep.json").is_file() {
            out.push(d.clone());
            continue;
        }
        let mut subs: Vec<PathBuf> = std::fs::read_dir(d)
            .map_err(|e| SweepError::Outputs(format!("{}: {e}", d.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("shard-"))
                    && p.join("sweep.json").is_file()
            })
            .collect();
        if subs.is_empty() {
            return Err(SweepError::Outputs(format!(
                "{}: not a sweep shard (no sweep.json) and holds no shard-* folder",
                d.display()
            )));
        }
        subs.sort();
        out.extend(subs);
    }
    Ok(out)
}

fn read_meta(dir: &Path) -> Result<serde_json::Value, SweepError> {
    let p = dir.join("sweep.json");
    let text = std::fs::read_to_string(&p)
        .map_err(|e| SweepError::Outputs(format!("{}: {e}", p.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| SweepError::Outputs(format!("{}: not a sweep's metadata: {e}", p.display())))
}

/// Join shard outputs into `out`: `sweep.csv` (each sample once, in order), `sweep.json`,
/// `sweep-summary.json` and the chart data.
///
/// # Errors
/// [`SweepError::Outputs`] when shards differ in scenario or settings, one is unfinished, or a
/// sample is missing or present twice; [`SweepError::Io`] when writing fails.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<MergeReport, SweepError> {
    let shards = expand(dirs)?;
    let mut first: Option<(PathBuf, serde_json::Value, String)> = None;
    let mut rows_by_sample: BTreeMap<u64, (String, usize)> = BTreeMap::new();
    for (si, dir) in shards.iter().enumerate() {
        let meta = read_meta(dir)?;
        let csv_path = dir.join("sweep.csv");
        for p in [&csv_path, &dir.join("sweep.json")] {
            rows::refuse_symlink(p).map_err(SweepError::Outputs)?;
        }
        let text = std::fs::read_to_string(&csv_path)
            .map_err(|e| SweepError::Outputs(format!("{}: {e}", csv_path.display())))?;
        let header = text.lines().next().unwrap_or("").to_string();
        if let Some((d0, m0, h0)) = &first {
            for k in ["sweep_hash", "samples"] {
                if meta.get(k) != m0.get(k) {
                    return Err(SweepError::Outputs(format!(
                        "{} and {} come from different scenarios or sweep settings (`{k}` {} vs {}); merge only shards of one sweep",
                        d0.display(),
                        dir.display(),
                        m0.get(k).map_or("missing".into(), ToString::to_string),
                        meta.get(k).map_or("missing".into(), ToString::to_string),
                    )));
                }
            }
            if &header != h0 {
                return Err(SweepError::Outputs(format!(
                    "{}: its columns differ from {}'s",
                    csv_path.display(),
                    d0.display()
                )));
            }
        }
        if meta.get("complete") != Some(&serde_json::Value::Bool(true)) {
            return Err(SweepError::Outputs(format!(
                "{}: shard {} is not finished; finish it with `parkenergy sweep ... --resume` (same --shard and --out)",
                dir.display(),
                meta.get("shard").map_or("?".into(), ToString::to_string)
            )));
        }
        let n_samples = meta
            .get("samples")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        let existing = rows::read(&text, &header, n_samples)
            .map_err(|m| SweepError::Outputs(format!("{}: {m}", csv_path.display())))?;
        if existing.valid_len != text.len() {
            return Err(SweepError::Outputs(format!(
                "{}: ends in a torn line",
                csv_path.display()
            )));
        }
        let n_lines = text.lines().skip(1).filter(|l| !l.is_empty()).count();
        if n_lines != existing.rows.len() {
            return Err(SweepError::Outputs(format!(
                "{}: a sample appears twice",
                csv_path.display()
            )));
        }
        for (id, line) in existing.rows {
            if let Some((_, other)) = rows_by_sample.insert(id, (line, si)) {
                return Err(SweepError::Outputs(format!(
                    "sample {id} is in both {} and {}; merge each shard once",
                    shards[other].display(),
                    dir.display()
                )));
            }
        }
        if first.is_none() {
            first = Some((dir.clone(), meta, header));
        }
    }
    let Some((_, meta, header)) = first else {
        return Err(SweepError::Outputs("no shard given".into()));
    };
    let n = meta
        .get("samples")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    let missing: Vec<u64> = (0..n).filter(|i| !rows_by_sample.contains_key(i)).collect();
    if !missing.is_empty() || rows_by_sample.len() as u64 != n {
        let shown: Vec<String> = missing.iter().take(10).map(ToString::to_string).collect();
        return Err(SweepError::Outputs(format!(
            "{} of {n} samples are missing (e.g. {}): a shard was not given or not run",
            missing.len(),
            shown.join(", ")
        )));
    }
    let mut text = String::new();
    text.push_str(&header);
    text.push('\n');
    for (line, _) in rows_by_sample.values() {
        text.push_str(line);
        text.push('\n');
    }
    let csv = out.join("sweep.csv");
    write_atomic(&csv, text.as_bytes()).map_err(io(&csv))?;
    let mut meta = meta;
    meta["shard"] = serde_json::json!({ "index": 0, "count": 1 });
    meta["merged_from"] = serde_json::json!(
        shards
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
    );
    super::write_summary(out, &text, &meta)?;
    write_meta(&out.join("sweep.json"), &meta)?;
    Ok(MergeReport { shards, samples: n })
}
