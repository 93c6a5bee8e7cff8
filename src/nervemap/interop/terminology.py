"""Code systems and the few fixed codes the interoperability layer writes and reads.

Standard codes are used where one exists and was checked; nervemap's own code systems (under
``https://nervemap.org/fhir/CodeSystem/``) carry the knowledge-base vocabulary itself: every finding,
body-map region, movement and reflex id, so that nothing the engine reads lacks a code.
"""

from __future__ import annotations

from typing import Any

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
UCUM = "http://unitsofmeasure.org"
GENDER = "http://hl7.org/fhir/administrative-gender"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
YES_NO = "http://terminology.hl7.org/CodeSystem/v2-0136"

# The FHIR version nervemap declares (CapabilityStatement, StructureDefinitions): R4, 4.0.1. Resources
# are built with fhir.resources' R4B models but hold only what R4 has, which `make conformance` checks
# against the official R4 JSON Schema and StructureDefinitions; R4 clients and the R4 schema accept
# only 4.0.x here (an R4 client checking the server's version refuses 4.3.0).
FHIR_VERSION = "4.0.1"

BASE = "https://nervemap.org/fhir"
FINDING = f"{BASE}/CodeSystem/finding"  # code = finding id
ITEM = f"{BASE}/CodeSystem/item"  # code = linkId stem: strength.<movement>, pain.<region>, ...
SENSATION = f"{BASE}/CodeSystem/sensation"  # normal, reduced, absent, increased
SYMPTOM_KIND = f"{BASE}/CodeSystem/symptom-kind"  # pain, tingling, numbness
ONSET = f"{BASE}/CodeSystem/onset"  # sudden, gradual
SETTING = f"{BASE}/CodeSystem/setting"
CONDITION = f"{BASE}/CodeSystem/condition"  # code = condition id
SOURCE = f"{BASE}/CodeSystem/source"  # code = bibliography id
SITE = f"{BASE}/CodeSystem/lesion-site"  # code = localisation site kind
SCORE = f"{BASE}/CodeSystem/score"  # derived outputs: triage-level, severity-grade, p-spinal
TRIAGE = f"{BASE}/CodeSystem/triage-level"
SEVERITY = f"{BASE}/CodeSystem/severity"
RED_FLAG = f"{BASE}/CodeSystem/red-flag"
IMAGING_KIND = f"{BASE}/CodeSystem/imaging-kind"  # disc-herniation, stenosis, ...
DISC_LEVEL = f"{BASE}/CodeSystem/disc-level"  # L1-L2 ... L5-S1
HERNIATION_ZONE = f"{BASE}/CodeSystem/herniation-zone"  # central, paracentral, foraminal, far-lateral
KNOWLEDGE_VERSION_EXTENSION = f"{BASE}/StructureDefinition/knowledge-version"
NERVEMAP_VERSION_EXTENSION = f"{BASE}/StructureDefinition/nervemap-version"
LATERALITY_EXTENSION = f"{BASE}/StructureDefinition/laterality"  # on a bodySite: its side (SNOMED CT)

# SNOMED CT qualifier values
PRESENT = (SNOMED, "52101004", "Present")
ABSENT = (SNOMED, "2667000", "Absent")
UNKNOWN = (SNOMED, "261665006", "Unknown")
POSITIVE = (SNOMED, "10828004", "Positive")
NEGATIVE = (SNOMED, "260385009", "Negative")
LEFT = (SNOMED, "7771000", "Left")
RIGHT = (SNOMED, "24028007", "Right")
BILATERAL = (SNOMED, "51440002", "Right and left")
LATERALITY = {"left": LEFT, "right": RIGHT, "bilateral": BILATERAL}
# Body structures for where a pain score applies (as used in public FHIR guides and code tables)
LOWER_LIMB = (SNOMED, "61685007", "Lower limb structure")
LOWER_BACK = (SNOMED, "37822005", "Lower back structure")
SIDE_BY_CODE = {code: side for side, (_, code, _) in LATERALITY.items()}

# LOINC
AGE = (LOINC, "30525-0", "Age")
SEX = (LOINC, "46098-0", "Sex")
PAIN_NRS = (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")

# v3 ObservationInterpretation codes that mean "abnormal / raised" and "normal"
RAISED = frozenset({"H", "HH", "HU", "A", "AA", "POS", "DET"})
NORMAL = frozenset({"N", "NEG", "ND", "L", "LL", "LU"})


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"system": system, "code": code}
    if display:
        item["display"] = display
    return item


def concept(*codings: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"coding": list(codings)}
    if text:
        value["text"] = text
    return value


def triple(code: tuple[str, str, str]) -> dict[str, Any]:
    return coding(*code)
