//! The optimal-dispatch problem written out as a plain linear program (no solver dependency), so
//! that any general LP solver can check [`super::optimal::OptimalDispatch`] (tests and bench).
//!
//! Variables per step `t`: charge `c_t` [kW], discharge `d_t` [kW], import `i_t` [kW], export
//! `e_t` [kW], stored energy at the end of the step `E_{t+1}` [kWh]; per billing period with a
//! demand charge, the demand level `D_m` [kW]. See the module docs of `optimal` for the model.

use super::super::{Battery, DispatchInput, StorageError, step_limits};

/// One constraint `lo <= Σ coef·x <= hi`.
#[derive(Debug, Clone, PartialEq)]
pub struct LpRow {
    /// (variable index, coefficient) pairs.
    pub terms: Vec<(usize, f64)>,
    /// Lower bound (may be `-inf`).
    pub lo: f64,
    /// Upper bound (may be `inf`).
    pub hi: f64,
}

/// A linear program `min cost·x + constant` subject to rows and variable bounds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinearProgram {
    /// Objective coefficient per variable [yuan per unit].
    pub cost: Vec<f64>,
    /// Constant term of the objective [yuan].
    pub constant: f64,
    /// Lower bound per variable.
    pub var_lo: Vec<f64>,
    /// Upper bound per variable.
    pub var_hi: Vec<f64>,
    /// Constraints.
    pub rows: Vec<LpRow>,
    /// Variable indices of each step: (c, d, i, e, E_{t+1}).
    pub step_vars: Vec<[usize; 5]>,
}

impl LinearProgram {
    fn var(&mut self, cost: f64, lo: f64, hi: f64) -> usize {
        self.cost.push(cost);
        self.var_lo.push(lo);
        self.var_hi.push(hi);
        self.cost.len() - 1
    }
}

/// Writes the optimal-dispatch problem of `input` and `battery` as a linear program.
///
/// # Notes
/// In a step whose export price exceeds its import price, `i_t` (if the net load is a surplus) or
/// `e_t` (otherwise) is fixed to zero, so the LP cannot buy to sell; elsewhere importing and
/// exporting at once costs `p_imp − p_exp >= 0` and is never strictly better.
///
/// # Errors
/// [`StorageError`] when the input is invalid.
pub fn linear_program(
    input: &DispatchInput,
    battery: &Battery,
) -> Result<LinearProgram, StorageError> {
    input.validate()?;
    let tau = input.step_hours;
    let (eta_c, eta_d) = (battery.charge_efficiency(), battery.discharge_efficiency());
    let (e_min, e_max, e0) = (
        battery.min_energy_kwh(),
        battery.max_energy_kwh(),
        battery.initial_energy_kwh(),
    );
    let kappa = 0.5 * input.degradation_cost_per_kwh * tau;
    let mut lp = LinearProgram::default();
    for p in input.billing_periods() {
        let dem = input
            .demand_charge_per_kw_month
            .filter(|r| *r > 0.0)
            .map(|r| lp.var(r, 0.0, f64::INFINITY));
        let mut dis_terms = Vec::new();
        let mut prev_e: Option<usize> = None;
        for t in p.clone() {
            let n = input.net_load_kw[t] + battery.aux_power_kw();
            let (pi, pe) = (input.import_price_per_kwh[t], input.export_price_per_kwh[t]);
            let lim = step_limits(input, battery, t);
            let c = lp.var(kappa, 0.0, battery.charge_power_kw());
            let d = lp.var(kappa, 0.0, battery.discharge_power_kw());
            let i_hi = if pe > pi && n < 0.0 {
                0.0
            } else {
                f64::INFINITY
            };
            let e_hi = if pe > pi && n >= 0.0 {
                0.0
            } else {
                f64::INFINITY
            };
            let i = lp.var(tau * pi, 0.0, i_hi);
            let e = lp.var(-tau * pe, 0.0, e_hi);
            let last = t + 1 == p.end;
            let (lo, hi) = if last { (e0, e0) } else { (e_min, e_max) };
            let en = lp.var(0.0, lo, hi);
            lp.step_vars.push([c, d, i, e, en]);
            // Energy balance.
            let mut terms = vec![(en, 1.0), (c, -eta_c * tau), (d, tau / eta_d)];
            let rhs = match prev_e {
                Some(pv) => {
                    terms.push((pv, -1.0));
                    0.0
                }
                None => e0,
            };
            lp.rows.push(LpRow {
                terms,
                lo: rhs,
                hi: rhs,
            });
            // Grid balance.
            lp.rows.push(LpRow {
                terms: vec![(i, 1.0), (e, -1.0), (c, -1.0), (d, 1.0)],
                lo: n,
                hi: n,
            });
            // Step limits on u = c − d.
            lp.rows.push(LpRow {
                terms: vec![(c, 1.0), (d, -1.0)],
                lo: lim.u_min_kw,
                hi: lim.u_max_kw,
            });
            if let Some(dv) = dem {
                lp.rows.push(LpRow {
                    terms: vec![(i, 1.0), (dv, -1.0)],
                    lo: f64::NEG_INFINITY,
                    hi: 0.0,
                });
            }
            dis_terms.push((d, tau / eta_d));
            prev_e = Some(en);
        }
        let cap = battery.period_discharge_cap_kwh(p.len() as f64 * tau);
        if cap.is_finite() {
            lp.rows.push(LpRow {
                terms: dis_terms,
                lo: f64::NEG_INFINITY,
                hi: cap,
            });
        }
    }
    Ok(lp)
}
