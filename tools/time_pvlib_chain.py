"""Time pvlib-python's chain on one orientation-year, to compare with `cargo bench --bench pv`
run in the same sitting (docs/pv.md, "Speed").

Usage (from the repository root):
    pip install pvlib
    python3 tools/time_pvlib_chain.py

Times, best and median of 7 runs each, on tests/data/weather/723170TYA.CSV (8760 h, 20 deg south):
  modelchain_pvlib   pvlib ModelChain of the `pvlib` preset (SPA, Perez, SAPM open rack, physical IAM,
                     PVWatts DC/losses/inverter): the chain that `pv_presets/pvlib` runs
  read_and_modelchain  the same with pvlib.iotools.read_tmy3 of the file first (`pv_read/read_tmy3_and_pvlib_chain`)
  read_tmy3          pvlib.iotools.read_tmy3 alone (`pv_read/read_tmy3`)
"""
import os
import statistics
import time

import pandas as pd
import pvlib
from pvlib.location import Location
from pvlib.modelchain import ModelChain
from pvlib.pvsystem import PVSystem
from pvlib.temperature import TEMPERATURE_MODEL_PARAMETERS

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TMY3 = os.path.join(ROOT, "tests", "data", "weather", "723170TYA.CSV")


def read():
    data, meta = pvlib.iotools.read_tmy3(TMY3, coerce_year=2025, map_variables=True)
    data.index = data.index - pd.Timedelta(minutes=30)
    return data, meta


def chain(data, meta):
    loc = Location(meta["latitude"], meta["longitude"], tz=f"Etc/GMT{-int(meta['TZ']):+d}", altitude=meta["altitude"])
    system = PVSystem(surface_tilt=20, surface_azimuth=180, albedo=0.2,
                      module_parameters={"pdc0": 1000.0, "gamma_pdc": -0.0037},
                      inverter_parameters={"pdc0": 1000.0 / 1.2 / 0.96, "eta_inv_nom": 0.96},
                      temperature_model_parameters=TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"],
                      losses_parameters={})
    mc = ModelChain(system, loc, aoi_model="physical", spectral_model="no_loss", temperature_model="sapm",
                    transposition_model="perez", dc_model="pvwatts", ac_model="pvwatts", losses_model="pvwatts")
    mc.run_model(data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]])
    return mc.results.ac


def timed(f, runs=7):
    t = []
    for _ in range(runs):
        s = time.perf_counter()
        f()
        t.append(time.perf_counter() - s)
    return min(t) * 1000, statistics.median(t) * 1000


def main():
    data, meta = read()
    chain(data, meta)  # warm-up (imports, numba-free caches)
    for name, f in [("read_tmy3", read), ("modelchain_pvlib", lambda: chain(data, meta)),
                    ("read_and_modelchain", lambda: chain(*read()))]:
        best, med = timed(f)
        print(f"pvlib {pvlib.__version__} {name}: best {best:.1f} ms, median {med:.1f} ms")


if __name__ == "__main__":
    main()
