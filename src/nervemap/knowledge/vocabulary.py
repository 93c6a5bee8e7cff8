"""One definition per vocabulary of what can be said about a case (issue 17 item 3).

The case model (``engine/case.py``) types its fields with these; the FHIR Questionnaires
(``interop/questionnaire.py``, ``interop/imaging_items.py``), the interview's answer checks
(``interview/answers.py``), the web forms and body map (``web/forms.py``, ``web/bodymap.py``), the
text reader (``nlp/sides.py``) and the JSON schemas (``scripts/export_schemas.py``, through the case
model) render or check them from here, never from a copy. The herniation zones and the symptom
kinds are enums (the knowledge base's files name them too; ``knowledge.models`` re-exports them).
This module imports nothing of nervemap, so that every part may import it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, get_args


class HerniationZone(StrEnum):
    CENTRAL = "central"
    PARACENTRAL = "paracentral"
    FORAMINAL = "foraminal"
    FAR_LATERAL = "far-lateral"


class SymptomKind(StrEnum):
    PAIN = "pain"
    TINGLING = "tingling"
    NUMBNESS = "numbness"


Side = Literal["left", "right"]
SideOrBoth = Literal["left", "right", "bilateral"]
DiscLevel = Literal["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"]
ImagingKind = Literal["disc-herniation", "stenosis", "spondylolisthesis", "cauda-equina-compression"]
SensationStatus = Literal["normal", "reduced", "absent", "increased"]
Sex = Literal["female", "male"]
Onset = Literal["sudden", "gradual"]

SIDES: tuple[Side, Side] = ("left", "right")
SIDES_OR_BOTH: tuple[SideOrBoth, ...] = get_args(SideOrBoth)
DISC_LEVELS: tuple[DiscLevel, ...] = get_args(DiscLevel)
IMAGING_KINDS: tuple[ImagingKind, ...] = get_args(ImagingKind)
SENSATION_STATUSES: tuple[SensationStatus, ...] = get_args(SensationStatus)
SEXES: tuple[Sex, ...] = get_args(Sex)
ONSETS: tuple[Onset, ...] = get_args(Onset)
HERNIATION_ZONES: tuple[str, ...] = tuple(zone.value for zone in HerniationZone)
SYMPTOM_KINDS: tuple[str, ...] = tuple(kind.value for kind in SymptomKind)

MRC_MAX = 5  # Medical Research Council muscle power, 0 (no contraction) to 5 (normal)
REFLEX_MAX = 4  # tendon reflexes: 0 absent, 1 reduced, 2 normal, 3 brisk, 4 clonus
MRC_GRADES = range(0, MRC_MAX + 1)
REFLEX_GRADES = range(0, REFLEX_MAX + 1)
