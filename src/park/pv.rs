//! PV inputs of a park run: the weather year and the PV output per kWp DC of each orientation
//! used by the enterprises, computed once and shared (an orientation's output serves every
//! enterprise that has it).

use super::SimError;
use super::context::orientation_key;
use super::roster::EnterpriseSpec;
use crate::calendar::Calendar;
use crate::scenario::choice::{TemperatureModel, TranspositionModel};
use crate::scenario::{Normals, Plan, WeatherPlan};
use crate::seed::{self, streams};
use crate::solar::{self, PvSystem};
use crate::weather::{self, WeatherYear};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Read or generate the weather of the plan, on the plan's year.
///
/// The synthetic year is placed at the scenario's site; a weather file keeps its own site.
///
/// # Errors
/// [`SimError::BadInput`] when the file cannot be used (the message names file and line).
pub fn weather_year(plan: &Plan) -> Result<WeatherYear, SimError> {
    let bad = |e: weather::WeatherError| SimError::BadInput(e.to_string());
    let w = match &plan.weather {
        WeatherPlan::Synthetic { normals } => {
            let mut n = match normals {
                Normals::Yongzhou => weather::synthetic::MonthlyNormals::yongzhou(),
                Normals::File(p) => {
                    let text = std::fs::read_to_string(p)
                        .map_err(|e| SimError::BadInput(format!("{}: {e}", p.display())))?;
                    weather::synthetic::MonthlyNormals::from_toml_str(
                        &text,
                        &p.display().to_string(),
                    )
                    .map_err(bad)?
                }
            };
            n.site.latitude_deg = plan.site.latitude_deg;
            n.site.longitude_deg = plan.site.longitude_deg;
            n.site.elevation_m = plan.site.elevation_m;
            n.site.utc_offset_hours = plan.utc_offset_hours;
            let seed = seed::derive(plan.seed, &[streams::WEATHER]);
            // The synthetic year is hourly; a 15-min run repeats each hour's PV mean.
            weather::synthetic::synthetic_year(&n, plan.year, 60, seed).map_err(bad)?
        }
        WeatherPlan::File { data, .. } => (*data.year).clone(),
    };
    Ok(w.with_year(plan.year))
}

/// The PV system of an orientation, from the plan's `[pv]` (unset keys: PVWatts v8 defaults).
pub fn system(plan: &Plan, tilt_deg: f64, azimuth_deg: f64) -> PvSystem {
    let p = &plan.pv;
    let (preset, mounting) = crate::scenario::resolve::pv_preset(p);
    let mut s = PvSystem::preset(preset, mounting, tilt_deg, azimuth_deg)
        .expect("model and mounting checked when the scenario was resolved");
    if let Some(v) = p.albedo_fraction {
        s.albedo_fraction = v;
    }
    if let Some(v) = p.losses_fraction {
        s.losses_fraction = v;
    }
    if let Some(v) = p.dc_ac_ratio {
        s.dc_ac_ratio = v;
    }
    if let Some(v) = p.inverter_efficiency_fraction {
        s.inverter_efficiency_fraction = v;
    }
    if let Some(v) = p.gamma_pdc_per_c {
        s.gamma_pdc_per_c = v;
    }
    if let Some(m) = p.transposition_model {
        s.sky_model = match m {
            TranspositionModel::Isotropic => solar::transposition::SkyModel::Isotropic,
            TranspositionModel::HayDavies => solar::transposition::SkyModel::HayDavies,
            TranspositionModel::Perez => solar::transposition::SkyModel::Perez,
        };
    }
    if let Some(m) = p.temperature_model {
        use solar::temperature as t;
        s.temperature_model = match m {
            TemperatureModel::Fuentes => {
                t::TemperatureModel::Fuentes(t::FuentesParams::pvwatts(match mounting {
                    solar::Mounting::OpenRack => t::PVWATTS_OPEN_RACK_NOCT_C,
                    _ => t::PVWATTS_ROOF_MOUNT_NOCT_C,
                }))
            }
            TemperatureModel::Sapm => t::TemperatureModel::Sapm(match mounting {
                solar::Mounting::OpenRack => t::SAPM_OPEN_RACK_GLASS_POLYMER,
                solar::Mounting::CloseRoof => t::SAPM_INSULATED_BACK_GLASS_POLYMER,
                _ => t::SAPM_CLOSE_ROOF_GLASS_GLASS,
            }),
            TemperatureModel::Faiman => t::TemperatureModel::Faiman {
                u0: t::FAIMAN_DEFAULT_U0,
                u1: t::FAIMAN_DEFAULT_U1,
            },
        };
    }
    s
}

/// PV AC output per kWp DC on the calendar's steps, for every orientation of the roster.
///
/// # Errors
/// [`SimError`] when the weather cannot be read or the PV model rejects a parameter.
pub fn per_kwp_by_orientation(
    plan: &Plan,
    cal: &Calendar,
    roster: &[EnterpriseSpec],
) -> Result<BTreeMap<(u64, u64), Vec<f64>>, SimError> {
    per_kwp_for(plan, cal, &orientations(roster))
}

/// The orientations (tilt, azimuth) [deg] of the roster's modelled arrays, each once, in key
/// order.
pub fn orientations(roster: &[EnterpriseSpec]) -> Vec<(f64, f64)> {
    let mut seen = BTreeMap::new();
    for e in roster.iter().filter(|e| e.premises.pv_file.is_none()) {
        seen.entry(orientation_key(e.premises.tilt_deg, e.premises.azimuth_deg))
            .or_insert((e.premises.tilt_deg, e.premises.azimuth_deg));
    }
    seen.into_values().collect()
}

/// PV AC output per kWp DC on the calendar's steps, for the given orientations (tilt,
/// azimuth) [deg].
///
/// # Errors
/// [`SimError`] when the weather cannot be read or the PV model rejects a parameter.
pub fn per_kwp_for(
    plan: &Plan,
    cal: &Calendar,
    needs_model: &[(f64, f64)],
) -> Result<BTreeMap<(u64, u64), Vec<f64>>, SimError> {
    if needs_model.is_empty() {
        return Ok(BTreeMap::new());
    }
    let w = weather_year(plan)?;
    let per_step = cal.steps_per_day() / 24;
    needs_model
        .par_iter()
        .map(|&(tilt, az)| {
            let s = system(plan, tilt, az);
            let series = solar::pv_per_kwp(&w, &s)
                .map_err(|e| SimError::BadInput(format!("PV model: {e}")))?;
            let ac = &series.ac_kw_per_kwp;
            let out: Vec<f64> = if per_step > 1 && ac.len() * per_step == cal.n_steps() {
                ac.iter()
                    .flat_map(|&x| std::iter::repeat_n(x, per_step))
                    .collect()
            } else {
                ac.clone()
            };
            if out.len() != cal.n_steps() {
                return Err(SimError::BadInput(format!(
                    "weather has {} steps, the {} calendar {}",
                    ac.len(),
                    cal.year(),
                    cal.n_steps()
                )));
            }
            Ok((orientation_key(tilt, az), out))
        })
        .collect()
}
