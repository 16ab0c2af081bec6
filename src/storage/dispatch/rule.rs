//! Rule dispatch (placeholder).
use super::super::{Battery, DispatchInput, DispatchResult, StorageError, evaluate};
use super::Dispatch;

/// Rule dispatch 两充两放.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleDispatch;

impl Dispatch for RuleDispatch {
    fn dispatch(
        &self,
        input: &DispatchInput,
        battery: &Battery,
    ) -> Result<DispatchResult, StorageError> {
        input.validate()?;
        Ok(evaluate(input, battery, vec![0.0; input.n_steps()], true))
    }
}
