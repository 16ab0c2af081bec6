//! Inverter model (逆变器): PVWatts part-load efficiency curve and clipping at AC nameplate.

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
    }
}
