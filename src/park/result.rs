//! Results of a park run: per enterprise and strategy, totals per strategy, and the claims
//! check. Plain data: report writers and charts read it; nothing here computes physics.

use crate::strategy::Strategy;
use crate::tariff::AnnualBill;

/// The tariff measure's choice for an enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct TariffOutcome {
    /// Billing option(s) applied, in words (e.g. `two-part, actual demand`).
    pub options: String,
    /// Reactive compensation installed [kvar] (0: none).
    pub compensation_kvar: f64,
    /// Its annualized cost [yuan/yr].
    pub compensation_annual_yuan: f64,
}

/// The purchase mode applied.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketOutcome {
    /// `agency`, `agency_returned`, `retail_fixed`, `retail_discount`, `retail_share` or
    /// `direct_contract`.
    pub mode: String,
}

/// PV of an enterprise in a strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct PvOutcome {
    /// DC size [kW].
    pub dc_kw: f64,
    /// AC energy [kWh/yr].
    pub kwh: f64,
    /// Energy used on site [kWh/yr].
    pub self_consumed_kwh: f64,
    /// Energy exported [kWh/yr].
    pub exported_kwh: f64,
    /// Export revenue [yuan/yr].
    pub export_revenue_yuan: f64,
    /// Grid energy cost the on-site PV energy avoided, at the step prices [yuan/yr].
    pub avoided_energy_yuan: f64,
    /// What the enterprise pays the EMC investor [yuan/yr] (0 when self-owned).
    pub emc_payment_yuan: f64,
    /// The EMC payment per month, January first [yuan].
    pub emc_payment_by_month_yuan: [f64; 12],
    /// Whether an EMC investor owns the PV (合同能源管理): the PV energy, its export credit
    /// included, is the investor's.
    pub emc_owned: bool,
    /// PV surplus stored by the battery instead of exported [kWh/yr] (counted in
    /// `self_consumed_kwh`; under EMC paid to the investor at the export price).
    pub battery_absorbed_kwh: f64,
}

/// Storage of an enterprise in a strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageOutcome {
    /// Nameplate energy [kWh].
    pub kwh: f64,
    /// Rated power [kW].
    pub kw: f64,
    /// Energy discharged [kWh/yr].
    pub discharged_kwh: f64,
    /// Full equivalent cycles per year.
    pub cycles: f64,
    /// Usable energy [kWh].
    pub usable_kwh: f64,
    /// Cost of the energy charged [yuan/yr].
    pub charging_cost_yuan: f64,
    /// Part of the storage saving from a lower basic (demand) charge [yuan/yr].
    pub demand_saving_yuan: f64,
    /// The rest of the storage saving: energy arbitrage (峰谷套利) net of losses [yuan/yr].
    pub energy_saving_yuan: f64,
    /// Whether an investor owns the battery and shares the saving (收益分成); otherwise the
    /// enterprise owns it.
    pub shared_savings: bool,
    /// The battery's life before replacement [yr].
    pub life_years: f64,
}

/// Lifetime money of the strategy's investments (PV, storage) for the enterprise and, under
/// third-party ownership, the investor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MoneyOutcome {
    /// The enterprise's capital outlay [yuan].
    pub investment_yuan: f64,
    /// The enterprise's NPV over the project life [yuan].
    pub npv_yuan: f64,
    /// The enterprise's IRR [fraction/yr] ([`crate::finance::irr_or_reason`]).
    pub irr: Option<f64>,
    /// Why the enterprise's IRR is empty, or which root was taken ([`crate::finance::irr_note`]).
    pub irr_note: String,
    /// The enterprise's simple payback [yr].
    pub payback_years: Option<f64>,
    /// The investor's capital outlay [yuan], under EMC or shared savings.
    pub investor_investment_yuan: Option<f64>,
    /// The investor's NPV [yuan].
    pub investor_npv_yuan: Option<f64>,
    /// The investor's IRR [fraction/yr].
    pub investor_irr: Option<f64>,
    /// The investor's simple payback [yr].
    pub investor_payback_years: Option<f64>,
    /// Why the investor's IRR is empty, or which root was taken (empty without an investor).
    pub investor_irr_note: String,
    /// Levelized cost of the PV energy for its owner [yuan/kWh].
    pub pv_lcoe_yuan_per_kwh: Option<f64>,
    /// Discounted costs of the PV owner over the life (the LCOE's numerator) [yuan].
    pub pv_discounted_cost_yuan: f64,
    /// Discounted PV energy over the life (the LCOE's denominator) [kWh].
    pub pv_discounted_kwh: f64,
    /// Levelized cost of storage for its owner, charging energy included [yuan/kWh
    /// discharged].
    pub storage_lcos_yuan_per_kwh: Option<f64>,
    /// Discounted costs of the battery owner over the life, charging cost included (the LCOS's
    /// numerator) [yuan].
    pub storage_discounted_cost_yuan: f64,
    /// Discounted energy discharged over the life (the LCOS's denominator) [kWh].
    pub storage_discounted_kwh: f64,
    /// The enterprise's yearly cash flows, year 0 first [yuan].
    pub enterprise_flows_yuan: Vec<f64>,
    /// The investor's yearly cash flows, year 0 first [yuan] (empty when none).
    pub investor_flows_yuan: Vec<f64>,
    /// The enterprise's flows by item (PV and storage summed), year 0 first.
    pub enterprise_items: crate::finance::FlowItems,
    /// The investor's flows by item, year 0 first (empty when none).
    pub investor_items: crate::finance::FlowItems,
    /// PV output per project year, year 0 first (degradation included) [kWh] (empty without
    /// PV).
    pub pv_kwh_by_year: Vec<f64>,
    /// Battery discharge per project year, year 0 first (capacity fade and replacement
    /// included) [kWh] (empty without storage).
    pub storage_discharged_kwh_by_year: Vec<f64>,
    /// Cost of the energy the battery charged per project year, year 0 first, escalated like
    /// the saving [yuan]: inside the bill saving already, apart for the LCOS (empty without
    /// storage).
    pub storage_charging_cost_by_year_yuan: Vec<f64>,
}

/// One enterprise under one strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The strategy.
    pub strategy: Strategy,
    /// The enterprise's consumption [kWh/yr].
    pub load_kwh: f64,
    /// The grid bill.
    pub bill: AnnualBill,
    /// Market deviation cost [yuan/yr].
    pub deviation_yuan: f64,
    /// Market deviation cost per month, January first (偏差考核 is settled monthly) [yuan].
    pub deviation_by_month_yuan: [f64; 12],
    /// What the enterprise pays a storage investor under shared savings (收益分成): the
    /// investor's share of the year's storage saving [yuan/yr] (0 otherwise).
    pub shared_savings_payment_yuan: f64,
    /// What electricity costs the enterprise in the year [yuan]: grid charges − export credit it
    /// keeps + deviation + EMC payments + annualized compensation + shared-savings payment.
    pub cost_yuan: f64,
    /// Tariff choice.
    pub tariff: TariffOutcome,
    /// Purchase mode.
    pub market: MarketOutcome,
    /// PV, when the strategy has it and the roof takes an array.
    pub pv: Option<PvOutcome>,
    /// Storage, when the strategy has it.
    pub storage: Option<StorageOutcome>,
    /// Lifetime money of the strategy's investments, when it has any.
    pub money: Option<MoneyOutcome>,
    /// The payment components kept when the monthly detail was dropped
    /// ([`EnterpriseResult::compact`]); `None` while `bill.months` holds them.
    pub components_yuan: Option<[f64; 9]>,
}

/// The parts of an enterprise's payment in one month beyond the grid charges [yuan]: what it
/// passes to the PV investor of the export credit, EMC payment, reactive compensation,
/// market deviation, storage shared-savings payment; and the net total. The twelve net totals
/// sum to the outcome's `cost_yuan`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MonthAccount {
    /// Grid charges: energy + basic + power factor + funds [yuan].
    pub charges_yuan: f64,
    /// Credit for exported energy [yuan].
    pub export_credit_yuan: f64,
    /// The export credit passed on to the EMC investor, who owns the PV energy [yuan].
    pub export_credit_to_investor_yuan: f64,
    /// EMC payment for PV energy used on site [yuan].
    pub emc_payment_yuan: f64,
    /// Annualized reactive-compensation cost, a twelfth per month [yuan].
    pub compensation_yuan: f64,
    /// Market deviation settlement [yuan].
    pub deviation_yuan: f64,
    /// Storage shared-savings payment, a twelfth of the year's per month [yuan].
    pub shared_savings_yuan: f64,
    /// charges − export credit + export credit to the investor + EMC + compensation +
    /// deviation + shared savings [yuan].
    pub net_total_yuan: f64,
}

impl Outcome {
    /// The account of month `m` (0-based): the grid charges and every other part of the
    /// enterprise's payment; the twelve months' `net_total_yuan` sum to `cost_yuan`.
    pub fn month_account(&self, m: usize) -> MonthAccount {
        let Some(b) = self.bill.months.get(m) else {
            return MonthAccount::default();
        };
        let pv = self.pv.as_ref();
        let emc = pv.map_or(0.0, |p| p.emc_payment_by_month_yuan[m]);
        // Under EMC the PV energy is the investor's: the enterprise keeps no export credit.
        let emc_owned = pv.is_some_and(|p| p.emc_owned);
        let to_investor = if emc_owned { b.export_credit_yuan } else { 0.0 };
        let mut a = MonthAccount {
            charges_yuan: b.charges_yuan,
            export_credit_yuan: b.export_credit_yuan,
            export_credit_to_investor_yuan: to_investor,
            emc_payment_yuan: emc,
            compensation_yuan: self.tariff.compensation_annual_yuan / 12.0,
            deviation_yuan: self.deviation_by_month_yuan[m],
            shared_savings_yuan: self.shared_savings_payment_yuan / 12.0,
            net_total_yuan: 0.0,
        };
        a.net_total_yuan = a.charges_yuan - a.export_credit_yuan
            + a.export_credit_to_investor_yuan
            + a.emc_payment_yuan
            + a.compensation_yuan
            + a.deviation_yuan
            + a.shared_savings_yuan;
        a
    }
}

/// An enterprise and its outcomes, baseline first.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseResult {
    /// Name.
    pub name: String,
    /// Group, if generated.
    pub group: Option<String>,
    /// Archetype name, or `meter` for measured loads.
    pub archetype: String,
    /// Transformer [kVA].
    pub transformer_kva: f64,
    /// Annual consumption [kWh].
    pub annual_kwh: f64,
    /// Peak load [kW].
    pub peak_kw: f64,
    /// Load factor.
    pub load_factor: f64,
    /// Intervals of a meter file that were missing and filled; `None` for a synthetic load.
    pub meter_filled_steps: Option<usize>,
    /// One outcome per strategy, in the plan's order (baseline first).
    pub outcomes: Vec<Outcome>,
}

impl EnterpriseResult {
    /// The baseline outcome.
    pub fn baseline(&self) -> &Outcome {
        &self.outcomes[0]
    }

    /// Drop the per-month bills and the per-year cash-flow items once they are written and
    /// summed (a park too large to hold them for every enterprise): what stays is every
    /// yearly figure, the payment components ([`payment_components`]) and the net flows.
    pub fn compact(&mut self) {
        for o in &mut self.outcomes {
            o.components_yuan = Some(payment_components(o));
            o.bill.months = Vec::new();
            if let Some(m) = &mut o.money {
                m.enterprise_items = Default::default();
                m.investor_items = Default::default();
                m.pv_kwh_by_year = Vec::new();
                m.storage_discharged_kwh_by_year = Vec::new();
                m.storage_charging_cost_by_year_yuan = Vec::new();
            }
        }
    }

    /// Whether [`EnterpriseResult::compact`] dropped the monthly and yearly detail.
    pub fn is_compact(&self) -> bool {
        self.outcomes.iter().any(|o| o.components_yuan.is_some())
    }
}

/// Park totals of one strategy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StrategyTotals {
    /// Strategy name.
    pub strategy: String,
    /// Σ enterprise cost [yuan/yr].
    pub bill_yuan: f64,
    /// Σ consumption [kWh/yr].
    pub kwh: f64,
    /// Σ grid import [kWh/yr].
    pub import_kwh: f64,
    /// Cost per kWh consumed [yuan/kWh] (综合平均电价).
    pub average_price_yuan_per_kwh: f64,
    /// Baseline cost − cost [yuan/yr].
    pub saving_yuan: f64,
    /// Saving over baseline cost.
    pub saving_fraction: f64,
    /// Σ PV DC [kW].
    pub pv_kw: f64,
    /// Σ PV energy [kWh/yr].
    pub pv_kwh: f64,
    /// Σ PV used on site [kWh/yr].
    pub pv_self_consumed_kwh: f64,
    /// Σ PV exported [kWh/yr].
    pub pv_exported_kwh: f64,
    /// Σ EMC payments [yuan/yr].
    pub emc_payment_yuan: f64,
    /// Σ battery discharge [kWh/yr].
    pub storage_discharged_kwh: f64,
    /// Σ battery energy [kWh].
    pub storage_kwh: f64,
    /// Σ battery power [kW].
    pub storage_kw: f64,
    /// Σ usable battery energy [kWh].
    pub storage_usable_kwh: f64,
    /// Σ enterprise investment [yuan].
    pub investment_yuan: f64,
    /// Σ enterprise NPV of the investments [yuan].
    pub npv_yuan: f64,
    /// Σ investor investment [yuan].
    pub investor_investment_yuan: f64,
    /// Σ investor NPV [yuan].
    pub investor_npv_yuan: f64,
    /// Park LCOE of the PV: Σ discounted owner costs / Σ discounted PV energy over the
    /// enterprises with PV [yuan/kWh].
    pub pv_lcoe_yuan_per_kwh: Option<f64>,
    /// Park LCOS of the storage: Σ discounted owner costs (charging included) / Σ discounted
    /// discharged energy over the enterprises with a battery [yuan/kWh].
    pub storage_lcos_yuan_per_kwh: Option<f64>,
    /// Σ discounted PV owner costs [yuan] (LCOE numerator).
    pub pv_discounted_cost_yuan: f64,
    /// Σ discounted PV energy [kWh] (LCOE denominator).
    pub pv_discounted_kwh: f64,
    /// Σ discounted storage owner costs [yuan] (LCOS numerator).
    pub storage_discounted_cost_yuan: f64,
    /// Σ discounted discharged energy [kWh] (LCOS denominator).
    pub storage_discounted_kwh: f64,
    /// IRR of the enterprises' summed cash flows [fraction/yr].
    pub irr: Option<f64>,
    /// Simple payback of the enterprises' summed cash flows [yr].
    pub payback_years: Option<f64>,
    /// IRR of the investors' summed cash flows [fraction/yr].
    pub investor_irr: Option<f64>,
    /// Summed enterprise flows [yuan].
    pub enterprise_flows_yuan: Vec<f64>,
    /// Summed investor flows [yuan].
    pub investor_flows_yuan: Vec<f64>,
    /// Monthly totals of the enterprises' payment by component: energy, basic, pf adjustment,
    /// funds, deviation, EMC payments, compensation, shared-savings payments, minus the export
    /// credit the enterprises keep [yuan]; each month sums to Σ `net_total_yuan`.
    pub monthly_components_yuan: [[f64; 9]; 12],
}

/// One claim, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimCheck {
    /// Key (`cost_reduction_fraction`, `pv_saving_yuan_per_year`).
    pub key: String,
    /// What the claim says, in words (`claims.*_description`).
    pub description: String,
    /// The same in Chinese (`claims.*_description_zh`), shown under `--lang zh`.
    pub description_zh: String,
    /// The strategy it is checked on.
    pub strategy: String,
    /// Claimed value.
    pub claimed: f64,
    /// Simulated value.
    pub simulated: f64,
    /// Whether the simulated value reaches the claim as stated (`kind`, `tolerance`).
    pub holds: bool,
    /// How the claim is stated: about, at least or at most.
    pub kind: crate::scenario::choice::ClaimKind,
    /// Half-width of `about`, in the claim's unit (fraction points or yuan/yr; 0 otherwise).
    pub tolerance: f64,
    /// Simulated − claimed, in the claim's unit.
    pub margin: f64,
    /// Other readings of the same claim, each on another strategy pair, not judged.
    pub framings: Vec<ClaimFraming>,
    /// Why the claim is judged on `strategy` rather than on a framing.
    pub judged_on: String,
    /// The same in Chinese, shown under `--lang zh`.
    pub judged_on_zh: String,
    /// The assumptions that drive it, in words.
    pub assumptions: Vec<String>,
    /// The same in Chinese (settings' names and keys as written), shown under `--lang zh`.
    pub assumptions_zh: Vec<String>,
}

/// Another reading of a claim: the value on another pair of strategies.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFraming {
    /// What it measures, in words.
    pub description: String,
    /// The same in Chinese.
    pub description_zh: String,
    /// The strategy with the measure.
    pub strategy: String,
    /// The strategy it is compared with.
    pub reference: String,
    /// The value [the claim's unit].
    pub simulated: f64,
    /// Whether the claim would hold on it.
    pub holds: bool,
}

/// The claims judged under another tariff version (the tariff of the claims' year, say), on
/// the same loads, PV and sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct TariffClaims {
    /// The tariff version.
    pub version: String,
    /// Its title.
    pub title: String,
    /// Its overall confidence, as its data file states it.
    pub confidence: crate::tariff::Confidence,
    /// The claims under it.
    pub claims: Vec<ClaimCheck>,
    /// Saving fraction of each strategy under it, in plan order.
    pub saving_fraction: Vec<(String, f64)>,
    /// Share of the PV energy in each TOU period (critical, peak, flat, valley) under it.
    pub pv_kwh_share_by_period: [f64; 4],
}

/// A whole park run.
#[derive(Debug, Clone, PartialEq)]
pub struct ParkResult {
    /// Scenario name.
    pub scenario: String,
    /// Per enterprise, in roster order.
    pub enterprises: Vec<EnterpriseResult>,
    /// Per strategy, in plan order (baseline first).
    pub totals: Vec<StrategyTotals>,
    /// Claims.
    pub claims: Vec<ClaimCheck>,
    /// Share of the PV output per kWp in each TOU period (critical, peak, flat, valley) of the
    /// run's tariff (all zero without PV).
    pub pv_kwh_share_by_period: [f64; 4],
    /// The claims under the tariff versions of `claims.tariff_versions`, the scenario's own
    /// included where listed, in the listed order (empty when none are listed).
    pub claims_by_tariff: Vec<TariffClaims>,
    /// Plausibility warnings about the inputs (the plan's, then the run's).
    pub warnings: Vec<String>,
    /// The data files the run used, with the source, date and confidence of their tables.
    pub data_sources: Vec<crate::provenance::DataFile>,
}

/// Sum the enterprises' outcomes per strategy.
pub fn totals(strategies: &[Strategy], enterprises: &[EnterpriseResult]) -> Vec<StrategyTotals> {
    let mut out = totals_start(strategies);
    for e in enterprises {
        totals_add(&mut out, e);
    }
    totals_finish(&mut out);
    out
}

/// Empty totals, one per strategy; [`totals_add`] each enterprise, then [`totals_finish`].
pub fn totals_start(strategies: &[Strategy]) -> Vec<StrategyTotals> {
    strategies
        .iter()
        .map(|s| StrategyTotals {
            strategy: s.to_string(),
            ..StrategyTotals::default()
        })
        .collect()
}

/// Add one enterprise's outcomes to the totals (before [`EnterpriseResult::compact`]).
pub fn totals_add(out: &mut [StrategyTotals], e: &EnterpriseResult) {
    {
        for (k, o) in e.outcomes.iter().enumerate() {
            let t = &mut out[k];
            t.bill_yuan += o.cost_yuan;
            t.kwh += o.load_kwh;
            t.import_kwh += o.bill.kwh_import;
            if let Some(p) = &o.pv {
                t.pv_kw += p.dc_kw;
                t.pv_kwh += p.kwh;
                t.pv_self_consumed_kwh += p.self_consumed_kwh;
                t.pv_exported_kwh += p.exported_kwh;
                t.emc_payment_yuan += p.emc_payment_yuan;
            }
            if let Some(s) = &o.storage {
                t.storage_discharged_kwh += s.discharged_kwh;
                t.storage_kwh += s.kwh;
                t.storage_kw += s.kw;
                t.storage_usable_kwh += s.usable_kwh;
            }
            if let Some(m) = &o.money {
                t.investment_yuan += m.investment_yuan;
                t.npv_yuan += m.npv_yuan;
                t.investor_investment_yuan += m.investor_investment_yuan.unwrap_or(0.0);
                t.investor_npv_yuan += m.investor_npv_yuan.unwrap_or(0.0);
                t.pv_discounted_cost_yuan += m.pv_discounted_cost_yuan;
                t.pv_discounted_kwh += m.pv_discounted_kwh;
                t.storage_discounted_cost_yuan += m.storage_discounted_cost_yuan;
                t.storage_discounted_kwh += m.storage_discounted_kwh;
                add_flows(&mut t.enterprise_flows_yuan, &m.enterprise_flows_yuan);
                add_flows(&mut t.investor_flows_yuan, &m.investor_flows_yuan);
            }
            for mb in &o.bill.months {
                let m = usize::from(mb.month) - 1;
                let a = o.month_account(m);
                let c = &mut t.monthly_components_yuan[m];
                c[0] += mb.energy_yuan;
                c[1] += mb.basic_yuan;
                c[2] += mb.pf_adjust_yuan;
                c[3] += mb.funds_yuan;
                c[4] += a.deviation_yuan;
                c[5] += a.emc_payment_yuan;
                c[6] += a.compensation_yuan;
                c[7] += a.shared_savings_yuan;
                c[8] -= a.export_credit_yuan - a.export_credit_to_investor_yuan;
            }
        }
    }
}

/// The savings, averages and metrics of summed totals.
pub fn totals_finish(out: &mut [StrategyTotals]) {
    let base = out.first().map_or(0.0, |t| t.bill_yuan);
    for t in out.iter_mut() {
        t.saving_yuan = base - t.bill_yuan;
        t.saving_fraction = if base > 0.0 {
            t.saving_yuan / base
        } else {
            0.0
        };
        t.average_price_yuan_per_kwh = if t.kwh > 0.0 {
            t.bill_yuan / t.kwh
        } else {
            0.0
        };
        t.irr = crate::finance::irr(&t.enterprise_flows_yuan);
        t.payback_years = crate::finance::simple_payback_years(&t.enterprise_flows_yuan)
            .filter(|_| t.investment_yuan > 0.0);
        t.investor_irr = crate::finance::irr(&t.investor_flows_yuan);
        t.pv_lcoe_yuan_per_kwh =
            (t.pv_discounted_kwh > 0.0).then(|| t.pv_discounted_cost_yuan / t.pv_discounted_kwh);
        t.storage_lcos_yuan_per_kwh = (t.storage_discounted_kwh > 0.0)
            .then(|| t.storage_discounted_cost_yuan / t.storage_discounted_kwh);
    }
}

fn add_flows(acc: &mut Vec<f64>, flows: &[f64]) {
    if acc.len() < flows.len() {
        acc.resize(flows.len(), 0.0);
    }
    for (a, f) in acc.iter_mut().zip(flows) {
        *a += f;
    }
}

/// Names of the components of an enterprise's payment, in [`payment_components`] order.
pub const PAYMENT_COMPONENTS: [&str; 9] = [
    "energy_yuan",
    "basic_yuan",
    "power_factor_yuan",
    "funds_yuan",
    "export_credit_yuan",
    "emc_payment_yuan",
    "compensation_yuan",
    "deviation_yuan",
    "shared_savings_yuan",
];

/// The components of an outcome's yearly payment [yuan]: energy, basic, power-factor
/// adjustment, funds, minus the export credit the enterprise keeps, EMC payments, annualized
/// compensation, market deviation, shared-savings payments. They sum to `cost_yuan`.
pub fn payment_components(o: &Outcome) -> [f64; 9] {
    if let Some(c) = o.components_yuan {
        return c;
    }
    let b = &o.bill;
    let mut out = [
        b.energy_yuan,
        b.basic_yuan,
        b.pf_adjust_yuan,
        b.funds_yuan,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ];
    // The parts beyond the grid charges, as the monthly account has them.
    for m in 0..b.months.len() {
        let a = o.month_account(m);
        out[4] -= a.export_credit_yuan - a.export_credit_to_investor_yuan;
        out[5] += a.emc_payment_yuan;
        out[6] += a.compensation_yuan;
        out[7] += a.deviation_yuan;
        out[8] += a.shared_savings_yuan;
    }
    out
}

/// A measure's saving on one pair of strategies, summed over the park.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureSaving {
    /// The measure (`tariff`, `market`, `pv`, `storage`).
    pub measure: &'static str,
    /// `alone` (against the baseline) or `step` (added to the cumulative stack).
    pub framing: &'static str,
    /// The strategy with the measure.
    pub strategy: String,
    /// The strategy without it.
    pub reference: String,
    /// Σ cost(reference) − cost(strategy) [yuan/yr].
    pub saving_yuan: f64,
    /// The saving over the reference's park cost [fraction].
    pub saving_fraction: f64,
    /// The saving by component of the payment, in [`PAYMENT_COMPONENTS`] order; sums to
    /// `saving_yuan` [yuan/yr].
    pub by_component_yuan: [f64; 9],
    /// Number of enterprises that pay more with the measure than without it.
    pub enterprises_losing: usize,
    /// The enterprises that lose most, worst first, with their loss (a negative saving)
    /// [yuan/yr]; at most three.
    pub worst: Vec<(String, f64)>,
}

/// The savings account: each measure's saving alone (its strategy against the baseline) and as
/// a step of the cumulative stack (tariff → +market → +pv → +storage), where the strategies
/// were simulated, split by payment component, with the enterprises that lose money under it.
pub fn savings_account(
    strategies: &[Strategy],
    enterprises: &[EnterpriseResult],
) -> Vec<MeasureSaving> {
    let names = ["tariff", "market", "pv", "storage"];
    let with = |flags: [bool; 4]| Strategy {
        tariff: flags[0],
        market: flags[1],
        pv: flags[2],
        storage: flags[3],
    };
    let mut pairs = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let mut alone = [false; 4];
        alone[i] = true;
        pairs.push((*name, "alone", with(alone), Strategy::default()));
    }
    for (i, name) in names.iter().enumerate() {
        let mut upto = [false; 4];
        for f in upto.iter_mut().take(i + 1) {
            *f = true;
        }
        let mut before = upto;
        before[i] = false;
        pairs.push((*name, "step", with(upto), with(before)));
    }
    let index = |s: Strategy| strategies.iter().position(|x| *x == s);
    let mut out = Vec::new();
    for (measure, framing, s, r) in pairs {
        let (Some(k), Some(kr)) = (index(s), index(r)) else {
            continue;
        };
        let mut by = [0.0; 9];
        let (mut saving, mut reference_cost) = (0.0, 0.0);
        let mut losses: Vec<(String, f64)> = Vec::new();
        for e in enterprises {
            let (o, or) = (&e.outcomes[k], &e.outcomes[kr]);
            let (c, cr) = (payment_components(o), payment_components(or));
            for j in 0..9 {
                by[j] += cr[j] - c[j];
            }
            let d = or.cost_yuan - o.cost_yuan;
            saving += d;
            reference_cost += or.cost_yuan;
            // Less than a cent is rounding, not a loss.
            if d < -0.005 {
                losses.push((e.name.clone(), d));
            }
        }
        losses.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        out.push(MeasureSaving {
            measure,
            framing,
            strategy: s.to_string(),
            reference: r.to_string(),
            saving_yuan: saving,
            saving_fraction: if reference_cost > 0.0 {
                saving / reference_cost
            } else {
                0.0
            },
            by_component_yuan: by,
            enterprises_losing: losses.len(),
            worst: losses.into_iter().take(3).collect(),
        });
    }
    out
}

/// The first number of a run's results that is not finite, described (enterprise, strategy,
/// field and value), or `None` when every number is finite. A NaN or an infinity comes from
/// an input far outside any plausible range (a price of 1e308, say); it must stop the run
/// rather than reach a file.
pub fn first_non_finite(enterprises: &[EnterpriseResult]) -> Option<String> {
    let bad = |x: f64| !x.is_finite();
    for e in enterprises {
        for o in &e.outcomes {
            let b = &o.bill;
            let mut fields: Vec<(&str, f64)> = vec![
                ("cost_yuan", o.cost_yuan),
                ("energy_yuan", b.energy_yuan),
                ("basic_yuan", b.basic_yuan),
                ("pf_adjust_yuan", b.pf_adjust_yuan),
                ("funds_yuan", b.funds_yuan),
                ("export_credit_yuan", b.export_credit_yuan),
                ("kwh_import", b.kwh_import),
                ("deviation_yuan", o.deviation_yuan),
                ("load_kwh", o.load_kwh),
            ];
            if let Some(p) = &o.pv {
                fields.extend([
                    ("pv_kwh", p.kwh),
                    ("emc_payment_yuan", p.emc_payment_yuan),
                    ("export_revenue_yuan", p.export_revenue_yuan),
                ]);
            }
            if let Some(s) = &o.storage {
                fields.extend([
                    ("storage_discharged_kwh", s.discharged_kwh),
                    ("storage_charging_cost_yuan", s.charging_cost_yuan),
                ]);
            }
            if let Some(m) = &o.money {
                fields.push(("npv_yuan", m.npv_yuan));
                fields.extend(
                    m.enterprise_flows_yuan
                        .iter()
                        .map(|x| ("cash_flow_yuan", *x)),
                );
                fields.extend(
                    m.investor_flows_yuan
                        .iter()
                        .map(|x| ("investor_cash_flow_yuan", *x)),
                );
            }
            if let Some((name, x)) = fields.into_iter().find(|(_, x)| bad(*x)) {
                return Some(format!(
                    "enterprise `{}`, strategy `{}`: {name} = {x}",
                    e.name, o.strategy
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_finite_number_anywhere_is_found_and_named() {
        let text = "[scenario]\nname = \"t\"\n[strategies]\nlist = [\"baseline\", \"pv\"]\n[claims]\ncost_reduction_strategy = \"pv\"\n[[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\nannual_kwh = 1e6\ntransformer_kva = 800\nroof_area_m2 = 2000\n";
        let plan = crate::scenario::load_str(text, std::path::Path::new("t.toml")).unwrap();
        let out = crate::park::run(&plan, &crate::park::RunOptions::default()).unwrap();
        let mut e = out.result.enterprises;
        assert_eq!(first_non_finite(&e), None);
        e[0].outcomes[1].pv.as_mut().unwrap().emc_payment_yuan = f64::NAN;
        let what = first_non_finite(&e).unwrap();
        assert!(
            what.contains("`a`")
                && what.contains("`pv`")
                && what.contains("emc_payment_yuan = NaN"),
            "{what}"
        );
        e[0].outcomes[0].bill.energy_yuan = f64::INFINITY;
        assert!(
            first_non_finite(&e)
                .unwrap()
                .contains("`baseline`: energy_yuan = inf")
        );
    }
}
