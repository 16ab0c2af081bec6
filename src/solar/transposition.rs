//! Transposition of horizontal irradiance to the plane of array (POA): angle of incidence,
//! sky-diffuse models (isotropic, Hay-Davies, Perez 1990) and ground-reflected irradiance.
//!
//! Must not know about modules or inverters: irradiance in, irradiance out, all in [W/m²].

use super::perez_coefficients as pc;
use super::{cosd, sind};

/// Orientation of a plane: tilt from horizontal and azimuth clockwise from north (180 = south).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Surface {
    /// Tilt from horizontal [deg], 0..=90 for roofs.
    pub tilt_deg: f64,
    /// Azimuth the plane faces, clockwise from north [deg] (90 = east, 180 = south, 270 = west).
    pub azimuth_deg: f64,
}

/// Which sky-diffuse model transposes diffuse horizontal irradiance (天空散射模型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SkyModel {
    /// Isotropic sky (Liu & Jordan).
    Isotropic,
    /// Hay-Davies (isotropic plus circumsolar).
    HayDavies,
    /// Perez 1990, all-sites composite coefficients (PVWatts v8's model).
    #[default]
    Perez,
}

/// Cosine of the angle of incidence of beam irradiance on a surface [-] (may be negative).
///
/// # Arguments
/// * `surface`: tilt and azimuth [deg]; `zenith_deg`, `sun_azimuth_deg`: sun position [deg].
///
/// # References
/// J. A. Duffie and W. A. Beckman, *Solar Engineering of Thermal Processes*, 4th ed., Wiley,
/// 2013, eq. 1.6.3. <https://doi.org/10.1002/9781118671603>
pub fn aoi_projection(surface: Surface, zenith_deg: f64, sun_azimuth_deg: f64) -> f64 {
    cosd(zenith_deg) * cosd(surface.tilt_deg)
        + sind(zenith_deg) * sind(surface.tilt_deg) * cosd(sun_azimuth_deg - surface.azimuth_deg)
}

/// Angle of incidence of beam irradiance on a surface [deg], 0..=180.
pub fn aoi_deg(surface: Surface, zenith_deg: f64, sun_azimuth_deg: f64) -> f64 {
    aoi_projection(surface, zenith_deg, sun_azimuth_deg)
        .clamp(-1.0, 1.0)
        .acos()
        .to_degrees()
}

/// Ground-reflected irradiance on a tilted plane, isotropic ground [W/m²].
///
/// # Arguments
/// * `tilt_deg` [deg]; `ghi_w_per_m2` [W/m²]; `albedo_fraction` 0..=1.
///
/// # Notes
/// `E_g = GHI · ρ · (1 − cos β)/2`.
///
/// # References
/// B. Y. H. Liu and R. C. Jordan, "The long-term average performance of flat-plate solar-energy
/// collectors," *Solar Energy*, vol. 7, no. 2, pp. 53-74, 1963.
pub fn ground_diffuse(tilt_deg: f64, ghi_w_per_m2: f64, albedo_fraction: f64) -> f64 {
    ghi_w_per_m2 * albedo_fraction * (1.0 - cosd(tilt_deg)) * 0.5
}

/// Sky diffuse on a tilted plane, isotropic sky [W/m²].
///
/// # Notes
/// `E_d = DHI · (1 + cos β)/2`.
///
/// # References
/// B. Y. H. Liu and R. C. Jordan, "The long-term average performance of flat-plate solar-energy
/// collectors," *Solar Energy*, vol. 7, no. 2, pp. 53-74, 1963.
pub fn isotropic(tilt_deg: f64, dhi_w_per_m2: f64) -> f64 {
    dhi_w_per_m2 * (1.0 + cosd(tilt_deg)) * 0.5
}

/// Sky diffuse on a tilted plane, Hay-Davies model [W/m²].
///
/// # Arguments
/// * `surface`; `dhi_w_per_m2`, `dni_w_per_m2`, `dni_extra_w_per_m2` [W/m²]; sun zenith and
///   azimuth [deg].
///
/// # Notes
/// `A = DNI/E0`, `R_b = max(cos θ, 0)/max(cos z, 0.01745)`,
/// `E_d = DHI (A R_b + (1 − A)(1 + cos β)/2)`, as pvlib `haydavies`.
///
/// # References
/// J. E. Hay and J. A. Davies, "Calculation of the solar radiation incident on an inclined
/// surface," in *Proc. First Canadian Solar Radiation Data Workshop*, 1980, pp. 59-72.
pub fn hay_davies(
    surface: Surface,
    dhi_w_per_m2: f64,
    dni_w_per_m2: f64,
    dni_extra_w_per_m2: f64,
    zenith_deg: f64,
    sun_azimuth_deg: f64,
) -> f64 {
    let cos_tt = aoi_projection(surface, zenith_deg, sun_azimuth_deg).max(0.0);
    let cos_z = cosd(zenith_deg).max(0.01745);
    let rb = cos_tt / cos_z;
    let ai = dni_w_per_m2 / dni_extra_w_per_m2;
    (dhi_w_per_m2 * (ai * rb + (1.0 - ai) * (1.0 + cosd(surface.tilt_deg)) * 0.5)).max(0.0)
}

/// Sky diffuse on a tilted plane, Perez 1990 model (all-sites composite coefficients) [W/m²].
///
/// # Arguments
/// * `surface`; `dhi_w_per_m2`, `dni_w_per_m2`, `dni_extra_w_per_m2` [W/m²]; sun zenith and
///   azimuth [deg]; `airmass_relative` (Kasten-Young) [-], `NaN` at night.
///
/// # Returns
/// Isotropic + circumsolar + horizon components together, ≥ 0; 0 when DHI is 0 or the sun is down.
///
/// # Notes
/// Sky clearness `ε = ((DHI + DNI)/DHI + κ z³)/(1 + κ z³)`, κ = 1.041, z in rad; brightness
/// `Δ = DHI · AM / E0`; `F1 = max(f11 + f12 Δ + f13 z, 0)`, `F2 = f21 + f22 Δ + f23 z`;
/// `E_d = DHI ((1 − F1)(1 + cos β)/2 + F1 a/b + F2 sin β)`, `a = max(cos θ, 0)`,
/// `b = max(cos z, cos 85°)` (eqs. 6-9 of the reference; binning as pvlib `perez`).
///
/// # References
/// R. Perez, P. Ineichen, R. Seals, J. Michalsky and R. Stewart, "Modeling daylight availability
/// and irradiance components from direct and global irradiance," *Solar Energy*, vol. 44, no. 5,
/// pp. 271-289, 1990. <https://doi.org/10.1016/0038-092X(90)90055-H>
#[allow(
    clippy::too_many_arguments,
    reason = "predates the six-parameter limit of clippy.toml"
)]
pub fn perez(
    surface: Surface,
    dhi_w_per_m2: f64,
    dni_w_per_m2: f64,
    dni_extra_w_per_m2: f64,
    zenith_deg: f64,
    sun_azimuth_deg: f64,
    airmass_relative: f64,
) -> f64 {
    let cos_tt = aoi_projection(surface, zenith_deg, sun_azimuth_deg);
    perez_with_projection(
        surface.tilt_deg.to_radians().sin_cos(),
        cos_tt,
        dhi_w_per_m2,
        dni_w_per_m2,
        dni_extra_w_per_m2,
        zenith_deg,
        airmass_relative,
    )
}

/// Perez with the angle-of-incidence projection and the tilt's (sin, cos) already computed.
#[allow(
    clippy::too_many_arguments,
    reason = "predates the six-parameter limit of clippy.toml"
)]
pub(crate) fn perez_with_projection(
    (sin_tilt, cos_tilt): (f64, f64),
    cos_tt: f64,
    dhi: f64,
    dni: f64,
    dni_extra: f64,
    zenith_deg: f64,
    airmass_relative: f64,
) -> f64 {
    if dhi.is_nan() || dhi <= 0.0 || airmass_relative.is_nan() {
        return 0.0;
    }
    const KAPPA: f64 = 1.041;
    let z = zenith_deg.to_radians();
    let kz3 = KAPPA * z * z * z;
    let eps = ((dhi + dni) / dhi + kz3) / (1.0 + kz3);
    let bin = pc::EPSILON_BIN_EDGES
        .iter()
        .position(|&edge| eps < edge)
        .unwrap_or(pc::EPSILON_BIN_EDGES.len());
    let delta = dhi * airmass_relative / dni_extra;
    let f1c = pc::F1[bin];
    let f2c = pc::F2[bin];
    let f1 = (f1c[0] + f1c[1] * delta + f1c[2] * z).max(0.0);
    let f2 = f2c[0] + f2c[1] * delta + f2c[2] * z;
    let a = cos_tt.max(0.0);
    let b = z.cos().max(COS_85);
    let sky = dhi * (0.5 * (1.0 - f1) * (1.0 + cos_tilt) + f1 * a / b + f2 * sin_tilt);
    sky.max(0.0)
}

/// cos(85°).
const COS_85: f64 = 0.087_155_742_747_658_17;

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    const S: Surface = Surface {
        tilt_deg: 30.0,
        azimuth_deg: 180.0,
    };

    #[test]
    fn aoi_normal_incidence_and_isotropic() {
        // sun exactly on the normal of the plane
        assert_relative_eq!(aoi_deg(S, 30.0, 180.0), 0.0, epsilon = 1e-6);
        assert_relative_eq!(isotropic(60.0, 100.0), 75.0, epsilon = 1e-12);
        assert_relative_eq!(ground_diffuse(60.0, 800.0, 0.2), 40.0, epsilon = 1e-12);
    }

    #[test]
    fn against_pvlib_values() {
        // pvlib 0.16.1: irradiance.perez(30, 180, dhi=150, dni=600, dni_extra=1400,
        // solar_zenith=40, solar_azimuth=160, airmass=1.3042235) and haydavies(...)
        let am = crate::solar::position::airmass_kasten_young(40.0);
        assert_relative_eq!(am, 1.304_223_540_9, epsilon = 1e-9);
        assert_relative_eq!(
            perez(S, 150.0, 600.0, 1400.0, 40.0, 160.0, am),
            PEREZ_PVLIB,
            epsilon = 1e-6
        );
        assert_relative_eq!(
            hay_davies(S, 150.0, 600.0, 1400.0, 40.0, 160.0),
            HAY_PVLIB,
            epsilon = 1e-6
        );
        assert_relative_eq!(perez(S, 0.0, 0.0, 1400.0, 95.0, 160.0, f64::NAN), 0.0);
    }
    const PEREZ_PVLIB: f64 = 188.822_701_154_423_78;
    const HAY_PVLIB: f64 = 160.990_084_632_951_32;
}
