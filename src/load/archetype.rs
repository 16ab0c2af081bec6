//! Industry load archetypes (行业典型负荷): a year of active power [kW] on a [`Calendar`] from
//! physical parameters (shifts, ramps, breaks, weekends, public holidays, the Spring Festival
//! shutdown, seasons, base load) plus seeded day-to-day and step-to-step variation, scaled to a
//! given annual energy and/or peak power.
//!
//! The archetypes live in `data/load/archetypes.toml` (embedded), each with the assumptions
//! behind it. Owns shape and scaling only; knows nothing of tariffs or meters.
//!
//! # Model
//! For step `t` of day `d`, with base-load share `b` [fraction]:
//!
//! ```text
//! u_t  = min(1.5, L_d · s(h_t) · max(0, 1 + e_d))          production activity
//! x_t  = b · β_d + (1 − b) · u_t                           normalised load (1 = full production)
//! p_t  = k · x_t · m(d) · max(0.02, 1 + η_t)               [kW]
//! ```
//!
//! `s(h)` is the day shape (the sum of the shifts' trapezoids with linear ramps, times breaks and
//! shift-change dips, averaged over each step), `L_d` the production level of the day kind
//! (weekday 1, Saturday, Sunday, holiday, Spring Festival shutdown), `β_d` the base-load factor
//! (1, or lower during the Spring Festival shutdown), `m(d) = 1 + A_c·B(d; c) + A_h·B(d; h)` the
//! seasonal swing with the smooth periodic bump `B(d) = exp(−κ(1 − cos(2π(d − d_peak)/N)))`
//! (κ chosen so `B` = 1/2 at ± the half width), `e_d` a day-level AR(1) and `η_t` a step-level
//! AR(1) with lag-one-hour correlation `ρ_h` (per step `ρ_h^Δt`). `k` scales to the target.
//!
//! Because `x_t` is linear in `b`, `p_t = k (A_t + b B_t)`: with both annual energy and peak
//! given, `b` is found by bisection on the load factor over the archetype's
//! `base_load_fraction_range`, then `k` sets the energy exactly.
//!
//! # References
//! G. E. P. Box, G. M. Jenkins, G. C. Reinsel and G. M. Ljung, *Time Series Analysis:
//! Forecasting and Control*, 5th ed. Hoboken, NJ, USA: Wiley, 2015, ch. 3 (AR(1) processes).
//! doi: 10.1002/9781118619193

use super::error::LoadError;
use crate::calendar::{Calendar, DayKind, Weekday};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Deserialize;

/// The embedded archetype table, `data/load/archetypes.toml`.
pub const EMBEDDED_ARCHETYPES_TOML: &str = include_str!("../../data/load/archetypes.toml");

/// Sub-samples per step when averaging the day shape over a step.
const SUBSAMPLES: usize = 16;
/// Grid points over the base-load range when bracketing the load factor.
const LF_GRID: usize = 32;

/// A production shift (班次): full-level window with linear ramps centred on its edges.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    /// Start of the shift, hour of day in 0..24 [h], e.g. 8.0.
    pub start_hour: f64,
    /// End of the shift [h], in 0..=24; an end before the start wraps past midnight.
    pub end_hour: f64,
    /// Production level of the shift relative to full production [fraction], in 0..=1.
    pub level_fraction: f64,
}

/// A break inside shifts (lunch 午休, dinner) that lowers production activity.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Break {
    /// Start [h], in 0..24.
    pub start_hour: f64,
    /// End [h], in 0..=24, after the start.
    pub end_hour: f64,
    /// Share of production activity that stops during the break [fraction], in 0..=1.
    pub depth_fraction: f64,
}

/// The Spring Festival (春节) shutdown: the official holiday block plus extra days.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpringFestival {
    /// Shutdown days before the first official holiday day [days], 0..=20.
    pub extra_days_before: u32,
    /// Shutdown days after the last official holiday day [days], 0..=30.
    pub extra_days_after: u32,
    /// Production level during the shutdown [fraction], 0..=1.
    pub level_fraction: f64,
    /// Base load during the shutdown relative to normal [fraction], 0..=1.
    pub base_factor: f64,
}

/// Seasonal swing: summer cooling (制冷) and winter heating (采暖) as smooth bumps over the year.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Season {
    /// Load increase at the cooling peak [fraction], 0..=1.
    pub cooling_amplitude_fraction: f64,
    /// Day of year (0-based) of the cooling peak [day], 0..366.
    pub cooling_peak_day: f64,
    /// Half width at half maximum of the cooling bump [days], 5..=150.
    pub cooling_half_width_days: f64,
    /// Load increase at the heating peak [fraction], 0..=1.
    pub heating_amplitude_fraction: f64,
    /// Day of year (0-based) of the heating peak [day], 0..366.
    pub heating_peak_day: f64,
    /// Half width at half maximum of the heating bump [days], 5..=150.
    pub heating_half_width_days: f64,
}

/// Seeded variation: AR(1) across days (production level) and across steps (multiplicative).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    /// Stationary standard deviation of the day-level production factor [fraction], 0..=0.5.
    pub day_sigma_fraction: f64,
    /// Lag-one-day autocorrelation of the day level, 0..1.
    pub day_rho: f64,
    /// Stationary standard deviation of the step factor [fraction], 0..=0.5.
    pub step_sigma_fraction: f64,
    /// Lag-one-hour autocorrelation of the step factor, 0..1 (per step: `rho^(step hours)`).
    pub step_rho_per_hour: f64,
}

/// The parameters of an archetype as written in the data file (unvalidated).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchetypeParams {
    /// Machine name, e.g. `battery_materials`.
    pub name: String,
    /// Chinese name, e.g. `电池及新能源材料`.
    pub name_zh: String,
    /// One-line description.
    pub description: String,
    /// The assumptions behind the numbers, in words.
    pub assumptions: String,
    /// Where the numbers come from.
    pub source: String,
    /// HIGH, MED, LOW or EST (see the data file).
    pub confidence: String,
    /// Default share of the full-production load that runs regardless of production [fraction].
    pub base_load_fraction: f64,
    /// Range the base-load share may take when annual energy and peak are both given [fraction].
    pub base_load_fraction_range: [f64; 2],
    /// Duration of the ramp at the start of a shift [h], 0..=4.
    pub ramp_up_hours: f64,
    /// Duration of the ramp at the end of a shift [h], 0..=4.
    pub ramp_down_hours: f64,
    /// Dip in activity at a change between two shifts (交接班) [fraction], 0..=0.5.
    pub shift_change_dip_fraction: f64,
    /// Production level on Saturdays that are not adjusted working days [fraction], 0..=1.
    pub saturday_level_fraction: f64,
    /// Production level on Sundays that are not adjusted working days [fraction], 0..=1.
    pub sunday_level_fraction: f64,
    /// Production level on public holidays other than the Spring Festival [fraction], 0..=1.
    pub holiday_level_fraction: f64,
    /// Shifts of a working day.
    #[serde(rename = "shift")]
    pub shifts: Vec<Shift>,
    /// Breaks of a working day.
    #[serde(rename = "break", default)]
    pub breaks: Vec<Break>,
    /// Spring Festival shutdown.
    pub spring_festival: SpringFestival,
    /// Seasonal swing.
    pub season: Season,
    /// Seeded variation.
    pub noise: Noise,
}

/// A validated archetype with its precomputed day shapes (hourly and 15-minute).
#[derive(Debug, Clone)]
pub struct Archetype {
    params: ArchetypeParams,
    shape_24: Vec<f64>,
    shape_96: Vec<f64>,
}

/// What to scale a synthetic profile to.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LoadTarget {
    /// Annual energy [kWh], > 0; `None` to leave free.
    pub annual_kwh: Option<f64>,
    /// Peak of the step series (hourly or 15-min mean power) [kW], > 0; `None` to leave free.
    pub peak_kw: Option<f64>,
}

/// The archetypes shipped with parkenergy, or read from a file of the same layout.
#[derive(Debug, Clone)]
pub struct ArchetypeLibrary {
    archetypes: Vec<Archetype>,
    transformer_sizes_kva: Vec<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLibrary {
    transformer: RawTransformer,
    archetype: Vec<ArchetypeParams>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransformer {
    standard_sizes_kva: Vec<f64>,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    confidence: String,
}

fn check(field: String, value: f64, lo: f64, hi: f64, unit: &str) -> Result<(), LoadError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(())
    } else {
        Err(LoadError::InvalidParameter {
            field,
            value: format!("{value} {unit}").trim_end().to_string(),
            valid: format!("in {lo}..={hi} {unit}").trim_end().to_string(),
        })
    }
}

impl Archetype {
    /// Validate parameters and precompute the day shapes.
    ///
    /// # Errors
    /// [`LoadError::InvalidParameter`] naming the first parameter out of range.
    pub fn new(params: ArchetypeParams) -> Result<Archetype, LoadError> {
        validate(&params)?;
        let shape_24 = day_shape(&params, 24);
        let shape_96 = day_shape(&params, 96);
        Ok(Archetype {
            params,
            shape_24,
            shape_96,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &ArchetypeParams {
        &self.params
    }

    /// Machine name.
    pub fn name(&self) -> &str {
        &self.params.name
    }

    /// Production activity of a full working day, one value per step, in 0..=1 [fraction].
    ///
    /// # Arguments
    /// * `steps_per_day` - 24 or 96; any other value gives the hourly shape
    pub fn day_shape(&self, steps_per_day: usize) -> &[f64] {
        if steps_per_day == 96 {
            &self.shape_96
        } else {
            &self.shape_24
        }
    }
}

fn validate(p: &ArchetypeParams) -> Result<(), LoadError> {
    let f = |k: &str| format!("archetype.{}.{k}", p.name);
    let [lo, hi] = p.base_load_fraction_range;
    let (sf, s, n) = (&p.spring_festival, &p.season, &p.noise);
    let b = p.base_load_fraction;
    // (key, value, lowest, highest, unit)
    #[rustfmt::skip]
    let scalars: [(&str, f64, f64, f64, &str); 24] = [
        ("base_load_fraction", b, 0.0, 1.0, ""),
        ("base_load_fraction_range[0]", lo, 0.0, b, ""),
        ("base_load_fraction_range[1]", hi, b, 1.0, ""),
        ("ramp_up_hours", p.ramp_up_hours, 0.0, 4.0, "h"),
        ("ramp_down_hours", p.ramp_down_hours, 0.0, 4.0, "h"),
        ("shift_change_dip_fraction", p.shift_change_dip_fraction, 0.0, 0.5, ""),
        ("saturday_level_fraction", p.saturday_level_fraction, 0.0, 1.0, ""),
        ("sunday_level_fraction", p.sunday_level_fraction, 0.0, 1.0, ""),
        ("holiday_level_fraction", p.holiday_level_fraction, 0.0, 1.0, ""),
        ("spring_festival.extra_days_before", f64::from(sf.extra_days_before), 0.0, 20.0, "days"),
        ("spring_festival.extra_days_after", f64::from(sf.extra_days_after), 0.0, 30.0, "days"),
        ("spring_festival.level_fraction", sf.level_fraction, 0.0, 1.0, ""),
        ("spring_festival.base_factor", sf.base_factor, 0.0, 1.0, ""),
        ("season.cooling_amplitude_fraction", s.cooling_amplitude_fraction, 0.0, 1.0, ""),
        ("season.cooling_peak_day", s.cooling_peak_day, 0.0, 366.0, "day"),
        ("season.cooling_half_width_days", s.cooling_half_width_days, 5.0, 150.0, "days"),
        ("season.heating_amplitude_fraction", s.heating_amplitude_fraction, 0.0, 1.0, ""),
        ("season.heating_peak_day", s.heating_peak_day, 0.0, 366.0, "day"),
        ("season.heating_half_width_days", s.heating_half_width_days, 5.0, 150.0, "days"),
        ("noise.day_sigma_fraction", n.day_sigma_fraction, 0.0, 0.5, ""),
        ("noise.day_rho", n.day_rho, 0.0, 0.999, ""),
        ("noise.step_sigma_fraction", n.step_sigma_fraction, 0.0, 0.5, ""),
        ("noise.step_rho_per_hour", n.step_rho_per_hour, 0.0, 0.999, ""),
        ("shift (count)", p.shifts.len() as f64, 1.0, 24.0, ""),
    ];
    for (key, value, lo, hi, unit) in scalars {
        check(f(key), value, lo, hi, unit)?;
    }
    for (i, sh) in p.shifts.iter().enumerate() {
        let k = |x: &str| f(&format!("shift[{i}].{x}"));
        check(k("start_hour"), sh.start_hour, 0.0, 24.0, "h")?;
        check(k("end_hour"), sh.end_hour, 0.0, 24.0, "h")?;
        check(k("level_fraction"), sh.level_fraction, 0.0, 1.0, "")?;
    }
    for (i, br) in p.breaks.iter().enumerate() {
        let k = |x: &str| f(&format!("break[{i}].{x}"));
        check(k("start_hour"), br.start_hour, 0.0, 24.0, "h")?;
        check(k("end_hour"), br.end_hour, br.start_hour, 24.0, "h")?;
        check(k("depth_fraction"), br.depth_fraction, 0.0, 1.0, "")?;
    }
    Ok(())
}

/// Trapezoid of a shift at hour `h` (periodic over 24 h): ramps centred on the shift's edges.
fn shift_activity(s: &Shift, h: f64, ramp_up: f64, ramp_down: f64) -> f64 {
    let end = if s.end_hour <= s.start_hour {
        s.end_hour + 24.0
    } else {
        s.end_hour
    };
    let mut total = 0.0;
    for offset in [-24.0, 0.0, 24.0] {
        let t = h + offset;
        let up = if ramp_up > 0.0 {
            ((t - s.start_hour) / ramp_up + 0.5).clamp(0.0, 1.0)
        } else if t >= s.start_hour {
            1.0
        } else {
            0.0
        };
        let down = if ramp_down > 0.0 {
            ((end - t) / ramp_down + 0.5).clamp(0.0, 1.0)
        } else if t < end {
            1.0
        } else {
            0.0
        };
        total += up.min(down);
    }
    total * s.level_fraction
}

/// Circular distance between two hours of day [h].
fn hour_distance(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(24.0);
    d.min(24.0 - d)
}

fn activity(p: &ArchetypeParams, h: f64) -> f64 {
    let mut a: f64 = p
        .shifts
        .iter()
        .map(|s| shift_activity(s, h, p.ramp_up_hours, p.ramp_down_hours))
        .sum();
    a = a.min(1.0);
    for b in &p.breaks {
        if h >= b.start_hour && h < b.end_hour {
            a *= 1.0 - b.depth_fraction;
        }
    }
    if p.shift_change_dip_fraction > 0.0 {
        for s in &p.shifts {
            let boundary = s.end_hour.rem_euclid(24.0);
            let follows = p
                .shifts
                .iter()
                .any(|o| hour_distance(o.start_hour, boundary) < 1e-9);
            if follows {
                let w = (1.0 - hour_distance(h, boundary) / 0.5).max(0.0);
                a *= 1.0 - p.shift_change_dip_fraction * w;
            }
        }
    }
    a
}

/// Mean activity over each step of a day, `steps_per_day` values in 0..=1.
fn day_shape(p: &ArchetypeParams, steps_per_day: usize) -> Vec<f64> {
    let step_h = 24.0 / steps_per_day as f64;
    (0..steps_per_day)
        .map(|k| {
            let sum: f64 = (0..SUBSAMPLES)
                .map(|j| {
                    activity(
                        p,
                        (k as f64 + (j as f64 + 0.5) / SUBSAMPLES as f64) * step_h,
                    )
                })
                .sum();
            sum / SUBSAMPLES as f64
        })
        .collect()
}

/// Smooth periodic bump: 1 at `peak`, 1/2 at `peak ± half_width`, over a year of `n_days`.
fn bump(day: f64, peak: f64, half_width: f64, n_days: f64) -> f64 {
    let w = std::f64::consts::TAU / n_days;
    let kappa = std::f64::consts::LN_2 / (1.0 - (w * half_width).cos());
    (-kappa * (1.0 - (w * (day - peak)).cos())).exp()
}

impl ArchetypeLibrary {
    /// The library shipped with parkenergy (`data/load/archetypes.toml`).
    pub fn embedded() -> ArchetypeLibrary {
        ArchetypeLibrary::parse(EMBEDDED_ARCHETYPES_TOML)
            .expect("embedded archetype table is checked by a unit test")
    }

    /// Parse and validate a table in the layout of `data/load/archetypes.toml`.
    ///
    /// # Errors
    /// [`LoadError::ArchetypeFile`] for malformed TOML or unknown keys;
    /// [`LoadError::InvalidParameter`] for a value out of range or a repeated name.
    pub fn parse(text: &str) -> Result<ArchetypeLibrary, LoadError> {
        let raw: RawLibrary =
            toml::from_str(text).map_err(|e| LoadError::ArchetypeFile(e.to_string()))?;
        let mut archetypes: Vec<Archetype> = Vec::with_capacity(raw.archetype.len());
        for p in raw.archetype {
            if archetypes.iter().any(|a| a.name() == p.name) {
                return Err(LoadError::InvalidParameter {
                    field: "archetype.name".into(),
                    value: p.name,
                    valid: "unique across the table".into(),
                });
            }
            archetypes.push(Archetype::new(p)?);
        }
        let sizes = raw.transformer.standard_sizes_kva;
        if sizes.is_empty() || sizes.windows(2).any(|w| w[0] >= w[1]) || sizes[0] <= 0.0 {
            return Err(LoadError::InvalidParameter {
                field: "transformer.standard_sizes_kva".into(),
                value: format!("{sizes:?} kVA"),
                valid: "a non-empty, strictly increasing list of positive sizes".into(),
            });
        }
        Ok(ArchetypeLibrary {
            archetypes,
            transformer_sizes_kva: sizes,
        })
    }

    /// The archetype named `name`.
    ///
    /// # Errors
    /// [`LoadError::UnknownArchetype`] listing the known names.
    pub fn get(&self, name: &str) -> Result<&Archetype, LoadError> {
        self.archetypes
            .iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| LoadError::UnknownArchetype {
                name: name.to_string(),
                known: self.names().collect::<Vec<_>>().join(", "),
            })
    }

    /// Names of the archetypes, in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.archetypes.iter().map(Archetype::name)
    }

    /// All archetypes, in file order.
    pub fn archetypes(&self) -> &[Archetype] {
        &self.archetypes
    }

    /// Standard distribution-transformer ratings (配电变压器标准容量), increasing [kVA].
    pub fn transformer_sizes_kva(&self) -> &[f64] {
        &self.transformer_sizes_kva
    }
}

/// Production level `L_d` and base factor `β_d` of every day of the calendar.
fn day_levels(cal: &Calendar, p: &ArchetypeParams) -> Vec<(f64, f64)> {
    let n = cal.n_days();
    let sf_days: Vec<usize> = (0..n)
        .filter(|&d| cal.holiday_of_day(d) == Some("spring_festival"))
        .collect();
    let shutdown = match (sf_days.first(), sf_days.last()) {
        (Some(&a), Some(&b)) => {
            let sf = &p.spring_festival;
            a.saturating_sub(sf.extra_days_before as usize)
                ..(b + 1 + sf.extra_days_after as usize).min(n)
        }
        _ => 0..0,
    };
    (0..n)
        .map(|d| {
            if shutdown.contains(&d) {
                return (
                    p.spring_festival.level_fraction,
                    p.spring_festival.base_factor,
                );
            }
            let level = match cal.day_kind_of_day(d) {
                DayKind::Workday | DayKind::AdjustedWorkday => 1.0,
                DayKind::Holiday => p.holiday_level_fraction,
                DayKind::Weekend => match cal.date_of_day(d).weekday() {
                    Weekday::Sun => p.sunday_level_fraction,
                    _ => p.saturday_level_fraction,
                },
            };
            (level, 1.0)
        })
        .collect()
}

/// The two linear parts of the unscaled profile: `y_t(b) = a_t + b · c_t`.
struct Parts {
    a: Vec<f64>,
    c: Vec<f64>,
    sum_a: f64,
    sum_c: f64,
    /// Steps that can hold the maximum for some `b` in the pruned range; empty = all steps.
    candidates: Vec<usize>,
}

impl Parts {
    fn max(&self, b: f64) -> f64 {
        if self.candidates.is_empty() {
            self.a
                .iter()
                .zip(&self.c)
                .fold(0.0_f64, |m, (&a, &c)| m.max(b.mul_add(c, a)))
        } else {
            self.candidates
                .iter()
                .fold(0.0_f64, |m, &t| m.max(b.mul_add(self.c[t], self.a[t])))
        }
    }

    /// Keep only the steps that can be the maximum for some `b` in `b0..=b1`.
    ///
    /// The maximum over steps is the upper envelope `E(b)` of the lines `a_t + b c_t`. With `t0`,
    /// `t1` the maximisers at `b0`, `b1`, `E >= L = max(line t0, line t1)`, and `L − line t` is
    /// convex with its kink at `b*` where the two lines cross; so a line that reaches `E`
    /// somewhere in the range reaches `L` at `b0`, `b1` or `b*`. Exact, and usually a handful of
    /// steps, which makes each load-factor evaluation O(handful) instead of O(steps).
    fn prune(&mut self, b0: f64, b1: f64) {
        let line = |t: usize, b: f64| b.mul_add(self.c[t], self.a[t]);
        let argmax = |b: f64| {
            (0..self.a.len()).fold(
                0,
                |best, t| if line(t, b) > line(best, b) { t } else { best },
            )
        };
        if self.a.is_empty() {
            return;
        }
        let (t0, t1) = (argmax(b0), argmax(b1));
        let dc = self.c[t0] - self.c[t1];
        let kink = if dc.abs() > 0.0 {
            ((self.a[t1] - self.a[t0]) / dc).clamp(b0, b1)
        } else {
            b0
        };
        let lower = |b: f64| line(t0, b).max(line(t1, b));
        let xs = [b0, b1, kink];
        let ls = xs.map(|x| lower(x) * (1.0 - 1e-12));
        self.candidates = (0..self.a.len())
            .filter(|&t| xs.iter().zip(&ls).any(|(&x, &l)| line(t, x) >= l))
            .collect();
    }
    fn load_factor(&self, b: f64) -> f64 {
        let mean = b.mul_add(self.sum_c, self.sum_a) / self.a.len() as f64;
        let max = self.max(b);
        if max > 0.0 { mean / max } else { 0.0 }
    }
}

fn build_parts(cal: &Calendar, arch: &Archetype, seed: u64) -> Parts {
    let p = &arch.params;
    let spd = cal.steps_per_day();
    let shape = arch.day_shape(spd);
    let levels = day_levels(cal, p);
    let n_days = cal.n_days() as f64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut normal = || -> f64 { StandardNormal.sample(&mut rng) };
    let nz = &p.noise;
    let rho_s = nz.step_rho_per_hour.powf(cal.step_hours());
    let innov_s = nz.step_sigma_fraction * (1.0 - rho_s * rho_s).sqrt();
    let innov_d = nz.day_sigma_fraction * (1.0 - nz.day_rho * nz.day_rho).sqrt();
    let mut e_day = nz.day_sigma_fraction * normal();
    let mut eta = nz.step_sigma_fraction * normal();
    let n = cal.n_steps();
    let (mut a, mut c) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut sum_a, mut sum_c) = (0.0, 0.0);
    let s = &p.season;
    for (d, &(level, base)) in levels.iter().enumerate() {
        let day = d as f64 + 0.5;
        let m = 1.0
            + s.cooling_amplitude_fraction
                * bump(day, s.cooling_peak_day, s.cooling_half_width_days, n_days)
            + s.heating_amplitude_fraction
                * bump(day, s.heating_peak_day, s.heating_half_width_days, n_days);
        let day_factor = level * (1.0 + e_day).max(0.0);
        for &sh in shape {
            let g = m * (1.0 + eta).max(0.02);
            let u = (sh * day_factor).min(1.5);
            let (av, cv) = (g * u, g * (base - u));
            a.push(av);
            c.push(cv);
            sum_a += av;
            sum_c += cv;
            eta = rho_s * eta + innov_s * normal();
        }
        e_day = nz.day_rho * e_day + innov_d * normal();
    }
    Parts {
        a,
        c,
        sum_a,
        sum_c,
        candidates: Vec::new(),
    }
}

fn positive(field: &str, v: Option<f64>) -> Result<Option<f64>, LoadError> {
    match v {
        Some(x) if !(x.is_finite() && x > 0.0) => Err(LoadError::InvalidParameter {
            field: field.into(),
            value: x.to_string(),
            valid: "a finite number > 0".into(),
        }),
        _ => Ok(v),
    }
}

/// Load factors reachable by an archetype on a calendar with a seed: (lowest, highest) over its
/// base-load range, and the one at its default base-load share [fraction].
pub fn load_factor_range(cal: &Calendar, arch: &Archetype, seed: u64) -> (f64, f64, f64) {
    let mut parts = build_parts(cal, arch, seed);
    let [b0, b1] = arch.params.base_load_fraction_range;
    parts.prune(b0, b1);
    let (lo, hi, _) = lf_grid(&parts, arch);
    (lo, hi, parts.load_factor(arch.params.base_load_fraction))
}

fn lf_grid(parts: &Parts, arch: &Archetype) -> (f64, f64, Vec<(f64, f64)>) {
    let [b0, b1] = arch.params.base_load_fraction_range;
    let grid: Vec<(f64, f64)> = (0..=LF_GRID)
        .map(|j| {
            let b = b0 + (b1 - b0) * j as f64 / LF_GRID as f64;
            (b, parts.load_factor(b))
        })
        .collect();
    let lo = grid.iter().map(|g| g.1).fold(f64::INFINITY, f64::min);
    let hi = grid.iter().map(|g| g.1).fold(f64::NEG_INFINITY, f64::max);
    (lo, hi, grid)
}

/// Base-load share giving load factor `target`, by bracketing on a grid then bisection.
fn solve_base(parts: &Parts, arch: &Archetype, target: f64) -> Option<f64> {
    let (lo, hi, grid) = lf_grid(parts, arch);
    if !(target >= lo * (1.0 - 1e-12) && target <= hi * (1.0 + 1e-12)) {
        return None;
    }
    let b_default = arch.params.base_load_fraction;
    let bracket = grid
        .windows(2)
        .filter(|w| (w[0].1 - target) * (w[1].1 - target) <= 0.0)
        .min_by(|x, y| {
            let dx = (0.5 * (x[0].0 + x[1].0) - b_default).abs();
            let dy = (0.5 * (y[0].0 + y[1].0) - b_default).abs();
            dx.total_cmp(&dy)
        })?;
    let (mut b_lo, mut f_lo) = bracket[0];
    let (mut b_hi, _) = bracket[1];
    for _ in 0..60 {
        let mid = 0.5 * (b_lo + b_hi);
        let f_mid = parts.load_factor(mid);
        if ((f_mid - target) / target).abs() < 1e-10 {
            return Some(mid);
        }
        if (f_lo - target) * (f_mid - target) <= 0.0 {
            b_hi = mid;
        } else {
            b_lo = mid;
            f_lo = f_mid;
        }
    }
    Some(0.5 * (b_lo + b_hi))
}

/// Synthesize a year of active power [kW] for an archetype, scaled to a target.
///
/// # Arguments
/// * `cal` - the calendar (hourly or 15-minute steps); the result has `cal.n_steps()` values
/// * `arch` - the archetype
/// * `target` - annual energy [kWh] and/or peak of the step series [kW]; with only the energy the
///   default base-load share is used; with both, the base-load share is solved so that the
///   energy is met to rounding and the peak to 1e-10 relative
/// * `seed` - seed of the noise; derive it with [`crate::seed::derive`] from
///   (scenario seed, enterprise, [`crate::seed::streams::LOAD`])
///
/// # Returns
/// Mean active power of each step [kW], all values >= 0.
///
/// # Errors
/// [`LoadError::NoTarget`] when neither is given; [`LoadError::InvalidParameter`] for a
/// non-positive target; [`LoadError::InfeasibleTarget`] when the implied load factor is outside
/// what the archetype reaches over its `base_load_fraction_range`.
///
/// # Notes
/// See the module documentation for the model. Peak means the largest step value, so on a
/// 15-minute calendar it is the 15-minute demand (需量), higher than an hourly peak.
pub fn synthesize(
    cal: &Calendar,
    arch: &Archetype,
    target: &LoadTarget,
    seed: u64,
) -> Result<Vec<f64>, LoadError> {
    let energy = positive("annual_kwh", target.annual_kwh)?;
    let peak = positive("peak_kw", target.peak_kw)?;
    let mut parts = build_parts(cal, arch, seed);
    let dt = cal.step_hours();
    let n = parts.a.len() as f64;
    let (b, scale) = match (energy, peak) {
        (None, None) => {
            return Err(LoadError::NoTarget {
                archetype: arch.name().to_string(),
            });
        }
        (Some(e), None) => {
            let b = arch.params.base_load_fraction;
            (b, e / (b.mul_add(parts.sum_c, parts.sum_a) * dt))
        }
        (None, Some(pk)) => {
            let b = arch.params.base_load_fraction;
            (b, pk / parts.max(b))
        }
        (Some(e), Some(pk)) => {
            let lf = e / (pk * n * dt);
            let [b0, b1] = arch.params.base_load_fraction_range;
            parts.prune(b0, b1);
            let b = solve_base(&parts, arch, lf).ok_or_else(|| {
                let (lo, hi, _) = lf_grid(&parts, arch);
                let [b0, b1] = arch.params.base_load_fraction_range;
                LoadError::InfeasibleTarget {
                    archetype: arch.name().to_string(),
                    annual_kwh: e,
                    peak_kw: pk,
                    load_factor: lf,
                    min_load_factor: lo,
                    max_load_factor: hi,
                    base_min: b0,
                    base_max: b1,
                }
            })?;
            (b, e / (b.mul_add(parts.sum_c, parts.sum_a) * dt))
        }
    };
    if !(scale.is_finite() && scale > 0.0) {
        return Err(LoadError::InvalidParameter {
            field: format!("archetype.{}", arch.name()),
            value: "a profile that is zero at every step".into(),
            valid: "some base load or some production on the calendar's days".into(),
        });
    }
    let Parts { mut a, c, .. } = parts;
    for (y, &cv) in a.iter_mut().zip(&c) {
        *y = (scale * b.mul_add(cv, *y)).max(0.0);
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{HolidayTable, StepLength};
    use approx::assert_relative_eq;

    fn cal(step: StepLength) -> Calendar {
        Calendar::new(2025, step, 8.0, &HolidayTable::embedded()).unwrap()
    }

    fn energy(p: &[f64], dt: f64) -> f64 {
        p.iter().sum::<f64>() * dt
    }

    fn peak(p: &[f64]) -> f64 {
        p.iter().copied().fold(0.0, f64::max)
    }

    #[test]
    fn embedded_library_has_the_four_archetypes() {
        let lib = ArchetypeLibrary::embedded();
        let names: Vec<_> = lib.names().collect();
        for n in [
            "equipment_manufacturing",
            "magnetic_electronics",
            "battery_materials",
            "general_manufacturing",
        ] {
            assert!(names.contains(&n), "{n} missing");
        }
        assert!(matches!(
            lib.get("steel"),
            Err(LoadError::UnknownArchetype { .. })
        ));
        assert_relative_eq!(lib.transformer_sizes_kva()[0], 315.0);
    }

    #[test]
    fn day_shape_of_a_single_sharp_shift_is_its_window() {
        // One 08:00-16:00 shift without ramps: hours 8..16 fully on, others off.
        let mut p = ArchetypeLibrary::embedded()
            .get("general_manufacturing")
            .unwrap()
            .params()
            .clone();
        p.shifts = vec![Shift {
            start_hour: 8.0,
            end_hour: 16.0,
            level_fraction: 1.0,
        }];
        p.breaks.clear();
        p.ramp_up_hours = 0.0;
        p.ramp_down_hours = 0.0;
        let a = Archetype::new(p.clone()).unwrap();
        let s = a.day_shape(24);
        for (h, v) in s.iter().enumerate() {
            let want = if (8..16).contains(&h) { 1.0 } else { 0.0 };
            assert_relative_eq!(*v, want);
        }
        // A 1 h ramp centred on 08:00: hour 7 averages 1/8, hour 8 averages 7/8.
        p.ramp_up_hours = 1.0;
        let a = Archetype::new(p).unwrap();
        assert_relative_eq!(a.day_shape(24)[7], 0.125, epsilon = 1e-12);
        assert_relative_eq!(a.day_shape(24)[8], 0.875, epsilon = 1e-12);
        // The 15-minute shape averages to the hourly one.
        let q = a.day_shape(96);
        for h in 0..24 {
            let m: f64 = q[4 * h..4 * h + 4].iter().sum::<f64>() / 4.0;
            assert_relative_eq!(m, a.day_shape(24)[h], epsilon = 1e-12);
        }
    }

    #[test]
    fn out_of_range_parameter_names_its_key() {
        let mut p = ArchetypeLibrary::embedded()
            .get("battery_materials")
            .unwrap()
            .params()
            .clone();
        p.noise.day_rho = 1.5;
        let e = Archetype::new(p.clone()).unwrap_err().to_string();
        assert!(
            e.contains("archetype.battery_materials.noise.day_rho") && e.contains("1.5"),
            "{e}"
        );
        p.noise.day_rho = 0.5;
        p.shifts.clear();
        assert!(matches!(
            Archetype::new(p),
            Err(LoadError::InvalidParameter { .. })
        ));
        let bad = EMBEDDED_ARCHETYPES_TOML.replace("day_rho = 0.6", "day_rho = 0.6\nwobble = 1");
        assert!(matches!(
            ArchetypeLibrary::parse(&bad),
            Err(LoadError::ArchetypeFile(_))
        ));
    }

    #[test]
    fn seasonal_bump_is_half_at_the_half_width() {
        assert_relative_eq!(bump(200.0, 200.0, 40.0, 365.0), 1.0);
        assert_relative_eq!(bump(240.0, 200.0, 40.0, 365.0), 0.5, epsilon = 1e-12);
        assert_relative_eq!(bump(160.0, 200.0, 40.0, 365.0), 0.5, epsilon = 1e-12);
        // Periodic: day 10 is 25 days after a peak at day 350.
        assert_relative_eq!(
            bump(10.0, 350.0, 40.0, 365.0),
            bump(375.0, 350.0, 40.0, 365.0),
            epsilon = 1e-12
        );
    }

    #[test]
    fn every_archetype_hits_energy_and_peak() {
        let lib = ArchetypeLibrary::embedded();
        let leap = Calendar::new(2024, StepLength::Hourly, 8.0, &HolidayTable::embedded()).unwrap();
        for c in [
            cal(StepLength::Hourly),
            cal(StepLength::QuarterHourly),
            leap,
        ] {
            let hours = c.n_steps() as f64 * c.step_hours();
            for (i, a) in lib.archetypes().iter().enumerate() {
                let seed = 7 + i as u64;
                let e = 3.0e6;
                // Energy only.
                let t = LoadTarget {
                    annual_kwh: Some(e),
                    peak_kw: None,
                };
                let p = synthesize(&c, a, &t, seed).unwrap();
                assert_eq!(p.len(), c.n_steps());
                assert_relative_eq!(energy(&p, c.step_hours()), e, max_relative = 1e-3);
                assert!(p.iter().all(|&v| v >= 0.0));
                // Peak only.
                let t = LoadTarget {
                    annual_kwh: None,
                    peak_kw: Some(800.0),
                };
                let p = synthesize(&c, a, &t, seed).unwrap();
                assert_relative_eq!(peak(&p), 800.0, max_relative = 1e-2);
                // Both, at a load factor inside the reachable range.
                let (lo, hi, _) = load_factor_range(&c, a, seed);
                assert!(lo < hi, "{}: {lo} {hi}", a.name());
                for lf in [lo + 0.1 * (hi - lo), 0.5 * (lo + hi), hi - 0.1 * (hi - lo)] {
                    let pk = e / (lf * hours);
                    let t = LoadTarget {
                        annual_kwh: Some(e),
                        peak_kw: Some(pk),
                    };
                    let p = synthesize(&c, a, &t, seed).unwrap();
                    assert_relative_eq!(energy(&p, c.step_hours()), e, max_relative = 1e-3);
                    assert_relative_eq!(peak(&p), pk, max_relative = 1e-2);
                }
            }
        }
    }

    #[test]
    fn infeasible_pair_is_a_clear_error() {
        let lib = ArchetypeLibrary::embedded();
        let c = cal(StepLength::Hourly);
        let a = lib.get("battery_materials").unwrap();
        // Load factor 0.1 is far below what a continuous plant can reach.
        let t = LoadTarget {
            annual_kwh: Some(876_000.0),
            peak_kw: Some(1000.0),
        };
        let e = synthesize(&c, a, &t, 1).unwrap_err();
        assert!(matches!(e, LoadError::InfeasibleTarget { .. }), "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains("battery_materials") && msg.contains("0.100"),
            "{msg}"
        );
        // Load factor above 1 is impossible for anything.
        let t = LoadTarget {
            annual_kwh: Some(9.0e6),
            peak_kw: Some(1000.0),
        };
        assert!(matches!(
            synthesize(&c, a, &t, 1),
            Err(LoadError::InfeasibleTarget { .. })
        ));
        assert!(matches!(
            synthesize(&c, a, &LoadTarget::default(), 1),
            Err(LoadError::NoTarget { .. })
        ));
        let t = LoadTarget {
            annual_kwh: Some(-5.0),
            peak_kw: None,
        };
        assert!(matches!(
            synthesize(&c, a, &t, 1),
            Err(LoadError::InvalidParameter { .. })
        ));
    }

    #[test]
    fn pruned_maximum_equals_the_full_maximum() {
        let lib = ArchetypeLibrary::embedded();
        let c = cal(StepLength::Hourly);
        for (i, a) in lib.archetypes().iter().enumerate() {
            let mut parts = build_parts(&c, a, 100 + i as u64);
            let [b0, b1] = a.params().base_load_fraction_range;
            let full: Vec<f64> = (0..=20)
                .map(|j| parts.max(b0 + (b1 - b0) * f64::from(j) / 20.0))
                .collect();
            parts.prune(b0, b1);
            assert!(!parts.candidates.is_empty() && parts.candidates.len() < c.n_steps() / 10);
            for (j, m) in full.iter().enumerate() {
                let b = b0 + (b1 - b0) * j as f64 / 20.0;
                assert_relative_eq!(parts.max(b), *m, max_relative = 1e-15);
            }
        }
    }

    #[test]
    fn all_zero_archetype_is_an_error_not_a_nan() {
        let mut p = ArchetypeLibrary::embedded()
            .get("general_manufacturing")
            .unwrap()
            .params()
            .clone();
        p.base_load_fraction = 0.0;
        p.base_load_fraction_range = [0.0, 0.0];
        for s in &mut p.shifts {
            s.level_fraction = 0.0;
        }
        let a = Archetype::new(p).unwrap();
        let c = cal(StepLength::Hourly);
        for t in [
            LoadTarget {
                annual_kwh: Some(1.0e6),
                peak_kw: None,
            },
            LoadTarget {
                annual_kwh: None,
                peak_kw: Some(100.0),
            },
        ] {
            assert!(matches!(
                synthesize(&c, &a, &t, 1),
                Err(LoadError::InvalidParameter { .. })
            ));
        }
    }

    #[test]
    fn spring_festival_and_holidays_show() {
        let lib = ArchetypeLibrary::embedded();
        let c = cal(StepLength::Hourly);
        let t = LoadTarget {
            annual_kwh: Some(1.0e6),
            peak_kw: None,
        };
        let day = |m, d| usize::from(crate::calendar::Date::new(2025, m, d).unwrap().ordinal0());
        let week_mean = |p: &[f64], first: usize| -> f64 {
            p[first * 24..(first + 7) * 24].iter().sum::<f64>() / (7.0 * 24.0)
        };
        for name in [
            "equipment_manufacturing",
            "magnetic_electronics",
            "general_manufacturing",
        ] {
            let p = synthesize(&c, lib.get(name).unwrap(), &t, 3).unwrap();
            // 春节 2025: 28 January - 4 February. Compare with the week from Monday 10 March.
            let sf = week_mean(&p, day(1, 29));
            let normal = week_mean(&p, day(3, 10));
            assert!(
                sf < 0.6 * normal,
                "{name}: SF week {sf:.1} vs normal {normal:.1}"
            );
            // National Day (1 October 2025, a Wednesday) below the Wednesday a week later.
            let nd: f64 = p[day(10, 1) * 24..day(10, 2) * 24].iter().sum();
            let wd: f64 = p[day(10, 15) * 24..day(10, 16) * 24].iter().sum();
            assert!(
                nd < 0.8 * wd,
                "{name}: national day {nd:.0} vs workday {wd:.0}"
            );
        }
        // The continuous plant barely notices the Spring Festival.
        let p = synthesize(&c, lib.get("battery_materials").unwrap(), &t, 3).unwrap();
        let sf = week_mean(&p, day(1, 29));
        let normal = week_mean(&p, day(3, 10));
        assert!(sf > 0.6 * normal && sf < normal, "{sf} {normal}");
    }

    #[test]
    fn shifts_and_weekends_shape_the_typical_days() {
        use crate::load::typical_days;
        let lib = ArchetypeLibrary::embedded();
        let c = cal(StepLength::Hourly);
        let t = LoadTarget {
            annual_kwh: Some(1.0e6),
            peak_kw: None,
        };
        let td = |name: &str| {
            let p = synthesize(&c, lib.get(name).unwrap(), &t, 11).unwrap();
            typical_days(&c, &p).unwrap()
        };
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        // Day shift: 10:00 well above 03:00; the lunch hour dips; weekends far below workdays.
        let g = td("general_manufacturing");
        assert!(
            g.workday_kw[10] > 4.0 * g.workday_kw[3],
            "{:?}",
            g.workday_kw
        );
        assert!(g.workday_kw[12] < 0.8 * g.workday_kw[10]);
        assert!(mean(&g.weekend_kw) < 0.5 * mean(&g.workday_kw));
        // Two shifts: the evening (20:00) runs at roughly 3/4 of the day shift, nights are base.
        let e = td("equipment_manufacturing");
        let r = e.workday_kw[20] / e.workday_kw[10];
        assert!((0.7..0.9).contains(&r), "evening/day {r}");
        assert!(e.workday_kw[3] < 0.4 * e.workday_kw[10]);
        // Continuous plant: night ≈ day, weekend ≈ workday.
        let b = td("battery_materials");
        assert_relative_eq!(b.workday_kw[3], b.workday_kw[10], max_relative = 0.05);
        assert_relative_eq!(
            mean(&b.weekend_kw),
            mean(&b.workday_kw),
            max_relative = 0.05
        );
    }

    #[test]
    fn same_seed_same_profile_other_seed_other_profile() {
        let lib = ArchetypeLibrary::embedded();
        let c = cal(StepLength::QuarterHourly);
        let a = lib.get("magnetic_electronics").unwrap();
        let t = LoadTarget {
            annual_kwh: Some(2.0e6),
            peak_kw: Some(330.0),
        };
        let p1 = synthesize(&c, a, &t, 42).unwrap();
        let p2 = synthesize(&c, a, &t, 42).unwrap();
        let p3 = synthesize(&c, a, &t, 43).unwrap();
        assert_eq!(p1, p2);
        assert_ne!(p1, p3);
    }

    #[test]
    fn step_noise_has_the_requested_autocorrelation() {
        // A flat archetype (continuous, no season, no day noise): the log-ratio of consecutive
        // steps reflects only the step AR(1); its lag-1 correlation of deviations is ~rho.
        let mut p = ArchetypeLibrary::embedded()
            .get("battery_materials")
            .unwrap()
            .params()
            .clone();
        p.shifts = vec![Shift {
            start_hour: 0.0,
            end_hour: 24.0,
            level_fraction: 1.0,
        }];
        p.breaks.clear();
        p.shift_change_dip_fraction = 0.0;
        p.saturday_level_fraction = 1.0;
        p.sunday_level_fraction = 1.0;
        p.holiday_level_fraction = 1.0;
        p.spring_festival.level_fraction = 1.0;
        p.spring_festival.base_factor = 1.0;
        p.season.cooling_amplitude_fraction = 0.0;
        p.season.heating_amplitude_fraction = 0.0;
        p.noise.day_sigma_fraction = 0.0;
        p.noise.step_sigma_fraction = 0.05;
        p.noise.step_rho_per_hour = 0.8;
        let a = Archetype::new(p).unwrap();
        let c = cal(StepLength::Hourly);
        let y = synthesize(
            &c,
            &a,
            &LoadTarget {
                annual_kwh: Some(8760.0),
                peak_kw: None,
            },
            9,
        )
        .unwrap();
        let m = y.iter().sum::<f64>() / y.len() as f64;
        let v = y.iter().map(|x| (x - m).powi(2)).sum::<f64>() / y.len() as f64;
        let r1 =
            y.windows(2).map(|w| (w[0] - m) * (w[1] - m)).sum::<f64>() / (y.len() - 1) as f64 / v;
        assert_relative_eq!(v.sqrt() / m, 0.05, max_relative = 0.15);
        assert_relative_eq!(r1, 0.8, epsilon = 0.05);
    }
}
