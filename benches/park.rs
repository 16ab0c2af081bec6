//! The main job: the default Yongzhou park (214 enterprises, every default strategy, hourly)
//! from a resolved plan to results, with rayon over enterprises. The baseline of the ratio is
//! the same run on one thread, measured in the same sitting.

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;

fn park(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/yongzhou-etdz.toml");
    let plan = parkenergy::scenario::load(&path).expect("default scenario loads");
    let opts = parkenergy::park::RunOptions::default();
    let mut g = c.benchmark_group("park");
    g.sample_size(10);
    g.bench_function("yongzhou_default_all_threads", |b| {
        b.iter(|| parkenergy::park::run(&plan, &opts).expect("park runs"))
    });
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");
    g.bench_function("yongzhou_default_one_thread", |b| {
        b.iter(|| one.install(|| parkenergy::park::run(&plan, &opts).expect("park runs")))
    });
    g.finish();
}

criterion_group!(benches, park);
criterion_main!(benches);
