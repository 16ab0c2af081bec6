//! Yearly cash flows of a PV or storage project over its life, for the enterprise and (under
//! third-party ownership) the investor.
//!
//! Later years are scaled from the first simulated year: the energy of year `t` is the first
//! year's times the degradation factor of year `t`, and money is escalated per year. Scaling
//! self-consumed and exported PV energy by the same factor is an approximation: as the array
//! degrades a slightly larger share of its output is used on site. Scenarios that need more can
//! re-simulate chosen years: the `*_by_year` functions take each year's figures in real terms
//! (before escalation), however they were obtained (a tariff that changes during the life,
//! re-simulated years interpolated by [`super::interpolate::piecewise_linear`]).
//!
//! # References
//! W. Short, D. J. Packey and T. Holt, "A Manual for the Economic Evaluation of Energy Efficiency
//! and Renewable Energy Technologies," NREL/TP-462-5173, NREL, 1995. <https://doi.org/10.2172/35391>
//!
//! P. Gilman et al., "SAM Photovoltaic Model Technical Reference Update," NREL/TP-6A20-67399,
//! 2018 (degradation applied to annual energy). <https://doi.org/10.2172/1429291>

use super::metrics;

/// Money conditions shared by all projects of a study.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyParams {
    /// Discount rate [fraction/yr].
    pub discount_rate_fraction: f64,
    /// Yearly change of the prices the enterprise buys at [fraction/yr].
    pub buy_escalation_fraction: f64,
    /// Yearly change of export prices [fraction/yr].
    pub sell_escalation_fraction: f64,
    /// Yearly change of O&M costs [fraction/yr].
    pub om_escalation_fraction: f64,
    /// Taxes, when they enter the cash flows.
    pub taxes: Option<TaxParams>,
}

/// VAT and income tax of the project owner.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxParams {
    /// VAT rate; revenues and capital costs are VAT-inclusive [fraction].
    pub vat_fraction: f64,
    /// Income tax rate [fraction].
    pub income_tax_fraction: f64,
    /// Straight-line depreciation period of the capital cost net of VAT [yr].
    pub depreciation_years: u32,
}

/// Who owns a PV array.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PvOwnership {
    /// The enterprise invests and keeps all savings and export revenue.
    SelfOwned,
    /// An investor owns the array (合同能源管理, EMC) and sells the energy used on site.
    Emc(EmcPrice),
}

/// What the enterprise pays the EMC investor per kWh of PV used on site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EmcPrice {
    /// A discount off the energy price the PV displaces, hour by hour (0.15 = 8.5折) [fraction].
    DiscountOffTariff(f64),
    /// A fixed price [yuan/kWh], escalated with the buy prices.
    Fixed(f64),
}

/// First-year results of a PV array and its costs.
#[derive(Debug, Clone, PartialEq)]
pub struct PvProject {
    /// DC size [kW].
    pub dc_kw: f64,
    /// Project life [yr].
    pub life_years: u32,
    /// Capital cost [yuan].
    pub capex_yuan: f64,
    /// One-off subsidy in year 0 [yuan].
    pub subsidy_yuan: f64,
    /// O&M in year 1 [yuan].
    pub om_yuan_per_year: f64,
    /// Inverter replacement: (project year, cost [yuan]); year 0 = none.
    pub inverter_replacement: (u32, f64),
    /// PV energy used on site in year 1 [kWh].
    pub self_consumed_kwh: f64,
    /// PV energy exported in year 1 [kWh].
    pub exported_kwh: f64,
    /// Grid energy cost the on-site PV energy avoided in year 1 [yuan]: what it would have
    /// cost at the prices of its hours.
    pub avoided_energy_yuan: f64,
    /// Further grid cost avoided in year 1, e.g. a lower demand charge [yuan].
    pub avoided_other_yuan: f64,
    /// Export revenue in year 1 [yuan].
    pub export_revenue_yuan: f64,
    /// Output loss in year 2 relative to year 1 [fraction].
    pub degradation_first_year_fraction: f64,
    /// Output loss per year after year 2 [fraction/yr].
    pub degradation_annual_fraction: f64,
}

/// Yearly cash flows of one party, year 0 first [yuan].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CashFlows {
    /// Net cash flow per year.
    pub net_yuan: Vec<f64>,
    /// The same flows by item (the pro forma); each year's items sum to its net flow.
    pub items: FlowItems,
}

/// One party's yearly cash flows by item, year 0 first, signed as they reach the party
/// (+ income, − outlay) [yuan]. Each year's items sum to its net flow.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowItems {
    /// Capital outlay net of subsidy (year 0), negative [yuan].
    pub capex_yuan: Vec<f64>,
    /// Replacements (inverters, battery cells), negative [yuan].
    pub replacement_yuan: Vec<f64>,
    /// Operation and maintenance, negative [yuan].
    pub om_yuan: Vec<f64>,
    /// Electricity bill saving (avoided grid cost) [yuan].
    pub bill_saving_yuan: Vec<f64>,
    /// EMC or shared-savings payments: negative for the enterprise that pays, positive for the
    /// investor that receives [yuan].
    pub payments_yuan: Vec<f64>,
    /// Revenue of exported PV energy [yuan].
    pub export_revenue_yuan: Vec<f64>,
    /// VAT and income tax paid, negative [yuan] (zero unless taxes are configured).
    pub tax_yuan: Vec<f64>,
}

impl FlowItems {
    /// Items of `n` years (year 0 included), all zero.
    pub fn zeros(n: usize) -> Self {
        let z = vec![0.0; n];
        FlowItems {
            capex_yuan: z.clone(),
            replacement_yuan: z.clone(),
            om_yuan: z.clone(),
            bill_saving_yuan: z.clone(),
            payments_yuan: z.clone(),
            export_revenue_yuan: z.clone(),
            tax_yuan: z,
        }
    }

    /// The items in column order: capex, replacement, O&M, bill saving, payments, export
    /// revenue, tax.
    pub fn columns(&self) -> [&Vec<f64>; 7] {
        [
            &self.capex_yuan,
            &self.replacement_yuan,
            &self.om_yuan,
            &self.bill_saving_yuan,
            &self.payments_yuan,
            &self.export_revenue_yuan,
            &self.tax_yuan,
        ]
    }

    fn columns_mut(&mut self) -> [&mut Vec<f64>; 7] {
        [
            &mut self.capex_yuan,
            &mut self.replacement_yuan,
            &mut self.om_yuan,
            &mut self.bill_saving_yuan,
            &mut self.payments_yuan,
            &mut self.export_revenue_yuan,
            &mut self.tax_yuan,
        ]
    }

    /// Number of years, year 0 included.
    pub fn len(&self) -> usize {
        self.capex_yuan.len()
    }

    /// Whether there are no years.
    pub fn is_empty(&self) -> bool {
        self.capex_yuan.is_empty()
    }

    /// The net flow of year `t`: the sum of its items [yuan].
    pub fn net(&self, t: usize) -> f64 {
        self.columns()
            .iter()
            .map(|c| c.get(t).copied().unwrap_or(0.0))
            .sum()
    }

    /// Add `other` item by item, year by year (the longer life sets the length).
    pub fn add(&mut self, other: &FlowItems) {
        for (a, b) in self.columns_mut().into_iter().zip(other.columns()) {
            if a.len() < b.len() {
                a.resize(b.len(), 0.0);
            }
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

/// Metrics of one party's cash flows.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// Net present value [yuan].
    pub npv_yuan: f64,
    /// Internal rate of return [fraction/yr] ([`metrics::irr_or_reason`]); `None` when no real
    /// rate exists.
    pub irr: Option<f64>,
    /// Why there is no IRR, or which root was taken when the flows change sign more than once;
    /// empty for an ordinary investment.
    pub irr_note: String,
    /// Simple payback [yr].
    pub payback_years: Option<f64>,
    /// Discounted payback [yr].
    pub discounted_payback_years: Option<f64>,
}

impl CashFlows {
    /// NPV, IRR and paybacks at a discount rate.
    pub fn metrics(&self, rate: f64) -> Metrics {
        Metrics {
            npv_yuan: metrics::npv(rate, &self.net_yuan),
            irr: metrics::irr(&self.net_yuan),
            irr_note: metrics::irr_note(&self.net_yuan),
            payback_years: metrics::simple_payback_years(&self.net_yuan),
            discounted_payback_years: metrics::discounted_payback_years(rate, &self.net_yuan),
        }
    }
}

/// PV output of operating year `t` (1-based) relative to year 1: 1 in year 1, `(1 - d1)` in
/// year 2, then `(1 - d1)(1 - da)^(t - 2)`.
///
/// # Notes
/// The two-rate curve that Chinese module warranties quote (e.g. 2 % in year 1, then 0.55 %/yr).
/// PVWatts applies a single rate: pass `first_fraction = annual_fraction`.
///
/// # References
/// D. C. Jordan and S. R. Kurtz, "Photovoltaic degradation rates — an analytical review,"
/// *Progress in Photovoltaics*, vol. 21, no. 1, pp. 12-29, 2013. <https://doi.org/10.1002/pip.1182>
pub fn degradation_factor(t: u32, first_fraction: f64, annual_fraction: f64) -> f64 {
    match t {
        0 | 1 => 1.0,
        _ => (1.0 - first_fraction) * (1.0 - annual_fraction).powi(t as i32 - 2),
    }
}

/// The PV project's cash flows for the enterprise and, under EMC, for the investor.
#[derive(Debug, Clone, PartialEq)]
pub struct PvCashFlows {
    /// The enterprise (under EMC: its saving net of what it pays the investor).
    pub enterprise: CashFlows,
    /// The investor (empty when self-owned).
    pub investor: Option<CashFlows>,
    /// PV energy per year (self-consumed + exported), year 0 = 0 [kWh].
    pub energy_kwh: Vec<f64>,
    /// Owner's costs per year (capital in year 0, O&M, replacements) [yuan].
    pub owner_costs_yuan: Vec<f64>,
    /// Payments of the enterprise to the investor per year (EMC) [yuan].
    pub emc_payments_yuan: Vec<f64>,
}

impl PvCashFlows {
    /// Levelized cost of the PV energy for its owner [yuan/kWh].
    pub fn lcoe_yuan_per_kwh(&self, rate: f64) -> Option<f64> {
        metrics::levelized_cost(rate, &self.owner_costs_yuan, &self.energy_kwh)
    }
}

/// What a PV project brings in one project year, in real terms (before escalation).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PvYear {
    /// PV energy used on site [kWh].
    pub self_consumed_kwh: f64,
    /// PV energy exported [kWh].
    pub exported_kwh: f64,
    /// Grid energy cost the on-site PV energy avoided [yuan].
    pub avoided_energy_yuan: f64,
    /// Further grid cost avoided, e.g. a lower demand charge [yuan].
    pub avoided_other_yuan: f64,
    /// Export revenue [yuan].
    pub export_revenue_yuan: f64,
}

impl PvYear {
    /// The first-year figures of a project.
    pub fn first_of(p: &PvProject) -> Self {
        PvYear {
            self_consumed_kwh: p.self_consumed_kwh,
            exported_kwh: p.exported_kwh,
            avoided_energy_yuan: p.avoided_energy_yuan,
            avoided_other_yuan: p.avoided_other_yuan,
            export_revenue_yuan: p.export_revenue_yuan,
        }
    }

    /// Every figure times `k`.
    pub fn scaled(&self, k: f64) -> Self {
        PvYear {
            self_consumed_kwh: self.self_consumed_kwh * k,
            exported_kwh: self.exported_kwh * k,
            avoided_energy_yuan: self.avoided_energy_yuan * k,
            avoided_other_yuan: self.avoided_other_yuan * k,
            export_revenue_yuan: self.export_revenue_yuan * k,
        }
    }

    /// The figures as an array, in field order (for interpolation).
    pub fn to_array(&self) -> [f64; 5] {
        [
            self.self_consumed_kwh,
            self.exported_kwh,
            self.avoided_energy_yuan,
            self.avoided_other_yuan,
            self.export_revenue_yuan,
        ]
    }

    /// The inverse of [`PvYear::to_array`].
    pub fn from_array(a: [f64; 5]) -> Self {
        PvYear {
            self_consumed_kwh: a[0],
            exported_kwh: a[1],
            avoided_energy_yuan: a[2],
            avoided_other_yuan: a[3],
            export_revenue_yuan: a[4],
        }
    }
}

/// Cash flows of a PV project under an ownership model, later years scaled from the first.
///
/// # Notes
/// The figures of year `t` are the first year's times the degradation factor `k_t`
/// ([`degradation_factor`]); then as [`pv_cash_flows_by_year`].
pub fn pv_cash_flows(p: &PvProject, own: PvOwnership, m: &MoneyParams) -> PvCashFlows {
    let first = PvYear::first_of(p);
    let years: Vec<PvYear> = (1..=p.life_years)
        .map(|t| {
            first.scaled(degradation_factor(
                t,
                p.degradation_first_year_fraction,
                p.degradation_annual_fraction,
            ))
        })
        .collect();
    pv_cash_flows_by_year(p, &years, own, m)
}

/// Cash flows of a PV project under an ownership model, from each year's figures.
///
/// # Arguments
/// * `p` - the project: size, life and costs (its first-year figures are not read)
/// * `years` - the figures of project years 1, 2, … in real terms; a year beyond the list takes
///   the last one
///
/// # Notes
/// Per year `t` (1..=life), with `g_b`, `g_s`, `g_o` the buy, sell and O&M escalation and
/// `y_t` the year's figures:
/// * avoided cost `A_t = (avoided_energy_t + avoided_other_t)·(1+g_b)^(t-1)`,
///   export revenue `X_t = export_revenue_t·(1+g_s)^(t-1)`,
///   O&M `M_t = om·(1+g_o)^(t-1)` plus the inverter replacement in its year;
/// * self-owned: enterprise `= A_t + X_t − M_t`, year 0 `= −capex + subsidy`;
/// * EMC: payment `P_t = (1−d)·avoided_energy_t·(1+g_b)^(t-1)` (discount `d`) or
///   `p·self_consumed_t·(1+g_b)^(t-1)` (fixed price `p`); enterprise `= A_t − P_t`; investor
///   `= P_t + X_t − M_t`, year 0 `= −capex + subsidy`. So enterprise + investor = `A_t + X_t − M_t`:
///   nothing is created or lost by the contract.
///
/// Taxes, when given, apply to the owner's flows (see [`apply_taxes`]).
///
/// # References
/// W. Short, D. J. Packey and T. Holt, NREL/TP-462-5173, 1995, ch. 4 (cash flows in current
/// money with escalation).
pub fn pv_cash_flows_by_year(
    p: &PvProject,
    years: &[PvYear],
    own: PvOwnership,
    m: &MoneyParams,
) -> PvCashFlows {
    let n = p.life_years as usize + 1;
    let mut avoided = vec![0.0; n];
    let mut export = vec![0.0; n];
    let mut om = vec![0.0; n];
    let mut repl = vec![0.0; n];
    let mut energy = vec![0.0; n];
    let mut payment = vec![0.0; n];
    for t in 1..n {
        let ty = t as u32;
        let y = years
            .get(t - 1)
            .or_else(|| years.last())
            .copied()
            .unwrap_or_default();
        let buy = (1.0 + m.buy_escalation_fraction).powi(t as i32 - 1);
        let sell = (1.0 + m.sell_escalation_fraction).powi(t as i32 - 1);
        avoided[t] = (y.avoided_energy_yuan + y.avoided_other_yuan) * buy;
        export[t] = y.export_revenue_yuan * sell;
        om[t] = p.om_yuan_per_year * (1.0 + m.om_escalation_fraction).powi(t as i32 - 1);
        if p.inverter_replacement.0 == ty {
            repl[t] += p.inverter_replacement.1;
        }
        energy[t] = y.self_consumed_kwh + y.exported_kwh;
        payment[t] = match own {
            PvOwnership::SelfOwned => 0.0,
            PvOwnership::Emc(EmcPrice::DiscountOffTariff(d)) => {
                (1.0 - d) * y.avoided_energy_yuan * buy
            }
            PvOwnership::Emc(EmcPrice::Fixed(price)) => price * y.self_consumed_kwh * buy,
        };
    }
    let mut costs: Vec<f64> = om.iter().zip(&repl).map(|(a, b)| a + b).collect();
    costs[0] = p.capex_yuan - p.subsidy_yuan;
    let zero = vec![0.0; n];
    let owner = match own {
        PvOwnership::SelfOwned => owner_flows(
            (p.capex_yuan, p.subsidy_yuan),
            (&avoided, &zero, &export),
            (&om, &repl),
            m,
        ),
        PvOwnership::Emc(_) => owner_flows(
            (p.capex_yuan, p.subsidy_yuan),
            (&zero, &payment, &export),
            (&om, &repl),
            m,
        ),
    };
    match own {
        PvOwnership::SelfOwned => PvCashFlows {
            enterprise: owner,
            investor: None,
            energy_kwh: energy,
            owner_costs_yuan: costs,
            emc_payments_yuan: payment,
        },
        PvOwnership::Emc(_) => PvCashFlows {
            enterprise: CashFlows {
                net_yuan: (0..n).map(|t| avoided[t] - payment[t]).collect(),
                items: FlowItems {
                    bill_saving_yuan: avoided.clone(),
                    payments_yuan: payment.iter().map(|x| -x).collect(),
                    ..FlowItems::zeros(n)
                },
            },
            investor: Some(owner),
            energy_kwh: energy,
            owner_costs_yuan: costs,
            emc_payments_yuan: payment,
        },
    }
}

/// Owner's flows: year 0 `−capex + subsidy`, then revenue (bill saving + payments received +
/// export revenue) − O&M − replacements, with taxes when configured; with the items.
fn owner_flows(
    (capex, subsidy): (f64, f64),
    (saving, payments, export): (&[f64], &[f64], &[f64]),
    (om, repl): (&[f64], &[f64]),
    m: &MoneyParams,
) -> CashFlows {
    let n = saving.len();
    let revenue: Vec<f64> = (0..n)
        .map(|t| saving[t] + payments[t] + export[t])
        .collect();
    let costs: Vec<f64> = (0..n).map(|t| om[t] + repl[t]).collect();
    let mut net: Vec<f64> = revenue.iter().zip(&costs).map(|(r, c)| r - c).collect();
    net[0] = -capex + subsidy;
    let before = net.clone();
    if let Some(tax) = &m.taxes {
        apply_taxes(&mut net, capex, &revenue, &costs, tax);
    }
    let mut items = FlowItems::zeros(n);
    items.capex_yuan[0] = -capex + subsidy;
    for t in 1..n {
        items.replacement_yuan[t] = -repl[t];
        items.om_yuan[t] = -om[t];
        items.bill_saving_yuan[t] = saving[t];
        items.payments_yuan[t] = payments[t];
        items.export_revenue_yuan[t] = export[t];
        items.tax_yuan[t] = net[t] - before[t];
    }
    CashFlows {
        net_yuan: net,
        items,
    }
}

/// Subtract VAT and income tax from an owner's net flows.
///
/// # Notes
/// Revenues and the capital cost are VAT-inclusive. Output VAT of year `t` is
/// `revenue_t·v/(1+v)`; the input VAT of the capital cost, `capex·v/(1+v)`, is credited against
/// it until used up (留抵), so VAT paid is `max(0, output − remaining credit)`. Taxable income is
/// `revenue_t/(1+v) − O&M_t − depreciation_t`, with straight-line depreciation of
/// `capex/(1+v)` over `depreciation_years`; losses are carried forward (China allows five years;
/// here without expiry, a simplification) and income tax is `rate·max(0, taxable − losses)`.
/// O&M is taken as VAT-free, a simplification.
pub fn apply_taxes(net: &mut [f64], capex: f64, revenue: &[f64], om: &[f64], tax: &TaxParams) {
    let v = tax.vat_fraction;
    let mut credit = capex * v / (1.0 + v);
    let dep = capex / (1.0 + v) / f64::from(tax.depreciation_years.max(1));
    let mut losses = 0.0;
    for t in 1..net.len() {
        let out_vat = revenue[t] * v / (1.0 + v);
        let used = credit.min(out_vat);
        credit -= used;
        let vat_paid = out_vat - used;
        let d = if t as u32 <= tax.depreciation_years {
            dep
        } else {
            0.0
        };
        let mut taxable = revenue[t] / (1.0 + v) - om[t] - d;
        if taxable < 0.0 {
            losses -= taxable;
            taxable = 0.0;
        } else {
            let offset = losses.min(taxable);
            losses -= offset;
            taxable -= offset;
        }
        net[t] -= vat_paid + tax.income_tax_fraction * taxable;
    }
}

/// Who owns a battery.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StorageOwnership {
    /// The enterprise invests and keeps the saving.
    SelfOwned,
    /// An investor owns it and shares the saving (收益分成): the enterprise keeps this share
    /// [fraction].
    SharedSavings(f64),
}

/// First-year results of a battery and its costs.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageProject {
    /// Project life [yr].
    pub life_years: u32,
    /// Capital cost [yuan].
    pub capex_yuan: f64,
    /// O&M in year 1 [yuan].
    pub om_yuan_per_year: f64,
    /// Bill saving in year 1 (energy arbitrage + demand charge, net of charging cost) [yuan].
    pub saving_yuan: f64,
    /// Energy discharged in year 1 [kWh].
    pub discharged_kwh: f64,
    /// Cost of the energy charged in year 1 [yuan] (for LCOS).
    pub charging_cost_yuan: f64,
    /// Saving in year `t` relative to year 1 (capacity fade), index 0 = year 1 [fraction].
    pub capacity_factor_by_year: Vec<f64>,
    /// Years in which the battery is replaced, with the cost [yuan].
    pub replacements: Vec<(u32, f64)>,
}

/// Storage cash flows.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageCashFlows {
    /// The enterprise.
    pub enterprise: CashFlows,
    /// The investor under shared savings.
    pub investor: Option<CashFlows>,
    /// Levelized cost of storage for the owner [yuan/kWh discharged].
    pub lcos_yuan_per_kwh: Option<f64>,
    /// Owner's costs per year (capital in year 0, O&M, replacements, charging) [yuan].
    pub owner_costs_yuan: Vec<f64>,
    /// Energy discharged per year, year 0 = 0 [kWh].
    pub discharged_kwh: Vec<f64>,
    /// Cost of the energy charged per year, escalated like the saving, year 0 = 0 [yuan]:
    /// already inside the bill saving, counted apart for the LCOS.
    pub charging_cost_yuan: Vec<f64>,
}

/// What a battery brings in one project year, in real terms (before escalation).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StorageYear {
    /// Bill saving (energy arbitrage + demand charge, net of charging cost) [yuan].
    pub saving_yuan: f64,
    /// Energy discharged [kWh].
    pub discharged_kwh: f64,
    /// Cost of the energy charged [yuan] (for LCOS).
    pub charging_cost_yuan: f64,
}

impl StorageYear {
    /// The figures as an array, in field order (for interpolation).
    pub fn to_array(&self) -> [f64; 3] {
        [
            self.saving_yuan,
            self.discharged_kwh,
            self.charging_cost_yuan,
        ]
    }

    /// The inverse of [`StorageYear::to_array`].
    pub fn from_array(a: [f64; 3]) -> Self {
        StorageYear {
            saving_yuan: a[0],
            discharged_kwh: a[1],
            charging_cost_yuan: a[2],
        }
    }
}

/// Cash flows of a battery under an ownership model, later years scaled from the first.
///
/// # Notes
/// The figures of year `t` are the first year's times the capacity factor of year `t`
/// (`capacity_factor_by_year`, the last one beyond the list); then as
/// [`storage_cash_flows_by_year`].
pub fn storage_cash_flows(
    p: &StorageProject,
    own: StorageOwnership,
    m: &MoneyParams,
) -> StorageCashFlows {
    let years: Vec<StorageYear> = (1..=p.life_years as usize)
        .map(|t| {
            let cf = p
                .capacity_factor_by_year
                .get(t - 1)
                .copied()
                .unwrap_or_else(|| p.capacity_factor_by_year.last().copied().unwrap_or(1.0));
            StorageYear {
                saving_yuan: p.saving_yuan * cf,
                discharged_kwh: p.discharged_kwh * cf,
                charging_cost_yuan: p.charging_cost_yuan * cf,
            }
        })
        .collect();
    storage_cash_flows_by_year(p, &years, own, m)
}

/// Cash flows of a battery under an ownership model, from each year's figures.
///
/// # Arguments
/// * `p` - the project: life and costs (its first-year figures and capacity factors are not read)
/// * `years` - the figures of project years 1, 2, … in real terms; a year beyond the list takes
///   the last one
///
/// # Notes
/// Saving of year `t` = `saving_t·(1+g_b)^(t-1)`; O&M escalates with `g_o`; replacement costs
/// fall in their years. LCOS = discounted (capital + O&M + replacements + charging cost) /
/// discounted discharged energy, charging cost escalated like the saving.
///
/// # References
/// W. Short, D. J. Packey and T. Holt, NREL/TP-462-5173, 1995, §4.2 (levelized cost).
pub fn storage_cash_flows_by_year(
    p: &StorageProject,
    years: &[StorageYear],
    own: StorageOwnership,
    m: &MoneyParams,
) -> StorageCashFlows {
    let n = p.life_years as usize + 1;
    let mut saving = vec![0.0; n];
    let mut om = vec![0.0; n];
    let mut repl = vec![0.0; n];
    let mut discharged = vec![0.0; n];
    let mut charging = vec![0.0; n];
    for t in 1..n {
        let y = years
            .get(t - 1)
            .or_else(|| years.last())
            .copied()
            .unwrap_or_default();
        let buy = (1.0 + m.buy_escalation_fraction).powi(t as i32 - 1);
        saving[t] = y.saving_yuan * buy;
        om[t] = p.om_yuan_per_year * (1.0 + m.om_escalation_fraction).powi(t as i32 - 1);
        for &(yr, c) in &p.replacements {
            if yr as usize == t {
                repl[t] += c;
            }
        }
        discharged[t] = y.discharged_kwh;
        charging[t] = y.charging_cost_yuan * buy;
    }
    let mut costs: Vec<f64> = (0..n).map(|t| om[t] + repl[t] + charging[t]).collect();
    costs[0] = p.capex_yuan;
    let zero = vec![0.0; n];
    let lcos = metrics::levelized_cost(m.discount_rate_fraction, &costs, &discharged);
    match own {
        StorageOwnership::SelfOwned => StorageCashFlows {
            enterprise: owner_flows(
                (p.capex_yuan, 0.0),
                (&saving, &zero, &zero),
                (&om, &repl),
                m,
            ),
            investor: None,
            lcos_yuan_per_kwh: lcos,
            owner_costs_yuan: costs,
            discharged_kwh: discharged,
            charging_cost_yuan: charging,
        },
        StorageOwnership::SharedSavings(share) => {
            let inv_rev: Vec<f64> = saving.iter().map(|s| s * (1.0 - share)).collect();
            StorageCashFlows {
                enterprise: CashFlows {
                    net_yuan: saving.iter().map(|s| s * share).collect(),
                    items: FlowItems {
                        bill_saving_yuan: saving.clone(),
                        payments_yuan: inv_rev.iter().map(|x| -x).collect(),
                        ..FlowItems::zeros(n)
                    },
                },
                investor: Some(owner_flows(
                    (p.capex_yuan, 0.0),
                    (&zero, &inv_rev, &zero),
                    (&om, &repl),
                    m,
                )),
                lcos_yuan_per_kwh: lcos,
                owner_costs_yuan: costs,
                discharged_kwh: discharged,
                charging_cost_yuan: charging,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn money() -> MoneyParams {
        MoneyParams {
            discount_rate_fraction: 0.06,
            buy_escalation_fraction: 0.01,
            sell_escalation_fraction: 0.0,
            om_escalation_fraction: 0.02,
            taxes: None,
        }
    }

    fn project() -> PvProject {
        PvProject {
            dc_kw: 1000.0,
            life_years: 25,
            capex_yuan: 2.8e6,
            subsidy_yuan: 0.0,
            om_yuan_per_year: 35_000.0,
            inverter_replacement: (13, 150_000.0),
            self_consumed_kwh: 800_000.0,
            exported_kwh: 200_000.0,
            avoided_energy_yuan: 480_000.0,
            avoided_other_yuan: 10_000.0,
            export_revenue_yuan: 90_000.0,
            degradation_first_year_fraction: 0.02,
            degradation_annual_fraction: 0.0055,
        }
    }

    #[test]
    fn degradation_follows_the_stated_curve() {
        assert_relative_eq!(degradation_factor(1, 0.02, 0.005), 1.0);
        assert_relative_eq!(degradation_factor(2, 0.02, 0.005), 0.98);
        assert_relative_eq!(degradation_factor(4, 0.02, 0.005), 0.98 * 0.995 * 0.995);
    }

    #[test]
    fn self_owned_year_one_by_hand() {
        let cf = pv_cash_flows(&project(), PvOwnership::SelfOwned, &money());
        let e = &cf.enterprise.net_yuan;
        assert_eq!(e.len(), 26);
        assert_relative_eq!(e[0], -2.8e6);
        // 480,000 + 10,000 + 90,000 - 35,000
        assert_relative_eq!(e[1], 545_000.0, max_relative = 1e-12);
        // Year 13: inverter replacement.
        let k13 = degradation_factor(13, 0.02, 0.0055);
        let y13 = 490_000.0 * k13 * 1.01f64.powi(12) + 90_000.0 * k13
            - 35_000.0 * 1.02f64.powi(12)
            - 150_000.0;
        assert_relative_eq!(e[13], y13, max_relative = 1e-12);
        assert!(cf.investor.is_none());
    }

    #[test]
    fn emc_year_one_by_hand() {
        let own = PvOwnership::Emc(EmcPrice::DiscountOffTariff(0.15));
        let cf = pv_cash_flows(&project(), own, &money());
        // Enterprise: avoided 490,000 - pays 0.85 x 480,000 = 408,000 -> 82,000.
        assert_relative_eq!(cf.enterprise.net_yuan[1], 82_000.0, max_relative = 1e-12);
        assert_relative_eq!(cf.enterprise.net_yuan[0], 0.0);
        let inv = cf.investor.as_ref().unwrap();
        // Investor: 408,000 + 90,000 - 35,000 = 463,000.
        assert_relative_eq!(inv.net_yuan[1], 463_000.0, max_relative = 1e-12);
        assert_relative_eq!(inv.net_yuan[0], -2.8e6);
        let m = inv.metrics(0.06);
        assert!(m.irr.is_some_and(|r| r > 0.1 && r < 0.2), "{m:?}");
    }

    proptest::proptest! {
        /// EMC: enterprise saving + investor revenue = avoided grid cost + export revenue, every
        /// year, for any contract terms; nothing is created or lost.
        #[test]
        fn emc_conserves_money(
            discount in 0.0f64..0.5,
            fixed in 0.1f64..1.0,
            use_fixed in proptest::bool::ANY,
            avoided in 0.0f64..1e7,
            other in 0.0f64..1e5,
            export in 0.0f64..1e6,
            self_kwh in 0.0f64..2e7,
            buy_esc in -0.05f64..0.05,
        ) {
            let p = PvProject {
                avoided_energy_yuan: avoided,
                avoided_other_yuan: other,
                export_revenue_yuan: export,
                self_consumed_kwh: self_kwh,
                ..project()
            };
            let price = if use_fixed { EmcPrice::Fixed(fixed) } else { EmcPrice::DiscountOffTariff(discount) };
            let m = MoneyParams { buy_escalation_fraction: buy_esc, ..money() };
            let own = pv_cash_flows(&p, PvOwnership::SelfOwned, &m);
            let emc = pv_cash_flows(&p, PvOwnership::Emc(price), &m);
            let inv = emc.investor.unwrap();
            for t in 0..own.enterprise.net_yuan.len() {
                let sum = emc.enterprise.net_yuan[t] + inv.net_yuan[t];
                let whole = own.enterprise.net_yuan[t];
                proptest::prop_assert!((sum - whole).abs() <= 1e-6 * (1.0 + whole.abs()),
                    "year {}: {} + {} != {}", t, emc.enterprise.net_yuan[t], inv.net_yuan[t], whole);
            }
        }
    }

    #[test]
    fn taxes_reduce_owner_npv_and_credit_input_vat() {
        let mut m = money();
        let plain = pv_cash_flows(&project(), PvOwnership::SelfOwned, &m);
        m.taxes = Some(TaxParams {
            vat_fraction: 0.13,
            income_tax_fraction: 0.25,
            depreciation_years: 20,
        });
        let taxed = pv_cash_flows(&project(), PvOwnership::SelfOwned, &m);
        // Year 1: output VAT 580,000 x 0.13/1.13 = 66,725.66 is below the input VAT credit of
        // 2.8e6 x 0.13/1.13 = 322,123.89, so no VAT is paid. Taxable income = 580,000/1.13
        // - 35,000 - 2.8e6/1.13/20 = 513,274.34 - 35,000 - 123,893.81 = 354,380.53; tax 25%
        // = 88,595.13.
        let expected = 545_000.0 - 0.25 * (580_000.0 / 1.13 - 35_000.0 - 2.8e6 / 1.13 / 20.0);
        assert_relative_eq!(taxed.enterprise.net_yuan[1], expected, max_relative = 1e-12);
        assert!(taxed.enterprise.metrics(0.06).npv_yuan < plain.enterprise.metrics(0.06).npv_yuan);
    }

    #[test]
    fn storage_shared_savings_split_and_lcos() {
        let p = StorageProject {
            life_years: 10,
            capex_yuan: 700_000.0,
            om_yuan_per_year: 14_000.0,
            saving_yuan: 150_000.0,
            discharged_kwh: 600_000.0,
            charging_cost_yuan: 170_000.0,
            capacity_factor_by_year: (0..10).map(|t| 1.0 - 0.02 * f64::from(t)).collect(),
            replacements: vec![],
        };
        let m = MoneyParams {
            buy_escalation_fraction: 0.0,
            ..money()
        };
        let own = storage_cash_flows(&p, StorageOwnership::SelfOwned, &m);
        assert_relative_eq!(own.enterprise.net_yuan[1], 136_000.0, max_relative = 1e-12);
        let shared = storage_cash_flows(&p, StorageOwnership::SharedSavings(0.2), &m);
        assert_relative_eq!(
            shared.enterprise.net_yuan[1],
            30_000.0,
            max_relative = 1e-12
        );
        assert_relative_eq!(
            shared.investor.as_ref().unwrap().net_yuan[1],
            120_000.0 - 14_000.0,
            max_relative = 1e-12
        );
        // By hand (Python): cf_t = 1 - 0.02 (t-1), d_t = 1.06^-t, t = 1..10;
        // costs 700,000 + Σ (14,000·1.02^(t-1) + 170,000·cf_t)·d_t = 1,962,328.865054;
        // energy Σ 600,000·cf_t·d_t = 4,060,824.374396 kWh.
        let lcos = own.lcos_yuan_per_kwh.unwrap();
        assert_relative_eq!(lcos, 0.483_234_113_109_337_7, max_relative = 1e-12);
    }

    #[test]
    fn by_year_with_scaled_years_equals_the_scaled_flows() {
        let p = project();
        let years: Vec<PvYear> = (1..=25)
            .map(|t| PvYear::first_of(&p).scaled(degradation_factor(t, 0.02, 0.0055)))
            .collect();
        let own = PvOwnership::Emc(EmcPrice::DiscountOffTariff(0.15));
        let a = pv_cash_flows(&p, own, &money());
        let b = pv_cash_flows_by_year(&p, &years, own, &money());
        for t in 0..26 {
            assert_relative_eq!(
                a.enterprise.net_yuan[t],
                b.enterprise.net_yuan[t],
                max_relative = 1e-12
            );
        }
    }

    #[test]
    fn by_year_uses_each_years_figures_with_escalation() {
        // Two tariffs: 100,000 yuan avoided in years 1-2, 150,000 from year 3 (the later
        // tariff's first-year figure), no degradation, buy escalation 1%/yr.
        let p = PvProject {
            life_years: 4,
            inverter_replacement: (0, 0.0),
            ..project()
        };
        let early = PvYear {
            avoided_energy_yuan: 100_000.0,
            ..PvYear::default()
        };
        let late = PvYear {
            avoided_energy_yuan: 150_000.0,
            ..PvYear::default()
        };
        let years = [early, early, late, late];
        let cf = pv_cash_flows_by_year(&p, &years, PvOwnership::SelfOwned, &money());
        let e = &cf.enterprise.net_yuan;
        assert_relative_eq!(
            e[2],
            100_000.0 * 1.01 - 35_000.0 * 1.02,
            max_relative = 1e-12
        );
        assert_relative_eq!(
            e[3],
            150_000.0 * 1.01f64.powi(2) - 35_000.0 * 1.02f64.powi(2),
            max_relative = 1e-12
        );
    }

    proptest::proptest! {
        /// EMC conservation holds year by year when the figures change during the life (a
        /// tariff switch at any year).
        #[test]
        fn emc_conserves_money_with_a_switch(
            switch in 1u32..30,
            a1 in 0.0f64..1e7, a2 in 0.0f64..1e7,
            x1 in 0.0f64..1e6, x2 in 0.0f64..1e6,
            discount in 0.0f64..0.5,
        ) {
            let p = project();
            let y1 = PvYear { avoided_energy_yuan: a1, export_revenue_yuan: x1, self_consumed_kwh: 8e5, ..PvYear::default() };
            let y2 = PvYear { avoided_energy_yuan: a2, export_revenue_yuan: x2, self_consumed_kwh: 7e5, ..PvYear::default() };
            let years: Vec<PvYear> = (1..=25).map(|t| if t >= switch { y2 } else { y1 }).collect();
            let own = pv_cash_flows_by_year(&p, &years, PvOwnership::SelfOwned, &money());
            let emc = pv_cash_flows_by_year(&p, &years, PvOwnership::Emc(EmcPrice::DiscountOffTariff(discount)), &money());
            let inv = emc.investor.unwrap();
            for t in 0..26 {
                let sum = emc.enterprise.net_yuan[t] + inv.net_yuan[t];
                let whole = own.enterprise.net_yuan[t];
                proptest::prop_assert!((sum - whole).abs() <= 1e-6 * (1.0 + whole.abs()));
            }
        }
    }

    #[test]
    fn storage_by_year_matches_capacity_factors() {
        let p = StorageProject {
            life_years: 3,
            capex_yuan: 100.0,
            om_yuan_per_year: 0.0,
            saving_yuan: 50.0,
            discharged_kwh: 200.0,
            charging_cost_yuan: 20.0,
            capacity_factor_by_year: vec![1.0, 0.9, 0.8],
            replacements: vec![],
        };
        let m = MoneyParams {
            discount_rate_fraction: 0.0,
            buy_escalation_fraction: 0.0,
            ..money()
        };
        let a = storage_cash_flows(&p, StorageOwnership::SelfOwned, &m);
        assert_eq!(a.enterprise.net_yuan.len(), 4);
        assert_relative_eq!(a.enterprise.net_yuan[3], 40.0, max_relative = 1e-12);
        // LCOS at 0%: (100 + 20 x 2.7) / (200 x 2.7).
        assert_relative_eq!(
            a.lcos_yuan_per_kwh.unwrap(),
            (100.0 + 54.0) / 540.0,
            max_relative = 1e-12
        );
        let years = [
            StorageYear {
                saving_yuan: 50.0,
                discharged_kwh: 200.0,
                charging_cost_yuan: 20.0,
            },
            StorageYear {
                saving_yuan: 70.0,
                discharged_kwh: 250.0,
                charging_cost_yuan: 30.0,
            },
        ];
        let b = storage_cash_flows_by_year(&p, &years, StorageOwnership::SelfOwned, &m);
        // Year 3 beyond the list takes the last year's figures.
        assert_relative_eq!(b.enterprise.net_yuan[3], 70.0, max_relative = 1e-12);
        assert_relative_eq!(
            b.lcos_yuan_per_kwh.unwrap(),
            (100.0 + 20.0 + 30.0 + 30.0) / 700.0,
            max_relative = 1e-12
        );
    }
}
