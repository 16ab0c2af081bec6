//! The park: every enterprise under every strategy, totals per strategy, and the claims check.
//! The orchestration layer (the ModelChain analogue): plan in, results out, no I/O beyond what
//! the models read (meter and weather files).
//!
//! Steps of [`run`]: calendar → roster (named enterprises and generated groups) → loads (once
//! per enterprise, in parallel) → shared inputs (price signals per voltage level, PV per kWp
//! per orientation) → every enterprise × strategy (in parallel over enterprises, results in
//! roster order) → totals → claims. [`run_cached`] does the same with loads and PV per kWp
//! kept in a [`Cache`] across runs (sweeps).

#![warn(clippy::too_many_lines)]

pub mod cache;
pub mod claims;
pub mod context;
pub mod keys;
pub mod money;
pub mod pv;
pub mod result;
pub mod roster;
pub mod simulate;
pub mod storage;

pub use cache::{Cache, CacheStats};
pub use context::Context;
pub use result::{ClaimCheck, EnterpriseResult, Outcome, ParkResult, StrategyTotals};
pub use roster::{EnterpriseSpec, LoadProfile};
pub use simulate::{Detail, Series};

use crate::calendar::Calendar;
use crate::scenario::Plan;
use crate::strategy::Strategy;
use rayon::prelude::*;
use std::sync::Arc;

/// Errors of a park run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A user input (meter file, weather file, parameters) is unusable.
    #[error("{0}")]
    BadInput(String),
    /// A model rejected an enterprise's inputs.
    #[error("enterprise `{enterprise}`: {source}")]
    Enterprise {
        /// Enterprise name.
        enterprise: String,
        /// What the model said (boxed: some model errors are large).
        #[source]
        source: Box<ModelError>,
    },
    /// The load model rejected a parameter.
    #[error("load model: {0}")]
    Load(crate::load::LoadError),
    /// An output file cannot be written (permissions, a full disk): the user's to fix.
    #[error("{0}")]
    Output(String),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
}

/// A model's error about one enterprise ([`SimError::Enterprise`]), kept whole so that the
/// chain of causes reaches the caller.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The tariff model (measurement, bill, optimization).
    #[error(transparent)]
    Tariff(#[from] crate::tariff::TariffError),
    /// The load model (synthesis, meter data, reactive power).
    #[error(transparent)]
    Load(#[from] crate::load::LoadError),
    /// The battery's parameters or sizing.
    #[error("storage: {0}")]
    Storage(#[source] crate::storage::StorageError),
    /// The storage dispatch.
    #[error("storage dispatch: {0}")]
    Dispatch(#[source] crate::storage::StorageError),
}

impl SimError {
    /// A model's error about an enterprise.
    pub fn enterprise(name: &str, source: impl Into<ModelError>) -> SimError {
        SimError::Enterprise {
            enterprise: name.to_string(),
            source: Box::new(source.into()),
        }
    }
}

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Keep the per-step series of every enterprise (for `--hourly`).
    pub keep_series: bool,
    /// Keep the per-step series of this enterprise (for the typical-day chart).
    pub chart_enterprise: Option<usize>,
    /// Keep the per-step series of every enterprise under this strategy (for the typical days
    /// of the report and charts: the full stack).
    pub series_strategy: Option<Strategy>,
    /// Counter of finished enterprises, for a progress display.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
    /// After the sink of [`run_streaming`] has seen a chunk, drop its enterprises' monthly
    /// bills and yearly cash-flow items ([`EnterpriseResult::compact`]): memory then stays
    /// bounded by the yearly figures, whatever the park's size.
    pub compact: bool,
    /// Hand the series of `keep_series` to the sink only: the output keeps those of
    /// `chart_enterprise` alone.
    pub stream_series: bool,
}

/// Enterprises finished together, in roster order, handed to the sink of [`run_streaming`]
/// before their loads, series and (with [`RunOptions::compact`]) monthly detail are dropped.
pub struct Chunk<'a> {
    /// Roster index of the first enterprise.
    pub start: usize,
    /// Their results.
    pub enterprises: &'a [EnterpriseResult],
    /// Their series per strategy, where kept.
    pub series: &'a [Vec<Option<Series>>],
    /// Their loads.
    pub loads: &'a [Arc<LoadProfile>],
    /// The run's calendar.
    pub calendar: &'a Calendar,
}

/// What a streaming run calls with each [`Chunk`]; an error stops the run.
pub type Sink<'s> = dyn FnMut(Chunk<'_>) -> Result<(), SimError> + 's;

/// Everything a run produces.
pub struct RunOutput {
    /// The results.
    pub result: ParkResult,
    /// The calendar.
    pub calendar: Calendar,
    /// Per enterprise, per strategy, the per-step series when asked for.
    pub series: Vec<Vec<Option<Series>>>,
    /// Loads of the enterprises whose series were kept (the others' loads are dropped as the
    /// run goes, so that memory does not grow with the park).
    pub loads: Vec<Option<LoadProfile>>,
    /// Typical-day load profiles per enterprise (working day, weekend, holiday).
    pub typical_days: Vec<Option<crate::load::TypicalDays>>,
}

/// The park under the other PV ownership model (`pv.ownership` self ↔ emc), for strategy `pv`
/// and the strategies its money is valued against (the baseline, `pv` without PV and storage,
/// `pv` without storage, where the plan has them): the same simulation and money as the run,
/// so that a report can set both models side by side. Only yearly figures are kept.
///
/// # Errors
/// [`SimError`] when an input cannot be used.
pub fn run_other_pv_ownership(plan: &Plan, pv: Strategy) -> Result<ParkResult, SimError> {
    use crate::scenario::choice::PvOwnership;
    let mut p = plan.clone();
    p.pv.ownership = match plan.pv.ownership {
        PvOwnership::Emc => PvOwnership::SelfOwned,
        PvOwnership::SelfOwned => PvOwnership::Emc,
    };
    let after = Strategy {
        storage: false,
        ..pv
    };
    let before = Strategy { pv: false, ..after };
    p.strategies
        .retain(|s| s.is_baseline() || *s == pv || *s == after || *s == before);
    p.claims_judged = false;
    p.claims.tariff_versions.clear();
    let opts = RunOptions {
        compact: true,
        ..RunOptions::default()
    };
    Ok(run(&p, &opts)?.result)
}

/// Simulate the park.
///
/// # Errors
/// [`SimError`] when an input cannot be used.
pub fn run(plan: &Plan, opts: &RunOptions) -> Result<RunOutput, SimError> {
    run_streaming(plan, opts, &mut |_| Ok(()))
}

/// Simulate the park, handing each chunk of finished enterprises to `sink` in roster order
/// (to write their rows as the run goes) before dropping what [`RunOptions`] says.
///
/// # Errors
/// [`SimError`] when an input cannot be used, or what `sink` returned.
pub fn run_streaming(
    plan: &Plan,
    opts: &RunOptions,
    sink: &mut Sink<'_>,
) -> Result<RunOutput, SimError> {
    // Runs under other tariff versions share the loads and PV of the main run.
    let versions = plan.claims_judged && !plan.claims.tariff_versions.is_empty();
    let cache = versions.then(Cache::default);
    let RunParts {
        mut result,
        calendar,
        series,
        loads,
        typical_days,
    } = run_with(plan, opts, cache.as_ref(), sink)?;
    if versions {
        result.claims_by_tariff = claims_by_tariff(plan, &result, cache.as_ref())?;
    }
    let loads = loads
        .into_iter()
        .map(|l| l.map(|l| Arc::try_unwrap(l).unwrap_or_else(|shared| (*shared).clone())))
        .collect();
    Ok(RunOutput {
        result,
        calendar,
        series,
        loads,
        typical_days,
    })
}

/// The claims under each tariff version of `claims.tariff_versions`: the main run's for the
/// scenario's own version, a park run on the same loads and PV (first-year figures: no tariff
/// switch, no re-simulated years) for each other one.
fn claims_by_tariff(
    plan: &Plan,
    main: &ParkResult,
    cache: Option<&Cache>,
) -> Result<Vec<result::TariffClaims>, SimError> {
    let summary = |version: &str, t: &crate::tariff::Tariff, r: &ParkResult| result::TariffClaims {
        version: version.to_string(),
        title: t.title().to_string(),
        confidence: t.confidence(),
        claims: r.claims.clone(),
        saving_fraction: r
            .totals
            .iter()
            .map(|t| (t.strategy.clone(), t.saving_fraction))
            .collect(),
        pv_kwh_share_by_period: r.pv_kwh_share_by_period,
    };
    let mut out = Vec::new();
    for v in &plan.claims.tariff_versions {
        match plan.claim_tariffs.iter().find(|(name, _)| name == v) {
            None => out.push(summary(v, &plan.tariff_model, main)),
            Some((_, tariff)) => {
                let mut p = plan.clone();
                p.tariff_model = tariff.clone();
                p.tariff.version = v.clone();
                p.tariff.override_table = None;
                p.tariff_file = None;
                p.tariff_switch = None;
                p.resimulate_years = Vec::new();
                p.claim_tariffs = Vec::new();
                // Only the totals and claims are read: the detail goes as the run goes.
                let opts = RunOptions {
                    compact: true,
                    ..RunOptions::default()
                };
                let r = run_with(&p, &opts, cache, &mut |_| Ok(()))?.result;
                out.push(summary(v, tariff, &r));
            }
        }
    }
    Ok(out)
}

/// Simulate the park, taking the loads and PV per kWp from `cache` when their inputs were seen
/// before (and keeping them there). The results are identical to [`run`]'s.
///
/// # Errors
/// [`SimError`] when an input cannot be used.
pub fn run_cached(plan: &Plan, opts: &RunOptions, cache: &Cache) -> Result<ParkResult, SimError> {
    Ok(run_with(plan, opts, Some(cache), &mut |_| Ok(()))?.result)
}

/// Results, calendar, kept series and loads of a run.
struct RunParts {
    result: ParkResult,
    calendar: Calendar,
    series: Vec<Vec<Option<Series>>>,
    loads: Vec<Option<Arc<LoadProfile>>>,
    typical_days: Vec<Option<crate::load::TypicalDays>>,
}

/// Enterprises built, simulated and reduced at a time: the loads of one chunk are in memory
/// at once (about 140 kB per hourly enterprise), whatever the park's size.
const CHUNK: usize = 256;

/// The stages of a run, in the order data flows: calendar and roster, shared inputs
/// ([`Context`], PV per kWp), the contexts of later project years, then chunk by chunk the
/// loads, every enterprise × strategy and the reduction, and last the totals and claims.
fn run_with(
    plan: &Plan,
    opts: &RunOptions,
    cache: Option<&Cache>,
    sink: &mut Sink<'_>,
) -> Result<RunParts, SimError> {
    let cal = Calendar::new(plan.year, plan.step, plan.utc_offset_hours, &plan.holidays)
        .map_err(|e| SimError::BadInput(e.to_string()))?;
    let lib = crate::load::ArchetypeLibrary::embedded();
    let mut roster = roster::roster(plan, &cal, &lib)?;
    let ctx = shared_inputs(plan, cal, &roster, cache)?;
    let later_plan = plan
        .tariff_switch
        .as_ref()
        .map(|sw| later_tariff_plan(plan, sw));
    let (switch_ctx, resim_ctx) = later_contexts(plan, later_plan.as_ref(), &ctx, &roster)?;
    let later = Later {
        switch: switch_ctx.as_ref().map(|(y, c)| (*y, c)),
        resim: &resim_ctx,
    };
    let stage = Stage {
        ctx: &ctx,
        later: &later,
        strategies: &plan.strategies,
        opts,
        cache,
        lib: &lib,
    };
    let mut acc = Reduced::new(roster.len(), &plan.strategies);
    for start in (0..roster.len()).step_by(CHUNK) {
        let end = (start + CHUNK).min(roster.len());
        run_chunk(&stage, start, &mut roster[start..end], &mut acc, sink)?;
    }
    result::totals_finish(&mut acc.totals);
    let claims = claims::check(plan, &acc.totals);
    let result = ParkResult {
        scenario: plan.name.clone(),
        enterprises: acc.enterprises,
        totals: acc.totals,
        claims,
        pv_kwh_share_by_period: ctx.pv_kwh_share_by_period(),
        claims_by_tariff: Vec::new(),
        warnings: plan.warnings.clone(),
        data_sources: crate::provenance::used_by(plan),
    };
    Ok(RunParts {
        result,
        calendar: ctx.cal,
        series: acc.series,
        loads: acc.kept,
        typical_days: acc.typical,
    })
}

/// The inputs every enterprise shares: price signals per voltage level, market rules and, for
/// strategies with PV, PV per kWp per orientation (from `cache` when given). They come before
/// the loads: they depend on the roster's voltage levels, orientations and transformer sizes as
/// declared (a transformer fitted to its load later only grows, so the price signals prepared
/// cover it).
fn shared_inputs<'a>(
    plan: &'a Plan,
    cal: Calendar,
    roster: &[EnterpriseSpec],
    cache: Option<&'a Cache>,
) -> Result<Context<'a>, SimError> {
    let mut ctx = Context::new(plan, cal, roster)?;
    if let Some(c) = cache {
        ctx.use_cache(c);
    }
    if plan.strategies.iter().any(|s| s.pv) {
        ctx.pv_per_kwp = match cache {
            Some(c) => c.pv_per_kwp(plan, &ctx.cal, roster)?,
            None => pv::per_kwp_by_orientation(plan, &ctx.cal, roster)?,
        };
    }
    Ok(ctx)
}

/// The contexts of the later project years: the later tariff's from its first year, and each
/// re-simulated year's (under the later tariff from its first year on), with the year's PV
/// degradation factor.
fn later_contexts<'a>(
    plan: &'a Plan,
    later_plan: Option<&'a Plan>,
    first: &Context,
    roster: &[EnterpriseSpec],
) -> Result<(Option<YearContext<'a>>, Vec<YearContext<'a>>), SimError> {
    let switch_year = plan.tariff_switch.as_ref().map_or(u32::MAX, |sw| sw.year);
    let switch = match later_plan {
        Some(p) => Some((switch_year, later_context(p, first, roster, 1.0)?)),
        None => None,
    };
    let mut resim = Vec::with_capacity(plan.resimulate_years.len());
    for &y in &plan.resimulate_years {
        let (d1, da) = money::pv_degradation(plan);
        let k = crate::finance::cashflow::degradation_factor(y, d1, da);
        let p = match later_plan {
            Some(p) if y >= switch_year => p,
            _ => plan,
        };
        resim.push((y, later_context(p, first, roster, k)?));
    }
    Ok((switch, resim))
}

/// A project year and its context.
type YearContext<'a> = (u32, Context<'a>);

/// What simulating a chunk of enterprises reads.
struct Stage<'s, 'a> {
    ctx: &'s Context<'a>,
    later: &'s Later<'s, 'a>,
    strategies: &'s [Strategy],
    opts: &'s RunOptions,
    cache: Option<&'s Cache>,
    lib: &'s crate::load::ArchetypeLibrary,
}

/// What a run keeps of the chunks done: results, kept series and loads, typical days, totals.
struct Reduced {
    enterprises: Vec<EnterpriseResult>,
    series: Vec<Vec<Option<Series>>>,
    kept: Vec<Option<Arc<LoadProfile>>>,
    typical: Vec<Option<crate::load::TypicalDays>>,
    totals: Vec<StrategyTotals>,
}

impl Reduced {
    fn new(n: usize, strategies: &[Strategy]) -> Self {
        Reduced {
            enterprises: Vec::with_capacity(n),
            series: Vec::with_capacity(n),
            kept: Vec::with_capacity(n),
            typical: Vec::with_capacity(n),
            totals: result::totals_start(strategies),
        }
    }
}

/// One chunk: build the loads (the transformer fit of [`roster::build_loads`]), simulate every
/// strategy of every enterprise in parallel, hand the chunk to the sink, and keep the results
/// and only the series and loads a caller asked for.
fn run_chunk(
    stage: &Stage,
    start: usize,
    chunk: &mut [EnterpriseSpec],
    acc: &mut Reduced,
    sink: &mut Sink<'_>,
) -> Result<(), SimError> {
    let (ctx, opts) = (stage.ctx, stage.opts);
    let loads: Vec<Arc<LoadProfile>> = match stage.cache {
        Some(c) => c.loads(ctx.plan, chunk, &ctx.cal, stage.lib)?,
        None => roster::build_loads(chunk, &ctx.cal, stage.lib)?
            .into_iter()
            .map(Arc::new)
            .collect(),
    };
    let per: Vec<Result<EnterpriseRun, SimError>> = chunk
        .par_iter()
        .zip(loads.par_iter())
        .enumerate()
        .map(|(j, (e, l))| simulate_enterprise(stage, start + j, e, l))
        .collect();
    let mut done = Vec::with_capacity(per.len());
    let mut done_series = Vec::with_capacity(per.len());
    for r in per {
        let (e, s) = r?;
        done.push(e);
        done_series.push(s);
    }
    if let Some(what) = result::first_non_finite(&done) {
        return Err(SimError::BadInput(format!(
            "the simulation gave a number that is not finite ({what}): an input lies far outside any plausible range (a price, a tariff override, a size); check the values the scenario gives"
        )));
    }
    for e in &done {
        result::totals_add(&mut acc.totals, e);
    }
    sink(Chunk {
        start,
        enterprises: &done,
        series: &done_series,
        loads: &loads,
        calendar: &ctx.cal,
    })?;
    for (j, ((mut e, mut s), l)) in done.into_iter().zip(done_series).zip(loads).enumerate() {
        let charted = opts.chart_enterprise == Some(start + j);
        if opts.stream_series && !charted {
            s.iter_mut().for_each(|x| *x = None);
        }
        if opts.compact {
            e.compact();
        }
        let keep = s.iter().any(Option::is_some);
        acc.typical
            .push(crate::load::typical_days(&ctx.cal, &l.p_kw).ok());
        acc.kept.push(keep.then_some(l));
        acc.enterprises.push(e);
        acc.series.push(s);
    }
    Ok(())
}

/// One enterprise's results and, when kept, its series per strategy.
type EnterpriseRun = (EnterpriseResult, Vec<Option<Series>>);

/// The contexts of the later project years: the later tariff's (with its first year) and the
/// re-simulated years' (with their year).
struct Later<'c, 'a> {
    switch: Option<(u32, &'c Context<'a>)>,
    resim: &'c [(u32, Context<'a>)],
}

/// The plan with the later tariff of a switch in place of `[tariff]`'s.
fn later_tariff_plan(plan: &Plan, sw: &crate::scenario::TariffSwitch) -> Plan {
    let mut p = plan.clone();
    p.tariff_model = sw.tariff_model.clone();
    p.tariff.version = sw.label.clone();
    p.tariff.override_table = None;
    p.tariff_file = None;
    p.tariff_switch = None;
    p.resimulate_years = Vec::new();
    p
}

/// A context for later project years: `plan`'s tariff, the first year's PV per kWp, PV output
/// scaled by `pv_scale` (the year's degradation factor). No cache: its outcomes differ from
/// the first year's under the same keys.
fn later_context<'a>(
    plan: &'a Plan,
    first: &Context,
    roster: &[EnterpriseSpec],
    pv_scale: f64,
) -> Result<Context<'a>, SimError> {
    let mut c = Context::new(plan, first.cal.clone(), roster)?;
    c.pv_per_kwp = first.pv_per_kwp.clone();
    c.pv_scale_fraction = pv_scale;
    Ok(c)
}

/// Whether a strategy is simulated again for later years: it carries an investment, or an
/// investment is valued against it.
fn needed_later(strategies: &[Strategy], s: Strategy) -> bool {
    strategies.iter().any(|x| {
        (x.pv || x.storage) && {
            let after = Strategy {
                storage: false,
                ..*x
            };
            let before = Strategy { pv: false, ..after };
            s == *x || s == after || s == before
        }
    })
}

/// Simulate the strategies that need it ([`needed_later`]) under the later tariff and in the
/// re-simulated years (those with PV or storage; the others do not age), with the first
/// year's battery (its usable energy scaled by its state of health in re-simulated years).
fn simulate_later_years(
    later: &Later,
    strategies: &[Strategy],
    first: &simulate::Subject,
    outcomes: &[Outcome],
) -> Result<money::LaterYears, SimError> {
    let needed: Vec<bool> = strategies
        .iter()
        .map(|s| needed_later(strategies, *s))
        .collect();
    let in_year = |c| simulate::Subject {
        ctx: c,
        key: None,
        ..*first
    };
    let mut out = money::LaterYears::default();
    if let Some((y, c)) = later.switch {
        let sub = in_year(c);
        let mut v = Vec::with_capacity(strategies.len());
        for (k, &s) in strategies.iter().enumerate() {
            v.push(if needed[k] {
                Some(simulate::simulate(&sub, s, Detail::Outcome)?.0)
            } else {
                None
            });
        }
        out.switch = Some((y, v));
    }
    for (y, c) in later.resim {
        let mut v = Vec::with_capacity(strategies.len());
        for (k, &s) in strategies.iter().enumerate() {
            if !(needed[k] && (s.pv || s.storage)) {
                v.push(None);
                continue;
            }
            let aged = aged_battery(c, *y, (k, s), first.battery, (outcomes, &out));
            let sub = simulate::Subject {
                battery: aged.as_ref().or(first.battery),
                ..in_year(c)
            };
            v.push(Some(simulate::simulate(&sub, s, Detail::Outcome)?.0));
        }
        out.resimulated.push((*y, v));
    }
    Ok(out)
}

/// The first year's battery with its usable energy scaled by its state of health in year `y`
/// (the fade of the energy discharged each year before, under the later tariff from its first
/// year on), for strategy `s` at index `k` of the strategies; `None` without storage.
fn aged_battery(
    c: &Context,
    y: u32,
    (k, s): (usize, Strategy),
    battery: Option<&storage::Sized>,
    (first, later): (&[Outcome], &money::LaterYears),
) -> Option<storage::Sized> {
    let (Some(b), Some(st)) = (battery, &first[k].storage) else {
        return None;
    };
    if !s.storage {
        return None;
    }
    let sp = storage::sizing_params(c.plan, &c.storage_data);
    let late = later.switch.as_ref();
    let discharged = |t: u32| match late {
        Some((ys, lv)) if t >= *ys => lv[k]
            .as_ref()
            .and_then(|o| o.storage.as_ref())
            .map_or(st.discharged_kwh, |x| x.discharged_kwh),
        _ => st.discharged_kwh,
    };
    let (f, _) = money::storage_factors(sp.fade, st.usable_kwh, sp.life_years, discharged);
    let soh = f.get(y as usize - 1).or(f.last()).copied().unwrap_or(1.0);
    let mut b = b.clone();
    b.params.capacity_kwh *= soh;
    Some(b)
}

/// One enterprise: its battery (sized once), every strategy's first year (memoized in sweeps
/// unless its series are kept), the later years, and the lifetime money.
fn simulate_enterprise(
    stage: &Stage,
    index: usize,
    e: &EnterpriseSpec,
    load: &LoadProfile,
) -> Result<EnterpriseRun, SimError> {
    let (ctx, opts, strategies) = (stage.ctx, stage.opts, stage.strategies);
    let battery = if strategies.iter().any(|s| s.storage) {
        Some(storage::size(ctx, e, load)?)
    } else {
        None
    };
    let key = ctx.enterprise_key(index, e);
    let sub = simulate::Subject {
        ctx,
        index,
        spec: e,
        load,
        battery: battery.as_ref(),
        key: key.as_ref(),
    };
    let mut outcomes = Vec::with_capacity(strategies.len());
    let mut series = Vec::with_capacity(strategies.len());
    for &s in strategies {
        let keep = opts.keep_series
            || opts.chart_enterprise == Some(index)
            || opts.series_strategy == Some(s);
        if keep {
            let (o, ser) = simulate::simulate(&sub, s, Detail::Series)?;
            outcomes.push(o);
            series.push(ser);
        } else {
            let o = ctx.outcome(ctx.outcome_key(key.as_ref(), s), || {
                simulate::simulate(&sub, s, Detail::Outcome).map(|(o, _)| o)
            })?;
            outcomes.push(o);
            series.push(None);
        }
    }
    let later_years = simulate_later_years(stage.later, strategies, &sub, &outcomes)?;
    money::fill(ctx.plan, &ctx.storage_data, &mut outcomes, &later_years);
    if let Some(p) = &opts.progress {
        p.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    Ok((enterprise_result(e, load, outcomes), series))
}

/// An enterprise's results: who it is, its load's figures and its outcomes.
fn enterprise_result(
    e: &EnterpriseSpec,
    load: &LoadProfile,
    outcomes: Vec<Outcome>,
) -> EnterpriseResult {
    let stats = load.stats;
    EnterpriseResult {
        name: e.name.clone(),
        group: e.group.clone(),
        archetype: match &e.load {
            roster::LoadOrigin::Archetype { name, .. } => name.clone(),
            roster::LoadOrigin::Meter { .. } => "meter".into(),
        },
        transformer_kva: e.premises.transformer_kva,
        meter_filled_steps: load.gaps.as_ref().map(|g| g.missing_intervals),
        annual_kwh: stats.annual_kwh,
        peak_kw: stats.peak_kw,
        load_factor: stats.load_factor,
        outcomes,
    }
}
