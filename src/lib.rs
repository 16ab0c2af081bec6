//! parkenergy: an energy-cost optimization simulator for the enterprises of an industrial park in
//! China (园区企业用能成本优化).
//!
//! The data flows one way: [`scenario`] parses and resolves a study into a plan; the models
//! (`calendar`, `load`, `tariff`, …) compute series and bills; `park` aggregates; `report` writes.
//! See `ARCHITECTURE.md` for the layers.

#![deny(missing_docs)]
#![deny(clippy::float_cmp)]

pub mod calendar;
pub mod cli;
pub mod finance;
pub mod load;
pub mod market;
pub mod park;
pub mod provenance;
pub mod report;
pub mod scenario;
pub mod seed;
pub mod solar;
pub mod storage;
pub mod strategy;
pub mod sweep;
pub mod tariff;
pub mod weather;
