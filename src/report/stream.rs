//! The rows of a run's large tables written as the run goes, chunk by chunk of enterprises
//! ([`crate::park::run_streaming`]): `enterprises.csv`, `bills.csv`, `cashflows.csv` and the
//! `hourly/` files. Memory then does not grow with the park's size; the files are written
//! into the run's staging folder ([`super::folder::Staging`]), which takes the output folder's
//! place only when the run has finished.

use super::tables;
use crate::park::{Chunk, SimError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The open tables of a run.
pub struct RowWriters {
    dir: PathBuf,
    enterprises: std::io::BufWriter<std::fs::File>,
    bills: std::io::BufWriter<std::fs::File>,
    cashflows: std::io::BufWriter<std::fs::File>,
    park_flows: tables::CashflowTotals,
    discount_rate_fraction: f64,
    hourly: Option<crate::tariff::Tariff>,
}

/// An I/O error as a run error: the user's to fix (permissions, full disk) or a bug.
pub fn io_error(path: &Path, e: &std::io::Error) -> SimError {
    if super::is_user_fixable(e.kind()) {
        SimError::Output(format!(
            "cannot write {}: {e}; choose another --out folder, or check its permissions and the free disk space",
            path.display()
        ))
    } else {
        SimError::Internal(format!("writing {}: {e}", path.display()))
    }
}

fn create(
    dir: &Path,
    name: &str,
    header: &str,
) -> Result<std::io::BufWriter<std::fs::File>, SimError> {
    let p = dir.join(name);
    let f = std::fs::File::create_new(&p).map_err(|e| io_error(&p, &e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    w.write_all(header.as_bytes())
        .map_err(|e| io_error(&p, &e))?;
    Ok(w)
}

impl RowWriters {
    /// Create the tables in `dir` (a fresh staging folder) with their headers; with `hourly`,
    /// the series of every enterprise are written under `hourly/` priced by that tariff.
    ///
    /// # Errors
    /// [`SimError::Output`] when a file cannot be created.
    pub fn create(
        dir: &Path,
        discount_rate_fraction: f64,
        hourly: Option<crate::tariff::Tariff>,
    ) -> Result<RowWriters, SimError> {
        if hourly.is_some() {
            let h = dir.join("hourly");
            std::fs::create_dir_all(&h).map_err(|e| io_error(&h, &e))?;
        }
        Ok(RowWriters {
            dir: dir.to_path_buf(),
            enterprises: create(dir, "enterprises.csv", tables::ENTERPRISES_HEADER)?,
            bills: create(dir, "bills.csv", tables::BILLS_HEADER)?,
            cashflows: create(dir, "cashflows.csv", tables::CASHFLOWS_HEADER)?,
            park_flows: tables::CashflowTotals::default(),
            discount_rate_fraction,
            hourly,
        })
    }

    /// Write one chunk's rows (and hourly files).
    ///
    /// # Errors
    /// [`SimError::Output`] when a file cannot be written.
    pub fn write(&mut self, c: &Chunk<'_>) -> Result<(), SimError> {
        let (mut ent, mut bills, mut flows) = (String::new(), String::new(), String::new());
        for e in c.enterprises {
            tables::enterprise_rows(&mut ent, e);
            tables::bill_rows(&mut bills, e);
            self.park_flows
                .rows(&mut flows, e, self.discount_rate_fraction);
        }
        let d = &self.dir;
        self.enterprises
            .write_all(ent.as_bytes())
            .map_err(|e| io_error(&d.join("enterprises.csv"), &e))?;
        self.bills
            .write_all(bills.as_bytes())
            .map_err(|e| io_error(&d.join("bills.csv"), &e))?;
        self.cashflows
            .write_all(flows.as_bytes())
            .map_err(|e| io_error(&d.join("cashflows.csv"), &e))?;
        if let Some(tariff) = &self.hourly {
            for ((e, per), load) in c.enterprises.iter().zip(c.series).zip(c.loads) {
                for (o, s) in e.outcomes.iter().zip(per) {
                    let Some(s) = s else { continue };
                    let text = tables::hourly_csv(c.calendar, &load.p_kw, s, tariff);
                    let p = d
                        .join("hourly")
                        .join(format!("{}__{}.csv", e.name, o.strategy));
                    std::fs::write(&p, text).map_err(|err| io_error(&p, &err))?;
                }
            }
        }
        Ok(())
    }

    /// Write the park totals of `cashflows.csv`, flush and sync every table.
    ///
    /// # Errors
    /// [`SimError::Output`] when a file cannot be written.
    pub fn finish(mut self) -> Result<(), SimError> {
        let mut flows = String::new();
        self.park_flows
            .finish(&mut flows, self.discount_rate_fraction);
        let d = self.dir.clone();
        self.cashflows
            .write_all(flows.as_bytes())
            .map_err(|e| io_error(&d.join("cashflows.csv"), &e))?;
        for (w, name) in [
            (self.enterprises, "enterprises.csv"),
            (self.bills, "bills.csv"),
            (self.cashflows, "cashflows.csv"),
        ] {
            let p = d.join(name);
            let f = w.into_inner().map_err(|e| io_error(&p, e.error()))?;
            f.sync_all().map_err(|e| io_error(&p, &e))?;
        }
        Ok(())
    }
}
