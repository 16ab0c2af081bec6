//! User-side battery storage (用户侧储能) for C&I enterprises: the battery model, the common
//! rule dispatch (两充两放, two charges and two discharges a day) and an exact optimal dispatch.
//!
//! This module owns the physics and the per-step economics of a behind-the-meter battery. It takes
//! plain per-step series (net load, prices, TOU period codes, month indices) in a
//! [`DispatchInput`], so it knows nothing of tariff tables, files or the calendar type. It must
//! not print, read files, or depend on `tariff`.
//!
//! Sign conventions: the battery's AC power `u` is positive when charging; the grid flow
//! `g = net_load + aux + u` is positive when importing (购电) and negative when exporting (上网).
//! The feasible set of one step is the interval of `u` given by [`step_limits`]; both dispatchers
//! stay inside it and [`check_dispatch`] verifies a dispatch against it.

pub mod battery;
pub mod dispatch;
pub mod sizing;

pub use battery::{Battery, BatteryParams, FadeParams};
pub use dispatch::{Dispatch, optimal::OptimalDispatch, rule::RuleDispatch};

/// Errors of the storage module.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum StorageError {
    /// A scalar parameter is outside its valid range.
    #[error("`{field}` = {value} {unit} (must be in {range})")]
    OutOfRange {
        /// Parameter name.
        field: &'static str,
        /// Offending value.
        value: f64,
        /// Unit of the value.
        unit: &'static str,
        /// Valid range, in words.
        range: &'static str,
    },
    /// A per-step value is outside its valid range.
    #[error("`{field}[{step}]` = {value} {unit} (must be in {range})")]
    StepOutOfRange {
        /// Series name.
        field: &'static str,
        /// Step index.
        step: usize,
        /// Offending value.
        value: f64,
        /// Unit of the value.
        unit: &'static str,
        /// Valid range, in words.
        range: &'static str,
    },
    /// Two series that must have the same length do not.
    #[error("`{field}` has {len} steps but `net_load_kw` has {expected}")]
    LengthMismatch {
        /// Series name.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The expected length.
        expected: usize,
    },
    /// No dispatch satisfies the constraints (e.g. a demand level below what the battery can shave).
    #[error("no feasible dispatch in billing period starting at step {start_step}: {reason}")]
    Infeasible {
        /// First step of the billing period.
        start_step: usize,
        /// Why.
        reason: &'static str,
    },
    /// A dispatch violates a constraint (returned by [`check_dispatch`]).
    #[error("dispatch violates `{constraint}` at step {step}: {value} vs limit {limit}")]
    Violation {
        /// Constraint name.
        constraint: &'static str,
        /// Step index.
        step: usize,
        /// Value found.
        value: f64,
        /// The limit it breaks.
        limit: f64,
    },
}

/// Time-of-use period of a step (峰谷分时电价时段): the tariff's own type.
pub use crate::tariff::TouPeriod;

/// Per-step inputs of one enterprise for a storage dispatch over a horizon (a week to a year).
///
/// All series have one value per step. Build with [`DispatchInput::new`] and adjust the options;
/// [`DispatchInput::validate`] is called by the dispatchers.
#[derive(Debug, Clone)]
pub struct DispatchInput {
    /// Step length [h] (1.0 or 0.25).
    pub step_hours: f64,
    /// Net load before the battery, load minus PV [kW]; negative = PV surplus.
    pub net_load_kw: Vec<f64>,
    /// Import energy price, the sum of the TOU components [yuan/kWh], >= 0.
    pub import_price_per_kwh: Vec<f64>,
    /// Export price of energy fed to the grid (上网电价) [yuan/kWh], >= 0; may exceed the import
    /// price in valley steps.
    pub export_price_per_kwh: Vec<f64>,
    /// TOU period code of each step, read by the rule dispatch.
    pub period: Vec<TouPeriod>,
    /// Billing month of each step, 0-11. A maximal run of equal values is one billing period.
    pub month: Vec<u8>,
    /// Demand charge (需量电费) on the monthly maximum of grid import [yuan/kW-month]; `None` when
    /// the enterprise is not billed on demand (单一制 or capacity billing 按容量).
    pub demand_charge_per_kw_month: Option<f64>,
    /// Whether the battery may export (discharge beyond the load). `false` = anti-backflow
    /// (防逆流). Export of PV surplus is always allowed.
    pub battery_export_allowed: bool,
    /// Whether the battery may charge from the grid; `false` = from PV surplus only.
    pub grid_charging_allowed: bool,
    /// Import cap, the transformer capacity [kW].
    pub import_cap_kw: f64,
    /// Degradation cost per kWh of throughput, charged half on the charged and half on the
    /// discharged AC energy [yuan/kWh].
    pub degradation_cost_per_kwh: f64,
}

impl DispatchInput {
    /// A default input: uniform months from the series, no demand charge, export forbidden for the
    /// battery, grid charging allowed, no import cap, no degradation cost.
    ///
    /// # Arguments
    /// * `step_hours` - step length [h]
    /// * `net_load_kw` - load minus PV per step [kW]
    /// * `import_price_per_kwh`, `export_price_per_kwh` - prices per step [yuan/kWh]
    /// * `period` - TOU period per step
    /// * `month` - billing month 0-11 per step
    pub fn new(
        step_hours: f64,
        net_load_kw: Vec<f64>,
        import_price_per_kwh: Vec<f64>,
        export_price_per_kwh: Vec<f64>,
        period: Vec<TouPeriod>,
        month: Vec<u8>,
    ) -> DispatchInput {
        DispatchInput {
            step_hours,
            net_load_kw,
            import_price_per_kwh,
            export_price_per_kwh,
            period,
            month,
            demand_charge_per_kw_month: None,
            battery_export_allowed: false,
            grid_charging_allowed: true,
            import_cap_kw: f64::INFINITY,
            degradation_cost_per_kwh: 0.0,
        }
    }

    /// Number of steps.
    pub fn n_steps(&self) -> usize {
        self.net_load_kw.len()
    }

    /// Checks lengths, finiteness and ranges.
    ///
    /// # Errors
    /// [`StorageError`] naming the field, step, value and valid range.
    pub fn validate(&self) -> Result<(), StorageError> {
        let n = self.n_steps();
        if !(self.step_hours > 0.0 && self.step_hours <= 24.0) {
            return Err(range("step_hours", self.step_hours, "h", "(0, 24]"));
        }
        if n == 0 {
            return Err(range("net_load_kw.len()", 0.0, "steps", ">= 1"));
        }
        for (field, len) in [
            ("import_price_per_kwh", self.import_price_per_kwh.len()),
            ("export_price_per_kwh", self.export_price_per_kwh.len()),
            ("period", self.period.len()),
            ("month", self.month.len()),
        ] {
            if len != n {
                return Err(StorageError::LengthMismatch {
                    field,
                    len,
                    expected: n,
                });
            }
        }
        let finite = |field, v: &[f64], lo: f64, unit, range| {
            // A branch-free scan first (every dispatch validates its year of steps); the
            // offending step is looked for only when there is one.
            let ok = |x: f64| x.is_finite() && x >= lo;
            if v.iter().fold(true, |all, &x| all & ok(x)) {
                return Ok(());
            }
            v.iter().enumerate().try_for_each(|(step, &x)| {
                if ok(x) {
                    Ok(())
                } else {
                    Err(StorageError::StepOutOfRange {
                        field,
                        step,
                        value: x,
                        unit,
                        range,
                    })
                }
            })
        };
        finite("net_load_kw", &self.net_load_kw, f64::MIN, "kW", "finite")?;
        finite(
            "import_price_per_kwh",
            &self.import_price_per_kwh,
            0.0,
            "yuan/kWh",
            ">= 0",
        )?;
        finite(
            "export_price_per_kwh",
            &self.export_price_per_kwh,
            0.0,
            "yuan/kWh",
            ">= 0",
        )?;
        if let Some((step, &m)) = self.month.iter().enumerate().find(|(_, m)| **m > 11) {
            return Err(StorageError::StepOutOfRange {
                field: "month",
                step,
                value: f64::from(m),
                unit: "",
                range: "0..=11",
            });
        }
        validate_demand_charge(self.demand_charge_per_kw_month)?;
        if self.import_cap_kw.is_nan() || self.import_cap_kw < 0.0 {
            return Err(range("import_cap_kw", self.import_cap_kw, "kW", ">= 0"));
        }
        let deg = self.degradation_cost_per_kwh;
        if !(deg.is_finite() && deg >= 0.0) {
            return Err(range("degradation_cost_per_kwh", deg, "yuan/kWh", ">= 0"));
        }
        Ok(())
    }

    /// Billing periods: maximal runs of equal month index, as step ranges.
    pub fn billing_periods(&self) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::with_capacity(13);
        let mut start = 0;
        for t in 1..=self.month.len() {
            if t == self.month.len() || self.month[t] != self.month[start] {
                out.push(start..t);
                start = t;
            }
        }
        out
    }
}

/// Checks a demand charge (`demand_charge_per_kw_month`): finite and >= 0 when given.
///
/// # Errors
/// [`StorageError::OutOfRange`] otherwise.
pub(crate) fn validate_demand_charge(charge: Option<f64>) -> Result<(), StorageError> {
    match charge {
        Some(r) if !(r.is_finite() && r >= 0.0) => Err(range(
            "demand_charge_per_kw_month",
            r,
            "yuan/kW-month",
            ">= 0",
        )),
        _ => Ok(()),
    }
}

fn range(field: &'static str, value: f64, unit: &'static str, r: &'static str) -> StorageError {
    StorageError::OutOfRange {
        field,
        value,
        unit,
        range: r,
    }
}

/// The interval of battery AC power allowed in one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepLimits {
    /// Lowest battery power (most discharge, negative) [kW].
    pub u_min_kw: f64,
    /// Highest battery power (most charge) [kW].
    pub u_max_kw: f64,
}

/// The battery AC power interval allowed in step `t`, before SOC and demand-level limits.
///
/// # Notes
/// With `n = net_load + aux`, `s = max(-n, 0)` the PV surplus and `g = n + u` the grid flow:
/// * power: `-P_dis <= u <= P_ch`;
/// * import cap: `g <= max(cap, n)`, i.e. `u <= max(cap - n, 0)` (the battery never overloads the
///   transformer, and is not asked to relieve a load that already does);
/// * anti-backflow: `g >= min(n, 0)`, i.e. `u >= -max(n, 0)` (discharge covers at most the load);
/// * PV-only charging: `g <= max(n, 0)`, i.e. `u <= s`;
/// * no buying to sell: when the export price exceeds the import price, the grid flow keeps the
///   sign of `n` (`u <= s` if `n < 0`, `u >= -n` if `n >= 0`). Otherwise the step cost would be
///   concave in `g` and a linear program could import and export in the same step.
///
/// `u = 0` is always inside the interval.
pub fn step_limits(input: &DispatchInput, battery: &Battery, t: usize) -> StepLimits {
    let n = input.net_load_kw[t] + battery.aux_power_kw();
    let mut lo = -battery.discharge_power_kw();
    let mut hi = battery.charge_power_kw();
    hi = hi.min((input.import_cap_kw - n).max(0.0));
    if !input.battery_export_allowed {
        lo = lo.max(-n.max(0.0));
    }
    if !input.grid_charging_allowed {
        hi = hi.min((-n).max(0.0));
    }
    if input.export_price_per_kwh[t] > input.import_price_per_kwh[t] {
        if n < 0.0 {
            hi = hi.min(-n);
        } else {
            lo = lo.max(-n);
        }
    }
    StepLimits {
        u_min_kw: lo.min(0.0),
        u_max_kw: hi.max(0.0),
    }
}

/// A dispatch and its cost over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct DispatchResult {
    /// Net battery AC power per step, `charge − discharge`, positive = charging [kW].
    pub battery_kw: Vec<f64>,
    /// Charging AC power per step (step mean) [kW].
    pub charge_kw: Vec<f64>,
    /// Discharging AC power per step (step mean) [kW]. Both are non-zero in one step only in the
    /// optimal dispatch under a binding cycle cap, where the step is time-shared (charging for part
    /// of the step, discharging for the rest), see `dispatch::optimal`.
    pub discharge_kw: Vec<f64>,
    /// Stored energy at the start of each step, plus one final value (n + 1 values) [kWh].
    pub energy_kwh: Vec<f64>,
    /// Grid import per step (step mean) [kW].
    pub import_kw: Vec<f64>,
    /// Grid export per step [kW].
    pub export_kw: Vec<f64>,
    /// Cost breakdown.
    pub cost: CostBreakdown,
}

/// Cost of a dispatch over the horizon [yuan].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CostBreakdown {
    /// Energy bought [yuan].
    pub import_yuan: f64,
    /// Energy sold (positive number, subtracted in the total) [yuan].
    pub export_revenue_yuan: f64,
    /// Demand charges, the sum over billing periods of rate × max import [yuan].
    pub demand_yuan: f64,
    /// Degradation cost of the throughput [yuan].
    pub degradation_yuan: f64,
    /// Battery discharged energy, battery side [kWh].
    pub discharged_kwh: f64,
}

impl CostBreakdown {
    /// Total cost: import − export revenue + demand + degradation [yuan].
    pub fn total_yuan(&self) -> f64 {
        self.import_yuan - self.export_revenue_yuan + self.demand_yuan + self.degradation_yuan
    }
}

/// Builds the full result (grid flows, energy, cost) of charge and discharge series.
///
/// All zeros with `aux = false` gives the no-battery baseline.
pub(crate) fn evaluate(
    input: &DispatchInput,
    battery: &Battery,
    charge_kw: Vec<f64>,
    discharge_kw: Vec<f64>,
    aux: bool,
) -> DispatchResult {
    let charge = input.demand_charge_per_kw_month;
    evaluate_at(input, battery, (charge_kw, discharge_kw), aux, charge)
}

/// [`evaluate`] under the demand charge `demand_charge` in place of the input's.
pub(crate) fn evaluate_at(
    input: &DispatchInput,
    battery: &Battery,
    (charge_kw, discharge_kw): (Vec<f64>, Vec<f64>),
    aux: bool,
    demand_charge: Option<f64>,
) -> DispatchResult {
    let n = input.n_steps();
    let tau = input.step_hours;
    let aux_kw = if aux { battery.aux_power_kw() } else { 0.0 };
    // Element-wise series first (no per-push capacity checks), then the sums in step order.
    let net_u: Vec<f64> = charge_kw
        .iter()
        .zip(&discharge_kw)
        .map(|(ch, dis)| ch - dis)
        .collect();
    let grid = |t: usize| input.net_load_kw[t] + aux_kw + net_u[t];
    let import: Vec<f64> = (0..n).map(|t| grid(t).max(0.0)).collect();
    let export: Vec<f64> = (0..n).map(|t| (-grid(t)).max(0.0)).collect();
    let mut energy = Vec::with_capacity(n + 1);
    let mut e = battery.initial_energy_kwh();
    let mut c = CostBreakdown::default();
    energy.push(e);
    for t in 0..n {
        let (ch, dis) = (charge_kw[t], discharge_kw[t]);
        c.import_yuan += tau * input.import_price_per_kwh[t] * import[t];
        c.export_revenue_yuan += tau * input.export_price_per_kwh[t] * export[t];
        c.degradation_yuan += 0.5 * tau * input.degradation_cost_per_kwh * (ch + dis);
        let out = dis * tau / battery.discharge_efficiency();
        c.discharged_kwh += out;
        e += ch * tau * battery.charge_efficiency() - out;
        energy.push(e);
    }
    if let Some(rate) = demand_charge {
        for p in input.billing_periods() {
            let peak = import[p].iter().fold(0.0_f64, |m, &x| m.max(x));
            c.demand_yuan += rate * peak;
        }
    }
    DispatchResult {
        battery_kw: net_u,
        charge_kw,
        discharge_kw,
        energy_kwh: energy,
        import_kw: import,
        export_kw: export,
        cost: c,
    }
}

/// Splits net battery powers into (charge, discharge) series.
pub(crate) fn split(u: &[f64]) -> (Vec<f64>, Vec<f64>) {
    (
        u.iter().map(|x| x.max(0.0)).collect(),
        u.iter().map(|x| (-x).max(0.0)).collect(),
    )
}

/// The cost of the enterprise without a battery [yuan] (no auxiliary consumption either).
///
/// # Errors
/// [`StorageError`] when the input is invalid.
pub fn no_battery_cost(
    input: &DispatchInput,
    battery: &Battery,
) -> Result<CostBreakdown, StorageError> {
    input.validate()?;
    let z = vec![0.0; input.n_steps()];
    Ok(evaluate(input, battery, z.clone(), z, false).cost)
}

/// Verifies a dispatch against every constraint of the battery and the input.
///
/// Checks per step the power interval of [`step_limits`], the SOC window, the energy balance
/// (`energy[t+1] = energy[t] + η_c u⁺ τ − u⁻ τ / η_d`), grid flows
/// (`import − export = net + aux + u`, one of them zero), the cyclic energy at each billing-period
/// boundary, and the per-period discharge cap of the cycle limit. `tol` is an absolute tolerance
/// [kW or kWh].
///
/// # Errors
/// [`StorageError::Violation`] for the first violated constraint.
pub fn check_dispatch(
    input: &DispatchInput,
    battery: &Battery,
    r: &DispatchResult,
    tol: f64,
) -> Result<(), StorageError> {
    let v = |constraint, step, value: f64, limit: f64| {
        Err(StorageError::Violation {
            constraint,
            step,
            value,
            limit,
        })
    };
    let tau = input.step_hours;
    for t in 0..input.n_steps() {
        let lim = step_limits(input, battery, t);
        let (ch, dis) = (r.charge_kw[t], r.discharge_kw[t]);
        let u = ch - dis;
        if ch < -tol || ch > battery.charge_power_kw() + tol {
            return v("charge power", t, ch, battery.charge_power_kw());
        }
        if dis < -tol || dis > battery.discharge_power_kw() + tol {
            return v("discharge power", t, dis, battery.discharge_power_kw());
        }
        if (u - r.battery_kw[t]).abs() > tol {
            return v("net battery power", t, r.battery_kw[t], u);
        }
        if u < lim.u_min_kw - tol {
            return v("battery power lower limit", t, u, lim.u_min_kw);
        }
        if u > lim.u_max_kw + tol {
            return v("battery power upper limit", t, u, lim.u_max_kw);
        }
        let e1 = r.energy_kwh[t] + ch * tau * battery.charge_efficiency()
            - dis * tau / battery.discharge_efficiency();
        if (e1 - r.energy_kwh[t + 1]).abs() > tol {
            return v("energy balance", t, r.energy_kwh[t + 1], e1);
        }
        let (lo, hi) = (battery.min_energy_kwh(), battery.max_energy_kwh());
        if r.energy_kwh[t + 1] < lo - tol || r.energy_kwh[t + 1] > hi + tol {
            return v("SOC window", t, r.energy_kwh[t + 1], lo);
        }
        let g = input.net_load_kw[t] + battery.aux_power_kw() + u;
        let (i, x) = (r.import_kw[t], r.export_kw[t]);
        if (i - x - g).abs() > tol || i.min(x) > tol || i.min(x) < -tol {
            return v("grid balance", t, i - x, g);
        }
    }
    for p in input.billing_periods() {
        let e0 = battery.initial_energy_kwh();
        if (r.energy_kwh[p.start] - e0).abs() > tol || (r.energy_kwh[p.end] - e0).abs() > tol {
            return v(
                "cyclic energy at billing-period boundary",
                p.start,
                r.energy_kwh[p.end],
                e0,
            );
        }
        let cap = battery.period_discharge_cap_kwh(p.len() as f64 * tau);
        let dis: f64 = (p.start..p.end)
            .map(|t| r.discharge_kw[t] * tau / battery.discharge_efficiency())
            .sum();
        if dis > cap + tol {
            return v(
                "cycle cap (discharged kWh per billing period)",
                p.start,
                dis,
                cap,
            );
        }
    }
    Ok(())
}

/// Synthetic instances and an LP reference solver shared by the tests of this module.
#[cfg(test)]
pub(crate) mod test_support {
    use super::dispatch::lp::linear_program;
    use super::*;
    use good_lp::{
        Expression, ProblemVariables, Solution, SolverModel, Variable, clarabel, constraint,
        variable,
    };
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Which TOU calendar to use.
    #[derive(Clone, Copy, Debug)]
    pub enum Cal {
        /// Hunan 2025: valley 00-06 and 12-14, flat 06-12 and 14-16, peak 16-24, critical
        /// 20-24 in Jul-Aug and 18-22 in Jan/Dec.
        Hunan2025,
        /// An older calendar: valley 23-07, peak 08-11 and 15-19, critical 19-22, flat otherwise.
        Old,
    }

    /// TOU period of an hour of day (0-23) in a month (1-12).
    pub fn period(cal: Cal, hour: usize, month1: usize) -> TouPeriod {
        match cal {
            Cal::Hunan2025 => {
                let crit = (matches!(month1, 7 | 8) && hour >= 20)
                    || (matches!(month1, 1 | 12) && (18..22).contains(&hour));
                if crit {
                    TouPeriod::Critical
                } else if hour >= 16 {
                    TouPeriod::Peak
                } else if hour < 6 || (12..14).contains(&hour) {
                    TouPeriod::Valley
                } else {
                    TouPeriod::Flat
                }
            }
            Cal::Old => {
                if !(7..23).contains(&hour) {
                    TouPeriod::Valley
                } else if (19..22).contains(&hour) {
                    TouPeriod::Critical
                } else if (8..11).contains(&hour) || (15..19).contains(&hour) {
                    TouPeriod::Peak
                } else {
                    TouPeriod::Flat
                }
            }
        }
    }

    /// Import price of a period with flat 0.62 yuan/kWh and the 2025 Hunan ratios.
    pub fn price(p: TouPeriod) -> f64 {
        0.62 * match p {
            TouPeriod::Valley => 0.4,
            TouPeriod::Flat => 1.0,
            TouPeriod::Peak => 1.6,
            TouPeriod::Critical => 1.92,
        }
    }

    /// Options of a synthetic instance.
    #[derive(Clone, Copy, Debug)]
    pub struct Spec {
        pub seed: u64,
        pub days: usize,
        pub start_day: usize,
        pub steps_per_day: usize,
        pub cal: Cal,
        pub pv_kwp: f64,
        pub demand: bool,
    }

    /// A synthetic enterprise: a two-shift factory load with noise, PV, Hunan prices.
    pub fn synthetic(s: Spec) -> DispatchInput {
        let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
        let n = s.days * s.steps_per_day;
        let tau = 24.0 / s.steps_per_day as f64;
        let mut net = Vec::with_capacity(n);
        let mut imp = Vec::with_capacity(n);
        let mut per = Vec::with_capacity(n);
        let mut month = Vec::with_capacity(n);
        let base: f64 = rng.random_range(200.0..600.0);
        for day in s.start_day..s.start_day + s.days {
            let m0 = ((day % 365) as f64 / 30.42) as usize % 12;
            let weekend = day % 7 >= 5;
            let day_scale = if weekend { 0.5 } else { 1.0 } * rng.random_range(0.85..1.15);
            let cloud: f64 = rng.random_range(0.2..1.0);
            for k in 0..s.steps_per_day {
                let h = (k as f64 + 0.5) * tau;
                let work = if (8.0..20.0).contains(&h) { 1.0 } else { 0.35 };
                let load = base * day_scale * work * rng.random_range(0.8..1.2);
                let sun = ((h - 6.0) / 12.0 * std::f64::consts::PI).sin().max(0.0);
                let pv = s.pv_kwp * 0.85 * sun * cloud;
                net.push(load - pv);
                let p = period(s.cal, h as usize, m0 + 1);
                per.push(p);
                imp.push(price(p));
                month.push(m0 as u8);
            }
        }
        let exp = vec![0.45; n];
        let mut inp = DispatchInput::new(tau, net, imp, exp, per, month);
        if s.demand {
            inp.demand_charge_per_kw_month = Some(33.0);
        }
        inp.degradation_cost_per_kwh = 0.05;
        inp
    }

    /// Optimal cost of the dispatch LP by Clarabel (interior point) [yuan].
    pub fn lp_cost(input: &DispatchInput, battery: &Battery) -> f64 {
        let lp = linear_program(input, battery).expect("valid input");
        let mut vars = ProblemVariables::new();
        let xs: Vec<Variable> = (0..lp.cost.len())
            .map(|k| {
                let mut v = variable();
                if lp.var_lo[k].is_finite() {
                    v = v.min(lp.var_lo[k]);
                }
                if lp.var_hi[k].is_finite() {
                    v = v.max(lp.var_hi[k]);
                }
                vars.add(v)
            })
            .collect();
        let obj: Expression = xs.iter().zip(&lp.cost).map(|(x, c)| *c * *x).sum();
        let mut model = vars.minimise(obj.clone()).using(clarabel);
        model
            .settings()
            .tol_gap_rel(1e-10)
            .tol_gap_abs(1e-9)
            .max_iter(400);
        for r in &lp.rows {
            let e: Expression = r.terms.iter().map(|(k, c)| *c * xs[*k]).sum();
            if r.lo.to_bits() == r.hi.to_bits() {
                model.add_constraint(constraint::eq(e, r.lo));
            } else {
                if r.lo.is_finite() {
                    model.add_constraint(constraint::geq(e.clone(), r.lo));
                }
                if r.hi.is_finite() {
                    model.add_constraint(constraint::leq(e, r.hi));
                }
            }
        }
        let sol = model.solve().expect("LP solved");
        sol.eval(&obj) + lp.constant
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn one_step(net: f64, imp: f64, exp: f64) -> DispatchInput {
        DispatchInput::new(
            1.0,
            vec![net],
            vec![imp],
            vec![exp],
            vec![TouPeriod::Valley],
            vec![0],
        )
    }

    fn bat() -> Battery {
        Battery::new(BatteryParams::with_round_trip(400.0, 200.0, 0.9)).unwrap()
    }

    #[test]
    fn step_limits_cases() {
        let b = bat();
        // Plain valley step with load 100: charge up to 200, discharge up to the load.
        let l = step_limits(&one_step(100.0, 0.25, 0.45), &b, 0);
        // Export above import and no surplus: the grid flow stays an import (u >= -100).
        assert_relative_eq!(l.u_min_kw, -100.0);
        assert_relative_eq!(l.u_max_kw, 200.0);
        // PV surplus 50 kW, export 0.45 > valley 0.25: charge only from the surplus (no buying
        // from the grid while PV is sold at a higher price), no discharge (anti-backflow).
        let l = step_limits(&one_step(-50.0, 0.25, 0.45), &b, 0);
        assert_relative_eq!(l.u_max_kw, 50.0);
        assert_relative_eq!(l.u_min_kw, 0.0);
        // Same with export below import: grid charging beyond the surplus is allowed.
        let l = step_limits(&one_step(-50.0, 0.99, 0.45), &b, 0);
        assert_relative_eq!(l.u_max_kw, 200.0);
        // Battery export allowed, export below import: full discharge power.
        let mut i = one_step(100.0, 0.99, 0.45);
        i.battery_export_allowed = true;
        assert_relative_eq!(step_limits(&i, &b, 0).u_min_kw, -200.0);
        // Transformer cap 250 kW with load 100: charge at most 150; with load 300: no charging.
        i.import_cap_kw = 250.0;
        assert_relative_eq!(step_limits(&i, &b, 0).u_max_kw, 150.0);
        i.net_load_kw[0] = 300.0;
        assert_relative_eq!(step_limits(&i, &b, 0).u_max_kw, 0.0);
        // PV-only charging with no surplus: no charging.
        let mut i = one_step(100.0, 0.25, 0.2);
        i.grid_charging_allowed = false;
        assert_relative_eq!(step_limits(&i, &b, 0).u_max_kw, 0.0);
    }

    #[test]
    fn validation_errors_name_field_step_and_range() {
        let mut i = one_step(100.0, 0.25, 0.45);
        i.import_price_per_kwh[0] = -0.1;
        let e = i.validate().unwrap_err().to_string();
        assert!(
            e.contains("import_price_per_kwh[0]") && e.contains(">= 0"),
            "{e}"
        );
        let mut i = one_step(100.0, 0.25, 0.45);
        i.month[0] = 12;
        assert!(i.validate().unwrap_err().to_string().contains("0..=11"));
        let mut i = one_step(100.0, 0.25, 0.45);
        i.period.push(TouPeriod::Peak);
        assert!(matches!(
            i.validate(),
            Err(StorageError::LengthMismatch {
                field: "period",
                ..
            })
        ));
        let mut i = one_step(f64::NAN, 0.25, 0.45);
        assert!(i.validate().is_err());
        i.net_load_kw[0] = 1.0;
        i.step_hours = 0.0;
        assert!(i.validate().unwrap_err().to_string().contains("step_hours"));
    }

    #[test]
    fn evaluate_hand_computed_day() {
        // Two steps of 1 h: charge 100 kW at 0.25 with load 50, discharge 81 kW at 1.0 with load
        // 100; η = 0.9 each way, degradation 0.1 yuan/kWh, demand 30 yuan/kW-month.
        let mut i = DispatchInput::new(
            1.0,
            vec![50.0, 100.0],
            vec![0.25, 1.0],
            vec![0.45, 0.45],
            vec![TouPeriod::Valley, TouPeriod::Peak],
            vec![0, 0],
        );
        i.degradation_cost_per_kwh = 0.1;
        i.demand_charge_per_kw_month = Some(30.0);
        let mut p = BatteryParams::with_round_trip(100.0, 100.0, 0.81);
        p.soc_min_fraction = 0.0;
        p.soc_max_fraction = 1.0;
        p.initial_soc_fraction = 0.0;
        let b = Battery::new(p).unwrap();
        let r = evaluate(&i, &b, vec![100.0, 0.0], vec![0.0, 81.0], true);
        assert_relative_eq!(r.energy_kwh[1], 90.0, epsilon = 1e-12);
        assert_relative_eq!(r.energy_kwh[2], 0.0, epsilon = 1e-12);
        assert_relative_eq!(
            r.cost.import_yuan,
            150.0 * 0.25 + 19.0 * 1.0,
            epsilon = 1e-12
        );
        assert_relative_eq!(r.cost.degradation_yuan, 0.05 * 181.0, epsilon = 1e-12);
        assert_relative_eq!(r.cost.demand_yuan, 30.0 * 150.0, epsilon = 1e-12);
        check_dispatch(&i, &b, &r, 1e-9).unwrap();
        // A dispatch that overdraws the battery is caught.
        let bad = evaluate(&i, &b, vec![50.0, 0.0], vec![0.0, 81.0], true);
        assert!(check_dispatch(&i, &b, &bad, 1e-9).is_err());
    }
}
