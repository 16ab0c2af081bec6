//! PV chain benchmark: one orientation-year (8760 h) through SPA position, Perez transposition
//! (EPW-style DNI/DHI given, no decomposition), cell temperature, PVWatts DC and inverter; the
//! presets (`pvwatts_v8`, `pvlib`); the TMY3 reader alone and reader + chain.
//! Compare with the pvlib times printed by `tools/time_pvlib_chain.py` in the same sitting.

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

fn tmy3_path() -> &'static str {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/weather/723170TYA.CSV"
    )
}

fn bench_presets_and_reader(c: &mut Criterion) {
    use parkenergy::solar::{Mounting, Preset};
    use parkenergy::weather::tmy3::read_tmy3;
    let w = read_tmy3(tmy3_path()).expect("committed TMY3 present");
    let n = w.n_steps() as u64;
    let mut g = c.benchmark_group("pv_presets");
    g.throughput(Throughput::Elements(n));
    for (name, preset) in [
        ("pvwatts_fuentes", Preset::PvwattsFuentes),
        ("pvwatts_v8", Preset::PvwattsV8),
        ("pvlib", Preset::Pvlib),
    ] {
        let s = PvSystem::preset(preset, Mounting::OpenRack, 20.0, 180.0).expect("preset");
        g.bench_with_input(BenchmarkId::new(name, n), &w, |b, w| {
            b.iter(|| pv_per_kwp(black_box(w), black_box(&s)).expect("valid"))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("pv_read");
    g.throughput(Throughput::Elements(n));
    g.bench_function(BenchmarkId::new("read_tmy3", n), |b| {
        b.iter(|| read_tmy3(black_box(tmy3_path())).expect("reads"))
    });
    let s = PvSystem::preset(Preset::Pvlib, Mounting::OpenRack, 20.0, 180.0).expect("preset");
    g.bench_function(BenchmarkId::new("read_tmy3_and_pvlib_chain", n), |b| {
        b.iter(|| {
            let w = read_tmy3(black_box(tmy3_path())).expect("reads");
            pv_per_kwp(&w, &s).expect("valid")
        })
    });
    let d = PvSystem::default();
    g.bench_function(BenchmarkId::new("read_tmy3_and_default_chain", n), |b| {
        b.iter(|| {
            let w = read_tmy3(black_box(tmy3_path())).expect("reads");
            pv_per_kwp(&w, &d).expect("valid")
        })
    });
    g.finish();
}

criterion_group!(benches, bench_chain, bench_models, bench_presets_and_reader);
criterion_main!(benches);
