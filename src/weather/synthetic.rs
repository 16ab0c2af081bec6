//! Synthetic typical year (合成典型年) from monthly normals, for sites without a weather file.
//!
//! Daily clearness indices are drawn around each month's mean with a first-order autoregressive
//! anomaly (day-to-day persistence), rescaled so every month reproduces its normal GHI; hours get
//! the shape of extraterrestrial irradiance with small autocorrelated hourly fluctuations. Air
//! temperature follows the monthly normals (interpolated between mid-months) with an
//! autoregressive daily anomaly and a cosine diurnal cycle peaking at 15:00 solar time whose
//! amplitude grows on clear days. DNI/DHI are left out (the PV chain decomposes GHI).
//!
//! # References
//! R. J. Aguiar, M. Collares-Pereira and J. P. Conde, "Simple procedure for generating sequences
//! of daily radiation values using a library of Markov transition matrices," *Solar Energy*,
//! vol. 40, no. 3, pp. 269-279, 1988. <https://doi.org/10.1016/0038-092X(88)90049-7>;
//! R. J. Aguiar and M. Collares-Pereira, "TAG: a time-dependent, autoregressive, Gaussian model for
//! generating synthetic hourly radiation," *Solar Energy*, vol. 49, no. 3, pp. 167-174, 1992.
//! <https://doi.org/10.1016/0038-092X(92)90068-L>

use super::{Site, SourceInfo, WeatherError, WeatherYear, steps_in_year};
use crate::calendar::Date;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Deserialize;

/// Highest latitude the generator serves [deg]: beyond the polar circles a day can have no
/// sunrise or no sunset, which its daily clear-sky model does not represent.
pub const MAX_ABS_LATITUDE_DEG: f64 = 66.0;

/// The embedded default normals, `data/weather/yongzhou-normals.toml`.
pub const YONGZHOU_NORMALS_TOML: &str = include_str!("../../data/weather/yongzhou-normals.toml");

/// Monthly climate normals and variability parameters of a site.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyNormals {
    /// The site.
    pub site: Site,
    /// Mean daily global horizontal irradiation per month [kWh/m²/day].
    pub ghi_kwh_per_m2_day: [f64; 12],
    /// Mean air temperature per month [°C].
    pub temp_air_c: [f64; 12],
    /// Mean daily temperature range (max − min) per month [°C].
    pub diurnal_range_c: [f64; 12],
    /// Mean wind speed per month [m/s].
    pub wind_m_per_s: [f64; 12],
    /// Standard deviation of the daily clearness index around the monthly mean [-].
    pub daily_kt_std: f64,
    /// Lag-1 autocorrelation of the daily clearness-index anomaly [-].
    pub daily_kt_autocorrelation: f64,
    /// Standard deviation of the daily mean temperature anomaly [°C].
    pub temperature_anomaly_std_c: f64,
    /// Lag-1 autocorrelation of the daily temperature anomaly [-].
    pub temperature_anomaly_autocorrelation: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNormals {
    name: String,
    latitude_deg: f64,
    longitude_deg: f64,
    elevation_m: f64,
    utc_offset_hours: f64,
    ghi_scale_factor: f64,
    ghi_kwh_per_m2_day_unscaled: [f64; 12],
    temp_air_c: [f64; 12],
    diurnal_range_c: [f64; 12],
    wind_m_per_s: [f64; 12],
    daily_kt_std: f64,
    daily_kt_autocorrelation: f64,
    temperature_anomaly_std_c: f64,
    temperature_anomaly_autocorrelation: f64,
    /// Read by [`crate::provenance`]; optional in a user's normals file.
    #[serde(rename = "provenance", default)]
    _provenance: Option<serde::de::IgnoredAny>,
}

fn param(field: &str, value: f64, unit: &str, min: f64, max: f64) -> Result<(), WeatherError> {
    if value.is_nan() || value < min || value > max {
        return Err(WeatherError::Parameter {
            field: field.into(),
            value,
            unit: unit.into(),
            range: format!("in {min}..={max}"),
        });
    }
    Ok(())
}

impl MonthlyNormals {
    /// The default Yongzhou normals (Changsha TMYx scaled by 0.90; see the data file).
    pub fn yongzhou() -> MonthlyNormals {
        MonthlyNormals::from_toml_str(YONGZHOU_NORMALS_TOML, "data/weather/yongzhou-normals.toml")
            .expect("embedded Yongzhou normals are valid (checked by a test)")
    }

    /// Parse normals from TOML text in the format of `data/weather/yongzhou-normals.toml`.
    ///
    /// # Errors
    /// [`WeatherError::Format`] for bad TOML or unknown keys, [`WeatherError::Parameter`] for a
    /// value out of range.
    pub fn from_toml_str(text: &str, path: &str) -> Result<MonthlyNormals, WeatherError> {
        let raw: RawNormals = toml::from_str(text).map_err(|e| WeatherError::Format {
            path: path.into(),
            line: e
                .span()
                .map(|s| text[..s.start].lines().count().max(1))
                .unwrap_or(0),
            message: e.message().to_string(),
        })?;
        let n = MonthlyNormals {
            site: Site {
                name: raw.name,
                latitude_deg: raw.latitude_deg,
                longitude_deg: raw.longitude_deg,
                elevation_m: raw.elevation_m,
                utc_offset_hours: raw.utc_offset_hours,
            },
            ghi_kwh_per_m2_day: raw
                .ghi_kwh_per_m2_day_unscaled
                .map(|g| g * raw.ghi_scale_factor),
            temp_air_c: raw.temp_air_c,
            diurnal_range_c: raw.diurnal_range_c,
            wind_m_per_s: raw.wind_m_per_s,
            daily_kt_std: raw.daily_kt_std,
            daily_kt_autocorrelation: raw.daily_kt_autocorrelation,
            temperature_anomaly_std_c: raw.temperature_anomaly_std_c,
            temperature_anomaly_autocorrelation: raw.temperature_anomaly_autocorrelation,
        };
        n.validate()?;
        Ok(n)
    }

    /// Check every value's range (latitude within ±[`MAX_ABS_LATITUDE_DEG`]).
    ///
    /// # Errors
    /// [`WeatherError::Parameter`] naming the field.
    pub fn validate(&self) -> Result<(), WeatherError> {
        param(
            "latitude_deg",
            self.site.latitude_deg,
            "deg",
            -MAX_ABS_LATITUDE_DEG,
            MAX_ABS_LATITUDE_DEG,
        )?;
        param(
            "longitude_deg",
            self.site.longitude_deg,
            "deg",
            -180.0,
            180.0,
        )?;
        param(
            "utc_offset_hours",
            self.site.utc_offset_hours,
            "h",
            -12.0,
            14.0,
        )?;
        for m in 0..12 {
            param(
                &format!("ghi_kwh_per_m2_day[{m}]"),
                self.ghi_kwh_per_m2_day[m],
                "kWh/m²/day",
                0.1,
                9.0,
            )?;
            param(
                &format!("temp_air_c[{m}]"),
                self.temp_air_c[m],
                "°C",
                -50.0,
                50.0,
            )?;
            param(
                &format!("diurnal_range_c[{m}]"),
                self.diurnal_range_c[m],
                "°C",
                0.0,
                30.0,
            )?;
            param(
                &format!("wind_m_per_s[{m}]"),
                self.wind_m_per_s[m],
                "m/s",
                0.0,
                30.0,
            )?;
        }
        param("daily_kt_std", self.daily_kt_std, "", 0.0, 0.4)?;
        param(
            "daily_kt_autocorrelation",
            self.daily_kt_autocorrelation,
            "",
            0.0,
            0.95,
        )?;
        param(
            "temperature_anomaly_std_c",
            self.temperature_anomaly_std_c,
            "°C",
            0.0,
            10.0,
        )?;
        param(
            "temperature_anomaly_autocorrelation",
            self.temperature_anomaly_autocorrelation,
            "",
            0.0,
            0.99,
        )?;
        Ok(())
    }
}

/// Extraterrestrial irradiance on a horizontal plane averaged over a step [W/m²].
///
/// Cooper declination, Spencer-type equation of time (Duffie & Beckman eqs. 1.6.1a, 1.5.3),
/// averaged over 6 sub-steps so sunrise and sunset steps get their partial share.
/// Returns `(extraterrestrial, clear-sky shape)`: the second weights each sub-step by the Meinel
/// clear-sky transmittance `0.7^(AM^0.678)` (Kasten-Young air mass) so that hours near noon get
/// their realistic larger share of the day.
fn extraterrestrial_horizontal(
    site: &Site,
    day_of_year: u32,
    hour_start: f64,
    step_h: f64,
) -> (f64, f64) {
    let doy = f64::from(day_of_year);
    let decl = (23.45f64).to_radians() * (2.0 * std::f64::consts::PI * (284.0 + doy) / 365.0).sin();
    let b = 2.0 * std::f64::consts::PI * (doy - 81.0) / 364.0;
    let eot_min = 9.87 * (2.0 * b).sin() - 7.53 * b.cos() - 1.5 * b.sin();
    let e0 = 1367.0 * (1.0 + 0.033 * (2.0 * std::f64::consts::PI * doy / 365.0).cos());
    let lat = site.latitude_deg.to_radians();
    let shift_h = 4.0 * (site.longitude_deg - 15.0 * site.utc_offset_hours) / 60.0 + eot_min / 60.0;
    const SUB: usize = 6;
    let (mut acc, mut cs) = (0.0, 0.0);
    for k in 0..SUB {
        let t = hour_start + step_h * (k as f64 + 0.5) / SUB as f64 + shift_h;
        let omega = (15.0 * (t - 12.0)).to_radians();
        let cz = lat.sin() * decl.sin() + lat.cos() * decl.cos() * omega.cos();
        if cz > 0.0 {
            let z = cz.acos().to_degrees();
            let am = 1.0 / (cz + 0.50572 * (96.07995 - z).powf(-1.6364));
            acc += e0 * cz;
            cs += e0 * cz * 0.7f64.powf(am.powf(0.678));
        }
    }
    (acc / SUB as f64, cs / SUB as f64)
}

/// Generate a synthetic weather year from monthly normals.
///
/// # Arguments
/// * `normals`: see [`MonthlyNormals::yongzhou`]; `year`: calendar year of the steps;
/// * `step_minutes`: 60 or 15; `seed`: base seed (the stream is `seed::derive(seed, [WEATHER])`).
///
/// # Returns
/// GHI, air temperature and wind per step (DNI/DHI `None`); each month's GHI equals its normal
/// to well within 2 % and each month's mean temperature its normal within 0.1 °C.
///
/// # Errors
/// [`WeatherError::Parameter`] for invalid normals or step.
pub fn synthetic_year(
    normals: &MonthlyNormals,
    year: i32,
    step_minutes: u32,
    seed: u64,
) -> Result<WeatherYear, WeatherError> {
    normals.validate()?;
    if step_minutes != 60 && step_minutes != 15 {
        return Err(WeatherError::Parameter {
            field: "step_minutes".into(),
            value: f64::from(step_minutes),
            unit: "min".into(),
            range: "60 or 15".into(),
        });
    }
    let mut rng =
        ChaCha8Rng::seed_from_u64(crate::seed::derive(seed, &[crate::seed::streams::WEATHER]));
    let mut normal = || -> f64 { StandardNormal.sample(&mut rng) };
    let n = steps_in_year(year, step_minutes);
    let spd = (24 * 60 / step_minutes) as usize;
    let n_days = n / spd;
    let step_h = f64::from(step_minutes) / 60.0;
    let jan1 = Date::new(year, 1, 1)
        .expect("January 1 exists")
        .days_since_epoch();
    let month_of_day: Vec<usize> = (0..n_days)
        .map(|d| usize::from(Date::from_days_since_epoch(jan1 + d as i64).month()) - 1)
        .collect();
    // extraterrestrial horizontal per step and per day [Wh/m²]
    let (g0, shape): (Vec<f64>, Vec<f64>) = (0..n)
        .map(|i| {
            let d = i / spd;
            extraterrestrial_horizontal(
                &normals.site,
                d as u32 + 1,
                (i % spd) as f64 * step_h,
                step_h,
            )
        })
        .unzip();
    let h0_day: Vec<f64> = (0..n_days)
        .map(|d| g0[d * spd..(d + 1) * spd].iter().sum::<f64>() * step_h)
        .collect();
    // daily clearness index: AR(1) anomaly around the monthly mean, rescaled per month
    let (rho, sd) = (normals.daily_kt_autocorrelation, normals.daily_kt_std);
    let mut z = 0.0;
    let mut kt_day: Vec<f64> = Vec::with_capacity(n_days);
    let kt_month: [f64; 12] = std::array::from_fn(|m| {
        let days: Vec<usize> = (0..n_days).filter(|&d| month_of_day[d] == m).collect();
        let h0_mean = days.iter().map(|&d| h0_day[d]).sum::<f64>() / days.len() as f64;
        (normals.ghi_kwh_per_m2_day[m] * 1000.0 / h0_mean).min(0.75)
    });
    for d in 0..n_days {
        z = rho * z + (1.0 - rho * rho).sqrt() * normal();
        kt_day.push((kt_month[month_of_day[d]] + sd * z).clamp(0.03, 0.8));
    }
    for m in 0..12 {
        let days: Vec<usize> = (0..n_days).filter(|&d| month_of_day[d] == m).collect();
        let target = normals.ghi_kwh_per_m2_day[m] * 1000.0 * days.len() as f64;
        for _ in 0..30 {
            let got: f64 = days.iter().map(|&d| kt_day[d] * h0_day[d]).sum();
            let f = target / got;
            if (f - 1.0).abs() < 1e-9 {
                break;
            }
            for &d in &days {
                kt_day[d] = (kt_day[d] * f).clamp(0.01, 0.85);
            }
        }
    }
    // hourly GHI: clear-sky shape x autocorrelated fluctuation, renormalised to the daily total
    let mut ghi = vec![0.0; n];
    let mut e = 0.0;
    for d in 0..n_days {
        let kt = kt_day[d];
        let sigma = 0.25 * (1.0 - kt / 0.85).max(0.0);
        let r = &mut ghi[d * spd..(d + 1) * spd];
        for (k, g) in r.iter_mut().enumerate() {
            e = 0.7 * e + (1.0 - 0.49f64).sqrt() * normal();
            *g = shape[d * spd + k] * (1.0 + sigma * e).clamp(0.0, 2.0);
        }
        let sum: f64 = r.iter().sum::<f64>() * step_h;
        if sum > 0.0 {
            let f = kt * h0_day[d] / sum;
            r.iter_mut().for_each(|g| *g = (*g * f).min(1400.0));
        }
    }
    // temperature: mid-month interpolation + AR(1) anomaly (zero mean per month) + diurnal cosine
    let (rt, st) = (
        normals.temperature_anomaly_autocorrelation,
        normals.temperature_anomaly_std_c,
    );
    let mut a = 0.0;
    let mut anomaly: Vec<f64> = (0..n_days)
        .map(|_| {
            a = rt * a + (1.0 - rt * rt).sqrt() * normal();
            st * a
        })
        .collect();
    let base: Vec<f64> = (0..n_days)
        .map(|d| interpolated_normal(&normals.temp_air_c, year, jan1, d))
        .collect();
    for m in 0..12 {
        let days: Vec<usize> = (0..n_days).filter(|&d| month_of_day[d] == m).collect();
        let want = normals.temp_air_c[m];
        let have = days.iter().map(|&d| base[d] + anomaly[d]).sum::<f64>() / days.len() as f64;
        days.iter().for_each(|&d| anomaly[d] += want - have);
    }
    let mut temp = vec![0.0; n];
    let mut wind = vec![0.0; n];
    for i in 0..n {
        let d = i / spd;
        let m = month_of_day[d];
        let hour = ((i % spd) as f64 + 0.5) * step_h;
        let amp = 0.5
            * normals.diurnal_range_c[m]
            * (0.5 + 0.5 * kt_day[d] / kt_month[m]).clamp(0.5, 1.3);
        let phase = (2.0 * std::f64::consts::PI * (hour - 15.0) / 24.0).cos();
        temp[i] = (base[d] + anomaly[d] + amp * phase).clamp(-59.0, 69.0);
        let wphase = (2.0 * std::f64::consts::PI * (hour - 14.0) / 24.0).cos();
        wind[i] = normals.wind_m_per_s[m] * (1.0 + 0.3 * wphase);
    }
    let w = WeatherYear {
        site: normals.site.clone(),
        year,
        step_minutes,
        sun_minutes_into_step: f64::from(step_minutes) / 2.0,
        ghi_w_per_m2: ghi,
        dni_w_per_m2: None,
        dhi_w_per_m2: None,
        temp_air_c: temp,
        wind_speed_m_per_s: wind,
        source: SourceInfo {
            path: format!(
                "synthetic year from monthly normals of {} (seed {seed})",
                normals.site.name
            ),
            format: "synthetic".into(),
            years_found: vec![year],
            n_records: n,
        },
    };
    w.validate()?;
    Ok(w)
}

/// Monthly normal linearly interpolated between mid-month days (cyclic over the year).
fn interpolated_normal(values: &[f64; 12], year: i32, jan1: i64, day: usize) -> f64 {
    let date = Date::from_days_since_epoch(jan1 + day as i64);
    let m = usize::from(date.month()) - 1;
    let dim = f64::from(crate::calendar::days_in_month(year, date.month()));
    let pos = (f64::from(date.day()) - 0.5) / dim; // 0..1 within the month, 0.5 = mid-month
    if pos >= 0.5 {
        let next = values[(m + 1) % 12];
        values[m] + (next - values[m]) * (pos - 0.5)
    } else {
        let prev = values[(m + 11) % 12];
        values[m] + (prev - values[m]) * (0.5 - pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn embedded_normals_parse() {
        let n = MonthlyNormals::yongzhou();
        assert_relative_eq!(n.ghi_kwh_per_m2_day[6], 5.94 * 0.90, epsilon = 1e-9);
        let bad = YONGZHOU_NORMALS_TOML.replace("daily_kt_std = 0.15", "daily_kt_std = 0.9");
        let e = MonthlyNormals::from_toml_str(&bad, "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("daily_kt_std") && e.contains("0.9"), "{e}");
    }

    /// The generator's contract (it rescales to the normals, so this checks the rescaling, not
    /// the weather): the independent check of the year is
    /// `solar::golden_tests::synthetic_year_yields_what_the_weather_it_derives_from_yields`.
    #[test]
    fn reproduces_monthly_normals_and_is_deterministic() {
        let n = MonthlyNormals::yongzhou();
        let w = synthetic_year(&n, 2025, 60, 7).unwrap();
        let monthly = w.monthly_ghi_kwh_per_m2();
        for (m, got) in monthly.iter().enumerate() {
            let days = f64::from(crate::calendar::days_in_month(2025, m as u8 + 1));
            let want = n.ghi_kwh_per_m2_day[m] * days;
            assert!(
                (got / want - 1.0).abs() < 0.02,
                "month {m}: {got} vs {want}"
            );
        }
        let months = w.months();
        for m in 1..=12u8 {
            let t: Vec<f64> = w
                .temp_air_c
                .iter()
                .zip(&months)
                .filter(|(_, mm)| **mm == m)
                .map(|(t, _)| *t)
                .collect();
            let mean = t.iter().sum::<f64>() / t.len() as f64;
            assert_relative_eq!(mean, n.temp_air_c[usize::from(m) - 1], epsilon = 0.1);
        }
        assert_eq!(w, synthetic_year(&n, 2025, 60, 7).unwrap());
        assert_ne!(
            w.ghi_w_per_m2,
            synthetic_year(&n, 2025, 60, 8).unwrap().ghi_w_per_m2
        );
        let q = synthetic_year(&n, 2024, 15, 7).unwrap();
        assert_eq!(q.n_steps(), 366 * 96);
    }

    #[test]
    fn days_vary_and_persist() {
        let w = synthetic_year(&MonthlyNormals::yongzhou(), 2025, 60, 1).unwrap();
        let daily: Vec<f64> = w
            .ghi_w_per_m2
            .chunks(24)
            .map(|d| d.iter().sum::<f64>() / 1000.0)
            .collect();
        // July only: day-to-day spread and positive lag-1 autocorrelation
        let jul = &daily[181..212];
        let mean = jul.iter().sum::<f64>() / jul.len() as f64;
        let var = jul.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / jul.len() as f64;
        let cov = jul
            .windows(2)
            .map(|p| (p[0] - mean) * (p[1] - mean))
            .sum::<f64>()
            / (jul.len() - 1) as f64;
        assert!(var.sqrt() > 0.5, "daily GHI std {} kWh/m²", var.sqrt());
        assert!(cov / var > 0.0, "lag-1 autocorrelation {}", cov / var);
        // nights are dark
        assert_relative_eq!(w.ghi_w_per_m2[2], 0.0);
    }
}
