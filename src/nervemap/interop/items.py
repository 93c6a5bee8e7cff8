"""The question catalogue: every item nervemap can ask, with a stable linkId and its codes.

linkIds are built from knowledge-base ids and never from wording, so they stay stable while the
text is edited:

- ``patient.age``, ``patient.sex``, ``patient.duration_days``, ``patient.onset``, ``encounter.setting``
- ``pain.map_completed``; ``pain.<region>.<side>`` (midline regions: ``pain.<region>``)
- ``finding.<finding>``; for lateral findings also ``finding.<finding>.side``
- ``strength.<movement>.<side>`` (MRC 0-5), ``reflex.<reflex>.<side>`` (0-4)
- ``sensation.<region>.<side>``; ``score.pain_nrs``, ``score.odi``, ``score.rmdq``,
  ``score.leg_pain_nrs``, ``score.back_pain_nrs``, ``score.psfs``

The same stems (the linkId without its side) are the codes of the nervemap ``item`` code system,
so an Observation can carry anything a questionnaire answer can. Each item names the case item it
answers (``ItemSpec.item``: ``engine.items.Item``), whose value rules and change are defined once in
``engine/items.py`` for every way into a case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from nervemap.engine.compiled import SIDES
from nervemap.engine.items import Item, ItemKind
from nervemap.interop import terminology as t
from nervemap.knowledge.models import Finding, KnowledgeBase

Code = tuple[str, str, str | None]
Kind = ItemKind  # one kind of item for every way into a case (engine/items.py)


class QuestionSet(StrEnum):
    PATIENT_INTAKE = "patient-intake"
    CLINICIAN_EXAM = "clinician-exam"
    ALL = "all"


@dataclass(frozen=True)
class Group:
    link_id: str
    text: str
    patient_text: str


GROUPS = (
    Group("patient", "Patient and presentation", "About you"),
    Group("pain", "Pain map", "Where do you feel it?"),
    Group("findings", "Findings", "Your symptoms and history"),
    Group("strength", "Muscle strength (MRC 0-5)", "Muscle strength"),
    Group("reflexes", "Tendon reflexes (0 absent, 1 reduced, 2 normal, 3 brisk, 4 clonus)", "Reflexes"),
    Group("sensation", "Sensation", "Sensation"),
    Group("scores", "Scores", "How bad is it?"),
)


@dataclass(frozen=True)
class ItemSpec:
    link_id: str
    kind: Kind
    group: str
    text: str
    target: str = ""
    side: str | None = None
    codes: tuple[Code, ...] = ()
    parent: str | None = None  # the finding item a side item belongs to
    lateral: bool = False  # a finding observed per side: it has a side child item

    @property
    def item(self) -> Item:
        """The case item this questionnaire item answers (engine/items.py)."""
        return Item(self.kind, self.target, self.side)

    @property
    def stem(self) -> str:
        """The linkId without its side: the code in the nervemap item code system."""
        return self.link_id if self.side is None else self.link_id.rsplit(".", 1)[0]


@dataclass(frozen=True)
class Catalogue:
    question_set: QuestionSet
    items: tuple[ItemSpec, ...]
    by_link_id: dict[str, ItemSpec] = field(default_factory=dict)

    def __iter__(self) -> Iterator[ItemSpec]:
        return iter(self.items)


SCORES: tuple[tuple[str, str, Code | None], ...] = (
    ("pain_nrs", "Pain intensity, 0 (none) to 10 (worst imaginable)", t.PAIN_NRS),
    ("odi", "Oswestry Disability Index (%)", None),
    ("rmdq", "Roland-Morris Disability Questionnaire (0-24)", None),
    ("leg_pain_nrs", "Leg pain, 0 (none) to 10 (worst imaginable)", None),
    ("back_pain_nrs", "Back pain, 0 (none) to 10 (worst imaginable)", None),
    ("psfs", "Patient-Specific Functional Scale, hardest activity, 0 (unable) to 10 (as before)", None),
)
# What the patient interview asks (issue 19: leg and back pain and function, the course measures)
PATIENT_SCORES = ("pain_nrs", "leg_pain_nrs", "back_pain_nrs", "psfs")


def _item(stem: str) -> Code:
    return (t.ITEM, stem, None)


def finding_codes(finding: Finding) -> tuple[Code, ...]:
    codes: list[Code] = [(t.FINDING, finding.id, finding.clinician)]
    codes += [(t.SNOMED, code, None) for code in finding.codes.snomed]
    codes += [(t.LOINC, code, None) for code in finding.codes.loinc]
    return tuple(codes)


def _wants(finding: Finding, question_set: QuestionSet) -> bool:
    if finding.derive is not None and not (finding.red_flag and finding.derive.reads_examination):
        return False  # read off age, sex, duration, pain map and examination instead
    # (a red flag derived from the examination may also be recorded outright: "perianal sensory loss")
    if question_set is QuestionSet.PATIENT_INTAKE:
        return finding.patient_askable
    if question_set is QuestionSet.CLINICIAN_EXAM:
        return not finding.patient_askable
    return True


def _patient_items(question_set: QuestionSet, patient: bool) -> list[ItemSpec]:
    items: list[ItemSpec] = []
    if question_set is not QuestionSet.CLINICIAN_EXAM:
        items += [
            ItemSpec("patient.age", Kind.AGE, "patient", "Age in years", codes=(t.AGE, _item("patient.age"))),
            ItemSpec("patient.sex", Kind.SEX, "patient", "Sex", codes=(t.SEX, _item("patient.sex"))),
            ItemSpec(
                "patient.duration_days",
                Kind.DURATION,
                "patient",
                "How many days ago did this start?" if patient else "Duration of symptoms (days)",
                codes=(_item("patient.duration_days"),),
            ),
            ItemSpec(
                "patient.onset",
                Kind.ONSET,
                "patient",
                "Did it start suddenly or gradually?" if patient else "Onset",
                codes=(_item("patient.onset"),),
            ),
        ]
    if question_set is not QuestionSet.PATIENT_INTAKE:
        items.append(
            ItemSpec(
                "encounter.setting",
                Kind.SETTING,
                "patient",
                "Setting of care",
                codes=(_item("encounter.setting"),),
            )
        )
    return items


def _pain_items(kb: KnowledgeBase, patient: bool) -> list[ItemSpec]:
    items = [
        ItemSpec(
            "pain.map_completed",
            Kind.PAIN_COMPLETE,
            "pain",
            "I have marked every place where I feel pain, tingling or numbness"
            if patient
            else "Pain map complete: unmarked regions are free of symptoms",
            codes=(_item("pain.map_completed"),),
        )
    ]
    for region in kb.anatomy.regions:
        name = region.patient_name if patient else region.name
        stem = f"pain.{region.id}"
        sides: tuple[str | None, ...] = SIDES if region.lateral else (None,)
        for side in sides:
            link_id = f"{stem}.{side}" if side else stem
            text = f"{name} ({side})" if side else name
            items.append(ItemSpec(link_id, Kind.PAIN, "pain", text, region.id, side, codes=(_item(stem),)))
    return items


def _finding_items(kb: KnowledgeBase, question_set: QuestionSet, patient: bool) -> list[ItemSpec]:
    items: list[ItemSpec] = []
    for finding in kb.findings:
        if not _wants(finding, question_set):
            continue
        link_id = f"finding.{finding.id}"
        text = finding.patient if patient else finding.clinician
        items.append(
            ItemSpec(
                link_id,
                Kind.FINDING,
                "findings",
                text,
                finding.id,
                codes=finding_codes(finding),
                lateral=finding.lateral,
            )
        )
        if finding.lateral:
            items.append(
                ItemSpec(
                    f"{link_id}.side",
                    Kind.FINDING_SIDE,
                    "findings",
                    "Which side?" if patient else "Side",
                    finding.id,
                    parent=link_id,
                )
            )
    return items


def _exam_items(kb: KnowledgeBase) -> list[ItemSpec]:
    items: list[ItemSpec] = []
    graded = (
        (Kind.STRENGTH, "strength", "strength", kb.anatomy.movements),
        (Kind.REFLEX, "reflex", "reflexes", kb.anatomy.reflexes),
    )
    for kind, prefix, group, parts in graded:  # muscles, then reflexes: each on both sides
        for part in parts:
            for side in SIDES:
                stem = f"{prefix}.{part.id}"
                text = f"{part.name}, {side}"
                items.append(ItemSpec(f"{stem}.{side}", kind, group, text, part.id, side, (_item(stem),)))
    for region in kb.anatomy.regions:
        stem = f"sensation.{region.id}"
        region_sides: tuple[str | None, ...] = SIDES if region.lateral else (None,)
        for region_side in region_sides:
            items.append(
                ItemSpec(
                    f"{stem}.{region_side}" if region_side else stem,
                    Kind.SENSATION,
                    "sensation",
                    f"Sensation: {region.name}" + (f", {region_side}" if region_side else ""),
                    region.id,
                    region_side,
                    codes=(_item(stem),),
                )
            )
    return items


def _score_items(question_set: QuestionSet) -> list[ItemSpec]:
    items: list[ItemSpec] = []
    for score, text, code in SCORES:
        if question_set is QuestionSet.PATIENT_INTAKE and score not in PATIENT_SCORES:
            continue
        codes = ((code,) if code else ()) + (_item(f"score.{score}"),)
        items.append(ItemSpec(f"score.{score}", Kind.SCORE, "scores", text, score, codes=codes))
    return items


def catalogue(kb: KnowledgeBase, question_set: QuestionSet) -> Catalogue:
    """Every item of a question set, in questionnaire order."""
    patient = question_set is QuestionSet.PATIENT_INTAKE
    items = _patient_items(question_set, patient)
    if question_set is not QuestionSet.CLINICIAN_EXAM:
        items += _pain_items(kb, patient)
    items += _finding_items(kb, question_set, patient)
    if question_set is not QuestionSet.PATIENT_INTAKE:
        items += _exam_items(kb)
    if question_set is not QuestionSet.CLINICIAN_EXAM:
        items += _score_items(question_set)
    return Catalogue(question_set, tuple(items), {item.link_id: item for item in items})
