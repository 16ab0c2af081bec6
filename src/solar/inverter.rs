//! Inverter models (逆变器): PVWatts part-load efficiency curve, and Sandia without voltage
//! terms (PVWatts v8); both clip at the AC nameplate.

/// Reference efficiency of the PVWatts curve (`η_ref`) [-].
const ETA_REF: f64 = 0.9637;

/// AC output of a PVWatts inverter [kW].
///
/// # Arguments
/// * `pdc_kw`: DC input [kW]; `pac0_kw`: AC nameplate [kW], > 0; `eta_nom_fraction`: nominal
///   efficiency [-] (PVWatts default 0.96).
///
/// # Returns
/// AC power in `0..=pac0_kw` [kW].
///
/// # Notes
/// `ζ = P_dc/P_dc0` with `P_dc0 = P_ac0/η_nom`; `η = η_nom/η_ref (−0.0162 ζ − 0.0059/ζ + 0.9858)`,
/// `η_ref = 0.9637` (eq. 15 of the reference); output clipped at `P_ac0`; 0 for `P_dc ≤ 0`.
///
/// # References
/// A. P. Dobos, "PVWatts Version 5 Manual," NREL/TP-6A20-62641, National Renewable Energy
/// Laboratory, 2014. <https://doi.org/10.2172/1158421>
pub fn pvwatts_ac(pdc_kw: f64, pac0_kw: f64, eta_nom_fraction: f64) -> f64 {
    if pdc_kw <= 0.0 {
        return 0.0;
    }
    let pdc0 = pac0_kw / eta_nom_fraction;
    let z = pdc_kw / pdc0;
    let eta = eta_nom_fraction / ETA_REF * (-0.0162 * z - 0.0059 / z + 0.9858);
    (eta * pdc_kw).clamp(0.0, pac0_kw)
}

/// AC output of a Sandia inverter without voltage dependence (C0 = C1 = C2 = C3 = 0) [kW].
///
/// # Arguments
/// * `pdc_kw`: DC input [kW]; `pac0_kw`: AC nameplate [kW], > 0; `eta_nom_fraction`: nominal
///   efficiency [-], giving the DC rating `P_dc0 = P_ac0/η_nom`;
/// * `pso_kw`: DC power the inverter needs to start (self-consumption) [kW].
///
/// # Returns
/// AC power in `0..=pac0_kw` [kW].
///
/// # Notes
/// `P_ac = P_ac0/(P_dc0 − P_so) · (P_dc − P_so)` (eq. 2 of the reference with C0 = 0), clipped at
/// `P_ac0` and at 0. PVWatts v8 uses it with `P_so = 0.004931 P_ac0`.
///
/// # References
/// D. L. King, S. Gonzalez, G. M. Galbraith and W. E. Boyson, "Performance model for
/// grid-connected photovoltaic inverters," SAND2007-5036, Sandia National Laboratories, 2007.
/// <https://doi.org/10.2172/920449>
pub fn sandia_linear_ac(pdc_kw: f64, pac0_kw: f64, eta_nom_fraction: f64, pso_kw: f64) -> f64 {
    if pdc_kw <= 0.0 {
        return 0.0;
    }
    let pdc0 = pac0_kw / eta_nom_fraction;
    (pac0_kw / (pdc0 - pso_kw) * (pdc_kw - pso_kw)).clamp(0.0, pac0_kw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn matches_pvlib_and_clips() {
        // pvlib 0.16.1 inverter.pvwatts(0.3, (1/1.2)/0.96, 0.96)
        assert_relative_eq!(
            pvwatts_ac(0.3, 1.0 / 1.2, 0.96),
            0.287_829_513_306_354,
            epsilon = 1e-12
        );
        assert_relative_eq!(pvwatts_ac(0.9, 1.0 / 1.2, 0.96), 1.0 / 1.2, epsilon = 1e-12);
        assert_relative_eq!(pvwatts_ac(0.0, 1.0, 0.96), 0.0);
        // Sandia, no voltage terms: 0.3 kW DC, P_ac0 = 1/1.2, P_so = 0.004931 P_ac0
        let pac0 = 1.0 / 1.2;
        let pso = 0.004931 * pac0;
        assert_relative_eq!(
            sandia_linear_ac(0.3, pac0, 0.96, pso),
            pac0 / (pac0 / 0.96 - pso) * (0.3 - pso),
            epsilon = 1e-12
        );
        assert_relative_eq!(sandia_linear_ac(0.001, pac0, 0.96, pso), 0.0);
        assert_relative_eq!(sandia_linear_ac(2.0, pac0, 0.96, pso), pac0);
    }
}
