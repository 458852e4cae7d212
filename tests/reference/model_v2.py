#!/usr/bin/env python3
"""Independent reference implementation of the deterministic core of reference model v2.

Written from the reference model v2 (MODEL.md of the shared notes) and the readings listed in README.md (beside this file) only;
no engine code was read. Plain Python 3.11, standard library only.

Scope: one draw with every uncertain parameter fixed, every noise term zero (sigma = 0),
every per-wijk effect multiplier 1 and a given (already floored) economic path. The world
files in worlds/ carry all inputs.

Usage:  python3 model_v2.py worlds/world_a.json out/world_a.json

Conventions used throughout
  t = 0..T is the model year; year t is calendar year Y0 + t - 1; t = 0 is the start state.
  PI[t] = (1 + p_1) ... (1 + p_t), PI[0] = 1          (the "(1+p)^t" of MODEL.md)
  Quantities that do not exist at t = 0 (flows of a year) are None (JSON null) at t = 0.
  +/- infinity (an unbounded physical range, an ICR without interest) is written as null.
"""

import json
import math
import os
import sys


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

def clamp(x, lo, hi):
    """clamp(x, lo, hi); lo may be -inf and hi +inf."""
    return max(lo, min(hi, x))


def schedule(sched, year, before=0.0):
    """Step function by calendar year: the value of the latest listed year at or before `year`;
    `before` before the first listed year (0 for rho, tau, the state budget; 1 for the
    commitment multiplier)."""
    best_year = None
    value = before
    for y, v in sched.items():
        y = int(y)
        if y <= year and (best_year is None or y > best_year):
            best_year, value = y, float(v)
    return value


def share(available, need):
    """Reading 7: share(a, need) = clamp(a / need, 0, 1), or 1 when need = 0
    (MODEL.md: "plan 0 means nothing is cut")."""
    if need == 0:
        return 1.0
    return clamp(available / need, 0.0, 1.0)


def finite_or_none(x):
    if x is None:
        return None
    if isinstance(x, float) and (math.isinf(x) or math.isnan(x)):
        return None
    return x


def jsonable(obj):
    """Replace infinities / NaN by null recursively (JSON has no infinity)."""
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [jsonable(v) for v in obj]
    if isinstance(obj, float):
        return finite_or_none(obj)
    return obj


# ---------------------------------------------------------------------------------------------
# Loading a world: static parameters and the derived start state (t = 0)
# ---------------------------------------------------------------------------------------------

class World:
    def __init__(self, d):
        self.name = d.get("name", "")
        self.T = int(d["T"])
        self.Y0 = int(d["Y0"])
        e = d["economy_path"]
        self.h, self.i, self.p, self.u = (list(map(float, e[k])) for k in ("h", "i", "p", "u"))
        for seq in (self.h, self.i, self.p, self.u):
            if len(seq) != self.T + 1:
                raise ValueError("economy_path lists must have T + 1 entries (t = 0..T)")
        self.mean_u = float(d["mean_u"])

        # Indicators. "Composite c_t = sum_k weight_k g_k,t" (weights normalised to sum 1);
        # "cv_t = sum_k vweight_k g_k,t" (value weights normalised to sum 1).
        self.ind = d["indicators"]
        self.K = [k["name"] for k in self.ind]
        wsum = sum(float(k["weight"]) for k in self.ind)
        vsum = sum(float(k["value_weight"]) for k in self.ind)
        self.weight = {k["name"]: float(k["weight"]) / wsum for k in self.ind}
        self.vweight = {k["name"]: float(k["value_weight"]) / vsum for k in self.ind}
        self.indicator = {k["name"]: k for k in self.ind}

        # Spillover matrix C: "closure of `from` closes `to` by coefficient x that closure".
        self.spill = [(a, b, float(c)) for a, b, c in d["spillover"]]

        g = d["gaps"]
        self.lam = float(g["decay"])                   # lambda
        self.k_half = float(g["k_half"])               # K_half
        self.leak = float(g["leak"])
        self.retention = float(g["retention"])
        # "leak_eff = leak (1 - retention)"
        self.leak_eff = self.leak * (1.0 - self.retention)
        self.aging = float(g["aging"])                 # pp per year
        self.upgrade_cost = float(g["upgrade_cost"])   # EUR per dwelling at t = 0 prices

        pr = d["property"]
        self.city_value0 = float(pr["city_value"])
        self.disc0 = float(pr["start_discount"])
        self.theta = float(pr["theta"])
        self.capit = float(pr["capitalisation"])
        self.woz_ratio = float(pr["woz_ratio"])

        self.munis = d["municipalities"]
        self.wijken = d["wijken"]
        self.corps = d["corporations"]
        self.state_budget = d.get("state_budget_per_wijk", {})

        # Reading 8: P_m = sum of its wijken's populations.
        self.P_m = {m["name"]: 0.0 for m in self.munis}
        for w in self.wijken:
            self.P_m[w["gemeente"]] += float(w["population"])

        # Per wijk and indicator: city value, wijk value, G_k(0), lo, hi.
        self.norm = {}
        for w in self.wijken:
            self.norm[w["name"]] = {k: self._normalisation(w, k) for k in self.K}

        # Reading 1: a wijk's commitment is split pro rata to holdings at t = 0.
        self.commit_share = {}
        for w in self.wijken:
            wn = w["name"]
            tot = sum(float(c["holdings"].get(wn, 0.0)) for c in self.corps)
            self.commit_share[wn] = {
                c["name"]: (float(c["holdings"].get(wn, 0.0)) / tot if tot > 0 else 0.0)
                for c in self.corps
            }

    def year(self, t):
        return self.Y0 + t - 1

    def _normalisation(self, w, k):
        spec = self.indicator[k]
        own = w.get("values", {}).get(k, {})
        city = float(own.get("city", spec["city"]))
        wijk = float(own.get("wijk", spec["wijk"]))
        vmin = spec.get("min")
        vmax = spec.get("max")
        vmin = -math.inf if vmin is None else float(vmin)
        vmax = math.inf if vmax is None else float(vmax)
        # "the gap G_k = (wijk - city) oriented so that positive is worse"
        if spec["better"] == "lower":
            G0 = wijk - city
            # lower is better: lo = (min - city)/G(0), hi = (max - city)/G(0)
            lo = (vmin - city) / G0 if G0 > 0 else None
            hi = (vmax - city) / G0 if G0 > 0 else None
        elif spec["better"] == "higher":
            G0 = city - wijk
            # "mirrored for higher is better": gap = city - value, so
            # lo = (city - max)/G(0), hi = (city - min)/G(0)
            lo = (city - vmax) / G0 if G0 > 0 else None
            hi = (city - vmin) / G0 if G0 > 0 else None
        else:
            raise ValueError(f"indicator {k}: better must be 'lower' or 'higher'")
        if not G0 > 0:
            # g = G/G(0) is undefined for a wijk at (or better than) the city at t = 0.
            raise ValueError(f"wijk {w['name']}, indicator {k}: start gap G(0) = {G0} must be > 0")
        return {"city": city, "wijk": wijk, "G0": G0, "lo": lo, "hi": hi}

    # --- deterministic municipal budget (needed in step 3 for compensation, recorded in step 4)
    def cut(self, m, t):
        """cut_m,t = depth x min(1, (year - cut_start + 1) / cut_ramp) from cut_start on, else 0."""
        if t == 0:
            return 0.0
        year = self.year(t)
        start = int(m["cut_start"])
        if year < start:
            return 0.0
        ramp = float(m["cut_ramp"])
        frac = 1.0 if ramp <= 0 else min(1.0, (year - start + 1) / ramp)
        return float(m["cut_depth"]) * frac

    def budget_full(self, m, PI_t):
        """B_m,0 (1+p)^t with B_m,0 = budget_per_resident x P_m (reading 8)."""
        return float(m["budget_per_resident"]) * self.P_m[m["name"]] * PI_t

    def budget(self, m, t, PI_t):
        """B_m,t = B_m,0 (1+p)^t (1 - cut_m,t)."""
        return self.budget_full(m, PI_t) * (1.0 - self.cut(m, t))

    def shortfall(self, m, t, PI_t):
        """Shortfall = B_m,0 (1+p)^t - B_m,t."""
        return self.budget_full(m, PI_t) - self.budget(m, t, PI_t)


# ---------------------------------------------------------------------------------------------
# The property value function
# ---------------------------------------------------------------------------------------------

def wijk_value(world, v_city, cv):
    """V_w,t = V^city_t (1 - disc_0 x clamp(1 - theta (1 - cv_t), 0, 1 + theta))."""
    return v_city * (1.0 - world.disc0 * clamp(1.0 - world.theta * (1.0 - cv), 0.0, 1.0 + world.theta))


# ---------------------------------------------------------------------------------------------
# Start state, t = 0
# ---------------------------------------------------------------------------------------------

def initial_state(world):
    W = world
    S = {
        "PI": 1.0,                         # price index (1+p)^0
        "v_city": W.city_value0,           # V^city_0
        "wijk": {},
        "corp": {},
    }
    for w in W.wijken:
        wn = w["name"]
        # Reading 2: z_k,0 = 1 and g_k,0 = 1 (the data define G(0)), so c_0 = cv_0 = 1.
        S["wijk"][wn] = {
            "z": {k: 1.0 for k in W.K},
            "g": {k: 1.0 for k in W.K},
            "c": 1.0,
            "cv": 1.0,
            "K": 0.0,                      # "K_0 = 0"
        }
    for c in W.corps:
        holdings = {wn: float(c["holdings"].get(wn, 0.0)) for wn in (w["name"] for w in W.wijken)}
        outside = float(c["outside"])
        N = sum(holdings.values()) + outside
        S["corp"][c["name"]] = {
            "n": holdings,                 # n_{c,w}
            "out": outside,                # N_out
            "rent": float(c["rent"]),      # R_0 per dwelling
            "cost": float(c["operating_cost"]),
            "maint": float(c["maintenance"]),
            "tax": float(c["other_taxes"]),
            # Reading 3: D_0 = debt per dwelling x (sum of holdings + outside).
            "D": float(c["debt"]) * N,
            "j": float(c["loan_interest"]),  # j_0
            "Y": 0.0,                      # Reading 5: Y_0 = 0
            "newbuild": 0.0,               # Reading 5: newbuild_0 = 0
            "Q": 0.0,                      # Reading 5: Q_0 = 0
        }
    return S


# ---------------------------------------------------------------------------------------------
# Order within a year: one function per step
# ---------------------------------------------------------------------------------------------

def step1_economy_and_growth(W, S, t):
    """1. draw the economy x_t; grow inflation index, city value, rents, costs, Q by this
    year's rates.  (The economy path is given; no draw, no flooring needed.)"""
    year = W.year(t)
    h_t, p_t = W.h[t], W.p[t]
    S["PI"] *= (1.0 + p_t)                         # (1+p)^t: cumulative inflation of the path
    # "V^city_t = V^city_{t-1} (1 + h_t)"
    S["v_city"] *= (1.0 + h_t)
    for c in W.corps:
        st = S["corp"][c["name"]]
        rho = schedule(c["rent_policy"], year, 0.0)
        # "rent R_t = R_{t-1} (1 + p_t + rho_t)"
        st["rent"] *= (1.0 + p_t + rho)
        # "cost and maintenance grow with p_t"; "Cost, maintenance and other taxes per dwelling
        # all grow with inflation."
        st["cost"] *= (1.0 + p_t)
        st["maint"] *= (1.0 + p_t)
        st["tax"] *= (1.0 + p_t)
        # "Q in Val_t is Q_{t-1} grown by h_t; this year's capit x spending enters Q after the
        # valuation."  Here Q_{t-1} (1 + h_t); the spending is added in step 3.
        st["Q"] *= (1.0 + h_t)


def step2_valuation_and_sales(W, S, t, rec):
    """2. value the corporations' portfolios, WOZ base and sales prices with last year's
    composite gaps (reading 10: the value composite cv_{t-1}); sales (N and n_w shrink by
    sell_rate)."""
    year = W.year(t)
    v_city = S["v_city"]
    # Reading 10: value of wijk dwellings in step 2 uses cv_{t-1}.
    V_prev = {wn: wijk_value(W, v_city, S["wijk"][wn]["cv"]) for wn in S["wijk"]}
    rec["V_step2"] = V_prev
    for c in W.corps:
        cn = c["name"]
        st = S["corp"][cn]
        # "Value, WOZ base and sales prices in a year use the stock before this year's sales"
        # "Val_t = sum_w n_w V_w,t + N_out V^city_t + Q_t" with Q = Q_{t-1}(1+h_t) (step 1)
        val = sum(st["n"][wn] * V_prev[wn] for wn in st["n"]) + st["out"] * v_city + st["Q"]
        # "policy value PV_t = kappa Val_t"
        pv = float(c["policy_value_ratio"]) * val
        # "levy L_t = tau_t x (sum_w n_w WOZ_w,t + N_out woz_ratio V^city_t)",
        # "WOZ_w,t = woz_ratio x V_w,t"
        woz = sum(st["n"][wn] * W.woz_ratio * V_prev[wn] for wn in st["n"]) + st["out"] * W.woz_ratio * v_city
        tau = schedule(c["levy"], year, 0.0)
        levy = tau * woz
        # "sales: each year the corporation sells sell_rate of its dwellings in every wijk and
        # outside, at V_w,t and V^city_t less sale costs of 5%"
        sr = float(c["sell_rate"])
        sold_w = {wn: sr * st["n"][wn] for wn in st["n"]}
        sold_out = sr * st["out"]
        gross = sum(sold_w[wn] * V_prev[wn] for wn in sold_w) + sold_out * v_city
        proceeds = (1.0 - float(c["sale_cost"])) * gross
        # "sold dwellings leave n_w and N_out (they stay in H_w)"
        for wn in st["n"]:
            st["n"][wn] -= sold_w[wn]
        st["out"] -= sold_out
        st["N"] = sum(st["n"].values()) + st["out"]
        st["Val"], st["PV"], st["woz"], st["levy"], st["P"] = val, pv, woz, levy, proceeds
        st["sold"] = sum(sold_w.values()) + sold_out


def step3_corporations(W, S, t, rec):
    """3. corporation cash flow, ratios, capacity, plan, allocation, spending; debt D_t."""
    year = W.year(t)
    PI = S["PI"]
    i_t, p_t = W.i[t], W.p[t]
    muni = {m["name"]: m for m in W.munis}
    # Per wijk: F_w,t (physical) and S^corp_w,t (social), summed over corporations.
    F_w = {w["name"]: 0.0 for w in W.wijken}
    Scorp_w = {w["name"]: 0.0 for w in W.wijken}
    for c in W.corps:
        cn = c["name"]
        st = S["corp"][cn]
        D_prev = st["D"]
        # "Y_t = (1 + p_t) Y_{t-1} + y_new x newbuild_{t-1}"
        st["Y"] = (1.0 + p_t) * st["Y"] + float(c["y_new"]) * st["newbuild"]
        # "OCF_t = N_t (R_t - cost_t - maint_t - tax_t) - L_t + Y_t" (N_t after sales)
        ocf = st["N"] * (st["rent"] - st["cost"] - st["maint"] - st["tax"]) - st["levy"] + st["Y"]
        # "j_t = (1 - phi) j_{t-1} + phi i_t; interest I_t = j_t D_{t-1}"
        phi = float(c["refinance_share"])
        st["j"] = (1.0 - phi) * st["j"] + phi * i_t
        interest = st["j"] * D_prev
        # "ICR_t = OCF_t / I_t" ("ICR is infinite without interest"; reported null)
        icr = ocf / interest if interest > 0 else math.inf
        # "FCF_t = OCF_t - I_t"
        fcf = ocf - interest
        icr_min = float(c["icr_min"])
        # "H_icr = (OCF_t / icr_min - I_t) / max(i_t, i_floor) when OCF_t / icr_min > I_t, else 0"
        if ocf / icr_min > interest:
            h_icr = (ocf / icr_min - interest) / max(i_t, float(c["i_floor"]))
        else:
            h_icr = 0.0
        # "H_ltv = ltv_max PV_t - D_{t-1}"
        h_ltv = float(c["ltv_max"]) * st["PV"] - D_prev
        # "H_t = max(0, min(H_icr, H_ltv))"
        headroom = max(0.0, min(h_icr, h_ltv))
        # "capacity_t = max(0, FCF_t + P_t) + eta H_t"
        capacity = max(0.0, fcf + st["P"]) + float(c["headroom_use"]) * headroom

        # Plan. Reading 6: regular plan = regular_investment x N_t x price index (N_t after sales).
        plan_reg = float(c["regular_investment"]) * st["N"] * PI
        # Reading 1: wijk plan = share x commitment_eur x commitment_t(year) x price index.
        mult = schedule(c["commitment"], year, 1.0)
        plan_commit = {}
        plan_comp = {}
        for w in W.wijken:
            wn = w["name"]
            plan_commit[wn] = W.commit_share[wn][cn] * float(w["commitment_eur"]) * mult * PI
            # Reading 4: compensation chi x (P_w / P_m) x shortfall_m, paid by the owners of the
            # wijk's corporation dwellings pro rata to holdings after this year's sales.
            owners = sum(S["corp"][o["name"]]["n"][wn] for o in W.corps)
            m = muni[w["gemeente"]]
            if owners > 0:
                own_share = st["n"][wn] / owners
                wijk_shortfall = float(w["population"]) / W.P_m[m["name"]] * W.shortfall(m, t, PI)
                plan_comp[wn] = float(c["compensation"]) * own_share * wijk_shortfall
            else:
                plan_comp[wn] = 0.0
        Wtot = sum(plan_commit.values()) + sum(plan_comp.values())

        # Reading 7: allocation "when capacity < plan, by policy".
        pol = c["allocation"]
        if pol == "pro_rata":
            s_reg = s_wijk = share(capacity, plan_reg + Wtot)
        elif pol == "wijken_first":
            s_wijk = share(capacity, Wtot)
            s_reg = share(capacity - s_wijk * Wtot, plan_reg)
        elif pol == "regular_first":
            s_reg = share(capacity, plan_reg)
            s_wijk = share(capacity - s_reg * plan_reg, Wtot)
        else:
            raise ValueError(f"corporation {cn}: unknown allocation {pol!r}")
        alloc_reg = s_reg * plan_reg
        alloc_wijk = s_wijk * Wtot
        spent = alloc_reg + alloc_wijk
        # "of which newbuild_share is new building (it earns Y) and the rest renovation"
        newbuild = float(c["newbuild_share"]) * alloc_reg
        renovation = alloc_reg - newbuild
        # Reading 7: F = sw x phys_share x commitment plan in w;
        # social = sw x ((1 - phys_share) x commitment plan in w + compensation in w).
        phys = float(c["physical_share"])
        F_c = 0.0
        for wn in plan_commit:
            f = s_wijk * phys * plan_commit[wn]
            soc = s_wijk * ((1.0 - phys) * plan_commit[wn] + plan_comp[wn])
            F_w[wn] += f
            Scorp_w[wn] += soc
            F_c += f
        # "renovation and wijk physical investment add capit x spend to Q" (after the valuation)
        st["Q"] += W.capit * (F_c + renovation)
        # "D_t = max(0, D_{t-1} + spent_t - FCF_t - P_t)"
        st["D"] = max(0.0, D_prev + spent - fcf - st["P"])
        st["newbuild"] = newbuild
        # Reading 11: LTV = D_t / PV_t (PV_t of step 2 of the same year).
        ltv = st["D"] / st["PV"] if st["PV"] > 0 else math.inf
        rec["corp"][cn] = {
            "ocf": ocf, "interest": interest, "icr": icr, "fcf": fcf,
            "h_icr": h_icr, "h_ltv": h_ltv, "headroom": headroom, "capacity": capacity,
            "plan_regular": plan_reg, "plan_wijk": sum(plan_commit.values()),
            "plan_compensation": sum(plan_comp.values()),
            "plan_wijk_by_wijk": dict(plan_commit), "plan_compensation_by_wijk": dict(plan_comp),
            "share_regular": s_reg, "share_wijk": s_wijk,
            "alloc_regular": alloc_reg, "alloc_wijk": alloc_wijk, "spent": spent,
            "newbuild": newbuild, "renovation": renovation, "physical": F_c,
            "ltv": ltv,
            # "an ICR breach when ICR < icr_min and an LTV breach when LTV > ltv_max"
            "breach_icr": icr < icr_min,
            "breach_ltv": ltv > float(c["ltv_max"]),
        }
    rec["F_w"] = F_w
    rec["Scorp_w"] = Scorp_w


def step4_public_spending(W, S, t, rec):
    """4. municipal and state spending (reading 8)."""
    year = W.year(t)
    PI = S["PI"]
    Smun_w, Rstate_w = {}, {}
    rec["muni"] = {}
    for m in W.munis:
        B = W.budget(m, t, PI)
        rec["muni"][m["name"]] = {"budget": B, "shortfall": W.shortfall(m, t, PI), "cut": W.cut(m, t)}
    for w in W.wijken:
        m = w["gemeente"]
        # "S^mun_w,t = share_w x B_m,t, with share_w by population"
        Smun_w[w["name"]] = rec["muni"][m]["budget"] * float(w["population"]) / W.P_m[m]
        # "State (Rijk) wijk budget R_w,t" by calendar year (0 before the first listed year)
        Rstate_w[w["name"]] = schedule(W.state_budget, year, 0.0)
    rec["Smun_w"], rec["Rstate_w"] = Smun_w, Rstate_w


def step5_gaps(W, S, t, rec):
    """5. programme stock, gap update to g_t, c_t; first-closure year."""
    PI = S["PI"]
    u_t = W.u[t]
    rec["wijk"] = {}
    for w in W.wijken:
        wn = w["name"]
        ws = S["wijk"][wn]
        nrm = W.norm[wn]
        P_w, H_w = float(w["population"]), float(w["dwellings"])
        # "s_w,t = (S^corp + S^mun + R) / P_w"
        s = (rec["Scorp_w"][wn] + rec["Smun_w"][wn] + rec["Rstate_w"][wn]) / P_w
        # "K_t = (1 - lambda) K_{t-1} + s_w,t"; "r_t = 1 - exp(-K_t / K_half)"
        ws["K"] = (1.0 - W.lam) * ws["K"] + s
        r = 1.0 - math.exp(-ws["K"] / W.k_half)
        z_prev = dict(ws["z"])
        d = {}
        for k in W.K:
            spec = W.indicator[k]
            if spec["response"] == "social":
                # "d_k,t = eff_k x wijk_mult_k x r_t x max(z_k,t-1, 0)"  (wijk_mult = 1)
                d[k] = float(spec["eff"]) * 1.0 * r * max(z_prev[k], 0.0)
            elif spec["response"] == "physical":
                # "d_t = min((100 x F_w,t / upgrade_cost / H_w) / G(0), z_t-1 - lo)"
                # Reading 12: upgrade cost grown with the price index.
                upgraded_pp = 100.0 * rec["F_w"][wn] / (W.upgrade_cost * PI) / H_w
                d[k] = min(upgraded_pp / nrm[k]["G0"], z_prev[k] - nrm[k]["lo"])
            else:
                raise ValueError(f"indicator {k}: response must be social or physical")
        # "Spillover D_t = (I + C) d_t"; "Spillover passes on each indicator's direct closure d only."
        Dt = dict(d)
        for a, b, coef in W.spill:
            Dt[b] += coef * d[a]
        g = {}
        for k in W.K:
            spec = W.indicator[k]
            lo, hi = nrm[k]["lo"], nrm[k]["hi"]
            z = z_prev[k] - Dt[k]
            if spec["leakage"]:
                # "+ leak_eff (1 - z_{t-1})"
                z += W.leak_eff * (1.0 - z_prev[k])
            if spec["response"] == "physical":
                # "low_quality_housing ... instead ages, + aging / G(0) a year"
                z += W.aging / nrm[k]["G0"]
            # "+ sigma_k e_w,k,t": sigma = 0 in these worlds.
            z = clamp(z, lo, hi)
            ws["z"][k] = z
            # "g_k,t = clamp(z_k,t + cyc_k (u_t - mean_u) / G_k(0), lo_k, hi_k)"
            g[k] = clamp(z + float(spec["cyc"]) * (u_t - W.mean_u) / nrm[k]["G0"], lo, hi)
        ws["g"] = g
        # "Composite c_t = sum_k weight_k g_k,t (observed)"; "cv_t = sum_k vweight_k g_k,t"
        ws["c"] = sum(W.weight[k] * g[k] for k in W.K)
        ws["cv"] = sum(W.vweight[k] * g[k] for k in W.K)
        # "Record the first year c_t <= 0 (or none) and the first year c_t <= 0.5"
        if ws.get("first_closed") is None and ws["c"] <= 0.0:
            ws["first_closed"] = W.year(t)
        if ws.get("first_halved") is None and ws["c"] <= 0.5:
            ws["first_halved"] = W.year(t)
        rec["wijk"][wn] = {"s": s, "r": r, "d": d, "D": Dt}


def step6_report_values(W, S, t, rec):
    """6. report values and uplift with c_t (reading 10: the value composite cv_t)."""
    v_city = S["v_city"]
    rec["V"] = {}
    rec["uplift_w"] = {}
    for w in W.wijken:
        wn = w["name"]
        V = wijk_value(W, v_city, S["wijk"][wn]["cv"])
        rec["V"][wn] = V
        # "Value uplift of a wijk = H_w (V_w,t - V^city_t (1 - disc_0))"
        rec["uplift_w"][wn] = float(w["dwellings"]) * (V - v_city * (1.0 - W.disc0))
    rec["uplift_c"] = {}
    for c in W.corps:
        st = S["corp"][c["name"]]
        # "the corporations' part: n_w times the same" (n_w after this year's sales)
        rec["uplift_c"][c["name"]] = sum(
            st["n"][wn] * (rec["V"][wn] - v_city * (1.0 - W.disc0)) for wn in st["n"])


# ---------------------------------------------------------------------------------------------
# Driver and output
# ---------------------------------------------------------------------------------------------

def run(world_dict):
    W = World(world_dict)
    S = initial_state(W)
    T = W.T
    years = [W.Y0 - 1] + [W.year(t) for t in range(1, T + 1)]  # t = 0 is the start of Y0

    out = {
        "world": W.name,
        "t": list(range(T + 1)),
        "years": years,
        "price_index": [1.0],
        "city_value": [W.city_value0],
        "wijken": {},
        "corporations": {},
        "municipalities": {},
    }
    V0 = {w["name"]: wijk_value(W, W.city_value0, 1.0) for w in W.wijken}
    for w in W.wijken:
        wn = w["name"]
        nrm = W.norm[wn]
        out["wijken"][wn] = {
            "gemeente": w["gemeente"],
            "z": {k: [1.0] for k in W.K}, "g": {k: [1.0] for k in W.K},
            "c": [1.0], "cv": [1.0], "value": [V0[wn]],
            "stock": [0.0], "response": [0.0], "intensity": [None], "physical": [None],
            "social_corp": [None], "social_mun": [None], "state": [None],
            "direct": {k: [None] for k in W.K}, "spill_total": {k: [None] for k in W.K},
            "uplift": [float(w["dwellings"]) * (V0[wn] - W.city_value0 * (1 - W.disc0))],
            "uplift_T": None, "first_closed": None, "first_halved": None,
            "G0": {k: nrm[k]["G0"] for k in W.K},
            "lo": {k: nrm[k]["lo"] for k in W.K}, "hi": {k: nrm[k]["hi"] for k in W.K},
        }
    for c in W.corps:
        cn = c["name"]
        st = S["corp"][cn]
        val0 = sum(st["n"][wn] * V0[wn] for wn in st["n"]) + st["out"] * W.city_value0 + st["Q"]
        pv0 = float(c["policy_value_ratio"]) * val0
        woz0 = W.woz_ratio * (sum(st["n"][wn] * V0[wn] for wn in st["n"]) + st["out"] * W.city_value0)
        N0 = sum(st["n"].values()) + st["out"]
        o = {
            "holdings": {wn: [st["n"][wn]] for wn in st["n"]}, "outside": [st["out"]],
            "N": [N0], "rent": [st["rent"]], "operating_cost": [st["cost"]],
            "maintenance": [st["maint"]], "other_taxes": [st["tax"]],
            "levy": [None], "woz_base": [woz0], "sales_proceeds": [None], "sold": [None],
            "Y": [0.0], "loan_rate": [st["j"]],
        }
        for key in ("interest", "ocf", "icr", "fcf", "h_icr", "h_ltv", "headroom", "capacity",
                    "plan_regular", "plan_wijk", "plan_compensation", "share_regular",
                    "share_wijk", "alloc_regular", "alloc_wijk", "spent", "newbuild",
                    "renovation", "physical", "breach_icr", "breach_ltv"):
            o[key] = [None]
        o["plan_wijk_by_wijk"] = {wn: [None] for wn in st["n"]}
        o["plan_compensation_by_wijk"] = {wn: [None] for wn in st["n"]}
        o["Q"] = [0.0]
        o["value"] = [val0]
        o["policy_value"] = [pv0]
        o["debt"] = [st["D"]]
        o["ltv"] = [st["D"] / pv0]
        o["uplift"] = [sum(st["n"][wn] * (V0[wn] - W.city_value0 * (1 - W.disc0)) for wn in st["n"])]
        o["uplift_T"] = None
        out["corporations"][cn] = o
    for m in W.munis:
        out["municipalities"][m["name"]] = {
            "population": W.P_m[m["name"]],
            "budget": [W.budget(m, 0, 1.0)], "shortfall": [0.0], "cut": [0.0],
        }

    for t in range(1, T + 1):
        rec = {"corp": {}}
        step1_economy_and_growth(W, S, t)
        step2_valuation_and_sales(W, S, t, rec)
        step3_corporations(W, S, t, rec)
        step4_public_spending(W, S, t, rec)
        step5_gaps(W, S, t, rec)
        step6_report_values(W, S, t, rec)

        out["price_index"].append(S["PI"])
        out["city_value"].append(S["v_city"])
        for w in W.wijken:
            wn = w["name"]
            ws, o, rw = S["wijk"][wn], out["wijken"][wn], rec["wijk"][wn]
            for k in W.K:
                o["z"][k].append(ws["z"][k])
                o["g"][k].append(ws["g"][k])
                o["direct"][k].append(rw["d"][k])
                o["spill_total"][k].append(rw["D"][k])
            o["c"].append(ws["c"])
            o["cv"].append(ws["cv"])
            o["value"].append(rec["V"][wn])
            o["stock"].append(ws["K"])
            o["response"].append(rw["r"])
            o["intensity"].append(rw["s"])
            o["physical"].append(rec["F_w"][wn])
            o["social_corp"].append(rec["Scorp_w"][wn])
            o["social_mun"].append(rec["Smun_w"][wn])
            o["state"].append(rec["Rstate_w"][wn])
            o["uplift"].append(rec["uplift_w"][wn])
            o["first_closed"] = ws.get("first_closed")
            o["first_halved"] = ws.get("first_halved")
        for c in W.corps:
            cn = c["name"]
            st, o, rc = S["corp"][cn], out["corporations"][cn], rec["corp"][cn]
            for wn in st["n"]:
                o["holdings"][wn].append(st["n"][wn])
                o["plan_wijk_by_wijk"][wn].append(rc["plan_wijk_by_wijk"][wn])
                o["plan_compensation_by_wijk"][wn].append(rc["plan_compensation_by_wijk"][wn])
            o["outside"].append(st["out"])
            o["N"].append(st["N"])
            o["rent"].append(st["rent"])
            o["operating_cost"].append(st["cost"])
            o["maintenance"].append(st["maint"])
            o["other_taxes"].append(st["tax"])
            o["levy"].append(st["levy"])
            o["woz_base"].append(st["woz"])
            o["sales_proceeds"].append(st["P"])
            o["sold"].append(st["sold"])
            o["Y"].append(st["Y"])
            o["loan_rate"].append(st["j"])
            for key in ("interest", "ocf", "icr", "fcf", "h_icr", "h_ltv", "headroom", "capacity",
                        "plan_regular", "plan_wijk", "plan_compensation", "share_regular",
                        "share_wijk", "alloc_regular", "alloc_wijk", "spent", "newbuild",
                        "renovation", "physical", "breach_icr", "breach_ltv"):
                o[key].append(rc[key])
            o["Q"].append(st["Q"])
            o["value"].append(st["Val"])
            o["policy_value"].append(st["PV"])
            o["debt"].append(st["D"])
            o["ltv"].append(rc["ltv"])
            o["uplift"].append(rec["uplift_c"][cn])
        for m in W.munis:
            o, rm = out["municipalities"][m["name"]], rec["muni"][m["name"]]
            o["budget"].append(rm["budget"])
            o["shortfall"].append(rm["shortfall"])
            o["cut"].append(rm["cut"])

    for wn, o in out["wijken"].items():
        o["uplift_T"] = o["uplift"][T]
    for cn, o in out["corporations"].items():
        o["uplift_T"] = o["uplift"][T]
        o["min_icr"] = min((x for x in o["icr"][1:]), default=None)
        o["max_ltv"] = max(o["ltv"][1:])
        o["any_breach_icr"] = any(o["breach_icr"][1:])
        o["any_breach_ltv"] = any(o["breach_ltv"][1:])
    return out


def main(argv):
    if len(argv) != 3:
        print("usage: python3 model_v2.py WORLD.json OUT.json", file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        world = json.load(f)
    out = run(world)
    os.makedirs(os.path.dirname(os.path.abspath(argv[2])), exist_ok=True)
    with open(argv[2], "w") as f:
        json.dump(jsonable(out), f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
