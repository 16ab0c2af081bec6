"""pvlib golden of the PV yield on the Yongzhou synthetic year (GHI only).

Usage (from the repository root):
    pip install pvlib nrel-pysam
    UPDATE_GOLDEN=1 cargo test --lib synthetic_year_file_is_what_the_generator_makes   # the year
    python3 tools/make_synthetic_yield_golden.py

Reads tests/data/pv/yongzhou_synthetic_2025_seed1.csv (the generator's year for seed 1 from
data/weather/yongzhou-normals.toml, written by the Rust test above) and writes
tests/data/pv/synthetic_annual.csv: for the four golden orientations, the annual and monthly AC
energy per kWp of the pvlib chain of make_pv_goldens.py with the DIRINT decomposition of GHI
(the synthetic year has no DNI or DHI), as src/solar/chain.rs does for GHI-only weather.
"""
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_pv_goldens import ORIENTATIONS, OUT, YEAR, pvlib_chain  # noqa: E402

# The site of data/weather/yongzhou-normals.toml
SITE = dict(lat=26.42, lon=111.61, elev=110.0, tz=8.0)


def main():
    w = pd.read_csv(os.path.join(OUT, "yongzhou_synthetic_2025_seed1.csv"))
    assert len(w) == 8760 and w.timestamp.iloc[0] == f"{YEAR}-01-01 00:00"
    c = dict(SITE, ghi=w.ghi.values, dni=None, dhi=None, temp=w.temp_air.values, wind=w.wind_speed.values)
    months = pd.to_datetime(w.timestamp).dt.month.values
    rows = []
    for tilt, az in ORIENTATIONS:
        ac, _ = pvlib_chain(c, tilt, az, decomposition="dirint")
        monthly = [round(ac[months == m].sum(), 4) for m in range(1, 13)]
        rows.append([tilt, az, round(ac.sum(), 4)] + monthly)
        print(f"Yongzhou synthetic {tilt}/{az}: pvlib {ac.sum():.3f} kWh/kWp")
    cols = ["tilt_deg", "azimuth_deg", "pvlib_ac_kwh_per_kwp"] + [f"m{m:02d}_ac_kwh_per_kwp" for m in range(1, 13)]
    pd.DataFrame(rows, columns=cols).to_csv(os.path.join(OUT, "synthetic_annual.csv"), index=False)


if __name__ == "__main__":
    main()
