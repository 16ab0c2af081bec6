//! Rule dispatch "two charges, two discharges" (两充两放), read from the per-step TOU codes.
//!
//! * Charge in valley steps, and in flat steps of a flat block that lies between two peak blocks
//!   of the same day (the flat block before the second peak), at the highest power the step
//!   allows (PV surplus first: every step with a PV surplus charges from it).
//! * Discharge in peak and critical steps, covering at most the load (the rule never exports).
//!   At the start of each contiguous peak/critical block the available energy is allotted to the
//!   critical steps first, then to the peak steps, in time order.
//! * When billed on demand, grid charging keeps the import at or below the billing period's
//!   maximum net load without battery, so the rule never raises the demand charge.
//! * Near the end of a billing period, charging is limited to what the remaining discharge steps
//!   can still deliver, and discharging to what the remaining charge steps can still refill, so
//!   the stored energy is back at the initial value at the boundary (as for the optimal dispatch).
//! * Discharge stops when the billing period's cycle cap is used up.
//!
//! Days are blocks of `round(24 / step_hours)` steps from the first step (the horizon starts at
//! midnight). The calendar comes only from the TOU codes: the 2025 Hunan calendar (one peak block
//! 16-24, valley 12-14) and the older two-peak calendars both work.
//!
//! # References
//! Y. Yang, H. Li, A. Aichhorn, J. Zheng and M. Greenleaf, "Sizing strategy of distributed battery
//! storage system with high penetration of photovoltaic for voltage regulation and peak load
//! shaving," IEEE Trans. Smart Grid, vol. 5, no. 2, pp. 982-991, 2014,
//! doi: 10.1109/TSG.2013.2282504 (TOU rule-based peak-shaving dispatch).

use super::super::{
    Battery, DispatchInput, DispatchResult, StorageError, TouPeriod, evaluate, split, step_limits,
};
use super::Dispatch;

/// The 两充两放 rule dispatch, see the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleDispatch;

/// Role of a step in the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Charge,
    Discharge,
    Idle,
}

/// Roles of all steps from the TOU codes.
fn roles(input: &DispatchInput) -> Vec<Role> {
    let n = input.n_steps();
    let spd = ((24.0 / input.step_hours).round() as usize).max(1);
    let mut role = vec![Role::Idle; n];
    let mut day = 0;
    while day < n {
        let end = (day + spd).min(n);
        let mut seen_peak = false;
        let mut t = day;
        while t < end {
            let p = input.period[t];
            let mut r = t;
            while r < end && input.period[r] == p {
                r += 1;
            }
            let block_role = match p {
                TouPeriod::Valley => Role::Charge,
                TouPeriod::Peak | TouPeriod::Critical => Role::Discharge,
                TouPeriod::Flat => {
                    let next = input.period[r..end].iter().find(|q| **q != TouPeriod::Flat);
                    if seen_peak && next.is_some_and(|q| q.is_peak()) {
                        Role::Charge
                    } else {
                        Role::Idle
                    }
                }
            };
            if p.is_peak() {
                seen_peak = true;
            }
            role[t..r].fill(block_role);
            t = r;
        }
        day = end;
    }
    role
}

impl Dispatch for RuleDispatch {
    fn dispatch(
        &self,
        input: &DispatchInput,
        battery: &Battery,
    ) -> Result<DispatchResult, StorageError> {
        input.validate()?;
        let n = input.n_steps();
        let tau = input.step_hours;
        let b = battery;
        let role = roles(input);
        let net = |t: usize| input.net_load_kw[t] + b.aux_power_kw();
        let (e_min, e_max, e0) = (
            b.min_energy_kwh(),
            b.max_energy_kwh(),
            b.initial_energy_kwh(),
        );
        let mut u = vec![0.0; n];
        // Per step: highest charge and discharge power the rule may use [kW].
        let mut ch = vec![0.0; n];
        let mut dis = vec![0.0; n];
        for p in input.billing_periods() {
            let demand_cap = match input.demand_charge_per_kw_month {
                Some(r) if r > 0.0 => p.clone().map(|t| net(t).max(0.0)).fold(0.0, f64::max),
                _ => f64::INFINITY,
            };
            for t in p.clone() {
                let lim = step_limits(input, b, t);
                let surplus = (-net(t)).max(0.0).min(lim.u_max_kw);
                ch[t] = match role[t] {
                    Role::Charge => lim.u_max_kw.min((demand_cap - net(t)).max(surplus)),
                    _ => surplus,
                };
                dis[t] = if role[t] == Role::Discharge && net(t) > 0.0 {
                    (-lim.u_min_kw).min(net(t))
                } else {
                    0.0
                };
            }
            // Backward: energy the rule can still remove (F) and add (G) from step t on [kWh].
            let len = p.len();
            let mut f = vec![0.0; len + 1];
            let mut g = vec![0.0; len + 1];
            for k in (0..len).rev() {
                let t = p.start + k;
                f[k] = f[k + 1] + dis[t] * tau / b.discharge_efficiency();
                g[k] = g[k + 1] + ch[t] * tau * b.charge_efficiency();
            }
            let cap = b.period_discharge_cap_kwh(len as f64 * tau);
            let mut used = 0.0;
            let mut e = e0;
            let mut plan_until = p.start;
            let mut plan = Vec::new();
            for t in p.clone() {
                let k = t - p.start;
                let hi = e_max.min(e0 + f[k + 1].min(cap - used));
                let lo = e_min.max(e0 - g[k + 1]);
                if dis[t] > 0.0 {
                    if t >= plan_until {
                        plan_until = allot(
                            input,
                            &dis,
                            t,
                            p.end,
                            (e - lo).min(cap - used),
                            tau / b.discharge_efficiency(),
                            &mut plan,
                        );
                    }
                    let want = plan[t - (plan_until - plan.len())];
                    let de = (-want * tau / b.discharge_efficiency())
                        .max(lo.min(e) - e)
                        .max(-(cap - used).max(0.0));
                    u[t] = b.power_for_energy_change_kw(de, tau);
                } else if ch[t] > 0.0 {
                    let de = (ch[t] * tau * b.charge_efficiency()).min((hi - e).max(0.0));
                    u[t] = b.power_for_energy_change_kw(de, tau);
                }
                let de = b.energy_change_kwh(u[t], tau);
                used += (-de).max(0.0);
                e += de;
            }
        }
        let (ch, dis) = split(&u);
        Ok(evaluate(input, battery, ch, dis, true))
    }
}

/// Allots `energy_kwh` (battery side) over the discharge block starting at `start`: critical steps
/// first, then peak steps, each up to its power limit. Writes AC powers into `plan` (one per step
/// of the block) and returns the block end.
#[allow(
    clippy::too_many_arguments,
    reason = "predates the six-parameter limit of clippy.toml"
)]
fn allot(
    input: &DispatchInput,
    dis: &[f64],
    start: usize,
    period_end: usize,
    energy_kwh: f64,
    kwh_per_kw: f64,
    plan: &mut Vec<f64>,
) -> usize {
    let mut end = start;
    while end < period_end && input.period[end].is_peak() {
        end += 1;
    }
    plan.clear();
    plan.resize(end - start, 0.0);
    let mut left = energy_kwh.max(0.0);
    for pass in [TouPeriod::Critical, TouPeriod::Peak] {
        for t in start..end {
            if input.period[t] == pass && left > 0.0 {
                let e = (dis[t] * kwh_per_kw).min(left);
                plan[t - start] = e / kwh_per_kw;
                left -= e;
            }
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_support::{Cal, period, price};
    use crate::storage::{BatteryParams, check_dispatch, no_battery_cost};
    use approx::assert_relative_eq;

    fn day_input(cal: Cal, month1: usize, days: usize) -> DispatchInput {
        let per: Vec<TouPeriod> = (0..24 * days)
            .map(|t| period(cal, t % 24, month1))
            .collect();
        let imp = per.iter().map(|p| price(*p)).collect();
        DispatchInput::new(
            1.0,
            vec![300.0; 24 * days],
            imp,
            vec![0.45; 24 * days],
            per,
            vec![(month1 - 1) as u8; 24 * days],
        )
    }

    #[test]
    fn roles_hunan_2025_and_old_calendar() {
        let r = roles(&day_input(Cal::Hunan2025, 7, 1));
        let s: String = r
            .iter()
            .map(|x| match x {
                Role::Charge => 'C',
                Role::Discharge => 'D',
                Role::Idle => '.',
            })
            .collect();
        assert_eq!(s, "CCCCCC......CC..DDDDDDDD");
        let r = roles(&day_input(Cal::Old, 7, 1));
        let s: String = r
            .iter()
            .map(|x| match x {
                Role::Charge => 'C',
                Role::Discharge => 'D',
                Role::Idle => '.',
            })
            .collect();
        // valley 23-07, flat 07-08, peak 08-11, flat 11-15 (charge), peak 15-19, critical 19-22.
        assert_eq!(s, "CCCCCCC.DDDCCCCDDDDDDD.C");
    }

    #[test]
    fn critical_first_when_energy_is_short() {
        // 200 kWh usable, 100 kW; Jul: peak 16-20, critical 20-24. Starts empty, valley charge
        // 0-6 fills it, discharge goes to critical 20-22 first (100 kW each, limited by energy).
        let input = day_input(Cal::Hunan2025, 7, 1);
        let mut p = BatteryParams::with_round_trip(200.0, 100.0, 1.0);
        p.soc_min_fraction = 0.0;
        p.soc_max_fraction = 1.0;
        p.initial_soc_fraction = 0.0;
        let b = Battery::new(p).unwrap();
        let r = RuleDispatch.dispatch(&input, &b).unwrap();
        check_dispatch(&input, &b, &r, 1e-9).unwrap();
        assert_relative_eq!(r.battery_kw[0], 100.0);
        assert_relative_eq!(r.battery_kw[1], 100.0);
        assert_relative_eq!(r.battery_kw[2], 0.0);
        // Valley 12-14 sees a full battery.
        assert_relative_eq!(r.battery_kw[12], 0.0);
        for t in 16..20 {
            assert_relative_eq!(r.battery_kw[t], 0.0);
        }
        assert_relative_eq!(r.battery_kw[20], -100.0);
        assert_relative_eq!(r.battery_kw[21], -100.0);
        assert_relative_eq!(r.battery_kw[22], 0.0);
        // Saving: 200 kWh bought at 0.248 instead of at 1.1904.
        let base = no_battery_cost(&input, &b).unwrap().total_yuan();
        assert_relative_eq!(
            base - r.cost.total_yuan(),
            200.0 * 0.62 * (1.92 - 0.4),
            epsilon = 1e-9
        );
    }

    #[test]
    fn two_charges_two_discharges_on_old_calendar() {
        let input = day_input(Cal::Old, 3, 2);
        let mut p = BatteryParams::with_round_trip(300.0, 100.0, 1.0);
        p.soc_min_fraction = 0.0;
        p.soc_max_fraction = 1.0;
        p.initial_soc_fraction = 0.0;
        let b = Battery::new(p).unwrap();
        let r = RuleDispatch.dispatch(&input, &b).unwrap();
        check_dispatch(&input, &b, &r, 1e-9).unwrap();
        // Day 1: valley 0-7 charges 300 kWh, peak 08-11 discharges it, flat 11-14 recharges it,
        // 15-19 peak + 19-22 critical discharge it (critical first).
        assert_relative_eq!(r.energy_kwh[7], 300.0);
        assert_relative_eq!(r.energy_kwh[11], 0.0);
        assert_relative_eq!(r.energy_kwh[15], 300.0);
        assert_relative_eq!(r.battery_kw[15], 0.0);
        assert_relative_eq!(r.battery_kw[19], -100.0);
        assert_relative_eq!(r.energy_kwh[22], 0.0);
        // The last day ends at the initial energy (valley 23-24 does not charge).
        assert_relative_eq!(r.energy_kwh[48], 0.0);
    }
}
