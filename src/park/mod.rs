//! The park: every enterprise under every strategy, totals per strategy, and the claims check.
//! The orchestration layer (the ModelChain analogue): plan in, results out, no I/O beyond what
//! the models read (meter and weather files).
//!
//! Steps of [`run`]: calendar → roster (named enterprises and generated groups) → loads (once
//! per enterprise, in parallel) → shared inputs (price signals per voltage level, PV per kWp
//! per orientation) → every enterprise × strategy (in parallel over enterprises, results in
//! roster order) → totals → claims.

pub mod claims;
pub mod context;
pub mod money;
pub mod pv;
pub mod result;
pub mod roster;
pub mod simulate;
pub mod storage;

pub use context::Context;
pub use result::{ClaimCheck, EnterpriseResult, Outcome, ParkResult, StrategyTotals};
pub use roster::{EnterpriseSpec, LoadProfile};
pub use simulate::Series;

use crate::calendar::Calendar;
use crate::scenario::Plan;
use crate::strategy::Strategy;
use rayon::prelude::*;

/// Errors of a park run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A user input (meter file, weather file, parameters) is unusable.
    #[error("{0}")]
    BadInput(String),
    /// A model rejected an enterprise's inputs.
    #[error("enterprise `{enterprise}`: {message}")]
    Enterprise {
        /// Enterprise name.
        enterprise: String,
        /// What the model said.
        message: String,
    },
    /// The load model rejected a parameter.
    #[error("load model: {0}")]
    Load(crate::load::LoadError),
    /// The scenario asks for something this build cannot simulate yet.
    #[error("not available yet: {0}")]
    Unsupported(String),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Keep the per-step series of every enterprise (for `--hourly`).
    pub keep_series: bool,
    /// Keep the per-step series of this enterprise (for the typical-day chart).
    pub chart_enterprise: Option<usize>,
    /// Counter of finished enterprises, for a progress display.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

/// Everything a run produces.
pub struct RunOutput {
    /// The results.
    pub result: ParkResult,
    /// The calendar.
    pub calendar: Calendar,
    /// Per enterprise, per strategy, the per-step series when asked for.
    pub series: Vec<Vec<Option<Series>>>,
    /// Loads per enterprise.
    pub loads: Vec<LoadProfile>,
}

/// Simulate the park.
///
/// # Errors
/// [`SimError`] when an input cannot be used.
pub fn run(plan: &Plan, opts: &RunOptions) -> Result<RunOutput, SimError> {
    let cal = Calendar::new(plan.year, plan.step, plan.utc_offset_hours, &plan.holidays)
        .map_err(|e| SimError::BadInput(e.to_string()))?;
    let lib = crate::load::ArchetypeLibrary::embedded();
    let mut roster = roster::roster(plan, &cal, &lib)?;
    let loads = roster::build_loads(&mut roster, &cal, &lib)?;
    let mut ctx = Context::new(plan, cal, &roster)?;
    if plan.strategies.iter().any(|s| s.pv) {
        ctx.pv_per_kwp = pv::per_kwp_by_orientation(plan, &ctx.cal, &roster)?;
    }
    let (strategies, skipped): (Vec<&Strategy>, Vec<&Strategy>) = plan
        .strategies
        .iter()
        .partition(|s| ctx.unsupported(**s).is_none());
    let skipped: Vec<(String, String)> = skipped
        .into_iter()
        .map(|s| (s.to_string(), ctx.unsupported(*s).unwrap_or_default()))
        .collect();
    let strategies: Vec<Strategy> = strategies.into_iter().copied().collect();
    let per: Vec<Result<EnterpriseRun, SimError>> = roster
        .par_iter()
        .zip(loads.par_iter())
        .enumerate()
        .map(|(i, (e, l))| simulate_enterprise(&ctx, &strategies, i, e, l, opts))
        .collect();
    let mut enterprises = Vec::with_capacity(per.len());
    let mut series = Vec::with_capacity(per.len());
    for r in per {
        let (e, s) = r?;
        enterprises.push(e);
        series.push(s);
    }
    let totals = result::totals(&strategies, &enterprises);
    let claims = claims::check(plan, &totals);
    let result = ParkResult {
        scenario: plan.name.clone(),
        enterprises,
        totals,
        claims,
        skipped,
    };
    Ok(RunOutput {
        result,
        calendar: ctx.cal,
        series,
        loads,
    })
}

/// One enterprise's results and, when kept, its series per strategy.
type EnterpriseRun = (EnterpriseResult, Vec<Option<Series>>);

fn simulate_enterprise(
    ctx: &Context,
    strategies: &[Strategy],
    index: usize,
    e: &EnterpriseSpec,
    load: &LoadProfile,
    opts: &RunOptions,
) -> Result<EnterpriseRun, SimError> {
    let stats = crate::load::load_stats(&load.p_kw, ctx.cal.step_hours());
    let battery = if strategies.iter().any(|s| s.storage) {
        Some(storage::size(ctx, e, load)?)
    } else {
        None
    };
    let mut outcomes = Vec::with_capacity(strategies.len());
    let mut series = Vec::with_capacity(strategies.len());
    for &s in strategies {
        let keep = opts.keep_series || opts.chart_enterprise == Some(index);
        let (o, ser) = simulate::simulate(ctx, index, e, load, s, battery.as_ref(), keep)?;
        outcomes.push(o);
        series.push(ser);
    }
    money::fill(ctx.plan, &ctx.storage_data, &mut outcomes);
    if let Some(p) = &opts.progress {
        p.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    Ok((
        EnterpriseResult {
            name: e.name.clone(),
            group: e.group.clone(),
            archetype: match &e.load {
                roster::LoadOrigin::Archetype { name, .. } => name.clone(),
                roster::LoadOrigin::Meter { .. } => "meter".into(),
            },
            transformer_kva: e.transformer_kva,
            annual_kwh: stats.annual_kwh,
            peak_kw: stats.peak_kw,
            load_factor: stats.load_factor,
            outcomes,
        },
        series,
    ))
}
