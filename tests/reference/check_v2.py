#!/usr/bin/env python3
"""Hand checks (explicit arithmetic from the world inputs, not calling model_v2) and invariant
checks on the outputs of model_v2.py.  Usage: python3 check_v2.py  (after running the model on
both worlds into out/)."""
import json, math, sys

A = json.load(open("out/world_a.json"))
B = json.load(open("out/world_b.json"))
fails = 0


def check(label, hand, model, tol=1e-9):
    global fails
    ok = math.isclose(hand, model, rel_tol=tol, abs_tol=1e-12)
    fails += not ok
    print(f"{'OK ' if ok else 'BAD'} {label}: hand {hand!r}  model {model!r}")


# ---- 1. world_a, Noord, g of unemployment, 2008 (t = 1) --------------------------------------
# municipal: Aastad P_m = 20000 + 8000; B = 150 x 28000 x 1.025 (no cut in 2008)
B_aastad = 150 * 28000 * 1.025
S_mun = B_aastad * 20000 / 28000                       # 3,075,000
S_state = 1_000_000
# commitment 5M x 1.0 x 1.025, social part 0.4, both C1 and C2 fund it in full (sw = 1)
S_corp = 5_000_000 * 1.0 * 1.025 * 0.4                  # 2,050,000
s = (S_corp + S_mun + S_state) / 20000                  # 306.25 EUR per resident
K = s                                                   # K_1 = 0.7 x 0 + s
r = 1 - math.exp(-K / 1000)
d = 0.015 * r * 1.0                                     # eff x r x max(z_0, 0)
z = 1.0 - d + 0.10 * (1 - 0.2) * (1 - 1.0)              # no spillover into unemployment; leak term 0
G0 = 14.0 - 6.0                                         # Noord's own values
g = z + 150 * (0.039 - 0.055) / G0                      # cycle level, within [-0.75, 11.75]
check("A Noord intensity 2008", s, A["wijken"]["Noord"]["intensity"][1])
check("A Noord z_unemployment 2008", z, A["wijken"]["Noord"]["z"]["unemployment"][1])
check("A Noord g_unemployment 2008", g, A["wijken"]["Noord"]["g"]["unemployment"][1])
print(f"    s = {s}, r = {r}, d = {d}, z = {z}, g = {g}")

# physical: F = 0.6 x 5,125,000; upgraded share = F / (60000 x 1.025) / 9000
F = 0.6 * 5_000_000 * 1.025
d_phys = 100 * F / (60000 * 1.025) / 9000 / 15
z_phys = 1 - d_phys + 0.3 / 15
check("A Noord z_low_quality_housing 2008", z_phys, A["wijken"]["Noord"]["z"]["low_quality_housing"][1])

# ---- 2. world_a, C2, ICR 2008 -----------------------------------------------------------------
N = (1250 + 3000 + 5750) * (1 - 0.007)                  # after this year's sales: 9930
net = 5000 * 1.025 - (1100 + 1300 + 200) * 1.025        # rent - cost - maint - tax per dwelling
OCF = N * net - 0.0 + 0.0                               # no levy in 2008, Y_1 = 0
j1 = 0.9 * 0.047 + 0.1 * 0.045
I = j1 * 34000 * 10000
check("A C2 OCF 2008", OCF, A["corporations"]["C2"]["ocf"][1])
check("A C2 interest 2008", I, A["corporations"]["C2"]["interest"][1])
check("A C2 ICR 2008", OCF / I, A["corporations"]["C2"]["icr"][1])
print(f"    N = {N}, OCF = {OCF}, j1 = {j1}, I = {I}, ICR = {OCF / I}")
# C2 capacity 2008 (wijken_first):
H_icr = (OCF / 1.4 - I) / max(0.045, 0.005)
vc = 160000 * 1.03
V_prev = vc * (1 - 0.25)                               # cv_0 = 1
Val = (1250 + 3000) * V_prev + 5750 * vc + 0.0
H_ltv = 0.85 * 0.53 * Val - 340_000_000
P = 0.95 * 0.007 * ((1250 + 3000) * V_prev + 5750 * vc)
cap = max(0, OCF - I + P) + 0.25 * max(0, min(H_icr, H_ltv))
check("A C2 capacity 2008", cap, A["corporations"]["C2"]["capacity"][1])
Wplan = (0.25 * 5_000_000 + 1.0 * 2_000_000) * 1.025
Rplan = 2500 * N * 1.025
sw = min(1, cap / Wplan); sr = min(1, (cap - sw * Wplan) / Rplan)
check("A C2 regular share 2008 (wijken_first)", sr, A["corporations"]["C2"]["share_regular"][1])
D1 = max(0, 340_000_000 + sw * Wplan + sr * Rplan - (OCF - I) - P)
check("A C2 debt 2008", D1, A["corporations"]["C2"]["debt"][1])

# ---- 3. world_a, C1, levy 2014 (t = 7) --------------------------------------------------------
h = [0.03, -0.03, -0.02, -0.024, -0.059, -0.066, 0.01]   # 2008..2014
vc14 = 160000
for x in h:
    vc14 *= 1 + x
gN = {k: v[6] for k, v in A["wijken"]["Noord"]["g"].items()}   # observed gaps 2013 (model output)
vw = {"unemployment": .05, "income": .05, "low_quality_housing": .35, "livability": .30,
      "safety": .20, "life_expectancy": .05}
cv13 = sum(vw[k] * gN[k] for k in vw)
check("A Noord cv 2013 from its g", cv13, A["wijken"]["Noord"]["cv"][6])
V_noord = vc14 * (1 - 0.25 * min(1.6, max(0, 1 - 0.6 * (1 - cv13))))
n13 = 3750 * 0.993 ** 6                                  # Noord holdings after the 2013 sales
out13 = 26250 * 0.993 ** 6
levy = 0.00381 * (n13 * 0.75 * V_noord + out13 * 0.75 * vc14)
check("A C1 levy 2014", levy, A["corporations"]["C1"]["levy"][7])
print(f"    V_city 2014 = {vc14}, cv_2013 = {cv13}, V_Noord(step 2) = {V_noord}, "
      f"n = {n13}, N_out = {out13}, levy = {levy}")

# ---- 4. world_b, 2008: a corporation in ICR breach gets no headroom ------------------------------
Nb = (900 + 1440 + 9360) * 0.95
OCFb = Nb * (5200 - 2600) * 1.02
Ib = (0.9 * 0.047 + 0.1 * 0.0) * 60000 * 11700
check("B ICR 2008", OCFb / Ib, B["corporations"]["Ceeveen (sector average)"]["icr"][1])
print(f"    ICR = {OCFb / Ib} < 1.4, headroom = {B['corporations']['Ceeveen (sector average)']['headroom'][1]}")
# Oost physical 2008: 12M x 1.02 x 0.6 -> 160 dwellings upgraded of 1500 -> 10.667 pp / 15
dO = 100 * (12e6 * 1.02 * 0.6) / (45000 * 1.02) / 1500 / 15
check("B Oost d_low_quality_housing 2008", dO, B["wijken"]["Oost"]["direct"]["low_quality_housing"][1])
# West observed unemployment 2009: u = 0 -> z + 600 x (0 - 0.055) / 22 clamped at lo = -8/22
check("B West g_unemployment 2009 (at lo)", -8 / 22, B["wijken"]["West"]["g"]["unemployment"][2])
# compensation 2012 (cut 0.5 from 2012): chi 1 x shortfall = 0.5 x 400 x 8000 x 1.02^5
check("B compensation 2012", 0.5 * 400 * 8000 * 1.02 ** 5,
      B["corporations"]["Ceeveen (sector average)"]["plan_compensation"][5])


# ---- invariants ---------------------------------------------------------------------------------
def invariants(name, O, world):
    global fails
    bad = []
    T = len(O["years"]) - 1
    disc0 = world["property"]["start_discount"]
    for wn, w in O["wijken"].items():
        for k in w["g"]:
            lo = -math.inf if w["lo"][k] is None else w["lo"][k]
            hi = math.inf if w["hi"][k] is None else w["hi"][k]
            for t in range(T + 1):
                for var in ("g", "z"):
                    x = w[var][k][t]
                    if not (lo - 1e-12 <= x <= hi + 1e-12):
                        bad.append(f"{wn} {var}_{k}[{t}]={x} outside [{lo},{hi}]")
        for t in range(T + 1):
            vc = O["city_value"][t]
            if w["value"][t] > vc * (1 + 1e-12):
                bad.append(f"{wn} value[{t}] above city")
            if w["value"][t] < vc * (1 - disc0 * (1 + world["property"]["theta"])) * (1 - 1e-12):
                bad.append(f"{wn} value[{t}] below the deepest discount")
    for cn, c in O["corporations"].items():
        cw = next(x for x in world["corporations"] if x["name"] == cn)
        for t in range(1, T + 1):
            icr = c["icr"][t]
            if icr is not None and icr < cw["icr_min"] and c["headroom"][t] != 0:
                bad.append(f"{cn} headroom {c['headroom'][t]} while ICR {icr} < icr_min in t={t}")
            if c["debt"][t] < 0:
                bad.append(f"{cn} negative debt")
            plan = c["plan_regular"][t] + c["plan_wijk"][t] + c["plan_compensation"][t]
            if c["capacity"][t] >= plan and abs(c["spent"][t] - plan) > 1e-6 * plan:
                bad.append(f"{cn} t={t}: capacity covers plan but spent != plan")
            if c["capacity"][t] < plan and c["spent"][t] > c["capacity"][t] * (1 + 1e-12):
                bad.append(f"{cn} t={t}: spent above capacity")
            # debt and Q recursions
            D = max(0.0, c["debt"][t - 1] + c["spent"][t] - c["fcf"][t] - c["sales_proceeds"][t])
            if not math.isclose(D, c["debt"][t], rel_tol=1e-12):
                bad.append(f"{cn} debt recursion t={t}")
            Q = c["Q"][t - 1] * (1 + world["economy_path"]["h"][t]) + world["property"]["capitalisation"] * (
                c["physical"][t] + c["renovation"][t])
            if not math.isclose(Q, c["Q"][t], rel_tol=1e-12, abs_tol=1e-6):
                bad.append(f"{cn} Q recursion t={t}")
            if c["breach_icr"][t] != (icr is not None and icr < cw["icr_min"]):
                bad.append(f"{cn} breach_icr flag t={t}")
            n_sum = sum(v[t] for v in c["holdings"].values()) + c["outside"][t]
            if not math.isclose(n_sum, c["N"][t], rel_tol=1e-12):
                bad.append(f"{cn} N != holdings + outside t={t}")
    # wijk physical = sum of corporations' physical for the wijk, via totals
    for t in range(1, T + 1):
        tot_w = sum(w["physical"][t] for w in O["wijken"].values())
        tot_c = sum(c["physical"][t] for c in O["corporations"].values())
        if not math.isclose(tot_w, tot_c, rel_tol=1e-12, abs_tol=1e-6):
            bad.append(f"physical totals differ t={t}")
    fails += len(bad)
    print(f"{name}: {'all invariants hold' if not bad else 'VIOLATIONS:'}")
    for b in bad:
        print("   ", b)


invariants("world_a", A, json.load(open("worlds/world_a.json")))
invariants("world_b", B, json.load(open("worlds/world_b.json")))
sys.exit(1 if fails else 0)
