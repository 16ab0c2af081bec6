//! Exact perfect-foresight optimal dispatch: a dynamic program over stored energy whose value
//! functions are convex piecewise-linear and propagated exactly, a convex search for the monthly
//! demand level, and a Lagrangian search for the cycle cap.
//!
//! # The linear program solved
//! Per billing period `m` (a run of equal month index) with steps `t` of `τ` hours, battery AC
//! power `u_t = c_t − d_t`, stored energy `E_t`, grid import `i_t`, export `e_t`, demand level
//! `D_m`:
//!
//! ```text
//! min Σ_t τ (p_imp,t i_t − p_exp,t e_t + κ/2 (c_t + d_t)) + Σ_m r D_m
//! s.t. E_{t+1} = E_t + η_c c_t τ − d_t τ / η_d,   E_min <= E_t <= E_max,
//!      E_start(m) = E_end(m) = E_0                                  (cyclic per billing period)
//!      0 <= c_t <= P_ch, 0 <= d_t <= P_dis,  u_lo,t <= c_t − d_t <= u_hi,t   (step_limits)
//!      i_t − e_t = n_t + c_t − d_t,  i_t, e_t >= 0,  i_t <= D_m,
//!      Σ_{t in m} d_t τ / η_d <= cycles/day × days(m) × usable energy
//! ```
//!
//! Degradation `κ` [yuan/kWh] is charged on the AC throughput `(c + d)/2`. In steps where the
//! export price exceeds the import price, `step_limits` keeps the grid flow on the side of the
//! no-battery net load, so the LP cannot import and export in the same step (free money).
//!
//! # Algorithm
//! With `Δ = E_{t+1} − E_t`, eliminating `c, d, i, e` gives a stage cost `h_t(Δ)` that is convex
//! piecewise-linear with at most four pieces (breakpoints at `Δ = 0` and where the grid flow
//! changes sign); convexity needs non-negative prices. The cost-to-go obeys
//! `V_t(E) = min_{E'} h_t(E' − E) + V_{t+1}(E')` restricted to `[E_min, E_max]`, an infimal
//! convolution of convex piecewise-linear functions, which is again convex piecewise-linear: its
//! pieces are the pieces of both operands sorted by slope. `V` is stored as a start point, a start
//! value and a list of (length, slope) pieces, so one step costs O(pieces). A forward pass
//! recovers an optimal `E_{t+1}` from the stored `V_{t+1}` by walking the same merged pieces.
//!
//! For a demand charge the period cost `φ(D) = V_0(E_0; D) + r D` is convex and piecewise linear in
//! the import cap `D` (parametric right-hand side of an LP). The DP is run on dual numbers carrying
//! `∂/∂D`, which yields `φ'(D)`. A cutting-plane search (intersection of the tangents at the two
//! ends of the bracket, bisection as a safeguard) finds the minimum; the tangents give a lower
//! bound, so the search stops with a certificate `φ(best) − bound <= 1e-10 |φ|`.
//!
//! A binding cycle cap is dualised with a price `λ` per discharged kWh; the dual function is
//! concave in `λ` and maximised by the same search. The dispatch returned is the one at the
//! smallest `λ` found whose discharge meets the cap (feasible); the dual bound certifies how far it
//! can be from the optimum (reported in `OptimalDispatch::dispatch_with_bound`).
//!
//! # References
//! D. P. Bertsekas, *Dynamic Programming and Optimal Control*, vol. 1, 4th ed., Athena Scientific,
//! 2017 (convexity of the cost-to-go, ch. 4).
//! R. T. Rockafellar, *Convex Analysis*, Princeton Univ. Press, 1970 (infimal convolution, §5).

use super::super::{Battery, DispatchInput, DispatchResult, StorageError, step_limits};
use super::Dispatch;
use std::ops::{Add, Mul, Sub};

/// Exact optimal dispatch (perfect foresight), see the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptimalDispatch;

/// A value and its derivative with respect to the demand level `D` (forward-mode AD).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Dl {
    v: f64,
    d: f64,
}

impl Dl {
    const fn c(v: f64) -> Dl {
        Dl { v, d: 0.0 }
    }
}
impl Add for Dl {
    type Output = Dl;
    fn add(self, o: Dl) -> Dl {
        Dl {
            v: self.v + o.v,
            d: self.d + o.d,
        }
    }
}
impl Sub for Dl {
    type Output = Dl;
    fn sub(self, o: Dl) -> Dl {
        Dl {
            v: self.v - o.v,
            d: self.d - o.d,
        }
    }
}
impl Mul<f64> for Dl {
    type Output = Dl;
    fn mul(self, k: f64) -> Dl {
        Dl {
            v: self.v * k,
            d: self.d * k,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Seg {
    len: Dl,
    slope: f64,
}

/// Convex piecewise-linear function on `[a, a + Σ len]`.
#[derive(Debug, Clone, Default)]
struct Pwl {
    a: Dl,
    val: Dl,
    segs: Vec<Seg>,
}

/// The reflected stage cost `h̃(y) = h(−y)` of one step, at most four pieces.
#[derive(Debug, Clone, Copy)]
struct Stage {
    a: Dl,
    val: Dl,
    n: usize,
    /// How many of the first pieces charge (`Δ > 0`); the rest discharge, and a cycle price
    /// `λ` raises their (reflected) slopes by `λ`.
    charge: usize,
    segs: [Seg; 4],
}

impl Stage {
    const EMPTY: Stage = Stage {
        a: Dl::c(0.0),
        val: Dl::c(0.0),
        n: 0,
        charge: 0,
        segs: [Seg {
            len: Dl::c(0.0),
            slope: 0.0,
        }; 4],
    };
}

/// Buffers of one solve: the two value functions of the backward pass, the stage costs of the
/// current period without a demand cap at cycle price zero (`base`, rebuilt only when the period
/// changes) and at the current nonzero cycle price (`priced`, derived from `base`), and the
/// feasibility edge of the current period.
#[derive(Debug, Default)]
struct Work {
    bufs: [Pwl; 2],
    base: Vec<Stage>,
    base_key: Option<(usize, usize)>,
    priced: Vec<Stage>,
    priced_key: Option<(usize, usize, u64)>,
    edge: Option<(usize, usize, Option<f64>)>,
    /// The value functions of the last pass that kept them (for the forward recovery).
    store: Store,
    /// The value functions of the best demand level probed so far by the current demand
    /// search, and that level's bits: the forward recovery at the search's optimum reads them
    /// instead of repeating the backward pass there.
    best: Store,
    best_at: Option<u64>,
    /// AC power per step of the last recovery [kW].
    u: Vec<f64>,
}

impl Work {
    /// The uncapped stages of the prepared period at cycle price `lambda` ([`Ctx::prepare`]).
    fn stages(&self, lambda: f64) -> &[Stage] {
        stages_at(&self.base, &self.priced, lambda)
    }
}

/// Of the zero-price stages `base` and the stages `priced` at a nonzero cycle price, those
/// of `lambda` (a free function so that a caller holding other fields of [`Work`] can use it).
fn stages_at<'a>(base: &'a [Stage], priced: &'a [Stage], lambda: f64) -> &'a [Stage] {
    if lambda.to_bits() == 0 { base } else { priced }
}

/// Per-solve constants.
struct Ctx<'a> {
    input: &'a DispatchInput,
    battery: &'a Battery,
    lo_u: Vec<f64>,
    hi_u: Vec<f64>,
    e_min: f64,
    e_max: f64,
    e0: f64,
    tol_e: f64,
}

/// Result of a period solve: cost (with derivative in D) and discharged energy.
#[derive(Debug, Clone, Copy)]
struct PeriodEval {
    cost: Dl,
}

impl<'a> Ctx<'a> {
    fn new(input: &'a DispatchInput, battery: &'a Battery) -> Ctx<'a> {
        let n = input.n_steps();
        let mut lo_u = Vec::with_capacity(n);
        let mut hi_u = Vec::with_capacity(n);
        for t in 0..n {
            let l = step_limits(input, battery, t);
            lo_u.push(l.u_min_kw);
            hi_u.push(l.u_max_kw);
        }
        Ctx {
            input,
            battery,
            lo_u,
            hi_u,
            e_min: battery.min_energy_kwh(),
            e_max: battery.max_energy_kwh(),
            e0: battery.initial_energy_kwh(),
            tol_e: 1e-11 * battery.params().capacity_kwh.max(1.0),
        }
    }

    fn net(&self, t: usize) -> f64 {
        self.input.net_load_kw[t] + self.battery.aux_power_kw()
    }

    /// Stage cost of AC power `u` in step `t` (energy, degradation, cycle price) [yuan].
    fn stage_cost(&self, t: usize, u: f64, lambda: f64) -> f64 {
        let inp = self.input;
        let tau = inp.step_hours;
        let g = self.net(t) + u;
        let de = self.battery.energy_change_kwh(u, tau);
        tau * (inp.import_price_per_kwh[t] * g.max(0.0)
            - inp.export_price_per_kwh[t] * (-g).max(0.0)
            + 0.5 * inp.degradation_cost_per_kwh * u.abs())
            + lambda * (-de).max(0.0)
    }

    /// Slope of `h_t` with respect to `Δ` at an interior point `dm` of a piece [yuan/kWh].
    fn slope(&self, t: usize, dm: f64, lambda: f64) -> f64 {
        let inp = self.input;
        let tau = inp.step_hours;
        let u = self.battery.power_for_energy_change_kw(dm, tau);
        let p = if self.net(t) + u > 0.0 {
            inp.import_price_per_kwh[t]
        } else {
            inp.export_price_per_kwh[t]
        };
        let k = 0.5 * inp.degradation_cost_per_kwh;
        if dm > 0.0 {
            (p + k) / self.battery.charge_efficiency()
        } else {
            (p - k) * self.battery.discharge_efficiency() - lambda
        }
    }

    /// Builds the reflected stage cost of step `t` under demand level `dem` (may be infinite).
    /// `None` when the demand level leaves no feasible power.
    #[cfg(test)]
    fn stage(&self, t: usize, dem: f64, lambda: f64) -> Option<Stage> {
        let mut st = Stage::EMPTY;
        self.stage_into(t, dem, lambda, &mut st).then_some(st)
    }

    /// [`Ctx::stage`] written into `st` (built in place: a stage returned by value is copied
    /// through `memcpy`, in every step of every period); false when the demand level leaves
    /// no feasible power.
    fn stage_into(&self, t: usize, dem: f64, lambda: f64, st: &mut Stage) -> bool {
        let tau = self.input.step_hours;
        let b = self.battery;
        let lo = self.lo_u[t];
        let mut hi = self.hi_u[t];
        let mut dhi = 0.0;
        let cap = dem - self.net(t);
        if cap < hi {
            hi = cap;
            dhi = 1.0;
        }
        if hi < lo - 1e-12 * (1.0 + lo.abs()) {
            return false;
        }
        let hi = hi.max(lo);
        let d_lo = b.energy_change_kwh(lo, tau);
        let d_hi = b.energy_change_kwh(hi, tau);
        let dd_hi = dhi
            * if hi > 0.0 {
                b.charge_efficiency() * tau
            } else {
                tau / b.discharge_efficiency()
            };
        // Breakpoints of h in Δ, ascending.
        let mut bp = [d_lo, 0.0, 0.0, 0.0, 0.0];
        let mut nb = 1;
        let d0 = b.energy_change_kwh(-self.net(t), tau);
        let mut inner = [d0, 0.0];
        if inner[0] > inner[1] {
            inner.swap(0, 1);
        }
        for x in inner {
            if x > bp[nb - 1] && x < d_hi {
                bp[nb] = x;
                nb += 1;
            }
        }
        if d_hi > bp[nb - 1] {
            bp[nb] = d_hi;
            nb += 1;
        }
        st.a = Dl {
            v: -d_hi,
            d: -dd_hi,
        };
        st.val = Dl::c(self.stage_cost(t, hi, lambda));
        st.n = nb - 1;
        st.charge = 0;
        // Pieces of h̃ = pieces of h right to left, slopes negated.
        for k in 0..nb - 1 {
            let (x0, x1) = (bp[nb - 2 - k], bp[nb - 1 - k]);
            let dm = 0.5 * (x0 + x1);
            if dm > 0.0 {
                st.charge = k + 1;
            }
            let s = self.slope(t, dm, lambda);
            let d = if k == 0 { dd_hi } else { 0.0 };
            st.segs[k] = Seg {
                len: Dl { v: x1 - x0, d },
                slope: -s,
            };
        }
        // d h(Δ_hi)/dD = h'(Δ_hi−) · dΔ_hi/dD.
        let s_end = if st.n > 0 {
            -st.segs[0].slope
        } else {
            self.slope(t, d_hi, lambda)
        };
        st.val.d = s_end * dd_hi;
        true
    }

    /// Makes the stage costs of the steps of `range` at cycle price `lambda` without a demand
    /// cap ready in `work` ([`Work::stages`]), unless they are there already.
    fn prepare(&self, work: &mut Work, range: &std::ops::Range<usize>, lambda: f64) {
        let key = (range.start, range.end);
        if work.base_key != Some(key) {
            work.base.resize(range.len(), Stage::EMPTY);
            for (st, t) in work.base.iter_mut().zip(range.clone()) {
                let ok = self.stage_into(t, f64::INFINITY, 0.0, st);
                assert!(
                    ok,
                    "u = 0 is always allowed, so a step without a demand cap is feasible"
                );
            }
            work.base_key = Some(key);
        }
        let priced = (key.0, key.1, lambda.to_bits());
        if lambda.to_bits() == 0 || work.priced_key == Some(priced) {
            return;
        }
        work.priced.clear();
        work.priced.extend(
            work.base
                .iter()
                .zip(range.clone())
                .map(|(b, t)| self.priced_stage(b, t, lambda)),
        );
        work.priced_key = Some(priced);
    }

    /// The uncapped stage of step `t` at cycle price `lambda` from its stage `base` at price
    /// zero, bit for bit what [`Ctx::stage_into`] builds at `lambda`: the price only lowers the
    /// slopes of `h` where it discharges (raises those of `h̃`) and adds `λ` per kWh discharged
    /// at the right end of `h̃`'s domain; the breakpoints do not move.
    fn priced_stage(&self, base: &Stage, t: usize, lambda: f64) -> Stage {
        let mut st = *base;
        for s in &mut st.segs[st.charge..st.n] {
            // Written as `stage_into` computes it: −((p − k)·η_d − λ).
            s.slope = -(-s.slope - lambda);
        }
        // The value at the right end Δ_hi = −a: `stage_cost` adds λ·max(−Δ_hi, 0).
        st.val.v = base.val.v + lambda * base.a.v.max(0.0);
        // Without a cap dΔ_hi/dD = 0 (the derivative is a signed zero, as `stage_into` has it).
        let s_end = if st.n > 0 {
            -st.segs[0].slope
        } else {
            self.slope(t, -base.a.v, lambda)
        };
        st.val.d = s_end * 0.0;
        st
    }

    /// The stage cost of step `t` under demand level `dem`, from the uncapped stage `base` of
    /// the same step and cycle price `lambda`: the cap removes the part of the domain above the
    /// largest allowed charge (the left end of the reflected function), and the pieces that
    /// remain are those of `base`. Equal to [`Ctx::stage`] up to rounding, at a fraction of the
    /// cost. `None` when the demand level leaves no feasible power.
    fn stage_at<'s>(
        &self,
        base: &'s Stage,
        t: usize,
        dem: f64,
        lambda: f64,
        tmp: &'s mut Stage,
    ) -> Option<&'s Stage> {
        let cap = dem - self.net(t);
        if cap >= self.hi_u[t] {
            return Some(base);
        }
        let lo = self.lo_u[t];
        if cap < lo - 1e-12 * (1.0 + lo.abs()) {
            return None;
        }
        let b = self.battery;
        let tau = self.input.step_hours;
        let hi = cap.max(lo);
        let d_hi = b.energy_change_kwh(hi, tau);
        let dd_hi = if hi > 0.0 {
            b.charge_efficiency() * tau
        } else {
            tau / b.discharge_efficiency()
        };
        // Length of the reflected domain to cut from the left [kWh].
        let mut r = -base.a.v - d_hi;
        let mut val = base.val.v;
        let mut k = 0;
        while k < base.n && base.segs[k].len.v <= r {
            val += base.segs[k].len.v * base.segs[k].slope;
            r -= base.segs[k].len.v;
            k += 1;
        }
        let st = tmp;
        st.a = Dl {
            v: -d_hi,
            d: -dd_hi,
        };
        st.n = base.n - k;
        // Element by element: a slice copy of a run-time length calls `memmove` (at most 4
        // pieces, in every step of every pass).
        for i in 0..st.n {
            st.segs[i] = base.segs[k + i];
        }
        let s_end = if st.n > 0 {
            val += r * st.segs[0].slope;
            st.segs[0].len = Dl {
                v: st.segs[0].len.v - r,
                d: dd_hi,
            };
            -st.segs[0].slope
        } else {
            self.slope(t, d_hi, lambda)
        };
        st.val = Dl {
            v: val,
            d: s_end * dd_hi,
        };
        Some(st)
    }

    /// `out = clip(h̃ □ v)` to `[E_min, E_max]`; false when the result is empty. The pieces of
    /// both operands are merged by slope, and the parts outside the SOC window are cut while
    /// merging.
    fn convolve(&self, st: &Stage, v: &Pwl, out: &mut Pwl) -> bool {
        let a = st.a + v.a;
        if a.v > self.e_max + self.tol_e {
            return false;
        }
        let mut val = st.val + v.val;
        // Length still to cut below E_min, the start of the clipped domain, and its room.
        let (mut rem, start) = if a.v < self.e_min {
            (Dl::c(self.e_min) - a, Dl::c(self.e_min))
        } else if a.v > self.e_max {
            (Dl::c(0.0), Dl::c(self.e_max))
        } else {
            (Dl::c(0.0), a)
        };
        let room = Dl::c(self.e_max) - start;
        let mut used = Dl::c(0.0);
        out.segs.clear();
        let (mut i, mut j) = (0, 0);
        let hs = &st.segs[..st.n];
        while i < hs.len() || j < v.segs.len() {
            let take_h = j >= v.segs.len() || (i < hs.len() && hs[i].slope <= v.segs[j].slope);
            let mut s = if take_h {
                i += 1;
                hs[i - 1]
            } else {
                j += 1;
                v.segs[j - 1]
            };
            if s.len.v <= 0.0 {
                continue;
            }
            if rem.v > 0.0 {
                if s.len.v <= rem.v {
                    val = val + s.len * s.slope;
                    rem = rem - s.len;
                    continue;
                }
                val = val + rem * s.slope;
                s.len = s.len - rem;
                rem = Dl::c(0.0);
            }
            let full = start.v + used.v + s.len.v >= self.e_max;
            if full {
                s.len = room - used;
            }
            if s.len.v > 0.0 {
                match out.segs.last_mut() {
                    Some(last) if (last.slope - s.slope).abs() <= 1e-13 * (1.0 + s.slope.abs()) => {
                        last.len = last.len + s.len;
                    }
                    _ => out.segs.push(s),
                }
                used = used + s.len;
            }
            if full {
                break;
            }
        }
        if rem.v > self.tol_e {
            return false;
        }
        out.a = start;
        out.val = val;
        true
    }

    /// How far a period is from feasible under demand level `dem`, and the right derivative
    /// of that in `dem`: `F(D) = max(max_t (L_t − U_t), L_0 − E_0, E_0 − U_0)` where `[L_t, U_t]`
    /// is the set of stored energies at step `t` from which the period can still end at `E_0`
    /// (backward reachability). `U_t` does not depend on `D`; `L_t(D) = max(E_min, L_{t+1} −
    /// Δmax_t(D))` with `Δmax_t` concave in `D`, so `F` is convex and nonincreasing, and the
    /// period is feasible exactly where `F <= 0` (within the DP's tolerance). Needs
    /// `dem >= max_t (n_t + u_lo,t)`.
    fn infeasibility(&self, range: std::ops::Range<usize>, dem: f64) -> (f64, f64) {
        let b = self.battery;
        let tau = self.input.step_hours;
        let (mut l, mut dl, mut u) = (self.e0, 0.0, self.e0);
        let mut worst = (f64::NEG_INFINITY, 0.0);
        let note = |gap: f64, d: f64, worst: &mut (f64, f64)| {
            // Right derivative of a max: the largest slope among the largest terms.
            if gap > worst.0 || (gap >= worst.0 && d > worst.1) {
                *worst = (gap, d);
            }
        };
        for t in range.rev() {
            let lo = self.lo_u[t];
            let cap = dem - self.net(t);
            let (hi, dhi) = if cap < self.hi_u[t] {
                (cap.max(lo), 1.0)
            } else {
                (self.hi_u[t], 0.0)
            };
            let dd_max = dhi
                * if hi >= 0.0 {
                    b.charge_efficiency() * tau
                } else {
                    tau / b.discharge_efficiency()
                };
            let lc = l - b.energy_change_kwh(hi, tau);
            if lc <= self.e_min {
                (l, dl) = (self.e_min, 0.0);
            } else {
                (l, dl) = (lc, dl - dd_max);
            }
            u = (u - b.energy_change_kwh(lo, tau)).min(self.e_max);
            note(l - u, dl, &mut worst);
        }
        note(l - self.e0, dl, &mut worst);
        note(self.e0 - u, 0.0, &mut worst);
        worst
    }

    /// The smallest demand level in `[d_lo, d_hi]` at which the period is feasible (the lowest
    /// peak the battery can hold), by Newton's method on the convex nonincreasing
    /// [`Ctx::infeasibility`] from the infeasible side: each tangent lies below `F`, so the
    /// iterates never pass the edge and reach it after finitely many pieces. `None` when no
    /// demand level is feasible.
    fn feasibility_edge(&self, range: std::ops::Range<usize>, d_lo: f64, d_hi: f64) -> Option<f64> {
        let mut d = d_lo;
        for _ in 0..100 {
            let (f, g) = self.infeasibility(range.clone(), d);
            if f <= self.tol_e {
                return Some(d);
            }
            if g >= 0.0 || d >= d_hi {
                return None;
            }
            d = (d - f / g).min(d_hi);
        }
        // Not settled (rounding): the demand search brackets the edge itself from here.
        Some(d)
    }

    /// A digest of everything [`Ctx::feasibility_edge`] reads for a period: the net load, the
    /// power limits per step, the battery's energies, efficiencies and tolerance, the step
    /// length and the search interval (XXH3, 128 bits).
    fn edge_key(&self, range: std::ops::Range<usize>, d_lo: f64, d_hi: f64) -> u128 {
        let b = self.battery;
        let scalars = [
            self.input.step_hours,
            b.aux_power_kw(),
            b.charge_efficiency(),
            b.discharge_efficiency(),
            self.e_min,
            self.e_max,
            self.e0,
            self.tol_e,
            d_lo,
            d_hi,
        ];
        let mut h = xxhash_rust::xxh3::Xxh3Default::new();
        h.update(&(range.len() as u64).to_le_bytes());
        for part in [
            &scalars[..],
            &self.input.net_load_kw[range.clone()],
            &self.lo_u[range.clone()],
            &self.hi_u[range],
        ] {
            h.update(bytemuck::cast_slice::<f64, u8>(part));
        }
        h.digest128()
    }

    /// [`Ctx::feasibility_edge`], remembered on this thread under [`Ctx::edge_key`]: the edge
    /// does not depend on prices, so the samples of a price sweep (and the energy rates of one
    /// enterprise) that dispatch the same load with the same battery find it once. At most
    /// [`EDGE_MEMO_ENTRIES`] edges are kept; the memo is emptied when full.
    fn remembered_edge(&self, range: std::ops::Range<usize>, d_lo: f64, d_hi: f64) -> Option<f64> {
        let key = self.edge_key(range.clone(), d_lo, d_hi);
        if let Some(edge) = EDGE_MEMO.with_borrow(|m| m.get(&key).copied()) {
            return edge;
        }
        let edge = self.feasibility_edge(range, d_lo, d_hi);
        EDGE_MEMO.with_borrow_mut(|m| {
            if m.len() >= EDGE_MEMO_ENTRIES {
                m.clear();
            }
            m.insert(key, edge);
        });
        edge
    }

    /// Value of `f` at `x` (clamped into the domain within tolerance); `None` outside.
    fn value_at(&self, f: &Pwl, x: f64) -> Option<Dl> {
        if x < f.a.v - self.tol_e {
            return None;
        }
        let mut rem = Dl::c(x) - f.a;
        let mut val = f.val;
        for s in &f.segs {
            if rem.v <= 0.0 {
                return Some(val);
            }
            if s.len.v >= rem.v {
                return Some(val + rem * s.slope);
            }
            val = val + s.len * s.slope;
            rem = rem - s.len;
        }
        if rem.v > self.tol_e { None } else { Some(val) }
    }

    /// Backward DP over one billing period. Stores every `V_{t+1}` in `work.store` when
    /// `keep`.
    fn solve_period(
        &self,
        range: std::ops::Range<usize>,
        dem: f64,
        lambda: f64,
        work: &mut Work,
        keep: bool,
    ) -> Option<PeriodEval> {
        self.prepare(work, &range, lambda);
        let Work {
            bufs,
            base,
            priced,
            store,
            ..
        } = work;
        let stages = stages_at(base, priced, lambda);
        let mut store = keep.then_some(store);
        let [cur, next] = bufs;
        next.a = Dl::c(self.e0);
        next.val = Dl::c(0.0);
        next.segs.clear();
        let mut tmp = Stage::EMPTY;
        for t in range.clone().rev() {
            if let Some(s) = store.as_deref_mut() {
                s.push(t, next);
            }
            let st = self.stage_at(&stages[t - range.start], t, dem, lambda, &mut tmp)?;
            if !self.convolve(st, next, cur) {
                return None;
            }
            std::mem::swap(cur, next);
        }
        let cost = self.value_at(next, self.e0)?;
        Some(PeriodEval { cost })
    }

    /// Forward recovery of a period at (D, λ) from the value functions kept by a backward pass
    /// at the same point `(D, λ)`; writes `u` per step and returns the battery-side discharged
    /// energy [kWh].
    fn recover(
        &self,
        range: std::ops::Range<usize>,
        (dem, lambda): (f64, f64),
        stages: &[Stage],
        store: &Store,
        u: &mut [f64],
    ) -> f64 {
        let tau = self.input.step_hours;
        let mut e = self.e0;
        let mut discharged = -0.0;
        let mut tmp = Stage::EMPTY;
        for t in range.clone() {
            let Some(st) = self.stage_at(&stages[t - range.start], t, dem, lambda, &mut tmp) else {
                u[t] = 0.0;
                continue;
            };
            let (va, segs) = store.get(t);
            let hs = &st.segs[..st.n];
            // The split of `e` between the stage and `V_{t+1}`: walk the merged pieces (by
            // slope) until `e` is reached; the length taken from `V_{t+1}` is where it ends.
            let walk = |mut rem: f64| {
                let (mut i, mut j, mut used_v) = (0, 0, 0.0);
                while rem > 0.0 && (i < hs.len() || j < segs.len()) {
                    let take_h = j >= segs.len() || (i < hs.len() && hs[i].slope <= segs[j].1);
                    if take_h {
                        rem -= hs[i].len.v.max(0.0);
                        i += 1;
                    } else {
                        let l = segs[j].0.min(rem);
                        used_v += l;
                        rem -= l;
                        j += 1;
                    }
                }
                (used_v, rem > 0.0)
            };
            let x = (e - (st.a.v + va)).max(0.0);
            let (mut used_v, beyond) = walk(x);
            if beyond {
                // `e` at or past the end of the domain (rounding): clamp it to the domain's
                // length first, as the walk would otherwise take the rest of every piece.
                let total: f64 =
                    hs.iter().map(|s| s.len.v).sum::<f64>() + segs.iter().map(|s| s.0).sum::<f64>();
                used_v = walk(x.min(total)).0;
            }
            let e_next = (va + used_v).clamp(self.e_min, self.e_max);
            let de = e_next - e;
            let lo = self.battery.energy_change_kwh(self.lo_u[t], tau);
            // The right end of the step's domain, `Δ_hi` (see `stage_at`).
            let hi = -st.a.v;
            let de = de.clamp(lo, hi);
            u[t] = self.battery.power_for_energy_change_kw(de, tau);
            discharged += (-self.battery.energy_change_kwh(u[t], tau)).max(0.0);
            e += de;
        }
        discharged
    }
}

/// Stored value functions of one period, flat (no per-step allocation).
#[derive(Debug, Default)]
struct Store {
    start: usize,
    head: Vec<(f64, usize, usize)>,
    segs: Vec<(f64, f64)>,
}

impl Store {
    fn reset(&mut self, start: usize, len: usize) {
        self.start = start;
        self.head.clear();
        self.head.resize(len, (0.0, 0, 0));
        self.segs.clear();
    }
    fn push(&mut self, t: usize, f: &Pwl) {
        let off = self.segs.len();
        self.segs.extend(f.segs.iter().map(|s| (s.len.v, s.slope)));
        self.head[t - self.start] = (f.a.v, off, f.segs.len());
    }
    fn get(&self, t: usize) -> (f64, &[(f64, f64)]) {
        let (a, off, n) = self.head[t - self.start];
        (a, &self.segs[off..off + n])
    }
}

/// A point of a convex function: (x, value, subgradient).
type Tangent = (f64, f64, f64);

/// Outcome of [`minimize_convex`].
#[derive(Debug, Clone, Copy)]
struct MinResult {
    /// Best point and value found.
    x: f64,
    f: f64,
    /// Lower bound on the minimum (from the tangents at the bracket ends).
    bound: f64,
    /// Bracket ends (x, value, subgradient): slope < 0 at `lo`, > 0 at `hi`; `None` when the
    /// minimum was hit exactly (end point or zero slope).
    bracket: Option<(Tangent, Tangent)>,
}

/// What an evaluation of [`minimize_convex`]'s oracle makes of a point.
enum Probe {
    /// Slope below zero (or infeasible: `None`): the new left end.
    Left(f64, Option<(f64, f64)>),
    /// Slope above zero: the new right end (x, value, slope).
    Right(Tangent),
    /// Zero slope: the minimum (x, value).
    Exact(f64, f64),
}

/// Minimises a convex function on `[lo, hi]` from an oracle giving the value and a subgradient,
/// `None` where infeasible (a prefix of the interval). A `guess` inside the interval, when given,
/// is tried after `lo` and replaces `hi` as the right end of the bracket when the slope there is
/// positive.
///
/// Cutting planes: the next point is where the tangents at the two bracket ends meet, which is
/// exact in one step once both ends lie on the two pieces adjacent to the minimum of a
/// piecewise-linear function; bisection when a tangent is missing or progress is slow. Stops when
/// the best value is within `rel_tol` of the tangents' lower bound.
fn minimize_convex(
    lo: f64,
    hi: f64,
    guess: Option<f64>,
    rel_tol: f64,
    mut oracle: impl FnMut(f64) -> Option<(f64, f64)>,
) -> Option<MinResult> {
    let exact = |x, f| {
        Some(MinResult {
            x,
            f,
            bound: f,
            bracket: None,
        })
    };
    if hi <= lo {
        let (fh, _) = oracle(hi)?;
        return exact(hi, fh);
    }
    let mut l = (lo, oracle(lo));
    let mut best = (f64::NAN, f64::INFINITY);
    if let Some((fl, gl)) = l.1 {
        if gl >= 0.0 {
            return exact(lo, fl);
        }
        best = (lo, fl);
    }
    // Evaluates `x`: which end of the bracket it becomes, or the exact minimum (zero slope).
    let probe =
        |x: f64, best: &mut (f64, f64), oracle: &mut dyn FnMut(f64) -> Option<(f64, f64)>| {
            match oracle(x) {
                None => Probe::Left(x, None),
                Some((fx, gx)) => {
                    if fx < best.1 {
                        *best = (x, fx);
                    }
                    if gx < 0.0 {
                        Probe::Left(x, Some((fx, gx)))
                    } else if gx > 0.0 {
                        Probe::Right((x, fx, gx))
                    } else {
                        Probe::Exact(x, fx)
                    }
                }
            }
        };
    let mut right = None;
    if let Some(x) = guess.filter(|x| *x > lo && *x < hi) {
        match probe(x, &mut best, &mut oracle) {
            Probe::Left(x, t) => l = (x, t),
            Probe::Right(t) => right = Some(t),
            Probe::Exact(x, fx) => return exact(x, fx),
        }
    }
    let mut h = match right {
        Some(h) => h,
        None => {
            let (fh, gh) = oracle(hi)?;
            if gh <= 0.0 {
                return exact(hi, fh);
            }
            if fh < best.1 {
                best = (hi, fh);
            }
            (hi, fh, gh)
        }
    };
    let mut slow = 0;
    let cut = |l: (f64, f64, f64), h: (f64, f64, f64)| {
        let x = (h.1 - l.1 + l.2 * l.0 - h.2 * h.0) / (l.2 - h.2);
        (x, l.1 + l.2 * (x - l.0))
    };
    for _ in 0..200 {
        let w = h.0 - l.0;
        let (mut x, bound) = match l.1 {
            Some((fl, gl)) => cut((l.0, fl, gl), h),
            // Left end infeasible: the minimum lies in [l, h] where φ >= φ(h) − φ'(h)·w.
            None => (0.5 * (l.0 + h.0), h.1 - h.2 * w),
        };
        if best.1 - bound <= rel_tol * (1.0 + best.1.abs()) || w <= 1e-13 * (1.0 + h.0.abs()) {
            break;
        }
        if !(x > l.0 && x < h.0) || slow >= 2 {
            x = 0.5 * (l.0 + h.0);
            slow = 0;
        }
        match probe(x, &mut best, &mut oracle) {
            Probe::Left(x, t) => l = (x, t),
            Probe::Right(t) => h = t,
            Probe::Exact(x, fx) => return exact(x, fx),
        }
        slow = if h.0 - l.0 > 0.5 * w { slow + 1 } else { 0 };
    }
    let (bound, bracket) = match l.1 {
        Some((fl, gl)) => (cut((l.0, fl, gl), h).1, Some(((l.0, fl, gl), h))),
        None => (h.1 - h.2 * (h.0 - l.0), None),
    };
    Some(MinResult {
        x: best.0,
        f: best.1,
        bound,
        bracket,
    })
}

/// Most feasibility edges a thread remembers ([`Ctx::remembered_edge`]): 24 bytes each, so at
/// most a few MB; a claims sweep needs about 10,000 (214 enterprises × 12 months × 4 load
/// levels).
const EDGE_MEMO_ENTRIES: usize = 1 << 17;

thread_local! {
    /// Feasibility edges found on this thread, by [`Ctx::edge_key`]. A pure function's results:
    /// with or without them every dispatch is the same, bit for bit.
    static EDGE_MEMO: std::cell::RefCell<std::collections::HashMap<u128, Option<f64>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Relative step [-] from the feasibility edge of the demand level into the feasible set where
/// the demand search starts (see `solve_demand`).
const EDGE_STEP_REL: f64 = 1e-7;

/// Relative tolerance of the demand and cycle-price searches (on the period cost).
const SEARCH_REL_TOL: f64 = 1e-10;

/// How one billing period is dispatched: one (demand level, cycle price) pair, or, under a binding
/// cycle cap, the mixture `θ·a + (1 − θ)·b` of two solutions optimal at the same cycle price.
/// Each carries the AC power per step of its solution over the period, kept from the search
/// that found it (the same pass a final recovery would repeat).
#[derive(Debug, Clone)]
enum PeriodPlan {
    One(Solved),
    Mix { a: Solved, b: Solved, theta: f64 },
}

/// One solution of a period at (demand level, cycle price): its AC power per step [kW].
#[derive(Debug, Clone)]
struct Solved {
    u: Vec<f64>,
}

impl OptimalDispatch {
    /// Optimal dispatch and a lower bound on the optimal LP cost [yuan] (the dual bound of the
    /// searches; equal to the cost within about 1e-10 relative).
    ///
    /// # Errors
    /// [`StorageError`] for invalid inputs or an infeasible problem.
    pub fn dispatch_with_bound(
        &self,
        input: &DispatchInput,
        battery: &Battery,
    ) -> Result<(DispatchResult, f64), StorageError> {
        let mut all =
            self.dispatch_each_with_bound(input, battery, &[input.demand_charge_per_kw_month])?;
        Ok(all.remove(0))
    }

    /// [`OptimalDispatch::dispatch_with_bound`] under each demand charge of `demand_charges`
    /// (in place of the input's), in that order. The charges share the validation, the step
    /// limits, and per billing period the stage costs and the feasibility edge: the periods are
    /// solved one after the other, each under every charge.
    ///
    /// # Errors
    /// [`StorageError`] for invalid inputs or an infeasible problem.
    pub fn dispatch_each_with_bound(
        &self,
        input: &DispatchInput,
        battery: &Battery,
        demand_charges: &[Option<f64>],
    ) -> Result<Vec<(DispatchResult, f64)>, StorageError> {
        input.validate()?;
        for &charge in demand_charges {
            super::super::validate_demand_charge(charge)?;
        }
        let n = input.n_steps();
        let ctx = Ctx::new(input, battery);
        let mut work = Work::default();
        let mut each: Vec<_> = demand_charges
            .iter()
            .map(|_| (vec![0.0; n], vec![0.0; n], 0.0))
            .collect();
        for p in input.billing_periods() {
            let cap = battery.period_discharge_cap_kwh(p.len() as f64 * input.step_hours);
            for (&charge, (ch, dis, bound)) in demand_charges.iter().zip(&mut each) {
                let rate = charge.unwrap_or(0.0);
                let (plan, b) = self.solve_capped(&ctx, p.clone(), rate, cap, &mut work)?;
                *bound += b;
                match plan {
                    PeriodPlan::One(a) => {
                        for (t, u) in p.clone().zip(&a.u) {
                            ch[t] = u.max(0.0);
                            dis[t] = (-u).max(0.0);
                        }
                    }
                    PeriodPlan::Mix { a, b, theta } => {
                        for ((t, u), u2) in p.clone().zip(&a.u).zip(&b.u) {
                            ch[t] = theta * u.max(0.0) + (1.0 - theta) * u2.max(0.0);
                            dis[t] = theta * (-u).max(0.0) + (1.0 - theta) * (-u2).max(0.0);
                        }
                    }
                }
            }
        }
        Ok(demand_charges
            .iter()
            .zip(each)
            .map(|(&charge, (ch, dis, bound))| {
                let r = super::super::evaluate_at(input, battery, (ch, dis), true, charge);
                (r, bound)
            })
            .collect())
    }

    /// The optimal demand level of a period at cycle price `lambda` and the solution there:
    /// (D, cost incl. λ term and demand charge, lower bound, battery-side discharged energy
    /// [kWh], AC power per step of the period [kW]). Without a demand charge a single pass
    /// with the value functions stored gives the cost and the powers.
    #[allow(
        clippy::type_complexity,
        reason = "a private tuple of the search's figures, named in the doc"
    )]
    fn solve_power(
        &self,
        ctx: &Ctx,
        p: std::ops::Range<usize>,
        rate: f64,
        lambda: f64,
        work: &mut Work,
    ) -> Result<(f64, f64, f64, f64, Solved), StorageError> {
        // The powers are written at their steps' indices into a scratch kept in `work`.
        let mut u = std::mem::take(&mut work.u);
        u.resize(p.end, 0.0);
        let r = if rate <= 0.0 {
            ctx.period_power(p.clone(), f64::INFINITY, lambda, work, &mut u)
                .map(|(c, dis)| (f64::INFINITY, c, c, dis))
        } else {
            self.solve_demand(ctx, p.clone(), rate, lambda, work)
                .and_then(|(dem, c, lb)| {
                    let dis = if work.best_at == Some(dem.to_bits()) {
                        ctx.recover(
                            p.clone(),
                            (dem, lambda),
                            work.stages(lambda),
                            &work.best,
                            &mut u,
                        )
                    } else {
                        ctx.period_power(p.clone(), dem, lambda, work, &mut u)?.1
                    };
                    Ok((dem, c, lb, dis))
                })
        };
        let sol = Solved {
            u: u[p.clone()].to_vec(),
        };
        work.u = u;
        let (dem, c, lb, dis) = r?;
        Ok((dem, c, lb, dis, sol))
    }

    /// Plan of one period and a lower bound on its cost.
    fn solve_capped(
        &self,
        ctx: &Ctx,
        p: std::ops::Range<usize>,
        rate: f64,
        cap_kwh: f64,
        work: &mut Work,
    ) -> Result<(PeriodPlan, f64), StorageError> {
        let (_, c0, lb, dis0, sol0) = self.solve_power(ctx, p.clone(), rate, 0.0, work)?;
        if cap_kwh.is_infinite() || dis0 <= cap_kwh {
            return Ok((PeriodPlan::One(sol0), lb));
        }
        // The search starts at λ = 0, just solved.
        let mut at_zero = Some((c0, dis0, sol0));
        let inp = ctx.input;
        let pmax = p
            .clone()
            .map(|t| inp.import_price_per_kwh[t].max(inp.export_price_per_kwh[t]))
            .fold(0.0, f64::max);
        let b = ctx.battery;
        let lam_max = (pmax + inp.degradation_cost_per_kwh + rate / inp.step_hours)
            / (b.charge_efficiency() * b.discharge_efficiency())
            + 1.0;
        // Maximise the dual q(λ) = min_x cost + λ (dis − cap), i.e. minimise −q; record each
        // λ's discharge and solution.
        let mut seen: Vec<(f64, f64, Solved)> = Vec::new();
        let mut err = None;
        let res = minimize_convex(0.0, lam_max, None, SEARCH_REL_TOL, |lam| {
            let known = if lam.to_bits() == 0f64.to_bits() {
                at_zero
                    .take()
                    .map(|(c, dis, sol)| Ok((0.0, c, 0.0, dis, sol)))
            } else {
                None
            };
            match known.unwrap_or_else(|| self.solve_power(ctx, p.clone(), rate, lam, work)) {
                Ok((_, c, _, dis, sol)) => {
                    seen.push((lam, dis, sol));
                    Some((-(c - lam * cap_kwh), cap_kwh - dis))
                }
                Err(e) => {
                    err = Some(e);
                    None
                }
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        let infeasible = StorageError::Infeasible {
            start_step: p.start,
            reason: "cycle cap",
        };
        let res = res.ok_or(infeasible.clone())?;
        let take = |lam: f64| {
            seen.iter()
                .find(|s| s.0.to_bits() == lam.to_bits())
                .cloned()
        };
        // Weak duality: the dual value −f at the best λ bounds the primal optimum from below,
        // less what starting the demand search δ inside the feasibility edge may have cost.
        let edge_gap = match work.edge {
            Some((_, _, Some(edge))) => rate * EDGE_STEP_REL * (1.0 + edge.abs()),
            _ => 0.0,
        };
        let bound = -res.f - edge_gap;
        match res.bracket {
            None => {
                let (_, _, sol) = take(res.x).ok_or(infeasible)?;
                Ok((PeriodPlan::One(sol), bound))
            }
            Some((l, h)) => {
                let (_, dis_a, a) = take(l.0).ok_or(infeasible.clone())?;
                let (_, dis_b, b) = take(h.0).ok_or(infeasible)?;
                let theta = ((cap_kwh - dis_b) / (dis_a - dis_b)).clamp(0.0, 1.0);
                Ok((PeriodPlan::Mix { a, b, theta }, bound))
            }
        }
    }

    /// Optimal demand level of a period at cycle price `lambda`: (D, cost incl. λ term and
    /// demand charge, lower bound).
    fn solve_demand(
        &self,
        ctx: &Ctx,
        p: std::ops::Range<usize>,
        rate: f64,
        lambda: f64,
        work: &mut Work,
    ) -> Result<(f64, f64, f64), StorageError> {
        let infeasible = StorageError::Infeasible {
            start_step: p.start,
            reason: "SOC or power limits",
        };
        if rate <= 0.0 {
            let c = ctx
                .solve_period(p, f64::INFINITY, lambda, work, false)
                .ok_or(infeasible)?;
            return Ok((f64::INFINITY, c.cost.v, c.cost.v));
        }
        let (mut d_lo, mut d_hi) = (0.0_f64, 0.0_f64);
        for t in p.clone() {
            d_lo = d_lo.max(ctx.net(t) + ctx.lo_u[t]);
            d_hi = d_hi.max(ctx.net(t) + ctx.hi_u[t]);
        }
        let key = (p.start, p.end);
        let edge = match work.edge {
            Some((s, e, edge)) if (s, e) == key => edge,
            _ => {
                let edge = ctx.remembered_edge(p.clone(), d_lo, d_hi);
                work.edge = Some((key.0, key.1, edge));
                edge
            }
        };
        // The search starts a hair inside the feasible set: at the edge itself the SOC window of
        // some step shrinks to a point and the derivative carried by the DP is one-sided. The
        // energy cost is nonincreasing in D, so φ' <= r everywhere and skipping
        // [edge, edge + δ] costs at most r·δ, which the lower bound accounts for.
        let edge = edge.ok_or(infeasible.clone())?;
        let delta = EDGE_STEP_REL * (1.0 + edge.abs());
        let d_lo = (edge + delta).min(d_hi);
        // The peak without a battery: usually a little above the optimum, so a tight right end.
        let peak = p
            .clone()
            .map(|t| ctx.net(t))
            .fold(f64::NEG_INFINITY, f64::max);
        // Each probe keeps its value functions; those of the best probe so far are set aside
        // (`work.best`), so the recovery at the optimum needs no further backward pass.
        work.best_at = None;
        let mut best_f = f64::INFINITY;
        let r = minimize_convex(d_lo, d_hi, Some(peak), SEARCH_REL_TOL, |dem| {
            work.store.reset(p.start, p.len());
            let e = ctx.solve_period(p.clone(), dem, lambda, work, true)?;
            let f = e.cost.v + rate * dem;
            if f <= best_f {
                best_f = f;
                std::mem::swap(&mut work.store, &mut work.best);
                work.best_at = Some(dem.to_bits());
            }
            Some((f, e.cost.d + rate))
        })
        .ok_or(infeasible)?;
        Ok((r.x, r.f, r.bound - rate * delta))
    }
}

impl Ctx<'_> {
    /// Final pass of a period at (D, λ): backward DP with storage, forward recovery into `u`;
    /// returns the period's cost (the value at `E_0`) and the battery-side discharged energy
    /// [yuan, kWh].
    fn period_power(
        &self,
        p: std::ops::Range<usize>,
        dem: f64,
        lambda: f64,
        work: &mut Work,
        u: &mut [f64],
    ) -> Result<(f64, f64), StorageError> {
        work.store.reset(p.start, p.len());
        let eval = self
            .solve_period(p.clone(), dem, lambda, work, true)
            .ok_or(StorageError::Infeasible {
                start_step: p.start,
                reason: "SOC or power limits",
            })?;
        let dis = self.recover(p, (dem, lambda), work.stages(lambda), &work.store, u);
        Ok((eval.cost.v, dis))
    }
}

impl Dispatch for OptimalDispatch {
    fn dispatch(
        &self,
        input: &DispatchInput,
        battery: &Battery,
    ) -> Result<DispatchResult, StorageError> {
        self.dispatch_with_bound(input, battery).map(|(r, _)| r)
    }

    fn dispatch_each(
        &self,
        input: &DispatchInput,
        battery: &Battery,
        demand_charges: &[Option<f64>],
    ) -> Result<Vec<DispatchResult>, StorageError> {
        let all = self.dispatch_each_with_bound(input, battery, demand_charges)?;
        Ok(all.into_iter().map(|(r, _)| r).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::test_support::{Cal, Spec, lp_cost, synthetic};
    use crate::storage::{BatteryParams, RuleDispatch, check_dispatch, no_battery_cost};
    use approx::assert_relative_eq;

    fn battery(kwh: f64, kw: f64) -> Battery {
        Battery::new(BatteryParams::with_round_trip(kwh, kw, 0.88)).unwrap()
    }

    fn spec(seed: u64, days: usize, spd: usize) -> Spec {
        Spec {
            seed,
            days,
            start_day: (seed as usize * 37) % 300,
            steps_per_day: spd,
            cal: Cal::Hunan2025,
            pv_kwp: 0.0,
            demand: false,
        }
    }

    /// Checks the optimal dispatch against the LP optimum and its constraints, and returns
    /// (optimal, LP) costs.
    fn check_against_lp(input: &DispatchInput, b: &Battery) -> (f64, f64) {
        let (r, _) = OptimalDispatch.dispatch_with_bound(input, b).unwrap();
        check_dispatch(input, b, &r, 1e-6).unwrap();
        let lp = lp_cost(input, b);
        let ours = r.cost.total_yuan();
        let rel = (ours - lp).abs() / lp.abs().max(1.0);
        let rule = RuleDispatch.dispatch(input, b).unwrap();
        check_dispatch(input, b, &rule, 1e-6).unwrap();
        assert!(rel <= 1e-6, "optimal {ours} vs LP {lp}: relative {rel:e}");
        (ours, lp)
    }

    #[test]
    fn week_hourly_energy_only_matches_lp() {
        let input = synthetic(spec(1, 7, 24));
        check_against_lp(&input, &battery(1000.0, 500.0));
    }

    #[test]
    fn week_with_demand_matches_lp() {
        let mut s = spec(2, 9, 24);
        s.demand = true;
        let input = synthetic(s);
        check_against_lp(&input, &battery(800.0, 400.0));
    }

    #[test]
    fn year_hourly_demand_pv_matches_lp() {
        let mut s = spec(3, 365, 24);
        s.start_day = 0;
        s.demand = true;
        s.pv_kwp = 400.0;
        let input = synthetic(s);
        check_against_lp(&input, &battery(1000.0, 500.0));
    }

    /// 24 random instances: a week to a year, hourly and 15-min, both calendars, with and without
    /// demand charges, PV surplus, export above the valley price, anti-backflow or battery export,
    /// PV-only charging, transformer caps, cycle caps, asymmetric efficiencies.
    #[test]
    fn random_instances_match_lp_and_order_of_costs() {
        for k in 0..24_u64 {
            let spd = if k % 3 == 1 { 96 } else { 24 };
            let mut days = [7, 10, 14, 31, 45, 62][k as usize % 6];
            if spd == 96 {
                days = days.min(31);
            }
            if k == 5 || k == 18 {
                days = 365;
            }
            let mut s = spec(100 + k, days, spd);
            s.cal = if k % 4 == 3 { Cal::Old } else { Cal::Hunan2025 };
            s.pv_kwp = [0.0, 300.0, 800.0, 1500.0][(k / 2) as usize % 4];
            s.demand = k % 2 == 0;
            if days == 365 {
                s.start_day = 0;
            }
            let mut input = synthetic(s);
            input.battery_export_allowed = k % 5 == 2;
            input.grid_charging_allowed = k % 7 != 3;
            if k % 6 == 4 {
                let peak = input.net_load_kw.iter().fold(0.0_f64, |m, x| m.max(*x));
                input.import_cap_kw = 1.05 * peak;
            }
            if k % 4 == 1 {
                input.export_price_per_kwh.iter_mut().for_each(|p| *p = 0.3);
            }
            let kwh = [400.0, 1000.0, 2000.0][k as usize % 3];
            let mut p = BatteryParams::with_round_trip(
                kwh,
                kwh / [1.0, 2.0, 4.0][(k / 3) as usize % 3],
                0.88,
            );
            if k % 3 == 0 {
                p.charge_efficiency_fraction = 0.95;
                p.discharge_efficiency_fraction = 0.9;
            }
            if k % 9 == 4 {
                p.initial_soc_fraction = 0.5;
            }
            if k % 8 == 5 {
                p.aux_power_kw = 2.0;
            }
            if k % 5 == 1 {
                p.max_cycles_per_day = 1.0;
            }
            let b = Battery::new(p).unwrap();
            let (opt, _) = check_against_lp(&input, &b);
            let rule = RuleDispatch.dispatch(&input, &b).unwrap().cost.total_yuan();
            let base = no_battery_cost(&input, &b).unwrap().total_yuan();
            let tol = 1e-9 * base.abs().max(1.0);
            assert!(
                opt <= rule + tol,
                "instance {k}: optimal {opt} > rule {rule}"
            );
            if p.aux_power_kw == 0.0 {
                assert!(
                    rule <= base + tol,
                    "instance {k}: rule {rule} > no battery {base}"
                );
            }
        }
    }

    /// A binding cycle cap: the optimum mixes two solutions of the same cycle price (time-sharing
    /// within a few steps) and matches the LP exactly.
    #[test]
    fn binding_cycle_cap_is_met_exactly() {
        let mut s = spec(9, 14, 24);
        s.cal = Cal::Old;
        s.demand = true;
        let input = synthetic(s);
        let mut p = BatteryParams::with_round_trip(1000.0, 500.0, 0.9);
        p.max_cycles_per_day = 0.6;
        let b = Battery::new(p).unwrap();
        let free = {
            let mut q = p;
            q.max_cycles_per_day = f64::INFINITY;
            OptimalDispatch
                .dispatch(&input, &Battery::new(q).unwrap())
                .unwrap()
        };
        let (r, bound) = OptimalDispatch.dispatch_with_bound(&input, &b).unwrap();
        let cap: f64 = input
            .billing_periods()
            .iter()
            .map(|p| b.period_discharge_cap_kwh(p.len() as f64))
            .sum();
        assert!(free.cost.discharged_kwh > 1.2 * cap, "cap must bind");
        assert_relative_eq!(r.cost.discharged_kwh, cap, max_relative = 1e-9);
        assert!(bound <= r.cost.total_yuan() * (1.0 + 1e-9));
        check_against_lp(&input, &b);
    }

    /// Dispatching one input under several demand charges gives, bit for bit, the dispatches
    /// of each charge on its own (shared stages, limits and edges change nothing), in the
    /// order asked, with and without a binding cycle cap; the trait's default agrees.
    #[test]
    fn dispatch_each_equals_separate_dispatches() {
        let mut s = spec(9, 40, 24);
        s.pv_kwp = 300.0;
        let input = synthetic(s);
        let charges = [None, Some(33.0), Some(0.0), Some(21.5), None];
        for cycles in [f64::INFINITY, 0.6] {
            let mut p = BatteryParams::with_round_trip(1000.0, 500.0, 0.9);
            p.max_cycles_per_day = cycles;
            let b = Battery::new(p).unwrap();
            let each = OptimalDispatch
                .dispatch_each_with_bound(&input, &b, &charges)
                .unwrap();
            let default: Vec<DispatchResult> = charges
                .iter()
                .map(|&c| {
                    let mut one = input.clone();
                    one.demand_charge_per_kw_month = c;
                    RuleDispatch.dispatch(&one, &b).unwrap()
                })
                .collect();
            assert_eq!(
                RuleDispatch.dispatch_each(&input, &b, &charges).unwrap(),
                default
            );
            assert_eq!(each.len(), charges.len());
            for (&c, (r, bound)) in charges.iter().zip(&each) {
                let mut one = input.clone();
                one.demand_charge_per_kw_month = c;
                let (alone, alone_bound) = OptimalDispatch.dispatch_with_bound(&one, &b).unwrap();
                assert_eq!(*r, alone, "charge {c:?}, cycles {cycles}");
                assert_eq!(bound.to_bits(), alone_bound.to_bits(), "charge {c:?}");
                assert_eq!(r.cost.demand_yuan > 0.0, c.is_some_and(|x| x > 0.0));
            }
            // The charges move the dispatch: with a demand charge the peak is lower.
            let peak = |r: &DispatchResult| r.import_kw.iter().fold(0.0_f64, |m, x| m.max(*x));
            assert!(peak(&each[1].0) < peak(&each[0].0) - 1.0);
        }
        let mut bad = charges.to_vec();
        bad.push(Some(-1.0));
        let b = battery(1000.0, 500.0);
        let err = OptimalDispatch.dispatch_each(&input, &b, &bad).unwrap_err();
        assert!(
            err.to_string().contains("demand_charge_per_kw_month"),
            "{err}"
        );
    }

    /// A stage cut from the uncapped one equals the stage built directly under the cap.
    #[test]
    fn stage_at_equals_the_direct_stage() {
        let mut s = spec(4, 10, 24);
        s.demand = true;
        s.pv_kwp = 800.0;
        let input = synthetic(s);
        let b = battery(1000.0, 500.0);
        let ctx = Ctx::new(&input, &b);
        let peak = input.net_load_kw.iter().fold(0.0_f64, |m, x| m.max(*x));
        let mut compared = 0;
        for lambda in [0.0, 0.3] {
            for t in 0..input.n_steps() {
                let base = ctx.stage(t, f64::INFINITY, lambda).unwrap();
                for frac in [0.3, 0.6, 0.8, 0.9, 1.0, 1.2, 2.0] {
                    let dem = frac * peak;
                    let mut tmp = Stage::EMPTY;
                    let cut = ctx.stage_at(&base, t, dem, lambda, &mut tmp).copied();
                    let direct = ctx.stage(t, dem, lambda);
                    let (Some(c), Some(d)) = (cut, direct) else {
                        assert_eq!(cut.is_some(), direct.is_some(), "t {t} D {dem}");
                        continue;
                    };
                    let close =
                        |x: f64, y: f64| (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs()));
                    assert_eq!(c.n, d.n, "t {t} D {dem}");
                    assert!(close(c.a.v, d.a.v) && close(c.a.d, d.a.d), "t {t} D {dem}");
                    assert!(
                        close(c.val.v, d.val.v) && close(c.val.d, d.val.d),
                        "t {t} D {dem}"
                    );
                    for k in 0..c.n {
                        assert!(close(c.segs[k].len.v, d.segs[k].len.v), "t {t} D {dem}");
                        assert!(close(c.segs[k].len.d, d.segs[k].len.d), "t {t} D {dem}");
                        assert!(close(c.segs[k].slope, d.segs[k].slope), "t {t} D {dem}");
                    }
                    compared += 1;
                }
            }
        }
        assert!(compared > 1000);
    }

    /// A stage priced from the zero-price stage is, bit for bit, the stage built at that price,
    /// in steps that charge, discharge, straddle zero and export (PV surplus).
    #[test]
    fn priced_stage_is_the_direct_stage_bit_for_bit() {
        let mut s = spec(5, 10, 24);
        s.pv_kwp = 800.0;
        let mut input = synthetic(s);
        let b = battery(1000.0, 500.0);
        let bits = |st: &Stage| {
            let mut v = vec![st.a.v, st.a.d, st.val.v, st.val.d];
            for g in &st.segs[..st.n] {
                v.extend([g.len.v, g.len.d, g.slope]);
            }
            (
                st.n,
                st.charge,
                v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            )
        };
        let (mut mixed, mut discharge_only) = (0, 0);
        // Without grid charging, steps without PV surplus can only discharge.
        for grid_charging in [true, false] {
            input.grid_charging_allowed = grid_charging;
            let ctx = Ctx::new(&input, &b);
            for t in 0..input.n_steps() {
                let base = ctx.stage(t, f64::INFINITY, 0.0).unwrap();
                mixed += usize::from(base.charge > 0 && base.charge < base.n);
                discharge_only += usize::from(base.charge == 0 && base.n > 0);
                for lambda in [1e-9, 0.07, 0.3, 2.5] {
                    let direct = ctx.stage(t, f64::INFINITY, lambda).unwrap();
                    let priced = ctx.priced_stage(&base, t, lambda);
                    assert_eq!(bits(&priced), bits(&direct), "t {t} λ {lambda}");
                }
            }
        }
        assert!(mixed > 50 && discharge_only > 0, "{mixed} {discharge_only}");
    }
    /// The feasibility edge found by Newton's method is where the DP turns feasible.
    #[test]
    fn feasibility_edge_is_the_lowest_feasible_demand() {
        let mut checked = 0;
        for seed in 0..6_u64 {
            let mut s = spec(40 + seed, 31, if seed % 2 == 0 { 24 } else { 96 });
            s.demand = true;
            s.pv_kwp = [0.0, 500.0, 1500.0][seed as usize % 3];
            let input = synthetic(s);
            let b = battery([500.0, 1500.0][seed as usize % 2], 400.0);
            let ctx = Ctx::new(&input, &b);
            let mut work = Work::default();
            for p in input.billing_periods() {
                let (mut d_lo, mut d_hi) = (0.0_f64, 0.0_f64);
                for t in p.clone() {
                    d_lo = d_lo.max(ctx.net(t) + ctx.lo_u[t]);
                    d_hi = d_hi.max(ctx.net(t) + ctx.hi_u[t]);
                }
                let edge = ctx.feasibility_edge(p.clone(), d_lo, d_hi).unwrap();
                let above = edge + 1e-6 * (1.0 + edge);
                assert!(
                    ctx.solve_period(p.clone(), above, 0.0, &mut work, false)
                        .is_some()
                );
                if edge > d_lo {
                    let below = edge - 1e-6 * (1.0 + edge);
                    assert!(
                        ctx.solve_period(p.clone(), below, 0.0, &mut work, false)
                            .is_none(),
                        "seed {seed}: D {below} below the edge {edge} is feasible"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 3, "the edges must bind somewhere: {checked}");
    }

    /// The remembered edge is the computed one, and its key moves with every input the edge
    /// reads: a memo hit can only come from the same period of the same problem.
    #[test]
    fn remembered_edge_is_keyed_on_everything_the_edge_reads() {
        let mut s = spec(41, 31, 24);
        s.demand = true;
        s.pv_kwp = 500.0;
        let input = synthetic(s);
        let b = battery(1500.0, 400.0);
        let ctx = Ctx::new(&input, &b);
        let p = input.billing_periods()[0].clone();
        let (d_lo, d_hi) = (100.0, 5000.0);
        let key = ctx.edge_key(p.clone(), d_lo, d_hi);
        let direct = ctx.feasibility_edge(p.clone(), d_lo, d_hi);
        assert_eq!(ctx.remembered_edge(p.clone(), d_lo, d_hi), direct);
        assert_eq!(ctx.remembered_edge(p.clone(), d_lo, d_hi), direct);
        assert!(EDGE_MEMO.with_borrow(|m| m.get(&key) == Some(&direct)));
        // Recomputed, the key is the same; any change of what the edge reads gives another.
        assert_eq!(key, ctx.edge_key(p.clone(), d_lo, d_hi));
        let mut keys = vec![
            key,
            ctx.edge_key(p.start..p.end - 1, d_lo, d_hi),
            ctx.edge_key(p.clone(), d_lo + 1.0, d_hi),
            ctx.edge_key(p.clone(), d_lo, d_hi + 1.0),
        ];
        let changed = |f: &dyn Fn(&mut DispatchInput, &mut BatteryParams)| {
            let (mut i, mut q) = (input.clone(), *b.params());
            f(&mut i, &mut q);
            let b2 = Battery::new(q).unwrap();
            Ctx::new(&i, &b2).edge_key(p.clone(), d_lo, d_hi)
        };
        keys.push(changed(&|i, _| i.net_load_kw[p.start + 5] += 1e-9));
        keys.push(changed(&|i, _| i.import_cap_kw = 700.0));
        keys.push(changed(&|i, _| i.grid_charging_allowed = false));
        keys.push(changed(&|_, q| q.capacity_kwh = 1400.0));
        keys.push(changed(&|_, q| q.charge_power_kw = 300.0));
        keys.push(changed(&|_, q| q.aux_power_kw = 1.0));
        keys.push(changed(&|_, q| q.charge_efficiency_fraction = 0.9));
        keys.push(changed(&|_, q| q.initial_soc_fraction = 0.4));
        keys.push(changed(&|_, q| q.soc_max_fraction = 0.9));
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "every change moves the key");
    }

    /// The derivative carried by the DP (dual numbers) equals the finite difference of the
    /// period cost in the demand level.
    #[test]
    fn demand_derivative_matches_finite_difference() {
        let mut s = spec(2, 9, 24);
        s.demand = true;
        let input = synthetic(s);
        let b = battery(800.0, 400.0);
        let ctx = Ctx::new(&input, &b);
        let mut work = Work::default();
        let p = input.billing_periods()[0].clone();
        let mut checked = 0;
        for dem in [560.0, 580.0, 600.0, 650.0, 700.0] {
            let Some(e) = ctx.solve_period(p.clone(), dem, 0.0, &mut work, false) else {
                continue;
            };
            let e2 = ctx
                .solve_period(p.clone(), dem + 1e-4, 0.0, &mut work, false)
                .unwrap();
            let fd = (e2.cost.v - e.cost.v) / 1e-4;
            assert!(
                (e.cost.d - fd).abs() <= 1e-4 * (1.0 + fd.abs()),
                "D {dem}: {} vs {fd}",
                e.cost.d
            );
            checked += 1;
        }
        assert!(checked >= 3);
    }
}
