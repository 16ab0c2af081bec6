#!/usr/bin/env python3
"""Write scenarios/data/example-meter-2025-96pt.csv: an invented year of 96-point daily load
curves (96点负荷曲线, kW, one row per day) for the single-enterprise example. Not any real
company's data: a two-shift machining plant of ~900 kW peak with weekends, the 2025 public
holidays and a Spring Festival shutdown, seeded noise. Run: python3 tools/make_example_meter.py
"""
import datetime as dt
import math
import pathlib
import random

random.seed(2025)
HOLIDAYS = {  # 2025 days off (国办发明电〔2024〕12号)
    "2025-01-01", *[f"2025-01-{d}" for d in range(28, 32)], *[f"2025-02-0{d}" for d in range(1, 5)],
    "2025-04-04", "2025-04-05", "2025-04-06", *[f"2025-05-0{d}" for d in range(1, 6)],
    "2025-05-31", "2025-06-01", "2025-06-02", *[f"2025-10-0{d}" for d in range(1, 9)],
}
WORKED_WEEKENDS = {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}
SHUTDOWN = {f"2025-01-{d}" for d in range(24, 28)} | {f"2025-02-0{d}" for d in range(5, 8)}


def level(day: dt.date) -> float:
    s = day.isoformat()
    if s in SHUTDOWN or s in HOLIDAYS:
        return 0.12
    if day.weekday() >= 5 and s not in WORKED_WEEKENDS:
        return 0.35 if day.weekday() == 5 else 0.15
    return 1.0


rows = ["date," + ",".join(f"{(k + 1) * 15 // 60:02d}:{(k + 1) * 15 % 60:02d}" for k in range(96))]
day = dt.date(2025, 1, 1)
ar = 0.0
while day.year == 2025:
    doy = day.timetuple().tm_yday
    season = 1.0 + 0.12 * math.exp(-((doy - 205) / 30) ** 2)  # summer cooling
    lv = level(day) * random.uniform(0.92, 1.05)
    pts = []
    for k in range(96):
        h = k / 4
        shift = 1.0 if 8 <= h < 12 or 13 <= h < 17.5 or 18.5 <= h < 22.5 else 0.0
        ramp = 0.5 if 7.5 <= h < 8 or 22.5 <= h < 23 else 0.0
        ar = 0.8 * ar + random.gauss(0, 0.02)
        p = 120 + 780 * season * lv * max(shift, ramp) * (1 + ar)
        pts.append(f"{max(p, 0):.1f}")
    rows.append(day.isoformat() + "," + ",".join(pts))
    day += dt.timedelta(days=1)
out = pathlib.Path(__file__).resolve().parent.parent / "scenarios/data/example-meter-2025-96pt.csv"
out.write_text("\n".join(rows) + "\n")
print(out, len(rows) - 1, "days")
