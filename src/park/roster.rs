//! The park's enterprises: the ones named in the scenario and the ones its groups generate,
//! with their loads built once.

use crate::calendar::Calendar;
use crate::load::{self, ArchetypeLibrary, LoadTarget};
use crate::scenario::{LoadSource, Plan, Premises};
use crate::seed::{self, streams};
use rayon::prelude::*;
use std::path::PathBuf;

use super::SimError;

/// Where an enterprise's load comes from, resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadOrigin {
    /// Synthetic, from an archetype.
    Archetype {
        /// Archetype name.
        name: String,
        /// Annual energy target [kWh].
        annual_kwh: Option<f64>,
        /// Peak target [kW].
        peak_kw: Option<f64>,
        /// Seed of its noise.
        seed: u64,
    },
    /// Measured.
    Meter {
        /// The file.
        path: PathBuf,
        /// The series read with the scenario.
        data: crate::scenario::MeterData,
        /// Factor applied to the measured power (`1 + scenario.load_growth_fraction`).
        scale: f64,
    },
}

/// One enterprise of the park, with everything the models need.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseSpec {
    /// Unique name.
    pub name: String,
    /// Group name, or `None` for an enterprise named in the scenario.
    pub group: Option<String>,
    /// Load origin.
    pub load: LoadOrigin,
    /// Grid connection, roof and equipment overrides, as the plan states them or the group
    /// draws them.
    pub premises: Premises,
}

/// An enterprise's load on the calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadProfile {
    /// Active power per step [kW].
    pub p_kw: Vec<f64>,
    /// Reactive power per step [kvar].
    pub q_kvar: Vec<f64>,
    /// Gap report of meter data, when measured.
    pub gaps: Option<load::GapReport>,
    /// Monthly energy of the "last year" load that contracts are sized on [kWh], built on
    /// first use and shared by every market strategy of the enterprise.
    pub last_year_monthly_kwh: std::sync::OnceLock<[f64; 12]>,
    /// Sum of `p_kw` over the steps of each month [kW·steps], built on first use (contracts
    /// scale their forecast by month).
    pub monthly_sum_kw: std::sync::OnceLock<[f64; 12]>,
    /// Reactive energy per month after each capacitor bank size the tariff measure scans,
    /// built on first use (it does not depend on the grid import: shared by every strategy).
    pub bank_kvarh: std::sync::OnceLock<crate::tariff::optimize::BankKvarh>,
    /// Annual energy, peak and load factor of `p_kw`.
    pub stats: load::LoadStats,
}

/// Every enterprise of the plan: named ones first, then each group's members in order.
///
/// # Errors
/// [`SimError::Load`] when a group's parameters are rejected by the load model.
pub fn roster(
    plan: &Plan,
    cal: &Calendar,
    lib: &ArchetypeLibrary,
) -> Result<Vec<EnterpriseSpec>, SimError> {
    let mut out = Vec::with_capacity(plan.enterprise_count());
    for e in &plan.enterprises {
        out.push(named_member(plan, e));
    }
    for (gi, g) in plan.groups.iter().enumerate() {
        out.extend(group_members(plan, cal, lib, (gi, g))?);
    }
    Ok(out)
}

/// Load growth applied to an energy or peak target; the multiplication is skipped at 0 growth
/// so that the targets keep their exact bits.
fn grow(plan: &Plan, x: f64) -> f64 {
    if plan.load_growth_fraction.abs() > 0.0 {
        x * (1.0 + plan.load_growth_fraction)
    } else {
        x
    }
}

/// An enterprise named in the scenario; load growth scales its targets (or measured power).
fn named_member(plan: &Plan, e: &crate::scenario::EnterprisePlan) -> EnterpriseSpec {
    let load = match &e.load {
        LoadSource::Archetype {
            name,
            annual_kwh,
            peak_kw,
        } => LoadOrigin::Archetype {
            name: name.clone(),
            annual_kwh: annual_kwh.map(|x| grow(plan, x)),
            peak_kw: peak_kw.map(|x| grow(plan, x)),
            seed: seed::derive(plan.seed, &[streams::LOAD, 0, e.index as u64]),
        },
        LoadSource::Meter { path, data, .. } => LoadOrigin::Meter {
            path: path.clone(),
            data: data.clone(),
            scale: 1.0 + plan.load_growth_fraction,
        },
    };
    EnterpriseSpec {
        name: e.name.clone(),
        group: None,
        load,
        premises: e.premises.clone(),
    }
}

/// The load model's description of a scenario's `[[enterprise_group]]`, at the archetype's
/// `load_factor`, with the transformer sizes `sizes_kva`.
fn group_spec(
    g: &crate::scenario::raw::GroupEntry,
    load_factor: f64,
    sizes_kva: &[f64],
) -> load::GroupSpec {
    load::GroupSpec {
        count: g.count as usize,
        archetype: g.archetype.clone(),
        annual_kwh_median: g.annual_kwh_median,
        annual_kwh_sigma: g.annual_kwh_sigma,
        load_factor,
        transformer: load::TransformerRule {
            loading_fraction: g.transformer_loading_fraction,
            sizes_kva: sizes_kva.to_vec(),
        },
        roof: load::RoofRule::PerAnnualEnergy {
            m2_per_mwh: g.roof_m2_per_mwh,
            sigma: g.roof_sigma,
        },
        power_factor_range: [g.power_factor_min, g.power_factor_max],
    }
}

/// The members of group `gi`: sizes, roofs and power factors drawn by the load model
/// ([`load::sample_group`]) from the group's seed, each with its own load seed.
fn group_members(
    plan: &Plan,
    cal: &Calendar,
    lib: &ArchetypeLibrary,
    (gi, g): (usize, &crate::scenario::raw::GroupEntry),
) -> Result<Vec<EnterpriseSpec>, SimError> {
    let arch = lib.get(&g.archetype).map_err(SimError::Load)?;
    let group_seed = seed::derive(plan.seed, &[streams::GROUP, gi as u64]);
    let (_, _, load_factor) = load::load_factor_range(cal, arch, group_seed);
    let spec = group_spec(g, load_factor, lib.transformer_sizes_kva());
    let draws = load::sample_group(&spec, group_seed).map_err(SimError::Load)?;
    let member = |(k, d): (usize, load::EnterpriseDraw)| EnterpriseSpec {
        name: crate::scenario::resolve::group_member_name(&g.name, k as u32 + 1),
        group: Some(g.name.clone()),
        load: LoadOrigin::Archetype {
            name: g.archetype.clone(),
            annual_kwh: Some(grow(plan, d.annual_kwh)),
            peak_kw: None,
            seed: seed::derive(plan.seed, &[streams::LOAD, gi as u64 + 1, k as u64]),
        },
        premises: Premises {
            transformer_kva: d.transformer_kva,
            voltage_level: g.voltage_level.clone(),
            pf_standard: g.pf_standard,
            power_factor: d.power_factor,
            roof_area_m2: d.roof_area_m2,
            roof_type: g
                .roof_type
                .clone()
                .unwrap_or_else(|| plan.pv.roof_type.clone()),
            tilt_deg: plan.pv.tilt_deg,
            azimuth_deg: plan.pv.azimuth_deg,
            pv_file: None,
            pv_kw: None,
            storage_kwh: None,
            storage_kw: None,
        },
    };
    Ok(draws.into_iter().enumerate().map(member).collect())
}

/// Build every enterprise's load, in parallel, in roster order.
///
/// A generated enterprise whose synthesized peak would load its transformer above its power
/// factor's worth of kVA gets the next standard transformer size: a park's transformers carry
/// their loads.
///
/// # Errors
/// [`SimError::Load`] naming the enterprise when a load cannot be built (meter file errors
/// name the file and line).
pub fn build_loads(
    roster: &mut [EnterpriseSpec],
    cal: &Calendar,
    lib: &ArchetypeLibrary,
) -> Result<Vec<LoadProfile>, SimError> {
    let loads: Vec<Result<LoadProfile, SimError>> =
        roster.par_iter().map(|e| build_one(e, cal, lib)).collect();
    let mut out = Vec::with_capacity(loads.len());
    for (e, l) in roster.iter_mut().zip(loads) {
        let l = l?;
        fit_transformer(e, &l, lib);
        out.push(l);
    }
    Ok(out)
}

/// Give a generated enterprise whose load outgrows its transformer the next standard size.
pub(super) fn fit_transformer(e: &mut EnterpriseSpec, l: &LoadProfile, lib: &ArchetypeLibrary) {
    if e.group.is_some() {
        let needed = l.stats.peak_kw / e.premises.power_factor.max(0.3);
        if needed > e.premises.transformer_kva {
            e.premises.transformer_kva = load::transformer_kva(needed, lib.transformer_sizes_kva());
        }
    }
}

/// Build one enterprise's load.
pub(super) fn build_one(
    e: &EnterpriseSpec,
    cal: &Calendar,
    lib: &ArchetypeLibrary,
) -> Result<LoadProfile, SimError> {
    let named = |err: load::LoadError| SimError::enterprise(&e.name, err);
    let mut measured_q = None;
    let (p_kw, gaps) = match &e.load {
        LoadOrigin::Archetype {
            name,
            annual_kwh,
            peak_kw,
            seed,
        } => {
            let arch = lib.get(name).map_err(named)?;
            let target = LoadTarget {
                annual_kwh: *annual_kwh,
                peak_kw: *peak_kw,
            };
            (
                load::synthesize(cal, arch, &target, *seed).map_err(named)?,
                None,
            )
        }
        LoadOrigin::Meter { data, scale, .. } => {
            let m = &data.series;
            let grown = |v: &[f64]| -> Vec<f64> {
                if (*scale - 1.0).abs() > 0.0 {
                    v.iter().map(|p| p * scale).collect()
                } else {
                    v.to_vec()
                }
            };
            // Measured reactive power grows with the active power (the power factor stays).
            measured_q = m.q_kvar.as_deref().map(grown);
            (grown(&m.p_kw), Some(m.report.clone()))
        }
    };
    let q_kvar = match measured_q {
        Some(q) => q,
        None => {
            let model = load::PowerFactorModel::Constant {
                pf: e.premises.power_factor,
            };
            load::reactive_kvar(&p_kw, &model).map_err(named)?
        }
    };
    Ok(LoadProfile {
        stats: load::load_stats(&p_kw, cal.step_hours()),
        p_kw,
        q_kvar,
        gaps,
        last_year_monthly_kwh: std::sync::OnceLock::new(),
        monthly_sum_kw: std::sync::OnceLock::new(),
        bank_kvarh: std::sync::OnceLock::new(),
    })
}

#[cfg(test)]
#[allow(
    clippy::float_cmp,
    reason = "exact values: standard sizes and hand-set figures"
)]
mod tests {
    //! The loads stage on hand-computable enterprises.
    use super::*;

    /// Every value the scenario's key table lets through for a group is one the load model
    /// takes: `check` (which reads the table) refuses all that `run` (the model) would.
    #[test]
    fn the_key_table_ranges_of_a_group_are_within_the_load_models() {
        let p = crate::scenario::load_str(
            "[scenario]\nname = \"t\"\n[strategies]\nlist = [\"baseline\"]\n\
             [claims]\ncost_reduction_strategy = \"baseline\"\npv_saving_strategy = \"baseline\"\n\
             [[enterprise_group]]\nname = \"g\"\ncount = 3\narchetype = \"battery_materials\"\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let base = p.groups[0].clone();
        let sizes = ArchetypeLibrary::embedded()
            .transformer_sizes_kva()
            .to_vec();
        let mut seen = 0;
        for key in crate::scenario::schema::KEYS {
            let Some(field) = key.path.strip_prefix("enterprise_group[].") else {
                continue;
            };
            let (lo, hi) = match key.kind {
                crate::scenario::schema::Kind::Float { min, max } => (min, max),
                crate::scenario::schema::Kind::Int { min, max } => (min as f64, max as f64),
                _ => continue,
            };
            for v in [lo, hi] {
                let mut g = base.clone();
                match field {
                    "count" => g.count = v as u32,
                    "annual_kwh_median" => g.annual_kwh_median = v,
                    "annual_kwh_sigma" => g.annual_kwh_sigma = v,
                    "transformer_loading_fraction" => g.transformer_loading_fraction = v,
                    "roof_m2_per_mwh" => g.roof_m2_per_mwh = v,
                    "roof_sigma" => g.roof_sigma = v,
                    // Each bound of one end of the range, the other end kept valid.
                    "power_factor_min" => {
                        g.power_factor_min = v;
                        g.power_factor_max = 1.0;
                    }
                    "power_factor_max" => {
                        g.power_factor_max = v;
                        g.power_factor_min = g.power_factor_min.min(v);
                    }
                    other => panic!("a numeric group key this test does not know: {other}"),
                }
                group_spec(&g, 0.5, &sizes)
                    .validate()
                    .unwrap_or_else(|e| panic!("{} = {v}: {e}", key.path));
                seen += 1;
            }
        }
        assert_eq!(seen, 16, "8 numeric group keys at both ends");
    }

    fn plan(extra: &str) -> Plan {
        let text = format!(
            "[scenario]\nname = \"t\"\n{extra}\n[strategies]\nlist = [\"baseline\"]\n\
             [claims]\ncost_reduction_strategy = \"baseline\"\npv_saving_strategy = \"baseline\"\n\
             [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
             annual_kwh = 1e6\ntransformer_kva = 800\npower_factor = 0.8\n"
        );
        crate::scenario::load_str(&text, std::path::Path::new("t.toml")).unwrap()
    }

    fn calendar(p: &Plan) -> Calendar {
        Calendar::new(p.year, p.step, p.utc_offset_hours, &p.holidays).unwrap()
    }

    /// A named archetype enterprise: the year's energy is its target grown by
    /// `scenario.load_growth_fraction` (1e6 kWh × 1.1), and its reactive power follows its
    /// power factor 0.8: q = p · tan(acos 0.8) = 0.75 p.
    #[test]
    fn an_archetype_load_meets_its_grown_target_at_its_power_factor() {
        let p = plan("load_growth_fraction = 0.1");
        let cal = calendar(&p);
        let lib = ArchetypeLibrary::embedded();
        let mut r = roster(&p, &cal, &lib).unwrap();
        let loads = build_loads(&mut r, &cal, &lib).unwrap();
        let l = &loads[0];
        let kwh: f64 = l.p_kw.iter().sum::<f64>() * cal.step_hours();
        assert!((kwh / 1.1e6 - 1.0).abs() < 1e-9, "{kwh}");
        assert!((l.stats.annual_kwh - kwh).abs() < 1e-6 * kwh);
        for (p_kw, q) in l.p_kw.iter().zip(&l.q_kvar) {
            assert!((q - 0.75 * p_kw).abs() < 1e-9 * (1.0 + p_kw), "{p_kw} {q}");
        }
        // A named enterprise keeps the transformer it states, whatever its load.
        assert_eq!(r[0].premises.transformer_kva, 800.0);
    }

    /// A generated enterprise whose peak needs more than its transformer gets the next
    /// standard size: 900 kW at power factor 0.9 needs 1,000 kVA, a standard size
    /// (data/load/archetypes.toml); a named one is never resized.
    #[test]
    fn a_grown_group_member_gets_the_next_standard_transformer() {
        let p = plan("");
        let cal = calendar(&p);
        let lib = ArchetypeLibrary::embedded();
        let mut e = roster(&p, &cal, &lib).unwrap().remove(0);
        e.premises.power_factor = 0.9;
        let p_kw = vec![900.0; cal.n_steps()];
        let l = LoadProfile {
            stats: load::load_stats(&p_kw, cal.step_hours()),
            q_kvar: vec![0.0; p_kw.len()],
            p_kw,
            gaps: None,
            last_year_monthly_kwh: std::sync::OnceLock::new(),
            monthly_sum_kw: std::sync::OnceLock::new(),
            bank_kvarh: std::sync::OnceLock::new(),
        };
        let mut named = e.clone();
        fit_transformer(&mut named, &l, &lib);
        assert_eq!(named.premises.transformer_kva, 800.0);
        e.group = Some("g".into());
        fit_transformer(&mut e, &l, &lib);
        assert_eq!(e.premises.transformer_kva, 1000.0);
    }
}
