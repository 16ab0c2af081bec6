//! `parkenergy solve`: argument checks, the break-even search, the printed answer and
//! `breakeven.json`.

use super::Failure;
use std::path::{Path, PathBuf};

/// Parse `a..b`.
fn parse_range(s: &str) -> Result<(f64, f64), Failure> {
    let bad = || {
        Failure::BadInput(format!(
            "--range `{s}`: expected two numbers as `a..b`, e.g. `0.1..0.3`"
        ))
    };
    let (a, b) = s.split_once("..").ok_or_else(bad)?;
    let a: f64 = a.trim().parse().map_err(|_| bad())?;
    let b: f64 = b.trim().parse().map_err(|_| bad())?;
    if !(a.is_finite() && b.is_finite()) {
        return Err(bad());
    }
    Ok((a, b))
}

/// Run `parkenergy solve`.
///
/// # Errors
/// [`Failure::BadInput`] for a wrong scenario, claim, key or range; [`Failure::Internal`] when
/// writing fails.
pub fn solve(
    scenario: &Path,
    claim: &str,
    key: &str,
    range: Option<&str>,
    tolerance: f64,
    out: Option<PathBuf>,
) -> Result<(), Failure> {
    use anyhow::Context;
    if !(tolerance.is_finite() && tolerance > 0.0) {
        return Err(Failure::BadInput(format!(
            "--tolerance {tolerance}: expected a positive number"
        )));
    }
    let range = range.map(parse_range).transpose()?;
    let plan = crate::scenario::load(scenario)?;
    let text = std::fs::read_to_string(scenario)
        .with_context(|| format!("reading {}", scenario.display()))?;
    let cache = crate::park::Cache::default();
    let search = crate::sweep::solve::Search {
        claim,
        key,
        range,
        xtol: tolerance,
    };
    let b = crate::sweep::solve::breakeven(&text, scenario, &search, &cache)
        .map_err(|m| Failure::BadInput(format!("{}: {m}", scenario.display())))?;
    let [s, e] = &b.ends;
    sayln!(
        "{}: claim {} (claimed {}) varying `{}` over {}..{}",
        plan.name,
        b.claim,
        b.claimed,
        b.key,
        b.range[0],
        b.range[1]
    );
    for (at, ev) in [("start", s), ("end", e)] {
        sayln!(
            "  at the range {at}, {} = {}: simulated {:.6}, margin {:+.6}",
            b.key,
            ev.value,
            ev.simulated,
            ev.margin
        );
    }
    match b.value {
        Some(v) => sayln!(
            "  the margin crosses zero at {} = {v:.6} (bracket {:.2e}, {} park runs)",
            b.key,
            b.bracket_width,
            b.runs()
        ),
        None => sayln!(
            "  no value in the range makes the margin cross zero: the claim {} over the whole range ({} park runs)",
            if s.margin >= 0.0 { "holds" } else { "fails" },
            b.runs()
        ),
    }
    let dir = out.unwrap_or_else(|| Path::new("output").join(&plan.name));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let p = dir.join("breakeven.json");
    let text = serde_json::to_string_pretty(&b.to_json()).context("breakeven.json")?;
    crate::report::write_atomic(&p, format!("{text}\n").as_bytes())
        .with_context(|| format!("writing {}", p.display()))?;
    sayln!("  written to {}", p.display());
    Ok(())
}
