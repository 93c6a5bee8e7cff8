"""Build small Assessment objects for metric tests."""

from __future__ import annotations

from typing import Any

from nervemap.engine.assessment import Assessment

ICD = {
    "lumbar_disc_herniation": ["M51.16", "M51.17"],
    "central_lumbar_stenosis": ["M48.062", "M48.061"],
    "lateral_recess_foraminal_stenosis": ["M47.26", "M47.27"],
    "deep_vein_thrombosis": ["I82.401", "I82.402"],
    "hip_osteoarthritis": ["M16.11", "M16.12"],
    "cauda_equina_syndrome": ["G83.4"],
}


def make_assessment(
    differential: list[tuple[str, float]],
    *,
    triage: str = "routine",
    verdict: str = "spinal",
    root: str | None = None,
    side: str | None = None,
    site: str | None = None,
    nerve: str | None = None,
) -> Assessment:
    empty: dict[str, list[Any]] = {"for": [], "against": []}
    data: dict[str, Any] = {
        "source": {"verdict": verdict, "p_spinal": 0.8 if verdict == "spinal" else 0.2},
        "localization": [
            {
                "site": site or ("root" if root else "none"),
                "root": root,
                "nerve": nerve,
                "side": side,
                "name": f"{root} root" if root else (nerve or "no lesion"),
                "probability": 0.5,
                "evidence": empty,
            }
        ],
        "differential": [
            {
                "id": cid,
                "name": cid,
                "patient_name": cid,
                "category": "spinal" if "lumbar" in cid or "cauda" in cid else "non-spinal",
                "icd10": ICD.get(cid, ["R52"]),
                "snomed": [],
                "probability": p,
                "evidence": empty,
            }
            for cid, p in differential
        ],
        "triage": {
            "level": triage,
            "red_flags": [],
            "reason": "test",
            "patient_advice": "test",
            "basis": [],
        },
        "severity": {"grade": "mild", "basis": []},
        "plan": [],
        "findings_used": [],
        "enough_information": True,
        "knowledge_version": "test",
        "nervemap_version": "test",
    }
    return Assessment.model_validate(data)
