//! `parkenergy pv`: a quick PV estimate for one roof without a scenario file.

use super::Failure;
use crate::solar::{self, PvSystem};
use crate::weather;
use anyhow::Context as _;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The weather formats `--format` names.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[value(rename_all = "snake_case")]
pub enum FormatArg {
    /// EnergyPlus weather file.
    Epw,
    /// NREL TMY3 CSV.
    Tmy3,
    /// PVGIS typical year, CSV output.
    PvgisCsv,
    /// PVGIS typical year, JSON output.
    PvgisJson,
    /// Plain CSV: timestamp, ghi, dni, dhi, temp_air, wind_speed columns.
    Csv,
}

impl FormatArg {
    /// The weather module's format.
    pub fn format(self) -> weather::Format {
        match self {
            FormatArg::Epw => weather::Format::Epw,
            FormatArg::Tmy3 => weather::Format::Tmy3,
            FormatArg::PvgisCsv => weather::Format::PvgisCsv,
            FormatArg::PvgisJson => weather::Format::PvgisJson,
            FormatArg::Csv => weather::Format::Csv,
        }
    }
}

/// The presets `--model` names.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[value(rename_all = "snake_case")]
pub enum ModelArg {
    /// PVWatts DC/AC, Fuentes cell temperature, PVWatts v8 glass cover and spectral modifier.
    PvwattsFuentes,
    /// PVWatts v8 as NREL SAM implements it.
    PvwattsV8,
    /// A pvlib ModelChain: SAPM cell temperature, physical IAM, PVWatts DC/losses/inverter.
    Pvlib,
}

/// The mountings `--mounting` names.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
#[value(rename_all = "snake_case")]
pub enum MountingArg {
    /// Racks with free air behind the modules.
    OpenRack,
    /// On a roof with a small air gap (PVWatts roof mount).
    Roof,
    /// Flush on the roof (SAPM close mount; `--model pvlib` only).
    CloseRoof,
}

/// Arguments of `parkenergy pv` (defaults: PVWatts v8 where the user gives none).
#[derive(clap::Args, Debug)]
pub struct PvArgs {
    /// Weather file: EPW, TMY3 (NREL `NNNNNNTYA.CSV`), PVGIS CSV or JSON, or a plain CSV
    /// (columns timestamp, ghi, dni, dhi, temp_air, wind_speed; local standard time at UTC+8,
    /// site from --lat/--lon, default Yongzhou); the format is recognised from its first lines.
    /// Default: the Yongzhou synthetic year.
    #[arg(long)]
    pub weather: Option<PathBuf>,
    /// Format of `--weather`, when given: checked against the file's first lines.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Columns of a plain CSV `--weather`, in this order: timestamp, GHI, air temperature, wind
    /// speed, and optionally DNI and DHI (default: timestamp,ghi,temp_air,wind_speed,dni,dhi).
    #[arg(long, value_delimiter = ',')]
    pub csv_columns: Option<Vec<String>>,
    /// Model preset.
    #[arg(long, value_enum, default_value = "pvwatts_fuentes")]
    pub model: ModelArg,
    /// How the modules are mounted (sets the cell-temperature parameters).
    #[arg(long, value_enum, default_value = "roof")]
    pub mounting: MountingArg,
    /// Module tilt from horizontal [deg].
    #[arg(long, default_value_t = 15.0)]
    pub tilt_deg: f64,
    /// Module azimuth, clockwise from north; 180 = south [deg].
    #[arg(long, default_value_t = 180.0)]
    pub azimuth_deg: f64,
    /// DC nameplate [kW].
    #[arg(long, default_value_t = 1.0)]
    pub dc_kw: f64,
    /// DC/AC ratio (容配比) [-]; default PVWatts v8 (1.2).
    #[arg(long)]
    pub dc_ac_ratio: Option<f64>,
    /// System losses as a fraction; default PVWatts v8 (0.1408).
    #[arg(long)]
    pub losses: Option<f64>,
    /// Nominal inverter efficiency as a fraction; default 0.96.
    #[arg(long)]
    pub inverter_efficiency: Option<f64>,
    /// Temperature coefficient of power [1/°C]; default -0.0037.
    #[arg(long, allow_hyphen_values = true)]
    pub gamma_pdc: Option<f64>,
    /// Ground albedo as a fraction; default 0.2.
    #[arg(long)]
    pub albedo: Option<f64>,
    /// Site latitude [deg, north positive]: the synthetic year is drawn there from the Yongzhou
    /// normals; a weather file's station is overridden. Either is refused more than 10° of arc
    /// from the site and warned about beyond 2°.
    #[arg(long, allow_hyphen_values = true)]
    pub lat: Option<f64>,
    /// Site longitude [deg, east positive]; see `--lat`.
    #[arg(long, allow_hyphen_values = true)]
    pub lon: Option<f64>,
    /// Offset of local standard time from UTC for the hourly output and the months [h]: weather
    /// files in another zone are converted to it. Default: an EPW's or TMY3's own zone; UTC+8
    /// (China) for PVGIS files, which are in UTC, and for plain CSV files, read as in it.
    #[arg(long, allow_hyphen_values = true)]
    pub utc_offset: Option<f64>,
    /// Seed of the synthetic year.
    #[arg(long, default_value_t = 20231)]
    pub seed: u64,
    /// Write `timestamp,poa_w_per_m2,cell_temp_c,dc_kw,ac_kw` per step to this CSV.
    #[arg(long)]
    pub hourly_out: Option<PathBuf>,
    /// Print JSON (`annual_ac_kwh`, `specific_yield_kwh_per_kwp`, `monthly_ac_kwh`, ...).
    #[arg(long)]
    pub json: bool,
}

/// The plain-CSV columns of `--csv-columns`.
fn csv_columns(given: Option<&[String]>) -> Result<weather::csv::CsvColumns, Failure> {
    let Some(c) = given else {
        return Ok(weather::csv::CsvColumns::default());
    };
    if !(c.len() == 4 || c.len() == 6) || c.iter().any(|x| x.trim().is_empty()) {
        return Err(Failure::BadInput(format!(
            "--csv-columns `{}`: expected 4 or 6 column names: timestamp,ghi,temp_air,wind_speed[,dni,dhi]",
            c.join(",")
        )));
    }
    let name = |i: usize| c[i].trim().to_string();
    Ok(weather::csv::CsvColumns {
        timestamp: name(0),
        ghi: name(1),
        temp_air: name(2),
        wind_speed: name(3),
        dni: (c.len() == 6).then(|| name(4)),
        dhi: (c.len() == 6).then(|| name(5)),
    })
}

/// Run the estimate.
///
/// # Errors
/// [`Failure::BadInput`] for unusable arguments or weather files.
pub fn run(a: &PvArgs) -> Result<(), Failure> {
    let bad = |e: &dyn std::fmt::Display| Failure::BadInput(e.to_string());
    // The same range as a scenario's `enterprise[].pv_kw` (up to 10 GW DC).
    if !(a.dc_kw.is_finite() && a.dc_kw > 0.0 && a.dc_kw <= 1e7) {
        return Err(Failure::BadInput(format!(
            "--dc-kw = {:e}: expected a number of kW in (0, 1e7]",
            a.dc_kw
        )));
    }
    // Errors of the weather checks refuse the estimate; warnings are printed and it goes on.
    let judge = |found: weather::quality::Findings| -> Result<(), Failure> {
        if let Some(first) = found.errors.first() {
            return Err(Failure::BadInput(first.clone()));
        }
        for m in &found.warnings {
            eprintln!("warning: {m}");
        }
        Ok(())
    };
    let (w, format) = match &a.weather {
        None => {
            // The synthetic year is drawn at the site from the Yongzhou normals (as a scenario's
            // is at [site]), under the same distance rule as a weather file's station.
            let mut n = weather::synthetic::MonthlyNormals::yongzhou();
            let site = (
                a.lat.unwrap_or(n.site.latitude_deg),
                a.lon.unwrap_or(n.site.longitude_deg),
            );
            let mut found = weather::quality::Findings::default();
            weather::quality::station_vs_site(
                &mut found,
                &format!("the synthetic year's monthly normals \"{}\"", n.site.name),
                (n.site.latitude_deg, n.site.longitude_deg),
                "--lat/--lon",
                site,
            );
            judge(found)?;
            (n.site.latitude_deg, n.site.longitude_deg) = site;
            if let Some(z) = a.utc_offset {
                n.site.utc_offset_hours = z;
            }
            let w =
                weather::synthetic::synthetic_year(&n, 2025, 60, a.seed).map_err(|e| bad(&e))?;
            (w, "synthetic")
        }
        Some(p) => {
            let n = weather::synthetic::MonthlyNormals::yongzhou();
            let csv = weather::csv::CsvSpec {
                site: weather::Site {
                    name: p.display().to_string(),
                    latitude_deg: a.lat.unwrap_or(n.site.latitude_deg),
                    longitude_deg: a.lon.unwrap_or(n.site.longitude_deg),
                    elevation_m: n.site.elevation_m,
                    utc_offset_hours: a.utc_offset.unwrap_or(8.0),
                },
                columns: csv_columns(a.csv_columns.as_deref())?,
                irradiance_unit: Default::default(),
                temperature_unit: Default::default(),
                wind_unit: Default::default(),
                time_label: Default::default(),
                step_minutes: 60,
            };
            let zone = a.utc_offset.unwrap_or(8.0);
            let (mut w, f) = weather::read_file(p, a.format.map(FormatArg::format), &csv, zone)
                .map_err(|e| bad(&e))?;
            if let Some(z) = a.utc_offset {
                w = w.to_utc_offset(z).map_err(|e| bad(&e))?;
            }
            // The file at its station, against the site given (physically possible
            // irradiance, a year with sun, the station's distance), as a scenario checks it.
            judge(weather::quality::check(
                &w,
                "--lat/--lon",
                a.lat.unwrap_or(w.site.latitude_deg),
                a.lon.unwrap_or(w.site.longitude_deg),
                w.site.utc_offset_hours,
            ))?;
            if let Some(lat) = a.lat {
                w.site.latitude_deg = lat;
            }
            if let Some(lon) = a.lon {
                w.site.longitude_deg = lon;
            }
            (w, f.name())
        }
    };
    if let Some(m) = weather::quality::clock_vs_sun(w.site.longitude_deg, w.site.utc_offset_hours) {
        eprintln!("warning: --utc-offset: {m}");
    }
    let preset = match a.model {
        ModelArg::PvwattsFuentes => solar::Preset::PvwattsFuentes,
        ModelArg::PvwattsV8 => solar::Preset::PvwattsV8,
        ModelArg::Pvlib => solar::Preset::Pvlib,
    };
    let mounting = match a.mounting {
        MountingArg::OpenRack => solar::Mounting::OpenRack,
        MountingArg::Roof => solar::Mounting::Roof,
        MountingArg::CloseRoof => solar::Mounting::CloseRoof,
    };
    let mut s =
        PvSystem::preset(preset, mounting, a.tilt_deg, a.azimuth_deg).map_err(|e| bad(&e))?;
    for (field, v) in [
        (&mut s.dc_ac_ratio, a.dc_ac_ratio),
        (&mut s.losses_fraction, a.losses),
        (&mut s.inverter_efficiency_fraction, a.inverter_efficiency),
        (&mut s.gamma_pdc_per_c, a.gamma_pdc),
        (&mut s.albedo_fraction, a.albedo),
    ] {
        if let Some(v) = v {
            *field = v;
        }
    }
    s.validate().map_err(|e| bad(&e))?;
    w.validate().map_err(|e| bad(&e))?;
    let series = solar::pv_per_kwp(&w, &s).map_err(|e| bad(&e))?;
    let months = w.months();
    let monthly: Vec<f64> = series
        .monthly_ac_kwh_per_kwp(&months)
        .iter()
        .map(|x| x * a.dc_kw)
        .collect();
    let specific = series.annual_ac_kwh_per_kwp();
    let annual = specific * a.dc_kw;
    let hours = series.ac_kw_per_kwp.len() as f64 * series.step_hours;
    let capacity_factor = specific / hours;
    if let Some(p) = &a.hourly_out {
        let mut out = String::from("timestamp,poa_w_per_m2,cell_temp_c,dc_kw,ac_kw\n");
        let cal = crate::calendar::Calendar::without_holidays(
            w.year,
            crate::calendar::StepLength::from_minutes(w.step_minutes)
                .unwrap_or(crate::calendar::StepLength::Hourly),
            w.site.utc_offset_hours,
        );
        for t in 0..series.ac_kw_per_kwp.len().min(cal.n_steps()) {
            let _ = writeln!(
                out,
                "{},{:.2},{:.2},{:.4},{:.4}",
                cal.timestamp(t),
                series.poa_w_per_m2[t],
                series.cell_temp_c[t],
                series.dc_kw_per_kwp[t] * a.dc_kw,
                series.ac_kw_per_kwp[t] * a.dc_kw
            );
        }
        crate::report::write_atomic(p, out.as_bytes())
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if a.json {
        let v = serde_json::json!({
            "site": {"name": w.site.name, "latitude_deg": w.site.latitude_deg, "longitude_deg": w.site.longitude_deg},
            "weather": a.weather.as_ref().map_or("synthetic Yongzhou typical year".to_string(), |p| p.display().to_string()),
            "weather_format": format,
            "dc_kw": a.dc_kw,
            "tilt_deg": a.tilt_deg,
            "azimuth_deg": a.azimuth_deg,
            "annual_ac_kwh": annual,
            "specific_yield_kwh_per_kwp": specific,
            "capacity_factor": capacity_factor,
            "monthly_ac_kwh": monthly,
        });
        sayln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return Ok(());
    }
    sayln!(
        "PV estimate: {:.1} kW DC at tilt {}°, azimuth {}° ({}, {:.2}°N {:.2}°E)",
        a.dc_kw,
        a.tilt_deg,
        a.azimuth_deg,
        w.site.name,
        w.site.latitude_deg,
        w.site.longitude_deg
    );
    if let Some(p) = &a.weather {
        sayln!("  weather            {} ({format})", p.display());
    }
    sayln!("  annual AC energy   {annual:.0} kWh");
    sayln!("  specific yield     {specific:.0} kWh/kWp");
    sayln!("  capacity factor    {:.1}%", capacity_factor * 100.0);
    sayln!("  month   AC kWh");
    for (m, v) in monthly.iter().enumerate() {
        sayln!("  {:>5}   {v:.0}", m + 1);
    }
    Ok(())
}
