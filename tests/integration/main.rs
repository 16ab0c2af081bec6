//! Integration tests: one binary [ripgrep tests/tests.rs; nextest integration/main.rs].

mod cli;
mod datasheet;
mod docs;
mod golden;
mod meter;
mod park;
mod report;
mod sweep;
mod tariff_switch;
mod weather;
