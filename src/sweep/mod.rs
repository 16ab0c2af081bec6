//! Sweeps: a parameter space over scenario keys (grid, Monte Carlo, Latin hypercube,
//! one-at-a-time), run as many park simulations in parallel, with rows streamed to disk as
//! samples finish, resumable after an interruption and splittable into shards.
//!
//! - [`space`]: the method-specific checks and the values of every sample.
//! - [`apply`]: a sample's values written into the scenario text and loaded, so every rule of
//!   the format applies to every sample.
//! - [`rows`]: the columns of `sweep.csv`, reading back a file with a torn last line.
//! - [`shard`]: `--shard K/N`, or the shard of a Slurm job array or Kubernetes indexed job.
//! - [`summary`]: the data of the sweep's charts (distribution, PV savings, tornado, heat map).
//! - [`sensitivity`]: global sensitivity of a random sweep (SRC, PRCC, bootstrap intervals).
//! - [`merge`]: shards joined into one sweep.
//! - [`solve`]: break-even values of a key for a claim (bracketing, Brent's method).
//!
//! Determinism: sample `i`'s parameter values are drawn from `seed::derive(scenario seed,
//! [SWEEP, 2, i])`; inside a sample, every enterprise keeps the seeds of the scenario
//! (`(scenario seed, enterprise index)`: common random numbers, so that differences between
//! samples come from the parameters, not from noise, and loads can be reused). A row depends
//! only on its sample, so `sweep.csv` is byte-identical for any thread count and any sharding.
//!
//! Knows nothing of plotting or the terminal: progress goes through a callback.

pub mod apply;
pub mod merge;
pub mod rows;
pub mod sensitivity;
pub mod shard;
pub mod sobol;
pub mod solve;
pub mod space;
pub mod summary;
pub mod value;

pub use shard::Shard;
pub use space::{Method, Space};
pub use value::SweepValue;

use crate::park::{self, Cache, RunOptions, SimError};
use crate::report::write_atomic;
use crate::scenario::{self, Plan, ScenarioError, SourceText};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Version of the shard metadata layout (`sweep.json`).
pub const FORMAT_VERSION: u32 = 1;

/// Errors of a sweep.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The scenario or its `[sweep]` is wrong (names file, line and key).
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    /// A sample's scenario is wrong or cannot be simulated (a cross-field rule broken by the
    /// sampled values, an unusable input).
    #[error("sample {sample} ({values}): {message}")]
    Sample {
        /// Sample index.
        sample: u64,
        /// Its parameter values, `key = value` pairs.
        values: String,
        /// What is wrong.
        message: String,
    },
    /// Existing outputs do not belong to this sweep (resume, merge) or are incomplete.
    #[error("{0}")]
    Outputs(String),
    /// Writing or reading an output failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

impl SweepError {
    /// Whether the user's input is at fault (exit 2) rather than the program or the system.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            SweepError::Scenario(_) | SweepError::Sample { .. } | SweepError::Outputs(_)
        )
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> SweepError + '_ {
    move |e| {
        if crate::report::is_user_fixable(e.kind()) {
            SweepError::Outputs(format!(
                "{}: {e}; choose another --out folder, or check its permissions and the free disk space",
                path.display()
            ))
        } else {
            SweepError::Io {
                path: path.to_path_buf(),
                message: e.to_string(),
            }
        }
    }
}

/// A sweep ready to run: the base scenario, its space, and the columns of its rows.
#[derive(Debug)]
pub struct Sweep {
    /// The base plan (the scenario as written).
    pub plan: Plan,
    text: String,
    /// The parameter space.
    pub space: Space,
    /// Parameter keys, in column order.
    pub keys: Vec<String>,
    base_values: Vec<String>,
    /// The header of `sweep.csv`.
    pub header: String,
    /// Fingerprint of the scenario text and the sweep settings (the sample count included):
    /// shards and resumed runs must share it.
    pub hash: u64,
}

/// What a sweep run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// Samples of this shard.
    pub shard_samples: u64,
    /// Samples found finished in an earlier run (resume).
    pub reused: u64,
    /// Samples simulated now.
    pub simulated: u64,
    /// Loads and PV outputs taken from the cache / computed.
    pub cache: park::CacheStats,
    /// The written `sweep.csv`.
    pub csv: PathBuf,
}

impl Sweep {
    /// Load a scenario with a `[sweep]` and check the sweep. `samples` overrides the sample
    /// count of a Monte Carlo or Latin hypercube sweep.
    ///
    /// # Errors
    /// [`SweepError::Scenario`] naming file, line and key.
    pub fn load(path: &Path, samples: Option<u32>) -> Result<Sweep, SweepError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            SweepError::Scenario(ScenarioError {
                location: Box::new(scenario::Location {
                    file: path.to_path_buf(),
                    ..Default::default()
                }),
                kind: scenario::ScenarioErrorKind::Io(e.to_string()),
            })
        })?;
        Self::from_text(&text, path, samples)
    }

    /// As [`Sweep::load`], from scenario text read from `path`.
    ///
    /// # Errors
    /// [`SweepError::Scenario`] naming file, line and key.
    pub fn from_text(text: &str, path: &Path, samples: Option<u32>) -> Result<Sweep, SweepError> {
        let plan = scenario::load_str(text, path)?;
        let src = SourceText::new(path.to_path_buf(), text.to_string());
        let space = Space::new(&plan, &src, samples)?;
        let keys: Vec<String> = space.parameters.iter().map(|p| p.key.clone()).collect();
        let base_values = keys.iter().map(|k| apply::base_value(text, k)).collect();
        let header = rows::header(&plan, &keys);
        let hash = scenario::fnv1a(
            format!(
                "v{FORMAT_VERSION}|{:x}|{:?}|{}|{:?}|{}",
                plan.text_hash, space.method, space.n_samples, space.parameters, header
            )
            .as_bytes(),
        );
        let sweep = Sweep {
            plan,
            text: text.to_string(),
            space,
            keys,
            base_values,
            header,
            hash,
        };
        // Every value of a grid or one-at-a-time sweep, one parameter at a time, must load:
        // a cross-field rule broken by a value is reported before anything runs.
        sweep.check_finite_values()?;
        Ok(sweep)
    }

    fn check_finite_values(&self) -> Result<(), SweepError> {
        let n = self.keys.len();
        for (j, p) in self.space.parameters.iter().enumerate() {
            let vals: Vec<SweepValue> = match &p.axis {
                space::Axis::Values(v) => v.clone(),
                space::Axis::LowHigh(a, b) => vec![a.clone(), b.clone()],
                space::Axis::Random(_) => continue,
            };
            for v in vals {
                let mut values = vec![None; n];
                values[j] = Some(v);
                self.plan_of(None, &values)?;
            }
        }
        Ok(())
    }

    /// The plan of a sample with these values (`sample`: `None` in the checks before a run).
    /// A rule of the scenario broken by the values is reported at the sweep parameter that
    /// set them (the one whose key the rule names, else the first one set).
    fn plan_of(
        &self,
        sample: Option<u64>,
        values: &[Option<SweepValue>],
    ) -> Result<Plan, SweepError> {
        let (keys, values_all);
        let (keys, values_all): (&[String], &[Option<SweepValue>]) =
            match self.plan.sweep.storage_dispatch {
                Some(d) => {
                    keys = [self.keys.clone(), vec!["storage.dispatch".to_string()]].concat();
                    values_all = [
                        values.to_vec(),
                        vec![Some(SweepValue::Str(d.name().into()))],
                    ]
                    .concat();
                    (&keys, &values_all)
                }
                None => (&self.keys, values),
            };
        apply::sample_plan(&self.text, &self.plan.file, keys, values_all).map_err(|e| {
            let (inner_key, message) = match e {
                Ok(se) => (se.key().map(String::from), se.kind.to_string()),
                Err(m) => (None, m),
            };
            let j = self
                .keys
                .iter()
                .zip(values)
                .position(|(k, v)| v.is_some() && inner_key.as_deref() == Some(k.as_str()))
                .or_else(|| values.iter().position(Option::is_some))
                .unwrap_or(0);
            let leaf = match (&self.space.parameters[j].axis, &values[j]) {
                (space::Axis::Values(_), _)
                | (space::Axis::Random(space::Distribution::Discrete(_)), _) => "values",
                (space::Axis::LowHigh(lo, _), Some(v)) if v == lo => "low",
                (space::Axis::LowHigh(..), _) => "high",
                (space::Axis::Random(_), _) => "distribution",
            };
            let key = format!("sweep.parameter[{j}].{leaf}");
            let src = SourceText::new(self.plan.file.clone(), self.text.clone());
            let offset = toml_edit::ImDocument::parse(self.text.clone())
                .ok()
                .and_then(|d| scenario::resolve::span_of(d.as_table(), &key));
            let what = match sample {
                Some(i) => format!("sample {i} ({})", self.describe(values)),
                None => self.describe(values),
            };
            SweepError::Scenario(src.error(
                offset,
                scenario::ScenarioErrorKind::Rule {
                    key,
                    message: format!("{what} breaks a rule of the scenario: {message}"),
                },
            ))
        })
    }

    /// `key = value` pairs of a sample, for messages.
    pub fn describe(&self, values: &[Option<SweepValue>]) -> String {
        let v: Vec<String> = self
            .keys
            .iter()
            .zip(values)
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("`{k}` = {v}")))
            .collect();
        if v.is_empty() {
            "the scenario as written".into()
        } else {
            v.join(", ")
        }
    }

    /// Simulate one sample and format its row.
    ///
    /// # Errors
    /// [`SweepError::Sample`] when the sample's scenario is wrong, [`SweepError::Internal`] for
    /// a bug of the park model.
    pub fn row(&self, sample: u64, cache: &Cache) -> Result<String, SweepError> {
        let values = self.space.values(sample);
        let plan = self.plan_of(Some(sample), &values)?;
        let r = park::run_cached(&plan, &RunOptions::default(), cache).map_err(|e| match e {
            SimError::Internal(m) => SweepError::Internal(format!("sample {sample}: {m}")),
            other => SweepError::Sample {
                sample,
                values: self.describe(&values),
                message: other.to_string(),
            },
        })?;
        Ok(rows::row(sample, &values, &self.base_values, &plan, &r))
    }

    /// The base case: the scenario as written, run with the sweep's settings and, when those
    /// differ from the scenario's (`sweep.storage_dispatch`), with the scenario's own, and how
    /// much the difference moves each claim at this point. For `sweep.json`.
    ///
    /// # Errors
    /// As [`Sweep::row`].
    pub fn base_case(&self, cache: &Cache) -> Result<serde_json::Value, SweepError> {
        let n = self.keys.len();
        let sim = |plan: &Plan| {
            park::run_cached(plan, &RunOptions::default(), cache).map_err(|e| match e {
                SimError::Internal(m) => SweepError::Internal(format!("base case: {m}")),
                other => SweepError::Sample {
                    sample: 0,
                    values: "the scenario as written".into(),
                    message: other.to_string(),
                },
            })
        };
        let claims = |r: &park::ParkResult| {
            let mut m = serde_json::Map::new();
            for c in &r.claims {
                m.insert(
                    c.key.to_string(),
                    serde_json::json!({ "simulated": c.simulated, "holds": c.holds }),
                );
            }
            serde_json::Value::Object(m)
        };
        let at_sweep = sim(&self.plan_of(None, &vec![None; n])?)?;
        let mut v = serde_json::json!({
            "parameters": self.keys.iter().zip(&self.base_values)
                .map(|(k, b)| (k.clone(), serde_json::Value::String(b.clone())))
                .collect::<serde_json::Map<_, _>>(),
        });
        match self.plan.sweep.storage_dispatch {
            Some(d) if d != self.plan.storage.dispatch => {
                let as_written = sim(&self.plan)?;
                v["claims"] = claims(&as_written);
                v["claims_with_sweep_settings"] = claims(&at_sweep);
                v["settings_differ"] = serde_json::json!([{
                    "key": "storage.dispatch",
                    "scenario": self.plan.storage.dispatch.name(),
                    "sweep": d.name(),
                }]);
                let mut moved = serde_json::Map::new();
                for c in &at_sweep.claims {
                    if let Some(w) = as_written.claims.iter().find(|w| w.key == c.key) {
                        moved.insert(
                            c.key.to_string(),
                            serde_json::json!(c.simulated - w.simulated),
                        );
                    }
                }
                v["sweep_settings_minus_scenario"] = serde_json::Value::Object(moved);
            }
            _ => {
                v["claims"] = claims(&at_sweep);
                v["settings_differ"] = serde_json::json!([]);
            }
        }
        Ok(v)
    }

    /// The break-even values of `[[sweep.breakeven]]`, each found as `parkenergy solve` does on
    /// the scenario as written (its own settings, not `sweep.storage_dispatch`), to 1e-3 of the
    /// key's unit, with the sweep's cache.
    ///
    /// # Errors
    /// [`SweepError::Sample`] naming the entry when a run fails.
    pub fn breakevens(&self, cache: &Cache) -> Result<Vec<solve::Breakeven>, SweepError> {
        self.plan
            .sweep
            .breakevens
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let search = solve::Search {
                    claim: &b.claim,
                    key: &b.key,
                    range: Some((b.min, b.max)),
                    xtol: 1e-3,
                };
                solve::breakeven(&self.text, &self.plan.file, &search, cache).map_err(|message| {
                    SweepError::Sample {
                        sample: 0,
                        values: format!("sweep.breakeven[{i}]"),
                        message,
                    }
                })
            })
            .collect()
    }

    /// The metadata of a shard's output (`sweep.json`).
    pub fn metadata(&self, shard: Shard, complete: bool) -> serde_json::Value {
        serde_json::json!({
            "format": FORMAT_VERSION,
            "scenario": self.plan.name,
            "scenario_file": self.plan.file.display().to_string(),
            "scenario_hash": format!("{:016x}", self.plan.text_hash),
            "seed": self.plan.seed,
            "sweep_hash": format!("{:016x}", self.hash),
            "method": self.plan.sweep.method,
            "samples": self.space.n_samples,
            "parameters": self.keys,
            "correlations": self.space.correlations.iter().map(|&(j, k, r)| serde_json::json!({
                "first": self.keys[j], "second": self.keys[k], "rank_correlation": r,
            })).collect::<Vec<_>>(),
            "shard": { "index": shard.index, "count": shard.count },
            "complete": complete,
            "claims": {
                "cost_reduction_fraction": self.plan.claims.cost_reduction_fraction,
                "pv_saving_yuan_per_year": self.plan.claims.pv_saving_yuan_per_year,
            },
        })
    }

    /// Run this shard's samples into `dir`: `sweep.json` (metadata) first, then `sweep.csv`
    /// gaining one whole, flushed line per finished sample, rewritten in sample order when all
    /// are done. With `resume`, samples already in `sweep.csv` are kept and only the missing
    /// ones run (a torn last line is dropped). `progress(done, total)` is called after each
    /// sample.
    ///
    /// # Errors
    /// [`SweepError::Outputs`] when resuming over another sweep's output, [`SweepError::Io`]
    /// when writing fails, a sample's error otherwise (the rows written so far stay).
    pub fn run(
        &self,
        dir: &Path,
        shard: Shard,
        resume: bool,
        cache: &Cache,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<RunReport, SweepError> {
        let csv = dir.join("sweep.csv");
        let meta = dir.join("sweep.json");
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        for p in [&csv, &meta] {
            rows::refuse_symlink(p).map_err(SweepError::Outputs)?;
        }
        let mut done = rows::Existing::default();
        if resume && csv.exists() {
            self.check_meta(&meta, shard)?;
            let text = std::fs::read_to_string(&csv).map_err(io(&csv))?;
            done = rows::read(&text, &self.header, self.space.n_samples).map_err(|m| {
                SweepError::Outputs(format!(
                    "{}: {m}; it was not written by this sweep: run without --resume to start over",
                    csv.display()
                ))
            })?;
            done.rows
                .retain(|&i, _| shard.contains(i) && i < self.space.n_samples);
            if done.valid_len == 0 {
                write_atomic(&csv, format!("{}\n", self.header).as_bytes()).map_err(io(&csv))?;
            } else {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&csv)
                    .map_err(io(&csv))?;
                f.set_len(done.valid_len as u64).map_err(io(&csv))?;
                f.sync_data().map_err(io(&csv))?;
            }
        } else {
            write_meta(&meta, &self.metadata(shard, false))?;
            write_atomic(&csv, format!("{}\n", self.header).as_bytes()).map_err(io(&csv))?;
        }
        let todo: Vec<u64> = shard
            .samples(self.space.n_samples)
            .filter(|i| !done.rows.contains_key(i))
            .collect();
        let total = shard.samples(self.space.n_samples).count() as u64;
        let reused = total - todo.len() as u64;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(&csv)
            .map_err(io(&csv))?;
        let file = Mutex::new(file);
        let finished = AtomicU64::new(reused);
        progress(reused, total);
        todo.par_iter()
            .try_for_each(|&i| -> Result<(), SweepError> {
                let line = format!("{}\n", self.row(i, cache)?);
                {
                    let mut f = file.lock().unwrap_or_else(|p| p.into_inner());
                    f.write_all(line.as_bytes()).map_err(io(&csv))?;
                    f.sync_data().map_err(io(&csv))?;
                }
                progress(finished.fetch_add(1, Ordering::Relaxed) + 1, total);
                Ok(())
            })?;
        drop(file);
        let text = self.finish(&csv, shard)?;
        let mut m = self.metadata(shard, true);
        m["base_case"] = self.base_case(cache)?;
        if shard.count == 1 {
            write_summary(dir, &text, &m)?;
        }
        if shard.index == 0 && !self.plan.sweep.breakevens.is_empty() {
            let found: Vec<serde_json::Value> = self
                .breakevens(cache)?
                .iter()
                .map(solve::Breakeven::to_json)
                .collect();
            let p = dir.join("breakeven.json");
            let text = serde_json::to_string_pretty(&found)
                .map_err(|e| SweepError::Internal(e.to_string()))?;
            write_atomic(&p, format!("{text}\n").as_bytes()).map_err(io(&p))?;
        }
        write_meta(&meta, &m)?;
        Ok(RunReport {
            shard_samples: total,
            reused,
            simulated: todo.len() as u64,
            cache: cache.stats(),
            csv,
        })
    }

    fn check_meta(&self, meta: &Path, shard: Shard) -> Result<(), SweepError> {
        let Ok(text) = std::fs::read_to_string(meta) else {
            // No metadata: the run died before writing it; nothing in sweep.csv either.
            return write_meta(meta, &self.metadata(shard, false));
        };
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            SweepError::Outputs(format!("{}: not a sweep's metadata: {e}", meta.display()))
        })?;
        let want = self.metadata(shard, false);
        for k in ["sweep_hash", "shard"] {
            if v.get(k) != want.get(k) {
                return Err(SweepError::Outputs(format!(
                    "{}: `{k}` is {}, this sweep's is {}: the output belongs to another scenario, sweep setting or shard; run without --resume or choose another --out",
                    meta.display(),
                    v.get(k).map_or("missing".into(), ToString::to_string),
                    want.get(k).map_or(String::new(), ToString::to_string),
                )));
            }
        }
        Ok(())
    }

    /// Rewrite `sweep.csv` in sample order with each sample once, after checking they are all
    /// there.
    fn finish(&self, csv: &Path, shard: Shard) -> Result<String, SweepError> {
        let text = std::fs::read_to_string(csv).map_err(io(csv))?;
        let done =
            rows::read(&text, &self.header, self.space.n_samples).map_err(SweepError::Internal)?;
        let missing: Vec<u64> = shard
            .samples(self.space.n_samples)
            .filter(|i| !done.rows.contains_key(i))
            .take(5)
            .collect();
        if !missing.is_empty() {
            return Err(SweepError::Internal(format!(
                "samples {missing:?} finished but are not in {}",
                csv.display()
            )));
        }
        let mut out = String::with_capacity(text.len());
        out.push_str(&self.header);
        out.push('\n');
        for line in done.rows.values() {
            out.push_str(line);
            out.push('\n');
        }
        write_atomic(csv, out.as_bytes()).map_err(io(csv))?;
        Ok(out)
    }
}

/// Write a metadata file atomically.
pub(crate) fn write_meta(path: &Path, v: &serde_json::Value) -> Result<(), SweepError> {
    let text = serde_json::to_string_pretty(v).map_err(|e| SweepError::Internal(e.to_string()))?;
    write_atomic(path, format!("{text}\n").as_bytes()).map_err(io(path))
}

/// The method recorded in a sweep's `sweep.json` (`None` when absent or not a method).
pub fn sweep_method_of(meta: &serde_json::Value) -> Option<crate::scenario::choice::SweepMethod> {
    meta.get("method")
        .and_then(|m| serde_json::from_value(m.clone()).ok())
}

/// Write the summary (`sweep-summary.json`) and the chart data (`charts/*.csv`) of a finished
/// sweep from its `sweep.csv` text and metadata.
///
/// # Errors
/// [`SweepError::Io`] when a file cannot be written.
pub fn write_summary(
    dir: &Path,
    csv_text: &str,
    meta: &serde_json::Value,
) -> Result<(), SweepError> {
    let t = summary::Table::parse(csv_text);
    let claimed: std::collections::BTreeMap<String, f64> = meta
        .get("claims")
        .and_then(serde_json::Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_f64().map(|x| (k.clone(), x)))
                .collect()
        })
        .unwrap_or_default();
    let keys: Vec<String> = meta
        .get("parameters")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let method = sweep_method_of(meta);
    for (name, text) in summary::chart_files(&t, method, &keys, &claimed) {
        let p = dir.join(name);
        write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
    }
    let seed = meta
        .get("seed")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    let sens = if matches!(method, Some(Method::MonteCarlo | Method::LatinHypercube)) {
        summary::sensitivity(&t, &keys, seed)
    } else {
        Vec::new()
    };
    let sobol = if method == Some(Method::Sobol) {
        summary::sobol(&t, &keys, seed)
    } else {
        Vec::new()
    };
    // Each index file is written when its method gave indices, and removed otherwise (a
    // folder reused by another sweep keeps no stale file).
    for (name, text) in [
        (
            "sensitivity.csv",
            (!sens.is_empty()).then(|| summary::sensitivity_csv(&sens)),
        ),
        (
            "sobol.csv",
            (!sobol.is_empty()).then(|| summary::sobol_csv(&sobol)),
        ),
    ] {
        let p = dir.join(name);
        match text {
            Some(text) => write_atomic(&p, text.as_bytes()).map_err(io(&p))?,
            None if p.exists() => std::fs::remove_file(&p).map_err(io(&p))?,
            None => {}
        }
    }
    let p = dir.join("sweep-summary.json");
    write_atomic(
        &p,
        summary::summary_json(&t, &claimed, meta, &sens, &sobol).as_bytes(),
    )
    .map_err(io(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-at-a-time sweep touching market prices, PV money, load growth and a group's size:
    /// every sample run with one shared cache gives exactly the results of a fresh run.
    #[test]
    fn cached_runs_equal_fresh_runs_across_samples() {
        let text = r#"
[scenario]
name = "cache-check"
seed = 3
[pv]
ownership = "emc"
[strategies]
list = ["baseline", "tariff", "market", "pv", "tariff+market+pv"]
[claims]
cost_reduction_strategy = "tariff+market+pv"
pv_saving_strategy = "pv"
[[enterprise_group]]
name = "g"
count = 2
archetype = "general_manufacturing"
annual_kwh_median = 1500000.0
roof_m2_per_mwh = 5.0
[sweep]
method = "one_at_a_time"
[[sweep.parameter]]
key = "market.wholesale_discount_fraction"
low = 0.0
high = 0.08
[[sweep.parameter]]
key = "pv.emc_discount_fraction"
low = 0.1
high = 0.2
[[sweep.parameter]]
key = "scenario.load_growth_fraction"
low = 0.0
high = 0.1
[[sweep.parameter]]
key = "enterprise_group[0].count"
low = 1
high = 3
"#;
        let sw = Sweep::from_text(text, Path::new("cache-check.toml"), None).unwrap();
        assert_eq!(sw.space.n_samples, 9);
        let cache = Cache::default();
        let opts = RunOptions::default();
        // Samples 1, 2 (market), 0 (base again, all from the cache), 5, 6 (loads), 3, 7.
        for i in [1, 2, 0, 5, 6, 3, 7] {
            let plan = sw.plan_of(Some(i), &sw.space.values(i)).unwrap();
            let fresh = park::run(&plan, &opts).unwrap().result;
            let cached = park::run_cached(&plan, &opts, &cache).unwrap();
            assert_eq!(fresh, cached, "sample {i}");
        }
        assert!(cache.stats().hits > 0);
    }

    /// Capital costs reach only the lifetime money: with fixed battery sizes, samples that
    /// change the PV and storage capex compute no stage again (every load, PV output, flow
    /// and enterprise × strategy year, optimal dispatch included, comes from the cache), and
    /// their results equal fresh runs'.
    #[test]
    fn capex_samples_compute_no_stage_again() {
        let text = r#"
[scenario]
name = "capex-reuse"
seed = 5
[pv]
ownership = "emc"
[storage]
dispatch = "optimal"
sizing = "fixed"
[strategies]
list = ["baseline", "pv", "storage", "tariff+market+pv+storage"]
[claims]
cost_reduction_strategy = "tariff+market+pv+storage"
pv_saving_strategy = "pv"
[[enterprise_group]]
name = "g"
count = 2
archetype = "general_manufacturing"
annual_kwh_median = 1500000.0
roof_m2_per_mwh = 5.0
[sweep]
method = "one_at_a_time"
[[sweep.parameter]]
key = "storage.capex_yuan_per_kwh"
low = 500.0
high = 900.0
[[sweep.parameter]]
key = "pv.capex_yuan_per_w"
low = 2.2
high = 3.4
"#;
        let sw = Sweep::from_text(text, Path::new("capex-reuse.toml"), None).unwrap();
        let cache = Cache::default();
        let opts = RunOptions::default();
        park::run_cached(
            &sw.plan_of(Some(0), &sw.space.values(0)).unwrap(),
            &opts,
            &cache,
        )
        .unwrap();
        let misses = cache.stats().misses;
        for i in 1..5 {
            let plan = sw.plan_of(Some(i), &sw.space.values(i)).unwrap();
            let cached = park::run_cached(&plan, &opts, &cache).unwrap();
            assert_eq!(cache.stats().misses, misses, "sample {i} computed a stage");
            let fresh = park::run(&plan, &opts).unwrap().result;
            assert_eq!(fresh, cached, "sample {i}");
        }
    }

    /// `[[sweep.breakeven]]`: the EMC discount at which the PV claim holds, found as `solve`
    /// does; a key that is not a number is refused at its line.
    #[test]
    fn sweep_breakeven_entries_are_solved_and_checked() {
        let text = "[scenario]\nname = \"be\"\n[pv]\nownership = \"emc\"\n[strategies]\nlist = [\"baseline\", \"pv\"]\n[claims]\npv_saving_strategy = \"pv\"\npv_saving_yuan_per_year = 20000.0\ncost_reduction_strategy = \"pv\"\n[[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\nannual_kwh = 1e6\ntransformer_kva = 800\nroof_area_m2 = 3000\n[sweep]\nmethod = \"one_at_a_time\"\n[[sweep.parameter]]\nkey = \"pv.capex_yuan_per_w\"\nlow = 2.5\nhigh = 3.0\n[[sweep.breakeven]]\nclaim = \"pv_saving_yuan_per_year\"\nkey = \"pv.emc_discount_fraction\"\nmin = 0.0\nmax = 0.6\n";
        let sw = Sweep::from_text(text, Path::new("be.toml"), None).unwrap();
        let found = sw.breakevens(&Cache::default()).unwrap();
        assert_eq!(found.len(), 1);
        let b = &found[0];
        assert!(b.runs() < 15, "{} runs", b.runs());
        if let Some(x) = b.value {
            assert!(b.bracket_width <= 1e-3 && (0.0..=0.6).contains(&x), "{b:?}");
        } else {
            assert!(
                (b.ends[0].margin > 0.0) == (b.ends[1].margin > 0.0),
                "{b:?}"
            );
        }
        let bad = text.replace(
            "key = \"pv.emc_discount_fraction\"",
            "key = \"pv.ownership\"",
        );
        let e = Sweep::from_text(&bad, Path::new("be.toml"), None).unwrap_err();
        assert!(e.to_string().contains("sweep.breakeven[0].key"), "{e}");
    }

    #[test]
    fn latin_hypercube_puts_one_draw_in_each_stratum() {
        let text = "[scenario]\nname = \"lhs\"\n[[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\nannual_kwh = 1e6\ntransformer_kva = 800\n[sweep]\nmethod = \"latin_hypercube\"\nsamples = 50\n[[sweep.parameter]]\nkey = \"pv.capex_yuan_per_w\"\ndistribution = \"uniform\"\nmin = 2.0\nmax = 3.0\n[[sweep.parameter]]\nkey = \"pv.emc_discount_fraction\"\ndistribution = \"uniform\"\nmin = 0.0\nmax = 0.5\n";
        let sw = Sweep::from_text(text, Path::new("lhs.toml"), None).unwrap();
        for (j, (lo, width)) in [(2.0, 1.0), (0.0, 0.5)].into_iter().enumerate() {
            let mut strata: Vec<usize> = (0..50)
                .map(|i| match &sw.space.values(i)[j] {
                    Some(SweepValue::Float(x)) => ((x - lo) / width * 50.0) as usize,
                    other => panic!("{other:?}"),
                })
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..50).collect::<Vec<_>>(), "parameter {j}");
        }
        // Same seed, same draws; --samples changes the design and the hash.
        let again = Sweep::from_text(text, Path::new("lhs.toml"), None).unwrap();
        assert_eq!(again.space.values(7), sw.space.values(7));
        let more = Sweep::from_text(text, Path::new("lhs.toml"), Some(60)).unwrap();
        assert_ne!(more.hash, sw.hash);
    }
}
