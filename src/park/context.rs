//! What every enterprise's simulation shares, computed once per run: the calendar, the tariff's
//! price signals per voltage level, the market rules, PV output per kWp per orientation.

use super::SimError;
use super::keys::{
    CompensationKey, EnterpriseKey, FlowsKey, ForecastKey, MarketPart, OutcomeKey, PvPart, RunKeys,
    SeriesKey, UsageKey,
};
use super::roster::{EnterpriseSpec, LoadOrigin, LoadProfile};
use crate::calendar::Calendar;
use crate::finance::EmcPrice;
use crate::load::{self, ArchetypeLibrary, LoadTarget};
use crate::market::{self, Contract, MarketRules, PurchaseMode};
use crate::scenario::Plan;
use crate::scenario::choice;
use crate::seed::{self, streams};
use crate::tariff::{
    self, BasicCharge, BillingOption, ChoicePeriod, Component, Customer, EnergyRate, PfStandard,
    PriceSignal, TouPeriod, VoltageLevel, YearUsage,
};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use std::collections::BTreeMap;
use std::sync::Arc;

/// PV output of one enterprise's array.
#[derive(Debug, Clone, PartialEq)]
pub struct PvArray {
    /// DC size [kW].
    pub dc_kw: f64,
    /// AC output per step [kW].
    pub ac_kw: Vec<f64>,
}

/// Shared inputs of a park run.
pub struct Context<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The calendar.
    pub cal: Calendar,
    /// Archetypes.
    pub archetypes: ArchetypeLibrary,
    /// Market rules.
    pub market_rules: MarketRules,
    /// Reactive compensation costs.
    pub compensation: tariff::optimize::CompensationCosts,
    /// Two-part price signals per voltage level: what billing measures usage on, and the
    /// prices of two-part customers.
    signals: BTreeMap<String, PriceSignal>,
    /// Single-part price signals (单一制) of the voltage levels with customers below the
    /// two-part threshold.
    single_part_signals: BTreeMap<String, PriceSignal>,
    /// PV AC output per kWp DC, per orientation key (tilt, azimuth) [kW/kWp].
    pub pv_per_kwp: BTreeMap<(u64, u64), Vec<f64>>,
    /// Storage defaults (`data/storage/defaults.toml`).
    pub storage_data: crate::storage::sizing::HunanDefaults,
    /// PV output relative to the first year, for re-simulated project years (degradation
    /// factor; 1 in year 1) [fraction].
    pub pv_scale_fraction: f64,
    /// Stages kept across runs (sweeps), with the numbers of this run's inputs.
    cache: Option<(&'a super::Cache, RunKeys)>,
}

fn voltage(key: &str) -> Option<VoltageLevel> {
    [
        VoltageLevel::Below1kv,
        VoltageLevel::Kv1To10,
        VoltageLevel::Kv35,
        VoltageLevel::Kv110Plus,
    ]
    .into_iter()
    .find(|v| v.key() == key)
}

/// The orientation key of a tilt and azimuth (to 0.001°).
pub fn orientation_key(tilt_deg: f64, azimuth_deg: f64) -> (u64, u64) {
    (
        (tilt_deg * 1000.0).round() as u64,
        (azimuth_deg * 1000.0).round() as u64,
    )
}

impl<'a> Context<'a> {
    /// Build the shared inputs for the voltage levels the roster uses.
    ///
    /// # Errors
    /// [`SimError`] when the calendar or a price signal cannot be built.
    pub fn new(plan: &'a Plan, cal: Calendar, roster: &[EnterpriseSpec]) -> Result<Self, SimError> {
        let mut signals = BTreeMap::new();
        let mut single_part_signals = BTreeMap::new();
        let two_part_from = plan.tariff_model.rules().two_part_mandatory_from_kva;
        for e in roster {
            let single = e.premises.transformer_kva < two_part_from;
            if signals.contains_key(&e.premises.voltage_level)
                && (!single || single_part_signals.contains_key(&e.premises.voltage_level))
            {
                continue;
            }
            let v = voltage(&e.premises.voltage_level).ok_or_else(|| {
                SimError::BadInput(format!(
                    "unknown voltage level `{}`",
                    e.premises.voltage_level
                ))
            })?;
            let build = |rate| {
                PriceSignal::new(&cal, &plan.tariff_model, rate, v)
                    .map_err(|err| SimError::BadInput(err.to_string()))
            };
            if !signals.contains_key(&e.premises.voltage_level) {
                signals.insert(
                    e.premises.voltage_level.clone(),
                    build(EnergyRate::TwoPart)?,
                );
            }
            if single && !single_part_signals.contains_key(&e.premises.voltage_level) {
                single_part_signals.insert(
                    e.premises.voltage_level.clone(),
                    build(EnergyRate::SinglePart)?,
                );
            }
        }
        Ok(Context {
            plan,
            cal,
            archetypes: ArchetypeLibrary::embedded(),
            market_rules: MarketRules::embedded(),
            compensation: tariff::optimize::CompensationCosts::builtin(),
            signals,
            single_part_signals,
            pv_per_kwp: BTreeMap::new(),
            storage_data: crate::storage::sizing::HunanDefaults::embedded()
                .map_err(|e| SimError::Internal(format!("data/storage/defaults.toml: {e}")))?,
            pv_scale_fraction: 1.0,
            cache: None,
        })
    }

    /// Keep the stages that do not depend on this run's prices in `cache` (sweeps).
    pub fn use_cache(&mut self, cache: &'a super::Cache) {
        let keys = cache.interned.run(self.plan, &self.compensation);
        self.cache = Some((cache, keys));
    }

    /// The key of an enterprise's outcome under a strategy, when a cache is in use: every
    /// input [`super::simulate::simulate`] reads. The enterprise with the calendar, the tariff,
    /// `[tariff]` and the seed ([`Context::enterprise_key`]); `[market]` when the strategy has
    /// the market measure (else only `returned_user`, which sets the baseline purchase); the PV
    /// inputs and output scale when it has PV; storage and finance when it has storage.
    pub fn outcome_key(
        &self,
        enterprise: Option<&Arc<EnterpriseKey>>,
        s: crate::strategy::Strategy,
    ) -> Option<OutcomeKey> {
        let (_, k) = self.cache.as_ref()?;
        Some(OutcomeKey {
            enterprise: Arc::clone(enterprise?),
            strategy: s,
            market: if s.market {
                MarketPart::Measure(k.market)
            } else {
                MarketPart::Baseline {
                    returned_user: k.returned_user,
                }
            },
            pv: s.pv.then(|| PvPart::of(k.pv_year, self.pv_scale_fraction)),
            storage: s.storage.then_some(k.storage),
        })
    }

    /// The part of [`Context::outcome_key`] and [`Context::flows`]' key that names the
    /// enterprise (its spec after the transformer fit and its roster index) with the calendar,
    /// the tariff and the seed, when a cache is in use; made once per enterprise and run.
    pub fn enterprise_key(&self, index: usize, e: &EnterpriseSpec) -> Option<Arc<EnterpriseKey>> {
        let (_, k) = self.cache.as_ref()?;
        Some(Arc::new(EnterpriseKey {
            billing: k.billing,
            index,
            spec: e.clone(),
        }))
    }

    /// The grid flows of an enterprise before storage ([`super::simulate::Flows`]), memoized
    /// when a cache is in use under what they depend on: the enterprise, its roster index, the
    /// calendar, the tariff, the seed and, with PV, the PV inputs and output scale. Prices of
    /// the market measure do not enter: a price-only sweep reuses them.
    ///
    /// # Errors
    /// As `f`.
    pub fn flows(
        &self,
        enterprise: Option<&Arc<EnterpriseKey>>,
        pv: bool,
        f: impl FnOnce() -> Result<super::simulate::Flows, SimError>,
    ) -> Result<Arc<super::simulate::Flows>, SimError> {
        match (&self.cache, enterprise) {
            (Some((cache, k)), Some(ek)) => {
                let key = FlowsKey {
                    enterprise: Arc::clone(ek),
                    pv: pv.then(|| PvPart::of(k.pv, self.pv_scale_fraction)),
                };
                cache.flows(key, self.cal.n_steps(), || f().map(Arc::new))
            }
            _ => f().map(Arc::new),
        }
    }

    /// [`super::simulate::simulate`]'s outcome, memoized under `key` ([`Context::outcome_key`])
    /// when a cache is in use.
    ///
    /// # Errors
    /// As `f`.
    pub fn outcome(
        &self,
        key: Option<OutcomeKey>,
        f: impl FnOnce() -> Result<super::Outcome, SimError>,
    ) -> Result<super::Outcome, SimError> {
        match (&self.cache, key) {
            (Some((cache, _)), Some(k)) => cache.outcome(k, f),
            _ => f(),
        }
    }

    /// The key of a strategy's grid series (import, export, reactive power) on a voltage
    /// level's signal, when a cache is in use: what [`Context::usage`] and
    /// [`Context::compensation`] memoize on.
    pub fn series_key(
        &self,
        signal: &PriceSignal,
        import_kw: &[f64],
        export_kw: &[f64],
        reactive_kvar: &[f64],
    ) -> Option<SeriesKey> {
        let (_, k) = self.cache.as_ref()?;
        Some(SeriesKey {
            signal: k.signal,
            level: signal.voltage_level(),
            digest: super::keys::digest(&[import_kw, export_kw, reactive_kvar]),
        })
    }

    /// [`tariff::measure_usage`] of a strategy's grid series, memoized under `key`
    /// ([`Context::series_key`]) when a cache is in use.
    ///
    /// # Errors
    /// As [`tariff::measure_usage`].
    pub fn usage(
        &self,
        key: Option<SeriesKey>,
        signal: &PriceSignal,
        import_kw: &[f64],
        export_kw: &[f64],
        reactive_kvar: &[f64],
    ) -> Result<YearUsage, tariff::TariffError> {
        self.memo_usage(key.map(UsageKey::Plain), || {
            tariff::measure_usage(
                signal,
                import_kw,
                Some(export_kw),
                tariff::Reactive::SeriesKvar(reactive_kvar),
            )
        })
    }

    /// A usage computed by `f`, memoized under `key` when a cache is in use.
    ///
    /// # Errors
    /// As `f`.
    pub fn memo_usage<E>(
        &self,
        key: Option<UsageKey>,
        f: impl FnOnce() -> Result<YearUsage, E>,
    ) -> Result<YearUsage, E> {
        match (&self.cache, key) {
            (Some((cache, _)), Some(k)) => cache.usage(k, f),
            _ => f(),
        }
    }

    /// The reactive compensation of the tariff measure
    /// ([`tariff::optimize::reactive_compensation`]), memoized under `key`
    /// ([`Context::series_key`]), the customer and the options when a cache is in use.
    ///
    /// # Errors
    /// As [`tariff::optimize::reactive_compensation`].
    pub fn compensation(
        &self,
        key: Option<SeriesKey>,
        signal: &PriceSignal,
        customer: &Customer,
        options: &[BillingOption; 12],
        (import_kw, load): (&[f64], &LoadProfile),
    ) -> Result<tariff::optimize::CompensationResult, tariff::TariffError> {
        let f = || {
            let table = load.bank_kvarh.get_or_init(|| {
                tariff::optimize::BankKvarh::new(
                    signal,
                    &load.q_kvar,
                    self.compensation.bank_step_kvar,
                )
            });
            tariff::optimize::reactive_compensation_with(
                signal,
                customer,
                options,
                (import_kw, &load.q_kvar),
                &self.compensation,
                Some(table),
            )
        };
        match (&self.cache, key) {
            (Some((cache, _)), Some(k)) => {
                cache.compensation(CompensationKey::of(k, customer, options), f)
            }
            _ => f(),
        }
    }

    /// The price signal of a voltage level.
    ///
    /// # Errors
    /// [`SimError::Internal`] for a level not prepared (a bug).
    pub fn signal(&self, level: &str) -> Result<&PriceSignal, SimError> {
        self.signals
            .get(level)
            .ok_or_else(|| SimError::Internal(format!("no price signal for `{level}`")))
    }

    /// The price signal of a voltage level at an energy rate: what an enterprise billed on that
    /// rate pays per kWh in each step (dispatch prices, PV valuation, hourly output).
    ///
    /// # Errors
    /// [`SimError::Internal`] for a level or rate not prepared (a bug).
    pub fn signal_at(&self, level: &str, rate: EnergyRate) -> Result<&PriceSignal, SimError> {
        match rate {
            EnergyRate::TwoPart => self.signal(level),
            EnergyRate::SinglePart => self.single_part_signals.get(level).ok_or_else(|| {
                SimError::Internal(format!("no single-part price signal for `{level}`"))
            }),
        }
    }

    /// Share of the PV output per kWp (all orientations) in each TOU period (critical, peak,
    /// flat, valley) of the tariff; all zero without PV.
    pub fn pv_kwh_share_by_period(&self) -> [f64; 4] {
        let mut by = [0.0; 4];
        let Some(signal) = self.signals.values().next() else {
            return by;
        };
        let periods = signal.period_indices();
        for series in self.pv_per_kwp.values() {
            for (p, x) in periods.iter().zip(series) {
                by[usize::from(*p)] += x;
            }
        }
        let total: f64 = by.iter().sum();
        if total > 0.0 {
            for b in &mut by {
                *b /= total;
            }
        }
        by
    }

    /// The power-factor standard of a value (0.90, 0.85, 0.80).
    pub fn pf_standard(&self, v: f64) -> Option<PfStandard> {
        if (v - 0.9).abs() < 1e-6 {
            Some(PfStandard::Pf090)
        } else if (v - 0.85).abs() < 1e-6 {
            Some(PfStandard::Pf085)
        } else if (v - 0.8).abs() < 1e-6 {
            Some(PfStandard::Pf080)
        } else {
            None
        }
    }

    /// The tariff optimization's choice period.
    pub fn choice_period(&self) -> ChoicePeriod {
        match self.plan.tariff.choice_period {
            choice::ChoicePeriod::Monthly => ChoicePeriod::Monthly,
            choice::ChoicePeriod::Quarterly => ChoicePeriod::Quarterly,
            choice::ChoicePeriod::Yearly => ChoicePeriod::Yearly,
        }
    }

    /// The billing option of the baseline: single-part where the capacity allows it (below
    /// 315 kVA), otherwise two-part with the scenario's baseline basic charge.
    pub fn baseline_option(&self, signal: &PriceSignal, customer: &Customer) -> BillingOption {
        match tariff::optimize::baseline_option(signal, customer) {
            BillingOption::TwoPart(_)
                if self.plan.tariff.baseline_basic_charge
                    == choice::BaselineBasicCharge::ActualDemand =>
            {
                BillingOption::TwoPart(BasicCharge::ActualDemand)
            }
            o => o,
        }
    }

    /// The purchase mode of strategies without the market measure.
    pub fn baseline_mode(&self) -> (PurchaseMode, String) {
        if self.plan.market.returned_user {
            (PurchaseMode::AgencyReturned, "agency_returned".into())
        } else {
            (PurchaseMode::Agency, "agency".into())
        }
    }

    /// Whether PV is connected for full export (全额上网): all PV output sold, all load bought.
    pub fn full_export(&self) -> bool {
        self.plan.pv.grid_connection == choice::GridConnection::FullExport
    }

    /// The EMC price of PV energy, when the PV is investor-owned.
    pub fn emc_price(&self) -> Option<EmcPrice> {
        (self.plan.pv.ownership == choice::PvOwnership::Emc).then_some(EmcPrice::DiscountOffTariff(
            self.plan.pv.emc_discount_fraction,
        ))
    }

    fn tou_ratios(&self) -> [f64; 4] {
        let t = &self.plan.tariff_model;
        if t.floats(Component::Purchase) {
            TouPeriod::ALL.map(|p| t.multiplier(p))
        } else {
            [1.0; 4]
        }
    }

    fn agency_flat(&self, month: u8) -> f64 {
        let t = &self.plan.tariff_model;
        let vp = self.signals.values().next().map(|s| *s.voltage_prices());
        vp.map_or(0.0, |vp| {
            t.base_price(Component::Purchase, month, &vp, true)
        })
    }

    /// Replace the purchase cost of a usage by the mode's prices; returns the new usage and the
    /// deviation cost of each month (偏差考核, settled monthly) [yuan].
    pub fn apply_market(
        &self,
        mode: &PurchaseMode,
        mut usage: YearUsage,
    ) -> (YearUsage, [f64; 12]) {
        let mut deviation = [0.0; 12];
        if matches!(mode, PurchaseMode::Agency) {
            return (usage, deviation);
        }
        let ratios = self.tou_ratios();
        let band = self.band_purchase_prices(mode);
        for (m, mu) in usage.months.iter_mut().enumerate() {
            let s = market::settle_month(
                mode,
                m,
                self.agency_flat(m as u8 + 1),
                ratios,
                mu.kwh,
                &self.market_rules,
            );
            let prices = band[m];
            mu.purchase_yuan = std::array::from_fn(|b| prices[b] * mu.kwh[b]);
            deviation[m] = s.deviation_yuan;
        }
        (usage, deviation)
    }

    /// Purchase price per month and TOU period index under a mode other than agency purchase
    /// [yuan/kWh] (what [`Context::step_purchase_prices`] spreads over the steps and
    /// [`Context::apply_market`] bills by band).
    pub fn band_purchase_prices(&self, mode: &PurchaseMode) -> [[f64; 4]; 12] {
        let ratios = self.tou_ratios();
        std::array::from_fn(|m| {
            market::band_prices(
                mode,
                self.agency_flat(m as u8 + 1),
                ratios,
                &self.market_rules,
            )
        })
    }

    /// Purchase price per step under a mode [yuan/kWh].
    pub fn step_purchase_prices(&self, signal: &PriceSignal, mode: &PurchaseMode) -> Vec<f64> {
        if matches!(mode, PurchaseMode::Agency) {
            return signal.purchase_yuan_per_kwh().to_vec();
        }
        let by_month = self.band_purchase_prices(mode);
        let months = self.cal.months();
        signal
            .period_indices()
            .iter()
            .zip(months)
            .map(|(&p, &m)| by_month[usize::from(m) - 1][usize::from(p)])
            .collect()
    }

    /// The candidate purchase modes of the market measure: all of them under `cheapest`,
    /// otherwise the one `market.mode` names.
    fn candidate_modes(&self, contract: Contract) -> Vec<(PurchaseMode, String)> {
        use choice::MarketMode as M;
        let m = &self.plan.market;
        let one = |which: M| -> (PurchaseMode, String) {
            match which {
                // A returned user buys through the grid at the returned-user price.
                M::Agency | M::Cheapest => self.baseline_mode(),
                M::RetailFixed => (
                    PurchaseMode::RetailFixed {
                        price_yuan_per_kwh: m.retail_fixed_price_yuan_per_kwh,
                    },
                    which.name().into(),
                ),
                M::RetailDiscount => (
                    PurchaseMode::RetailDiscount {
                        discount_yuan_per_kwh: m.retail_discount_yuan_per_kwh,
                    },
                    which.name().into(),
                ),
                M::RetailShare => (
                    PurchaseMode::RetailShare {
                        wholesale_discount_fraction: m.wholesale_discount_fraction,
                        retailer_share_fraction: m.retail_share_fraction,
                    },
                    which.name().into(),
                ),
                M::DirectContract => (
                    PurchaseMode::Contract(Box::new(contract.clone())),
                    which.name().into(),
                ),
            }
        };
        match m.mode {
            M::Cheapest => [
                M::Agency,
                M::RetailFixed,
                M::RetailDiscount,
                M::RetailShare,
                M::DirectContract,
            ]
            .into_iter()
            .map(one)
            .collect(),
            single => vec![one(single)],
        }
    }

    /// The cheapest purchase mode for an enterprise's grid import (purchase cost plus
    /// deviation), with a contract sized on the forecast of that import.
    ///
    /// # Errors
    /// [`SimError`] when the forecast load cannot be built.
    pub fn cheapest_mode(
        &self,
        index: usize,
        e: &EnterpriseSpec,
        usage: &YearUsage,
        load: &LoadProfile,
    ) -> Result<(PurchaseMode, String), SimError> {
        let contract = self.contract(index, e, usage, load)?;
        let ratios = self.tou_ratios();
        let mut best: Option<(f64, PurchaseMode, String)> = None;
        for (mode, name) in self.candidate_modes(contract) {
            let cost: f64 = usage
                .months
                .iter()
                .enumerate()
                .map(|(m, mu)| {
                    market::settle_month(
                        &mode,
                        m,
                        self.agency_flat(m as u8 + 1),
                        ratios,
                        mu.kwh,
                        &self.market_rules,
                    )
                    .total_yuan()
                })
                .sum();
            if best.as_ref().is_none_or(|(b, _, _)| cost < *b - 1e-9) {
                best = Some((cost, mode, name));
            }
        }
        let (_, mode, name) = best.ok_or_else(|| SimError::Internal("no purchase mode".into()))?;
        Ok((mode, name))
    }

    /// A contract sized on the forecast of the enterprise's grid import.
    ///
    /// The forecast of month `m` is the import of the month scaled by the forecast error of the
    /// load: `import_m × (forecast load_m / load_m)`. The forecast load is, with
    /// `market.forecast = "last_year"`, the same archetype with last year's noise (another seed)
    /// or, for measured loads, the meter data itself; with `"model"`, this year's load. Either
    /// is then scaled by `(1 + ε)`, `ε ~ N(0, forecast_error_fraction)`, drawn once per
    /// enterprise from the scenario seed.
    fn contract(
        &self,
        index: usize,
        e: &EnterpriseSpec,
        usage: &YearUsage,
        load: &LoadProfile,
    ) -> Result<Contract, SimError> {
        let m = &self.plan.market;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed::derive(
            self.plan.seed,
            &[streams::MARKET, index as u64],
        ));
        let z: f64 = StandardNormal.sample(&mut rng);
        let scale = (1.0 + m.forecast_error_fraction * z).max(0.0);
        let monthly = |p: &[f64]| -> [f64; 12] {
            let mut out = [0.0; 12];
            for (v, &mo) in p.iter().zip(self.cal.months()) {
                out[usize::from(mo) - 1] += v;
            }
            out
        };
        let actual = *load.monthly_sum_kw.get_or_init(|| monthly(&load.p_kw));
        let forecast = match (&e.load, m.forecast) {
            (
                LoadOrigin::Archetype {
                    name,
                    annual_kwh,
                    peak_kw,
                    seed,
                },
                choice::Forecast::LastYear,
            ) => {
                let f = || -> Result<[f64; 12], SimError> {
                    let arch = self.archetypes.get(name).map_err(SimError::Load)?;
                    let target = LoadTarget {
                        annual_kwh: *annual_kwh,
                        peak_kw: *peak_kw,
                    };
                    let last =
                        load::synthesize(&self.cal, arch, &target, seed::derive(*seed, &[1]))
                            .map_err(SimError::Load)?;
                    Ok(monthly(&last))
                };
                match &self.cache {
                    None => match load.last_year_monthly_kwh.get() {
                        Some(v) => *v,
                        None => {
                            let v = f()?;
                            *load.last_year_monthly_kwh.get_or_init(|| v)
                        }
                    },
                    Some((cache, k)) => {
                        let key = ForecastKey {
                            calendar: k.calendar,
                            origin: e.load.clone(),
                        };
                        cache.forecast(key, f)?
                    }
                }
            }
            _ => actual,
        };
        let mut volume = [[0.0; 4]; 12];
        for mo in 0..12 {
            let r = if actual[mo] > 0.0 {
                forecast[mo] / actual[mo]
            } else {
                1.0
            } * scale;
            let kwh = usage.months[mo].kwh;
            if m.contract_banded {
                volume[mo] = kwh.map(|q| q * r);
            } else {
                volume[mo][2] = kwh.iter().sum::<f64>() * r;
            }
        }
        Ok(Contract {
            price_yuan_per_kwh: m.contract_price_yuan_per_kwh,
            volume_kwh: volume,
            banded: m.contract_banded,
            tolerance_fraction: m.deviation_band_fraction,
            over_use_price_factor: m.over_use_price_factor,
            under_use_price_factor: m.under_use_price_factor,
        })
    }

    /// PV output of an enterprise's array, or `None` when it has no room for one: a measured
    /// series (`pv_file`, columns `timestamp` and `value` in kW) or the model's output per kWp
    /// of its orientation times its size.
    ///
    /// # Errors
    /// [`SimError`] when a measured file cannot be used.
    pub fn pv_output(
        &self,
        _index: usize,
        e: &EnterpriseSpec,
    ) -> Result<Option<PvArray>, SimError> {
        if let Some(path) = &e.premises.pv_file {
            let (ac_kw, _) = crate::solar::measured::read_on_calendar(path, &self.cal)
                .map_err(SimError::BadInput)?;
            let peak = ac_kw.iter().copied().fold(0.0, f64::max);
            let k = self.pv_scale_fraction;
            return Ok(Some(PvArray {
                dc_kw: e.premises.pv_kw.unwrap_or(peak),
                ac_kw: ac_kw.iter().map(|x| x * k).collect(),
            }));
        }
        let per_kwp = self
            .pv_per_kwp
            .get(&orientation_key(
                e.premises.tilt_deg,
                e.premises.azimuth_deg,
            ))
            .ok_or_else(|| {
                SimError::Internal(format!("no PV output for the orientation of `{}`", e.name))
            })?;
        let dc_kw = self.pv_size_kw(e)?;
        if dc_kw <= 0.0 {
            return Ok(None);
        }
        let scale = dc_kw * self.pv_scale_fraction;
        Ok(Some(PvArray {
            dc_kw,
            ac_kw: per_kwp.iter().map(|x| x * scale).collect(),
        }))
    }

    /// DC size of an enterprise's array: its override, or what its roof takes (area × usable
    /// share × packing density of its roof type), capped by the transformer rule [kW].
    ///
    /// # Errors
    /// [`SimError`] for an unknown roof type.
    pub fn pv_size_kw(&self, e: &EnterpriseSpec) -> Result<f64, SimError> {
        if let Some(kw) = e.premises.pv_kw {
            return Ok(kw);
        }
        let roof = crate::solar::array::roof_type(&e.premises.roof_type)
            .map_err(|err| SimError::BadInput(err.to_string()))?;
        let usable = self
            .plan
            .pv
            .usable_roof_fraction
            .unwrap_or(roof.usable_share_fraction);
        let cap_fraction = self
            .plan
            .pv
            .max_dc_per_transformer_kva
            .unwrap_or_else(crate::solar::array::default_transformer_limit_fraction);
        let size = crate::solar::array::size_on_roof(
            e.premises.roof_area_m2,
            usable,
            roof.packing_w_per_m2,
            Some(e.premises.transformer_kva * cap_fraction),
        )
        .map_err(|err| SimError::BadInput(format!("enterprise `{}`: {err}", e.name)))?;
        Ok(size.dc_kwp)
    }
}
