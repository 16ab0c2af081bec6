#!/usr/bin/env python3
"""Reference SRC, R² and PRCC for parkenergy's sensitivity tests (src/sweep/sensitivity.rs).

Draws a sample whose output is a known linear function of three inputs plus noise,
    y = 3 x1 - 2 x2 + 0.5 x3 + e,   x1 ~ U(0, 1), x2 ~ N(0, 0.5), x3 in {0, 1, 2, 3} (ties),
    e ~ N(0, 0.2),
and computes, with numpy and scipy only:
- SRC and R²: numpy.linalg.lstsq of the standardized output on the standardized inputs;
- PRCC (Marino et al. 2008, J. Theor. Biol. 254:178-196): scipy.stats.rankdata (average ties),
  residuals of rank(x_j) and rank(y) after lstsq on an intercept and the other ranks, then
  their Pearson correlation.
Writes tests/data/sensitivity/sample.csv and expected.csv (numbers in repr, round-trip exact).
Run: pip install numpy scipy && python3 tools/make_sensitivity_golden.py
"""
import pathlib

import numpy as np
from scipy.stats import rankdata

N = 200
rng = np.random.default_rng(20231)
x1 = rng.uniform(0.0, 1.0, N)
x2 = rng.normal(0.0, 0.5, N)
x3 = rng.integers(0, 4, N).astype(float)
y = 3.0 * x1 - 2.0 * x2 + 0.5 * x3 + rng.normal(0.0, 0.2, N)
X = np.column_stack([x1, x2, x3])


def standardize(v):
    return (v - v.mean()) / v.std(ddof=1)


Z = np.column_stack([standardize(X[:, j]) for j in range(3)])
zy = standardize(y)
src, *_ = np.linalg.lstsq(Z, zy, rcond=None)
resid = zy - Z @ src
r2 = 1.0 - resid @ resid / (zy @ zy)

R = np.column_stack([rankdata(X[:, j]) for j in range(3)])
ry = rankdata(y)
prcc = []
for j in range(3):
    A = np.column_stack([np.ones(N), np.delete(R, j, axis=1)])
    ex = R[:, j] - A @ np.linalg.lstsq(A, R[:, j], rcond=None)[0]
    ey = ry - A @ np.linalg.lstsq(A, ry, rcond=None)[0]
    prcc.append(np.corrcoef(ex, ey)[0, 1])

out = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "sensitivity"
out.mkdir(parents=True, exist_ok=True)
with open(out / "sample.csv", "w") as f:
    f.write("# y = 3 x1 - 2 x2 + 0.5 x3 + noise; tools/make_sensitivity_golden.py\n")
    f.write("x1,x2,x3,y\n")
    for row in zip(x1, x2, x3, y):
        f.write(",".join(repr(float(v)) for v in row) + "\n")
with open(out / "expected.csv", "w") as f:
    f.write(f"# numpy {np.__version__}, scipy {__import__('scipy').__version__}; tools/make_sensitivity_golden.py\n")
    f.write("parameter,src,prcc,r2\n")
    for j in range(3):
        f.write(f"x{j + 1},{float(src[j])!r},{float(prcc[j])!r},{float(r2)!r}\n")
print(open(out / "expected.csv").read())
