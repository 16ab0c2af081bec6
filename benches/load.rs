//! Load synthesis speed: 214 enterprise profiles on an hourly 2025 calendar, single-threaded,
//! mixed archetypes, scaled to annual energy only and to energy and peak together.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use parkenergy::calendar::{Calendar, HolidayTable, StepLength};
use parkenergy::load::{ArchetypeLibrary, LoadTarget, archetype::load_factor_range, synthesize};
use parkenergy::seed;
use std::hint::black_box;

const ENTERPRISES: usize = 214;

fn bench_synthesize(c: &mut Criterion) {
    let cal = Calendar::new(2025, StepLength::Hourly, 8.0, &HolidayTable::embedded())
        .expect("2025 is in the embedded holiday table");
    let lib = ArchetypeLibrary::embedded();
    let archetypes = lib.archetypes();
    // Targets: annual energy from 0.5 to 20 GWh; peaks at the middle of each archetype's
    // reachable load-factor range (computed once, outside the timed loop).
    let targets: Vec<(usize, f64, f64, u64)> = (0..ENTERPRISES)
        .map(|i| {
            let k = i % archetypes.len();
            let s = seed::derive(2025, &[0, i as u64, seed::streams::LOAD]);
            let (lo, hi, _) = load_factor_range(&cal, &archetypes[k], s);
            let kwh = 5.0e5 * (1.0 + (i % 40) as f64);
            (k, kwh, kwh / (0.5 * (lo + hi) * 8760.0), s)
        })
        .collect();
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.throughput(Throughput::Elements((ENTERPRISES * cal.n_steps()) as u64));
    group.bench_function(
        BenchmarkId::new("synthesize_214_energy", cal.n_steps()),
        |b| {
            b.iter(|| {
                for &(k, kwh, _, s) in &targets {
                    let t = LoadTarget {
                        annual_kwh: Some(kwh),
                        peak_kw: None,
                    };
                    black_box(synthesize(&cal, &archetypes[k], &t, s).expect("feasible"));
                }
            })
        },
    );
    group.bench_function(
        BenchmarkId::new("synthesize_214_energy_peak", cal.n_steps()),
        |b| {
            b.iter(|| {
                for &(k, kwh, pk, s) in &targets {
                    let t = LoadTarget {
                        annual_kwh: Some(kwh),
                        peak_kw: Some(pk),
                    };
                    black_box(synthesize(&cal, &archetypes[k], &t, s).expect("feasible"));
                }
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench_synthesize);
criterion_main!(benches);
