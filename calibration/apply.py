"""Writes the fitted values of calibration/result/calibrated.toml into the shipped scenarios:
the model parameters into scenarios/baseline.toml, the corporations' commitment by year into
scenarios/historisch.toml. Only the values change; comments and layout stay.

    python3 calibration/apply.py

tests/calibration.rs checks that the shipped files hold exactly the fitted values.
"""
import re
from pathlib import Path

root = Path(__file__).resolve().parent.parent
calibrated = (root / "calibration/result/calibrated.toml").read_text()


def value(block: str, key: str):
    m = re.search(rf"^{key} = (.*)$", block, re.M)
    return m.group(1) if m else None


def set_value(text: str, key: str, new: str) -> str:
    # Replace `key = <value>` keeping a trailing comment.
    pattern = rf"^{key} = (\{{[^}}]*\}}|\S+)(\s+#.*)?$"
    text, n = re.subn(pattern, lambda m: f"{key} = {new}" + (m.group(2) or ""), text, count=1, flags=re.M)
    assert n == 1, key
    return text


def sections(text: str):
    """The top part and each [[indicators]] block of a scenario text."""
    parts = text.split("[[indicators]]")
    return parts[0], parts[1:]


head, blocks = sections(calibrated)
baseline = (root / "scenarios/baseline.toml").read_text()
for key in ["k_half", "leak", "theta", "headroom_use", "newbuild_yield", "regular_investment"]:
    v = value(calibrated, key)
    if v is not None:
        baseline = set_value(baseline, key, v)
top, mine = sections(baseline)
by_name = {re.search(r'^name = "(\w+)"', b, re.M).group(1): b for b in blocks}
for i, b in enumerate(mine):
    name = re.search(r'^name = "(\w+)"', b, re.M).group(1)
    for key in ["effect", "value_weight", "sigma"]:
        v = value(by_name[name], key)
        if v is not None and value(b, key) is not None:
            b = set_value(b, key, v)
    mine[i] = b
(root / "scenarios/baseline.toml").write_text("[[indicators]]".join([top] + mine))
historisch = (root / "scenarios/historisch.toml").read_text()
historisch = set_value(historisch, "commitment", value(calibrated, "commitment"))
(root / "scenarios/historisch.toml").write_text(historisch)
