//! One enterprise under one strategy: the net load after PV and storage, the purchase mode, the
//! billing option, the bill and the money.
//!
//! Measures interact, so each strategy is simulated whole: PV changes the best billing option
//! and the contract volume, storage changes the demand. Order of the steps:
//! 1. PV output on the roof (strategies with `pv`), surplus exported;
//! 2. purchase mode: agency purchase, or with `market` the cheapest mode on the load net of PV;
//! 3. storage dispatch (strategies with `storage`) on that mode's prices, once for each
//!    candidate basic-charge method (with and without a demand charge) when the tariff measure is
//!    on, keeping the cheaper;
//! 4. the bill: the baseline option, or with `tariff` the cheapest legal options (分类优化) and
//!    reactive compensation when it pays;
//! 5. the enterprise's cost: the grid charges, minus the export credit it receives, plus market
//!    deviation costs, EMC payments for PV energy and annualized compensation cost.

use super::SimError;
use super::context::{Context, PvArray};
use super::keys::{EnterpriseKey, SeriesKey, UsageKey};
use super::result::{MarketOutcome, Outcome, PvOutcome, StorageOutcome, TariffOutcome};
use super::roster::{EnterpriseSpec, LoadProfile};
use crate::strategy::Strategy;
use crate::tariff::{self, BasicCharge, BillingOption, Customer, Reactive};
use std::sync::Arc;

/// Per-step series of one simulated strategy, for `--hourly` output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// PV AC output [kW].
    pub pv_kw: Vec<f64>,
    /// Battery charge [kW].
    pub charge_kw: Vec<f64>,
    /// Battery discharge [kW].
    pub discharge_kw: Vec<f64>,
    /// Battery energy [kWh].
    pub soc_kwh: Vec<f64>,
    /// Battery auxiliary consumption (cooling, BMS) [kW].
    pub aux_kw: f64,
    /// Grid import [kW].
    pub import_kw: Vec<f64>,
    /// Grid export [kW].
    pub export_kw: Vec<f64>,
    /// Import price per step, all per-kWh components [yuan/kWh].
    pub import_price_yuan_per_kwh: Vec<f64>,
}

/// An enterprise's grid flows before storage under a strategy's PV (or without PV), and the
/// sums the money of its PV needs. None of it depends on the purchase prices of the market
/// measure, so a sweep over prices reuses it ([`Context::flows`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Flows {
    /// Grid import [kW].
    pub import_kw: Vec<f64>,
    /// Grid export [kW].
    pub export_kw: Vec<f64>,
    /// DC size of the PV array, when the strategy has one [kW].
    pub pv_dc_kw: Option<f64>,
    /// PV energy used on site [kWh/yr].
    pub pv_self_kwh: f64,
    /// PV energy exported [kWh/yr].
    pub pv_export_kwh: f64,
    /// PV energy used on site per month and TOU period index [kWh].
    pub pv_self_by_band_kwh: [[f64; 4]; 12],
    /// What the PV energy used on site avoided of the agency purchase price (代理购电), per
    /// month [yuan]. The other per-kWh components it avoided depend on each month's billing
    /// option and are priced after the bill ([`pv_account`]).
    pub pv_avoided_agency_by_month_yuan: [f64; 12],
    /// Key of the grid series for the usage and compensation memos (sweeps).
    pub series_key: Option<super::keys::SeriesKey>,
}

/// The flows of step 1: PV used on site first, the surplus exported (or, under full export
/// 全额上网, all PV exported and all load imported).
fn flows_of(
    ctx: &Context,
    signal: &tariff::PriceSignal,
    load: &LoadProfile,
    pv: Option<&PvArray>,
) -> Flows {
    let n = load.p_kw.len();
    let h = ctx.cal.step_hours();
    let full_export = ctx.full_export();
    let pv_ac: &[f64] = pv.map_or(&[], |p| p.ac_kw.as_slice());
    let mut import = vec![0.0; n];
    let mut export = vec![0.0; n];
    let (mut self_sum, mut export_sum) = (0.0, 0.0);
    let mut by_band = [[0.0; 4]; 12];
    let mut agency = [0.0; 12];
    let purchase = signal.purchase_yuan_per_kwh();
    let (periods, months) = (signal.period_indices(), ctx.cal.months());
    for t in 0..n {
        let g = pv_ac.get(t).copied().unwrap_or(0.0);
        if full_export {
            import[t] = load.p_kw[t];
            export[t] = g;
        } else {
            let used = g.min(load.p_kw[t]);
            import[t] = load.p_kw[t] - used;
            export[t] = g - used;
            if used != 0.0 {
                let kwh = used * h;
                self_sum += used;
                let m = usize::from(months[t]) - 1;
                by_band[m][usize::from(periods[t])] += kwh;
                agency[m] += kwh * purchase[t];
            }
        }
        export_sum += export[t];
    }
    let series_key = ctx.series_key(signal, &import, &export, &load.q_kvar);
    Flows {
        import_kw: import,
        export_kw: export,
        pv_dc_kw: pv.map(|p| p.dc_kw),
        pv_self_kwh: self_sum * h,
        pv_export_kwh: export_sum * h,
        pv_self_by_band_kwh: by_band,
        pv_avoided_agency_by_month_yuan: agency,
        series_key,
    }
}

/// A bill and what decided it.
struct Settled {
    bill: tariff::AnnualBill,
    tariff: TariffOutcome,
    /// Market deviation cost per month [yuan].
    deviation_by_month_yuan: [f64; 12],
}

/// The enterprise being simulated: what every stage of [`simulate`] reads about it.
pub struct Subject<'c, 'a> {
    /// The run's shared inputs.
    pub ctx: &'c Context<'a>,
    /// Roster index (seeds the contract's forecast error).
    pub index: usize,
    /// The enterprise.
    pub spec: &'c EnterpriseSpec,
    /// Its load.
    pub load: &'c LoadProfile,
    /// Its battery, for strategies with storage.
    pub battery: Option<&'c super::storage::Sized>,
    /// [`Context::enterprise_key`] (memos of sweeps).
    pub key: Option<&'c Arc<EnterpriseKey>>,
}

impl Subject<'_, '_> {
    /// A tariff error named after the enterprise.
    fn named(&self, err: impl Into<super::ModelError>) -> SimError {
        SimError::enterprise(&self.spec.name, err)
    }
}

/// How the enterprise is billed: the signal of its voltage level (usage is measured on it; each
/// month's bill prices the T&D energy rate of its own option), its rates as the tariff sees
/// them and the baseline option.
struct Billing<'c> {
    signal: &'c tariff::PriceSignal,
    customer: Customer,
    baseline: BillingOption,
}

/// Stage 0: the enterprise's signal, customer and baseline option.
fn billing_of<'c>(sub: &Subject<'c, '_>) -> Result<Billing<'c>, SimError> {
    let (ctx, e) = (sub.ctx, sub.spec);
    let signal = ctx.signal(&e.premises.voltage_level)?;
    let customer = Customer {
        transformer_kva: e.premises.transformer_kva,
        voltage_level: signal.voltage_level(),
        pf_standard: ctx.pf_standard(e.premises.pf_standard),
    };
    let baseline = ctx.baseline_option(signal, &customer);
    Ok(Billing {
        signal,
        customer,
        baseline,
    })
}

/// The purchase mode of a strategy and its name.
struct Purchase {
    mode: crate::market::PurchaseMode,
    name: String,
}

/// Grid series to bill, with their key for the memos of sweeps.
#[derive(Clone, Copy)]
struct Grid<'s> {
    import_kw: &'s [f64],
    export_kw: &'s [f64],
    key: Option<SeriesKey>,
}

/// Bill grid flows: measure, reprice the purchase under the mode, then the baseline option or
/// (tariff measure) the cheapest legal options and reactive compensation when it pays.
fn settle(
    sub: &Subject,
    billing: &Billing,
    strategy: Strategy,
    purchase: &Purchase,
    grid: Grid,
) -> Result<Settled, SimError> {
    let (ctx, load) = (sub.ctx, sub.load);
    let (signal, customer, mode) = (billing.signal, &billing.customer, &purchase.mode);
    let named = |err| sub.named(err);
    let (import, export) = (grid.import_kw, grid.export_kw);
    let usage = ctx
        .usage(grid.key, signal, import, export, &load.q_kvar)
        .map_err(named)?;
    let (usage, deviation_by_month_yuan) = ctx.apply_market(mode, usage);
    if !strategy.tariff {
        let opt = billing.baseline;
        let bill = tariff::bill_usage(signal, customer, &[opt; 12], &usage).map_err(named)?;
        return Ok(Settled {
            bill,
            tariff: TariffOutcome {
                options: option_label(&opt),
                compensation_kvar: 0.0,
                compensation_annual_yuan: 0.0,
            },
            deviation_by_month_yuan,
        });
    }
    let r = tariff::optimize(signal, customer, &usage, ctx.choice_period()).map_err(named)?;
    let options = months_options(&r.choices);
    let comp = ctx
        .compensation(grid.key, signal, customer, &options, (import, load))
        .map_err(named)?;
    let (bill, kvar, annual) = if comp.pays {
        let b = compensated_bill(sub, billing, purchase, grid, (&options, comp.bank_kvar))?;
        (b, comp.bank_kvar, comp.annual_cost_yuan)
    } else {
        (r.bill.clone(), 0.0, 0.0)
    };
    Ok(Settled {
        bill,
        tariff: TariffOutcome {
            options: describe_choices(&r.choices),
            compensation_kvar: kvar,
            compensation_annual_yuan: annual,
        },
        deviation_by_month_yuan,
    })
}

/// The bill of grid series with a capacitor bank of `bank_kvar` in service under the options
/// of each month; the usage is memoized on the series, the load and the bank size.
fn compensated_bill(
    sub: &Subject,
    billing: &Billing,
    purchase: &Purchase,
    grid: Grid,
    (options, bank_kvar): (&[BillingOption; 12], f64),
) -> Result<tariff::AnnualBill, SimError> {
    let (ctx, load, signal) = (sub.ctx, sub.load, billing.signal);
    let key = grid.key.map(|series| UsageKey::Compensated {
        series,
        load_digest: super::keys::digest(&[&load.p_kw]),
        bank_kvar_bits: bank_kvar.to_bits(),
    });
    let usage = ctx.memo_usage(key, || {
        let q = crate::load::compensate(&load.p_kw, &load.q_kvar, 1.0, Some(bank_kvar))
            .map_err(|err| sub.named(err))?;
        tariff::measure_usage(
            signal,
            grid.import_kw,
            Some(grid.export_kw),
            Reactive::SeriesKvar(&q),
        )
        .map_err(|err| sub.named(err))
    })?;
    let (usage, _) = ctx.apply_market(&purchase.mode, usage);
    tariff::bill_usage(signal, &billing.customer, options, &usage).map_err(|err| sub.named(err))
}

/// The enterprise's cost of a settled year [yuan]: grid charges − the export credit it keeps
/// + deviation + EMC payments + annualized compensation.
fn cost_of(s: &Settled, pv: Option<&PvOutcome>, emc: bool) -> f64 {
    let export_kept = if emc && pv.is_some() {
        0.0
    } else {
        s.bill.export_credit_yuan
    };
    s.bill.charges_yuan - export_kept
        + s.deviation_by_month_yuan.iter().sum::<f64>()
        + pv.map_or(0.0, |p| p.emc_payment_yuan)
        + s.tariff.compensation_annual_yuan
}

/// What the PV energy used on site avoided, and what the enterprise pays the EMC investor for
/// it, per month [yuan].
struct PvAccount {
    avoided_by_month_yuan: [f64; 12],
    emc_by_month_yuan: [f64; 12],
}

/// Price the PV energy used on site of each month at what the enterprise would have paid for it:
/// the purchase price of its mode (agency per step, or the mode's band prices) plus the other
/// per-kWh components (line loss, T&D, system operation, funds) at the T&D energy rate of the
/// month's billing option in `bill` (single-part 单一制 or two-part 两部制); and the EMC payment
/// for it (`(1 − discount) ×` that value, or a fixed price per kWh).
fn pv_account(
    ctx: &Context,
    signal: &tariff::PriceSignal,
    flows: &Flows,
    mode: &crate::market::PurchaseMode,
    bill: &tariff::AnnualBill,
) -> PvAccount {
    let band = (!matches!(mode, crate::market::PurchaseMode::Agency))
        .then(|| ctx.band_purchase_prices(mode));
    let mut out = PvAccount {
        avoided_by_month_yuan: [0.0; 12],
        emc_by_month_yuan: [0.0; 12],
    };
    for m in 0..12 {
        let kwh = &flows.pv_self_by_band_kwh[m];
        let rate = bill
            .months
            .get(m)
            .map_or(tariff::EnergyRate::TwoPart, |b| b.option.energy_rate());
        let mut v = match &band {
            None => flows.pv_avoided_agency_by_month_yuan[m],
            Some(b) => kwh.iter().zip(&b[m]).map(|(e, p)| e * p).sum(),
        };
        for (i, e) in kwh.iter().enumerate() {
            if *e != 0.0 {
                let p = crate::tariff::TouPeriod::ALL[i];
                v += e * signal.other_than_purchase_yuan_per_kwh(m as u8 + 1, p, rate);
            }
        }
        out.avoided_by_month_yuan[m] = v;
        out.emc_by_month_yuan[m] = match ctx.emc_price() {
            Some(crate::finance::EmcPrice::DiscountOffTariff(d)) => (1.0 - d) * v,
            Some(crate::finance::EmcPrice::Fixed(p)) => p * kwh.iter().sum::<f64>(),
            None => 0.0,
        };
    }
    out
}

/// The PV outcome of a settled year: its flows, the account of its on-site energy under the
/// year's bill, and the export revenue at the tariff's price.
fn pv_outcome(
    ctx: &Context,
    signal: &tariff::PriceSignal,
    flows: &Flows,
    mode: &crate::market::PurchaseMode,
    bill: &tariff::AnnualBill,
) -> Option<PvOutcome> {
    let dc_kw = flows.pv_dc_kw?;
    let acc = pv_account(ctx, signal, flows, mode, bill);
    Some(PvOutcome {
        dc_kw,
        kwh: flows.pv_self_kwh + flows.pv_export_kwh,
        self_consumed_kwh: flows.pv_self_kwh,
        exported_kwh: flows.pv_export_kwh,
        export_revenue_yuan: flows.pv_export_kwh * signal.export_yuan_per_kwh(),
        avoided_energy_yuan: acc.avoided_by_month_yuan.iter().sum(),
        emc_payment_yuan: acc.emc_by_month_yuan.iter().sum(),
        emc_payment_by_month_yuan: acc.emc_by_month_yuan,
        emc_owned: ctx.emc_price().is_some(),
        battery_absorbed_kwh: 0.0,
    })
}

/// What [`simulate`] returns besides the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The outcome only.
    Outcome,
    /// The outcome and the per-step [`Series`].
    Series,
}

/// Simulate one enterprise under one strategy: the stages of the module's documentation.
///
/// # Errors
/// [`SimError`] naming the enterprise when a model rejects its inputs.
pub fn simulate(
    sub: &Subject,
    strategy: Strategy,
    detail: Detail,
) -> Result<(Outcome, Option<Series>), SimError> {
    let keep_series = detail == Detail::Series;
    let billing = billing_of(sub)?;
    // 1. PV, and the flows before storage (shared across the samples of a price sweep).
    let (flows, pv) = pv_flows(sub, &billing, strategy, keep_series)?;
    // 2. Purchase mode.
    let purchase = purchase_of(sub, &billing, strategy, &flows)?;
    // The mode's purchase price per step: only storage and series need it.
    let step_purchase: Vec<f64> = if strategy.storage || keep_series {
        sub.ctx.step_purchase_prices(billing.signal, &purchase.mode)
    } else {
        Vec::new()
    };
    let pv_ac: &[f64] = pv.as_ref().map_or(&[], |p| p.ac_kw.as_slice());
    // 3. Storage: dispatch once per candidate (energy rate, demand charge), keep the cheapest.
    let (stored, settled) = match sub.battery {
        Some(b) if strategy.storage && b.params.capacity_kwh > 0.0 => {
            let prices = Prices {
                step_purchase: &step_purchase,
                pv_ac,
            };
            let (st, settled) =
                dispatch_storage(sub, &billing, strategy, (&purchase, &flows), prices, b)?;
            (Some(st), Some(settled))
        }
        _ => (None, None),
    };
    // 4. The bill.
    let settled = match settled {
        Some(s) => s,
        None => {
            let grid = Grid {
                import_kw: &flows.import_kw,
                export_kw: &flows.export_kw,
                key: flows.series_key,
            };
            settle(sub, &billing, strategy, &purchase, grid)?
        }
    };
    // PV accounting under the year's bill: what the on-site PV energy avoided, the EMC
    // payment for it, and PV surplus the battery stored instead of exporting.
    let mut pv_out = pv_outcome(
        sub.ctx,
        billing.signal,
        &flows,
        &purchase.mode,
        &settled.bill,
    );
    if let (Some(p), Some(st)) = (pv_out.as_mut(), stored.as_ref())
        && !sub.ctx.full_export()
    {
        absorb_stored_pv(sub.ctx, billing.signal, &flows, &st.dispatch, p);
    }
    // 5. Money of the year.
    let emc = sub.ctx.emc_price().is_some();
    let cost = cost_of(&settled, pv_out.as_ref(), emc);
    let series = keep_series.then(|| {
        let step_prices =
            billed_step_prices(sub.ctx, billing.signal, &step_purchase, &settled.bill);
        series_of(sub, stored.as_ref(), &flows, pv_ac, step_prices)
    });
    let outcome = Outcome {
        strategy,
        load_kwh: sub.load.stats.annual_kwh,
        bill: settled.bill,
        deviation_yuan: settled.deviation_by_month_yuan.iter().sum(),
        deviation_by_month_yuan: settled.deviation_by_month_yuan,
        shared_savings_payment_yuan: 0.0,
        cost_yuan: cost,
        tariff: settled.tariff,
        market: MarketOutcome {
            mode: purchase.name,
        },
        pv: pv_out,
        storage: stored.map(|s| s.outcome),
        money: None,
        components_yuan: None,
    };
    Ok((outcome, series))
}

/// Stage 1: the strategy's PV array and the grid flows before storage. The flows are memoized
/// across runs (sweeps); the array is built when the flows are, or when the series or the
/// full-export battery need it.
fn pv_flows(
    sub: &Subject,
    billing: &Billing,
    strategy: Strategy,
    keep_series: bool,
) -> Result<(Arc<Flows>, Option<PvArray>), SimError> {
    let ctx = sub.ctx;
    let mut pv = None;
    let mut pv_built = false;
    let flows = ctx.flows(sub.key, strategy.pv, || {
        pv = if strategy.pv {
            ctx.pv_output(sub.index, sub.spec)?
        } else {
            None
        };
        pv_built = true;
        Ok(flows_of(ctx, billing.signal, sub.load, pv.as_ref()))
    })?;
    if strategy.pv && !pv_built && (keep_series || (strategy.storage && ctx.full_export())) {
        pv = ctx.pv_output(sub.index, sub.spec)?;
    }
    Ok((flows, pv))
}

/// Stage 2: agency purchase, or with the market measure the cheapest mode on the load net of
/// PV.
fn purchase_of(
    sub: &Subject,
    billing: &Billing,
    strategy: Strategy,
    flows: &Flows,
) -> Result<Purchase, SimError> {
    let ctx = sub.ctx;
    let (mode, name) = if strategy.market {
        let usage0 = ctx
            .usage(
                flows.series_key,
                billing.signal,
                &flows.import_kw,
                &flows.export_kw,
                &sub.load.q_kvar,
            )
            .map_err(|err| sub.named(err))?;
        ctx.cheapest_mode(sub.index, sub.spec, &usage0, sub.load)?
    } else {
        ctx.baseline_mode()
    };
    Ok(Purchase { mode, name })
}

/// The prices storage is dispatched on, and the PV output it may have to add back.
#[derive(Clone, Copy)]
struct Prices<'s> {
    /// The mode's purchase price per step [yuan/kWh].
    step_purchase: &'s [f64],
    /// PV AC output per step [kW] (empty without PV).
    pv_ac: &'s [f64],
}

/// The battery's year: its dispatch and its outcome.
struct Stored {
    dispatch: crate::storage::DispatchResult,
    outcome: StorageOutcome,
}

/// Stage 3: dispatch the battery once per candidate (T&D energy rate, demand charge in the
/// objective) on the import prices of that rate, bill each result and keep the cheapest year
/// for the enterprise.
fn dispatch_storage(
    sub: &Subject,
    billing: &Billing,
    strategy: Strategy,
    (purchase, flows): (&Purchase, &Flows),
    prices: Prices,
    sized: &super::storage::Sized,
) -> Result<(Stored, Settled), SimError> {
    let (ctx, e) = (sub.ctx, sub.spec);
    let battery = crate::storage::battery::Battery::new(sized.params)
        .map_err(|err| sub.named(super::ModelError::Storage(err)))?;
    let (import, export) = (&flows.import_kw, &flows.export_kw);
    let n = import.len();
    // Under full export (全额上网) all PV output is sold: the battery sees the load only.
    let net: Vec<f64> = if ctx.full_export() {
        import.to_vec()
    } else {
        (0..n).map(|t| import[t] - export[t]).collect()
    };
    let (single_ok, two_ok) =
        tariff::allowed_energy_rates(billing.signal, e.premises.transformer_kva);
    let baseline_demand = matches!(
        billing.baseline,
        BillingOption::TwoPart(BasicCharge::ActualDemand)
    );
    let candidates = dispatch_candidates(
        strategy.tariff,
        (single_ok, two_ok),
        billing.baseline.energy_rate(),
        baseline_demand,
    );
    let emc = ctx.emc_price().is_some();
    let demand_charge = billing.signal.voltage_prices().demand_yuan_per_kw_month;
    let mut best: Option<(f64, Settled, crate::storage::DispatchResult, Arc<Vec<f64>>)> = None;
    // The candidates of one energy rate share their prices: one input, dispatched under each
    // of their demand charges.
    let mut rest = candidates.as_slice();
    while let Some(&(rate, _)) = rest.first() {
        let same = rest.iter().take_while(|c| c.0 == rate).count();
        let (group, tail) = rest.split_at(same);
        rest = tail;
        let price = Arc::new(import_prices_at(sub, rate, prices.step_purchase)?);
        let d = super::storage::input(ctx, billing.signal, e, net.clone(), price.to_vec(), false);
        let charges: Vec<Option<f64>> = group
            .iter()
            .map(|&(_, demand)| demand.then_some(demand_charge))
            .collect();
        let results = super::storage::dispatcher(ctx.plan)
            .dispatch_each(&d, &battery, &charges)
            .map_err(|err| sub.named(super::ModelError::Dispatch(err)))?;
        for mut r in results {
            if ctx.full_export() {
                for (x, g) in r.export_kw.iter_mut().zip(prices.pv_ac) {
                    *x += g;
                }
            }
            let key = ctx.series_key(billing.signal, &r.import_kw, &r.export_kw, &sub.load.q_kvar);
            let grid = Grid {
                import_kw: &r.import_kw,
                export_kw: &r.export_kw,
                key,
            };
            let st = settle(sub, billing, strategy, purchase, grid)?;
            let pv_c = pv_outcome(ctx, billing.signal, flows, &purchase.mode, &st.bill);
            let c = cost_of(&st, pv_c.as_ref(), emc);
            if best.as_ref().is_none_or(|(bc, _, _, _)| c < *bc) {
                best = Some((c, st, r, Arc::clone(&price)));
            }
        }
    }
    let (_, settled, dispatch, price) =
        best.ok_or_else(|| SimError::Internal("no storage dispatch candidate".into()))?;
    let outcome = storage_outcome(ctx, sized, &battery, &dispatch, &price);
    Ok((Stored { dispatch, outcome }, settled))
}

/// Import price per step at an energy rate: the mode's purchase price plus the other per-kWh
/// components of that rate [yuan/kWh].
fn import_prices_at(
    sub: &Subject,
    rate: tariff::EnergyRate,
    step_purchase: &[f64],
) -> Result<Vec<f64>, SimError> {
    let sig = sub.ctx.signal_at(&sub.spec.premises.voltage_level, rate)?;
    let (total, own) = (sig.total_yuan_per_kwh(), sig.purchase_yuan_per_kwh());
    Ok((0..step_purchase.len())
        .map(|t| total[t] - own[t] + step_purchase[t])
        .collect())
}

/// The storage outcome of a dispatched year: energy discharged, cycles, charging cost.
fn storage_outcome(
    ctx: &Context,
    sized: &super::storage::Sized,
    battery: &crate::storage::battery::Battery,
    r: &crate::storage::DispatchResult,
    price: &[f64],
) -> StorageOutcome {
    let h = ctx.cal.step_hours();
    let discharged: f64 = r.discharge_kw.iter().sum::<f64>() * h;
    let usable = battery.usable_energy_kwh();
    StorageOutcome {
        kwh: sized.params.capacity_kwh,
        kw: sized.params.discharge_power_kw,
        discharged_kwh: discharged,
        cycles: if usable > 0.0 {
            discharged / usable
        } else {
            0.0
        },
        usable_kwh: usable,
        demand_saving_yuan: 0.0,
        energy_saving_yuan: 0.0,
        shared_savings: ctx.plan.storage.ownership
            == crate::scenario::choice::StorageOwnership::SharedSavings,
        charging_cost_yuan: r.charge_kw.iter().zip(price).map(|(c, p)| c * h * p).sum(),
        life_years: super::storage::sizing_params(ctx.plan, &ctx.storage_data).life_years as f64,
    }
}

/// PV surplus the battery stored instead of exporting is used on site. Under EMC it belongs
/// to the investor: the enterprise pays it the export price the investor forgoes.
fn absorb_stored_pv(
    ctx: &Context,
    signal: &tariff::PriceSignal,
    flows: &Flows,
    r: &crate::storage::DispatchResult,
    p: &mut PvOutcome,
) {
    let h = ctx.cal.step_hours();
    let months = ctx.cal.months();
    let mut absorbed_by_month = [0.0; 12];
    for t in 0..flows.export_kw.len() {
        let a = (flows.export_kw[t] - r.export_kw[t]).clamp(0.0, flows.export_kw[t]);
        absorbed_by_month[usize::from(months[t]) - 1] += a * h;
    }
    let absorbed_kwh: f64 = absorbed_by_month.iter().sum();
    let xp = signal.export_yuan_per_kwh();
    p.exported_kwh -= absorbed_kwh;
    p.battery_absorbed_kwh = absorbed_kwh;
    p.self_consumed_kwh += absorbed_kwh;
    p.export_revenue_yuan = p.exported_kwh * xp;
    if ctx.emc_price().is_some() {
        for (m, a) in p
            .emc_payment_by_month_yuan
            .iter_mut()
            .zip(absorbed_by_month)
        {
            *m += a * xp;
        }
        p.emc_payment_yuan += absorbed_kwh * xp;
    }
}

/// The per-step series of a simulated strategy (`--hourly`, typical days).
fn series_of(
    sub: &Subject,
    stored: Option<&Stored>,
    flows: &Flows,
    pv_ac: &[f64],
    import_price_yuan_per_kwh: Vec<f64>,
) -> Series {
    let n = sub.load.p_kw.len();
    let r = stored.map(|s| &s.dispatch);
    let (import, export) = match r {
        Some(r) => (&r.import_kw, &r.export_kw),
        None => (&flows.import_kw, &flows.export_kw),
    };
    Series {
        pv_kw: pv_ac.to_vec(),
        charge_kw: r.map_or(vec![0.0; n], |r| r.charge_kw.clone()),
        discharge_kw: r.map_or(vec![0.0; n], |r| r.discharge_kw.clone()),
        soc_kwh: r.map_or(vec![0.0; n], |r| r.energy_kwh.clone()),
        aux_kw: match (r, sub.battery) {
            (Some(_), Some(b)) => b.params.aux_power_kw,
            _ => 0.0,
        },
        import_kw: import.clone(),
        export_kw: export.clone(),
        import_price_yuan_per_kwh,
    }
}

/// The storage dispatch candidates of an enterprise: (T&D energy rate, demand charge in the
/// objective). With the tariff measure every legal rate and, for two-part, both basic-charge
/// kinds (by capacity or by demand); without it the baseline's.
fn dispatch_candidates(
    tariff_measure: bool,
    (single_ok, two_ok): (bool, bool),
    baseline_rate: tariff::EnergyRate,
    baseline_demand: bool,
) -> Vec<(tariff::EnergyRate, bool)> {
    use tariff::EnergyRate::{SinglePart, TwoPart};
    if !tariff_measure {
        return vec![(baseline_rate, baseline_demand)];
    }
    let mut out = Vec::with_capacity(3);
    if two_ok {
        out.extend([(TwoPart, false), (TwoPart, true)]);
    }
    if single_ok {
        out.push((SinglePart, false));
    }
    out
}

/// The import price of every step as billed: the mode's purchase price plus the other per-kWh
/// components at the T&D energy rate of the step's month's billing option [yuan/kWh].
fn billed_step_prices(
    ctx: &Context,
    signal: &tariff::PriceSignal,
    purchase: &[f64],
    bill: &tariff::AnnualBill,
) -> Vec<f64> {
    let months = ctx.cal.months();
    let periods = signal.period_indices();
    (0..purchase.len())
        .map(|t| {
            let m = months[t];
            let rate = bill
                .months
                .get(usize::from(m) - 1)
                .map_or(tariff::EnergyRate::TwoPart, |b| b.option.energy_rate());
            let p = crate::tariff::TouPeriod::ALL[usize::from(periods[t])];
            purchase[t] + signal.other_than_purchase_yuan_per_kwh(m, p, rate)
        })
        .collect()
}

fn months_options(choices: &[tariff::PeriodChoice]) -> [BillingOption; 12] {
    let mut out = [BillingOption::TwoPart(BasicCharge::Capacity); 12];
    for c in choices {
        for m in c.first_month..=c.last_month {
            out[usize::from(m) - 1] = c.option;
        }
    }
    out
}

/// A short label of a billing option, e.g. `two-part, declared demand 208 kW`.
pub fn option_label(o: &BillingOption) -> String {
    match o {
        BillingOption::SinglePart => "single-part".into(),
        BillingOption::TwoPart(BasicCharge::Capacity) => "two-part, capacity".into(),
        BillingOption::TwoPart(BasicCharge::ActualDemand) => "two-part, actual demand".into(),
        BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw }) => {
            format!("two-part, declared demand {kw:.0} kW")
        }
    }
}

/// The options of a year in a few words: the kinds used and in how many months.
fn describe_choices(choices: &[tariff::PeriodChoice]) -> String {
    let mut kinds: Vec<(&'static str, u32)> = Vec::new();
    for c in choices {
        let kind = match c.option {
            BillingOption::SinglePart => "single-part",
            BillingOption::TwoPart(BasicCharge::Capacity) => "capacity",
            BillingOption::TwoPart(BasicCharge::ActualDemand) => "actual demand",
            BillingOption::TwoPart(BasicCharge::DeclaredDemand { .. }) => "declared demand",
        };
        let months = u32::from(c.last_month - c.first_month + 1);
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += months,
            None => kinds.push((kind, months)),
        }
    }
    kinds
        .iter()
        .map(|(k, n)| format!("{k} {n} mo"))
        .collect::<Vec<_>>()
        .join(" + ")
}

#[cfg(test)]
#[allow(
    clippy::float_cmp,
    reason = "sums of whole kW over whole hours are exact in f64"
)]
mod tests {
    //! The stages of [`simulate`] on hand-built enterprises: a constant 100 kW load and an array
    //! giving 150 kW from 10:00 to 15:00 every day, so every flow is computable by hand.
    use super::*;
    use crate::scenario::Plan;

    fn plan(grid_connection: &str, ownership: &str) -> Plan {
        let text = format!(
            "[scenario]\nname = \"t\"\n[strategies]\nlist = [\"baseline\", \"pv\"]\n\
             [claims]\ncost_reduction_strategy = \"pv\"\npv_saving_strategy = \"pv\"\n\
             [pv]\ngrid_connection = \"{grid_connection}\"\nownership = \"{ownership}\"\n\
             emc_discount_fraction = 0.2\n\
             [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
             annual_kwh = 1e6\ntransformer_kva = 800\n"
        );
        crate::scenario::load_str(&text, std::path::Path::new("t.toml")).unwrap()
    }

    fn context(plan: &Plan) -> Context<'_> {
        let cal = crate::calendar::Calendar::new(
            plan.year,
            plan.step,
            plan.utc_offset_hours,
            &plan.holidays,
        )
        .unwrap();
        let lib = crate::load::ArchetypeLibrary::embedded();
        let roster = super::super::roster::roster(plan, &cal, &lib).unwrap();
        Context::new(plan, cal, &roster).unwrap()
    }

    fn flat_load(n: usize, kw: f64) -> LoadProfile {
        let p_kw = vec![kw; n];
        LoadProfile {
            stats: crate::load::load_stats(&p_kw, 1.0),
            q_kvar: vec![0.0; n],
            p_kw,
            gaps: None,
            last_year_monthly_kwh: std::sync::OnceLock::new(),
            monthly_sum_kw: std::sync::OnceLock::new(),
            bank_kvarh: std::sync::OnceLock::new(),
        }
    }

    /// 150 kW from 10:00 to 14:59 (five hourly steps a day).
    fn midday_array(ctx: &Context) -> PvArray {
        let ac_kw = (0..ctx.cal.n_steps())
            .map(|t| {
                if (10..15).contains(&ctx.cal.hour(t)) {
                    150.0
                } else {
                    0.0
                }
            })
            .collect();
        PvArray {
            dc_kw: 200.0,
            ac_kw,
        }
    }

    #[test]
    fn pv_is_used_on_site_first_and_the_surplus_exported() {
        let p = plan("surplus_export", "self");
        let ctx = context(&p);
        let n = ctx.cal.n_steps();
        let days = (n / 24) as f64;
        let signal = ctx.signal("kv1_10").unwrap();
        let pv = midday_array(&ctx);
        let f = flows_of(&ctx, signal, &flat_load(n, 100.0), Some(&pv));
        assert_eq!(f.pv_self_kwh, 100.0 * 5.0 * days);
        assert_eq!(f.pv_export_kwh, 50.0 * 5.0 * days);
        let import: f64 = f.import_kw.iter().sum();
        assert_eq!(import, 100.0 * 19.0 * days);
        // The on-site energy by month and TOU period adds up to the year's, and each period's
        // share is the PV hours' count in that period.
        let by_band: f64 = f.pv_self_by_band_kwh.iter().flatten().sum();
        assert!((by_band - f.pv_self_kwh).abs() < 1e-6);
        let periods = signal.period_indices();
        let valley_pv_hours = (0..n)
            .filter(|&t| pv.ac_kw[t] > 0.0 && periods[t] == 3)
            .count() as f64;
        let valley: f64 = f.pv_self_by_band_kwh.iter().map(|m| m[3]).sum();
        assert!((valley - 100.0 * valley_pv_hours).abs() < 1e-6);
        // What it avoided of the agency purchase: 100 kWh at each PV hour's purchase price.
        let purchase = signal.purchase_yuan_per_kwh();
        let hand: f64 = (0..n)
            .filter(|&t| pv.ac_kw[t] > 0.0)
            .map(|t| 100.0 * purchase[t])
            .sum();
        let got: f64 = f.pv_avoided_agency_by_month_yuan.iter().sum();
        assert!((got - hand).abs() < 1e-6 * hand, "{got} vs {hand}");
    }

    #[test]
    fn full_export_sells_all_pv_and_buys_all_load() {
        let p = plan("full_export", "self");
        let ctx = context(&p);
        let n = ctx.cal.n_steps();
        let days = (n / 24) as f64;
        let signal = ctx.signal("kv1_10").unwrap();
        let f = flows_of(
            &ctx,
            signal,
            &flat_load(n, 100.0),
            Some(&midday_array(&ctx)),
        );
        assert_eq!(f.pv_self_kwh, 0.0);
        assert_eq!(f.pv_export_kwh, 150.0 * 5.0 * days);
        assert!(f.import_kw.iter().all(|&x| x == 100.0));
        assert_eq!(f.pv_avoided_agency_by_month_yuan, [0.0; 12]);
    }

    fn settled(charges: f64, export_credit: f64) -> Settled {
        let mut bill = tariff::AnnualBill::from_months(Vec::new());
        bill.charges_yuan = charges;
        bill.export_credit_yuan = export_credit;
        Settled {
            bill,
            tariff: TariffOutcome {
                options: String::new(),
                compensation_kvar: 10.0,
                compensation_annual_yuan: 7.0,
            },
            deviation_by_month_yuan: [1.0; 12],
        }
    }

    fn pv_outcome_of(emc_payment: f64) -> PvOutcome {
        PvOutcome {
            dc_kw: 200.0,
            kwh: 1000.0,
            self_consumed_kwh: 600.0,
            exported_kwh: 400.0,
            export_revenue_yuan: 400.0 * 0.4,
            avoided_energy_yuan: 300.0,
            emc_payment_yuan: emc_payment,
            emc_payment_by_month_yuan: [emc_payment / 12.0; 12],
            emc_owned: emc_payment > 0.0,
            battery_absorbed_kwh: 0.0,
        }
    }

    #[test]
    fn the_export_credit_is_the_enterprises_only_when_it_owns_the_pv() {
        let s = settled(1000.0, 100.0);
        // Charges − export credit + 12 × 1 deviation + compensation 7.
        assert_eq!(cost_of(&s, Some(&pv_outcome_of(0.0)), false), 919.0);
        assert_eq!(cost_of(&s, None, false), 919.0);
        // Under EMC the credit is the investor's, and the enterprise pays for the PV energy.
        assert_eq!(cost_of(&s, Some(&pv_outcome_of(50.0)), true), 1069.0);
        // EMC without PV in the strategy: the grid's export credit stays the enterprise's.
        assert_eq!(cost_of(&s, None, true), 919.0);
    }

    #[test]
    fn emc_pays_the_discounted_value_of_the_pv_energy_used_on_site() {
        let p = plan("surplus_export", "emc");
        let ctx = context(&p);
        let n = ctx.cal.n_steps();
        let signal = ctx.signal("kv1_10").unwrap();
        let f = flows_of(
            &ctx,
            signal,
            &flat_load(n, 100.0),
            Some(&midday_array(&ctx)),
        );
        let bill = tariff::AnnualBill::from_months(Vec::new());
        let acc = pv_account(
            &ctx,
            signal,
            &f,
            &crate::market::PurchaseMode::Agency,
            &bill,
        );
        for m in 0..12 {
            // Avoided: the agency purchase plus the other per-kWh components of the two-part
            // rate (no month bill given) of each period's energy.
            let other: f64 = (0..4)
                .map(|i| {
                    f.pv_self_by_band_kwh[m][i]
                        * signal.other_than_purchase_yuan_per_kwh(
                            m as u8 + 1,
                            tariff::TouPeriod::ALL[i],
                            tariff::EnergyRate::TwoPart,
                        )
                })
                .sum();
            let avoided = f.pv_avoided_agency_by_month_yuan[m] + other;
            assert!((acc.avoided_by_month_yuan[m] - avoided).abs() < 1e-9 * avoided);
            // 20 % off: the enterprise pays 80 % of it.
            assert!((acc.emc_by_month_yuan[m] - 0.8 * avoided).abs() < 1e-9 * avoided);
        }
    }

    #[test]
    fn stored_pv_surplus_is_used_on_site_and_paid_to_the_emc_investor_at_the_export_price() {
        let p = plan("surplus_export", "emc");
        let ctx = context(&p);
        let n = ctx.cal.n_steps();
        let days = (n / 24) as f64;
        let signal = ctx.signal("kv1_10").unwrap();
        let f = flows_of(
            &ctx,
            signal,
            &flat_load(n, 100.0),
            Some(&midday_array(&ctx)),
        );
        // The battery takes 30 of the 50 kW surplus.
        let export_kw: Vec<f64> = f
            .export_kw
            .iter()
            .map(|&x| if x > 0.0 { 20.0 } else { 0.0 })
            .collect();
        let r = crate::storage::DispatchResult {
            battery_kw: vec![0.0; n],
            charge_kw: vec![0.0; n],
            discharge_kw: vec![0.0; n],
            energy_kwh: vec![0.0; n],
            import_kw: f.import_kw.clone(),
            export_kw,
            cost: Default::default(),
        };
        let mut pv = pv_outcome_of(12.0);
        pv.exported_kwh = f.pv_export_kwh;
        pv.self_consumed_kwh = f.pv_self_kwh;
        absorb_stored_pv(&ctx, signal, &f, &r, &mut pv);
        let absorbed = 30.0 * 5.0 * days;
        let xp = signal.export_yuan_per_kwh();
        assert_eq!(pv.battery_absorbed_kwh, absorbed);
        assert_eq!(pv.exported_kwh, 20.0 * 5.0 * days);
        assert_eq!(pv.self_consumed_kwh, 130.0 * 5.0 * days);
        assert!((pv.export_revenue_yuan - 20.0 * 5.0 * days * xp).abs() < 1e-9);
        assert!((pv.emc_payment_yuan - (12.0 + absorbed * xp)).abs() < 1e-9);
        let by_month: f64 = pv.emc_payment_by_month_yuan.iter().sum();
        assert!((by_month - pv.emc_payment_yuan).abs() < 1e-9);
    }

    #[test]
    fn storage_is_dispatched_for_every_legal_option_with_the_tariff_measure() {
        use tariff::EnergyRate::{SinglePart, TwoPart};
        assert_eq!(
            dispatch_candidates(true, (true, true), TwoPart, false),
            vec![(TwoPart, false), (TwoPart, true), (SinglePart, false)]
        );
        assert_eq!(
            dispatch_candidates(true, (false, true), TwoPart, false),
            vec![(TwoPart, false), (TwoPart, true)]
        );
        assert_eq!(
            dispatch_candidates(true, (true, false), SinglePart, false),
            vec![(SinglePart, false)]
        );
        // Without the measure: the baseline's option only.
        assert_eq!(
            dispatch_candidates(false, (true, true), TwoPart, true),
            vec![(TwoPart, true)]
        );
    }

    #[test]
    fn period_choices_spread_over_their_months_and_read_in_few_words() {
        let demand = BillingOption::TwoPart(BasicCharge::ActualDemand);
        let choices = [
            tariff::PeriodChoice {
                first_month: 1,
                last_month: 3,
                option: BillingOption::TwoPart(BasicCharge::Capacity),
                cost_yuan: 0.0,
            },
            tariff::PeriodChoice {
                first_month: 4,
                last_month: 12,
                option: demand,
                cost_yuan: 0.0,
            },
        ];
        let o = months_options(&choices);
        assert_eq!(o[2], BillingOption::TwoPart(BasicCharge::Capacity));
        assert!(o[3..].iter().all(|x| *x == demand));
        assert_eq!(
            describe_choices(&choices),
            "capacity 3 mo + actual demand 9 mo"
        );
        assert_eq!(
            option_label(&BillingOption::TwoPart(BasicCharge::DeclaredDemand {
                kw: 208.4
            })),
            "two-part, declared demand 208 kW"
        );
    }

    /// The first enterprise of the scenario `text` with a flat `kw` load bought from the grid
    /// at the baseline purchase mode, handed to `check` with its billing and grid series.
    fn settle_flat(text: &str, kw: f64, check: impl FnOnce(&Subject, &Billing, &Purchase, Grid)) {
        let p = crate::scenario::load_str(text, std::path::Path::new("t.toml")).unwrap();
        let ctx = context(&p);
        let roster =
            super::super::roster::roster(&p, &ctx.cal, &crate::load::ArchetypeLibrary::embedded())
                .unwrap();
        let n = ctx.cal.n_steps();
        let load = flat_load(n, kw);
        let sub = Subject {
            ctx: &ctx,
            index: 0,
            spec: &roster[0],
            load: &load,
            battery: None,
            key: None,
        };
        let billing = billing_of(&sub).unwrap();
        let (mode, name) = ctx.baseline_mode();
        let purchase = Purchase { mode, name };
        let zeros = vec![0.0; n];
        let grid = Grid {
            import_kw: &load.p_kw,
            export_kw: &zeros,
            key: None,
        };
        check(&sub, &billing, &purchase, grid);
    }

    /// The cheapest legal option inside `settle`, by hand: a flat 100 kW load on an 800 kVA
    /// transformer at 1-10 kV must pay two-part (≥ 315 kVA); per month the capacity charge is
    /// 800 kVA × 22.1 = 17,680 yuan, a declared demand at its 40 % floor 320 kW × 35.4 = 11,328
    /// yuan and the actual maximum demand 100 kW × 35.4 = 3,540 yuan
    /// (data/tariffs/hunan-2025.toml). The tariff measure takes the actual demand every month;
    /// without it the baseline option is billed.
    #[test]
    fn the_tariff_measure_bills_the_cheapest_legal_basic_charge() {
        let text = "[scenario]\nname = \"t\"\n[strategies]\nlist = [\"baseline\", \"tariff\"]\n\
             [claims]\ncost_reduction_strategy = \"tariff\"\npv_saving_strategy = \"tariff\"\n\
             [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
             annual_kwh = 1e6\ntransformer_kva = 800\nvoltage_level = \"kv1_10\"\n";
        settle_flat(text, 100.0, |sub, billing, purchase, grid| {
            let measured = settle(
                sub,
                billing,
                Strategy::parse("tariff").unwrap(),
                purchase,
                grid,
            )
            .unwrap();
            assert!(
                (measured.bill.basic_yuan - 12.0 * 100.0 * 35.4).abs() < 1e-6,
                "{}",
                measured.bill.basic_yuan
            );
            assert_eq!(measured.tariff.options, "actual demand 12 mo");
            let base = settle(
                sub,
                billing,
                Strategy::parse("baseline").unwrap(),
                purchase,
                grid,
            )
            .unwrap();
            assert_eq!(
                billing.baseline,
                BillingOption::TwoPart(BasicCharge::Capacity)
            );
            assert!(
                (base.bill.basic_yuan - 12.0 * 800.0 * 22.1).abs() < 1e-6,
                "{}",
                base.bill.basic_yuan
            );
            // The energy charges are the same two-part ones under both.
            assert!((base.bill.energy_yuan - measured.bill.energy_yuan).abs() < 1e-6);
        });
    }

    /// The price signal, by hand from data/tariffs/hunan-2025.toml at 1-10 kV, two-part: the
    /// TOU multiplier scales purchase + line loss + T&D; system operation and government funds
    /// are added flat.
    #[test]
    fn the_price_signal_of_a_step_is_the_tariffs_components_by_hand() {
        let p = plan("surplus_export", "self");
        let ctx = context(&p);
        let sig = ctx
            .signal_at("kv1_10", tariff::EnergyRate::TwoPart)
            .unwrap();
        let months = ctx.cal.months();
        let step = |month: u8, hour: u8| {
            (0..ctx.cal.n_steps())
                .find(|&t| months[t] == month && ctx.cal.hour(t) == hour)
                .unwrap()
        };
        for (month, hour, multiplier, purchase, line_loss, system_operation) in [
            (7, 21, 1.92, 0.4800, 0.02376, 0.030),
            (3, 3, 0.4, 0.4515, 0.02235, 0.035),
            (3, 8, 1.0, 0.4515, 0.02235, 0.035),
            (12, 17, 1.6, 0.4700, 0.02327, 0.030),
        ] {
            let t = step(month, hour);
            let want = (purchase + line_loss + 0.1394) * multiplier + system_operation + 0.04625;
            let got = sig.total_yuan_per_kwh()[t];
            assert!(
                (got - want).abs() < 1e-12,
                "{month}/{hour}: {got} vs {want}"
            );
        }
    }

    /// A single-part customer (单一制, under 100 kVA): no basic charge under any strategy, and
    /// the T&D energy rate is the single-part one, 0.2409 against two-part 0.1394 yuan/kWh at
    /// 1-10 kV (data/tariffs/hunan-2025.toml): the energy charge exceeds the two-part bill's by
    /// (0.2409 − 0.1394) × the TOU multiplier of each kWh.
    #[test]
    fn a_single_part_customer_pays_no_basic_charge_and_the_single_part_rate() {
        let text = "[scenario]\nname = \"t\"\n[strategies]\nlist = [\"baseline\", \"tariff\"]\n\
             [claims]\ncost_reduction_strategy = \"tariff\"\npv_saving_strategy = \"tariff\"\n\
             [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
             annual_kwh = 2e5\ntransformer_kva = 80\nvoltage_level = \"kv1_10\"\n";
        settle_flat(text, 20.0, |sub, billing, purchase, grid| {
            assert_eq!(billing.baseline, BillingOption::SinglePart);
            let (ctx, n) = (sub.ctx, sub.ctx.cal.n_steps());
            let tou_kwh: f64 = (0..n)
                .map(|t| {
                    let m = ctx.cal.months()[t];
                    20.0 * sub
                        .ctx
                        .plan
                        .tariff_model
                        .multiplier(sub.ctx.plan.tariff_model.period(m, ctx.cal.hour(t)))
                })
                .sum();
            for s in ["baseline", "tariff"] {
                let b = settle(sub, billing, Strategy::parse(s).unwrap(), purchase, grid).unwrap();
                assert!(b.bill.basic_yuan.abs() < 1e-9, "{s}: {}", b.bill.basic_yuan);
                // Every kWh at the single-part signal's price (energy and funds lines together).
                let single = ctx
                    .signal_at("kv1_10", tariff::EnergyRate::SinglePart)
                    .unwrap();
                let want: f64 = single.total_yuan_per_kwh().iter().map(|p| 20.0 * p).sum();
                let got = b.bill.energy_yuan + b.bill.funds_yuan;
                assert!((got - want).abs() < 1e-9 * want, "{s}: {got} vs {want}");
            }
            // The single-part signal exceeds the two-part one by the T&D difference, TOU-scaled.
            let (single, two) = (
                ctx.signal_at("kv1_10", tariff::EnergyRate::SinglePart)
                    .unwrap(),
                ctx.signal_at("kv1_10", tariff::EnergyRate::TwoPart)
                    .unwrap(),
            );
            let extra: f64 = (0..n)
                .map(|t| 20.0 * (single.total_yuan_per_kwh()[t] - two.total_yuan_per_kwh()[t]))
                .sum();
            assert!((extra - (0.2409 - 0.1394) * tou_kwh).abs() < 1e-9 * extra);
        });
    }
}
