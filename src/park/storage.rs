//! Storage of a park run: each enterprise's battery (its size chosen once, from the scenario,
//! an override or the NPV search of [`crate::storage::sizing`]), and the dispatch input built
//! from the strategy's prices, TOU periods and net load.

use super::SimError;
use super::context::Context;
use super::roster::{EnterpriseSpec, LoadProfile};
use crate::scenario::Plan;
use crate::scenario::choice::{DispatchMode, SizingMode};
use crate::storage::sizing::{HunanDefaults, SizingParams};
use crate::storage::{self, BatteryParams, Dispatch, DispatchInput, OptimalDispatch, RuleDispatch};
use crate::tariff::{PriceSignal, TouPeriod};

/// A battery chosen for an enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct Sized {
    /// Battery parameters (size included).
    pub params: BatteryParams,
    /// The sizing search's outcome at the chosen size, when it ran.
    pub sizing: Option<storage::sizing::SizingOutcome>,
}

/// Battery template (without size): the plan's, resolved and checked with the scenario.
pub fn template(plan: &Plan) -> BatteryParams {
    plan.battery
}

/// Sizing and money parameters from the scenario, unset keys from the data file.
pub fn sizing_params(plan: &Plan, data: &HunanDefaults) -> SizingParams {
    let s = &plan.storage;
    let mut p = data.sizing.clone();
    if let Some(v) = s.capex_yuan_per_kwh {
        p.capex_per_kwh = v;
    }
    if let Some(v) = s.capex_yuan_per_kw {
        p.capex_per_kw = v;
    }
    if let Some(v) = s.om_fraction_of_capex {
        p.om_fraction_per_year = v;
    }
    if let Some(v) = s.life_years {
        p.life_years = v as usize;
    }
    p.discount_rate_fraction = plan.finance.discount_rate_fraction;
    if let Some(f) = p.fade.as_mut() {
        if let Some(v) = s.calendar_fade_fraction_per_year {
            f.calendar_fade_fraction_per_year = v;
        }
        if let Some(v) = s.replacement_soh_fraction {
            f.end_of_life_soh_fraction = v;
        }
        if let Some(cycles) = s.cycle_life {
            f.cycle_fade_fraction_per_cycle = (1.0 - f.end_of_life_soh_fraction) / cycles;
        }
    }
    p
}

/// The dispatcher the scenario asks for.
pub fn dispatcher(plan: &Plan) -> &'static dyn Dispatch {
    match plan.storage.dispatch {
        DispatchMode::Rule => &RuleDispatch,
        DispatchMode::Optimal => &OptimalDispatch,
    }
}

/// The dispatch input of one strategy.
///
/// * `net_kw` - load minus PV per step [kW] (negative: PV surplus)
/// * `price` - import price per step with every per-kWh component and the market's purchase
///   price [yuan/kWh]
/// * `demand` - whether the billing option charges the monthly maximum demand
pub fn input(
    ctx: &Context,
    signal: &PriceSignal,
    e: &EnterpriseSpec,
    net_kw: Vec<f64>,
    price: Vec<f64>,
    demand: bool,
) -> DispatchInput {
    let months: Vec<u8> = ctx.cal.months().iter().map(|m| m - 1).collect();
    let period: Vec<TouPeriod> = signal
        .period_indices()
        .iter()
        .map(|&p| TouPeriod::ALL[usize::from(p)])
        .collect();
    let n = net_kw.len();
    let mut d = DispatchInput::new(
        ctx.cal.step_hours(),
        net_kw,
        price,
        vec![signal.export_yuan_per_kwh(); n],
        period,
        months,
    );
    d.demand_charge_per_kw_month = demand.then(|| signal.voltage_prices().demand_yuan_per_kw_month);
    d.battery_export_allowed = ctx.plan.storage.allow_export;
    d.grid_charging_allowed = ctx.plan.storage.grid_charging;
    d.import_cap_kw = e.premises.transformer_kva;
    d.degradation_cost_per_kwh = ctx
        .plan
        .storage
        .degradation_cost_yuan_per_kwh
        .unwrap_or(ctx.storage_data.degradation_cost_per_kwh);
    d
}

/// Choose an enterprise's battery: its override, the fixed rule, or the best NPV of the sizing
/// grid. The search runs once per enterprise, on its load with agency prices and the demand
/// charge of demand billing (what a battery owner optimizing its tariff pays; single-part
/// prices without a demand charge for a customer below the two-part threshold), and the size
/// serves every strategy with storage.
///
/// # Errors
/// [`SimError`] when the storage model rejects the inputs.
pub fn size(ctx: &Context, e: &EnterpriseSpec, load: &LoadProfile) -> Result<Sized, SimError> {
    let named =
        |err: storage::StorageError| SimError::enterprise(&e.name, super::ModelError::Storage(err));
    let mut params = template(ctx.plan);
    let peak = load.p_kw.iter().copied().fold(0.0, f64::max);
    let s = &ctx.plan.storage;
    if e.premises.storage_kwh.is_some()
        || e.premises.storage_kw.is_some()
        || s.sizing == SizingMode::Fixed
    {
        let kw = e
            .premises
            .storage_kw
            .unwrap_or(peak * s.power_fraction_of_peak);
        params.capacity_kwh = e.premises.storage_kwh.unwrap_or(kw * s.duration_hours);
        params.charge_power_kw = kw;
        params.discharge_power_kw = kw;
        params.aux_power_kw = s.auxiliary_kw_per_kwh * params.capacity_kwh;
        return Ok(Sized {
            params,
            sizing: None,
        });
    }
    // A customer that may bill two-part is sized with the demand charge; one below the two-part
    // threshold (single-part only, 单一制) on single-part prices without a demand charge.
    let billing = ctx.signal(&e.premises.voltage_level)?;
    let (_, two_ok) = crate::tariff::allowed_energy_rates(billing, e.premises.transformer_kva);
    let rate = if two_ok {
        crate::tariff::EnergyRate::TwoPart
    } else {
        crate::tariff::EnergyRate::SinglePart
    };
    let signal = ctx.signal_at(&e.premises.voltage_level, rate)?;
    let d = input(
        ctx,
        billing,
        e,
        load.p_kw.clone(),
        signal.total_yuan_per_kwh().to_vec(),
        two_ok,
    );
    let sp = sizing_params(ctx.plan, &ctx.storage_data);
    let (outcomes, best) =
        storage::sizing::size_storage(&d, &params, &sp, dispatcher(ctx.plan)).map_err(named)?;
    let o = outcomes[best].clone();
    if o.npv_yuan <= 0.0 {
        // No size pays: no battery.
        params.capacity_kwh = 0.0;
        params.charge_power_kw = 0.0;
        params.discharge_power_kw = 0.0;
    } else {
        params.capacity_kwh = o.capacity_kwh;
        params.charge_power_kw = o.power_kw;
        params.discharge_power_kw = o.power_kw;
        params.aux_power_kw = s.auxiliary_kw_per_kwh * o.capacity_kwh;
    }
    Ok(Sized {
        params,
        sizing: Some(o),
    })
}
