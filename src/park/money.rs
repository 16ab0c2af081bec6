//! Lifetime money of an enterprise's investments in a strategy, from its simulated first year.
//!
//! The saving a strategy's PV brings is measured against the same strategy without PV (e.g.
//! `tariff+market+pv` against `tariff+market`) when that strategy was simulated, else against
//! the baseline. Under EMC the enterprise invests nothing and its yearly saving is its cost
//! difference; the investor's flows come from [`crate::finance::pv_cash_flows`].

use super::result::{MoneyOutcome, Outcome};
use crate::finance::{
    self, EmcPrice, MoneyParams, PvOwnership, PvProject, StorageOwnership, StorageProject,
    TaxParams,
};
use crate::scenario::Plan;
use crate::strategy::Strategy;

/// Money parameters of a plan.
pub fn money_params(plan: &Plan) -> MoneyParams {
    let f = &plan.finance;
    MoneyParams {
        discount_rate_fraction: f.discount_rate_fraction,
        buy_escalation_fraction: f.buy_escalation_fraction,
        sell_escalation_fraction: f.sell_escalation_fraction,
        om_escalation_fraction: f.om_escalation_fraction,
        taxes: f.include_taxes.then_some(TaxParams {
            vat_fraction: f.vat_fraction,
            income_tax_fraction: f.income_tax_fraction,
            depreciation_years: f.depreciation_years,
        }),
    }
}

/// Fill the money of every outcome with PV or storage, in place.
///
/// A strategy's PV is valued on the saving it brings over the same strategy without PV (and
/// without storage, when the strategy has storage: `tariff+market+pv+storage` values its PV
/// against `tariff+market` and its storage against `tariff+market+pv`); the baseline stands in
/// when that strategy was not simulated. The enterprise's and the investor's flows of PV and
/// storage are summed.
pub fn fill(
    plan: &Plan,
    storage_data: &crate::storage::sizing::HunanDefaults,
    outcomes: &mut [Outcome],
) {
    let m = money_params(plan);
    let rate = m.discount_rate_fraction;
    let (d1, da) = crate::solar::chain::default_degradation();
    let costs: Vec<(Strategy, f64)> = outcomes.iter().map(|o| (o.strategy, o.cost_yuan)).collect();
    let basics: Vec<(Strategy, f64)> = outcomes
        .iter()
        .map(|o| (o.strategy, o.bill.basic_yuan))
        .collect();
    let cost_of = |s: Strategy| {
        costs
            .iter()
            .find(|(k, _)| *k == s)
            .or_else(|| costs.first())
            .map_or(0.0, |(_, c)| *c)
    };
    for o in outcomes.iter_mut() {
        let mut money = MoneyOutcome::default();
        let mut any = false;
        if let Some(pv) = &o.pv {
            let after = Strategy {
                storage: false,
                ..o.strategy
            };
            let before = Strategy { pv: false, ..after };
            let saving = cost_of(before) - cost_of(after);
            add(&mut money, pv_money(plan, &m, pv, saving, (d1, da)));
            any = true;
        }
        let mut shared_payment = 0.0;
        let basic_now = o.bill.basic_yuan;
        let (strategy, cost_now) = (o.strategy, o.cost_yuan);
        if let Some(st) = o.storage.as_mut() {
            let before = Strategy {
                storage: false,
                ..strategy
            };
            let saving = cost_of(before) - cost_now;
            let basic_before = basics
                .iter()
                .find(|(k, _)| *k == before)
                .map_or(basic_now, |(_, b)| *b);
            st.demand_saving_yuan = basic_before - basic_now;
            st.energy_saving_yuan = saving - st.demand_saving_yuan;
            let st = &*st;
            if plan.storage.ownership == "shared_savings" {
                // The investor keeps its share of the year's saving (收益分成).
                shared_payment = (1.0 - plan.storage.enterprise_share_fraction) * saving.max(0.0);
            }
            add(
                &mut money,
                storage_money(plan, storage_data, &m, st, saving),
            );
            any = true;
        }
        o.cost_yuan += shared_payment;
        if any {
            let ent = crate::finance::CashFlows {
                net_yuan: money.enterprise_flows_yuan.clone(),
            }
            .metrics(rate);
            money.npv_yuan = ent.npv_yuan;
            money.irr = ent.irr;
            money.payback_years = ent.payback_years.filter(|_| money.investment_yuan > 0.0);
            if !money.investor_flows_yuan.is_empty() {
                let inv = crate::finance::CashFlows {
                    net_yuan: money.investor_flows_yuan.clone(),
                }
                .metrics(rate);
                money.investor_npv_yuan = Some(inv.npv_yuan);
                money.investor_irr = inv.irr;
            }
            o.money = Some(money);
        }
    }
}

/// Money of one project (PV or storage) of one strategy.
struct Project {
    investment: f64,
    investor_investment: Option<f64>,
    enterprise: Vec<f64>,
    investor: Vec<f64>,
    lcoe: Option<f64>,
}

fn add(m: &mut MoneyOutcome, p: Project) {
    m.investment_yuan += p.investment;
    if let Some(i) = p.investor_investment {
        *m.investor_investment_yuan.get_or_insert(0.0) += i;
    }
    sum_into(&mut m.enterprise_flows_yuan, &p.enterprise);
    sum_into(&mut m.investor_flows_yuan, &p.investor);
    if p.lcoe.is_some() {
        m.pv_lcoe_yuan_per_kwh = p.lcoe;
    }
}

fn sum_into(acc: &mut Vec<f64>, f: &[f64]) {
    if acc.len() < f.len() {
        acc.resize(f.len(), 0.0);
    }
    for (a, x) in acc.iter_mut().zip(f) {
        *a += x;
    }
}

fn pv_money(
    plan: &Plan,
    m: &MoneyParams,
    pv: &crate::park::result::PvOutcome,
    saving: f64,
    (d1, da): (f64, f64),
) -> Project {
    let p = &plan.pv;
    let emc = p.ownership == "emc";
    // Under EMC, PV surplus stored by the battery is paid to the investor at the export price:
    // for the investor it is export revenue, for the enterprise part of its cost.
    let absorbed_yuan = pv.battery_absorbed_kwh * plan.tariff_model.export_yuan_per_kwh();
    let (avoided_total, export_revenue) = if emc {
        (
            saving + pv.emc_payment_yuan - absorbed_yuan,
            pv.export_revenue_yuan + absorbed_yuan,
        )
    } else {
        (saving - pv.export_revenue_yuan, pv.export_revenue_yuan)
    };
    let project = PvProject {
        dc_kw: pv.dc_kw,
        life_years: p.life_years,
        capex_yuan: pv.dc_kw * 1000.0 * p.capex_yuan_per_w,
        subsidy_yuan: pv.dc_kw * 1000.0 * plan.finance.subsidy_yuan_per_w,
        om_yuan_per_year: pv.dc_kw * 1000.0 * p.om_yuan_per_w_year,
        inverter_replacement: (
            plan.finance.inverter_replacement_year,
            pv.dc_kw * 1000.0 * plan.finance.inverter_replacement_yuan_per_w,
        ),
        self_consumed_kwh: pv.self_consumed_kwh,
        exported_kwh: pv.exported_kwh,
        avoided_energy_yuan: pv.avoided_energy_yuan,
        avoided_other_yuan: avoided_total - pv.avoided_energy_yuan,
        export_revenue_yuan: export_revenue,
        degradation_first_year_fraction: p.degradation_first_year_fraction.unwrap_or(d1),
        degradation_annual_fraction: p.degradation_annual_fraction.unwrap_or(da),
    };
    let own = if emc {
        PvOwnership::Emc(EmcPrice::DiscountOffTariff(p.emc_discount_fraction))
    } else {
        PvOwnership::SelfOwned
    };
    let cf = finance::pv_cash_flows(&project, own, m);
    let net_capex = project.capex_yuan - project.subsidy_yuan;
    Project {
        investment: if emc { 0.0 } else { net_capex },
        investor_investment: emc.then_some(net_capex),
        lcoe: cf.lcoe_yuan_per_kwh(m.discount_rate_fraction),
        enterprise: cf.enterprise.net_yuan,
        investor: cf.investor.map(|c| c.net_yuan).unwrap_or_default(),
    }
}

fn storage_money(
    plan: &Plan,
    data: &crate::storage::sizing::HunanDefaults,
    m: &MoneyParams,
    st: &crate::park::result::StorageOutcome,
    saving: f64,
) -> Project {
    let sp = super::storage::sizing_params(plan, data);
    let capex = sp.capex_per_kwh * st.kwh + sp.capex_per_kw * st.kw;
    let life = sp.life_years;
    let soh = sp.fade.map_or_else(
        || vec![1.0; life],
        |f| f.soh_by_year(st.discharged_kwh, st.usable_kwh, life),
    );
    let replacement = sp
        .fade
        .and_then(|f| f.replacement_year(st.discharged_kwh, st.usable_kwh, life));
    // After a replacement the new battery starts again at full health.
    let factors: Vec<f64> = match replacement {
        Some(r) => (0..life)
            .map(|y| if y + 1 >= r { soh[y + 1 - r] } else { soh[y] })
            .collect(),
        None => soh,
    };
    let project = StorageProject {
        life_years: life as u32,
        capex_yuan: capex,
        om_yuan_per_year: sp.om_fraction_per_year * capex,
        saving_yuan: saving,
        discharged_kwh: st.discharged_kwh,
        charging_cost_yuan: st.charging_cost_yuan,
        capacity_factor_by_year: factors,
        replacements: replacement
            .map(|r| vec![(r as u32, sp.capex_per_kwh * st.kwh)])
            .unwrap_or_default(),
    };
    let own = if plan.storage.ownership == "shared_savings" {
        StorageOwnership::SharedSavings(plan.storage.enterprise_share_fraction)
    } else {
        StorageOwnership::SelfOwned
    };
    let cf = finance::storage_cash_flows(&project, own, m);
    let shared = matches!(own, StorageOwnership::SharedSavings(_));
    Project {
        investment: if shared { 0.0 } else { capex },
        investor_investment: shared.then_some(capex),
        lcoe: None,
        enterprise: cf.enterprise.net_yuan,
        investor: cf.investor.map(|c| c.net_yuan).unwrap_or_default(),
    }
}
