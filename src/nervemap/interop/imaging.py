"""Recognise lumbar-spine imaging among draft orders (CDS Hooks order-select / order-sign).

Codes first (LOINC radiology terms and CPT), then the order's words: a lumbar site word together
with an imaging modality word. LOINC codes were checked against a published LOINC imaging-document
listing and their mod-10 check digits; note 24532-4 is "US Abdomen RUQ", not a spine study.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.servicerequest import ServiceRequest

from nervemap.interop import terminology as t

LUMBAR_LOINC: dict[str, str] = {
    "24963-1": "CT Lumbar spine",
    "24964-9": "CT Lumbar spine W contrast IV",
    "24965-6": "CT Lumbar spine W contrast IT",
    "30620-9": "CT Lumbar spine WO contrast",
    "24967-2": "MR Lumbar spine WO and W contrast IV",
    "24968-0": "MR Lumbar spine",
    "24977-1": "MR Lumbar spine W anesthesia",
    "24969-8": "XR Lumbar spine Lateral",
    "24970-6": "XR Lumbar spine AP and Lateral",
    "24971-4": "XR Lumbar spine Views W flexion and W extension",
    "24972-2": "XR Lumbar spine Views",
    "24975-5": "XR Spine.lumbar and Sacroiliac joint - bilateral Views",
    "24984-7": "XR Thoracic and lumbar spine 2 Views",
}
LUMBAR_CPT: dict[str, str] = {
    "72100": "X-ray lumbosacral spine, 2-3 views",
    "72110": "X-ray lumbosacral spine, minimum 4 views",
    "72114": "X-ray lumbosacral spine, complete, including bending views",
    "72120": "X-ray lumbosacral spine, bending views only",
    "72131": "CT lumbar spine without contrast",
    "72132": "CT lumbar spine with contrast",
    "72133": "CT lumbar spine without and with contrast",
    "72148": "MRI lumbar spine without contrast",
    "72149": "MRI lumbar spine with contrast",
    "72158": "MRI lumbar spine without and with contrast",
}
MR_LUMBAR = (t.LOINC, "24968-0", "MR Lumbar spine")
SITE_WORDS = re.compile(r"\b(lumbar|lumbosacral|l-spine|l spine|ls spine)\b", re.IGNORECASE)
MODALITY_WORDS = re.compile(
    r"\b(mri?|magnetic resonance|ct|computed tomography|x-?ray|xr|radiograph\w*|imaging|scan)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ImagingOrder:
    reference: str  # ServiceRequest/<id>, or the draft's fullUrl
    label: str
    matched_by: str


def _words(order: ServiceRequest) -> str:
    concept = order.code
    if concept is None:
        return ""
    parts = [concept.text or ""] + [coding.display or "" for coding in concept.coding or []]
    return " ".join(part for part in parts if part)


def lumbar_imaging(order: ServiceRequest, reference: str) -> ImagingOrder | None:
    """The order as lumbar imaging, or None when it is something else."""
    concept = order.code
    codings = concept.coding or [] if concept is not None else []
    for coding in codings:
        if coding.system == t.LOINC and coding.code in LUMBAR_LOINC:
            return ImagingOrder(reference, LUMBAR_LOINC[coding.code], f"LOINC {coding.code}")
        if coding.system == t.CPT and coding.code in LUMBAR_CPT:
            return ImagingOrder(reference, LUMBAR_CPT[coding.code], f"CPT {coding.code}")
    words = _words(order)
    if SITE_WORDS.search(words) and MODALITY_WORDS.search(words):
        return ImagingOrder(reference, words, "order text")
    return None


def imaging_orders(
    draft_orders: list[tuple[ServiceRequest, str]], selections: list[str] | None
) -> list[ImagingOrder]:
    """Lumbar imaging among the draft orders (only the selected ones, when selections are given)."""
    found: list[ImagingOrder] = []
    for order, reference in draft_orders:
        if selections is not None and reference not in selections:
            continue
        match = lumbar_imaging(order, reference)
        if match is not None:
            found.append(match)
    return found


def service_request(
    patient_id: str,
    label: str,
    code: tuple[str, str, str] | None,
    priority: str,
    reason: dict[str, Any],
    note: str,
) -> dict[str, Any]:
    """A draft ServiceRequest for a suggested study, validated by the R4B model."""
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "priority": priority,
        "code": {"coding": [t.triple(code)], "text": label} if code else {"text": label},
        "subject": {"reference": f"Patient/{patient_id}"},
        "reasonCode": [reason],
        "note": [{"text": note}],
    }
    return ServiceRequest.model_validate(resource).model_dump(mode="json", exclude_none=True)
