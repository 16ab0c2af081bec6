//! `parkenergy sweep` and `parkenergy merge`: argument handling, the shard from the command
//! line or a job array's environment, the progress line, and the printed summary.

use super::Failure;
use crate::sweep::{self, Shard, Sweep, SweepError};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

impl From<SweepError> for Failure {
    fn from(e: SweepError) -> Self {
        if e.is_bad_input() {
            Failure::BadInput(e.to_string())
        } else {
            Failure::Internal(anyhow::anyhow!(e))
        }
    }
}

/// Arguments of `parkenergy sweep`.
#[derive(Debug)]
pub struct SweepArgs {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Output folder.
    pub out: Option<PathBuf>,
    /// Sample count override.
    pub samples: Option<u32>,
    /// `--shard K/N`.
    pub shard: Option<String>,
    /// `--shard-count N` (Kubernetes indexed Jobs).
    pub shard_count: Option<u64>,
    /// Finish an interrupted sweep.
    pub resume: bool,
    /// No progress, no summary.
    pub quiet: bool,
    /// Language of chart labels.
    pub lang: crate::report::charts::Lang,
}

/// Draw the charts of a finished (unsharded or merged) sweep in `dir`.
pub(super) fn draw_charts(dir: &Path, lang: crate::report::charts::Lang) -> Result<usize, Failure> {
    use anyhow::Context;
    let csv = std::fs::read_to_string(dir.join("sweep.csv")).context("reading sweep.csv")?;
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("sweep.json")).context("reading sweep.json")?,
    )
    .context("reading sweep.json")?;
    let t = sweep::summary::Table::parse(&csv);
    let files = crate::report::sweep_charts::draw_all(&t, &meta, &dir.join("charts"), lang)
        .context("drawing the sweep's charts")?;
    let html = crate::report::html::sweep::page_html(dir, lang).context("making report.html")?;
    let target = dir.join(crate::report::html::FILE_NAME);
    crate::report::write_atomic(&target, html.as_bytes())
        .with_context(|| format!("writing {}", target.display()))?;
    Ok(files.len())
}

/// The shard of this process: `--shard`, else a job array's environment, else the whole sweep.
fn shard_of(a: &SweepArgs) -> Result<Shard, Failure> {
    if let Some(s) = &a.shard {
        return Shard::parse(s).map_err(Failure::BadInput);
    }
    let env = |k: &str| std::env::var(k).ok();
    Ok(Shard::from_env(&env, a.shard_count)
        .map_err(Failure::BadInput)?
        .unwrap_or(Shard::ALL))
}

/// Progress on stderr with rate and ETA: on a terminal an `indicatif` bar redrawn at most 10
/// times a second; otherwise (a log) a new line every [`super::progress::LOG_EVERY_SECS`] and at the end.
struct Progress {
    start: Instant,
    last: Mutex<Option<Instant>>,
    enabled: bool,
    terminal: bool,
    /// The terminal's bar, made at the first update.
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
}

impl Progress {
    fn new(enabled: bool) -> Self {
        Progress {
            start: Instant::now(),
            last: Mutex::new(None),
            enabled,
            terminal: std::io::stderr().is_terminal(),
            bar: std::sync::OnceLock::new(),
        }
    }

    fn update(&self, done: u64, total: u64, first: u64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if !self.terminal {
            let every = super::progress::log_every().as_secs_f64();
            let since = now.duration_since(last.unwrap_or(self.start)).as_secs_f64();
            if done < total && since < every {
                return;
            }
            *last = Some(now);
            let secs = now.duration_since(self.start).as_secs_f64();
            let rate = (done - first) as f64 / secs.max(1e-9);
            let eta = (total - done) as f64 / rate;
            let pct = (done * 100).checked_div(total).unwrap_or(100);
            eprintln!(
                "  {done}/{total} samples ({pct}%), {} elapsed, ETA {}",
                super::progress::clock(secs),
                super::progress::clock(if rate > 0.0 { eta } else { f64::NAN })
            );
            return;
        }
        drop(last);
        let bar = self.bar.get_or_init(|| {
            let b = super::progress::terminal_bar(total, "samples");
            // Samples found done when resuming do not count towards the rate.
            b.set_position(first);
            b.reset_eta();
            b
        });
        bar.set_position(done);
        if done == total {
            bar.finish();
        }
    }
}

/// Run `parkenergy sweep`.
///
/// # Errors
/// [`Failure::BadInput`] for a wrong scenario, sweep or arguments; [`Failure::Internal`] when
/// writing fails.
pub fn sweep(a: &SweepArgs) -> Result<(), Failure> {
    let shard = shard_of(a)?;
    let sw = Sweep::load(&a.scenario, a.samples)?;
    let base = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&sw.plan.name));
    let dir = if shard.count > 1 {
        base.join(shard.dir_name())
    } else {
        base
    };
    let _lock = crate::report::prepare_output_dir(&dir).map_err(Failure::BadInput)?;
    let progress = Progress::new(!a.quiet);
    let first = Mutex::new(None::<u64>);
    let cache = crate::park::Cache::default();
    let start = Instant::now();
    let report = sw.run(&dir, shard, a.resume, &cache, &|done, total| {
        let f = *first
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(done);
        progress.update(done, total, f);
    })?;
    if shard.count == 1 {
        draw_charts(&dir, a.lang)?;
    }
    if !a.quiet {
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{}: {} sweep, {} samples{}; {} simulated in {secs:.1} s ({:.1}/s){}",
            sw.plan.name,
            sw.plan.sweep.method,
            sw.space.n_samples,
            if shard.count > 1 {
                format!(", shard {shard} with {}", report.shard_samples)
            } else {
                String::new()
            },
            report.simulated,
            report.simulated as f64 / secs.max(1e-9),
            if report.reused > 0 {
                format!(", {} kept from the interrupted run", report.reused)
            } else {
                String::new()
            }
        );
        if shard.count == 1 {
            print_claims(&dir);
        } else {
            println!(
                "  join the shards with `parkenergy merge {} --out <dir>`",
                dir.parent().unwrap_or(&dir).display()
            );
        }
        println!("  outputs in {}", dir.display());
    }
    Ok(())
}

fn print_claims(dir: &Path) {
    let Ok(text) = std::fs::read_to_string(dir.join("sweep-summary.json")) else {
        return;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    for c in v["rank_correlations"].as_array().into_iter().flatten() {
        println!(
            "  rank correlation of {} and {}: asked {}, achieved {}",
            c["first"].as_str().unwrap_or("?"),
            c["second"].as_str().unwrap_or("?"),
            c["asked"],
            c["achieved"]
                .as_f64()
                .map_or("-".into(), |x| format!("{x:.3}"))
        );
    }
    let base = &v["base_case"];
    for c in v["claims"].as_array().into_iter().flatten() {
        if let (Some(key), Some(p)) = (c["key"].as_str(), c["probability_holds"].as_f64()) {
            let num = |k: &str| c[k].as_f64().map_or("-".to_string(), |x| format!("{x:.4}"));
            let ci = &c["probability_ci95_wilson"];
            let pct = |x: &serde_json::Value| {
                x.as_f64()
                    .map_or("-".into(), |x| format!("{:.0}", x * 100.0))
            };
            println!(
                "  claim {key} (claimed {}): holds in {:.0}% of {} samples (95% Wilson interval {}-{}%); median {}, 5-95% {} to {}",
                num("claimed"),
                p * 100.0,
                c["samples"],
                pct(&ci[0]),
                pct(&ci[1]),
                num("p50"),
                num("p05"),
                num("p95")
            );
            if let Some(b) = base["claims"][key]["simulated"].as_f64() {
                println!("    base case (the scenario as written): {b:.4}");
            }
        }
    }
    for d in base["settings_differ"].as_array().into_iter().flatten() {
        println!(
            "  note: the samples use `{}` = {} where the scenario says {}",
            d["key"].as_str().unwrap_or("?"),
            d["sweep"],
            d["scenario"]
        );
    }
    if let Some(moved) = base["sweep_settings_minus_scenario"].as_object() {
        for (k, x) in moved {
            if let Some(x) = x.as_f64() {
                println!("    at the base point that moves {k} by {x:+.4}");
            }
        }
    }
    for o in v["sensitivity"]["outputs"].as_array().into_iter().flatten() {
        let Some(out) = o["output"].as_str() else {
            continue;
        };
        if !out.starts_with("claim.") {
            continue;
        }
        let mut ps: Vec<(String, f64)> = o["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p["key"].as_str()?.to_string(), p["prcc"].as_f64()?)))
            .collect();
        ps.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let top: Vec<String> = ps
            .iter()
            .take(3)
            .map(|(k, x)| format!("{k} {x:+.2}"))
            .collect();
        println!("  drivers of {out} (PRCC): {}", top.join(", "));
    }
}

/// Run `parkenergy merge`.
///
/// # Errors
/// [`Failure::BadInput`] when the shards do not form one complete sweep.
pub fn merge(
    shard_dirs: &[PathBuf],
    out: Option<&Path>,
    lang: crate::report::charts::Lang,
) -> Result<(), Failure> {
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| {
        shard_dirs
            .first()
            .map(|d| d.join("merged"))
            .unwrap_or_else(|| PathBuf::from("merged"))
    });
    let r = sweep::merge::merge(shard_dirs, &out)?;
    draw_charts(&out, lang)?;
    println!(
        "merged {} shards, {} samples, into {}",
        r.shards.len(),
        r.samples,
        out.display()
    );
    print_claims(&out);
    Ok(())
}
