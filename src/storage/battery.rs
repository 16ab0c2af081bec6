//! Battery model: energy window, power limits, one-way efficiencies, auxiliary load, cycle cap, and
//! capacity fade by throughput and calendar ageing for lifetime cash flows.
//!
//! The energy model is the linear "bucket" model used by dispatch optimisers (REopt, SAM's
//! simple battery): `E[t+1] = E[t] + η_c·c·τ − d·τ/η_d`, no simultaneous charge and discharge.

use super::StorageError;

/// Parameters of a battery, as given by a planner (all fields public; validated by
/// [`Battery::new`]).
///
/// # References
/// D. Cutler et al., "REopt: A Platform for Energy System Integration and Optimization,"
/// NREL/TP-7A40-70022, 2017 (storage constraints, section 3.4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatteryParams {
    /// Nominal energy capacity [kWh], > 0.
    pub capacity_kwh: f64,
    /// Maximum charging power, AC side [kW], >= 0.
    pub charge_power_kw: f64,
    /// Maximum discharging power, AC side [kW], >= 0.
    pub discharge_power_kw: f64,
    /// One-way charging efficiency, AC to stored [fraction], in (0, 1].
    pub charge_efficiency_fraction: f64,
    /// One-way discharging efficiency, stored to AC [fraction], in (0, 1].
    pub discharge_efficiency_fraction: f64,
    /// Lowest state of charge [fraction of capacity], in [0, 1).
    pub soc_min_fraction: f64,
    /// Highest state of charge [fraction of capacity], in (soc_min, 1].
    pub soc_max_fraction: f64,
    /// State of charge at the start and at the end of every billing period [fraction], in the
    /// SOC window.
    pub initial_soc_fraction: f64,
    /// Auxiliary consumption (BMS, HVAC of the cabinet) drawn all the time [kW], >= 0.
    pub aux_power_kw: f64,
    /// Warranty cap on full equivalent cycles per day (discharged energy / usable energy)
    /// [cycles/day], > 0; `f64::INFINITY` for none. Enforced per billing period.
    pub max_cycles_per_day: f64,
}

impl BatteryParams {
    /// A battery with a symmetric power rating, the round-trip efficiency split evenly
    /// (`η_c = η_d = sqrt(η_rt)`), SOC window 5-95 %, starting at the lower SOC, no auxiliary load
    /// and no cycle cap.
    ///
    /// # Arguments
    /// * `capacity_kwh` - nominal capacity [kWh]
    /// * `power_kw` - charge and discharge power [kW]
    /// * `round_trip_efficiency_fraction` - AC-to-AC efficiency [fraction]
    pub fn with_round_trip(
        capacity_kwh: f64,
        power_kw: f64,
        round_trip_efficiency_fraction: f64,
    ) -> BatteryParams {
        let eta = round_trip_efficiency_fraction.max(0.0).sqrt();
        BatteryParams {
            capacity_kwh,
            charge_power_kw: power_kw,
            discharge_power_kw: power_kw,
            charge_efficiency_fraction: eta,
            discharge_efficiency_fraction: eta,
            soc_min_fraction: 0.05,
            soc_max_fraction: 0.95,
            initial_soc_fraction: 0.05,
            aux_power_kw: 0.0,
            max_cycles_per_day: f64::INFINITY,
        }
    }
}

/// A validated battery (private fields, built by [`Battery::new`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Battery {
    p: BatteryParams,
}

fn check(
    field: &'static str,
    value: f64,
    ok: bool,
    unit: &'static str,
    range: &'static str,
) -> Result<(), StorageError> {
    if ok && !value.is_nan() {
        Ok(())
    } else {
        Err(StorageError::OutOfRange {
            field,
            value,
            unit,
            range,
        })
    }
}

impl Battery {
    /// Validates the parameters.
    ///
    /// # Errors
    /// [`StorageError::OutOfRange`] naming the field, value, unit and valid range.
    pub fn new(p: BatteryParams) -> Result<Battery, StorageError> {
        let fin = |x: f64| x.is_finite();
        check(
            "capacity_kwh",
            p.capacity_kwh,
            fin(p.capacity_kwh) && p.capacity_kwh > 0.0,
            "kWh",
            "> 0",
        )?;
        check(
            "charge_power_kw",
            p.charge_power_kw,
            fin(p.charge_power_kw) && p.charge_power_kw >= 0.0,
            "kW",
            ">= 0",
        )?;
        check(
            "discharge_power_kw",
            p.discharge_power_kw,
            fin(p.discharge_power_kw) && p.discharge_power_kw >= 0.0,
            "kW",
            ">= 0",
        )?;
        let eff = |x: f64| x > 0.0 && x <= 1.0;
        check(
            "charge_efficiency_fraction",
            p.charge_efficiency_fraction,
            eff(p.charge_efficiency_fraction),
            "",
            "(0, 1]",
        )?;
        check(
            "discharge_efficiency_fraction",
            p.discharge_efficiency_fraction,
            eff(p.discharge_efficiency_fraction),
            "",
            "(0, 1]",
        )?;
        check(
            "soc_min_fraction",
            p.soc_min_fraction,
            (0.0..1.0).contains(&p.soc_min_fraction),
            "",
            "[0, 1)",
        )?;
        check(
            "soc_max_fraction",
            p.soc_max_fraction,
            p.soc_max_fraction > p.soc_min_fraction && p.soc_max_fraction <= 1.0,
            "",
            "(soc_min_fraction, 1]",
        )?;
        let s0 = p.initial_soc_fraction;
        check(
            "initial_soc_fraction",
            s0,
            s0 >= p.soc_min_fraction && s0 <= p.soc_max_fraction,
            "",
            "[soc_min_fraction, soc_max_fraction]",
        )?;
        check(
            "aux_power_kw",
            p.aux_power_kw,
            fin(p.aux_power_kw) && p.aux_power_kw >= 0.0,
            "kW",
            ">= 0",
        )?;
        check(
            "max_cycles_per_day",
            p.max_cycles_per_day,
            p.max_cycles_per_day > 0.0,
            "cycles/day",
            "> 0 (inf for none)",
        )?;
        Ok(Battery { p })
    }

    /// The parameters.
    pub fn params(&self) -> &BatteryParams {
        &self.p
    }
    /// Usable energy, capacity × SOC window [kWh].
    pub fn usable_energy_kwh(&self) -> f64 {
        self.p.capacity_kwh * (self.p.soc_max_fraction - self.p.soc_min_fraction)
    }
    /// Lowest stored energy [kWh].
    pub fn min_energy_kwh(&self) -> f64 {
        self.p.capacity_kwh * self.p.soc_min_fraction
    }
    /// Highest stored energy [kWh].
    pub fn max_energy_kwh(&self) -> f64 {
        self.p.capacity_kwh * self.p.soc_max_fraction
    }
    /// Stored energy at each billing-period boundary [kWh].
    pub fn initial_energy_kwh(&self) -> f64 {
        self.p.capacity_kwh * self.p.initial_soc_fraction
    }
    /// Charge power limit [kW].
    pub fn charge_power_kw(&self) -> f64 {
        self.p.charge_power_kw
    }
    /// Discharge power limit [kW].
    pub fn discharge_power_kw(&self) -> f64 {
        self.p.discharge_power_kw
    }
    /// Charging efficiency [fraction].
    pub fn charge_efficiency(&self) -> f64 {
        self.p.charge_efficiency_fraction
    }
    /// Discharging efficiency [fraction].
    pub fn discharge_efficiency(&self) -> f64 {
        self.p.discharge_efficiency_fraction
    }
    /// Auxiliary consumption [kW].
    pub fn aux_power_kw(&self) -> f64 {
        self.p.aux_power_kw
    }

    /// Change of stored energy in a step of `tau_h` hours at AC power `u_kw` (positive =
    /// charging) [kWh]: `η_c·u·τ` when charging, `u·τ/η_d` when discharging.
    pub fn energy_change_kwh(&self, u_kw: f64, tau_h: f64) -> f64 {
        if u_kw >= 0.0 {
            u_kw * tau_h * self.p.charge_efficiency_fraction
        } else {
            u_kw * tau_h / self.p.discharge_efficiency_fraction
        }
    }

    /// AC power that changes the stored energy by `de_kwh` in a step of `tau_h` hours [kW]
    /// (inverse of [`Battery::energy_change_kwh`]).
    pub fn power_for_energy_change_kw(&self, de_kwh: f64, tau_h: f64) -> f64 {
        if de_kwh >= 0.0 {
            de_kwh / (tau_h * self.p.charge_efficiency_fraction)
        } else {
            de_kwh * self.p.discharge_efficiency_fraction / tau_h
        }
    }

    /// Cap on battery-side discharged energy in a billing period of `hours` hours [kWh]:
    /// `max_cycles_per_day × hours / 24 × usable energy` (infinite without a cap).
    pub fn period_discharge_cap_kwh(&self, hours: f64) -> f64 {
        if self.p.max_cycles_per_day.is_infinite() {
            f64::INFINITY
        } else {
            self.p.max_cycles_per_day * hours / 24.0 * self.usable_energy_kwh()
        }
    }
}

/// Capacity fade parameters: a linear calendar fade plus a linear fade per full equivalent cycle.
///
/// # Notes
/// `SOH(y) = 1 − (calendar + cycle·FEC)·y`, with FEC the full equivalent cycles per year
/// (discharged energy / usable energy when new), the same every year. Linear fade is the semi-empirical model's first-order
/// form; the cycle term is set from a warranty cycle life: `cycle = (1 − eol) / cycle_life`.
///
/// # References
/// B. Xu, A. Oudalov, A. Ulbig, G. Andersson and D. S. Kirschen, "Modeling of lithium-ion battery
/// degradation for cell life assessment," IEEE Trans. Smart Grid, vol. 9, no. 2, pp. 1131-1140,
/// 2018, doi: 10.1109/TSG.2016.2578950.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FadeParams {
    /// Capacity lost per year of calendar ageing [fraction/year].
    pub calendar_fade_fraction_per_year: f64,
    /// Capacity lost per full equivalent cycle [fraction/cycle].
    pub cycle_fade_fraction_per_cycle: f64,
    /// State of health at which the cells are replaced [fraction], e.g. 0.7 or 0.8.
    pub end_of_life_soh_fraction: f64,
}

impl FadeParams {
    /// State of health at the start of each year `0..years` given the annual discharged energy at
    /// full health [kWh/year] and the usable energy when new [kWh]. The battery is assumed to make
    /// the same number of full equivalent cycles every year. No replacement is modelled here:
    /// values may fall below the end-of-life threshold, and are floored at 0.
    pub fn soh_by_year(
        &self,
        annual_discharged_kwh: f64,
        usable_energy_kwh: f64,
        years: usize,
    ) -> Vec<f64> {
        let fec_new = if usable_energy_kwh > 0.0 {
            annual_discharged_kwh / usable_energy_kwh
        } else {
            0.0
        };
        let mut soh = 1.0_f64;
        let mut out = Vec::with_capacity(years);
        for _ in 0..years {
            out.push(soh);
            // The battery cycles the same share of its (smaller) capacity each year.
            soh -=
                self.calendar_fade_fraction_per_year + self.cycle_fade_fraction_per_cycle * fec_new;
            soh = soh.max(0.0);
        }
        out
    }

    /// First year (0-based, counted from commissioning) at whose start the state of health is below
    /// the end-of-life threshold, if within `years`.
    pub fn replacement_year(
        &self,
        annual_discharged_kwh: f64,
        usable_energy_kwh: f64,
        years: usize,
    ) -> Option<usize> {
        self.soh_by_year(annual_discharged_kwh, usable_energy_kwh, years)
            .iter()
            .position(|&s| s < self.end_of_life_soh_fraction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn round_trip_split_and_energy_change() {
        let b = Battery::new(BatteryParams::with_round_trip(200.0, 100.0, 0.81)).unwrap();
        assert_relative_eq!(b.charge_efficiency(), 0.9, epsilon = 1e-12);
        // 100 kW for 1 h charging stores 90 kWh; discharging 90 kW for 1 h removes 100 kWh.
        assert_relative_eq!(b.energy_change_kwh(100.0, 1.0), 90.0, epsilon = 1e-12);
        assert_relative_eq!(b.energy_change_kwh(-90.0, 1.0), -100.0, epsilon = 1e-12);
        assert_relative_eq!(
            b.power_for_energy_change_kw(-100.0, 1.0),
            -90.0,
            epsilon = 1e-12
        );
        assert_relative_eq!(
            b.power_for_energy_change_kw(22.5, 0.25),
            100.0,
            epsilon = 1e-12
        );
        assert_relative_eq!(b.usable_energy_kwh(), 180.0, epsilon = 1e-12);
        assert_relative_eq!(b.min_energy_kwh(), 10.0, epsilon = 1e-12);
    }

    #[test]
    fn validation_names_field_and_range() {
        let mut p = BatteryParams::with_round_trip(200.0, 100.0, 0.9);
        p.soc_max_fraction = 1.2;
        let e = Battery::new(p).unwrap_err().to_string();
        assert!(e.contains("soc_max_fraction") && e.contains("1.2"), "{e}");
        p.soc_max_fraction = 0.9;
        p.charge_efficiency_fraction = f64::NAN;
        assert!(Battery::new(p).is_err());
    }

    #[test]
    fn cycle_cap_per_period() {
        let mut p = BatteryParams::with_round_trip(100.0, 50.0, 0.9);
        p.max_cycles_per_day = 2.0;
        let b = Battery::new(p).unwrap();
        // 30 days × 2 cycles × 90 kWh usable.
        assert_relative_eq!(b.period_discharge_cap_kwh(720.0), 5400.0, epsilon = 1e-9);
    }

    #[test]
    fn fade_and_replacement_year() {
        // 6000 cycles to 70 %: 0.3/6000 = 5e-5 per cycle; 1 %/year calendar.
        let f = FadeParams {
            calendar_fade_fraction_per_year: 0.01,
            cycle_fade_fraction_per_cycle: 0.3 / 6000.0,
            end_of_life_soh_fraction: 0.7,
        };
        // 600 cycles/year: 0.03 + 0.01 = 0.04 per year: SOH 1, 0.96, 0.92, ... year 8 = 0.68.
        let soh = f.soh_by_year(600.0 * 100.0, 100.0, 10);
        assert_relative_eq!(soh[1], 0.96, epsilon = 1e-12);
        assert_relative_eq!(soh[7], 0.72, epsilon = 1e-12);
        assert_eq!(f.replacement_year(600.0 * 100.0, 100.0, 20), Some(8));
        assert_eq!(f.replacement_year(0.0, 100.0, 20), None);
    }
}
