//! Sweep speed: park-samples per second of a price-only Monte Carlo sweep on the default park
//! (214 enterprises; the strategies of this build: baseline, tariff, market, pv, tariff+market,
//! tariff+market+pv), with a warm cache (loads, PV and every price-independent outcome reused),
//! on 1 and 2 threads. Each iteration simulates 8 new samples (new market prices).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use parkenergy::park::Cache;
use parkenergy::sweep::Sweep;
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

const BATCH: u64 = 8;

/// The default park with a sweep over market prices only.
fn price_only_text() -> String {
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/yongzhou-etdz.toml"),
    )
    .expect("the default scenario is in the repository");
    format!(
        "{base}\n[sweep]\nmethod = \"monte_carlo\"\nsamples = 100000\n\
         [[sweep.parameter]]\nkey = \"market.wholesale_discount_fraction\"\ndistribution = \"uniform\"\nmin = 0.0\nmax = 0.08\n\
         [[sweep.parameter]]\nkey = \"market.contract_price_yuan_per_kwh\"\ndistribution = \"uniform\"\nmin = 0.40\nmax = 0.50\n"
    )
}

fn bench_sweep(c: &mut Criterion) {
    let text = price_only_text();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/price-only-bench.toml");
    let sw = Sweep::from_text(&text, &scenario, None).expect("the bench sweep is valid");
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    group.throughput(Throughput::Elements(BATCH));
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let cache = Cache::default();
        // Warm the cache: loads, PV, price-independent outcomes.
        pool.install(|| sw.row(0, &cache)).expect("sample 0 runs");
        let next = AtomicU64::new(1);
        group.bench_with_input(
            BenchmarkId::new("price_only_214_enterprises", threads),
            &threads,
            |b, _| {
                b.iter(|| {
                    let first = next.fetch_add(BATCH, Ordering::Relaxed);
                    pool.install(|| {
                        (first..first + BATCH)
                            .into_par_iter()
                            .map(|i| sw.row(i, &cache).expect("sample runs").len())
                            .sum::<usize>()
                    })
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_sweep);
criterion_main!(benches);
