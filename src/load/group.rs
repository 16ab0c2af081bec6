//! Enterprise groups (企业群): draw the size, transformer, roof and power factor of many similar
//! enterprises from a few distribution parameters, deterministically from a seed.
//!
//! Owns sampling only; the archetype named by a group is resolved by the caller through
//! [`super::ArchetypeLibrary`].
//!
//! # References
//! E. Limpert, W. A. Stahel and M. Abbt, "Log-normal distributions across the sciences: keys and
//! clues," *BioScience*, vol. 51, no. 5, pp. 341-352, 2001.
//! doi: `10.1641/0006-3568(2001)051[0341:LNDATS]2.0.CO;2`

use super::error::LoadError;
use crate::seed;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// How the transformer capacity (变压器容量, 报装容量) of an enterprise is chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformerRule {
    /// Peak apparent power over rated capacity the enterprise was designed for (负载率)
    /// [fraction], in 0.2..=1; e.g. 0.6.
    pub loading_fraction: f64,
    /// Standard ratings to round up to, strictly increasing [kVA]; beyond the largest, several
    /// equal units of a standard size are used. See
    /// [`super::ArchetypeLibrary::transformer_sizes_kva`].
    pub sizes_kva: Vec<f64>,
}

/// How the usable roof area of an enterprise is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum RoofRule {
    /// Lognormal, independent of size.
    Lognormal {
        /// Median [m²], > 0.
        median_m2: f64,
        /// Standard deviation of ln(area), 0..=2.
        sigma: f64,
    },
    /// Proportional to annual energy, with lognormal scatter around the proportion.
    PerAnnualEnergy {
        /// Median roof area per MWh of annual consumption [m²/MWh], > 0.
        m2_per_mwh: f64,
        /// Standard deviation of ln(area / proportional area), 0..=2.
        sigma: f64,
    },
}

/// A group of similar enterprises.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSpec {
    /// Number of enterprises, 1..=100000.
    pub count: usize,
    /// Archetype name (see `data/load/archetypes.toml`).
    pub archetype: String,
    /// Median annual consumption [kWh], > 0.
    pub annual_kwh_median: f64,
    /// Standard deviation of ln(annual kWh), 0..=3.
    pub annual_kwh_sigma: f64,
    /// Load factor used to turn annual energy into peak power for the transformer rule
    /// [fraction], in 0.05..=1; use [`super::archetype::load_factor_range`] for the archetype's.
    pub load_factor: f64,
    /// Transformer sizing rule.
    pub transformer: TransformerRule,
    /// Roof-area rule.
    pub roof: RoofRule,
    /// Power factor drawn uniformly from this range [fraction], 0.3 <= lo <= hi <= 1.
    pub power_factor_range: [f64; 2],
}

/// The drawn properties of one enterprise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnterpriseDraw {
    /// Annual consumption [kWh].
    pub annual_kwh: f64,
    /// Peak power implied by the group's load factor [kW].
    pub peak_kw: f64,
    /// Installed transformer capacity [kVA].
    pub transformer_kva: f64,
    /// Usable roof area [m²].
    pub roof_area_m2: f64,
    /// Mean power factor [fraction].
    pub power_factor: f64,
}

fn bad(field: &str, value: String, valid: &str) -> LoadError {
    LoadError::InvalidParameter {
        field: format!("group.{field}"),
        value,
        valid: valid.into(),
    }
}

fn in_range(field: &str, v: f64, lo: f64, hi: f64) -> Result<(), LoadError> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(bad(field, v.to_string(), &format!("in {lo}..={hi}")))
    }
}

impl GroupSpec {
    /// Check every parameter.
    ///
    /// # Errors
    /// [`LoadError::InvalidParameter`] naming the first bad field.
    pub fn validate(&self) -> Result<(), LoadError> {
        if !(1..=100_000).contains(&self.count) {
            return Err(bad("count", self.count.to_string(), "in 1..=100000"));
        }
        in_range("annual_kwh_median", self.annual_kwh_median, 1.0, 1e12)?;
        in_range("annual_kwh_sigma", self.annual_kwh_sigma, 0.0, 3.0)?;
        in_range("load_factor", self.load_factor, 0.05, 1.0)?;
        in_range(
            "transformer.loading_fraction",
            self.transformer.loading_fraction,
            0.2,
            1.0,
        )?;
        let s = &self.transformer.sizes_kva;
        if s.is_empty() || s[0] <= 0.0 || s.windows(2).any(|w| w[0] >= w[1]) {
            return Err(bad(
                "transformer.sizes_kva",
                format!("{s:?} kVA"),
                "a non-empty, strictly increasing list of positive sizes",
            ));
        }
        match self.roof {
            RoofRule::Lognormal { median_m2, sigma } => {
                in_range("roof.median_m2", median_m2, 1e-6, 1e9)?;
                in_range("roof.sigma", sigma, 0.0, 2.0)?;
            }
            RoofRule::PerAnnualEnergy { m2_per_mwh, sigma } => {
                // 0: a group without usable roofs (every roof area 0).
                in_range("roof.m2_per_mwh", m2_per_mwh, 0.0, 1e6)?;
                in_range("roof.sigma", sigma, 0.0, 2.0)?;
            }
        }
        let [lo, hi] = self.power_factor_range;
        in_range("power_factor_range[0]", lo, 0.3, 1.0)?;
        in_range("power_factor_range[1]", hi, lo, 1.0)?;
        Ok(())
    }
}

/// Round a needed capacity up to standard transformer sizes [kVA].
///
/// # Arguments
/// * `needed_kva` - capacity needed [kVA], >= 0
/// * `sizes_kva` - standard ratings, strictly increasing [kVA]
///
/// # Returns
/// The smallest standard size >= `needed_kva`; above the largest, `n` equal units with
/// `n = ceil(needed / largest)`, each the smallest size >= `needed / n`, so the total is `n ×` that.
pub fn transformer_kva(needed_kva: f64, sizes_kva: &[f64]) -> f64 {
    let Some(&largest) = sizes_kva.last() else {
        return needed_kva;
    };
    let n = (needed_kva / largest).ceil().max(1.0);
    let per_unit = needed_kva / n;
    let size = sizes_kva
        .iter()
        .copied()
        .find(|&s| s >= per_unit * (1.0 - 1e-12))
        .unwrap_or(largest);
    n * size
}

/// Draw the enterprises of a group.
///
/// # Arguments
/// * `spec` - the group
/// * `seed` - base seed; enterprise `i` uses `seed::derive(seed, &[i])`, so adding enterprises
///   leaves the earlier draws unchanged
///
/// # Returns
/// `spec.count` draws: annual kWh lognormal(median, sigma); peak = kWh / (8760 h × load factor);
/// power factor uniform in the range; transformer = [`transformer_kva`] of
/// `peak / (pf × loading_fraction)`; roof per [`RoofRule`].
///
/// # Errors
/// [`LoadError::InvalidParameter`] from [`GroupSpec::validate`].
pub fn sample_group(spec: &GroupSpec, seed: u64) -> Result<Vec<EnterpriseDraw>, LoadError> {
    spec.validate()?;
    let [pf_lo, pf_hi] = spec.power_factor_range;
    Ok((0..spec.count)
        .map(|i| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed::derive(seed, &[i as u64]));
            let z_energy: f64 = StandardNormal.sample(&mut rng);
            let z_roof: f64 = StandardNormal.sample(&mut rng);
            let u_pf: f64 = rng.random();
            let annual_kwh = spec.annual_kwh_median * (spec.annual_kwh_sigma * z_energy).exp();
            let peak_kw = annual_kwh / (8760.0 * spec.load_factor);
            let power_factor = pf_lo + (pf_hi - pf_lo) * u_pf;
            let needed = peak_kw / (power_factor * spec.transformer.loading_fraction);
            let roof_area_m2 = match spec.roof {
                RoofRule::Lognormal { median_m2, sigma } => median_m2 * (sigma * z_roof).exp(),
                RoofRule::PerAnnualEnergy { m2_per_mwh, sigma } => {
                    m2_per_mwh * annual_kwh / 1000.0 * (sigma * z_roof).exp()
                }
            };
            EnterpriseDraw {
                annual_kwh,
                peak_kw,
                transformer_kva: transformer_kva(needed, &spec.transformer.sizes_kva),
                roof_area_m2,
                power_factor,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::ArchetypeLibrary;
    use approx::assert_relative_eq;

    fn spec() -> GroupSpec {
        GroupSpec {
            count: 400,
            archetype: "general_manufacturing".into(),
            annual_kwh_median: 1.0e6,
            annual_kwh_sigma: 0.5,
            load_factor: 0.3,
            transformer: TransformerRule {
                loading_fraction: 0.6,
                sizes_kva: ArchetypeLibrary::embedded()
                    .transformer_sizes_kva()
                    .to_vec(),
            },
            roof: RoofRule::PerAnnualEnergy {
                m2_per_mwh: 5.0,
                sigma: 0.3,
            },
            power_factor_range: [0.85, 0.95],
        }
    }

    #[test]
    fn transformer_rounding() {
        let s = ArchetypeLibrary::embedded()
            .transformer_sizes_kva()
            .to_vec();
        assert_relative_eq!(transformer_kva(10.0, &s), 315.0);
        assert_relative_eq!(transformer_kva(315.0, &s), 315.0);
        assert_relative_eq!(transformer_kva(316.0, &s), 400.0);
        assert_relative_eq!(transformer_kva(2400.0, &s), 2500.0);
        // 2600 kVA: two units of 1600 (each needs 1300).
        assert_relative_eq!(transformer_kva(2600.0, &s), 3200.0);
        // 6000 kVA: three units of 2000.
        assert_relative_eq!(transformer_kva(6000.0, &s), 6000.0);
    }

    #[test]
    fn draws_are_deterministic_and_follow_the_spec() {
        let s = spec();
        let a = sample_group(&s, 11).unwrap();
        assert_eq!(a, sample_group(&s, 11).unwrap());
        assert_ne!(a, sample_group(&s, 12).unwrap());
        // Prefix stability: a smaller group is the first draws of a larger one.
        let mut small = s.clone();
        small.count = 10;
        assert_eq!(sample_group(&small, 11).unwrap()[..], a[..10]);
        // Median of the lognormal within a few percent for 400 draws.
        let mut e: Vec<f64> = a.iter().map(|d| d.annual_kwh).collect();
        e.sort_by(f64::total_cmp);
        assert_relative_eq!(e[200], 1.0e6, max_relative = 0.1);
        for d in &a {
            assert!((0.85..=0.95).contains(&d.power_factor));
            assert_relative_eq!(
                d.peak_kw,
                d.annual_kwh / (8760.0 * 0.3),
                max_relative = 1e-12
            );
            assert!(d.transformer_kva * 0.6 * d.power_factor >= d.peak_kw * (1.0 - 1e-12));
            assert!(d.roof_area_m2 > 0.0);
        }
    }

    #[test]
    fn a_group_without_roofs_has_roof_areas_of_zero() {
        let mut s = spec();
        s.roof = RoofRule::PerAnnualEnergy {
            m2_per_mwh: 0.0,
            sigma: 0.3,
        };
        let draws = sample_group(&s, 11).unwrap();
        assert!(draws.iter().all(|d| d.roof_area_m2 == 0.0));
    }

    #[test]
    fn bad_spec_is_an_error() {
        let mut s = spec();
        s.power_factor_range = [0.95, 0.85];
        assert!(matches!(
            sample_group(&s, 1),
            Err(LoadError::InvalidParameter { .. })
        ));
        let mut s = spec();
        s.count = 0;
        let e = sample_group(&s, 1).unwrap_err().to_string();
        assert!(e.contains("group.count"), "{e}");
    }
}
