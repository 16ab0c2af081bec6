//! Storage dispatch benchmarks: one enterprise-year, hourly, 2025 Hunan TOU prices (flat 0.62
//! yuan/kWh; peak ×1.6, valley ×0.4, critical ×1.92), demand charge 33 yuan/kW-month, export 0.45
//! yuan/kWh. Optimal dispatch (exact DP), rule dispatch (两充两放), and a general LP solver on
//! the same linear program (Clarabel always; HiGHS with `--features highs`).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, constraint, variable,
};
use parkenergy::calendar::{Calendar, DayKind, HolidayTable, StepLength};
use parkenergy::storage::dispatch::lp::{LinearProgram, linear_program};
use parkenergy::storage::{
    Battery, BatteryParams, Dispatch, DispatchInput, OptimalDispatch, RuleDispatch, TouPeriod,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use std::time::Instant;

/// 2025 Hunan C&I TOU period of an hour in a month (1-12).
fn hunan_2025(hour: u8, month: u8) -> TouPeriod {
    let critical = (matches!(month, 7 | 8) && hour >= 20)
        || (matches!(month, 1 | 12) && (18..22).contains(&hour));
    if critical {
        TouPeriod::Critical
    } else if hour >= 16 {
        TouPeriod::Peak
    } else if hour < 6 || (12..14).contains(&hour) {
        TouPeriod::Valley
    } else {
        TouPeriod::Flat
    }
}

/// A two-shift factory (peak about 1.5 MW) with 600 kWp of rooftop PV, hourly 2025.
fn instance() -> DispatchInput {
    let cal = Calendar::new(2025, StepLength::Hourly, 8.0, &HolidayTable::embedded())
        .expect("2025 holidays are embedded");
    let mut rng = ChaCha8Rng::seed_from_u64(2025);
    let n = cal.n_steps();
    let (mut net, mut price, mut period, mut month) = (vec![], vec![], vec![], vec![]);
    for t in 0..n {
        let (h, m) = (cal.hour(t), cal.month(t));
        let work = match cal.day_kind(t) {
            DayKind::Workday | DayKind::AdjustedWorkday => 1.0,
            DayKind::Weekend => 0.6,
            DayKind::Holiday => 0.3,
        };
        let shift = if (8..22).contains(&h) { 1.0 } else { 0.45 };
        let season = 1.0 + 0.15 * ((f64::from(m) - 1.0) / 12.0 * std::f64::consts::TAU).cos();
        let load = 1300.0 * work * shift * season * rng.random_range(0.9..1.1);
        let sun = ((f64::from(h) + 0.5 - 6.0) / 12.0 * std::f64::consts::PI)
            .sin()
            .max(0.0);
        let pv = 600.0 * 0.8 * sun * rng.random_range(0.2..1.0);
        let p = hunan_2025(h, m);
        net.push(load - pv);
        price.push(
            0.62 * match p {
                TouPeriod::Valley => 0.4,
                TouPeriod::Flat => 1.0,
                TouPeriod::Peak => 1.6,
                TouPeriod::Critical => 1.92,
            },
        );
        period.push(p);
        month.push(m - 1);
    }
    let mut input = DispatchInput::new(1.0, net, price, vec![0.45; n], period, month);
    input.demand_charge_per_kw_month = Some(33.0);
    input.degradation_cost_per_kwh = 0.05;
    input.import_cap_kw = 2500.0;
    input
}

fn battery() -> Battery {
    let mut p = BatteryParams::with_round_trip(2000.0, 1000.0, 0.88);
    p.aux_power_kw = 3.0;
    Battery::new(p).expect("valid battery")
}

/// Builds the LP in good_lp and solves it with `solver`; returns the objective [yuan].
fn solve_lp<S: good_lp::Solver>(lp: &LinearProgram, solver: S) -> f64 {
    let mut vars = ProblemVariables::new();
    let xs: Vec<Variable> = (0..lp.cost.len())
        .map(|k| {
            let mut v = variable();
            if lp.var_lo[k].is_finite() {
                v = v.min(lp.var_lo[k]);
            }
            if lp.var_hi[k].is_finite() {
                v = v.max(lp.var_hi[k]);
            }
            vars.add(v)
        })
        .collect();
    let obj: Expression = xs.iter().zip(&lp.cost).map(|(x, c)| *c * *x).sum();
    let mut model = vars.minimise(obj.clone()).using(solver);
    for r in &lp.rows {
        let e: Expression = r.terms.iter().map(|(k, c)| *c * xs[*k]).sum();
        if r.lo.to_bits() == r.hi.to_bits() {
            model.add_constraint(constraint::eq(e, r.lo));
        } else {
            if r.lo.is_finite() {
                model.add_constraint(constraint::geq(e.clone(), r.lo));
            }
            if r.hi.is_finite() {
                model.add_constraint(constraint::leq(e, r.hi));
            }
        }
    }
    let sol = model.solve().unwrap_or_else(|e| panic!("LP failed: {e}"));
    sol.eval(&obj) + lp.constant
}

fn clarabel_cost(lp: &LinearProgram) -> f64 {
    solve_lp(lp, good_lp::clarabel)
}

#[cfg(feature = "highs")]
fn highs_cost(lp: &LinearProgram) -> f64 {
    solve_lp(lp, |p| good_lp::highs(p).set_threads(1))
}

fn bench(c: &mut Criterion) {
    let input = instance();
    let b = battery();
    let n = input.n_steps() as u64;
    let lp = linear_program(&input, &b).expect("valid input");

    // One timed run of each, to print costs and the speed ratios.
    // The optimal dispatch's time for the printed ratios: median of 21 runs after a warm-up.
    let opt = OptimalDispatch.dispatch(&input, &b).expect("feasible");
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let t0 = Instant::now();
            black_box(
                OptimalDispatch
                    .dispatch(black_box(&input), &b)
                    .expect("feasible"),
            );
            t0.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let t_opt = times[10];
    let rule = RuleDispatch.dispatch(&input, &b).expect("feasible");
    let t0 = Instant::now();
    let lp_c = clarabel_cost(&lp);
    let t_cl = t0.elapsed().as_secs_f64();
    eprintln!(
        "storage: optimal {:.2} yuan, rule {:.2} yuan, Clarabel LP {:.2} yuan (rel diff {:.1e}); \
         optimal {:.2} ms (median of 21), Clarabel {:.0} ms (one run, x{:.0})",
        opt.cost.total_yuan(),
        rule.cost.total_yuan(),
        lp_c,
        (opt.cost.total_yuan() - lp_c).abs() / lp_c.abs(),
        t_opt * 1e3,
        t_cl * 1e3,
        t_cl / t_opt
    );
    #[cfg(feature = "highs")]
    {
        let t0 = Instant::now();
        let lp_h = highs_cost(&lp);
        let t_h = t0.elapsed().as_secs_f64();
        eprintln!(
            "storage: HiGHS LP {:.2} yuan (rel diff {:.1e}); one run {:.0} ms (x{:.0} of optimal)",
            lp_h,
            (opt.cost.total_yuan() - lp_h).abs() / lp_h.abs(),
            t_h * 1e3,
            t_h / t_opt
        );
    }

    let mut g = c.benchmark_group("storage_dispatch");
    g.throughput(Throughput::Elements(n));
    g.bench_function(BenchmarkId::new("optimal_dp", n), |bch| {
        bch.iter(|| OptimalDispatch.dispatch(black_box(&input), black_box(&b)))
    });
    g.bench_function(BenchmarkId::new("rule", n), |bch| {
        bch.iter(|| RuleDispatch.dispatch(black_box(&input), black_box(&b)))
    });
    g.finish();

    let mut g = c.benchmark_group("storage_lp");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));
    g.bench_function(BenchmarkId::new("clarabel", n), |bch| {
        bch.iter(|| clarabel_cost(black_box(&lp)))
    });
    #[cfg(feature = "highs")]
    g.bench_function(BenchmarkId::new("highs", n), |bch| {
        bch.iter(|| highs_cost(black_box(&lp)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
