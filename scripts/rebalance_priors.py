"""Keep every setting's priors a distribution.

Scales the expert-estimate priors of each setting so that, with the cited priors (kept as cited)
and the not-modelled mass of priors.yaml, each setting sums to 1. Re-runnable: a prior scaled
before is rescaled from its original estimate, kept in its ``detail``.

Usage: .venv/bin/python scripts/rebalance_priors.py [--dry]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[1] / "src" / "nervemap" / "knowledge" / "data"
SETTINGS = ("primary-care", "emergency", "spine-clinic")
DETAIL = re.compile(r"^estimate ([0-9.e-]+) scaled by ")


def original(entry: dict[str, Any]) -> float:
    match = DETAIL.match(entry.get("detail") or "")
    return float(match.group(1)) if match else float(entry["value"])


def main(dry: bool) -> None:
    not_modelled = {
        s: v["value"] for s, v in yaml.safe_load((DATA / "priors.yaml").read_text())["not_modelled"].items()
    }
    files = sorted((DATA / "conditions").glob("*.yaml"))
    docs = {f: yaml.safe_load(f.read_text()) for f in files}
    factors: dict[str, float] = {}
    for s in SETTINGS:
        priors = [d["prior"][s] for d in docs.values()]
        cited = sum(p["value"] for p in priors if p["source"] != "expert-estimate")
        estimated = sum(original(p) for p in priors if p["source"] == "expert-estimate")
        factors[s] = (1 - not_modelled[s] - cited) / estimated
        print(f"{s}: cited {cited:.4f}, estimated (original) {estimated:.4f}, factor {factors[s]:.4f}")
    if dry:
        return
    for path, doc in docs.items():
        lines = path.read_text().split("\n")
        start = lines.index("prior:")
        for s in SETTINGS:
            entry = doc["prior"][s]
            if entry["source"] != "expert-estimate":
                continue
            estimate = original(entry)
            i = lines.index(f"  {s}:", start)
            if not lines[i + 1].startswith("    value:"):
                raise SystemExit(f"{path.name}: prior.{s} must start with its value")
            lines[i + 1] = f"    value: {max(round(estimate * factors[s], 4), 0.0001):g}"
            j = i + 2
            while j < len(lines) and lines[j].startswith("    "):
                j += 1
            text = (
                f"    detail: estimate {estimate:g} scaled by {factors[s]:.3f} so that the {s} priors"
                " sum to 1 with the not-modelled mass (priors.yaml)"
            )
            details = [k for k in range(i + 1, j) if lines[k].startswith("    detail:")]
            if details and DETAIL.match(lines[details[0]][len("    detail: ") :]):
                lines[details[0]] = text
            elif not details:
                lines.insert(j, text)
        path.write_text("\n".join(lines))
    print("rebalanced")


if __name__ == "__main__":
    main("--dry" in sys.argv)
