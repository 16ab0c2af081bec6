//! Keys of the stage cache ([`super::Cache`]): each stage of a park run is memoized under a
//! struct that holds the inputs it depends on. The key is stored in the map beside its value
//! and compared whole (`Eq`) on every lookup, so an input left out of a key or a hash collision
//! cannot return a stale result: at worst a lookup misses and the stage is computed again.
//!
//! Three kinds of key parts:
//! - **run-level inputs** (the calendar, the tariff and `[tariff]`, `[market]`, the PV inputs,
//!   storage and finance) are numbered by an [`Interner`]: equal inputs (`PartialEq`, the
//!   values themselves) get the same [`Id`], compared once per run rather than on every lookup;
//! - **per-enterprise inputs** (its spec after the transformer fit, its roster index) are held
//!   in the key itself ([`EnterpriseKey`]);
//! - **series** (an enterprise's grid import, export and reactive power after a strategy) are
//!   content-addressed by a 128-bit XXH3 digest of their bits ([`SeriesKey`]): storing the
//!   series themselves in every key would hold hundreds of MB per sweep sample. An accidental
//!   collision of two of the at most 2^32 series a sweep sees has a probability below 2^-64.
//!
//! Floating-point fields hash by their bits (with −0 as +0) and compare with `==`; inputs are
//! finite (the scenario check refuses the others), and a NaN would only make a lookup miss.

use super::roster::{EnterpriseSpec, LoadOrigin};
use crate::scenario::{Plan, Premises};
use crate::strategy::Strategy;
use crate::tariff::{BasicCharge, BillingOption, Customer, PfStandard, VoltageLevel};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// The number an [`Interner`] gives a run-level input.
pub type Id = u32;

/// Numbers distinct values: equal values (by `PartialEq`) get the same [`Id`]. Values are kept
/// for the cache's life (a sweep sees one per distinct sample at most), so a number never
/// changes meaning.
#[derive(Debug)]
pub struct Interner<T> {
    values: Mutex<Vec<T>>,
}

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Interner {
            values: Mutex::new(Vec::new()),
        }
    }
}

impl<T: PartialEq> Interner<T> {
    /// The number of `v`, given a new one when no equal value was seen before.
    pub fn id(&self, v: T) -> Id {
        // A panic elsewhere cannot leave the list inconsistent (pushes are single calls).
        let mut values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = values.iter().position(|x| *x == v) {
            return i as Id;
        }
        values.push(v);
        (values.len() - 1) as Id
    }
}

/// What the steps of a year depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarInputs {
    year: i32,
    step: crate::calendar::StepLength,
    utc_offset_hours: f64,
    holidays: crate::calendar::HolidayTable,
}

impl CalendarInputs {
    /// The calendar inputs of a plan.
    pub fn of(plan: &Plan) -> Self {
        CalendarInputs {
            year: plan.year,
            step: plan.step,
            utc_offset_hours: plan.utc_offset_hours,
            holidays: plan.holidays.clone(),
        }
    }
}

/// What measuring and billing a grid series depend on: the calendar, the tariff and the
/// compensation costs.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalInputs {
    calendar: Id,
    tariff: crate::tariff::Tariff,
    compensation: crate::tariff::optimize::CompensationCosts,
}

/// What every enterprise's bill depends on besides the enterprise and its series: the signal
/// inputs, `[tariff]` (baseline, choice period) and the scenario seed (contract forecast
/// errors).
#[derive(Debug, Clone, PartialEq)]
pub struct BillingInputs {
    signal: Id,
    section: crate::scenario::raw::TariffSection,
    seed: u64,
}

/// What PV output per kWp and an enterprise's flows before storage depend on besides the
/// orientation and the enterprise: the weather inputs (source, site, calendar, seed), `[pv]`
/// without its money ([`pv_output_section`]) and the PV system the plan builds.
#[derive(Debug, Clone, PartialEq)]
pub struct PvInputs {
    calendar: Id,
    weather: crate::scenario::WeatherPlan,
    site: crate::scenario::raw::SiteSection,
    seed: u64,
    pv: crate::scenario::raw::PvSection,
    system: crate::solar::chain::PvSystem,
}

/// What PV adds to an enterprise's first year besides its output: who owns the array and the
/// EMC discount (the enterprise's payment for the energy it uses).
#[derive(Debug, Clone, PartialEq)]
pub struct PvYearInputs {
    output: Id,
    ownership: crate::scenario::choice::PvOwnership,
    emc_discount_fraction: f64,
}

/// What a battery's sizing and first year (dispatch, bill) depend on besides the enterprise:
/// `[storage]` and the battery template, and, when the sizing searches the NPV, the capital
/// costs and `[finance]` ([`StorageInputs::of`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StorageInputs {
    storage: crate::scenario::raw::StorageSection,
    battery: crate::storage::BatteryParams,
    finance: Option<crate::scenario::raw::FinanceSection>,
}

impl StorageInputs {
    /// The storage inputs of a plan. With fixed sizes (`storage.sizing = "fixed"`) the capital
    /// and O&M costs and `[finance]` reach only the lifetime money, which is computed after the
    /// memo ([`super::money::fill`]): they are left out, so that a sweep over storage capex
    /// reuses every battery's year.
    pub fn of(plan: &Plan) -> Self {
        let mut storage = plan.storage.clone();
        let npv_sizing = storage.sizing == crate::scenario::choice::SizingMode::Optimize;
        if !npv_sizing {
            storage.capex_yuan_per_kwh = None;
            storage.capex_yuan_per_kw = None;
            storage.om_fraction_of_capex = None;
        }
        StorageInputs {
            storage,
            battery: plan.battery,
            finance: npv_sizing.then(|| plan.finance.clone()),
        }
    }
}

/// `[pv]` without what reaches only the money: capital and O&M costs, life, ownership and the
/// EMC discount (PV output and the flows before storage do not depend on them).
pub fn pv_output_section(plan: &Plan) -> crate::scenario::raw::PvSection {
    let mut pv = plan.pv.clone();
    pv.capex_yuan_per_w = 0.0;
    pv.om_yuan_per_w_year = 0.0;
    pv.life_years = 0;
    pv.ownership = crate::scenario::choice::PvOwnership::SelfOwned;
    pv.emc_discount_fraction = 0.0;
    pv
}

/// The interners of a cache, one per kind of run-level input.
#[derive(Debug, Default)]
pub struct Interners {
    calendar: Interner<CalendarInputs>,
    signal: Interner<SignalInputs>,
    billing: Interner<BillingInputs>,
    market: Interner<crate::scenario::raw::MarketSection>,
    pv: Interner<PvInputs>,
    pv_year: Interner<PvYearInputs>,
    storage: Interner<StorageInputs>,
}

/// The numbers of a run's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RunKeys {
    /// The calendar.
    pub calendar: Id,
    /// The calendar, the tariff and compensation costs.
    pub signal: Id,
    /// The signal inputs, `[tariff]` and the seed.
    pub billing: Id,
    /// `[market]`.
    pub market: Id,
    /// `market.returned_user`: the baseline purchase of strategies without the market measure.
    pub returned_user: bool,
    /// The PV inputs of output and flows.
    pub pv: Id,
    /// The PV inputs of an enterprise's year: output, ownership, EMC discount.
    pub pv_year: Id,
    /// Storage (and finance when sizing searches the NPV).
    pub storage: Id,
}

impl Interners {
    /// The number of a plan's calendar.
    pub fn calendar(&self, plan: &Plan) -> Id {
        self.calendar.id(CalendarInputs::of(plan))
    }

    /// The number of a plan's PV inputs.
    pub fn pv(&self, plan: &Plan) -> Id {
        self.pv.id(PvInputs {
            calendar: self.calendar(plan),
            weather: plan.weather.clone(),
            site: plan.site.clone(),
            seed: plan.seed,
            pv: pv_output_section(plan),
            system: super::pv::system(plan, 0.0, 180.0),
        })
    }

    /// The numbers of every run-level input of a plan (with the compensation costs the run
    /// uses).
    pub fn run(
        &self,
        plan: &Plan,
        compensation: &crate::tariff::optimize::CompensationCosts,
    ) -> RunKeys {
        let calendar = self.calendar(plan);
        let pv = self.pv(plan);
        let signal = self.signal.id(SignalInputs {
            calendar,
            tariff: plan.tariff_model.clone(),
            compensation: compensation.clone(),
        });
        RunKeys {
            calendar,
            signal,
            billing: self.billing.id(BillingInputs {
                signal,
                section: plan.tariff.clone(),
                seed: plan.seed,
            }),
            market: self.market.id(plan.market.clone()),
            returned_user: plan.market.returned_user,
            pv,
            pv_year: self.pv_year.id(PvYearInputs {
                output: pv,
                ownership: plan.pv.ownership,
                emc_discount_fraction: plan.pv.emc_discount_fraction,
            }),
            storage: self.storage.id(StorageInputs::of(plan)),
        }
    }
}

/// A float's bits for hashing, with −0 as +0 (they compare equal).
fn bits(x: f64) -> u64 {
    if x == 0.0 { 0 } else { x.to_bits() }
}

fn hash_opt<H: Hasher>(x: Option<f64>, state: &mut H) {
    x.map(bits).hash(state);
}

impl Hash for LoadOrigin {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            LoadOrigin::Archetype {
                name,
                annual_kwh,
                peak_kw,
                seed,
            } => {
                0u8.hash(state);
                name.hash(state);
                hash_opt(*annual_kwh, state);
                hash_opt(*peak_kw, state);
                seed.hash(state);
            }
            LoadOrigin::Meter { path, data, scale } => {
                1u8.hash(state);
                path.hash(state);
                // The series' digest picks the bucket; `Eq` compares the series.
                data.hash.hash(state);
                bits(*scale).hash(state);
            }
        }
    }
}

impl Eq for LoadOrigin {}

impl Hash for EnterpriseSpec {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Destructured whole: a field added to the spec does not compile until it is hashed.
        let EnterpriseSpec {
            name,
            group,
            load,
            premises,
        } = self;
        name.hash(state);
        group.hash(state);
        load.hash(state);
        premises.hash(state);
    }
}

impl Hash for Premises {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Destructured whole, as above.
        let Premises {
            transformer_kva,
            voltage_level,
            pf_standard,
            power_factor,
            roof_area_m2,
            roof_type,
            tilt_deg,
            azimuth_deg,
            pv_file,
            pv_kw,
            storage_kwh,
            storage_kw,
        } = self;
        for x in [
            *transformer_kva,
            *pf_standard,
            *power_factor,
            *roof_area_m2,
            *tilt_deg,
            *azimuth_deg,
        ] {
            bits(x).hash(state);
        }
        voltage_level.hash(state);
        roof_type.hash(state);
        pv_file.hash(state);
        for x in [*pv_kw, *storage_kwh, *storage_kw] {
            hash_opt(x, state);
        }
    }
}

impl Eq for Premises {}

impl Eq for EnterpriseSpec {}

/// A load profile: the calendar, the enterprise's load origin and its power factor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoadKey {
    /// The calendar.
    pub calendar: Id,
    /// Archetype and targets, or meter series and scale.
    pub origin: LoadOrigin,
    /// Mean power factor (reactive power) [bits of f64].
    pub power_factor_bits: u64,
}

impl LoadKey {
    /// The key of an enterprise's load on a calendar.
    pub fn of(calendar: Id, e: &EnterpriseSpec) -> Self {
        LoadKey {
            calendar,
            origin: e.load.clone(),
            power_factor_bits: bits(e.premises.power_factor),
        }
    }
}

/// PV output per kWp of one orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PvKey {
    /// The PV inputs.
    pub inputs: Id,
    /// Tilt [bits of f64, deg].
    pub tilt_bits: u64,
    /// Azimuth [bits of f64, deg].
    pub azimuth_bits: u64,
}

impl PvKey {
    /// The key of an orientation under PV inputs.
    pub fn of(inputs: Id, tilt_deg: f64, azimuth_deg: f64) -> Self {
        PvKey {
            inputs,
            tilt_bits: bits(tilt_deg),
            azimuth_bits: bits(azimuth_deg),
        }
    }
}

/// Monthly energy of a contract's "last year" load: the archetype load of the calendar with
/// last year's noise.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ForecastKey {
    /// The calendar.
    pub calendar: Id,
    /// The archetype, its targets and seed.
    pub origin: LoadOrigin,
}

/// An enterprise in a run: the billing inputs (with calendar, tariff and seed), its roster
/// index (the contract's forecast error is seeded by it) and its spec after the transformer
/// fit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnterpriseKey {
    /// The billing inputs.
    pub billing: Id,
    /// Roster index.
    pub index: usize,
    /// The spec.
    pub spec: EnterpriseSpec,
}

/// The PV part of a stage: the PV inputs and the year's output scale (degradation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PvPart {
    /// The PV inputs.
    pub inputs: Id,
    /// PV output relative to the first year [bits of f64].
    pub scale_bits: u64,
}

impl PvPart {
    /// The PV part of runs with these inputs and output scale.
    pub fn of(inputs: Id, scale_fraction: f64) -> Self {
        PvPart {
            inputs,
            scale_bits: bits(scale_fraction),
        }
    }
}

/// An enterprise's grid flows before storage: with PV, the PV inputs and scale.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlowsKey {
    /// The enterprise.
    pub enterprise: Arc<EnterpriseKey>,
    /// The PV, for strategies with PV.
    pub pv: Option<PvPart>,
}

/// The purchase inputs of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarketPart {
    /// Strategies with the market measure: all of `[market]`.
    Measure(Id),
    /// Strategies without it: only whether the enterprise is a returned user.
    Baseline {
        /// `market.returned_user`.
        returned_user: bool,
    },
}

/// An enterprise's outcome under a strategy (before the lifetime money).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutcomeKey {
    /// The enterprise.
    pub enterprise: Arc<EnterpriseKey>,
    /// The strategy.
    pub strategy: Strategy,
    /// Purchase inputs.
    pub market: MarketPart,
    /// PV inputs, for strategies with PV.
    pub pv: Option<PvPart>,
    /// Storage and finance inputs, for strategies with storage.
    pub storage: Option<Id>,
}

/// A 128-bit XXH3 digest of series' bits (each with its length).
pub fn digest(series: &[&[f64]]) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    for s in series {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(bytemuck::cast_slice::<f64, u8>(s));
    }
    h.digest128()
}

/// A strategy's grid series (import, export, reactive power) on a voltage level's signal of a
/// tariff: what usage measurement and reactive compensation depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    /// The signal inputs.
    pub signal: Id,
    /// The voltage level of the signal.
    pub level: VoltageLevel,
    /// [`digest`] of import, export and reactive power.
    pub digest: u128,
}

/// A measured usage: of a series, or of a series with a capacitor bank in service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UsageKey {
    /// The series as simulated.
    Plain(SeriesKey),
    /// With a bank: the load's active power and the bank's size change the reactive series.
    Compensated {
        /// The series.
        series: SeriesKey,
        /// [`digest`] of the load's active power.
        load_digest: u128,
        /// Bank size [bits of f64, kvar].
        bank_kvar_bits: u64,
    },
}

/// A billing option as key bits: kind and declared demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OptionKey {
    kind: u8,
    declared_kw_bits: u64,
}

impl From<&BillingOption> for OptionKey {
    fn from(o: &BillingOption) -> Self {
        let (kind, kw) = match o {
            BillingOption::SinglePart => (0, 0.0),
            BillingOption::TwoPart(BasicCharge::Capacity) => (1, 0.0),
            BillingOption::TwoPart(BasicCharge::ActualDemand) => (2, 0.0),
            BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw }) => (3, *kw),
        };
        OptionKey {
            kind,
            declared_kw_bits: bits(kw),
        }
    }
}

/// The reactive compensation choice of the tariff measure: the series, the customer and the
/// billing options of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompensationKey {
    /// The series.
    pub series: SeriesKey,
    /// Transformer capacity [bits of f64, kVA].
    pub transformer_kva_bits: u64,
    /// Voltage level.
    pub voltage_level: VoltageLevel,
    /// Power-factor standard.
    pub pf_standard: Option<PfStandard>,
    /// The options of each month.
    pub options: [OptionKey; 12],
}

impl CompensationKey {
    /// The key of a compensation choice.
    pub fn of(series: SeriesKey, customer: &Customer, options: &[BillingOption; 12]) -> Self {
        CompensationKey {
            series,
            transformer_kva_bits: bits(customer.transformer_kva),
            voltage_level: customer.voltage_level,
            pf_standard: customer.pf_standard,
            options: options.each_ref().map(OptionKey::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interner_numbers_equal_values_alike_and_different_values_apart() {
        let i = Interner::default();
        assert_eq!(i.id(1.5_f64), 0);
        assert_eq!(i.id(2.5), 1);
        assert_eq!(i.id(1.5), 0);
        assert_eq!(i.id(-0.0), 2);
        assert_eq!(i.id(0.0), 2, "0 and -0 compare equal");
    }

    #[test]
    fn digests_tell_series_apart_by_content_order_and_split() {
        let a = [1.0, 2.0, 3.0];
        let b = [1.0, 2.0, 3.000_000_000_000_001];
        assert_eq!(digest(&[&a]), digest(&[&a.clone()]));
        assert_ne!(digest(&[&a]), digest(&[&b]));
        // The same values split differently between import and export are other flows.
        assert_ne!(digest(&[&a[..1], &a[1..]]), digest(&[&a[..2], &a[2..]]));
        assert_ne!(digest(&[&a, &[]]), digest(&[&[], &a]));
    }

    fn spec() -> EnterpriseSpec {
        EnterpriseSpec {
            name: "A".into(),
            group: None,
            load: LoadOrigin::Archetype {
                name: "machinery".into(),
                annual_kwh: Some(1e6),
                peak_kw: None,
                seed: 7,
            },
            premises: Premises {
                transformer_kva: 800.0,
                voltage_level: "kv1_10".into(),
                pf_standard: 0.9,
                power_factor: 0.92,
                roof_area_m2: 3000.0,
                roof_type: "steel".into(),
                tilt_deg: 20.0,
                azimuth_deg: 180.0,
                pv_file: None,
                pv_kw: None,
                storage_kwh: None,
                storage_kw: None,
            },
        }
    }

    /// The test enterprise with its premises changed by `f`.
    fn with(f: impl FnOnce(&mut Premises)) -> EnterpriseSpec {
        let mut s = spec();
        f(&mut s.premises);
        s
    }

    #[test]
    fn enterprise_keys_differ_in_every_input_that_changes_a_result() {
        use std::collections::HashMap;
        let key = |s: EnterpriseSpec, index| EnterpriseKey {
            billing: 0,
            index,
            spec: s,
        };
        let mut m = HashMap::new();
        m.insert(key(spec(), 0), "base");
        assert_eq!(m.get(&key(spec(), 0)), Some(&"base"));
        assert_eq!(m.get(&key(spec(), 1)), None, "another roster index");
        let variants: Vec<EnterpriseSpec> = vec![
            with(|p| p.transformer_kva = 800.000_000_1),
            with(|p| p.pv_kw = Some(100.0)),
            EnterpriseSpec {
                load: LoadOrigin::Archetype {
                    name: "machinery".into(),
                    annual_kwh: Some(1e6),
                    peak_kw: None,
                    seed: 8,
                },
                ..spec()
            },
            with(|p| p.roof_type = "concrete".into()),
            with(|p| p.tilt_deg = 25.0),
            with(|p| p.storage_kwh = Some(1.0)),
        ];
        for v in variants {
            assert_eq!(m.get(&key(v.clone(), 0)), None, "{v:?}");
        }
    }
}
