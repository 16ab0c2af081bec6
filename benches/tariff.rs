//! Benchmarks of the tariff module: price-signal expansion, one enterprise-year bill (hourly and
//! 15-min) and the billing-option optimizer. Public API only.

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use parkenergy::calendar::{Calendar, HolidayTable, StepLength};
use parkenergy::tariff::{
    BasicCharge, BillingOption, ChoicePeriod, Customer, EnergyRate, PfStandard, PriceSignal,
    Reactive, VoltageLevel, bill_year, builtin, measure_usage, optimize,
};

fn series(n: usize, steps_per_day: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let load: Vec<f64> = (0..n)
        .map(|i| {
            let h = (i % steps_per_day) as f64 / steps_per_day as f64 * 24.0;
            400.0
                + 250.0 * (std::f64::consts::PI * (h - 6.0) / 12.0).sin().max(0.0)
                + 30.0 * ((i * 7919) % 13) as f64 / 13.0
        })
        .collect();
    let export: Vec<f64> = (0..n)
        .map(|i| if (i * 31) % 17 == 0 { 20.0 } else { 0.0 })
        .collect();
    let q: Vec<f64> = load.iter().map(|p| 0.45 * p).collect();
    (load, export, q)
}

fn bench_bill(c: &mut Criterion) {
    let tariff = builtin("hunan-2025").expect("builtin tariff");
    let customer = Customer {
        transformer_kva: 1000.0,
        voltage_level: VoltageLevel::Kv1To10,
        pf_standard: Some(PfStandard::Pf090),
    };
    let option = BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw: 600.0 });
    let mut g = c.benchmark_group("tariff");
    for step in [StepLength::Hourly, StepLength::QuarterHourly] {
        let cal = Calendar::new(2025, step, 8.0, &HolidayTable::embedded()).expect("calendar");
        let n = cal.n_steps();
        let (load, export, q) = series(n, cal.steps_per_day());
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("price_signal", n), |b| {
            b.iter(|| {
                PriceSignal::new(&cal, &tariff, EnergyRate::TwoPart, VoltageLevel::Kv1To10)
                    .expect("signal")
            })
        });
        let signal = PriceSignal::new(&cal, &tariff, EnergyRate::TwoPart, VoltageLevel::Kv1To10)
            .expect("signal");
        g.bench_function(BenchmarkId::new("bill_year", n), |b| {
            b.iter(|| {
                bill_year(
                    black_box(&signal),
                    &customer,
                    option,
                    black_box(&load),
                    Some(&export),
                    Reactive::SeriesKvar(&q),
                )
                .expect("bill")
            })
        });
        g.bench_function(BenchmarkId::new("measure_and_optimize_monthly", n), |b| {
            b.iter(|| {
                let u = measure_usage(
                    &signal,
                    black_box(&load),
                    Some(&export),
                    Reactive::SeriesKvar(&q),
                )
                .expect("usage");
                optimize(&signal, &customer, &u, ChoicePeriod::Monthly).expect("optimize")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_bill);
criterion_main!(benches);
