//! `plot --strategy NAME`: the typical days of one enterprise under any strategy of a run.
//!
//! A run keeps the typical days of every enterprise under the strategy with every measure only
//! (chart-data.json), so that memory stays bounded whatever the park's size. Another strategy's
//! typical days are recomputed here from the run's scenario (checked against the SHA-256 its
//! run.json records): the park is simulated again with the series of that strategy kept chunk by
//! chunk and reduced to the chosen enterprise's typical days as they pass, so that no more
//! than one chunk's series is in memory.

use super::Failure;
use crate::report::charts::typical_day::TypicalDayChart;
use crate::report::park_charts::ChartSet;
use std::path::Path;

/// How many valid names an error lists before "and N more".
const LISTED: usize = 20;

/// `names` joined for an error message, at most [`LISTED`] of them.
fn listed(names: &[String]) -> String {
    let mut s = names
        .iter()
        .take(LISTED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED {
        s.push_str(&format!(" and {} more", names.len() - LISTED));
    }
    s
}

/// The enterprises of a run in roster order, from its enterprises.csv.
fn enterprise_names(dir: &Path) -> Result<Vec<String>, Failure> {
    let path = dir.join("enterprises.csv");
    let bad = |e: String| Failure::BadInput(format!("{}: {e}", path.display()));
    let mut rd = csv::Reader::from_path(&path).map_err(|e| bad(e.to_string()))?;
    let col = rd
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .position(|h| h == "enterprise")
        .ok_or_else(|| bad("no `enterprise` column".into()))?;
    let mut names: Vec<String> = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let name = rec.get(col).unwrap_or("");
        if names.last().is_none_or(|n| n != name) && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    Ok(names)
}

/// The run's scenario, loaded, after checking that it is the file the run read.
fn run_plan(dir: &Path) -> Result<crate::scenario::Plan, Failure> {
    let m = crate::report::folder::read_manifest(dir).map_err(Failure::BadInput)?;
    let path = Path::new(&m.scenario);
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::BadInput(format!(
            "--strategy recomputes the typical days from the run's scenario {}: {e}; run `plot` from the folder the run was started in",
            path.display()
        ))
    })?;
    if crate::report::folder::sha256_hex(&bytes) != m.scenario_sha256 {
        return Err(Failure::BadInput(format!(
            "--strategy recomputes the typical days from the run's scenario, but {} changed since the run (its SHA-256 differs from run.json's); run the scenario again",
            path.display()
        )));
    }
    Ok(crate::scenario::load(path)?)
}

/// Make `set`'s typical-day chart that of `enterprise` (default: the largest by consumption)
/// under strategy `strategy`.
///
/// # Errors
/// [`Failure::BadInput`] naming the valid strategies or enterprises when one is unknown, or
/// when the run's scenario is missing or changed.
pub(super) fn choose_strategy(
    dir: &Path,
    set: &mut ChartSet,
    strategy: &str,
    enterprise: Option<&str>,
) -> Result<(), Failure> {
    let plan = run_plan(dir)?;
    let names: Vec<String> = plan.strategies.iter().map(ToString::to_string).collect();
    let Some(s) = plan
        .strategies
        .iter()
        .copied()
        .find(|s| s.to_string() == strategy)
    else {
        return Err(Failure::BadInput(format!(
            "--strategy {strategy}: not a strategy of this run (valid: {})",
            names.join(", ")
        )));
    };
    let enterprises = enterprise_names(dir)?;
    if let Some(e) = enterprise
        && !enterprises.iter().any(|n| n == e)
    {
        return Err(Failure::BadInput(format!(
            "--enterprise {e}: not an enterprise of this run (valid: {})",
            listed(&enterprises)
        )));
    }
    let full = crate::report::html::full_stack(&plan.strategies);
    if full == Some(s) && set.typical_days.iter().any(Option::is_some) {
        // The run kept these typical days.
        if let Some(e) = enterprise {
            set.choose_enterprise(e).map_err(Failure::BadInput)?;
        }
        return Ok(());
    }
    set.typical_day = Some(recompute(&plan, s, enterprise)?);
    Ok(())
}

/// Simulate the park again keeping the series of strategy `s`, and return the typical days of
/// `enterprise` (or of the largest enterprise by consumption, the first on a tie).
fn recompute(
    plan: &crate::scenario::Plan,
    s: crate::strategy::Strategy,
    enterprise: Option<&str>,
) -> Result<TypicalDayChart, Failure> {
    let mut plan = plan.clone();
    // Only this run's series matter: no claims under other tariff versions.
    plan.claims.tariff_versions.clear();
    let opts = crate::park::RunOptions {
        series_strategy: Some(s),
        compact: true,
        stream_series: true,
        ..Default::default()
    };
    let mut kept: Option<(f64, TypicalDayChart)> = None;
    crate::park::run_streaming(&plan, &opts, &mut |c| {
        let wanted: Vec<usize> = (0..c.enterprises.len())
            .filter(|&j| match enterprise {
                Some(name) => c.enterprises[j].name == name,
                None => kept
                    .as_ref()
                    .is_none_or(|(k, _)| c.enterprises[j].annual_kwh > *k),
            })
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let days = crate::report::park_charts::typical_days_of_chunk(&c, &plan, s);
        for j in wanted {
            let kwh = c.enterprises[j].annual_kwh;
            if let Some(d) = days.get(j).cloned().flatten()
                && (enterprise.is_some() || kept.as_ref().is_none_or(|(k, _)| kwh > *k))
            {
                kept = Some((kwh, d));
            }
        }
        Ok(())
    })
    .map_err(|e| Failure::BadInput(format!("recomputing the typical days: {e}")))?;
    kept.map(|(_, d)| d).ok_or_else(|| {
        Failure::BadInput(format!(
            "no series of strategy {s} were kept{}",
            enterprise.map(|e| format!(" for {e}")).unwrap_or_default()
        ))
    })
}
