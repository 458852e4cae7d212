"""SALib drives wijksim: a Saltelli sample from SALib, evaluated by `wijksim evaluate`, then
SALib's Sobol' indices; compare them with `wijksim sensitivity` on the same scenario.

    pip install SALib
    cargo build --release
    python3 examples/salib/run_salib.py            # N = 1024 base rows: 5,120 evaluations

The three parameters are uniform on the bounds below in SALib's sample and in
examples/salib/uniform.toml, which `wijksim sensitivity` reads.

SALib's sample (calc_second_order=False) comes in blocks of D + 2 rows per base row: A, then
AB_1 .. AB_D, then B. Every row of a block gets the same `draw`, so everything the design does
not set (the other parameters, the economy's shocks, the wijken's multipliers and noise) is
the same within a block and differs between blocks: SALib's total index then estimates the
same quantity as wijksim's, and its first-order index includes the parameter's interactions
with that shared randomness (so it is at least wijksim's).
"""
import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from SALib.analyze import sobol
from SALib.sample import sobol as sobol_sample

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = {
    "num_vars": 3,
    "names": ["gaps.k_half", "gaps.leak", "property.theta"],
    "bounds": [[150.0, 1500.0], [0.05, 0.30], [0.30, 0.95]],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1024, help="base rows (a power of 2)")
    ap.add_argument("--wijksim", default=str(ROOT / "target/release/wijksim"))
    ap.add_argument("--output", default="closure",
                    choices=["closure", "min_icr", "uplift", "realised_wijk"])
    ap.add_argument("--check", action="store_true",
                    help="also run `wijksim sensitivity` on the same scenario and fail unless "
                         "the total indices agree within their 95%% intervals (CI runs this)")
    args = ap.parse_args()

    x = sobol_sample.sample(PROBLEM, args.n, calc_second_order=False, seed=1)
    block = PROBLEM["num_vars"] + 2
    with tempfile.TemporaryDirectory() as tmp:
        design = Path(tmp) / "design.csv"
        out = Path(tmp) / "outputs.csv"
        with design.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(PROBLEM["names"] + ["draw"])
            for i, row in enumerate(x):
                w.writerow([repr(float(v)) for v in row] + [i // block])
        subprocess.run(
            [args.wijksim, "evaluate", str(ROOT / "examples/salib/uniform.toml"),
             "--design", str(design), "--out", str(out), "--force"],
            check=True,
        )
        with out.open() as f:
            y = np.array([float(r[args.output]) for r in csv.DictReader(f)])
    si = sobol.analyze(PROBLEM, y, calc_second_order=False, seed=2)
    print(f"SALib Sobol' indices of {args.output}, {len(y)} evaluations of wijksim")
    print(f"{'parameter':<16} {'S1':>7} {'+-95%':>7} {'ST':>7} {'+-95%':>7}")
    for name, s1, c1, st, ct in zip(PROBLEM["names"], si["S1"], si["S1_conf"], si["ST"], si["ST_conf"]):
        print(f"{name:<16} {s1:7.3f} {c1:7.3f} {st:7.3f} {ct:7.3f}")
    if args.check:
        return check(args, si)


def check(args, si):
    """wijksim's own total indices for the same parameters, compared with SALib's."""
    import json
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sens"
        subprocess.run(
            [args.wijksim, "sensitivity", str(ROOT / "examples/salib/uniform.toml"),
             "--outputs", args.output, "-q", "--out", str(out)],
            check=True,
        )
        s = json.loads((out / "sensitivity.json").read_text())
    names = [f["name"] for f in s["factors"]]
    indices = s["outputs"][0]["factors"]
    bad = 0
    print(f"{'parameter':<16} {'SALib ST':>9} {'wijksim ST (95%)':>24}  agree?")
    for name, st, ct in zip(PROBLEM["names"], si["ST"], si["ST_conf"]):
        t = indices[names.index(name)]["total"]
        half = (t["hi"] - t["lo"]) / 2
        agree = abs(st - t["value"]) <= ct + half + 1e-9
        bad += not agree
        print(f"{name:<16} {st:9.3f} {t['value']:9.3f} ({t['lo']:.3f}-{t['hi']:.3f})  {'yes' if agree else 'NO'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
