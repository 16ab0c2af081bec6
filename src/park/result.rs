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
}

/// Lifetime money of the strategy's investments (PV, storage) for the enterprise and, under
/// third-party ownership, the investor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MoneyOutcome {
    /// The enterprise's capital outlay [yuan].
    pub investment_yuan: f64,
    /// The enterprise's NPV over the project life [yuan].
    pub npv_yuan: f64,
    /// The enterprise's IRR [fraction/yr].
    pub irr: Option<f64>,
    /// The enterprise's simple payback [yr].
    pub payback_years: Option<f64>,
    /// The investor's capital outlay [yuan], under EMC or shared savings.
    pub investor_investment_yuan: Option<f64>,
    /// The investor's NPV [yuan].
    pub investor_npv_yuan: Option<f64>,
    /// The investor's IRR [fraction/yr].
    pub investor_irr: Option<f64>,
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
    /// What electricity costs the enterprise in the year [yuan]: grid charges − export credit it
    /// keeps + deviation + EMC payments + annualized compensation.
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
    /// Monthly totals of the grid bill by component: energy, basic, pf adjustment, funds,
    /// deviation [yuan].
    pub monthly_components_yuan: [[f64; 5]; 12],
}

/// One claim, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimCheck {
    /// Key (`cost_reduction_fraction`, `pv_saving_yuan_per_year`).
    pub key: String,
    /// What the claim says, in words.
    pub description: String,
    /// The strategy it is checked on.
    pub strategy: String,
    /// Claimed value.
    pub claimed: f64,
    /// Simulated value.
    pub simulated: f64,
    /// Whether the simulated value reaches the claim.
    pub holds: bool,
    /// The assumptions that drive it, in words.
    pub assumptions: Vec<String>,
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
}

/// Sum the enterprises' outcomes per strategy.
pub fn totals(strategies: &[Strategy], enterprises: &[EnterpriseResult]) -> Vec<StrategyTotals> {
    let mut out: Vec<StrategyTotals> = strategies
        .iter()
        .map(|s| StrategyTotals {
            strategy: s.to_string(),
            ..StrategyTotals::default()
        })
        .collect();
    for e in enterprises {
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
                let c = &mut t.monthly_components_yuan[m];
                c[0] += mb.energy_yuan;
                c[1] += mb.basic_yuan;
                c[2] += mb.pf_adjust_yuan;
                c[3] += mb.funds_yuan;
            }
            // Deviation is settled yearly here; spread it evenly for the monthly chart.
            for c in &mut t.monthly_components_yuan {
                c[4] += o.deviation_yuan / 12.0;
            }
        }
    }
    let base = out.first().map_or(0.0, |t| t.bill_yuan);
    for t in &mut out {
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
    out
}

fn add_flows(acc: &mut Vec<f64>, flows: &[f64]) {
    if acc.len() < flows.len() {
        acc.resize(flows.len(), 0.0);
    }
    for (a, f) in acc.iter_mut().zip(flows) {
        *a += f;
    }
}
