//! PV chain benchmark: one orientation-year (8760 h) through SPA position, Perez transposition
//! (EPW-style DNI/DHI given, no decomposition), cell temperature, PVWatts DC and inverter.
//! Compare with the pvlib time printed by `tools/make_pv_goldens.py` in the same sitting.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use parkenergy::solar::temperature::{SAPM_CLOSE_ROOF_GLASS_GLASS, TemperatureModel};
use parkenergy::solar::{PvSystem, pv_per_kwp};
use parkenergy::weather::Site;
use parkenergy::weather::csv::{CsvSpec, read_csv};
use std::hint::black_box;

fn weather() -> parkenergy::weather::WeatherYear {
    let spec = CsvSpec {
        site: Site {
            name: "Greensboro".into(),
            latitude_deg: 36.1,
            longitude_deg: -79.95,
            elevation_m: 273.0,
            utc_offset_hours: -5.0,
        },
        columns: Default::default(),
        irradiance_unit: Default::default(),
        temperature_unit: Default::default(),
        wind_unit: Default::default(),
        time_label: Default::default(),
        step_minutes: 60,
    };
    read_csv(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/pv/greensboro_tmy3.csv"
        ),
        &spec,
    )
    .expect("golden weather present")
}

fn bench_chain(c: &mut Criterion) {
    let w = weather();
    let n = w.n_steps() as u64;
    let mut g = c.benchmark_group("pv_per_kwp");
    g.throughput(Throughput::Elements(n));
    let fuentes = PvSystem::default();
    g.bench_with_input(BenchmarkId::new("perez_fuentes", n), &w, |b, w| {
        b.iter(|| pv_per_kwp(black_box(w), black_box(&fuentes)).expect("valid"))
    });
    let sapm = PvSystem {
        temperature_model: TemperatureModel::Sapm(SAPM_CLOSE_ROOF_GLASS_GLASS),
        ..PvSystem::default()
    };
    g.bench_with_input(BenchmarkId::new("perez_sapm", n), &w, |b, w| {
        b.iter(|| pv_per_kwp(black_box(w), black_box(&sapm)).expect("valid"))
    });
    g.finish();
}

criterion_group!(benches, bench_chain);
criterion_main!(benches);
