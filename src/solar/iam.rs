//! Incidence-angle modifiers (入射角修正): the share of plane-of-array irradiance that passes the
//! module's glass cover, as a function of the angle of incidence.
//!
//! Must not know about sky models: takes POA components already transposed.

/// Glass cover of a PV module, for the Fresnel/Bouguer transmittance model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoverParams {
    /// Refractive index of the glass [-].
    pub refractive_index: f64,
    /// Glazing extinction coefficient [1/m].
    pub extinction_per_m: f64,
    /// Glazing thickness [m].
    pub thickness_m: f64,
}

/// Standard module glass of PVWatts v8 and SAM: n = 1.526, K = 4 /m, L = 2 mm
/// (`lib_pv_incidence_modifier.h` in NREL ssc).
pub const PVWATTS_GLASS: CoverParams = CoverParams {
    refractive_index: 1.526,
    extinction_per_m: 4.0,
    thickness_m: 0.002,
};

/// Transmittance of a cover at an angle of incidence, not normalised [-].
///
/// # Arguments
/// * `aoi_deg`: angle of incidence [deg], 0..90; `cover`: glass parameters.
///
/// # Notes
/// Snell refraction `θr = asin(sin θ / n)`, Fresnel reflection averaged over both polarisations,
/// Bouguer absorption `exp(−K L / cos θr)` (eqs. 5.1.4-5.2.2 of the reference). At 0° the
/// Fresnel limit `1 − ((n−1)/(n+1))²` is used.
///
/// # References
/// J. A. Duffie and W. A. Beckman, *Solar Engineering of Thermal Processes*, 4th ed., Wiley,
/// 2013, ch. 5. <https://doi.org/10.1002/9781118671603>
pub fn transmittance(aoi_deg: f64, cover: &CoverParams) -> f64 {
    let n = cover.refractive_index;
    let t1 = aoi_deg.to_radians();
    let t2 = (t1.sin() / n).asin();
    let tr = if t1.abs() < 1e-9 {
        1.0 - ((n - 1.0) / (n + 1.0)).powi(2)
    } else {
        1.0 - 0.5
            * ((t2 - t1).sin().powi(2) / (t2 + t1).sin().powi(2)
                + (t2 - t1).tan().powi(2) / (t2 + t1).tan().powi(2))
    };
    tr * (-cover.extinction_per_m * cover.thickness_m / t2.cos()).exp()
}

/// Transmittance of a layer entered from a medium of refractive index `n_incoming`, and the
/// refraction angle inside it `(τ, θ_r [deg])`.
///
/// # Arguments
/// * `aoi_deg`: angle of incidence in the incoming medium [deg], 0 < θ < 90;
/// * `n_incoming`: refractive index of the medium the light comes from [-] (air 1.0);
/// * `layer`: refractive index, extinction coefficient and thickness of the layer.
///
/// # Notes
/// Snell `θ_r = asin(n_in/n · sin θ)`, Fresnel reflection averaged over both polarisations and
/// Bouguer absorption `exp(−K L/cos θ_r)` (Duffie and Beckman eqs. 5.1.1-5.2.2).
///
/// # References
/// J. A. Duffie and W. A. Beckman, *Solar Engineering of Thermal Processes*, 4th ed., Wiley,
/// 2013, ch. 5. <https://doi.org/10.1002/9781118671603>
pub fn layer_transmittance(aoi_deg: f64, n_incoming: f64, layer: &CoverParams) -> (f64, f64) {
    let t1 = aoi_deg.to_radians();
    let t2 = (n_incoming / layer.refractive_index * t1.sin()).asin();
    let tr = 1.0
        - 0.5
            * ((t2 - t1).sin().powi(2) / (t2 + t1).sin().powi(2)
                + (t2 - t1).tan().powi(2) / (t2 + t1).tan().powi(2));
    (
        tr * (-layer.extinction_per_m * layer.thickness_m / t2.cos()).exp(),
        t2.to_degrees(),
    )
}

/// Cover modifiers `(k_beam, k_sky, k_ground)` of glass with an anti-reflective coating, as
/// PVWatts v8 (SAM's CEC module model) computes them [-].
///
/// # Arguments
/// * `aoi_deg`: beam angle of incidence [deg]; `tilt_deg` [deg];
/// * `glass`, `coating`: the glass and its coating (n = 1.3, 1/100 of the glass thickness in
///   `data/pv/pvwatts_v8.toml`).
///
/// # Notes
/// The beam passes the coating at θ (limited to 1..89°) and the glass at the refraction angle,
/// entering from the coating; sky and ground diffuse pass the glass alone at the
/// Brandemuehl-Beckman equivalent angles. Each is divided by the coated transmittance at 1°
/// (there the glass is entered from air, as in NREL ssc's `calculateIrradianceThroughCoverDeSoto`)
/// and limited to 1.
///
/// # References
/// W. De Soto, S. A. Klein and W. A. Beckman (2006), see [`physical`]; NREL ssc,
/// `lib_pv_incidence_modifier.cpp` (SAM's implementation).
pub fn ar_coated_cover_modifiers(
    aoi_deg: f64,
    tilt_deg: f64,
    glass: &CoverParams,
    coating: &CoverParams,
) -> (f64, f64, f64) {
    let (tc0, r0) = layer_transmittance(1.0, 1.0, coating);
    let tau_norm = tc0 * layer_transmittance(r0, 1.0, glass).0;
    let theta = aoi_deg.clamp(1.0, 89.0);
    let (tc, r) = layer_transmittance(theta, 1.0, coating);
    let tau_beam = tc * layer_transmittance(r, coating.refractive_index, glass).0;
    let (sky, gnd) = diffuse_equivalent_angles_deg(tilt_deg);
    let k = |tau: f64| (tau / tau_norm).min(1.0);
    (
        k(tau_beam),
        k(layer_transmittance(sky, 1.0, glass).0),
        k(layer_transmittance(gnd, 1.0, glass).0),
    )
}

/// Physical (Fresnel + Bouguer) incidence-angle modifier normalised to normal incidence [-].
///
/// # Arguments
/// * `aoi_deg` [deg]; 0 at and beyond 90°.
///
/// # Notes
/// `IAM(θ) = τ(θ)/τ(0)`, the same model as pvlib `iam.physical`.
///
/// # References
/// W. De Soto, S. A. Klein and W. A. Beckman, "Improvement and validation of a model for
/// photovoltaic array performance," *Solar Energy*, vol. 80, no. 1, pp. 78-88, 2006.
/// <https://doi.org/10.1016/j.solener.2005.06.010>
pub fn physical(aoi_deg: f64, cover: &CoverParams) -> f64 {
    if aoi_deg >= 90.0 {
        return 0.0;
    }
    transmittance(aoi_deg.abs(), cover) / transmittance(0.0, cover)
}

/// Equivalent angles of incidence of isotropic sky and ground diffuse for a tilt [deg].
///
/// # Notes
/// Sky `59.7 − 0.1388 β + 0.001497 β²`, ground `90 − 0.5788 β + 0.002693 β²` (eqs. 5.4.1-5.4.2).
///
/// # References
/// T. A. Brandemuehl and W. A. Beckman, "Transmission of diffuse radiation through CPC and flat
/// plate collector glazings," *Solar Energy*, vol. 24, no. 5, pp. 511-513, 1980.
/// <https://doi.org/10.1016/0038-092X(80)90320-5>
pub fn diffuse_equivalent_angles_deg(tilt_deg: f64) -> (f64, f64) {
    (
        59.7 - 0.1388 * tilt_deg + 0.001497 * tilt_deg * tilt_deg,
        90.0 - 0.5788 * tilt_deg + 0.002693 * tilt_deg * tilt_deg,
    )
}

/// Cover modifiers for beam, sky diffuse and ground diffuse `(k_beam, k_sky, k_ground)` [-], as
/// PVWatts v8 applies them.
///
/// # Arguments
/// * `aoi_deg`: beam angle of incidence [deg]; `tilt_deg` [deg]; `cover`.
///
/// # Notes
/// Angles are limited to 1..89° and each modifier is `τ(θ)/τ(1°)`, at most 1; sky and ground use
/// [`diffuse_equivalent_angles_deg`]. This is `calculateIrradianceThroughCoverDeSoto` of NREL ssc,
/// which PVWatts v8 applies when 0.5° < θ < 89.5° (outside it applies no cover loss).
///
/// # References
/// A. P. Dobos, "PVWatts Version 5 Manual," NREL/TP-6A20-62641, 2014, sec. 6.
/// <https://doi.org/10.2172/1158421>; W. De Soto, S. A. Klein and W. A. Beckman (2006), above.
pub fn pvwatts_cover_modifiers(
    aoi_deg: f64,
    tilt_deg: f64,
    cover: &CoverParams,
) -> (f64, f64, f64) {
    let tau_norm = transmittance(1.0, cover);
    let k = |theta: f64| (transmittance(theta.clamp(1.0, 89.0), cover) / tau_norm).min(1.0);
    let (sky, gnd) = diffuse_equivalent_angles_deg(tilt_deg);
    (k(aoi_deg), k(sky), k(gnd))
}

/// The PVWatts beam cover modifier tabulated against cos θ for fast series evaluation.
///
/// 4,097 points evenly spaced in cos θ over 0..=1 with linear interpolation; the error against
/// [`pvwatts_cover_modifiers`] is below 1e-6 (checked in the tests). The table of
/// [`PVWATTS_GLASS`] is built once per process.
#[derive(Debug, Clone)]
pub struct BeamModifierTable {
    values: Vec<f64>,
}

impl BeamModifierTable {
    const N: usize = 4096;

    /// Tabulate the beam modifier of a cover.
    pub fn new(cover: &CoverParams) -> BeamModifierTable {
        let tau_norm = transmittance(1.0, cover);
        let values = (0..=Self::N)
            .map(|k| {
                let aoi = (k as f64 / Self::N as f64).acos().to_degrees();
                (transmittance(aoi.clamp(1.0, 89.0), cover) / tau_norm).min(1.0)
            })
            .collect();
        BeamModifierTable { values }
    }

    /// The table of `cover`, cached when it is [`PVWATTS_GLASS`].
    pub fn cached(cover: &CoverParams) -> std::borrow::Cow<'static, BeamModifierTable> {
        static GLASS: std::sync::OnceLock<BeamModifierTable> = std::sync::OnceLock::new();
        if cover == &PVWATTS_GLASS {
            std::borrow::Cow::Borrowed(GLASS.get_or_init(|| BeamModifierTable::new(&PVWATTS_GLASS)))
        } else {
            std::borrow::Cow::Owned(BeamModifierTable::new(cover))
        }
    }

    /// Beam modifier at `cos θ` in 0..=1 [-].
    pub fn at_cos_aoi(&self, cos_aoi: f64) -> f64 {
        let x = cos_aoi.clamp(0.0, 1.0) * Self::N as f64;
        let k = (x as usize).min(Self::N - 1);
        let f = x - k as f64;
        self.values[k] * (1.0 - f) + self.values[k + 1] * f
    }
}

/// The physical modifier ([`physical`]) tabulated against cos θ, for the beam of a series.
///
/// 4,097 points evenly spaced in cos θ over 0..=1 with linear interpolation, 0 for cos θ ≤ 0;
/// the error against [`physical`] is below 2e-5 (checked in the tests; the modifier falls to 0
/// linearly in cos θ at grazing incidence).
#[derive(Debug, Clone)]
pub struct PhysicalTable {
    values: Vec<f64>,
}

impl PhysicalTable {
    const N: usize = 4096;

    /// Tabulate [`physical`] for a cover.
    pub fn new(cover: &CoverParams) -> PhysicalTable {
        let values = (0..=Self::N)
            .map(|k| physical((k as f64 / Self::N as f64).acos().to_degrees(), cover))
            .collect();
        PhysicalTable { values }
    }

    /// The table of `cover`, built once per process when it is [`PVWATTS_GLASS`].
    pub fn cached(cover: &CoverParams) -> std::borrow::Cow<'static, PhysicalTable> {
        static GLASS: std::sync::OnceLock<PhysicalTable> = std::sync::OnceLock::new();
        if cover == &PVWATTS_GLASS {
            std::borrow::Cow::Borrowed(GLASS.get_or_init(|| PhysicalTable::new(&PVWATTS_GLASS)))
        } else {
            std::borrow::Cow::Owned(PhysicalTable::new(cover))
        }
    }

    /// Modifier at `cos θ` [-]; 0 for `cos θ ≤ 0`.
    pub fn at_cos_aoi(&self, cos_aoi: f64) -> f64 {
        if cos_aoi.is_nan() || cos_aoi <= 0.0 {
            return 0.0;
        }
        let x = cos_aoi.min(1.0) * Self::N as f64;
        let k = (x as usize).min(Self::N - 1);
        let f = x - k as f64;
        self.values[k] * (1.0 - f) + self.values[k + 1] * f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn physical_matches_pvlib() {
        // pvlib 0.16.1 iam.physical(aoi, n=1.526, K=4, L=0.002)
        assert_relative_eq!(physical(60.0, &PVWATTS_GLASS), PVLIB_60, epsilon = 1e-9);
        assert_relative_eq!(physical(80.0, &PVWATTS_GLASS), PVLIB_80, epsilon = 1e-9);
        assert_relative_eq!(physical(0.0, &PVWATTS_GLASS), 1.0, epsilon = 1e-12);
        assert_relative_eq!(physical(90.0, &PVWATTS_GLASS), 0.0);
    }

    #[test]
    fn cover_modifiers_are_bounded_and_ordered() {
        let (b, s, g) = pvwatts_cover_modifiers(20.0, 15.0, &PVWATTS_GLASS);
        assert!(b <= 1.0 && b > 0.99);
        // diffuse arrives at ~58° (sky) and ~82° (ground) equivalent angles
        assert!(s < b && g < s && g > 0.4);
        assert_relative_eq!(diffuse_equivalent_angles_deg(0.0).0, 59.7);
    }
    #[test]
    fn beam_table_matches_direct_model() {
        let t = BeamModifierTable::new(&PVWATTS_GLASS);
        let mut worst: f64 = 0.0;
        for k in 0..=2000 {
            let aoi = 0.5 + 89.0 * k as f64 / 2000.0;
            let direct = pvwatts_cover_modifiers(aoi, 0.0, &PVWATTS_GLASS).0;
            worst = worst.max((t.at_cos_aoi(aoi.to_radians().cos()) - direct).abs());
        }
        assert!(worst < 1e-6, "worst {worst}");
        let cached = BeamModifierTable::cached(&PVWATTS_GLASS);
        assert_relative_eq!(cached.at_cos_aoi(0.5), t.at_cos_aoi(0.5));
    }
    #[test]
    fn ar_coating_by_hand() {
        let coat = CoverParams {
            refractive_index: 1.3,
            extinction_per_m: 4.0,
            thickness_m: 0.00002,
        };
        // without a coating layer the glass-only path equals `transmittance`
        let (t, _) = layer_transmittance(30.0, 1.0, &PVWATTS_GLASS);
        assert_relative_eq!(t, transmittance(30.0, &PVWATTS_GLASS), epsilon = 1e-12);
        let (b, s, g) = ar_coated_cover_modifiers(0.0, 20.0, &PVWATTS_GLASS, &coat);
        assert_relative_eq!(b, 1.0, epsilon = 1e-9);
        // an independent transcription of the formulas (Python, tools/ not needed): at 20° tilt
        assert_relative_eq!(s, 0.974_166_857_471_311_4, epsilon = 1e-12);
        assert_relative_eq!(g, 0.662_759_789_883_797, epsilon = 1e-12);
        let (b60, ..) = ar_coated_cover_modifiers(60.0, 20.0, &PVWATTS_GLASS, &coat);
        assert_relative_eq!(b60, 0.996_060_156_017_916, epsilon = 1e-12);
        // the coated normalisation makes the uncoated diffuse paths look better than plain glass
        let (_, s0, g0) = pvwatts_cover_modifiers(0.0, 20.0, &PVWATTS_GLASS);
        assert!(s > s0 && g > g0, "{s} {s0} {g} {g0}");
    }

    #[test]
    fn physical_table_matches_direct_model() {
        let t = PhysicalTable::new(&PVWATTS_GLASS);
        let mut worst: f64 = 0.0;
        for k in 0..=9000 {
            let aoi = 90.0 * k as f64 / 9000.0;
            let direct = physical(aoi, &PVWATTS_GLASS);
            worst = worst.max((t.at_cos_aoi(aoi.to_radians().cos()) - direct).abs());
        }
        assert!(worst < 2e-5, "worst {worst}");
        assert_relative_eq!(t.at_cos_aoi(-0.2), 0.0);
        assert_relative_eq!(t.at_cos_aoi(1.0), 1.0, epsilon = 1e-12);
    }

    const PVLIB_60: f64 = 0.946_002_914_222_612_4;
    const PVLIB_80: f64 = 0.634_116_693_236_722_9;
}
