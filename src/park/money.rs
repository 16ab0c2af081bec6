//! Lifetime money of an enterprise's investments in a strategy, from its simulated first year.
//!
//! The saving a strategy's PV brings is measured against the same strategy without PV (e.g.
//! `tariff+market+pv` against `tariff+market`) when that strategy was simulated, else against
//! the baseline. Under EMC the enterprise invests nothing and its yearly saving is its cost
//! difference; the investor's flows come from [`crate::finance::pv_cash_flows_by_year`].
//!
//! Later project years take the year-1 figures of the tariff in force (the scenario's, or a
//! later one from `finance.tariff_switch_year` on), scaled by degradation and state of health,
//! or, with `finance.resimulate_years`, corrected by the interpolated change the re-simulated
//! years measured. See `docs/finance.md`.

use super::result::{MoneyOutcome, Outcome};
use crate::finance::{
    self, EmcPrice, MoneyParams, PvOwnership, PvProject, PvYear, StorageOwnership, StorageProject,
    StorageYear, TaxParams,
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

/// Outcomes of the strategies simulated again for later project years, each list in the
/// plan's strategy order (`None`: not simulated again, the year-1 outcome under the tariff in
/// force stands in).
#[derive(Debug, Clone, Default)]
pub struct LaterYears {
    /// First project year under the later tariff and the year-1 outcomes under it.
    pub switch: Option<(u32, Vec<Option<Outcome>>)>,
    /// Re-simulated project years (aged PV and battery) and their outcomes, under the tariff
    /// in force in that year.
    pub resimulated: Vec<(u32, Vec<Option<Outcome>>)>,
}

/// One simulated state of the enterprise: the outcomes of a year under a tariff.
#[derive(Clone, Copy)]
struct State<'a> {
    /// The outcomes of this state (`None`: take `fallback`'s).
    own: &'a [Option<&'a Outcome>],
    /// The year-1 outcomes under the same tariff.
    fallback: &'a [Option<&'a Outcome>],
    /// Export price of the tariff [yuan/kWh].
    export_price: f64,
}

impl<'a> State<'a> {
    fn get(&self, strategies: &[Strategy], s: Strategy) -> Option<&'a Outcome> {
        let i = strategies.iter().position(|k| *k == s)?;
        self.own[i].or(self.fallback[i])
    }

    /// Cost of a strategy; the baseline's when it was not simulated.
    fn cost(&self, strategies: &[Strategy], s: Strategy) -> f64 {
        self.get(strategies, s)
            .or(self.fallback[0])
            .map_or(0.0, |o| o.cost_yuan)
    }
}

/// The strategies a strategy's investments are valued against: (PV's before, PV's after,
/// storage's before).
fn references(s: Strategy) -> (Strategy, Strategy, Strategy) {
    let after = Strategy {
        storage: false,
        ..s
    };
    let before = Strategy { pv: false, ..after };
    (before, after, after)
}

/// Fill the money of every outcome with PV or storage, in place.
///
/// A strategy's PV is valued on the saving it brings over the same strategy without PV (and
/// without storage, when the strategy has storage: `tariff+market+pv+storage` values its PV
/// against `tariff+market` and its storage against `tariff+market+pv`); the baseline stands in
/// when that strategy was not simulated. The enterprise's and the investor's flows of PV and
/// storage are summed.
///
/// Each project year's figures come from the year-1 outcomes of the tariff in force (the
/// scenario's, or from `later.switch`'s year on the later one's), scaled by the degradation
/// (PV) or capacity (storage) factor of the year; with re-simulated years the factor is
/// replaced by the interpolated change ([`crate::finance::interpolate`]).
pub fn fill(
    plan: &Plan,
    storage_data: &crate::storage::sizing::HunanDefaults,
    outcomes: &mut [Outcome],
    later: &LaterYears,
) {
    let m = money_params(plan);
    let rate = m.discount_rate_fraction;
    let strategies: Vec<Strategy> = outcomes.iter().map(|o| o.strategy).collect();
    let early: Vec<Option<&Outcome>> = outcomes.iter().map(Some).collect();
    let late: Option<(u32, Vec<Option<&Outcome>>)> = later
        .switch
        .as_ref()
        .map(|(y, v)| (*y, v.iter().map(Option::as_ref).collect()));
    let resim: Vec<(u32, Vec<Option<&Outcome>>)> = later
        .resimulated
        .iter()
        .map(|(y, v)| (*y, v.iter().map(Option::as_ref).collect()))
        .collect();
    let early_state = State {
        own: &early,
        fallback: &early,
        export_price: plan.tariff_model.export_yuan_per_kwh(),
    };
    let late_state = late.as_ref().map(|(y, v)| {
        let sw = plan
            .tariff_switch
            .as_ref()
            .map_or(early_state.export_price, |t| {
                t.tariff_model.export_yuan_per_kwh()
            });
        (
            *y,
            State {
                own: v,
                fallback: v,
                export_price: sw,
            },
        )
    });
    let mut states = States {
        strategies: &strategies,
        early: early_state,
        late: late_state,
        resim: Vec::new(),
    };
    // A re-simulated year falls back on the year-1 outcomes of the tariff in force then.
    let resim_states: Vec<(u32, State)> = resim
        .iter()
        .map(|(y, v)| {
            let base = states.first_of(*y);
            (
                *y,
                State {
                    own: v,
                    fallback: base.own,
                    export_price: base.export_price,
                },
            )
        })
        .collect();
    states.resim = resim_states;
    let mut updates = Vec::with_capacity(outcomes.len());
    for o in outcomes.iter() {
        updates.push(money_of(plan, storage_data, &m, &states, o));
    }
    for (o, u) in outcomes.iter_mut().zip(updates) {
        apply(o, u, rate);
    }
}

/// Put an [`Update`] on its outcome: the storage saving's split, the shared-savings payment,
/// and the money with the enterprise's and the investor's NPV, IRR and payback at `rate`.
fn apply(o: &mut Outcome, u: Update, rate: f64) {
    let Some(mut money) = u.money else { return };
    if let (Some(st), Some((demand, energy))) = (o.storage.as_mut(), u.storage_split) {
        st.demand_saving_yuan = demand;
        st.energy_saving_yuan = energy;
    }
    o.cost_yuan += u.shared_payment;
    o.shared_savings_payment_yuan = u.shared_payment;
    let ent = crate::finance::CashFlows {
        net_yuan: money.enterprise_flows_yuan.clone(),
        ..Default::default()
    }
    .metrics(rate);
    money.npv_yuan = ent.npv_yuan;
    money.irr = ent.irr;
    money.irr_note = ent.irr_note;
    money.payback_years = ent.payback_years.filter(|_| money.investment_yuan > 0.0);
    if !money.investor_flows_yuan.is_empty() {
        let inv = crate::finance::CashFlows {
            net_yuan: money.investor_flows_yuan.clone(),
            ..Default::default()
        }
        .metrics(rate);
        money.investor_npv_yuan = Some(inv.npv_yuan);
        money.investor_irr = inv.irr;
        money.investor_irr_note = inv.irr_note;
        money.investor_payback_years = inv.payback_years;
    }
    o.money = Some(money);
}

/// Every simulated state of an enterprise.
struct States<'a> {
    strategies: &'a [Strategy],
    early: State<'a>,
    late: Option<(u32, State<'a>)>,
    resim: Vec<(u32, State<'a>)>,
}

impl<'a> States<'a> {
    /// The year-1 state of the tariff in force in project year `t`.
    fn first_of(&self, t: u32) -> State<'a> {
        match &self.late {
            Some((y, st)) if t >= *y => *st,
            _ => self.early,
        }
    }
}

/// What [`fill`] changes on one outcome.
struct Update {
    money: Option<MoneyOutcome>,
    storage_split: Option<(f64, f64)>,
    shared_payment: f64,
}

fn money_of(
    plan: &Plan,
    data: &crate::storage::sizing::HunanDefaults,
    m: &MoneyParams,
    states: &States,
    o: &Outcome,
) -> Update {
    let mut money = MoneyOutcome::default();
    let mut any = false;
    let strategies = states.strategies;
    let (pv_before, pv_after, st_before) = references(o.strategy);
    if o.pv.is_some() {
        let year_of = |st: &State| -> Option<PvYear> {
            let pv = st.get(strategies, o.strategy)?.pv.as_ref()?;
            let saving = st.cost(strategies, pv_before) - st.cost(strategies, pv_after);
            Some(pv_year(plan, pv, saving, st.export_price))
        };
        let years = yearly(plan.pv.life_years, states, &year_of, |t| {
            let (d1, da) = pv_degradation(plan);
            finance::cashflow::degradation_factor(t, d1, da)
        });
        if let Some(pv) = &o.pv {
            add(&mut money, pv_money(plan, m, pv, &years));
            any = true;
        }
    }
    let mut split = None;
    let mut shared_payment = 0.0;
    if let Some(st) = &o.storage {
        let e = states.early;
        let saving = e.cost(strategies, st_before) - o.cost_yuan;
        let basic_before = e
            .get(strategies, st_before)
            .map_or(o.bill.basic_yuan, |b| b.bill.basic_yuan);
        let demand = basic_before - o.bill.basic_yuan;
        split = Some((demand, saving - demand));
        if plan.storage.ownership == crate::scenario::choice::StorageOwnership::SharedSavings {
            // The investor keeps its share of the year's saving (收益分成).
            shared_payment = (1.0 - plan.storage.enterprise_share_fraction) * saving.max(0.0);
        }
        let sp = super::storage::sizing_params(plan, data);
        let life = sp.life_years;
        let first_of = |t: u32| {
            states
                .first_of(t)
                .get(strategies, o.strategy)
                .and_then(|x| x.storage.as_ref())
                .map_or(st.discharged_kwh, |x| x.discharged_kwh)
        };
        let (factors, replacement) = storage_factors(sp.fade, st.usable_kwh, life, first_of);
        let year_of = |s: &State| -> Option<StorageYear> {
            let x = s.get(strategies, o.strategy)?;
            let so = x.storage.as_ref()?;
            Some(StorageYear {
                saving_yuan: s.cost(strategies, st_before) - x.cost_yuan,
                discharged_kwh: so.discharged_kwh,
                charging_cost_yuan: so.charging_cost_yuan,
            })
        };
        let years = yearly(life as u32, states, &year_of, |t| {
            factors
                .get(t as usize - 1)
                .or(factors.last())
                .copied()
                .unwrap_or(1.0)
        });
        add(
            &mut money,
            storage_money(plan, &sp, m, st, &years, replacement),
        );
        any = true;
    }
    Update {
        money: any.then_some(money),
        storage_split: split,
        shared_payment,
    }
}

/// Figures that can be scaled and interpolated.
trait Figures: Copy + Default {
    /// Number of figures.
    const N: usize;
    fn get(&self, i: usize) -> f64;
    fn set(&mut self, i: usize, v: f64);
}

impl Figures for PvYear {
    const N: usize = 5;
    fn get(&self, i: usize) -> f64 {
        self.to_array()[i]
    }
    fn set(&mut self, i: usize, v: f64) {
        let mut a = self.to_array();
        a[i] = v;
        *self = PvYear::from_array(a);
    }
}

impl Figures for StorageYear {
    const N: usize = 3;
    fn get(&self, i: usize) -> f64 {
        self.to_array()[i]
    }
    fn set(&mut self, i: usize, v: f64) {
        let mut a = self.to_array();
        a[i] = v;
        *self = StorageYear::from_array(a);
    }
}

/// The figures of project years `1..=life` in real terms.
///
/// Year `t` starts from the year-1 figures under the tariff in force in `t`. Without
/// re-simulated years they are scaled by `factor(t)`; with them, the change each re-simulated
/// year `y` measured (its figures minus the year-1 figures under the tariff in force in `y`) is
/// interpolated linearly over the project years, with no change at year 1
/// ([`finance::piecewise_linear`]), and added. Beyond the last re-simulated year `y_L` the
/// figures follow the scaling, shifted by what it missed at `y_L`:
/// `f_1(t)·factor(t) + (f_{y_L} − f_1(y_L)·factor(y_L))`.
fn yearly<F: Figures>(
    life: u32,
    states: &States,
    year_of: &dyn Fn(&State) -> Option<F>,
    factor: impl Fn(u32) -> f64,
) -> Vec<F> {
    let early = year_of(&states.early).unwrap_or_default();
    let late = states
        .late
        .as_ref()
        .map(|(y, st)| (*y, year_of(st).unwrap_or(early)));
    let first = |t: u32| match late {
        Some((y, f)) if t >= y => f,
        _ => early,
    };
    let points: Vec<(u32, F)> = states
        .resim
        .iter()
        .filter(|(y, _)| *y <= life)
        .filter_map(|(y, st)| year_of(st).map(|f| (*y, f)))
        .collect();
    (1..=life)
        .map(|t| {
            let base = first(t);
            let mut out = base;
            for i in 0..F::N {
                let last = points.iter().max_by_key(|(y, _)| *y);
                let v = if points.is_empty() {
                    base.get(i) * factor(t)
                } else if let Some((yl, fl)) = last.filter(|(yl, _)| t > *yl) {
                    // Beyond the last re-simulated year: the scaling model, shifted by what it
                    // missed at that year (continuous there; no runaway extrapolation).
                    base.get(i) * factor(t) + (fl.get(i) - first(*yl).get(i) * factor(*yl))
                } else {
                    let mut pts = vec![(1.0, 0.0)];
                    pts.extend(
                        points
                            .iter()
                            .map(|(y, f)| (f64::from(*y), f.get(i) - first(*y).get(i))),
                    );
                    base.get(i) + finance::piecewise_linear(&pts, f64::from(t))
                };
                out.set(i, v);
            }
            out
        })
        .collect()
}

/// PV degradation (first year, later years) of the plan [fraction].
pub fn pv_degradation(plan: &Plan) -> (f64, f64) {
    let (d1, da) = crate::solar::chain::default_degradation();
    (
        plan.pv.degradation_first_year_fraction.unwrap_or(d1),
        plan.pv.degradation_annual_fraction.unwrap_or(da),
    )
}

/// Capacity factor (state of health) of a battery in each project year (index 0 = year 1) and
/// its replacement year.
///
/// # Notes
/// The health falls each year by the calendar fade plus the cycle fade of the year's full
/// equivalent cycles at full health, `discharged_kwh(t) / usable_kwh` (the year-1 discharge
/// under the tariff in force in year `t`). With `j` the first 0-based year whose starting health
/// is below the end-of-life threshold ([`crate::storage::battery::FadeParams::replacement_year`]
/// with a constant discharge), the battery is replaced at the start of project year `j + 1`
/// (1-based, the year `j` counted from commissioning), which runs at full health again; the
/// returned replacement year is that 1-based project year, the index of its cost in the cash
/// flows.
pub fn storage_factors(
    fade: Option<crate::storage::battery::FadeParams>,
    usable_kwh: f64,
    life: usize,
    discharged_kwh: impl Fn(u32) -> f64,
) -> (Vec<f64>, Option<usize>) {
    let Some(f) = fade else {
        return (vec![1.0; life], None);
    };
    let delta = |j: usize| {
        let fec = if usable_kwh > 0.0 {
            discharged_kwh(j as u32 + 1) / usable_kwh
        } else {
            0.0
        };
        f.calendar_fade_fraction_per_year + f.cycle_fade_fraction_per_cycle * fec
    };
    let run = |from: usize| -> Vec<f64> {
        let mut soh = 1.0f64;
        let mut out = Vec::with_capacity(life);
        for j in from..from + life {
            out.push(soh);
            soh = (soh - delta(j)).max(0.0);
        }
        out
    };
    let soh = run(0);
    // 0-based year j starts below the threshold: replaced at the start of project year j + 1.
    let j = soh
        .iter()
        .position(|&s| s < f.end_of_life_soh_fraction)
        .filter(|&j| j > 0);
    let factors = match j {
        Some(j) => {
            let fresh = run(j);
            (0..life)
                .map(|y| if y >= j { fresh[y - j] } else { soh[y] })
                .collect()
        }
        None => soh,
    };
    (factors, j.map(|j| j + 1))
}

/// Money of one project (PV or storage) of one strategy.
struct Project {
    investment: f64,
    investor_investment: Option<f64>,
    enterprise: crate::finance::CashFlows,
    investor: Option<crate::finance::CashFlows>,
    /// Energy per year, year 0 first: PV output or battery discharge [kWh].
    energy_kwh: Vec<f64>,
    /// Cost of the energy the battery charged per year, year 0 first [yuan] (empty for PV).
    charging_yuan: Vec<f64>,
    /// Levelized cost and its parts: (cost per unit, discounted costs [yuan], discounted
    /// energy [kWh]).
    pv_lcoe: Option<(Option<f64>, f64, f64)>,
    storage_lcos: Option<(Option<f64>, f64, f64)>,
}

fn add(m: &mut MoneyOutcome, p: Project) {
    m.investment_yuan += p.investment;
    if let Some(i) = p.investor_investment {
        *m.investor_investment_yuan.get_or_insert(0.0) += i;
    }
    sum_into(&mut m.enterprise_flows_yuan, &p.enterprise.net_yuan);
    m.enterprise_items.add(&p.enterprise.items);
    if let Some(inv) = &p.investor {
        sum_into(&mut m.investor_flows_yuan, &inv.net_yuan);
        m.investor_items.add(&inv.items);
    }
    if let Some((l, c, e)) = p.pv_lcoe {
        m.pv_kwh_by_year = p.energy_kwh.clone();
        m.pv_lcoe_yuan_per_kwh = l;
        m.pv_discounted_cost_yuan = c;
        m.pv_discounted_kwh = e;
    }
    if let Some((l, c, e)) = p.storage_lcos {
        m.storage_discharged_kwh_by_year = p.energy_kwh.clone();
        m.storage_charging_cost_by_year_yuan = p.charging_yuan.clone();
        m.storage_lcos_yuan_per_kwh = l;
        m.storage_discounted_cost_yuan = c;
        m.storage_discounted_kwh = e;
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

/// The PV figures of a simulated year from the strategy's PV outcome and the saving it brings
/// (cost without PV − cost with PV) [yuan], at the export price of the tariff in force.
fn pv_year(
    plan: &Plan,
    pv: &crate::park::result::PvOutcome,
    saving: f64,
    export_price: f64,
) -> PvYear {
    let emc = plan.pv.ownership == crate::scenario::choice::PvOwnership::Emc;
    // Under EMC, PV surplus stored by the battery is paid to the investor at the export price:
    // for the investor it is export revenue, for the enterprise part of its cost.
    let absorbed_yuan = pv.battery_absorbed_kwh * export_price;
    let (avoided_total, export_revenue) = if emc {
        (
            saving + pv.emc_payment_yuan - absorbed_yuan,
            pv.export_revenue_yuan + absorbed_yuan,
        )
    } else {
        (saving - pv.export_revenue_yuan, pv.export_revenue_yuan)
    };
    PvYear {
        self_consumed_kwh: pv.self_consumed_kwh,
        exported_kwh: pv.exported_kwh,
        avoided_energy_yuan: pv.avoided_energy_yuan,
        avoided_other_yuan: avoided_total - pv.avoided_energy_yuan,
        export_revenue_yuan: export_revenue,
    }
}

fn pv_money(
    plan: &Plan,
    m: &MoneyParams,
    pv: &crate::park::result::PvOutcome,
    years: &[PvYear],
) -> Project {
    let p = &plan.pv;
    let emc = p.ownership == crate::scenario::choice::PvOwnership::Emc;
    let (d1, da) = pv_degradation(plan);
    let first = years.first().copied().unwrap_or_default();
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
        self_consumed_kwh: first.self_consumed_kwh,
        exported_kwh: first.exported_kwh,
        avoided_energy_yuan: first.avoided_energy_yuan,
        avoided_other_yuan: first.avoided_other_yuan,
        export_revenue_yuan: first.export_revenue_yuan,
        degradation_first_year_fraction: d1,
        degradation_annual_fraction: da,
    };
    let own = if emc {
        PvOwnership::Emc(EmcPrice::DiscountOffTariff(p.emc_discount_fraction))
    } else {
        PvOwnership::SelfOwned
    };
    let cf = finance::pv_cash_flows_by_year(&project, years, own, m);
    let net_capex = project.capex_yuan - project.subsidy_yuan;
    let rate = m.discount_rate_fraction;
    Project {
        investment: if emc { 0.0 } else { net_capex },
        investor_investment: emc.then_some(net_capex),
        pv_lcoe: Some((
            cf.lcoe_yuan_per_kwh(rate),
            finance::npv(rate, &cf.owner_costs_yuan),
            finance::npv(rate, &cf.energy_kwh),
        )),
        storage_lcos: None,
        enterprise: cf.enterprise,
        investor: cf.investor,
        energy_kwh: cf.energy_kwh,
        charging_yuan: Vec::new(),
    }
}

fn storage_money(
    plan: &Plan,
    sp: &crate::storage::sizing::SizingParams,
    m: &MoneyParams,
    st: &crate::park::result::StorageOutcome,
    years: &[StorageYear],
    replacement: Option<usize>,
) -> Project {
    let capex = sp.capex_per_kwh * st.kwh + sp.capex_per_kw * st.kw;
    let first = years.first().copied().unwrap_or_default();
    let project = StorageProject {
        life_years: sp.life_years as u32,
        capex_yuan: capex,
        om_yuan_per_year: sp.om_fraction_per_year * capex,
        saving_yuan: first.saving_yuan,
        discharged_kwh: first.discharged_kwh,
        charging_cost_yuan: first.charging_cost_yuan,
        capacity_factor_by_year: Vec::new(),
        replacements: replacement
            .map(|r| vec![(r as u32, sp.capex_per_kwh * st.kwh)])
            .unwrap_or_default(),
    };
    let own = if plan.storage.ownership == crate::scenario::choice::StorageOwnership::SharedSavings
    {
        StorageOwnership::SharedSavings(plan.storage.enterprise_share_fraction)
    } else {
        StorageOwnership::SelfOwned
    };
    let cf = finance::storage_cash_flows_by_year(&project, years, own, m);
    let shared = matches!(own, StorageOwnership::SharedSavings(_));
    let rate = m.discount_rate_fraction;
    Project {
        investment: if shared { 0.0 } else { capex },
        investor_investment: shared.then_some(capex),
        pv_lcoe: None,
        storage_lcos: Some((
            cf.lcos_yuan_per_kwh,
            finance::npv(rate, &cf.owner_costs_yuan),
            finance::npv(rate, &cf.discharged_kwh),
        )),
        enterprise: cf.enterprise,
        investor: cf.investor,
        energy_kwh: cf.discharged_kwh,
        charging_yuan: cf.charging_cost_yuan,
    }
}

#[cfg(test)]
#[allow(
    clippy::float_cmp,
    reason = "exact values: standard sizes and hand-set figures"
)]
mod tests {
    use super::*;
    use crate::storage::battery::FadeParams;
    use approx::assert_relative_eq;

    fn fade() -> FadeParams {
        FadeParams {
            calendar_fade_fraction_per_year: 0.01,
            cycle_fade_fraction_per_cycle: 0.2 / 6000.0,
            end_of_life_soh_fraction: 0.8,
        }
    }

    #[test]
    fn storage_factors_with_constant_discharge_match_the_fade_model() {
        let f = fade();
        let (usable, discharged, life) = (900.0, 900.0 * 600.0, 15);
        let (factors, r) = storage_factors(Some(f), usable, life, |_| discharged);
        let soh = f.soh_by_year(discharged, usable, life);
        let j0 = f.replacement_year(discharged, usable, life);
        // Per year: 0.01 + 0.2/6000 x 600 = 0.03, so the health at the start of project years
        // 1..8 is 1.00, 0.97, ..., 0.82, 0.79: project year 8 (0-based year 7) would start
        // below 0.8, so the battery is replaced at its start and year 8 runs on a new battery.
        assert_eq!(j0, Some(7));
        assert_eq!(r, Some(8));
        for (y, expected) in [1.0, 0.97, 0.94, 0.91, 0.88, 0.85, 0.82, 1.0, 0.97]
            .iter()
            .enumerate()
        {
            assert_relative_eq!(factors[y], *expected, epsilon = 1e-12);
        }
        for y in 0..life {
            let expected = if y >= 7 { soh[y - 7] } else { soh[y] };
            assert_relative_eq!(factors[y], expected, epsilon = 1e-12);
        }
    }

    #[test]
    fn storage_factors_follow_the_discharge_of_each_year() {
        let f = fade();
        // 300 cycles in years 1-2, 600 from year 3: 0.02, 0.02, then 0.03 per year.
        let (factors, _) =
            storage_factors(
                Some(f),
                100.0,
                5,
                |t| if t >= 3 { 60_000.0 } else { 30_000.0 },
            );
        assert_relative_eq!(factors[0], 1.0, epsilon = 1e-12);
        assert_relative_eq!(factors[2], 0.96, epsilon = 1e-12);
        assert_relative_eq!(factors[4], 0.90, epsilon = 1e-12);
        let (none, r) = storage_factors(None, 100.0, 5, |_| 1.0);
        assert_eq!(none, vec![1.0; 5]);
        assert_eq!(r, None);
    }

    fn plan(ownership: &str) -> Plan {
        let text = format!(
            "[scenario]\nname = \"t\"\n[strategies]\nlist = [\"baseline\", \"pv\"]\n\
             [claims]\ncost_reduction_strategy = \"pv\"\npv_saving_strategy = \"pv\"\n\
             [pv]\nownership = \"{ownership}\"\n\
             [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
             annual_kwh = 1e6\ntransformer_kva = 800\n"
        );
        crate::scenario::load_str(&text, std::path::Path::new("t.toml")).unwrap()
    }

    /// The PV year the money stage books, by hand. The enterprise's cost falls by 10,000 yuan
    /// with PV; 1,000 kWh of PV surplus went through its battery (worth 450 yuan at the
    /// 0.45 yuan/kWh export price), 4,000 kWh were exported for 1,800 yuan. Self-owned: the
    /// bill saving besides the export revenue is 10,000 − 1,800 = 8,200 yuan. EMC: the
    /// investor's 30,000 yuan payment is part of the energy's value, the stored surplus is paid
    /// to it, so the value avoided is 10,000 + 30,000 − 450 = 39,550 yuan and the investor's
    /// export revenue 1,800 + 450 = 2,250 yuan.
    #[test]
    fn the_pv_year_splits_the_saving_between_bill_and_export_by_owner() {
        let pv = crate::park::result::PvOutcome {
            dc_kw: 100.0,
            kwh: 110_000.0,
            self_consumed_kwh: 105_000.0,
            exported_kwh: 4_000.0,
            export_revenue_yuan: 1_800.0,
            avoided_energy_yuan: 35_000.0,
            emc_payment_yuan: 30_000.0,
            emc_payment_by_month_yuan: [2_500.0; 12],
            emc_owned: true,
            battery_absorbed_kwh: 1_000.0,
        };
        let own = pv_year(&plan("self"), &pv, 10_000.0, 0.45);
        assert_relative_eq!(own.avoided_energy_yuan + own.avoided_other_yuan, 8_200.0);
        assert_relative_eq!(own.export_revenue_yuan, 1_800.0);
        let emc = pv_year(&plan("emc"), &pv, 10_000.0, 0.45);
        assert_relative_eq!(emc.avoided_energy_yuan, 35_000.0);
        assert_relative_eq!(emc.avoided_other_yuan, 39_550.0 - 35_000.0);
        assert_relative_eq!(emc.export_revenue_yuan, 2_250.0);
        assert_eq!(
            (emc.self_consumed_kwh, emc.exported_kwh),
            (105_000.0, 4_000.0)
        );
    }
}
