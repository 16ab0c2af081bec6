//! Dispatch strategies of a behind-the-meter battery, one file each, behind the [`Dispatch`] trait.
//!
//! Both strategies share the feasible set of [`super::step_limits`], the SOC window, the cyclic
//! energy at billing-period boundaries and the cycle cap, so their costs are comparable.

pub mod lp;
pub mod optimal;
pub mod rule;

use super::{Battery, DispatchInput, DispatchResult, StorageError};

/// A battery dispatch strategy: turns per-step inputs into battery power per step.
pub trait Dispatch {
    /// Dispatches `battery` over the horizon of `input`.
    ///
    /// # Errors
    /// [`StorageError`] for invalid inputs, or when no dispatch is feasible.
    fn dispatch(
        &self,
        input: &DispatchInput,
        battery: &Battery,
    ) -> Result<DispatchResult, StorageError>;

    /// Dispatches `battery` over `input` once under each demand charge of `demand_charges`
    /// (in place of the input's `demand_charge_per_kw_month`), results in the same order: the
    /// dispatches a choice between capacity and demand billing (按容量 / 按需量) compares. The
    /// default dispatches each on its own; a strategy may share what they have in common.
    ///
    /// # Errors
    /// As [`Dispatch::dispatch`], for the first charge that fails.
    fn dispatch_each(
        &self,
        input: &DispatchInput,
        battery: &Battery,
        demand_charges: &[Option<f64>],
    ) -> Result<Vec<DispatchResult>, StorageError> {
        demand_charges
            .iter()
            .map(|&charge| {
                let mut one = input.clone();
                one.demand_charge_per_kw_month = charge;
                self.dispatch(&one, battery)
            })
            .collect()
    }
}
