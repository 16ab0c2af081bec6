//! Sweep speed: park-samples per second of Monte Carlo sweeps over market prices on the default
//! park (214 enterprises, hourly), with a warm cache (loads, PV, grid flows and every
//! price-independent outcome reused), on 1 and 2 threads:
//! * `price_only`: the strategies without storage (baseline, tariff, market, pv, tariff+market,
//!   tariff+market+pv); a sample re-prices the market strategies (purchase mode, contract,
//!   billing options, PV money) without recomputing weather, PV, loads or flows;
//! * `with_storage`: the default strategies, whose `tariff+market+pv+storage` re-runs the exact
//!   optimal dispatch of every enterprise in every sample (prices move the optimum).
//!
//! Each iteration simulates a batch of new samples (32 price-only, 2 with storage): a batch ends
//! with a barrier where one thread may wait for the other's last sample, so bigger batches come
//! closer to a sweep, which runs all its samples in one parallel loop.
//!
//! `claims`: the claims sweep (`scenarios/claims-uncertainty.toml`: market prices, PV and
//! storage capex, EMC discount, load growth; the 8 default strategies) with its samples'
//! storage dispatched as the main run does (`optimal`, exact) and, as the baseline of the same
//! sitting, by rule (`rule`, the sweep's setting before the samples ran at this speed); batches
//! of 8 samples (4 per thread on two: the barrier at the end of a batch, where one thread waits
//! for the other's last sample, weighs less than with 2 per thread), the cache warmed with 8
//! samples (every load-growth level's loads built).

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use parkenergy::park::Cache;
use parkenergy::sweep::Sweep;
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The default park with a sweep over market prices only; without the storage strategies
/// unless `storage`.
fn price_only_text(storage: bool) -> String {
    let mut base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/yongzhou-etdz.toml"),
    )
    .expect("the default scenario is in the repository");
    if !storage {
        let list = "list = [\"baseline\", \"tariff\", \"market\", \"pv\", \"tariff+market\", \"tariff+market+pv\"]";
        base = base
            .lines()
            .map(|l| if l.starts_with("list = [") { list } else { l })
            .collect::<Vec<_>>()
            .join("\n")
            .replace(
                "cost_reduction_strategy = \"tariff+market+pv+storage\"",
                "cost_reduction_strategy = \"tariff+market+pv\"",
            );
    }
    format!(
        "{base}\n[sweep]\nmethod = \"monte_carlo\"\nsamples = 100000\n\
         [[sweep.parameter]]\nkey = \"market.wholesale_discount_fraction\"\ndistribution = \"uniform\"\nmin = 0.0\nmax = 0.08\n\
         [[sweep.parameter]]\nkey = \"market.contract_price_yuan_per_kwh\"\ndistribution = \"uniform\"\nmin = 0.40\nmax = 0.50\n"
    )
}

fn bench_sweep(c: &mut Criterion) {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/price-only-bench.toml");
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    for (name, storage, batch) in [("price_only", false, 32u64), ("with_storage", true, 2)] {
        let text = price_only_text(storage);
        let sw = Sweep::from_text(&text, &scenario, None).expect("the bench sweep is valid");
        group.throughput(Throughput::Elements(batch));
        for threads in [1usize, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            let cache = Cache::default();
            // Warm the cache: loads, PV, flows, price-independent outcomes.
            pool.install(|| sw.row(0, &cache)).expect("sample 0 runs");
            let next = AtomicU64::new(1);
            group.bench_with_input(BenchmarkId::new(name, threads), &threads, |b, _| {
                b.iter(|| {
                    let first = next.fetch_add(batch, Ordering::Relaxed);
                    pool.install(|| {
                        (first..first + batch)
                            .into_par_iter()
                            .map(|i| sw.row(i, &cache).expect("sample runs").len())
                            .sum::<usize>()
                    })
                })
            });
        }
    }
    group.finish();
}

/// The claims sweep's text with its samples' storage dispatched by `dispatch`.
fn claims_text(dispatch: &str) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/claims-uncertainty.toml"),
    )
    .expect("the claims sweep is in the repository");
    let own = text
        .lines()
        .filter(|l| !l.starts_with("storage_dispatch ="))
        .collect::<Vec<_>>()
        .join("\n");
    own.replace(
        "[sweep]\n",
        &format!("[sweep]\nstorage_dispatch = \"{dispatch}\"\n"),
    )
}

fn bench_claims(c: &mut Criterion) {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/claims-uncertainty.toml");
    let mut group = c.benchmark_group("claims");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    let batch = 8u64;
    group.throughput(Throughput::Elements(batch));
    for dispatch in ["optimal", "rule"] {
        let text = claims_text(dispatch);
        // Enough samples for every iteration to draw new ones.
        let sw = Sweep::from_text(&text, &scenario, Some(4000)).expect("the claims sweep is valid");
        for threads in [1usize, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            let cache = Cache::default();
            pool.install(|| {
                (0..8u64)
                    .into_par_iter()
                    .for_each(|i| drop(sw.row(i, &cache).expect("a warm-up sample runs")))
            });
            let next = AtomicU64::new(8);
            group.bench_with_input(BenchmarkId::new(dispatch, threads), &threads, |b, _| {
                b.iter(|| {
                    let first = next.fetch_add(batch, Ordering::Relaxed);
                    pool.install(|| {
                        (first..first + batch)
                            .into_par_iter()
                            .map(|i| sw.row(i, &cache).expect("sample runs").len())
                            .sum::<usize>()
                    })
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_sweep, bench_claims);
criterion_main!(benches);
