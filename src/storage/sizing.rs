//! Storage sizing (储能容量配置) for one enterprise: a grid of durations and power ratings,
//! each dispatched over the horizon, ranked by a simple net present value.
//!
//! NPV = Σ_{y=1..L} (S·SOH(y−1) − O&M) / (1 + r)^y − capex, with `S` the annual cash saving
//! (energy arbitrage plus demand charge), `SOH` the state of health of [`FadeParams`] (1 when no
//! fade is given), O&M a fraction of capex, `L` the life and `r` the discount rate. Without fade
//! this is `(S − O&M)·a − capex` with the annuity factor `a = (1 − (1 + r)^−L) / r`.
//!
//! # References
//! W. Short, D. J. Packey and T. Holt, "A Manual for the Economic Evaluation of Energy Efficiency
//! and Renewable Energy Technologies," NREL/TP-462-5173, 1995 (NPV, annuity factor, simple
//! payback).

use super::{
    Battery, BatteryParams, DispatchInput, FadeParams, StorageError, dispatch::Dispatch,
    no_battery_cost,
};

/// Economic parameters of a sizing study.
#[derive(Debug, Clone, PartialEq)]
pub struct SizingParams {
    /// Capital cost per kWh of nominal capacity [yuan/kWh].
    pub capex_per_kwh: f64,
    /// Capital cost per kW of power rating [yuan/kW].
    pub capex_per_kw: f64,
    /// Operation and maintenance per year as a fraction of capex [fraction/year].
    pub om_fraction_per_year: f64,
    /// Economic life [years], >= 1.
    pub life_years: usize,
    /// Discount rate [fraction/year], >= 0.
    pub discount_rate_fraction: f64,
    /// Durations to try, capacity / power [h].
    pub durations_hours: Vec<f64>,
    /// Power ratings to try, as fractions of the peak net load [fraction].
    pub power_fractions_of_peak: Vec<f64>,
    /// Capacity fade over the life; `None` for none.
    pub fade: Option<FadeParams>,
}

/// Defaults for Hunan C&I storage read from `data/storage/defaults.toml` (sources there).
#[derive(Debug, Clone, PartialEq)]
pub struct HunanDefaults {
    /// Sizing economics (durations 1, 2, 4 h; power 10-50 % of peak).
    pub sizing: SizingParams,
    /// Battery template (capacity and power are set per candidate) [see `BatteryParams`].
    pub battery: BatteryParams,
    /// Degradation cost for dispatch [yuan/kWh throughput].
    pub degradation_cost_per_kwh: f64,
}

/// The embedded storage defaults, `data/storage/defaults.toml`.
pub const DEFAULTS_TOML: &str = include_str!("../../data/storage/defaults.toml");

fn num(t: &toml::Table, sec: &str, key: &'static str) -> Result<f64, StorageError> {
    t.get(sec)
        .and_then(|s| s.get(key))
        .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
        .ok_or(StorageError::OutOfRange {
            field: key,
            value: f64::NAN,
            unit: "",
            range: "present in data/storage/defaults.toml",
        })
}

impl HunanDefaults {
    /// Parses the embedded defaults.
    ///
    /// # Errors
    /// [`StorageError::OutOfRange`] naming a missing key (a defect of the embedded file).
    pub fn embedded() -> Result<HunanDefaults, StorageError> {
        let t: toml::Table = DEFAULTS_TOML
            .parse()
            .map_err(|_| StorageError::OutOfRange {
                field: "data/storage/defaults.toml",
                value: f64::NAN,
                unit: "",
                range: "valid TOML",
            })?;
        let rt = num(&t, "battery", "round_trip_efficiency_fraction")?;
        let mut battery = BatteryParams::with_round_trip(1.0, 1.0, rt);
        battery.soc_min_fraction = num(&t, "battery", "soc_min_fraction")?;
        battery.soc_max_fraction = num(&t, "battery", "soc_max_fraction")?;
        battery.initial_soc_fraction = battery.soc_min_fraction;
        battery.max_cycles_per_day = num(&t, "battery", "max_cycles_per_day")?;
        let eol = num(&t, "battery", "end_of_life_soh_fraction")?;
        let fade = FadeParams {
            calendar_fade_fraction_per_year: num(&t, "battery", "calendar_fade_fraction_per_year")?,
            cycle_fade_fraction_per_cycle: (1.0 - eol) / num(&t, "battery", "cycle_life")?,
            end_of_life_soh_fraction: eol,
        };
        let sizing = SizingParams {
            capex_per_kwh: num(&t, "economics", "capex_per_kwh")?,
            capex_per_kw: num(&t, "economics", "capex_per_kw")?,
            om_fraction_per_year: num(&t, "economics", "om_fraction_per_year")?,
            life_years: num(&t, "economics", "life_years")? as usize,
            discount_rate_fraction: num(&t, "economics", "discount_rate_fraction")?,
            durations_hours: vec![1.0, 2.0, 4.0],
            power_fractions_of_peak: vec![0.1, 0.2, 0.3, 0.5],
            fade: Some(fade),
        };
        Ok(HunanDefaults {
            sizing,
            battery,
            degradation_cost_per_kwh: num(&t, "economics", "degradation_cost_per_kwh")?,
        })
    }
}

/// One evaluated storage size.
#[derive(Debug, Clone, PartialEq)]
pub struct SizingOutcome {
    /// Nominal capacity [kWh].
    pub capacity_kwh: f64,
    /// Power rating [kW].
    pub power_kw: f64,
    /// Capital cost [yuan].
    pub capex_yuan: f64,
    /// Annual saving in energy cost (arbitrage 峰谷套利, PV self-consumption) [yuan/year].
    pub energy_saving_yuan_per_year: f64,
    /// Annual saving in demand charges (需量电费) [yuan/year].
    pub demand_saving_yuan_per_year: f64,
    /// Full equivalent cycles per year (discharged / usable energy) [cycles/year].
    pub cycles_per_year: f64,
    /// Net present value over the life [yuan].
    pub npv_yuan: f64,
    /// Simple payback, capex / (saving − O&M) [years]; `None` when the net saving is not positive.
    pub simple_payback_years: Option<f64>,
    /// Year of cell replacement by the fade model, if within the life.
    pub replacement_year: Option<usize>,
}

/// Present value factor of a level annual amount, `(1 − (1 + r)^−L) / r` (L when r = 0).
pub fn annuity_factor(rate_fraction: f64, years: usize) -> f64 {
    if rate_fraction.abs() < 1e-12 {
        years as f64
    } else {
        (1.0 - (1.0 + rate_fraction).powi(-(years as i32))) / rate_fraction
    }
}

/// Evaluates one size: dispatches it over the horizon and computes the economics.
///
/// # Arguments
/// * `input` - the enterprise's per-step inputs (any horizon; savings are scaled to a year)
/// * `template` - battery parameters whose capacity and power are replaced
/// * `capacity_kwh`, `power_kw` - the size [kWh], [kW]
/// * `params` - economics
/// * `dispatcher` - the dispatch strategy
///
/// # Errors
/// [`StorageError`] for invalid parameters or an infeasible dispatch.
pub fn evaluate_size(
    input: &DispatchInput,
    template: &BatteryParams,
    capacity_kwh: f64,
    power_kw: f64,
    params: &SizingParams,
    dispatcher: &dyn Dispatch,
) -> Result<SizingOutcome, StorageError> {
    let mut p = *template;
    p.capacity_kwh = capacity_kwh;
    p.charge_power_kw = power_kw;
    p.discharge_power_kw = power_kw;
    let b = Battery::new(p)?;
    let base = no_battery_cost(input, &b)?;
    let with = dispatcher.dispatch(input, &b)?.cost;
    let year_scale = 8760.0 / (input.n_steps() as f64 * input.step_hours);
    let energy = |c: &super::CostBreakdown| c.import_yuan - c.export_revenue_yuan;
    let energy_saving = (energy(&base) - energy(&with)) * year_scale;
    let demand_saving = (base.demand_yuan - with.demand_yuan) * year_scale;
    let discharged = with.discharged_kwh * year_scale;
    let capex = params.capex_per_kwh * capacity_kwh + params.capex_per_kw * power_kw;
    let om = params.om_fraction_per_year * capex;
    let saving = energy_saving + demand_saving;
    let r = params.discount_rate_fraction;
    let soh = params
        .fade
        .map(|f| f.soh_by_year(discharged, b.usable_energy_kwh(), params.life_years))
        .unwrap_or_else(|| vec![1.0; params.life_years]);
    let npv = soh
        .iter()
        .enumerate()
        .map(|(y, s)| (saving * s - om) / (1.0 + r).powi(y as i32 + 1))
        .sum::<f64>()
        - capex;
    let net = saving - om;
    Ok(SizingOutcome {
        capacity_kwh,
        power_kw,
        capex_yuan: capex,
        energy_saving_yuan_per_year: energy_saving,
        demand_saving_yuan_per_year: demand_saving,
        cycles_per_year: discharged / b.usable_energy_kwh(),
        npv_yuan: npv,
        simple_payback_years: (net > 0.0).then(|| capex / net),
        replacement_year: params
            .fade
            .and_then(|f| f.replacement_year(discharged, b.usable_energy_kwh(), params.life_years)),
    })
}

/// Sizes storage for an enterprise on the grid durations × power fractions of the peak net load,
/// returning every outcome and the index of the one with the highest NPV.
///
/// # Errors
/// [`StorageError`] for invalid parameters (empty grids, life 0, negative rates) or inputs.
pub fn size_storage(
    input: &DispatchInput,
    template: &BatteryParams,
    params: &SizingParams,
    dispatcher: &dyn Dispatch,
) -> Result<(Vec<SizingOutcome>, usize), StorageError> {
    input.validate()?;
    if params.life_years == 0 {
        return Err(StorageError::OutOfRange {
            field: "life_years",
            value: 0.0,
            unit: "years",
            range: ">= 1",
        });
    }
    let r = params.discount_rate_fraction;
    if !(r.is_finite() && r >= 0.0) {
        return Err(StorageError::OutOfRange {
            field: "discount_rate_fraction",
            value: r,
            unit: "1/year",
            range: ">= 0",
        });
    }
    let peak = input.net_load_kw.iter().fold(0.0_f64, |m, x| m.max(*x));
    let mut out = Vec::new();
    for &h in &params.durations_hours {
        for &f in &params.power_fractions_of_peak {
            let ok = h.is_finite() && h > 0.0 && f.is_finite() && f > 0.0;
            if !ok || peak <= 0.0 {
                return Err(StorageError::OutOfRange {
                    field: "durations_hours × power_fractions_of_peak",
                    value: h * f,
                    unit: "",
                    range: "> 0 with a positive peak net load",
                });
            }
            let kw = f * peak;
            out.push(evaluate_size(
                input,
                template,
                kw * h,
                kw,
                params,
                dispatcher,
            )?);
        }
    }
    let best = out
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.npv_yuan.total_cmp(&b.1.npv_yuan))
        .map(|(i, _)| i)
        .ok_or(StorageError::OutOfRange {
            field: "durations_hours",
            value: 0.0,
            unit: "entries",
            range: ">= 1",
        })?;
    Ok((out, best))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::OptimalDispatch;
    use crate::storage::test_support::{Cal, Spec, synthetic};
    use approx::assert_relative_eq;

    #[test]
    fn annuity_factor_known_values() {
        // (1 - 1.06^-15) / 0.06 = 9.712249 (standard tables).
        assert_relative_eq!(annuity_factor(0.06, 15), 9.712248988, epsilon = 1e-8);
        assert_relative_eq!(annuity_factor(0.0, 10), 10.0);
    }

    #[test]
    fn embedded_defaults_parse() {
        let d = HunanDefaults::embedded().unwrap();
        assert_relative_eq!(d.sizing.capex_per_kwh, 700.0);
        assert_eq!(d.sizing.life_years, 15);
        assert_relative_eq!(d.battery.charge_efficiency_fraction, 0.87_f64.sqrt());
        assert_relative_eq!(
            d.sizing.fade.unwrap().cycle_fade_fraction_per_cycle,
            0.3 / 6000.0
        );
    }

    #[test]
    fn npv_without_fade_is_annuity_formula_and_best_is_max() {
        let input = synthetic(Spec {
            seed: 7,
            days: 28,
            start_day: 150,
            steps_per_day: 24,
            cal: Cal::Hunan2025,
            pv_kwp: 200.0,
            demand: true,
        });
        let d = HunanDefaults::embedded().unwrap();
        let mut params = d.sizing.clone();
        params.fade = None;
        params.durations_hours = vec![1.0, 2.0];
        params.power_fractions_of_peak = vec![0.1, 0.3];
        let (all, best) = size_storage(&input, &d.battery, &params, &OptimalDispatch).unwrap();
        assert_eq!(all.len(), 4);
        for o in &all {
            let saving = o.energy_saving_yuan_per_year + o.demand_saving_yuan_per_year;
            let om = params.om_fraction_per_year * o.capex_yuan;
            let npv = (saving - om) * annuity_factor(0.06, 15) - o.capex_yuan;
            assert_relative_eq!(o.npv_yuan, npv, max_relative = 1e-9);
            assert!(o.demand_saving_yuan_per_year > 0.0 && o.energy_saving_yuan_per_year > 0.0);
            assert!(
                o.cycles_per_year > 100.0 && o.cycles_per_year < 800.0,
                "{o:?}"
            );
        }
        assert!(all.iter().all(|o| o.npv_yuan <= all[best].npv_yuan));
    }
}
