#!/usr/bin/env python3
"""EMA Workbench's PRIM on the table `wijksim discover` mined gives wijksim's trajectory.

Usage: check_discover.py DISCOVER_DIR

Runs run_prim.py (EMA Workbench, default settings) on DISCOVER_DIR/discover_inputs.csv and
compares every step with DISCOVER_DIR/discover.json: points and cases inside, coverage,
density and mass exactly, the limits of the restricted inputs exactly, the quasi-p-values to
a relative 1e-9. Exits 1 on any difference.
"""
import json
import os
import subprocess
import sys


def main():
    d = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(
        [sys.executable, os.path.join(here, "run_prim.py"), os.path.join(d, "discover_inputs.csv")],
        check=True, capture_output=True, text=True,
    ).stdout
    ema = json.loads(out)["trajectory"]
    ours = json.load(open(os.path.join(d, "discover.json")))["trajectory"]
    problems = []
    if len(ema) != len(ours):
        problems.append(f"EMA has {len(ema)} steps, wijksim {len(ours)}")
    for e, o in zip(ema, ours):
        step = e["id"]
        if (e["n"], e["k"], e["coverage"], e["density"], e["mass"]) != (
            o["draws"], o["cases"], o["coverage"], o["density"], o["mass"]
        ):
            problems.append(f"step {step}: counts or shares differ")
        limits = {l["input"]: [l["lower"], l["upper"]] for l in o["limits"]}
        if limits != e["limits"]:
            problems.append(f"step {step}: limits differ: {limits} vs {e['limits']}")
        for l in o["limits"]:
            for ours_p, theirs in zip([l["quasi_p_lower"], l["quasi_p_upper"]], e["qp"][l["input"]]):
                if (ours_p is None) != (theirs is None) or (
                    ours_p is not None and abs(ours_p - theirs) > 1e-9 * abs(theirs)
                ):
                    problems.append(f"step {step}: quasi-p of {l['input']}: {ours_p} vs {theirs}")
    for p in problems[:20]:
        print(p)
    print(f"{len(ours)} steps compared with EMA Workbench {json.loads(out)['ema_workbench_version']}:",
          "identical" if not problems else f"{len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
