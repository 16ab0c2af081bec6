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

fn bench_models(c: &mut Criterion) {
    use parkenergy::solar::position::{Observer, delta_t_s, sun_path};
    use parkenergy::solar::temperature::{FuentesParams, fuentes};
    let w = weather();
    let n = w.n_steps();
    let obs = Observer::at(
        w.site.latitude_deg,
        w.site.longitude_deg,
        w.site.elevation_m,
    );
    let mut g = c.benchmark_group("models");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(BenchmarkId::new("spa_sun_path", n), |b| {
        b.iter(|| {
            sun_path(
                black_box(w.start_unix_s() + 1800.0),
                3600.0,
                n,
                &obs,
                delta_t_s(w.year, 7),
            )
        })
    });
    let poa: Vec<f64> = w.ghi_w_per_m2.clone();
    let p = FuentesParams::pvwatts(49.0);
    g.bench_function(BenchmarkId::new("fuentes", n), |b| {
        b.iter(|| {
            fuentes(
                black_box(&poa),
                &w.temp_air_c,
                &w.wind_speed_m_per_s,
                &p,
                1.0,
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench_chain, bench_models);
criterion_main!(benches);
