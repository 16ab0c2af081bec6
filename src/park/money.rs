//! Lifetime money of an enterprise's investments in a strategy, from its simulated first year.
//!
//! The saving a strategy's PV brings is measured against the same strategy without PV (e.g.
//! `tariff+market+pv` against `tariff+market`) when that strategy was simulated, else against
//! the baseline. Under EMC the enterprise invests nothing and its yearly saving is its cost
//! difference; the investor's flows come from [`crate::finance::pv_cash_flows`].

use super::result::{MoneyOutcome, Outcome};
use crate::finance::{self, EmcPrice, MoneyParams, PvOwnership, PvProject, TaxParams};
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

/// Fill the money of every outcome with PV, in place.
pub fn fill(plan: &Plan, outcomes: &mut [Outcome]) {
    let m = money_params(plan);
    let (d1, da) = crate::solar::chain::default_degradation();
    let rate = m.discount_rate_fraction;
    let costs: Vec<(Strategy, f64)> = outcomes.iter().map(|o| (o.strategy, o.cost_yuan)).collect();
    let reference_cost = |s: Strategy| {
        let without = Strategy {
            pv: false,
            storage: false,
            ..s
        };
        costs
            .iter()
            .find(|(k, _)| *k == without)
            .or_else(|| costs.first())
            .map_or(0.0, |(_, c)| *c)
    };
    for o in outcomes.iter_mut() {
        let Some(pv) = &o.pv else { continue };
        if o.storage.is_some() {
            continue; // combined projects are valued with the storage model
        }
        let saving = reference_cost(o.strategy) - o.cost_yuan;
        let p = &plan.pv;
        let emc = p.ownership == "emc";
        let avoided_total = if emc {
            saving + pv.emc_payment_yuan
        } else {
            saving - pv.export_revenue_yuan
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
            export_revenue_yuan: pv.export_revenue_yuan,
            degradation_first_year_fraction: p.degradation_first_year_fraction.unwrap_or(d1),
            degradation_annual_fraction: p.degradation_annual_fraction.unwrap_or(da),
        };
        let own = if emc {
            PvOwnership::Emc(EmcPrice::DiscountOffTariff(p.emc_discount_fraction))
        } else {
            PvOwnership::SelfOwned
        };
        let cf = finance::pv_cash_flows(&project, own, &m);
        let ent = cf.enterprise.metrics(rate);
        let inv = cf.investor.as_ref().map(|c| c.metrics(rate));
        o.money = Some(MoneyOutcome {
            investment_yuan: if emc {
                0.0
            } else {
                project.capex_yuan - project.subsidy_yuan
            },
            npv_yuan: ent.npv_yuan,
            irr: ent.irr,
            payback_years: if emc { None } else { ent.payback_years },
            investor_investment_yuan: emc.then_some(project.capex_yuan - project.subsidy_yuan),
            investor_npv_yuan: inv.as_ref().map(|i| i.npv_yuan),
            investor_irr: inv.and_then(|i| i.irr),
            pv_lcoe_yuan_per_kwh: cf.lcoe_yuan_per_kwh(rate),
            enterprise_flows_yuan: cf.enterprise.net_yuan.clone(),
            investor_flows_yuan: cf.investor.map(|c| c.net_yuan).unwrap_or_default(),
        });
    }
}
