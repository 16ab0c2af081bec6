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
}
