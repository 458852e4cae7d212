#!/usr/bin/env python
"""Run EMA Workbench PRIM on a CSV and dump the peeling/pasting trajectory as JSON.

Usage:  run_prim.py DATA.csv [CHOSEN_INDEX] > out.json

CSV: numeric input columns + boolean column `case` (true/false, True/False, 1/0);
an optional `draw` column is ignored.

Settings: peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05, obj_function=LENIENT1 (EMA default).

Threshold (only exists in ema_workbench < 3.0):
  threshold=1e-9, threshold_type=ABOVE.  Reason: in 2.x `threshold` does two things:
   (a) cases of interest are counted as y >= threshold  -> for 0/1 y any value in (0, 1]
       gives the right coverage/density/k; threshold=0.0 would make EVERY row a case of
       interest (density==1, coverage==mass), so 0.0 is wrong;
   (b) at the end of find_box, if box.mean < threshold the whole trajectory is thrown
       away and a one-row "dump box" (the initial box) is returned.
  A tiny positive value satisfies (a) and disables (b) unless the final box has mean 0,
  so the full peel+paste trajectory is always returned.  Peeling/pasting themselves never
  look at the threshold.  In ema_workbench >= 3.0 the parameter no longer exists.

All input columns are cast to float64 so EMA uses its continuous ("real") peel for every
input (int64 columns would otherwise go through EMA's separate discrete peel).

CHOSEN_INDEX: if omitted, the index maximising the harmonic mean of coverage and density
(2*c*d/(c+d)); ties -> lowest index.  Floats are printed with full (repr) precision.
"""
import json
import logging
import sys
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

import ema_workbench  # noqa: E402
from ema_workbench.analysis import prim  # noqa: E402

TRUE = {"true", "1", "1.0", "t", "yes"}
FALSE = {"false", "0", "0.0", "f", "no"}


def load(path):
    # round_trip: correctly rounded float parsing (pandas' default C parser is not always)
    df = pd.read_csv(path, float_precision="round_trip", dtype={"case": str})
    if "case" not in df.columns:
        raise SystemExit("CSV has no `case` column")
    raw = df["case"].astype(str).str.strip().str.lower()
    bad = ~raw.isin(TRUE | FALSE)
    if bad.any():
        raise SystemExit(f"unparseable case values: {sorted(set(raw[bad]))[:5]}")
    y = raw.isin(TRUE).to_numpy().astype(np.int64)
    x = df.drop(columns=[c for c in ("case", "draw") if c in df.columns]).astype(np.float64)
    return x, y


def f(v):
    return None if v is None else float(v)


def limits_of(box, i):
    lim = box.box_lims[i]
    init = box.prim.box_init
    out = {}
    for c in lim.columns:
        lo, hi = float(lim.loc[0, c]), float(lim.loc[1, c])
        out[c] = {
            "lower": lo,
            "upper": hi,
            "restricted": bool(lo != float(init.loc[0, c]) or hi != float(init.loc[1, c])),
        }
    return out


def qp_of(box, i):
    qps = box.qp[i] if hasattr(box, "qp") and isinstance(getattr(box, "qp", None), list) else box.p_values[i]
    # EMA stores -1 for an unrestricted side; keep None for that in JSON
    return {k: [None if float(v) == -1 else float(v) for v in vals] for k, vals in qps.items()}


def main():
    path = sys.argv[1]
    x, y = load(path)
    kwargs = dict(peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
    major = int(ema_workbench.__version__.split(".")[0])
    if major < 3:
        kwargs.update(threshold=1e-9, threshold_type=prim.ABOVE)
    p = prim.Prim(x, y, **kwargs)
    box = p.find_box()

    pt = box.peeling_trajectory
    n_peel = None
    traj = []
    for i in range(len(pt)):
        row = pt.iloc[i]
        traj.append(
            {
                "id": int(row["id"]),
                "coverage": f(row["coverage"]),
                "density": f(row["density"]),
                "mass": f(row["mass"]),
                "mean": f(row["mean"]),
                "res_dim": int(row["res_dim"]),
                "n": int(row["n"]),
                "k": int(row["k"]),
                "limits": {k: [v["lower"], v["upper"]] for k, v in limits_of(box, i).items() if v["restricted"]},
                "qp": qp_of(box, i),
            }
        )
    # peel vs paste: peel steps strictly shrink n, paste steps strictly grow it
    for i in range(1, len(traj)):
        if traj[i]["n"] > traj[i - 1]["n"]:
            n_peel = i
            break
    last = len(traj) - 1
    if len(sys.argv) > 2:
        chosen = int(sys.argv[2])
        if chosen < 0:
            chosen += len(traj)
        rule = "command line"
    else:
        hm = [2 * t["coverage"] * t["density"] / (t["coverage"] + t["density"]) if t["coverage"] + t["density"] > 0 else 0 for t in traj]
        chosen = int(np.argmax(hm))
        rule = "argmax harmonic mean(coverage, density)"

    def box_report(i):
        t = traj[i]
        return {
            "index": i,
            "coverage": t["coverage"],
            "density": t["density"],
            "mass": t["mass"],
            "res_dim": t["res_dim"],
            "n": t["n"],
            "k": t["k"],
            "limits": limits_of(box, i),
            "quasi_p": qp_of(box, i),
        }

    out = {
        "ema_workbench_version": ema_workbench.__version__,
        "input": path,
        "n_rows": int(len(y)),
        "n_cases": int(y.sum()),
        "inputs": list(x.columns),
        "settings": dict(
            {k: (v if not isinstance(v, (np.floating,)) else float(v)) for k, v in kwargs.items()},
            obj_function="LENIENT1",
        ),
        "box_init": {c: [float(p.box_init.loc[0, c]), float(p.box_init.loc[1, c])] for c in x.columns},
        "n_steps": len(traj),
        "first_paste_index": n_peel,
        "trajectory": traj,
        "last_box": box_report(last),
        "chosen_box": dict(box_report(chosen), rule=rule),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
