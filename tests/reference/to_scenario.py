"""Writes a world of worlds/ as a wijksim scenario (TOML) with its wijk and corporations
tables, so that the engine can run the same world as model_v2.py.

    python3 to_scenario.py worlds/world_a.json scenarios/

This only translates the input; it knows nothing of either implementation.
"""
import json
import sys
from pathlib import Path

MEAN = {"h": 0.025, "i": 0.035, "p": 0.020, "u": None}
VAR = {"h": "house_price_growth", "i": "interest", "p": "inflation", "u": "unemployment"}


def num(x):
    return repr(float(x))


def schedule(d):
    return "{ " + ", ".join(f"{y} = {num(v)}" for y, v in sorted(d.items())) + " }"


def main(world_path, out_dir):
    w = json.loads(Path(world_path).read_text())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = w["name"]
    mean = dict(MEAN, u=w["mean_u"])
    lines = [
        f"# Generated from {Path(world_path).name} by to_scenario.py: do not edit.",
        f'name = "{name}"',
        "",
        "[run]",
        "draws = 1",
        "seed = 1",
        f"horizon = {w['T']}",
        f"start_year = {w['Y0']}",
        "",
        "[data]",
        f'wijken = "{name}_wijken.csv"',
        "",
        "[economy.mean]",
    ]
    lines += [f"{VAR[v]} = {num(mean[v])}" for v in "hipu"]
    lines += ["", "[economy.sd]"] + [f"{VAR[v]} = 0" for v in "hipu"]
    for v in "hipu":
        lines += ["", f"[economy.overlay.{VAR[v]}]"]
        for t, x in enumerate(w["economy_path"][v]):
            lines.append(f"{w['Y0'] - 1 + t} = {num(x - mean[v])}")
    g = w["gaps"]
    lines += ["", "[gaps]"] + [f"{k} = {num(v)}" for k, v in g.items()]
    for ind in w["indicators"]:
        lines += ["", "[[indicators]]", f'name = "{ind["name"]}"', f"city = {num(ind['city'])}",
                  f"wijk = {num(ind['wijk'])}", f'better = "{ind["better"]}"',
                  f"min = {num(ind['min'])}"]
        if ind["max"] is not None:
            lines.append(f"max = {num(ind['max'])}")
        lines += [f"weight = {num(ind['weight'])}", f"value_weight = {num(ind['value_weight'])}",
                  f'response = "{ind["response"]}"', f"leakage = {str(ind['leakage']).lower()}",
                  "wijk_cv = 0", f"cyclical = {num(ind['cyc'])}", "sigma = 0"]
        if ind["eff"] is not None:
            lines.append(f"effect = {num(ind['eff'])}")
    spill = {}
    for a, b, c in w["spillover"]:
        spill.setdefault(a, []).append((b, c))
    for a, targets in spill.items():
        lines += ["", f"[spillover.{a}]"] + [f"{b} = {num(c)}" for b, c in targets]
    lines += ["", "[property]"] + [f"{k} = {num(v)}" for k, v in w["property"].items()]
    for m in w["municipalities"]:
        lines += ["", f'[municipalities.overrides."{m["name"]}"]']
        lines += [f"{k} = {num(m[k])}" for k in ("budget_per_resident", "cut_depth", "cut_start", "cut_ramp")]
    per_dwelling = ("rent", "operating_cost", "maintenance", "other_taxes", "debt", "loan_interest")
    corp_rows = []
    for c in w["corporations"]:
        sector = c["name"].endswith(" (sector average)")
        key = c["gemeente"] if sector else c["name"]
        lines += ["", f'[corporations.overrides."{key}"]']
        for k, v in c.items():
            if k in ("name", "gemeente", "holdings", "outside") or (k in per_dwelling and not sector):
                continue
            if k == "allocation":
                lines.append(f'allocation = "{v}"')
            elif k in ("rent_policy", "levy", "commitment"):
                lines.append(f"{k} = {schedule(v)}")
            elif k == "i_floor":
                lines.append(f"rate_floor = {num(v)}")
            elif k == "y_new":
                lines.append(f"newbuild_yield = {num(v)}")
            else:
                lines.append(f"{k} = {num(v)}")
        if sector:
            wijk_dw = sum(c["holdings"].values())
            lines.append(f"outside_ratio = {num(c['outside'] / wijk_dw)}")
        else:
            total = sum(c["holdings"].values()) + c["outside"]
            corp_rows.append([c["name"], c["gemeente"], num(total)] + [num(c[k]) for k in per_dwelling])
    lines += ["", "[state]", f"budget_per_wijk = {schedule(w['state_budget_per_wijk'])}", ""]
    if corp_rows:
        at = lines.index(f'wijken = "{name}_wijken.csv"')
        lines.insert(at + 1, f'corporations = "{name}_corporaties.csv"')
    (out / f"{name}.toml").write_text("\n".join(lines))

    # The wijk table: sizes, own indicator values, and the owner where one corporation owns it all.
    names = [i["name"] for i in w["indicators"]]
    owned = {}
    for c in w["corporations"]:
        for wijk, n in c["holdings"].items():
            owned.setdefault(wijk, []).append((c["name"], n))
    head = ["gemeente", "wijk", "additionele_inzet_mln_per_jaar", "max_subsidie_eur_per_jaar",
            "inwoners", "woningen", "corporatiewoningen", "corporatie"]
    head += [n for i in names for n in (i, i + "_stad")]
    rows = [",".join(head)]
    for wijk in w["wijken"]:
        owners = owned[wijk["name"]]
        named = owners[0][0] if len(owners) == 1 and not owners[0][0].endswith(")") else ""
        cells = [wijk["gemeente"], wijk["name"], num(wijk["commitment_eur"] / 1e6), "0",
                 num(wijk["population"]), num(wijk["dwellings"]), num(sum(n for _, n in owners)), named]
        for i in names:
            v = wijk["values"].get(i, {})
            cells += [num(v["wijk"]) if "wijk" in v else "", num(v["city"]) if "city" in v else ""]
        rows.append(",".join(cells))
    (out / f"{name}_wijken.csv").write_text("\n".join(rows) + "\n")
    head = ["corporatie", "gemeente", "woningen"] + list(per_dwelling)
    if corp_rows:
        (out / f"{name}_corporaties.csv").write_text(
            "\n".join([",".join(head)] + [",".join(r) for r in corp_rows]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
