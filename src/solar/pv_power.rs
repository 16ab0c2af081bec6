//! DC power of a PV array (直流功率): PVWatts linear model, spectral (air-mass) modifier, system
//! losses, and degradation over the lifetime (组件衰减).

/// DC power, PVWatts model [kW].
///
/// # Arguments
/// * `effective_irradiance_w_per_m2`: POA irradiance transmitted to the cells [W/m²];
/// * `temp_cell_c` [°C]; `pdc0_kw`: DC nameplate at STC [kW];
/// * `gamma_pdc_per_c`: power temperature coefficient [1/°C] (PVWatts v8 standard −0.0037).
///
/// # Notes
/// `P_dc = P_dc0 · E/1000 · (1 + γ (T_c − 25))` (eq. 2 of the reference).
///
/// # References
/// A. P. Dobos, "PVWatts Version 5 Manual," NREL/TP-6A20-62641, National Renewable Energy
/// Laboratory, 2014. <https://doi.org/10.2172/1158421>
pub fn pvwatts_dc(
    effective_irradiance_w_per_m2: f64,
    temp_cell_c: f64,
    pdc0_kw: f64,
    gamma_pdc_per_c: f64,
) -> f64 {
    pdc0_kw * effective_irradiance_w_per_m2 / 1000.0
        * (1.0 + gamma_pdc_per_c * (temp_cell_c - 25.0))
}

/// De Soto air-mass (spectral) modifier coefficients `a0..a4` used by SAM and PVWatts v8.
pub const DESOTO_AIRMASS_COEFFICIENTS: [f64; 5] =
    [0.918093, 0.086257, -0.024459, 0.002816, -0.000126];

/// Spectral modifier as a polynomial in absolute air mass, as PVWatts v8 applies it [-].
///
/// # Arguments
/// * `zenith_deg`: solar zenith [deg]; `elevation_m`: site elevation [m].
///
/// # Notes
/// `AM = exp(−0.0001184 h)/(cos z + 0.5057 (96.080 − z)^−1.634)` (Kasten-Young with the constants
/// as written in NREL ssc), `M = Σ a_i AM^i`, at least 0; 1 with the sun down.
///
/// # References
/// W. De Soto, S. A. Klein and W. A. Beckman, "Improvement and validation of a model for
/// photovoltaic array performance," *Solar Energy*, vol. 80, no. 1, pp. 78-88, 2006.
/// <https://doi.org/10.1016/j.solener.2005.06.010>
pub fn desoto_airmass_modifier(zenith_deg: f64, elevation_m: f64) -> f64 {
    if zenith_deg >= 90.0 {
        return 1.0;
    }
    let am = (-0.0001184 * elevation_m).exp()
        / (zenith_deg.to_radians().cos() + 0.5057 * (96.080 - zenith_deg).powf(-1.634));
    desoto_polynomial(am)
}

/// The De Soto air-mass polynomial `max(Σ a_i AM^i, 0)` at an absolute air mass [-].
///
/// # Arguments
/// * `airmass_absolute`: pressure-corrected air mass [-] (PVWatts: `exp(−0.0001184 h) · AM_rel`).
///
/// # References
/// W. De Soto, S. A. Klein and W. A. Beckman (2006), see [`desoto_airmass_modifier`].
pub fn desoto_polynomial(airmass_absolute: f64) -> f64 {
    let am = airmass_absolute;
    let a = DESOTO_AIRMASS_COEFFICIENTS;
    (a[0] + am * (a[1] + am * (a[2] + am * (a[3] + am * a[4])))).max(0.0)
}

/// Total of independent loss fractions, `1 − Π(1 − l_i)` [-].
///
/// # Arguments
/// * `losses_fraction`: each loss as a fraction (0.02 for 2 %), each in 0..=1.
///
/// # Notes
/// PVWatts default categories (soiling 2 %, shading 3 %, snow 0, mismatch 2 %, wiring 2 %,
/// connections 0.5 %, light-induced degradation 1.5 %, nameplate 1 %, age 0, availability 3 %)
/// give 14.08 % (eq. 4 of Dobos 2014; values in `data/pv/pvwatts_defaults.toml`).
pub fn combined_losses_fraction(losses_fraction: &[f64]) -> f64 {
    1.0 - losses_fraction.iter().map(|l| 1.0 - l).product::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn dc_losses_degradation() {
        // pvlib 0.16.1 pvsystem.pvwatts_dc(800, 45, 1.0, -0.0037) = 0.7408
        assert_relative_eq!(
            pvwatts_dc(800.0, 45.0, 1.0, -0.0037),
            0.7408,
            epsilon = 1e-12
        );
        let pvwatts = [0.02, 0.03, 0.0, 0.02, 0.02, 0.005, 0.015, 0.01, 0.0, 0.03];
        assert_relative_eq!(combined_losses_fraction(&pvwatts), 0.1408, epsilon = 5e-5);
    }

    #[test]
    fn airmass_modifier_near_one_at_am15() {
        // AM 1.5 at sea level is z ≈ 48.2°: DeSoto's polynomial is ≈ 1 there by construction
        let m = desoto_airmass_modifier(48.19, 0.0);
        assert_relative_eq!(m, 1.0, epsilon = 0.01);
        assert_relative_eq!(desoto_airmass_modifier(95.0, 0.0), 1.0);
    }
}
