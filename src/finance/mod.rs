//! Money over a project's life: yearly cash flows of PV and storage for the enterprise and the
//! investor (ownership models), and the metrics NPV, IRR, payback, LCOE and LCOS.
//!
//! Knows nothing of physics or files: it takes first-year energy and money figures and the
//! money parameters, and returns series and numbers.

pub mod cashflow;
pub mod interpolate;
pub mod metrics;

pub use cashflow::{
    CashFlows, EmcPrice, FlowItems, Metrics, MoneyParams, PvCashFlows, PvOwnership, PvProject,
    PvYear, StorageCashFlows, StorageOwnership, StorageProject, StorageYear, TaxParams,
    pv_cash_flows, pv_cash_flows_by_year, storage_cash_flows, storage_cash_flows_by_year,
};
pub use interpolate::piecewise_linear;
pub use metrics::{
    NoIrr, capital_recovery_factor, discounted_payback_years, irr, irr_note, irr_or_reason,
    levelized_cost, npv, simple_payback_years,
};
