//! The PV model chain (cf. pvlib `ModelChain`): weather year + one orientation → output per kWp.
//!
//! Computed once per (weather, orientation) and scaled by each enterprise's DC size.

use super::decomposition::{self, DecompositionModel};
use super::iam::{self, CoverParams, PVWATTS_GLASS};
use super::inverter::pvwatts_ac;
use super::inverter::sandia_linear_ac;
use super::position::{self, Observer, airmass_kasten_young};
use super::pv_power::{
    combined_losses_fraction, desoto_airmass_modifier, desoto_polynomial, pvwatts_dc,
};
use super::single_diode::{CecModule, cec_max_power_w};
use super::temperature::{
    FuentesParams, NoctParams, PVWATTS_OPEN_RACK_NOCT_C, PVWATTS_ROOF_MOUNT_NOCT_C,
    SAPM_CLOSE_ROOF_GLASS_GLASS, SAPM_INSULATED_BACK_GLASS_POLYMER, SAPM_OPEN_RACK_GLASS_POLYMER,
    TemperatureModel,
};
use super::transposition::{self, SkyModel, Surface};
use super::{SolarError, check_param, cosd};
use crate::weather::WeatherYear;
use serde::Deserialize;

/// cos(89.5°).
const COS_89_5: f64 = 0.008_726_535_498_373_935;
/// cos(0.5°).
const COS_0_5: f64 = 0.999_961_923_064_171_4;

/// A PV system orientation and its loss and conversion parameters, per kWp DC.
///
/// `Default` gives the PVWatts v8 defaults from `data/pv/pvwatts_defaults.toml` (15° south tilt,
/// 14.08 % losses, DC/AC 1.2, inverter 96 %, γ = −0.37 %/°C, albedo 0.2, Perez, glass cover,
/// spectral modifier, Fuentes cell temperature of a roof mount) and DIRINT when DNI/DHI are missing.
#[derive(Debug, Clone, PartialEq)]
pub struct PvSystem {
    /// Tilt from horizontal [deg], 0..=90.
    pub tilt_deg: f64,
    /// Azimuth clockwise from north [deg], 0..=360; 180 = south.
    pub azimuth_deg: f64,
    /// Ground albedo [-], 0..=1.
    pub albedo_fraction: f64,
    /// DC system losses, combined [-], 0..1 (PVWatts default 0.1408).
    pub losses_fraction: f64,
    /// DC nameplate over inverter AC nameplate [-], 0.5..=3.
    pub dc_ac_ratio: f64,
    /// Nominal inverter efficiency [-], 0.5..=1.
    pub inverter_efficiency_fraction: f64,
    /// Power temperature coefficient [1/°C], −0.02..=0.
    pub gamma_pdc_per_c: f64,
    /// Cell temperature model.
    pub temperature_model: TemperatureModel,
    /// Sky-diffuse transposition model.
    pub sky_model: SkyModel,
    /// Decomposition used when the weather has GHI only.
    pub decomposition_model: DecompositionModel,
    /// Apply the De Soto air-mass (spectral) modifier as PVWatts v8 does.
    pub spectral_correction: bool,
    /// Glass cover for the incidence-angle loss; `None` for no loss.
    pub cover: Option<CoverParams>,
    /// How the cover acts: on all components (PVWatts) or on the beam only (pvlib `ModelChain`).
    pub cover_on_beam_only: bool,
    /// Module and inverter model: PVWatts DC/AC with `gamma_pdc_per_c`, `cover` and the spectral
    /// modifier, or PVWatts v8's own (which ignores those three).
    pub module_model: ModuleModel,
}

/// The module and inverter model of the chain.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum ModuleModel {
    /// PVWatts DC (`γ`) and PVWatts inverter (Dobos 2014), cell temperature from the POA.
    Pvwatts,
    /// PVWatts v8 as SAM implements it: anti-reflective cover and air-mass modifier (zenith
    /// limited to 86°), NOCT cell temperature from that effective irradiance, CEC single-diode
    /// module, Sandia inverter with self-consumption.
    PvwattsV8(PvwattsV8Params),
}

/// The parameters of PVWatts v8's module and inverter (`data/pv/pvwatts_v8.toml`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PvwattsV8Params {
    /// The representative standard module.
    pub module: CecModule,
    /// Module glass.
    pub glass: CoverParams,
    /// Anti-reflective coating of the glass.
    pub coating: CoverParams,
    /// Inverter self-consumption over its AC rating [-].
    pub self_consumption_fraction: f64,
    /// Transmittance-absorptance product of the NOCT model [-].
    pub tau_alpha: f64,
    /// Wind at the module over measured wind, NOCT model [-].
    pub wind_factor: f64,
    /// Installed NOCT, open rack [°C].
    pub noct_open_rack_c: f64,
    /// Installed NOCT, roof mount [°C].
    pub noct_roof_c: f64,
}

/// Which published configuration the chain reproduces (`pv.model`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Preset {
    /// PVWatts DC/AC with Fuentes cell temperature and PVWatts v8's glass cover and spectral
    /// modifier (the default for rooftops, `docs/pv.md`).
    PvwattsFuentes,
    /// PVWatts v8 as SAM's ssc implements it.
    PvwattsV8,
    /// A pvlib `ModelChain` with PVWatts DC, losses and inverter, SAPM cell temperature,
    /// physical incidence-angle modifier on the beam and no spectral loss.
    Pvlib,
}

/// How the modules are mounted (`pv.mounting`), which sets the cell-temperature parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mounting {
    /// Rows on racks with free air behind (PVWatts "fixed open rack").
    OpenRack,
    /// On a roof with a small gap (PVWatts "fixed roof mount", installed NOCT 49 °C).
    Roof,
    /// Flush on the roof, no air gap (SAPM "close mount").
    CloseRoof,
}

#[derive(Deserialize)]
struct V8File {
    module: V8Module,
    temperature: V8Temperature,
    cover: V8Cover,
    inverter: V8Inverter,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V8Module {
    area_m2: f64,
    vmp_v: f64,
    imp_a: f64,
    voc_v: f64,
    alpha_isc_a_per_c: f64,
    a_ref_v: f64,
    il_ref_a: f64,
    io_ref_a: f64,
    rs_ohm: f64,
    rsh_ref_ohm: f64,
    adjust_percent: f64,
    bandgap_ev: f64,
    bandgap_temp_coeff_per_k: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V8Temperature {
    noct_open_rack_c: f64,
    noct_roof_c: f64,
    tau_alpha: f64,
    wind_factor: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V8Cover {
    glass_refractive_index: f64,
    glass_extinction_per_m: f64,
    glass_thickness_m: f64,
    coating_refractive_index: f64,
    coating_extinction_per_m: f64,
    coating_thickness_m: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V8Inverter {
    self_consumption_fraction_of_ac: f64,
}

/// The embedded `data/pv/pvwatts_v8.toml`.
pub const PVWATTS_V8_TOML: &str = include_str!("../../data/pv/pvwatts_v8.toml");

/// PVWatts v8's module, cover and inverter parameters, parsed once per process.
pub fn pvwatts_v8_params() -> PvwattsV8Params {
    static PARSED: std::sync::OnceLock<PvwattsV8Params> = std::sync::OnceLock::new();
    *PARSED.get_or_init(|| {
        let f: V8File = toml::from_str(PVWATTS_V8_TOML)
            .expect("embedded pvwatts_v8.toml parses (checked by a test)");
        let m = f.module;
        PvwattsV8Params {
            module: CecModule {
                area_m2: m.area_m2,
                vmp_v: m.vmp_v,
                imp_a: m.imp_a,
                voc_v: m.voc_v,
                alpha_isc_a_per_c: m.alpha_isc_a_per_c,
                a_ref_v: m.a_ref_v,
                il_ref_a: m.il_ref_a,
                io_ref_a: m.io_ref_a,
                rs_ohm: m.rs_ohm,
                rsh_ref_ohm: m.rsh_ref_ohm,
                adjust_percent: m.adjust_percent,
                bandgap_ev: m.bandgap_ev,
                bandgap_temp_coeff_per_k: m.bandgap_temp_coeff_per_k,
            },
            glass: CoverParams {
                refractive_index: f.cover.glass_refractive_index,
                extinction_per_m: f.cover.glass_extinction_per_m,
                thickness_m: f.cover.glass_thickness_m,
            },
            coating: CoverParams {
                refractive_index: f.cover.coating_refractive_index,
                extinction_per_m: f.cover.coating_extinction_per_m,
                thickness_m: f.cover.coating_thickness_m,
            },
            self_consumption_fraction: f.inverter.self_consumption_fraction_of_ac,
            tau_alpha: f.temperature.tau_alpha,
            wind_factor: f.temperature.wind_factor,
            noct_open_rack_c: f.temperature.noct_open_rack_c,
            noct_roof_c: f.temperature.noct_roof_c,
        }
    })
}

#[derive(Deserialize)]
struct DefaultsFile {
    tilt_deg: f64,
    azimuth_deg: f64,
    albedo_fraction: f64,
    dc_ac_ratio: f64,
    inverter_efficiency_fraction: f64,
    gamma_pdc_per_c: f64,
    spectral_correction: bool,
    cover_iam: bool,
    losses: std::collections::BTreeMap<String, f64>,
    degradation: DegradationDefaults,
}

#[derive(Deserialize)]
struct DegradationDefaults {
    first_year_loss_fraction: f64,
    annual_loss_fraction: f64,
}

/// The embedded `data/pv/pvwatts_defaults.toml`.
pub const PVWATTS_DEFAULTS_TOML: &str = include_str!("../../data/pv/pvwatts_defaults.toml");

/// The parsed defaults, parsed once per process (money and sweeps ask for them often).
fn defaults_file() -> &'static DefaultsFile {
    static PARSED: std::sync::OnceLock<DefaultsFile> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        toml::from_str(PVWATTS_DEFAULTS_TOML)
            .expect("embedded pvwatts_defaults.toml parses (checked by a test)")
    })
}

/// Default lifetime degradation `(first_year_loss_fraction, annual_loss_fraction)` [-] from
/// `data/pv/pvwatts_defaults.toml`, for [`crate::finance::cashflow::degradation_factor`].
pub fn default_degradation() -> (f64, f64) {
    let d = &defaults_file().degradation;
    (d.first_year_loss_fraction, d.annual_loss_fraction)
}

impl Default for PvSystem {
    fn default() -> Self {
        let d = defaults_file();
        let losses: Vec<f64> = d.losses.values().copied().collect();
        PvSystem {
            tilt_deg: d.tilt_deg,
            azimuth_deg: d.azimuth_deg,
            albedo_fraction: d.albedo_fraction,
            losses_fraction: combined_losses_fraction(&losses),
            dc_ac_ratio: d.dc_ac_ratio,
            inverter_efficiency_fraction: d.inverter_efficiency_fraction,
            gamma_pdc_per_c: d.gamma_pdc_per_c,
            temperature_model: TemperatureModel::default(),
            sky_model: SkyModel::default(),
            decomposition_model: DecompositionModel::default(),
            spectral_correction: d.spectral_correction,
            cover: d.cover_iam.then_some(PVWATTS_GLASS),
            cover_on_beam_only: false,
            module_model: ModuleModel::Pvwatts,
        }
    }
}

impl PvSystem {
    /// The system of a preset and mounting at a tilt and azimuth (other parameters: the
    /// defaults of [`PvSystem::default`]).
    ///
    /// # Errors
    /// [`SolarError::Parameter`] naming `pv.mounting` when the preset has no parameters for the
    /// mounting (PVWatts knows open rack and roof mount only).
    pub fn preset(
        preset: Preset,
        mounting: Mounting,
        tilt_deg: f64,
        azimuth_deg: f64,
    ) -> Result<PvSystem, SolarError> {
        let base = PvSystem {
            tilt_deg,
            azimuth_deg,
            ..PvSystem::default()
        };
        let no_close_roof = |model: &str| SolarError::Choice {
            field: "pv.mounting".into(),
            value: "close_roof".into(),
            expected: format!(
                "`open_rack` or `roof` with `pv.model = \"{model}\"`: PVWatts publishes cell-temperature parameters for those two only (use `pv.model = \"pvlib\"` for SAPM close mount)"
            ),
        };
        Ok(match preset {
            Preset::PvwattsFuentes => PvSystem {
                temperature_model: TemperatureModel::Fuentes(FuentesParams::pvwatts(
                    match mounting {
                        Mounting::OpenRack => PVWATTS_OPEN_RACK_NOCT_C,
                        Mounting::Roof => PVWATTS_ROOF_MOUNT_NOCT_C,
                        Mounting::CloseRoof => return Err(no_close_roof("pvwatts_fuentes")),
                    },
                )),
                ..base
            },
            Preset::PvwattsV8 => {
                let v8 = pvwatts_v8_params();
                let noct_c = match mounting {
                    Mounting::OpenRack => v8.noct_open_rack_c,
                    Mounting::Roof => v8.noct_roof_c,
                    Mounting::CloseRoof => return Err(no_close_roof("pvwatts_v8")),
                };
                PvSystem {
                    temperature_model: TemperatureModel::Noct(NoctParams {
                        noct_c,
                        stc_efficiency: v8.module.stc_efficiency(),
                        tau_alpha: v8.tau_alpha,
                        wind_factor: v8.wind_factor,
                    }),
                    module_model: ModuleModel::PvwattsV8(v8),
                    ..base
                }
            }
            Preset::Pvlib => PvSystem {
                temperature_model: TemperatureModel::Sapm(match mounting {
                    Mounting::OpenRack => SAPM_OPEN_RACK_GLASS_POLYMER,
                    Mounting::Roof => SAPM_CLOSE_ROOF_GLASS_GLASS,
                    Mounting::CloseRoof => SAPM_INSULATED_BACK_GLASS_POLYMER,
                }),
                spectral_correction: false,
                cover_on_beam_only: true,
                ..base
            },
        })
    }
}

impl PvSystem {
    /// Check every parameter's range.
    ///
    /// # Errors
    /// [`SolarError::Parameter`] naming the field, value, unit and range.
    pub fn validate(&self) -> Result<(), SolarError> {
        check_param("pv.tilt_deg", self.tilt_deg, "deg", 0.0, 90.0)?;
        check_param("pv.azimuth_deg", self.azimuth_deg, "deg", 0.0, 360.0)?;
        check_param("pv.albedo_fraction", self.albedo_fraction, "", 0.0, 1.0)?;
        check_param("pv.losses_fraction", self.losses_fraction, "", 0.0, 0.99)?;
        check_param("pv.dc_ac_ratio", self.dc_ac_ratio, "", 0.5, 3.0)?;
        check_param(
            "pv.inverter_efficiency_fraction",
            self.inverter_efficiency_fraction,
            "",
            0.5,
            1.0,
        )?;
        check_param(
            "pv.gamma_pdc_per_c",
            self.gamma_pdc_per_c,
            "1/°C",
            -0.02,
            0.0,
        )?;
        Ok(())
    }
}

/// PV output per kWp DC on the weather year's steps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PvSeries {
    /// Step length [h].
    pub step_hours: f64,
    /// Plane-of-array irradiance before cover loss [W/m²].
    pub poa_w_per_m2: Vec<f64>,
    /// Cell temperature [°C].
    pub cell_temp_c: Vec<f64>,
    /// DC power after system losses, per kWp [kW/kWp].
    pub dc_kw_per_kwp: Vec<f64>,
    /// AC power after the inverter, per kWp DC [kW/kWp].
    pub ac_kw_per_kwp: Vec<f64>,
}

impl PvSeries {
    /// Annual AC energy per kWp (specific yield, 等效利用小时数) [kWh/kWp].
    pub fn annual_ac_kwh_per_kwp(&self) -> f64 {
        self.ac_kw_per_kwp.iter().sum::<f64>() * self.step_hours
    }

    /// AC energy per kWp for each month, given the month (1-12) of each step [kWh/kWp].
    pub fn monthly_ac_kwh_per_kwp(&self, months: &[u8]) -> [f64; 12] {
        let mut out = [0.0; 12];
        for (p, m) in self.ac_kw_per_kwp.iter().zip(months) {
            out[usize::from(m.clamp(&1, &12) - 1)] += p * self.step_hours;
        }
        out
    }
}

/// Run the PV chain for one orientation: output per kWp DC at every step.
///
/// # Arguments
/// * `weather`: a validated weather year (any reader's output or a synthetic year);
/// * `system`: orientation and parameters (see [`PvSystem::default`]).
///
/// # Returns
/// POA irradiance, cell temperature, DC and AC power per kWp.
///
/// # Errors
/// [`SolarError::Parameter`] for an invalid system, [`SolarError::Weather`] for a weather year that
/// fails [`WeatherYear::validate`].
///
/// # Notes
/// Steps: (1) SPA sun position at the middle of each step (as SAM does for hourly data);
/// (2) DNI and DHI from the weather, or from GHI with the decomposition model;
/// (3) POA = beam + sky diffuse (sky model) + ground reflected (albedo);
/// (4) cell temperature from POA, air temperature and wind;
/// (5) transmitted POA through the glass cover (PVWatts v8 component modifiers) and the air-mass
/// modifier; (6) PVWatts DC with γ, times (1 − losses); (7) PVWatts inverter with clipping at
/// `1/dc_ac_ratio` kW per kWp.
///
/// # References
/// A. P. Dobos, "PVWatts Version 5 Manual," NREL/TP-6A20-62641, 2014. <https://doi.org/10.2172/1158421>;
/// W. F. Holmgren, C. W. Hansen and M. A. Mikofski, "pvlib python: a python package for modeling
/// solar energy systems," *JOSS*, vol. 3, no. 29, p. 884, 2018. <https://doi.org/10.21105/joss.00884>
pub fn pv_per_kwp(weather: &WeatherYear, system: &PvSystem) -> Result<PvSeries, SolarError> {
    system.validate()?;
    weather.validate()?;
    let n = weather.n_steps();
    let step_s = weather.step_hours() * 3600.0;
    let site = &weather.site;
    let obs = Observer::at(site.latitude_deg, site.longitude_deg, site.elevation_m);
    let start = weather.start_unix_s() + weather.sun_minutes_into_step * 60.0;
    // With DNI and DHI given, steps without any irradiance give zero POA whatever the sun does,
    // so their sun position is skipped; decomposition needs every step (DIRINT looks at neighbours).
    let lit: Option<Vec<bool>> = match (&weather.dni_w_per_m2, &weather.dhi_w_per_m2) {
        (Some(dni), Some(dhi)) => Some(
            (0..n)
                .map(|i| weather.ghi_w_per_m2[i] > 0.0 || dni[i] > 0.0 || dhi[i] > 0.0)
                .collect(),
        ),
        _ => None,
    };
    let sun = position::sun_path_where(
        start,
        step_s,
        n,
        &obs,
        position::delta_t_s(weather.year, 7),
        lit.as_deref(),
    );
    let (dni, dhi) = beam_and_diffuse(
        weather,
        &sun,
        system.decomposition_model,
        obs.pressure_hpa * 100.0,
        (start, step_s),
    );
    let surface = Surface {
        tilt_deg: system.tilt_deg,
        azimuth_deg: system.azimuth_deg,
    };
    let (sin_t, cos_t) = system.tilt_deg.to_radians().sin_cos();
    let (sin_a, cos_a) = system.azimuth_deg.to_radians().sin_cos();
    let (k_sky, k_gnd) = match &system.cover {
        Some(c) => {
            let (_, s, g) = iam::pvwatts_cover_modifiers(0.0, system.tilt_deg, c);
            (s, g)
        }
        None => (1.0, 1.0),
    };
    let beam_iam = system.cover.as_ref().map(iam::BeamModifierTable::cached);
    let physical_iam = system
        .cover
        .as_ref()
        .filter(|_| system.cover_on_beam_only)
        .map(iam::PhysicalTable::cached);
    let pac0 = 1.0 / system.dc_ac_ratio;
    let elevation_factor = (-0.0001184 * site.elevation_m).exp();
    let loss_factor = 1.0 - system.losses_fraction;
    let mut out = PvSeries {
        step_hours: weather.step_hours(),
        poa_w_per_m2: Vec::with_capacity(n),
        cell_temp_c: Vec::with_capacity(n),
        dc_kw_per_kwp: Vec::with_capacity(n),
        ac_kw_per_kwp: Vec::with_capacity(n),
    };
    let mut beam_v = Vec::with_capacity(n);
    let mut sky_v = Vec::with_capacity(n);
    let mut gnd_v = Vec::with_capacity(n);
    let mut cos_tt_v = Vec::with_capacity(n);
    let mut am_v = Vec::with_capacity(n);
    for i in 0..n {
        let zen = sun.apparent_zenith_deg[i];
        if zen.is_nan() {
            // dark step (no irradiance at all): nothing reaches the plane
            beam_v.push(0.0);
            sky_v.push(0.0);
            gnd_v.push(0.0);
            cos_tt_v.push(0.0);
            am_v.push(f64::NAN);
            out.poa_w_per_m2.push(0.0);
            continue;
        }
        let (sz, cz) = zen.to_radians().sin_cos();
        let am = if zen < 90.0 {
            airmass_kasten_young(zen)
        } else {
            f64::NAN
        };
        am_v.push(am);
        let (ss, cs) = sun.azimuth_deg[i].to_radians().sin_cos();
        // cos(az_sun − az_surface) = cos·cos + sin·sin
        let cos_tt = cz * cos_t + sz * sin_t * (cs * cos_a + ss * sin_a);
        let sky = match system.sky_model {
            SkyModel::Isotropic => transposition::isotropic(system.tilt_deg, dhi[i]),
            SkyModel::HayDavies => transposition::hay_davies(
                surface,
                dhi[i],
                dni[i],
                sun.dni_extra_w_per_m2[i],
                zen,
                sun.azimuth_deg[i],
            ),
            SkyModel::Perez => transposition::perez_with_projection(
                (sin_t, cos_t),
                cos_tt,
                dhi[i],
                dni[i],
                sun.dni_extra_w_per_m2[i],
                zen,
                am,
            ),
        };
        beam_v.push(dni[i] * cos_tt.max(0.0));
        sky_v.push(sky);
        gnd_v.push(weather.ghi_w_per_m2[i] * system.albedo_fraction * (1.0 - cos_t) * 0.5);
        cos_tt_v.push(cos_tt);
        out.poa_w_per_m2.push(beam_v[i] + sky_v[i] + gnd_v[i]);
    }
    if let ModuleModel::PvwattsV8(v8) = &system.module_model {
        let plane = Plane {
            beam: &beam_v,
            sky: &sky_v,
            ground: &gnd_v,
            cos_aoi: &cos_tt_v,
            zenith_deg: &sun.apparent_zenith_deg,
        };
        pvwatts_v8_stage(&mut out, system, v8, weather, &plane);
        return Ok(out);
    }
    out.cell_temp_c = system.temperature_model.cell_temperature_series(
        &out.poa_w_per_m2,
        &weather.temp_air_c,
        &weather.wind_speed_m_per_s,
        weather.step_hours(),
    );
    for i in 0..n {
        let poa = out.poa_w_per_m2[i];
        let zen = sun.apparent_zenith_deg[i];
        let mut eff = poa;
        if system.cover_on_beam_only {
            // pvlib ModelChain: the modifier on the beam only, diffuse untouched
            if let Some(t) = &physical_iam
                && poa > 0.0
            {
                eff = beam_v[i] * t.at_cos_aoi(cos_tt_v[i]) + sky_v[i] + gnd_v[i];
            }
        } else if let Some(table) = &beam_iam {
            // PVWatts applies the cover model only for 0.5° < θ < 89.5°
            let c = cos_tt_v[i];
            if c > COS_89_5 && c < COS_0_5 && poa > 0.0 {
                let kb = table.at_cos_aoi(c);
                eff = (beam_v[i] * kb + sky_v[i] * k_sky + gnd_v[i] * k_gnd).clamp(0.0, poa);
            }
        }
        if system.spectral_correction && poa > 0.0 && zen < 90.0 {
            // PVWatts' pressure correction of the (Kasten-Young) relative air mass
            eff *= desoto_polynomial(am_v[i] * elevation_factor);
        }
        let dc = (pvwatts_dc(eff, out.cell_temp_c[i], 1.0, system.gamma_pdc_per_c) * loss_factor)
            .max(0.0);
        out.dc_kw_per_kwp.push(dc);
        out.ac_kw_per_kwp
            .push(pvwatts_ac(dc, pac0, system.inverter_efficiency_fraction));
    }
    Ok(out)
}

/// The plane-of-array components and angles of every step.
struct Plane<'a> {
    /// Beam on the plane [W/m²].
    beam: &'a [f64],
    /// Sky diffuse on the plane [W/m²].
    sky: &'a [f64],
    /// Ground-reflected on the plane [W/m²].
    ground: &'a [f64],
    /// Cosine of the angle of incidence [-].
    cos_aoi: &'a [f64],
    /// Apparent solar zenith [deg].
    zenith_deg: &'a [f64],
}

/// The module and inverter stage of PVWatts v8 (see [`ModuleModel::PvwattsV8`]).
///
/// Per step with light on the plane: the effective irradiance `G = (E_b k_b + E_s k_s + E_g k_g)
/// · M(AM)` ([`iam::ar_coated_cover_modifiers`], the De Soto air-mass modifier at the zenith
/// limited to 0..86°), the cell temperature of the system's model from `G`, the CEC single-diode
/// maximum power per module nameplate `Vmp·Imp`, the DC losses, and the Sandia inverter with
/// self-consumption.
fn pvwatts_v8_stage(
    out: &mut PvSeries,
    system: &PvSystem,
    v8: &PvwattsV8Params,
    weather: &WeatherYear,
    plane: &Plane,
) {
    let Plane {
        beam,
        sky,
        ground: gnd,
        cos_aoi,
        zenith_deg,
    } = *plane;
    let n = out.poa_w_per_m2.len();
    let elevation_m = weather.site.elevation_m;
    let geff: Vec<f64> = (0..n)
        .map(|i| {
            if out.poa_w_per_m2[i] <= 0.0 {
                return 0.0;
            }
            let aoi = cos_aoi[i].clamp(-1.0, 1.0).acos().to_degrees();
            let (kb, ks, kg) =
                iam::ar_coated_cover_modifiers(aoi, system.tilt_deg, &v8.glass, &v8.coating);
            let g = (beam[i] * kb + sky[i] * ks + gnd[i] * kg).max(0.0);
            let zen = zenith_deg[i].clamp(0.0, 86.0);
            g * desoto_airmass_modifier(zen, elevation_m)
        })
        .collect();
    out.cell_temp_c = system.temperature_model.cell_temperature_series(
        &geff,
        &weather.temp_air_c,
        &weather.wind_speed_m_per_s,
        weather.step_hours(),
    );
    let per_kwp = 1.0 / v8.module.nameplate_w();
    let loss_factor = 1.0 - system.losses_fraction;
    let pac0 = 1.0 / system.dc_ac_ratio;
    let pso = v8.self_consumption_fraction * pac0;
    for (g, t) in geff.iter().zip(&out.cell_temp_c) {
        let dc = cec_max_power_w(&v8.module, *g, *t) * per_kwp * loss_factor;
        out.dc_kw_per_kwp.push(dc);
        out.ac_kw_per_kwp.push(sandia_linear_ac(
            dc,
            pac0,
            system.inverter_efficiency_fraction,
            pso,
        ));
    }
}

/// DNI and DHI per step: from the weather if present, otherwise by decomposition of GHI.
fn beam_and_diffuse(
    weather: &WeatherYear,
    sun: &position::SunPath,
    model: DecompositionModel,
    pressure_pa: f64,
    (start, step_s): (f64, f64),
) -> (Vec<f64>, Vec<f64>) {
    let n = weather.n_steps();
    let ghi = &weather.ghi_w_per_m2;
    let zen = &sun.apparent_zenith_deg;
    match (&weather.dni_w_per_m2, &weather.dhi_w_per_m2) {
        (Some(dni), Some(dhi)) => (dni.clone(), dhi.clone()),
        (Some(dni), None) => {
            let dhi = (0..ghi.len())
                .map(|i| decomposition::dhi_from_closure(ghi[i], dni[i], zen[i]))
                .collect();
            (dni.clone(), dhi)
        }
        (None, Some(dhi)) => {
            let dni = (0..ghi.len())
                .map(|i| {
                    let c = cosd(zen[i]);
                    if c > 0.065 {
                        ((ghi[i] - dhi[i]) / c).max(0.0)
                    } else {
                        0.0
                    }
                })
                .collect();
            (dni, dhi.clone())
        }
        (None, None) => match model {
            DecompositionModel::Erbs => {
                let pairs: Vec<(f64, f64)> = (0..ghi.len())
                    .map(|i| decomposition::erbs(ghi[i], zen[i], sun.dni_extra_w_per_m2[i]))
                    .collect();
                (
                    pairs.iter().map(|p| p.0).collect(),
                    pairs.iter().map(|p| p.1).collect(),
                )
            }
            _ => {
                let doy: Vec<u32> = (0..n)
                    .map(|i| position::day_of_year_utc(start + step_s * i as f64))
                    .collect();
                let dni = decomposition::dirint(ghi, zen, &doy, pressure_pa);
                let dhi = (0..ghi.len())
                    .map(|i| decomposition::dhi_from_closure(ghi[i], dni[i], zen[i]))
                    .collect();
                (dni, dhi)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn defaults_parse_and_are_pvwatts() {
        let s = PvSystem::default();
        assert!(s.validate().is_ok());
        assert_relative_eq!(s.losses_fraction, 0.1408, epsilon = 5e-5);
        assert_relative_eq!(s.dc_ac_ratio, 1.2);
        assert_eq!(s.sky_model, SkyModel::Perez);
        let (d1, d) = default_degradation();
        assert_relative_eq!(d1, 0.02);
        assert_relative_eq!(d, 0.006);
    }

    #[test]
    fn presets_and_mountings() {
        let d = PvSystem::preset(Preset::PvwattsFuentes, Mounting::Roof, 15.0, 180.0).unwrap();
        assert_eq!(
            d,
            PvSystem::default(),
            "the default is the roof-mounted default preset"
        );
        let e = PvSystem::preset(Preset::PvwattsV8, Mounting::CloseRoof, 15.0, 180.0)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("pv.mounting") && e.contains("close_roof") && e.contains("pvwatts_v8"),
            "{e}"
        );
        let p = PvSystem::preset(Preset::Pvlib, Mounting::CloseRoof, 15.0, 180.0).unwrap();
        assert_eq!(
            p.temperature_model,
            TemperatureModel::Sapm(SAPM_INSULATED_BACK_GLASS_POLYMER)
        );
        let v8 = pvwatts_v8_params();
        assert_relative_eq!(v8.module.nameplate_w(), 322.558, epsilon = 1e-9);
        assert_relative_eq!(v8.noct_roof_c, 49.0);
    }

    #[test]
    fn bad_system_is_refused_with_range() {
        let s = PvSystem {
            tilt_deg: 95.0,
            ..PvSystem::default()
        };
        let e = s.validate().unwrap_err().to_string();
        assert!(
            e.contains("pv.tilt_deg") && e.contains("95") && e.contains("0..=90"),
            "{e}"
        );
    }
}
