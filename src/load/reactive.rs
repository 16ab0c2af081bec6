//! Reactive power (无功功率) and power factor (功率因数) of an enterprise: a kvar series from a
//! power-factor model, reactive compensation (无功补偿) to a target power factor, and the monthly
//! weighted-average power factor used by Chinese power-factor adjustment billing (力调电费).
//!
//! Owns kvar and power factor only; the bill adjustment itself belongs to `tariff`.
//!
//! # References
//! 水利电力部、国家物价局, 《功率因数调整电费办法》, (83)水电财字第215号, 1983.
//! IEEE Std 1459-2010, "IEEE Standard Definitions for the Measurement of Electric Power Quantities
//! Under Sinusoidal, Nonsinusoidal, Balanced, or Unbalanced Conditions," 2010.
//! doi: 10.1109/IEEESTD.2010.5439063

use super::error::LoadError;
use crate::calendar::Calendar;

/// How an enterprise's power factor depends on its loading.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum PowerFactorModel {
    /// The same power factor at every step.
    Constant {
        /// Power factor cos φ (lagging) [fraction], in 0.3..=1.
        pf: f64,
    },
    /// Lower power factor at light load (idle motors and transformers draw magnetising kvar):
    /// `pf = pf_light + (pf_full − pf_light) · p / p_max`, linear in the loading ratio.
    LoadDependent {
        /// Power factor at the year's peak [fraction], in 0.3..=1.
        pf_full_load: f64,
        /// Power factor at zero load (the limit as p → 0) [fraction], in 0.3..=`pf_full_load`.
        pf_light_load: f64,
    },
}

fn check_pf(field: &str, pf: f64, lo: f64) -> Result<(), LoadError> {
    if pf.is_finite() && pf >= lo && pf <= 1.0 {
        Ok(())
    } else {
        Err(LoadError::InvalidParameter {
            field: field.into(),
            value: pf.to_string(),
            valid: format!("in {lo}..=1"),
        })
    }
}

impl PowerFactorModel {
    /// Check the parameters.
    ///
    /// # Errors
    /// [`LoadError::InvalidParameter`] when a power factor is outside 0.3..=1 or the light-load
    /// value exceeds the full-load one.
    pub fn validate(&self) -> Result<(), LoadError> {
        match *self {
            PowerFactorModel::Constant { pf } => check_pf("power_factor.pf", pf, 0.3),
            PowerFactorModel::LoadDependent {
                pf_full_load,
                pf_light_load,
            } => {
                check_pf("power_factor.pf_full_load", pf_full_load, 0.3)?;
                check_pf("power_factor.pf_light_load", pf_light_load, 0.3)?;
                if pf_light_load > pf_full_load {
                    return Err(LoadError::InvalidParameter {
                        field: "power_factor.pf_light_load".into(),
                        value: pf_light_load.to_string(),
                        valid: format!("<= pf_full_load ({pf_full_load})"),
                    });
                }
                Ok(())
            }
        }
    }
}

/// tan φ of a power factor, i.e. kvar per kW.
pub fn tan_phi(pf: f64) -> f64 {
    (1.0 - pf * pf).max(0.0).sqrt() / pf
}

/// Reactive power of each step [kvar] for an active power series and a power-factor model.
///
/// # Arguments
/// * `p_kw` - active power of each step [kW], >= 0
/// * `model` - power-factor model
///
/// # Returns
/// `q = p · tan(acos(pf))` per step [kvar] (inductive, positive).
///
/// # Errors
/// [`LoadError::InvalidParameter`] from [`PowerFactorModel::validate`].
pub fn reactive_kvar(p_kw: &[f64], model: &PowerFactorModel) -> Result<Vec<f64>, LoadError> {
    model.validate()?;
    Ok(match *model {
        PowerFactorModel::Constant { pf } => {
            let t = tan_phi(pf);
            p_kw.iter().map(|&p| p * t).collect()
        }
        PowerFactorModel::LoadDependent {
            pf_full_load,
            pf_light_load,
        } => {
            let p_max = p_kw.iter().copied().fold(0.0_f64, f64::max);
            p_kw.iter()
                .map(|&p| {
                    let r = if p_max > 0.0 { p / p_max } else { 0.0 };
                    p * tan_phi(pf_light_load + (pf_full_load - pf_light_load) * r)
                })
                .collect()
        }
    })
}

/// Reactive power after compensation by a switched capacitor bank (无功补偿装置) [kvar].
///
/// # Arguments
/// * `p_kw` - active power [kW]
/// * `q_kvar` - reactive power before compensation [kvar]
/// * `target_pf` - power factor the automatic controller aims at [fraction], in 0.3..=1
/// * `bank_kvar` - installed bank capacity [kvar], >= 0; `None` for unlimited
///
/// # Returns
/// Per step `q − min(bank, max(0, q − p · tan φ_target))`: the bank never over-compensates
/// (no leading reactive power is created).
///
/// # Errors
/// [`LoadError::InvalidParameter`] for a bad target or bank size;
/// [`LoadError::LengthMismatch`] when the series differ in length.
pub fn compensate(
    p_kw: &[f64],
    q_kvar: &[f64],
    target_pf: f64,
    bank_kvar: Option<f64>,
) -> Result<Vec<f64>, LoadError> {
    check_pf("compensation.target_pf", target_pf, 0.3)?;
    if let Some(b) = bank_kvar
        && !(b.is_finite() && b >= 0.0)
    {
        return Err(LoadError::InvalidParameter {
            field: "compensation.bank_kvar".into(),
            value: format!("{b} kvar"),
            valid: ">= 0 kvar".into(),
        });
    }
    same_len(p_kw, q_kvar)?;
    let t = tan_phi(target_pf);
    let cap = bank_kvar.unwrap_or(f64::INFINITY);
    Ok(p_kw
        .iter()
        .zip(q_kvar)
        .map(|(&p, &q)| q - (q - p * t).max(0.0).min(cap))
        .collect())
}

/// Bank capacity that reaches `target_pf` at every step [kvar]: `max(q − p · tan φ_target, 0)`.
///
/// # Errors
/// As [`compensate`].
pub fn required_compensation_kvar(
    p_kw: &[f64],
    q_kvar: &[f64],
    target_pf: f64,
) -> Result<f64, LoadError> {
    check_pf("compensation.target_pf", target_pf, 0.3)?;
    same_len(p_kw, q_kvar)?;
    let t = tan_phi(target_pf);
    Ok(p_kw
        .iter()
        .zip(q_kvar)
        .fold(0.0_f64, |m, (&p, &q)| m.max(q - p * t)))
}

fn same_len(p: &[f64], q: &[f64]) -> Result<(), LoadError> {
    if p.len() == q.len() {
        Ok(())
    } else {
        Err(LoadError::LengthMismatch {
            what: "q_kvar".into(),
            found: q.len(),
            expected: p.len(),
        })
    }
}

/// Weighted-average power factor from active and reactive energy, as Chinese billing computes it.
///
/// # Arguments
/// * `kwh` - active energy of the billing period [kWh], >= 0
/// * `kvarh` - reactive energy of the period [kvarh]; its magnitude is used
///
/// # Returns
/// `cos φ = kWh / sqrt(kWh² + kvarh²)`; 1 when both are zero.
///
/// # References
/// 《功率因数调整电费办法》, (83)水电财字第215号, 1983 (月加权平均功率因数).
pub fn power_factor_from_energy(kwh: f64, kvarh: f64) -> f64 {
    let s = kwh.hypot(kvarh);
    if s > 0.0 { kwh / s } else { 1.0 }
}

/// Monthly active energy, reactive energy and weighted-average power factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthlyPowerFactor {
    /// Month, 1-12.
    pub month: u8,
    /// Active energy [kWh].
    pub kwh: f64,
    /// Reactive energy, sum of |q| · Δt [kvarh] (反向无功 counts as well, as in billing).
    pub kvarh: f64,
    /// Weighted-average power factor [fraction].
    pub power_factor: f64,
}

/// Monthly weighted-average power factor (月加权平均功率因数) of a year of p and q.
///
/// # Arguments
/// * `cal` - the calendar of the series
/// * `p_kw` - active power per step [kW]
/// * `q_kvar` - reactive power per step [kvar]; leading (negative) kvar counts by magnitude
///
/// # Returns
/// Twelve [`MonthlyPowerFactor`], January first.
///
/// # Errors
/// [`LoadError::LengthMismatch`] when a series does not have one value per calendar step.
///
/// # References
/// 《功率因数调整电费办法》, (83)水电财字第215号, 1983.
pub fn monthly_power_factor(
    cal: &Calendar,
    p_kw: &[f64],
    q_kvar: &[f64],
) -> Result<Vec<MonthlyPowerFactor>, LoadError> {
    if p_kw.len() != cal.n_steps() {
        return Err(LoadError::LengthMismatch {
            what: "p_kw".into(),
            found: p_kw.len(),
            expected: cal.n_steps(),
        });
    }
    same_len(p_kw, q_kvar)?;
    let dt = cal.step_hours();
    Ok((1..=12)
        .map(|m| {
            let r = cal.month_steps(m);
            let kwh = p_kw[r.clone()].iter().sum::<f64>() * dt;
            let kvarh = q_kvar[r].iter().map(|q| q.abs()).sum::<f64>() * dt;
            MonthlyPowerFactor {
                month: m,
                kwh,
                kvarh,
                power_factor: power_factor_from_energy(kwh, kvarh),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::StepLength;
    use approx::assert_relative_eq;

    #[test]
    fn pf_from_energy_is_the_3_4_5_triangle() {
        assert_relative_eq!(power_factor_from_energy(400.0, 300.0), 0.8);
        assert_relative_eq!(power_factor_from_energy(400.0, -300.0), 0.8);
        assert_relative_eq!(power_factor_from_energy(0.0, 0.0), 1.0);
        assert_relative_eq!(tan_phi(0.8), 0.75, epsilon = 1e-12);
    }

    #[test]
    fn constant_pf_gives_that_pf_monthly() {
        let cal = Calendar::without_holidays(2025, StepLength::Hourly, 8.0);
        let p: Vec<f64> = (0..cal.n_steps())
            .map(|i| 100.0 + (i % 24) as f64)
            .collect();
        let q = reactive_kvar(&p, &PowerFactorModel::Constant { pf: 0.85 }).unwrap();
        let months = monthly_power_factor(&cal, &p, &q).unwrap();
        assert_eq!(months.len(), 12);
        for m in &months {
            assert_relative_eq!(m.power_factor, 0.85, epsilon = 1e-12);
        }
        let jan_kwh: f64 = p[..31 * 24].iter().sum();
        assert_relative_eq!(months[0].kwh, jan_kwh);
    }

    #[test]
    fn light_load_lowers_pf() {
        let p = [10.0, 100.0];
        let q = reactive_kvar(
            &p,
            &PowerFactorModel::LoadDependent {
                pf_full_load: 0.9,
                pf_light_load: 0.7,
            },
        )
        .unwrap();
        // At 10 % loading pf = 0.7 + 0.2 * 0.1 = 0.72.
        assert_relative_eq!(q[0], 10.0 * tan_phi(0.72), epsilon = 1e-12);
        assert_relative_eq!(q[1], 100.0 * tan_phi(0.9), epsilon = 1e-12);
        let bad = PowerFactorModel::LoadDependent {
            pf_full_load: 0.8,
            pf_light_load: 0.9,
        };
        assert!(reactive_kvar(&p, &bad).is_err());
    }

    #[test]
    fn compensation_reaches_target_within_bank() {
        // p = 400 kW, q = 300 kvar (pf 0.8); target 0.95 needs q = 400 * tan(acos 0.95) = 131.47.
        let p = [400.0, 400.0];
        let q = [300.0, 100.0];
        let qc = compensate(&p, &q, 0.95, None).unwrap();
        assert_relative_eq!(qc[0], 400.0 * tan_phi(0.95), epsilon = 1e-9);
        assert_relative_eq!(qc[1], 100.0); // already better than target: untouched
        assert_relative_eq!(power_factor_from_energy(p[0], qc[0]), 0.95, epsilon = 1e-12);
        let need = required_compensation_kvar(&p, &q, 0.95).unwrap();
        assert_relative_eq!(need, 300.0 - 400.0 * tan_phi(0.95), epsilon = 1e-9);
        let qb = compensate(&p, &q, 0.95, Some(100.0)).unwrap();
        assert_relative_eq!(qb[0], 200.0);
        assert!(compensate(&p, &q[..1], 0.95, None).is_err());
        assert!(compensate(&p, &q, 1.2, None).is_err());
    }
}
