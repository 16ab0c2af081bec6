//! Investment metrics of a yearly cash-flow series: NPV, IRR, simple and discounted payback,
//! levelized cost.
//!
//! Convention: `flows[0]` happens at the start (year 0, not discounted), `flows[t]` at the end of
//! year `t`, discounted by `(1 + rate)^t`.
//!
//! # References
//! W. Short, D. J. Packey and T. Holt, "A Manual for the Economic Evaluation of Energy Efficiency
//! and Renewable Energy Technologies," NREL/TP-462-5173, National Renewable Energy Laboratory,
//! 1995. <https://doi.org/10.2172/35391>

/// Net present value.
///
/// # Arguments
/// * `rate` - discount rate per year [fraction], > -1
/// * `flows` - cash flows, year 0 first [yuan]
///
/// # Returns
/// NPV = Σ flows[t] / (1 + rate)^t [yuan].
pub fn npv(rate: f64, flows: &[f64]) -> f64 {
    let mut df = 1.0;
    let mut sum = 0.0;
    for &f in flows {
        sum += f * df;
        df /= 1.0 + rate;
    }
    sum
}

/// Number of sign changes of a series, ignoring zeros.
pub fn sign_changes(flows: &[f64]) -> usize {
    let mut last = 0.0f64;
    let mut n = 0;
    for &f in flows.iter().filter(|f| **f != 0.0) {
        if last != 0.0 && (f > 0.0) != (last > 0.0) {
            n += 1;
        }
        last = f;
    }
    n
}

/// Why a cash-flow series has no internal rate of return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoIrr {
    /// Every flow is zero.
    NoFlows,
    /// A flow is NaN or infinite.
    NotFinite,
    /// The first non-zero flow is an income: nothing is invested (e.g. the enterprise under
    /// EMC), so no rate makes the flows an investment that earns it.
    NoInvestment,
    /// The NPV is negative at every rate above -99%/yr: the flows never recover the investment.
    NeverRecovers,
}

impl NoIrr {
    /// The reason in a few words, for the `irr_note` columns.
    pub fn note(self) -> &'static str {
        match self {
            NoIrr::NoFlows => "no cash flows",
            NoIrr::NotFinite => "a cash flow is not finite",
            NoIrr::NoInvestment => "no investment: the first flow is an income",
            NoIrr::NeverRecovers => "never recovers the investment: NPV < 0 at every rate",
        }
    }
}

/// What a reader of an IRR column should know about it: why it is empty, or that the flows
/// change sign several times and the root on the investment side was taken; empty otherwise.
pub fn irr_note(flows: &[f64]) -> String {
    match irr_or_reason(flows) {
        Err(why) => why.note().to_string(),
        Ok(_) if sign_changes(flows) > 1 => format!(
            "flows change sign {} times: the rate where the NPV crosses zero from the investment side",
            sign_changes(flows)
        ),
        Ok(_) => String::new(),
    }
}

/// Lowest and highest rates searched for an IRR [fraction/yr].
const IRR_RATE_RANGE: (f64, f64) = (-0.99, 1000.0);

/// Internal rate of return: the rate at which the NPV is zero, on the investment side.
///
/// # Returns
/// The IRR [fraction/yr], or `None` when no real rate exists ([`irr_or_reason`] says why).
pub fn irr(flows: &[f64]) -> Option<f64> {
    irr_or_reason(flows).ok()
}

/// Internal rate of return, or why there is none.
///
/// # Returns
/// The rate `r` in (-0.99, 1000) per year with NPV(r) = 0 at which the NPV crosses zero coming
/// from the investment side: the largest such root. [`NoIrr`] when the series holds no
/// investment (first non-zero flow positive), never recovers it, is all zero or not finite.
///
/// # Notes
/// As the rate grows, NPV(r)·(1+r)^k tends to the first non-zero flow `f_k`; for an
/// investment (`f_k` < 0) the NPV is negative at high rates. Going down in rate from there, the
/// first zero crossing is the rate the investment earns: with one sign change of the flows it is
/// the only root (Descartes' rule of signs); with several (a battery replaced in mid-life, a
/// late inverter) the NPV can have several roots, and this one is reported: above it the
/// project destroys value at every rate, below it not at the first. A finite simple payback
/// means Σ flows ≥ 0, so NPV(0) ≥ 0 and this root is ≥ 0.
///
/// With one sign change the root is bracketed on the whole range. Otherwise the NPV is scanned
/// from the highest rate down on a grid of step 0.02 in ln(1 + r) (a root pair closer than
/// that can be stepped over) until its sign turns, which brackets the root. Either bracket is
/// then solved by Newton's method on the NPV with the analytic derivative, safeguarded by
/// bisection, to 1e-14 in rate.
pub fn irr_or_reason(flows: &[f64]) -> Result<f64, NoIrr> {
    if flows.iter().any(|f| !f.is_finite()) {
        return Err(NoIrr::NotFinite);
    }
    let first = flows
        .iter()
        .copied()
        .find(|f| *f != 0.0)
        .ok_or(NoIrr::NoFlows)?;
    if first > 0.0 {
        return Err(NoIrr::NoInvestment);
    }
    let (lo, hi) = IRR_RATE_RANGE;
    if sign_changes(flows) == 1 {
        let f_lo = npv(lo, flows);
        if f_lo == 0.0 {
            return Ok(lo);
        }
        if f_lo < 0.0 {
            return Err(NoIrr::NeverRecovers);
        }
        return Ok(solve_bracketed(flows, lo, hi, 0.08));
    }
    // Scan down from the investment side until the NPV is no longer negative.
    let step = 0.02;
    let (x_lo, x_hi) = ((1.0 + lo).ln(), (1.0 + hi).ln());
    let n = ((x_hi - x_lo) / step).ceil() as usize;
    let mut above = hi;
    for i in 1..=n {
        let x = (x_hi - step * i as f64).max(x_lo);
        let r = x.exp() - 1.0;
        let v = npv(r, flows);
        if v == 0.0 {
            return Ok(r);
        }
        if v > 0.0 {
            return Ok(solve_bracketed(flows, r, above, 0.5 * (r + above)));
        }
        above = r;
    }
    Err(NoIrr::NeverRecovers)
}

/// The root of the NPV in `(a, b)`, where NPV(a) > 0 > NPV(b), from `x0`: Newton's method with
/// the analytic derivative, a step that leaves the bracket replaced by bisection, every point
/// narrowing the bracket; stops when a step is below 1e-14 in rate.
fn solve_bracketed(flows: &[f64], mut a: f64, mut b: f64, x0: f64) -> f64 {
    let mut x = x0.clamp(a, b);
    for _ in 0..300 {
        let (f, df) = npv_with_derivative(x, flows);
        if f == 0.0 {
            return x;
        }
        if f > 0.0 {
            a = x;
        } else {
            b = x;
        }
        let newton = x - f / df;
        let next = if df != 0.0 && newton > a && newton < b {
            newton
        } else {
            0.5 * (a + b)
        };
        if (next - x).abs() <= 1e-14 || b - a <= 1e-14 {
            return next;
        }
        x = next;
    }
    x
}

/// NPV and its derivative in the rate [yuan, yuan per unit of rate].
fn npv_with_derivative(rate: f64, flows: &[f64]) -> (f64, f64) {
    let k = 1.0 / (1.0 + rate);
    let (mut df, mut v, mut d) = (1.0, 0.0, 0.0);
    for (t, &f) in flows.iter().enumerate() {
        v += f * df;
        d -= t as f64 * f * df * k;
        df *= k;
    }
    (v, d)
}

/// Years until the cumulative cash flow turns non-negative and stays so, interpolated linearly
/// within the year it crosses zero.
///
/// # Returns
/// `None` when it never does within the flows.
pub fn simple_payback_years(flows: &[f64]) -> Option<f64> {
    payback(flows.iter().copied())
}

/// Like [`simple_payback_years`] on the discounted flows.
pub fn discounted_payback_years(rate: f64, flows: &[f64]) -> Option<f64> {
    let mut df = 1.0;
    payback(flows.iter().map(move |&f| {
        let v = f * df;
        df /= 1.0 + rate;
        v
    }))
}

fn payback(flows: impl Iterator<Item = f64>) -> Option<f64> {
    let flows: Vec<f64> = flows.collect();
    let mut cum = Vec::with_capacity(flows.len());
    let mut s = 0.0;
    for f in &flows {
        s += f;
        cum.push(s);
    }
    if cum.first().is_some_and(|&c| c >= 0.0) && cum.iter().all(|&c| c >= 0.0) {
        return Some(0.0);
    }
    // The last year after which the cumulative sum never goes negative again.
    let last_neg = cum.iter().rposition(|&c| c < 0.0)?;
    if last_neg + 1 >= cum.len() {
        return None;
    }
    let before = cum[last_neg];
    let flow = flows[last_neg + 1];
    Some(last_neg as f64 + (-before / flow))
}

/// Capital recovery factor: the annuity that repays 1 yuan over `years` at `rate`.
pub fn capital_recovery_factor(rate: f64, years: u32) -> f64 {
    if rate.abs() < 1e-12 {
        return 1.0 / f64::from(years.max(1));
    }
    let g = (1.0 + rate).powi(years as i32);
    rate * g / (g - 1.0)
}

/// Levelized cost: discounted costs over discounted quantity (energy for LCOE, discharged
/// energy for LCOS).
///
/// # Arguments
/// * `rate` - discount rate [fraction]
/// * `costs` - costs per year, year 0 first (capital in year 0) [yuan]
/// * `quantity` - energy per year, year 0 first (normally 0 in year 0) [kWh]
///
/// # Returns
/// [yuan/kWh], or `None` when the discounted quantity is not positive.
///
/// # References
/// Short, Packey and Holt (1995), section 4.2, "Levelized cost of energy".
pub fn levelized_cost(rate: f64, costs: &[f64], quantity: &[f64]) -> Option<f64> {
    let q = npv(rate, quantity);
    (q > 0.0).then(|| npv(rate, costs) / q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn npv_of_textbook_flows() {
        // -1000 + 300/1.1 + 400/1.21 + 500/1.331 = -21.036814425244...
        let f = [-1000.0, 300.0, 400.0, 500.0];
        let expected = -1000.0 + 300.0 / 1.1 + 400.0 / 1.21 + 500.0 / 1.331;
        assert_relative_eq!(npv(0.1, &f), expected, max_relative = 1e-12);
        assert_relative_eq!(npv(0.1, &f), -21.036_814_425_244_18, epsilon = 1e-9);
        assert_relative_eq!(npv(0.0, &f), 200.0, epsilon = 1e-9);
    }

    #[test]
    fn irr_of_textbook_flows() {
        assert_relative_eq!(irr(&[-100.0, 110.0]).unwrap(), 0.1, epsilon = 1e-9);
        assert_relative_eq!(irr(&[-100.0, 0.0, 121.0]).unwrap(), 0.1, epsilon = 1e-9);
        // Annuity: 1000 repaid by 5 x 263.797480823... at 10%.
        let pmt = 1000.0 * capital_recovery_factor(0.1, 5);
        let f = [-1000.0, pmt, pmt, pmt, pmt, pmt];
        assert_relative_eq!(irr(&f).unwrap(), 0.1, epsilon = 1e-9);
        // The IRR zeroes the NPV.
        let g = [-1000.0, 300.0, 400.0, 500.0];
        let r = irr(&g).unwrap();
        assert!(npv(r, &g).abs() < 1e-7);
        assert_relative_eq!(r, 0.088_963_394_693_349_88, epsilon = 1e-9);
        // Negative IRR.
        let r = irr(&[-100.0, 50.0, 40.0]).unwrap();
        assert!(r < 0.0 && npv(r, &[-100.0, 50.0, 40.0]).abs() < 1e-9);
    }

    #[test]
    fn irr_zeroes_the_npv_of_random_project_flows() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
        for k in 0..2000 {
            let years = rng.random_range(2..40);
            let capex = rng.random_range(1e3..1e8);
            let yearly = capex * rng.random_range(0.005..1.5);
            let mut flows = vec![-capex];
            for y in 1..=years {
                // Declining savings, sometimes a late cost that keeps one sign change.
                flows.push(yearly * (1.0 - 0.01 * f64::from(y)).max(0.01));
            }
            if k % 2 == 0 {
                // Investment spread over two years.
                flows.insert(1, -0.3 * capex);
            }
            let r = irr(&flows).expect("one sign change and a root in the bracket");
            assert!(r > -0.99 && r < 10.0, "{k}: {r}");
            let scale: f64 = flows.iter().map(|f| f.abs()).sum();
            assert!(
                npv(r, &flows).abs() <= 1e-10 * scale,
                "{k}: NPV({r}) = {}",
                npv(r, &flows)
            );
            let (_, d) = npv_with_derivative(r, &flows);
            let h = 1e-7;
            let fd = (npv(r + h, &flows) - npv(r - h, &flows)) / (2.0 * h);
            assert!(
                (d - fd).abs() <= 1e-5 * (1.0 + fd.abs()),
                "{k}: {d} vs {fd}"
            );
        }
    }

    #[test]
    fn irr_none_only_where_no_rate_exists() {
        assert_eq!(irr_or_reason(&[100.0, 50.0]), Err(NoIrr::NoInvestment));
        assert_eq!(
            irr_or_reason(&[0.0, 100.0, -50.0]),
            Err(NoIrr::NoInvestment)
        );
        assert_eq!(irr_or_reason(&[-100.0, -50.0]), Err(NoIrr::NeverRecovers));
        assert_eq!(irr_or_reason(&[0.0, 0.0]), Err(NoIrr::NoFlows));
        assert_eq!(irr_or_reason(&[]), Err(NoIrr::NoFlows));
        assert_eq!(irr_or_reason(&[-1.0, f64::NAN]), Err(NoIrr::NotFinite));
        // Two sign changes that never recover: -100, +50, -10 (NPV < 0 at every rate).
        assert_eq!(
            irr_or_reason(&[-100.0, 50.0, -10.0]),
            Err(NoIrr::NeverRecovers)
        );
        assert_eq!(sign_changes(&[-1.0, 0.0, 2.0, 0.0, -3.0]), 2);
    }

    #[test]
    fn irr_with_several_sign_changes_is_the_root_on_the_investment_side() {
        // -100 + 230/(1+r) - 132/(1+r)^2 = 0 <=> 100x^2 - 230x + 132 = 0 with x = 1+r:
        // x = 1.1 or 1.2. Coming down from high rates (NPV -> -100), the first root is 20%.
        assert_relative_eq!(irr(&[-100.0, 230.0, -132.0]).unwrap(), 0.2, epsilon = 1e-12);
        // A battery replaced in year 3 of 5: -1000, 400, 400, -300, 400, 400 has one root with
        // NPV > 0 below it; the flows sum to 300 > 0, so the IRR is positive.
        let f = [-1000.0, 400.0, 400.0, -300.0, 400.0, 400.0];
        assert_eq!(sign_changes(&f), 3);
        let r = irr(&f).unwrap();
        assert!(npv(r, &f).abs() < 1e-9, "NPV({r}) = {}", npv(r, &f));
        assert!(r > 0.0 && npv(r + 1e-6, &f) < 0.0 && npv(r - 1e-6, &f) > 0.0);
        // Paid back within a year: the IRR may be far above 1000%/yr's old bound of 10.
        let r = irr(&[-100.0, 2000.0, -10.0]).unwrap();
        assert!(
            npv(r, &[-100.0, 2000.0, -10.0]).abs() < 1e-9 && r > 10.0,
            "{r}"
        );
    }

    #[test]
    fn payback_on_known_flows() {
        // Cumulative: -1000, -700, -300, +200: pays back 300/500 into year 3.
        assert_relative_eq!(
            simple_payback_years(&[-1000.0, 300.0, 400.0, 500.0]).unwrap(),
            2.6,
            epsilon = 1e-12
        );
        assert_eq!(simple_payback_years(&[-1000.0, 100.0, 100.0]), None);
        // Discounted at 10%: -1000, 272.73, 330.58, 375.66 never recovers within 3 years.
        assert_eq!(
            discounted_payback_years(0.1, &[-1000.0, 300.0, 400.0, 500.0]),
            None
        );
        // 0% discount equals simple payback.
        assert_relative_eq!(
            discounted_payback_years(0.0, &[-1000.0, 300.0, 400.0, 500.0]).unwrap(),
            2.6,
            epsilon = 1e-12
        );
        // A later negative flow (replacement) moves the payback after it.
        let f = [-100.0, 60.0, 60.0, -50.0, 60.0];
        // Cumulative -100, -40, 20, -30, 30: last negative at year 3, pays back 0.5 into year 4.
        assert_relative_eq!(simple_payback_years(&f).unwrap(), 3.5, epsilon = 1e-12);
    }

    #[test]
    fn lcoe_of_a_known_case_by_hand() {
        // 1 kW PV: capex 2800 yuan, O&M 35 yuan/yr, 1000 kWh/yr for 2 years, 10% rate.
        // costs PV = 2800 + 35/1.1 + 35/1.21 = 2860.74380...; energy PV = 1000/1.1 + 1000/1.21
        // = 1735.53719...; LCOE = 1.648333... yuan/kWh.
        let lcoe = levelized_cost(0.1, &[2800.0, 35.0, 35.0], &[0.0, 1000.0, 1000.0]).unwrap();
        let expected = (2800.0 + 35.0 / 1.1 + 35.0 / 1.21) / (1000.0 / 1.1 + 1000.0 / 1.21);
        assert_relative_eq!(lcoe, expected, max_relative = 1e-12);
        assert_relative_eq!(lcoe, 1.648_333_333_3, epsilon = 1e-9);
        // With constant energy, LCOE = CRF x capex / energy + O&M / energy.
        let years = 25;
        let mut costs = vec![2800.0];
        let mut energy = vec![0.0];
        for _ in 0..years {
            costs.push(35.0);
            energy.push(1000.0);
        }
        let crf = capital_recovery_factor(0.06, years);
        assert_relative_eq!(
            levelized_cost(0.06, &costs, &energy).unwrap(),
            (crf * 2800.0 + 35.0) / 1000.0,
            max_relative = 1e-12
        );
        assert_eq!(levelized_cost(0.1, &[1.0], &[0.0]), None);
    }

    proptest::proptest! {
        /// NPV falls as the discount rate rises when every flow after year 0 is positive.
        #[test]
        fn npv_monotone_in_rate(
            capex in 1.0f64..1e6,
            flows in proptest::collection::vec(0.0f64..1e5, 1..30),
            r1 in 0.0f64..0.5,
            dr in 0.001f64..0.5,
        ) {
            let mut f = vec![-capex];
            f.extend(flows);
            proptest::prop_assert!(npv(r1 + dr, &f) <= npv(r1, &f) + 1e-9);
        }
    }
}
