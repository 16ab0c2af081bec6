//! Stages of a park run kept across runs, for sweeps: a sample that changes only prices reuses
//! the loads, the PV output and the results that do not depend on what it changed.
//!
//! Each entry is stored under a key struct of [`super::keys`] that holds the inputs that make
//! it (the DESIGN's "compute once, scale many"): a load profile under the calendar, the
//! enterprise's load origin (archetype, targets, seed, or meter series and scale) and its
//! power factor; PV output per kWp under the weather inputs (source, site, year, seed), the PV
//! physics of `[pv]` and the orientation; and so on. Keys are compared whole on lookup, so a
//! cached value is the one a fresh computation would give (every stage is deterministic).
//! Memory is bounded: when the loads held exceed [`Cache::with_limit`]'s byte budget the
//! loads are dropped (runs in progress keep their own references), and each memo map is
//! emptied when it reaches its entry limit.

use super::SimError;
use super::keys::{
    CompensationKey, FlowsKey, ForecastKey, Interners, LoadKey, OutcomeKey, PvKey, UsageKey,
};
use super::roster::{self, EnterpriseSpec, LoadProfile};
use crate::calendar::Calendar;
use crate::load::ArchetypeLibrary;
use crate::scenario::Plan;
use crate::tariff::optimize::CompensationResult;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// Default byte budget of the cached loads [bytes] (about 1,000 hourly enterprise profiles).
pub const DEFAULT_LIMIT_BYTES: usize = 256 << 20;

/// Loads and PV per kWp shared across park runs. `Send + Sync`: one cache serves every thread
/// of a sweep.
#[derive(Debug)]
pub struct Cache {
    /// The numbers of the run-level inputs seen.
    pub(super) interned: Interners,
    loads: Mutex<HashMap<LoadKey, Arc<LoadProfile>>>,
    load_bytes: AtomicU64,
    pv: Mutex<HashMap<PvKey, Arc<Vec<f64>>>>,
    compensation: RwLock<HashMap<CompensationKey, CompensationResult>>,
    forecast: RwLock<HashMap<ForecastKey, [f64; 12]>>,
    usage: RwLock<HashMap<UsageKey, crate::tariff::YearUsage>>,
    outcomes: RwLock<HashMap<OutcomeKey, super::Outcome>>,
    flows: RwLock<HashMap<FlowsKey, Arc<super::simulate::Flows>>>,
    limit_bytes: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Default for Cache {
    fn default() -> Self {
        Self::with_limit(DEFAULT_LIMIT_BYTES)
    }
}

/// How often the cache answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Stages taken from the cache.
    pub hits: u64,
    /// Stages computed.
    pub misses: u64,
}

impl Cache {
    /// An empty cache holding at most about `limit_bytes` of load profiles [bytes].
    pub fn with_limit(limit_bytes: usize) -> Self {
        Cache {
            interned: Interners::default(),
            loads: Mutex::new(HashMap::new()),
            load_bytes: AtomicU64::new(0),
            pv: Mutex::new(HashMap::new()),
            compensation: RwLock::new(HashMap::new()),
            forecast: RwLock::new(HashMap::new()),
            usage: RwLock::new(HashMap::new()),
            outcomes: RwLock::new(HashMap::new()),
            flows: RwLock::new(HashMap::new()),
            limit_bytes,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Hits and misses so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// Every enterprise's load, from the cache or built (in parallel, in roster order), with
    /// the transformer fit of [`roster::build_loads`].
    ///
    /// # Errors
    /// As [`roster::build_loads`].
    pub fn loads(
        &self,
        plan: &Plan,
        roster: &mut [EnterpriseSpec],
        cal: &Calendar,
        lib: &ArchetypeLibrary,
    ) -> Result<Vec<Arc<LoadProfile>>, SimError> {
        let calendar = self.interned.calendar(plan);
        let loads: Vec<Result<Arc<LoadProfile>, SimError>> = roster
            .par_iter()
            .map(|e| {
                let key = LoadKey::of(calendar, e);
                if let Some(l) = self.lock_loads().get(&key) {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    return Ok(Arc::clone(l));
                }
                self.misses.fetch_add(1, Ordering::Relaxed);
                let l = Arc::new(roster::build_one(e, cal, lib)?);
                let bytes = 8 * (l.p_kw.len() + l.q_kvar.len()) as u64;
                let mut map = self.lock_loads();
                if self.load_bytes.load(Ordering::Relaxed) + bytes > self.limit_bytes as u64 {
                    map.clear();
                    self.load_bytes.store(0, Ordering::Relaxed);
                }
                if map.insert(key, Arc::clone(&l)).is_none() {
                    self.load_bytes.fetch_add(bytes, Ordering::Relaxed);
                }
                Ok(l)
            })
            .collect();
        let mut out = Vec::with_capacity(loads.len());
        for (e, l) in roster.iter_mut().zip(loads) {
            let l = l?;
            roster::fit_transformer(e, &l, lib);
            out.push(l);
        }
        Ok(out)
    }

    /// PV output per kWp of every orientation the roster needs, from the cache or computed.
    ///
    /// # Errors
    /// As [`super::pv::per_kwp_by_orientation`].
    pub fn pv_per_kwp(
        &self,
        plan: &Plan,
        cal: &Calendar,
        roster: &[EnterpriseSpec],
    ) -> Result<BTreeMap<(u64, u64), Vec<f64>>, SimError> {
        let needed = super::pv::orientations(roster);
        let inputs = self.interned.pv(plan);
        let key_of = |&(t, a): &(f64, f64)| PvKey::of(inputs, t, a);
        let mut out = BTreeMap::new();
        let mut missing = Vec::new();
        {
            let map = self.pv.lock().unwrap_or_else(|p| p.into_inner());
            for o in &needed {
                match map.get(&key_of(o)) {
                    Some(v) => {
                        self.hits.fetch_add(1, Ordering::Relaxed);
                        out.insert(super::context::orientation_key(o.0, o.1), v.to_vec());
                    }
                    None => missing.push(*o),
                }
            }
        }
        if missing.is_empty() {
            return Ok(out);
        }
        self.misses
            .fetch_add(missing.len() as u64, Ordering::Relaxed);
        let computed = super::pv::per_kwp_for(plan, cal, &missing)?;
        let mut map = self.pv.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 4096 {
            map.clear();
        }
        for o in &missing {
            let k = super::context::orientation_key(o.0, o.1);
            if let Some(v) = computed.get(&k) {
                map.insert(key_of(o), Arc::new(v.clone()));
            }
        }
        out.extend(computed);
        Ok(out)
    }

    /// A memoized value: from `map` under `key`, or computed by `f` and kept (the map is
    /// emptied when it reaches `MEMO_LIMIT` entries).
    fn memo<K: Hash + Eq, T: Clone, E>(
        &self,
        map: &RwLock<HashMap<K, T>>,
        key: K,
        f: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        self.memo_bounded(map, key, MEMO_LIMIT, f)
    }

    fn memo_bounded<K: Hash + Eq, T: Clone, E>(
        &self,
        map: &RwLock<HashMap<K, T>>,
        key: K,
        limit: usize,
        f: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        // Readers share the lock: in a sweep most lookups are hits from several threads.
        if let Some(v) = map.read().unwrap_or_else(|p| p.into_inner()).get(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(v.clone());
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let v = f()?;
        let mut m = map.write().unwrap_or_else(|p| p.into_inner());
        if m.len() >= limit {
            m.clear();
        }
        m.insert(key, v.clone());
        Ok(v)
    }

    /// The reactive-compensation choice of the tariff measure (see
    /// [`super::Context::compensation`]).
    pub(super) fn compensation<E>(
        &self,
        key: CompensationKey,
        f: impl FnOnce() -> Result<CompensationResult, E>,
    ) -> Result<CompensationResult, E> {
        self.memo(&self.compensation, key, f)
    }

    /// One enterprise's outcome under one strategy (before the lifetime money), under the
    /// inputs it depends on (see [`super::Context::outcome_key`]). At most `OUTCOME_LIMIT`
    /// outcomes are kept (a few kB each).
    pub(super) fn outcome<E>(
        &self,
        key: OutcomeKey,
        f: impl FnOnce() -> Result<super::Outcome, E>,
    ) -> Result<super::Outcome, E> {
        self.memo_bounded(&self.outcomes, key, OUTCOME_LIMIT, f)
    }

    /// An enterprise's grid flows before storage (see [`super::Context::flows`]). They hold
    /// two series of `n_steps` values each; at most the cache's byte budget of them is kept.
    pub(super) fn flows<E>(
        &self,
        key: FlowsKey,
        n_steps: usize,
        f: impl FnOnce() -> Result<Arc<super::simulate::Flows>, E>,
    ) -> Result<Arc<super::simulate::Flows>, E> {
        let limit = (self.limit_bytes / (16 * n_steps.max(1))).max(16);
        self.memo_bounded(&self.flows, key, limit, f)
    }

    /// The measured usage of grid series.
    pub(super) fn usage<E>(
        &self,
        key: UsageKey,
        f: impl FnOnce() -> Result<crate::tariff::YearUsage, E>,
    ) -> Result<crate::tariff::YearUsage, E> {
        self.memo(&self.usage, key, f)
    }

    /// Monthly energy of a contract's "last year" forecast load.
    pub(super) fn forecast<E>(
        &self,
        key: ForecastKey,
        f: impl FnOnce() -> Result<[f64; 12], E>,
    ) -> Result<[f64; 12], E> {
        self.memo(&self.forecast, key, f)
    }

    fn lock_loads(&self) -> std::sync::MutexGuard<'_, HashMap<LoadKey, Arc<LoadProfile>>> {
        // A panic in another thread cannot leave the map inconsistent (inserts are single
        // calls), so a poisoned lock is still usable.
        self.loads.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Entries of a memo map before it is emptied (about 100 bytes each).
const MEMO_LIMIT: usize = 1 << 20;

/// Outcomes kept before the map is emptied (about 40 park-samples of 214 enterprises × 6
/// strategies; some 100-200 MB).
const OUTCOME_LIMIT: usize = 50_000;
