//! Decomposition of global horizontal irradiance (GHI) into direct normal (DNI) and diffuse
//! horizontal (DHI) when a weather source gives GHI only (直散分离): Erbs, DISC and DIRINT.
//!
//! Must not know about planes or modules.

use super::cosd;
use super::dirint_coefficients::DIRINT;

/// Which decomposition model splits GHI when DNI/DHI are missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DecompositionModel {
    /// Erbs, Klein and Duffie 1982 diffuse-fraction correlation.
    Erbs,
    /// DIRINT (Perez et al. 1992), DISC corrected with the stability index.
    #[default]
    Dirint,
}

/// Clearness index `kt = GHI / (E0 · max(cos z, min_cos_zenith))`, limited to `0..=max_kt` [-].
///
/// # Arguments
/// * `ghi_w_per_m2`, `dni_extra_w_per_m2` [W/m²]; `zenith_deg` [deg]; `min_cos_zenith` (pvlib
///   default 0.065); `max_kt` (1 for hourly data).
///
/// # References
/// B. Y. H. Liu and R. C. Jordan, "The interrelationship and characteristic distribution of direct,
/// diffuse and total solar radiation," *Solar Energy*, vol. 4, no. 3, pp. 1-19, 1960.
pub fn clearness_index(
    ghi_w_per_m2: f64,
    zenith_deg: f64,
    dni_extra_w_per_m2: f64,
    min_cos_zenith: f64,
    max_kt: f64,
) -> f64 {
    let i0h = dni_extra_w_per_m2 * cosd(zenith_deg).max(min_cos_zenith);
    (ghi_w_per_m2 / i0h).clamp(0.0, max_kt)
}

/// Erbs decomposition: `(dni, dhi)` [W/m²] from GHI.
///
/// # Arguments
/// * `ghi_w_per_m2` [W/m²]; `zenith_deg` [deg]; `dni_extra_w_per_m2` [W/m²].
///
/// # Notes
/// Diffuse fraction `1 − 0.09 kt` for kt ≤ 0.22, `0.9511 − 0.1604 kt + 4.388 kt² − 16.638 kt³ +
/// 12.336 kt⁴` up to 0.8, then 0.165; DNI = 0 (and DHI = GHI) for z > 87° or negative values, as
/// pvlib `erbs`.
///
/// # References
/// D. G. Erbs, S. A. Klein and J. A. Duffie, "Estimation of the diffuse radiation fraction for
/// hourly, daily and monthly-average global radiation," *Solar Energy*, vol. 28, no. 4,
/// pp. 293-302, 1982. <https://doi.org/10.1016/0038-092X(82)90302-4>
pub fn erbs(ghi_w_per_m2: f64, zenith_deg: f64, dni_extra_w_per_m2: f64) -> (f64, f64) {
    let kt = clearness_index(ghi_w_per_m2, zenith_deg, dni_extra_w_per_m2, 0.065, 1.0);
    let df = if kt <= 0.22 {
        1.0 - 0.09 * kt
    } else if kt <= 0.8 {
        0.9511 + kt * (-0.1604 + kt * (4.388 + kt * (-16.638 + 12.336 * kt)))
    } else {
        0.165
    };
    let dhi = df * ghi_w_per_m2;
    let dni = (ghi_w_per_m2 - dhi) / cosd(zenith_deg);
    if zenith_deg > 87.0 || ghi_w_per_m2 < 0.0 || dni < 0.0 || dni.is_nan() {
        (0.0, ghi_w_per_m2)
    } else {
        (dni, dhi)
    }
}

/// Output of [`disc`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscOutput {
    /// Direct normal irradiance [W/m²].
    pub dni_w_per_m2: f64,
    /// Clearness index [-].
    pub kt: f64,
    /// Absolute air mass used (Kasten 1966, capped at 12) [-]; `NaN` with the sun down.
    pub airmass: f64,
}

/// DISC decomposition: DNI from GHI through the clearness index and air mass.
///
/// # Arguments
/// * `ghi_w_per_m2` [W/m²]; `zenith_deg` [deg]; `day_of_year` 1..=366 (UTC, as pvlib);
///   `pressure_pa` [Pa].
///
/// # Notes
/// `I0` from Spencer with a solar constant of 1370 W/m², Kasten 1966 air mass corrected for
/// pressure and capped at 12, `Kn = Knc − ΔKn` (eqs. of the reference); DNI = 0 for z > 87°.
///
/// # References
/// E. L. Maxwell, "A quasi-physical model for converting hourly global horizontal to direct normal
/// insolation," SERI/TR-215-3087, Solar Energy Research Institute, Golden, CO, 1987.
pub fn disc(ghi_w_per_m2: f64, zenith_deg: f64, day_of_year: u32, pressure_pa: f64) -> DiscOutput {
    let i0 = super::position::extra_radiation_spencer(day_of_year) * 1370.0 / 1366.1;
    let kt = clearness_index(ghi_w_per_m2, zenith_deg, i0, 0.065, 1.0);
    let am_rel = if zenith_deg > 90.0 {
        f64::NAN
    } else {
        1.0 / (cosd(zenith_deg) + 0.15 * (93.885 - zenith_deg).powf(-1.253))
    };
    let am = (am_rel * pressure_pa / 101_325.0).min(12.0);
    let (a, b, c) = if kt <= 0.6 {
        (
            0.512 + kt * (-1.56 + kt * (2.286 - 2.222 * kt)),
            0.37 + 0.962 * kt,
            -0.28 + kt * (0.932 - 2.048 * kt),
        )
    } else {
        (
            -5.743 + kt * (21.77 + kt * (-27.49 + 11.56 * kt)),
            41.4 + kt * (-118.5 + kt * (66.05 + 31.9 * kt)),
            -47.01 + kt * (184.2 + kt * (-222.0 + 73.81 * kt)),
        )
    };
    let delta_kn = a + b * (c * am).exp();
    let knc = 0.866 + am * (-0.122 + am * (0.0121 + am * (-0.000653 + 1.4e-05 * am)));
    let dni = (knc - delta_kn) * i0;
    let dni = if zenith_deg > 87.0 || ghi_w_per_m2 < 0.0 || dni.is_nan() || dni < 0.0 {
        0.0
    } else {
        dni
    };
    DiscOutput {
        dni_w_per_m2: dni,
        kt,
        airmass: am,
    }
}

fn bin(x: f64, edges: &[f64]) -> Option<usize> {
    if x.is_nan() || x < edges[0] {
        return None;
    }
    edges[1..]
        .iter()
        .position(|&e| x < e)
        .or(Some(edges.len() - 2))
}

/// DIRINT decomposition of a GHI time series: DNI per step [W/m²].
///
/// # Arguments
/// * `ghi_w_per_m2` [W/m²], `zenith_deg` [deg], `day_of_year` (1..=366): per step, same length;
/// * `pressure_pa` [Pa]. No dew point is used (the "unknown water" bin).
///
/// # Returns
/// DNI per step; 0 where the sun is down or the model is undefined.
///
/// # Notes
/// DISC DNI times a coefficient looked up by the zenith-independent clearness index
/// `kt' = kt / (1.031 exp(−1.4/(0.9 + 9.4/AM)) + 0.1)` (eq. 1), the zenith, and the stability
/// index Δkt' = mean of |kt' − kt'(prev)| and |kt' − kt'(next)| over defined neighbours (eqs. 2-3).
/// Binning follows pvlib `dirint`.
///
/// # References
/// R. Perez, P. Ineichen, E. Maxwell, R. Seals and A. Zelenka, "Dynamic global-to-direct irradiance
/// conversion models," *ASHRAE Transactions*, vol. 98, pt. 1, pp. 354-369, 1992.
pub fn dirint(
    ghi_w_per_m2: &[f64],
    zenith_deg: &[f64],
    day_of_year: &[u32],
    pressure_pa: f64,
) -> Vec<f64> {
    let n = ghi_w_per_m2
        .len()
        .min(zenith_deg.len())
        .min(day_of_year.len());
    let discs: Vec<DiscOutput> = (0..n)
        .map(|i| disc(ghi_w_per_m2[i], zenith_deg[i], day_of_year[i], pressure_pa))
        .collect();
    let ktp: Vec<f64> = discs
        .iter()
        .map(|d| {
            let f = 1.031 * (-1.4 / (0.9 + 9.4 / d.airmass)).exp() + 0.1;
            (d.kt / f).clamp(0.0, 1.0)
        })
        .collect();
    const KT_EDGES: [f64; 7] = [0.0, 0.24, 0.4, 0.56, 0.7, 0.8, 1.0 + 1e-12];
    const Z_EDGES: [f64; 7] = [0.0, 25.0, 40.0, 55.0, 70.0, 80.0, f64::INFINITY];
    const D_EDGES: [f64; 7] = [0.0, 0.015, 0.035, 0.07, 0.15, 0.3, 1.0 + 1e-12];
    (0..n)
        .map(|i| {
            let k = ktp[i];
            if k.is_nan() {
                return 0.0;
            }
            let mut acc = 0.0;
            let mut cnt = 0.0;
            for j in [i.wrapping_sub(1), i + 1] {
                if j < n && !ktp[j].is_nan() {
                    acc += (k - ktp[j]).abs();
                    cnt += 1.0;
                }
            }
            let dbin = if cnt > 0.0 {
                bin(acc / cnt, &D_EDGES)
            } else {
                Some(6)
            };
            match (bin(k, &KT_EDGES), bin(zenith_deg[i], &Z_EDGES), dbin) {
                (Some(a), Some(b), Some(c)) => discs[i].dni_w_per_m2 * DIRINT[a][b][c][4],
                _ => 0.0,
            }
        })
        .collect()
}

/// DHI from the closure `DHI = GHI − DNI cos z`, at least 0 [W/m²].
pub fn dhi_from_closure(ghi_w_per_m2: f64, dni_w_per_m2: f64, zenith_deg: f64) -> f64 {
    (ghi_w_per_m2 - dni_w_per_m2 * cosd(zenith_deg).max(0.0)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn erbs_and_disc_match_pvlib() {
        // pvlib 0.16.1 erbs(ghi=[300, 800], zenith=[60, 30], doy=[100, 180])
        let e0 = crate::solar::position::extra_radiation_spencer(100);
        let (dni, dhi) = erbs(300.0, 60.0, e0);
        assert_relative_eq!(dni, 135.904_329_91, epsilon = 1e-6);
        assert_relative_eq!(dhi, 232.047_835_04, epsilon = 1e-6);
        let d = disc(800.0, 30.0, 180, 101_325.0);
        assert_relative_eq!(d.dni_w_per_m2, 587.858_381_98, epsilon = 1e-6);
        assert_relative_eq!(d.airmass, 1.153_607_96, epsilon = 1e-7);
    }

    #[test]
    fn dirint_matches_pvlib_day() {
        // pvlib 0.16.1 irradiance.dirint on a clear-sky profile scaled by cloud factors,
        // Yongzhou 2025-06-01 (tools: see decomposition test notes in docs/pv.md)
        let ghi = [
            53.2022, 208.3542, 238.2983, 401.4707, 737.3051, 914.768, 948.4723, 642.4953, 330.0714,
            338.7536, 389.4032, 244.0644, 67.4096,
        ];
        let zen = [
            80.591408, 67.818805, 54.69359, 41.36406, 27.942916, 14.639384, 4.326345, 14.011985,
            27.294266, 40.713353, 54.045401, 67.176929, 79.963859,
        ];
        let expected = [
            0.0,
            128.928_709,
            24.685_301,
            84.584_556,
            433.233_868,
            572.697_512,
            551.214_154,
            218.052_727,
            15.665_015,
            31.058_677,
            228.014_607,
            209.542_299,
            33.501_737,
        ];
        let mut doy = [152u32; 13];
        // pvlib takes the day of year in UTC: 06:30 and 07:30 local are still 31 May UTC
        doy[0] = 151;
        doy[1] = 151;
        let got = dirint(&ghi, &zen, &doy, 101_325.0);
        for (g, e) in got.iter().zip(expected) {
            assert_relative_eq!(*g, e, epsilon = 0.05);
        }
    }
}
