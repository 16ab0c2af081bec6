//! Plausibility of what a scenario says about each named enterprise, checked when the scenario
//! is resolved so that `check` refuses (or warns about) whatever `run` would simulate.
//!
//! The limits, each named in docs/scenario.md ("Plausibility rules"):
//! - the load's peak (measured, or the synthetic load the run generates) at most
//!   [`PEAK_OVER_TRANSFORMER`] × transformer kVA × power factor: the short-time emergency
//!   loading of an oil-immersed transformer (GB/T 1094.7 / IEC 60076-7);
//! - a PV size given by `pv_kw`: at most [`MAX_PACKING_KW_PER_M2`] kW per m² of the gross roof
//!   (modules over the whole roof at the densest packing the PV model accepts), and its AC
//!   output at most [`PEAK_OVER_TRANSFORMER`] × the transformer's kVA (the export must pass
//!   the transformer) — errors; beyond the roof type's usable share and packing, or beyond the
//!   grid-connection cap of `pv.max_dc_per_transformer_kva`, a warning;
//! - a battery given by `storage_kw` / `storage_kwh`: its power at most
//!   [`PEAK_OVER_TRANSFORMER`] × kVA × power factor (it must charge through the transformer)
//!   and its energy at most [`MAX_STORAGE_DAYS`] days of the enterprise's consumption —
//!   errors; power above the enterprise's peak, or energy above one day's consumption (it can
//!   never be discharged behind the meter in a day), a warning;
//! - a measured PV series (`pv_file`): output at night (the sun below the horizon for the
//!   whole step at `[site]`) above 1% of its annual energy is an error, any night output above
//!   1% of its peak a warning; a series of another year than the scenario's, a warning.

use super::error::ScenarioError;
use super::plan::LoadSource;
use super::raw::{EnterpriseEntry, RawScenario};
use super::resolve::Resolver;
use crate::calendar::Calendar;

/// Highest load peak as a multiple of transformer kVA × power factor (see the module doc).
pub(super) const PEAK_OVER_TRANSFORMER: f64 = 1.3;

/// Densest PV a gross roof area can carry [kW/m²] (the PV model's packing limit, 300 W/m²).
pub(super) const MAX_PACKING_KW_PER_M2: f64 = 0.3;

/// Battery energy refused beyond this many days of the enterprise's consumption.
pub(super) const MAX_STORAGE_DAYS: f64 = 10.0;

/// Share of a measured PV series' annual energy produced at night that is refused.
const NIGHT_ENERGY_REFUSED_FRACTION: f64 = 0.01;

impl Resolver<'_> {
    /// Check enterprise `i`'s load, PV and battery against its transformer, roof and
    /// consumption.
    pub(super) fn plausible_enterprise(
        &self,
        raw: &RawScenario,
        i: usize,
        e: &EnterpriseEntry,
        load: &LoadSource,
        cal: &Calendar,
    ) -> Result<(), ScenarioError> {
        let key = |k: &str| format!("enterprise[{i}].{k}");
        let limit_kw = PEAK_OVER_TRANSFORMER * e.transformer_kva * e.power_factor;
        let (peak_kw, annual_kwh) = match load {
            LoadSource::Archetype {
                name,
                annual_kwh,
                peak_kw,
            } => {
                let p = self.synthetic_p_kw(raw, i, name, *annual_kwh, *peak_kw, cal)?;
                let peak = p.iter().copied().fold(0.0, f64::max);
                let kwh = p.iter().sum::<f64>() * cal.step_hours();
                if peak > limit_kw {
                    let k = if peak_kw.is_some() {
                        "peak_kw"
                    } else {
                        "annual_kwh"
                    };
                    return Err(self.rule(
                        &key(k),
                        format!(
                            "the synthetic load of {kwh:.0} kWh a year peaks at {peak:.0} kW, above {PEAK_OVER_TRANSFORMER} x the transformer's {} kVA x power factor {} = {limit_kw:.0} kW; check `annual_kwh` (in kWh, not Wh?) or `transformer_kva`",
                            e.transformer_kva, e.power_factor
                        ),
                    ));
                }
                (peak, kwh)
            }
            LoadSource::Meter { data, .. } => {
                let g = 1.0 + raw.scenario.load_growth_fraction;
                let p = &data.series.p_kw;
                (
                    p.iter().copied().fold(0.0, f64::max) * g,
                    p.iter().sum::<f64>() * cal.step_hours() * g,
                )
            }
        };
        self.plausible_pv_size(raw, i, e)?;
        self.plausible_battery(i, e, limit_kw, peak_kw, annual_kwh)
    }

    fn plausible_pv_size(
        &self,
        raw: &RawScenario,
        i: usize,
        e: &EnterpriseEntry,
    ) -> Result<(), ScenarioError> {
        let Some(pv_kw) = e.pv_kw else {
            return Ok(());
        };
        let key = format!("enterprise[{i}].pv_kw");
        let roof_max = e.roof_area_m2 * MAX_PACKING_KW_PER_M2;
        if e.roof_area_m2 > 0.0 && pv_kw > roof_max {
            return Err(self.rule(
                &key,
                format!(
                    "{pv_kw} kW on a {} m² roof is more than modules over the whole roof carry ({roof_max:.0} kW at {} W/m²); check `pv_kw` and `roof_area_m2`",
                    e.roof_area_m2,
                    MAX_PACKING_KW_PER_M2 * 1000.0
                ),
            ));
        }
        let ratio = raw
            .pv
            .dc_ac_ratio
            .unwrap_or_else(|| crate::solar::chain::PvSystem::default().dc_ac_ratio);
        let ac_kw = pv_kw / ratio;
        let through = PEAK_OVER_TRANSFORMER * e.transformer_kva;
        if ac_kw > through {
            return Err(self.rule(
                &key,
                format!(
                    "{pv_kw} kW DC ({ac_kw:.0} kW AC at a DC/AC ratio of {ratio}) cannot pass the enterprise's {} kVA transformer (at most {through:.0} kW); check `pv_kw` and `transformer_kva`",
                    e.transformer_kva
                ),
            ));
        }
        let roof = e.roof_type.as_deref().unwrap_or(&raw.pv.roof_type);
        if let Ok(rt) = crate::solar::array::roof_type(roof) {
            let usable = raw
                .pv
                .usable_roof_fraction
                .unwrap_or(rt.usable_share_fraction);
            let fits = e.roof_area_m2 * usable * rt.packing_w_per_m2 / 1000.0;
            if pv_kw > fits * 1.001 {
                self.warn(
                    &key,
                    format!(
                        "{pv_kw} kW is more than a {roof} roof of {} m² takes ({fits:.0} kW: {usable} usable, {} W/m²)",
                        e.roof_area_m2, rt.packing_w_per_m2
                    ),
                );
            }
        }
        let cap = raw
            .pv
            .max_dc_per_transformer_kva
            .unwrap_or_else(crate::solar::array::default_transformer_limit_fraction);
        if pv_kw > cap * e.transformer_kva * 1.001 {
            self.warn(
                &key,
                format!(
                    "{pv_kw} kW is above the grid-connection cap of {cap} x the {} kVA transformer ({:.0} kW, `pv.max_dc_per_transformer_kva`)",
                    e.transformer_kva,
                    cap * e.transformer_kva
                ),
            );
        }
        Ok(())
    }

    fn plausible_battery(
        &self,
        i: usize,
        e: &EnterpriseEntry,
        limit_kw: f64,
        peak_kw: f64,
        annual_kwh: f64,
    ) -> Result<(), ScenarioError> {
        let day_kwh = annual_kwh / 365.0;
        if let Some(kw) = e.storage_kw {
            let key = format!("enterprise[{i}].storage_kw");
            if kw > limit_kw {
                return Err(self.rule(
                    &key,
                    format!(
                        "a {kw} kW battery cannot charge through the {} kVA transformer (at most {limit_kw:.0} kW at power factor {}); check `storage_kw` and `transformer_kva`",
                        e.transformer_kva, e.power_factor
                    ),
                ));
            }
            if kw > peak_kw * 1.001 {
                self.warn(
                    &key,
                    format!(
                        "a {kw} kW battery is above the enterprise's peak of {peak_kw:.0} kW: behind the meter it never discharges at full power"
                    ),
                );
            }
        }
        if let Some(kwh) = e.storage_kwh {
            let key = format!("enterprise[{i}].storage_kwh");
            if kwh > MAX_STORAGE_DAYS * day_kwh {
                return Err(self.rule(
                    &key,
                    format!(
                        "a {kwh} kWh battery holds more than {MAX_STORAGE_DAYS} days of the enterprise's consumption ({day_kwh:.0} kWh a day); check `storage_kwh` (kWh, not Wh?)"
                    ),
                ));
            }
            if kwh > day_kwh * 1.001 {
                self.warn(
                    &key,
                    format!(
                        "a {kwh} kWh battery holds more than a day of the enterprise's consumption ({day_kwh:.0} kWh): it cannot be emptied behind the meter each day"
                    ),
                );
            }
        }
        Ok(())
    }

    /// A measured PV series (`enterprise[i].pv_file`) against the sun at `[site]` and the
    /// scenario's year.
    #[allow(
        clippy::too_many_arguments,
        reason = "predates the six-parameter limit of clippy.toml"
    )]
    pub(super) fn plausible_pv_series(
        &self,
        raw: &RawScenario,
        i: usize,
        path: &std::path::Path,
        ac_kw: &[f64],
        series_year: i32,
        cal: &Calendar,
    ) -> Result<(), ScenarioError> {
        let key = format!("enterprise[{i}].pv_file");
        if series_year != raw.scenario.year {
            self.warn(
                &key,
                format!(
                    "{}: a series of {series_year}, simulated on {}'s calendar (its days keep their dates, not their weekdays)",
                    path.display(),
                    raw.scenario.year
                ),
            );
        }
        let n = ac_kw.len();
        let step_s = cal.step_hours() * 3600.0;
        let observer = crate::solar::position::Observer::at(
            raw.site.latitude_deg,
            raw.site.longitude_deg,
            raw.site.elevation_m,
        );
        let start = crate::calendar::Date::new(raw.scenario.year, 1, 1)
            .map_or(0.0, |d| d.days_since_epoch() as f64 * 86400.0)
            - raw.scenario.utc_offset_hours * 3600.0;
        let dt = crate::solar::position::delta_t_s(raw.scenario.year, 6);
        let path_at = |o: f64| {
            crate::solar::position::sun_path(start + o, step_s, n, &observer, dt).zenith_deg
        };
        let (a, b) = (path_at(0.0), path_at(step_s));
        let peak = ac_kw.iter().copied().fold(0.0, f64::max);
        let total: f64 = ac_kw.iter().sum();
        let (mut night_sum, mut night_steps, mut first) = (0.0, 0usize, None);
        for k in 0..n {
            // Below the horizon at both ends of the step (and so, within an hour, throughout).
            if a[k] > 90.0 && b[k] > 90.0 && ac_kw[k] > 0.01 * peak {
                night_sum += ac_kw[k];
                night_steps += 1;
                first.get_or_insert(k);
            }
        }
        if let Some(k) = first {
            let what = format!(
                "{}: output at night (sun below the horizon at [site]) at {night_steps} steps, {:.1}% of the year's energy, first at step {} ({:.0} kW)",
                path.display(),
                100.0 * night_sum / total.max(1e-12),
                k + 1,
                ac_kw[k]
            );
            if night_sum > NIGHT_ENERGY_REFUSED_FRACTION * total {
                return Err(self.rule(
                    &key,
                    format!("{what}; check the file's time zone (local standard time expected) and that it is PV output"),
                ));
            }
            self.warn(&key, what);
        }
        Ok(())
    }
}
