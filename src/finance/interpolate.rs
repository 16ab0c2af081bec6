//! Savings of later project years from a few re-simulated years: piecewise-linear interpolation
//! of what the re-simulation changed.
//!
//! The first simulated year fixes the level of each year's figures (under the tariff in force);
//! re-simulating year `y` with aged equipment measures the change `Δ_y = f_y − f_1` of a figure
//! `f` (a saving, an energy) from that level. Between re-simulated points the change is
//! interpolated linearly (the park's yearly figures switch to the degradation scaling beyond the
//! last point, see `park::money`; this function itself extends the end segments). Without
//! a tariff switch this is plain linear interpolation of the savings between simulated years,
//! with year 1 the first point; with a switch, interpolating the change rather than the saving
//! keeps the step the new tariff makes at its first year.
//!
//! # References
//! W. Short, D. J. Packey and T. Holt, "A Manual for the Economic Evaluation of Energy Efficiency
//! and Renewable Energy Technologies," NREL/TP-462-5173, NREL, 1995, ch. 4 (year-by-year cash
//! flows). <https://doi.org/10.2172/35391>
//!
//! N. Blair et al., "System Advisor Model (SAM) General Description (Version 2017.9.5),"
//! NREL/TP-6A20-70414, 2018 (annual simulations over the analysis period, "lifetime" mode).
//! <https://doi.org/10.2172/1440404>

/// Value at `x` of the piecewise-linear function through `points`.
///
/// # Arguments
/// * `points` - `(x, value)` pairs in any order; several pairs at the same `x` are averaged
/// * `x` - where to evaluate
///
/// # Returns
/// The linear interpolation between the two points around `x`; outside the points, the line
/// through the two nearest end points (one point: its value; none: 0).
pub fn piecewise_linear(points: &[(f64, f64)], x: f64) -> f64 {
    let mut pts: Vec<(f64, f64, u32)> = Vec::with_capacity(points.len());
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (px, v) in sorted {
        match pts.last_mut() {
            Some(last) if (last.0 - px).abs() <= 1e-12 * (1.0 + px.abs()) => {
                last.1 += v;
                last.2 += 1;
            }
            _ => pts.push((px, v, 1)),
        }
    }
    let pts: Vec<(f64, f64)> = pts
        .into_iter()
        .map(|(px, v, n)| (px, v / f64::from(n)))
        .collect();
    match pts.len() {
        0 => 0.0,
        1 => pts[0].1,
        n => {
            // The segment around x, or the end segment on x's side.
            let i = pts
                .iter()
                .position(|p| p.0 > x)
                .map_or(n - 2, |j| j.clamp(1, n - 1) - 1);
            let (x0, y0) = pts[i];
            let (x1, y1) = pts[i + 1];
            y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn interpolates_between_and_extrapolates_beyond() {
        let p = [(1.0, 0.0), (10.0, -9.0), (20.0, -29.0)];
        assert_relative_eq!(piecewise_linear(&p, 1.0), 0.0);
        assert_relative_eq!(piecewise_linear(&p, 4.0), -3.0);
        assert_relative_eq!(piecewise_linear(&p, 10.0), -9.0);
        assert_relative_eq!(piecewise_linear(&p, 15.0), -19.0);
        assert_relative_eq!(piecewise_linear(&p, 20.0), -29.0);
        // Beyond the last point the 10-20 slope (-2/yr) continues.
        assert_relative_eq!(piecewise_linear(&p, 25.0), -39.0);
        // Before the first point the 1-10 slope continues.
        assert_relative_eq!(piecewise_linear(&p, 0.0), 1.0);
    }

    #[test]
    fn order_and_duplicates_do_not_matter() {
        let p = [(20.0, -29.0), (1.0, 0.0), (10.0, -8.0), (10.0, -10.0)];
        assert_relative_eq!(piecewise_linear(&p, 10.0), -9.0);
        assert_relative_eq!(piecewise_linear(&p, 4.0), -3.0);
        assert_relative_eq!(piecewise_linear(&[(3.0, 2.5)], 9.0), 2.5);
        assert_relative_eq!(piecewise_linear(&[], 9.0), 0.0);
    }
}
