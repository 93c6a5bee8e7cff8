"""Turn a case into evidence vectors over the compiled knowledge, checking it on the way.

Errors name the field and the reason. Contradictions that cannot both be true (a finding both
present and absent, two different grades for one muscle) are errors; contradictions that are
clinically possible (numbness reported, sensation normal on examination) are kept as notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from nervemap.engine.case import Case, ImagingFinding, Status
from nervemap.engine.compiled import (
    IMAGING_DISC,
    ONE_LEG,
    ONE_LEG_PARTS,
    SIDES,
    SIGN_STATES,
    UNSTATED,
    WHOLE_LEG_FULL_POWER,
    WHOLE_LEG_NORMAL,
    WHOLE_LEG_WEAK,
    CompiledKnowledge,
    held,
    whole_leg_regions,
)
from nervemap.engine.items import Item, ItemKind, apply
from nervemap.knowledge.models import (
    Derivation,
    DiscCompression,
    Finding,
    HerniationZone,
    ImagingZones,
    Number,
    Region,
    RegionGroup,
    SymptomKind,
)

BoolArray = npt.NDArray[np.bool_]

EXAM_DERIVED = "examination"
# Enum members read per case, as module constants: in Python 3.11 a member read through its class
# (Status.UNKNOWN) costs several times a global's read, and a case reads dozens
_UNKNOWN, _PRESENT = Status.UNKNOWN, Status.PRESENT
_PAIN, _NUMBNESS = SymptomKind.PAIN, SymptomKind.NUMBNESS
_BACK = RegionGroup.BACK
_CENTRAL = HerniationZone.CENTRAL

IMAGING_FINDING = {
    "disc-herniation": "imaging_disc_herniation",
    "stenosis": "imaging_spinal_stenosis",
    "spondylolisthesis": "imaging_spondylolisthesis",
    "cauda-equina-compression": "imaging_cauda_equina_compression",
}


@dataclass(frozen=True)
class CaseIssue:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class CaseError(ValueError):
    """The case cannot be assessed; ``issues`` names every field at fault and why."""

    def __init__(self, issues: Iterable[CaseIssue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(str(issue) for issue in self.issues))


@dataclass
class EncodedCase:
    present: BoolArray  # (F,)
    absent: BoolArray  # (F,)
    observed_present: BoolArray  # (O,)
    observed_absent: BoolArray  # (O,)
    sign_states: BoolArray  # (K * len(SIGN_STATES),)
    setting: str
    # Findings scored with the lesion site rather than alone: those read off the structured
    # examination (localisation) and the nerve-tension signs (scored per condition and site).
    # They are kept for triage and severity but not scored again against the conditions alone.
    site_scored: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    origin: dict[str, str] = field(default_factory=dict)  # finding id -> how it was known
    sides: dict[str, set[str]] = field(default_factory=dict)  # lateral finding id -> sides
    notes: list[str] = field(default_factory=list)

    def without(self, indices: npt.NDArray[np.intp]) -> EncodedCase:
        """A copy with some findings made unknown (used to run triage without red flags)."""
        present, absent = self.present.copy(), self.absent.copy()
        present[indices] = False
        absent[indices] = False
        return EncodedCase(
            present,
            absent,
            self.observed_present,
            self.observed_absent,
            self.sign_states,
            self.setting,
            self.site_scored,
            self.origin,
        )

    @property
    def scored_present(self) -> BoolArray:
        return self.present & ~self.site_scored

    @property
    def scored_absent(self) -> BoolArray:
        return self.absent & ~self.site_scored


def _check_references(case: Case, compiled: CompiledKnowledge) -> list[CaseIssue]:
    """Every finding, region, movement and reflex the case names is known to the knowledge base,
    and nothing is given twice in contradiction (the issues, each naming its field)."""
    if _references_hold(case, _tables(compiled)):
        return []  # the usual case, read in one pass per field: every check below passes
    return _reference_issues(case, compiled)


def _references_hold(case: Case, tables: _Tables) -> bool:
    """True when :func:`_reference_issues` finds nothing, from sufficient conditions only: every
    finding known, none given twice, a side only on a finding observed per side; every region known
    and sided as it must be (a midline region without a side); every movement and reflex known and
    none graded twice."""
    lateral, known = tables.lateral_findings, tables.findings
    ids = [reported.id for reported in case.findings]
    if not known.issuperset(ids) or len(set(ids)) != len(ids):
        return False
    # (lists, not generator expressions: a generator resumes its frame for every item)
    if not lateral.issuperset([reported.id for reported in case.findings if reported.side is not None]):
        return False
    midline, regions = tables.midline_regions, tables.regions
    for marks in (case.pain_map or (), case.sensation):
        for mark in marks:
            if mark.region not in regions or (mark.side is not None and mark.region in midline):
                return False
    movements = [(s.movement, s.side) for s in case.strength]
    reflexes = [(r.reflex, r.side) for r in case.reflexes]
    return (
        tables.movement_ids.issuperset([name for name, _ in movements])
        and tables.reflex_ids.issuperset([name for name, _ in reflexes])
        and len(set(movements)) == len(movements)
        and len(set(reflexes)) == len(reflexes)
    )


def _reference_issues(case: Case, compiled: CompiledKnowledge) -> list[CaseIssue]:
    regions = compiled.regions
    movements = compiled.movement_ids
    reflexes = compiled.reflex_ids
    findings = compiled.findings
    issues: list[CaseIssue] = []
    statuses: dict[str, Status] = {}
    for i, reported in enumerate(case.findings):
        where = f"findings[{i}]"
        finding = findings.get(reported.id)
        if finding is None:
            issues.append(CaseIssue(f"{where}.id", f"unknown finding '{reported.id}'"))
            continue
        if reported.side is not None and not finding.lateral:
            issues.append(CaseIssue(f"{where}.side", f"'{reported.id}' is not observed per side"))
        previous = statuses.get(reported.id)
        if (
            previous is not None
            and _UNKNOWN not in (previous, reported.status)
            and previous != reported.status
            and not (finding.lateral and reported.side is not None)
        ):
            issues.append(CaseIssue(where, f"'{reported.id}' is given both {previous} and {reported.status}"))
        statuses[reported.id] = reported.status
    for i, mark in enumerate(case.pain_map or []):
        issues.extend(_check_region(f"pain_map[{i}]", mark.region, mark.side, regions, allow_no_side=True))
    for i, test in enumerate(case.sensation):
        issues.extend(_check_region(f"sensation[{i}]", test.region, test.side, regions, allow_no_side=True))
    graded = [("strength", "movement", s.movement, s.side, s.grade) for s in case.strength]
    graded += [("reflexes", "reflex", r.reflex, r.side, r.grade) for r in case.reflexes]
    issues.extend(_check_grades(graded, {"movement": movements, "reflex": reflexes}))
    return issues


def _check_grades(
    graded: Sequence[tuple[str, str, str, str | None, int]], known: Mapping[str, frozenset[str]]
) -> list[CaseIssue]:
    """Unknown movements or reflexes, and one muscle or reflex graded twice differently."""
    issues: list[CaseIssue] = []
    grades: dict[tuple[str, str, str | None], int] = {}
    positions: dict[str, int] = {}
    for field_name, kind, name, side, grade in graded:
        i = positions[field_name] = positions.get(field_name, -1) + 1
        if name not in known[kind]:
            issues.append(CaseIssue(f"{field_name}[{i}].{kind}", f"unknown {kind} '{name}'"))
        key = (kind, name, side)
        if key in grades and grades[key] != grade:
            where = f"on the {side}" if side else "(side not stated)"
            issues.append(CaseIssue(f"{field_name}[{i}]", f"{name} {where} graded twice differently"))
        grades[key] = grade
    return issues


def _check_region(
    where: str, region_id: str, side: str | None, regions: Mapping[str, Region], *, allow_no_side: bool
) -> list[CaseIssue]:
    region = regions.get(region_id)
    if region is None:
        return [CaseIssue(f"{where}.region", f"unknown body-map region '{region_id}'")]
    lateral = region.lateral
    if not lateral and side is not None:
        return [CaseIssue(f"{where}.side", f"'{region_id}' is a midline region and has no side")]
    if lateral and side is None and not allow_no_side:
        return [CaseIssue(f"{where}.side", f"'{region_id}' needs a side (left or right)")]
    return []


def _sides_of(rule: Derivation) -> Callable[[Case], set[str]] | None:
    """The sides a rule's finding is present on (the pain map's marks, else the weak movements' or
    reduced reflexes' sides), with what it reads looked up once; None for a rule that names no sides."""
    exam = _exam_sides_of(rule)
    if rule.pain_map is None:
        return exam
    regions = frozenset(rule.pain_map)

    def by_pain_map(case: Case) -> set[str]:
        if case.pain_map is not None:
            return {m.side for m in case.pain_map if m.region in regions and m.side}
        return set() if exam is None else exam(case)

    return by_pain_map


def _exam_sides_of(rule: Derivation) -> Callable[[Case], set[str]] | None:
    if rule.weak_movements is not None:
        movements, limit = frozenset(rule.weak_movements), 4 if rule.max_grade is None else rule.max_grade

        def by_strength(case: Case) -> set[str]:
            return {s.side for s in case.strength if s.movement in movements and s.grade <= limit and s.side}

        return by_strength
    if rule.reduced_reflexes is not None:
        reduced = frozenset(rule.reduced_reflexes)

        def by_reflex(case: Case) -> set[str]:
            return {r.side for r in case.reflexes if r.reflex in reduced and r.grade <= 1 and r.side}

        return by_reflex
    return None


# What each derivation reads (the index into encode_case's ``given``): without that input,
# the derivation returns None.
AGE, SEX, DURATION, PAIN_MAP, STRENGTH, REFLEXES, SENSATION, ONSET, OTHER = range(9)


def _reads(rule: Derivation) -> int:
    if rule.age_min is not None or rule.age_max is not None:
        return AGE
    if rule.sex is not None:
        return SEX
    if rule.duration_min_days is not None or rule.duration_max_days is not None:
        return DURATION
    if rule.pain_map is not None:
        return PAIN_MAP
    if rule.weak_movements is not None:
        return STRENGTH
    if rule.reduced_reflexes is not None or rule.brisk_reflexes is not None:
        return REFLEXES
    if rule.sensory_loss is not None:
        return SENSATION
    if rule.onset is not None:
        return ONSET
    return OTHER


def _derivation(rule: Derivation, reads: int) -> Callable[[Case], bool | None]:
    """True/False when the case holds the input the rule reads, None when it does not; what the rule
    reads is looked up once."""
    if reads == AGE:
        return _in_range(lambda case: case.age, rule.age_min, rule.age_max)
    if reads == SEX:
        sex = rule.sex
        return lambda case: None if case.sex is None else case.sex == sex
    if reads == ONSET:
        onset = rule.onset
        return lambda case: None if case.onset is None else case.onset == onset
    if reads == DURATION:
        return _in_range(lambda case: case.duration_days, rule.duration_min_days, rule.duration_max_days)
    if reads == PAIN_MAP and rule.pain_map is not None:
        return _by_pain_map(frozenset(rule.pain_map), frozenset(rule.kinds), rule.bilateral)
    if reads == STRENGTH and rule.weak_movements is not None:
        movements, limit = frozenset(rule.weak_movements), 4 if rule.max_grade is None else rule.max_grade

        def by_strength(case: Case) -> bool | None:
            tested = [s.grade for s in case.strength if s.movement in movements]
            return None if not tested else min(tested) <= limit  # any graded at or below the limit

        return by_strength
    if reads == REFLEXES and rule.reduced_reflexes is not None:
        reduced = frozenset(rule.reduced_reflexes)

        def by_reduced_reflex(case: Case) -> bool | None:
            tested = [r.grade for r in case.reflexes if r.reflex in reduced]
            return None if not tested else min(tested) <= 1  # any graded 1 or 0

        return by_reduced_reflex
    if reads == REFLEXES and rule.brisk_reflexes is not None:
        brisk = frozenset(rule.brisk_reflexes)

        def by_brisk_reflex(case: Case) -> bool | None:
            tested = [r.grade for r in case.reflexes if r.reflex in brisk]
            return None if not tested else max(tested) >= 3  # any graded 3 or more

        return by_brisk_reflex
    if reads == SENSATION and rule.sensory_loss is not None:
        regions = frozenset(rule.sensory_loss)

        def by_sensation(case: Case) -> bool | None:
            tested = [s.status for s in case.sensation if s.region in regions]
            return None if not tested else any(status in ("reduced", "absent") for status in tested)

        return by_sensation
    return lambda case: None  # a rule of no kind above reads nothing


def _in_range(
    read: Callable[[Case], float | None], least: float | None, most: float | None
) -> Callable[[Case], bool | None]:
    """Within [least, most) (either bound open when None); None when the case lacks the value."""

    def in_range(case: Case) -> bool | None:
        value = read(case)
        if value is None:
            return None
        return (least is None or value >= least) and (most is None or value < most)

    return in_range


def _by_pain_map(
    wanted: frozenset[str], kinds: frozenset[SymptomKind], bilateral: bool
) -> Callable[[Case], bool | None]:
    def by_pain_map(case: Case) -> bool | None:
        pain_map = case.pain_map
        if pain_map is None:
            return None
        # one plain pass (no list of the marks; a one-sided rule stops at its first mark): about
        # ten of these rules run per case
        found = False
        if bilateral:
            sides = {m.side for m in pain_map if m.side and m.region in wanted and m.kind in kinds}
            found = "left" in sides and "right" in sides
        else:
            for m in pain_map:
                if m.region in wanted and m.kind in kinds:
                    found = True
                    break
        # a partial map (a note names some regions) says where symptoms are, never where they are not
        return True if found else (False if case.pain_map_complete else None)

    return by_pain_map


# A derivation as encode_case runs it: (finding index, finding id, excluded when false (an exclusive
# group's category), what it reads, origin, the rule (None for a pain-map or weak-movement rule,
# which encode_case reads itself), the sides it names or None)
# (and, for a rule on weak movements, the movements and the highest grade that counts as weak)
_Derived = tuple[
    int,
    str,
    bool,
    int,
    str,
    Callable[[Case], bool | None] | None,
    Callable[[Case], set[str]] | None,
    tuple[frozenset[str], int] | None,
]


class _Tables:
    """What the encoder reads of the knowledge base, prepared once per compile."""

    def __init__(self, compiled: CompiledKnowledge) -> None:
        self.compiled = compiled
        self.derived_runs: list[_Derived] = []
        # the derived runs whose input a case gives, by encode_case's ``given`` (at most 2**9 keys)
        self.runs_given: dict[tuple[bool, ...], list[_Derived]] = {}
        self.pain_rules: dict[tuple[str, SymptomKind], list[int]] = {}
        self.bilateral_pain_rules: dict[tuple[str, SymptomKind], list[int]] = {}
        for finding in compiled.derived_findings:
            rule = finding.derive
            assert rule is not None
            from_exam = rule.reads_examination
            reads = _reads(rule)
            # only these rules name sides (_sides_of is None or empty for the others)
            names_sides = rule.pain_map is not None or rule.weak_movements is not None or reads == REFLEXES
            at = compiled.finding_index.get(finding.id)
            if at is not None:  # mark() passes over a finding the knowledge base does not score
                # an examination finding is left to the site model, which scores the exam itself; a red
                # flag is scored by the conditions too, so the condition it flags is in the differential
                # (a saddle sensory loss graded on examination fired the cauda equina rule over a
                # differential without cauda equina syndrome; reviewer R, session 14)
                origin = EXAM_DERIVED if from_exam and not finding.red_flag else "derived"
                self.derived_runs.append(
                    (
                        at,
                        finding.id,
                        bool(finding.exclusive_group),
                        reads,
                        origin,
                        # the pain-map and weak-movement rules are read by encode_case itself
                        None if reads in (PAIN_MAP, STRENGTH) else _derivation(rule, reads),
                        _sides_of(rule) if names_sides else None,
                        (
                            (frozenset(rule.weak_movements), 4 if rule.max_grade is None else rule.max_grade)
                            if reads == STRENGTH and rule.weak_movements is not None
                            else None
                        ),
                    )
                )
                if reads == PAIN_MAP and rule.pain_map is not None:
                    # the pain-map rules by the (region, kind) of a mark that meets them
                    by_mark = self.bilateral_pain_rules if rule.bilateral else self.pain_rules
                    for region in rule.pain_map:
                        for kind in rule.kinds:
                            by_mark.setdefault((region, kind), []).append(at)
        kb = compiled.knowledge
        self.whole_leg_regions = set(whole_leg_regions(kb))
        self.movements = {m.id for m in kb.anatomy.movements}
        # the lesion observations that count towards the laterality pattern
        self.pattern_at = {
            o
            for o, ob in enumerate(compiled.observations)
            if ob.modality in PATTERN_MODALITIES and ob.side in SIDES
        }
        # what _references_hold reads
        self.findings = frozenset(compiled.findings)
        self.lateral_findings = frozenset(fid for fid, f in compiled.findings.items() if f.lateral)
        self.regions = frozenset(compiled.regions)
        self.midline_regions = frozenset(rid for rid, r in compiled.regions.items() if not r.lateral)
        self.movement_ids = frozenset(compiled.movement_ids)
        self.reflex_ids = frozenset(compiled.reflex_ids)
        # their sides, by observation index
        self.pattern_side = {o: str(compiled.observations[o].side) for o in sorted(self.pattern_at)}
        # and, for _encode_laterality, each one's side, place ("modality:target") and whether it is
        # felt (not a weakness), made once rather than per case
        self.pattern_place = {
            o: (side, f"{ob.modality}:{ob.target}", not ob.modality.startswith("weakness"))
            for o, side in self.pattern_side.items()
            for ob in (compiled.observations[o],)
        }
        self.imaging_side = {
            o: str(ob.side)
            for o, ob in enumerate(compiled.observations)
            if ob.modality == IMAGING_MODALITY and ob.side in SIDES
        }
        # a leg named as the place of a symptom or weakness: (that side's ONE_LEG column, the
        # columns of the parts of that leg)
        self.one_leg = [
            (
                compiled.observation_index[f"{ONE_LEG}:leg:{side}"],
                [
                    o
                    for o, ob in enumerate(compiled.observations)
                    if ob.modality in ONE_LEG_PARTS and ob.side == side
                ],
            )
            for side in SIDES
            if f"{ONE_LEG}:leg:{side}" in compiled.observation_index
        ]
        # the laterality findings the knowledge base scores, with their indices (in order)
        self.laterality_findings = [
            (finding, compiled.finding_index[finding])
            for finding in kb.localisation.laterality_findings
            if finding in compiled.finding_index
        ]


def _tables(compiled: CompiledKnowledge) -> _Tables:
    """The encoder's tables of ``compiled``, kept on it (engine.compiled.held): a module dict keyed by
    id() kept every compiled knowledge base it had seen alive for the life of the process."""
    return held(compiled, "encode_tables", _Tables)


def _pain_map_met(case: Case, tables: _Tables) -> set[int]:
    """The pain-map rules (by their finding's index) a case's pain map meets: a mark of one of the
    rule's regions and kinds; for a bilateral rule, such marks on the left and on the right."""
    met: set[int] = set()
    sides: dict[int, set[str]] = {}
    rules, bilateral = tables.pain_rules, tables.bilateral_pain_rules
    for mark in case.pain_map or ():
        key = (mark.region, mark.kind)
        meeting = rules.get(key)
        if meeting is not None:
            met.update(meeting)
        if mark.side:
            for at in bilateral.get(key, ()):
                sides.setdefault(at, set()).add(mark.side)
    met.update(at for at, seen in sides.items() if "left" in seen and "right" in seen)
    return met


def _examined_signs(compiled: CompiledKnowledge) -> dict[str, list[str]]:
    """The findings a sensory test of a midline region derives ({finding: [regions]}: perianal_sensory_loss
    from the saddle)."""
    out: dict[str, list[str]] = {}
    for finding in compiled.findings.values():
        rule = finding.derive
        if rule is not None and rule.sensory_loss is not None:
            midline = [
                r for r in rule.sensory_loss if r in compiled.regions and not compiled.regions[r].lateral
            ]
            if midline:
                out[finding.id] = midline
    return out


def with_examined_signs(case: Case, compiled: CompiledKnowledge) -> Case:
    """The case with a sensory test for each sign named outright that such a test records, where none
    was given: "perianal sensory loss" is a saddle sensation found reduced (E s15). One scoring path
    whichever way the examination is recorded: the test informs the site model and the sign the
    conditions, so the named sign and the saddle test gave two differentials (cauda equina syndrome
    0.11 third, against 0.56 first; reviewer R s14 on 42a04bf). A sign denied is a normal test."""
    signs = held(compiled, "encode_examined_signs", _examined_signs)
    if not signs:
        return case
    named = [f for f in case.findings if f.id in signs and f.status != "unknown"]
    if not named:
        return case
    tested = {test.region for test in case.sensation}
    said: list[tuple[Item, str]] = []
    for finding in named:
        for region in signs[finding.id]:
            if region not in tested:
                tested.add(region)
                status = "reduced" if finding.status == "present" else "normal"
                said.append((Item(ItemKind.SENSATION, region), status))
    return apply(case, said) if said else case


def encode_case(case: Case, compiled: CompiledKnowledge) -> EncodedCase:
    """Check a case against the knowledge base and turn it into evidence vectors."""
    case = with_examined_signs(case, compiled)
    tables = _tables(compiled)
    if not _references_hold(case, tables):  # _check_references, its tables read once
        issues = _reference_issues(case, compiled)
        if issues:
            raise CaseError(issues)
    # the vectors are numpy views of bytearrays (_Bytes): the encoder writes and reads them through
    # the bytearrays (a Python int per item instead of a numpy scalar), the rest of the engine
    # through the arrays, the same memory
    raw = _Bytes(
        len(compiled.finding_ids),
        len(compiled.observations),
        len(compiled.sign_log_factor),  # the nerve-tension sign rows, then the imaging-kind rows
        compiled.observation_index,
    )
    present, absent, site_scored = raw.present, raw.absent, raw.site_scored
    encoded = EncodedCase(
        np.frombuffer(present, dtype=bool),
        np.frombuffer(absent, dtype=bool),
        np.frombuffer(raw.observed, dtype=bool),
        np.frombuffer(raw.unobserved, dtype=bool),
        np.frombuffer(raw.signs, dtype=bool),
        case.setting.value,
        np.frombuffer(site_scored, dtype=bool),
    )
    findings: dict[str, Finding] = compiled.findings
    # derived first, so that what the clinician states explicitly overrides it
    given = (
        case.age is not None,
        case.sex is not None,
        case.duration_days is not None,
        case.pain_map is not None,
        bool(case.strength),
        bool(case.reflexes),
        bool(case.sensation),
        case.onset is not None,
        True,
    )
    origins, found_sides = encoded.origin, encoded.sides
    # mark() of each derived finding, unrolled (the same writes; a rule's sides are read only when
    # its finding is present, the only time mark() keeps them)
    lowest: dict[str, int] | None = None  # each graded movement's lowest grade
    # the pain-map rules the map meets, read in one pass over its marks (_by_pain_map's values)
    pain_met: set[int] | None = None
    # the rules whose input the case gives (without it a finding stays unknown), in rule order
    runs = tables.runs_given.get(given)
    if runs is None:
        runs = tables.runs_given[given] = [run for run in tables.derived_runs if given[run[3]]]
    for at, fid, exclusive, _, origin, derive, sides_of, weak in runs:
        if derive is not None:
            value = derive(case)
        elif weak is None:  # a pain-map rule: met, else false on a complete map (unknown on a partial one)
            if pain_met is None:
                pain_met = _pain_map_met(case, tables)
            value = True if at in pain_met else (False if case.pain_map_complete else None)
        else:  # derive's by_strength, from the lowest grades: any movement of the rule graded weak
            if lowest is None:
                lowest = {}
                for test in case.strength:
                    grade = lowest.get(test.movement)
                    if grade is None or test.grade < grade:
                        lowest[test.movement] = test.grade
            movements, limit = weak
            grades = [lowest[movement] for movement in movements if movement in lowest]
            value = min(grades) <= limit if grades else None
        if value is None or (exclusive and not value):
            continue  # unknown, or only the category that holds is scored
        present[at] = value
        absent[at] = not value
        site_scored[at] = origin == EXAM_DERIVED
        origins[fid] = origin
        if value and sides_of is not None:
            named = sides_of(case)
            if named:
                found_sides.setdefault(fid, set()).update(named)
    finding_index = compiled.finding_index
    for item in case.imaging:
        # the finding present, known from imaging (no closure over this function's variables: a
        # closure would make every one of them a cell, read more slowly throughout)
        fid = IMAGING_FINDING[item.kind]
        index = finding_index.get(fid)
        if index is not None:
            present[index], absent[index], site_scored[index] = 1, 0, 0
            origins[fid] = "imaging"
    for reported in case.findings:
        status = reported.status
        if status == _UNKNOWN:
            continue
        fid = reported.id
        index = finding_index[fid]
        finding = findings[fid]
        value = status == _PRESENT
        if origins.get(fid) in ("derived", EXAM_DERIVED) and bool(present[index]) != value:
            encoded.notes.append(
                f"'{fid}' reported {status.value} but the structured examination "
                f"says {'present' if present[index] else 'absent'}; the report is used"
            )
        side = reported.side
        if finding.lateral and side is not None and not value and present[index]:
            continue  # absent on one side, present on the other: the finding is present
        # mark(fid, value, "reported", sides), unrolled
        if finding.exclusive_group and not value:
            continue  # only the category that holds is scored
        present[index] = value
        absent[index] = not value
        site_scored[index] = False
        origins[fid] = "reported"
        if value and side:
            found_sides.setdefault(fid, set()).update(SIDES if side == "bilateral" else (side,))

    _derive_both_legs(compiled, encoded, raw)
    _encode_localisation(case, compiled, encoded, raw, tables)
    _encode_one_leg(tables, raw)
    _note_possible_contradictions(case, encoded)
    return encoded


def _encode_one_leg(tables: _Tables, raw: _Bytes) -> None:
    """That a leg is a symptomatic one, once per side, when any part of it is named (after every
    other lesion observation is set)."""
    observed = raw.observed
    for column, parts in tables.one_leg:
        if any(map(observed.__getitem__, parts)):
            observed[column] = 1


def both_legs_contradiction_note(finding: str) -> str:
    """The note left when a report denies symptoms in both legs that the sided symptoms show."""
    return (
        f"'{finding}' reported absent but leg symptoms are reported on the left and on the right; "
        "the sided symptoms are used"
    )


def _derive_both_legs(compiled: CompiledKnowledge, encoded: EncodedCase, raw: _Bytes) -> None:
    """Symptoms in both legs when sided leg symptoms are present on the left and on the right
    (localisation.yaml both_legs_from_sides). A report of the finding present is kept; a report of
    it absent loses to the sided symptoms, with a note, because missing symptoms in both legs can
    miss a cauda equina rule (reviewer, session 10)."""
    rule = compiled.knowledge.localisation.both_legs_from_sides
    if rule is None:
        return
    at = compiled.finding_index.get(rule.finding)
    present = raw.present
    if at is None or present[at]:
        return
    sides: set[str] = set()
    for finding in rule.sided:
        index = compiled.finding_index.get(finding)
        if index is not None and present[index]:
            sides |= encoded.sides.get(finding, set())
    if set(SIDES) <= sides:
        if encoded.origin.get(rule.finding) == "reported":
            encoded.notes.append(both_legs_contradiction_note(rule.finding))
        present[at], raw.absent[at] = 1, 0
        raw.site_scored[at] = 0
        encoded.origin[rule.finding] = "derived"


class _Bytes:
    """The memory behind a case's vectors while encode_case writes them. The EncodedCase's arrays
    are numpy views of these bytearrays; the encoder reads and writes them here, as Python ints (a
    numpy scalar read or write costs several times as much, and a case makes about a hundred)."""

    __slots__ = ("absent", "observation_index", "observed", "present", "signs", "site_scored", "unobserved")

    def __init__(
        self, n_findings: int, n_observations: int, n_signs: int, observation_index: dict[str, int]
    ) -> None:
        self.present, self.absent, self.site_scored = (
            bytearray(n_findings),
            bytearray(n_findings),
            bytearray(n_findings),
        )
        self.observed, self.unobserved = bytearray(n_observations), bytearray(n_observations)
        self.signs = bytearray(n_signs)
        self.observation_index = observation_index


def _set_observation(raw: _Bytes, key: str, value: bool) -> None:
    index = raw.observation_index.get(key)
    if index is None:
        return
    if value:
        raw.observed[index] = 1
        raw.unobserved[index] = 0
    elif not raw.observed[index]:
        raw.unobserved[index] = 1


def _vague_marks(case: Case, compiled: CompiledKnowledge) -> dict[tuple[str, str, str], str]:
    """(modality, region, side) marks that make up a part of the leg named without its aspect.

    Only on a partial map read from a note: a complete body map marks what it means.
    """
    if case.pain_map_complete or not case.pain_map:
        return {}
    marks = set()
    for mark in case.pain_map:
        region = compiled.regions[mark.region]
        modality = "pain" if mark.kind == _PAIN else "sensory"
        marks.add((modality, mark.region, mark.side or (UNSTATED if region.lateral else "")))
    vague: dict[tuple[str, str, str], str] = {}
    for group, regions in compiled.knowledge.localisation.symptom_groups.items():
        for modality in ("pain", "sensory"):
            for side in {side for m, _, side in marks if m == modality}:
                if all((modality, region, side) in marks for region in regions):
                    vague.update({(modality, region, side): group for region in regions})
    return vague


def _whole_leg_normal_sides(case: Case, tables: _Tables) -> set[str]:
    """Sides (or "unstated") whose whole leg was examined with normal sensation and nothing else.

    "Sensation is normal" is one finding, whatever the number of regions it covers; a side with any
    abnormal region, numbness on the map, or only part of the leg tested keeps region-by-region
    observations.
    """
    regions = tables.whole_leg_regions
    compiled = tables.compiled
    normal: dict[str, set[str]] = {}
    spoiled: set[str] = set()
    for test in case.sensation:
        if not compiled.regions[test.region].lateral:
            continue
        side = test.side or UNSTATED
        if test.status == "normal":
            normal.setdefault(side, set()).add(test.region)
        else:
            spoiled.add(side)
    for mark in case.pain_map or []:
        if mark.kind != _PAIN:
            spoiled.add(mark.side or UNSTATED)  # numbness or tingling reported on that side
    return {side for side, seen in normal.items() if side not in spoiled and regions <= seen}


def _whole_leg_full_power_sides(case: Case, tables: _Tables) -> set[str]:
    """Sides (or "unstated") with every key movement graded 5: "power is full" is one finding."""
    movements = tables.movements
    full: dict[str, set[str]] = {}
    weak: set[str] = set()
    for strength in case.strength:
        side = strength.side or UNSTATED
        if strength.grade >= 5:
            full.setdefault(side, set()).add(strength.movement)
        else:
            weak.add(side)
    return {side for side, seen in full.items() if side not in weak and movements <= seen}


def _whole_leg_weak_sides(case: Case, tables: _Tables) -> set[str]:
    """Sides (or "unstated") with every key movement given one and the same weak grade.

    "Both legs 3/5" or "strength 4/5 throughout" is one statement about the leg, read onto every
    movement: like a part of the leg named without its aspect, it is one observation (somewhere in
    the leg is weak), not one per muscle, which would count the same words ten times.
    """
    movements = tables.movements
    graded: dict[str, set[str]] = {}
    grades: dict[str, set[int]] = {}
    for strength in case.strength:
        side = strength.side or UNSTATED
        graded.setdefault(side, set()).add(strength.movement)
        grades.setdefault(side, set()).add(strength.grade)
    return {
        side
        for side, seen in graded.items()
        if movements <= seen and len(grades[side]) == 1 and max(grades[side]) <= 4
    }


def _encode_localisation(
    case: Case, compiled: CompiledKnowledge, encoded: EncodedCase, raw: _Bytes, tables: _Tables
) -> None:
    vague = _vague_marks(case, compiled)
    for mark in case.pain_map or []:
        modality = "pain" if mark.kind == _PAIN else "sensory"
        region = compiled.regions[mark.region]
        if region.group == _BACK:
            continue  # axial back pain is somatic: it does not point to a nerve lesion
        side = mark.side or (UNSTATED if region.lateral else None)
        group = vague.get((modality, mark.region, str(side) if side else ""))
        if group is not None:
            # "pain in the thigh": one observation, somewhere in the thigh
            _set_observation(raw, f"{modality}-vague:{group}:{side}", True)
            continue
        _set_observation(raw, f"{modality}:{mark.region}:{side}", True)
    whole_leg = _whole_leg_normal_sides(case, tables)
    for side in whole_leg:
        _set_observation(raw, f"{WHOLE_LEG_NORMAL}:leg:{side}", True)
    for test in case.sensation:
        if test.status == "increased":
            continue
        side = test.side or (UNSTATED if compiled.regions[test.region].lateral else None)
        if side in whole_leg:
            continue  # part of the whole leg's normal examination: one observation above
        _set_observation(raw, f"sensory:{test.region}:{side}", test.status != "normal")
    full_power = _whole_leg_full_power_sides(case, tables)
    for side in full_power:
        _set_observation(raw, f"{WHOLE_LEG_FULL_POWER}:leg:{side}", True)
    uniformly_weak = _whole_leg_weak_sides(case, tables)
    for side in uniformly_weak:
        _set_observation(raw, f"{WHOLE_LEG_WEAK}:leg:{side}", True)
    for strength in case.strength:
        if (strength.side or UNSTATED) in full_power:
            continue  # part of the whole leg's full power: one observation above
        if (strength.side or UNSTATED) in uniformly_weak:
            continue  # one grade for the whole leg: one observation above
        _set_observation(
            raw,
            f"weakness:{strength.movement}:{strength.side or UNSTATED}",
            strength.grade <= 4,
        )
    aged = compiled.knowledge.localisation.age_related_reflex_loss
    older = aged is not None and case.age is not None and case.age >= aged.age_min
    symmetric_trace = _symmetric_trace_reflexes(case, compiled.knowledge.localisation.symmetric_reflex_grade)
    for reflex in case.reflexes:
        if reflex.reflex in symmetric_trace:
            continue  # 1+ on both sides is within normal variation: only asymmetry localises
        if reflex.grade >= 3:
            _set_observation(raw, "umn::", True)
            continue
        modality = "reflex-aged" if older and aged and reflex.reflex in aged.reflexes else "reflex"
        side = reflex.side or UNSTATED
        _set_observation(raw, f"{modality}:{reflex.reflex}:{side}", reflex.grade <= 1)
    for item in case.imaging:
        localisation = compiled.knowledge.localisation
        roots, image_sides = imaged_roots_and_sides(
            compiled.knowledge.anatomy.discs, item, localisation.imaging_zones
        )
        for root in roots:
            for side in image_sides:
                _set_observation(raw, f"imaging:{root}:{side}", True)
    present, absent, site_scored, signs = raw.present, raw.absent, raw.site_scored, raw.signs
    for row in imaging_state_rows(compiled, case.imaging):  # the imaging-kind rows after the signs'
        signs[row] = 1
    for k, index in enumerate(compiled.sign_findings):
        base = k * len(SIGN_STATES)
        if present[index]:
            sides = encoded.sides.get(compiled.finding_ids[index], set())
            for state in sides or {"any"}:
                signs[base + SIGN_STATES.index(state)] = 1
        elif absent[index]:
            signs[base + SIGN_STATES.index("absent")] = 1
        site_scored[index] = present[index] or absent[index]
    for kind_finding in compiled.knowledge.localisation.site_kind_findings:
        fid = kind_finding.finding
        at = compiled.finding_index.get(fid)
        if at is None or not (present[at] or absent[at]):
            continue
        seen = bool(present[at])
        for side in (encoded.sides.get(fid) or {UNSTATED}) if seen else {UNSTATED}:
            _set_observation(raw, f"kind:{fid}:{side}", seen)
        site_scored[at] = 1  # scored with the lesion site, not again per condition
    _encode_reported_weakness(case, compiled, encoded, raw)
    _encode_laterality(compiled, encoded, raw, tables)
    _encode_sided_leg_symptoms(case, compiled, encoded, raw)
    umn = compiled.finding_index.get("extensor_plantar")
    if umn is not None and (present[umn] or absent[umn]):
        _set_observation(raw, "umn::", bool(present[umn]))


# Symptoms and weakness; reflexes are left out, as symmetric loss with age is common.
def _symmetric_trace_reflexes(case: Case, trace: Number | None) -> set[str]:
    """Reflexes graded 1+ (present but diminished; localisation.yaml symmetric_reflex_grade) on both
    sides and nowhere absent."""
    if trace is None:
        return set()
    grades: dict[str, dict[str | None, int]] = {}
    for reflex in case.reflexes:
        grades.setdefault(reflex.reflex, {})[reflex.side] = reflex.grade
    return {
        name for name, by_side in grades.items() if by_side.get("left") == by_side.get("right") == trace.value
    }


PATTERN_MODALITIES = ("sensory", "pain", "weakness", "sensory-vague", "pain-vague", "weakness-vague")
# what makes one side the greater of a one-sided picture (_encode_laterality): a graded weakness
DEFICIT_MODALITY = "weakness"
DEFICIT_PREFIX = f"{DEFICIT_MODALITY}:"
# An imaging lesion on a side where the clinical findings are confirms that side for the pattern ("left
# leg pain; left foraminal L4-5 disc": one-sided); on the other side it is discordant imaging, shown as
# such (concordance), and never makes a clinical picture both-sided. A case that states no side for any
# symptom or sign (a scan report alone) takes the sides the scan shows: a root compressed on one side
# only is a one-sided picture, one on both sides a both-sided one.
IMAGING_MODALITY = "imaging"
# One sided finding is already a pattern: the one-sided figures are how often a site presents on one
# side only (cauda equina 0.68: bilateral sciatica in 32 %, Venkatesan 2020; stenosis one-sided in
# 49 %: bilateral buttock or leg pain in 51 %, Suri 2010), which "pain in the right leg" with nothing
# of the other leg shows as much as two findings on the right. Two were asked before, so a both-sided
# site (a polyneuropathy) explained a single one-sided symptom as well as a one-sided lesion did.
MIN_SIDED_FOR_PATTERN = 1


def _encode_reported_weakness(
    case: Case, compiled: CompiledKnowledge, encoded: EncodedCase, raw: _Bytes
) -> None:
    """A reported foot drop is weak ankle dorsiflexion on its side unless the examination grades it."""
    graded = {(test.movement, test.side or UNSTATED) for test in case.strength}
    for item in compiled.knowledge.localisation.reported_weakness:
        at = compiled.finding_index.get(item.finding)
        if at is None or not raw.present[at]:
            continue
        for side in encoded.sides.get(item.finding) or {UNSTATED}:
            if (item.movement, side) not in graded:
                _set_observation(raw, f"weakness:{item.movement}:{side}", True)


def _encode_sided_leg_symptoms(
    case: Case, compiled: CompiledKnowledge, encoded: EncodedCase, raw: _Bytes
) -> None:
    """A leg symptom stated with a side and no part of the leg ("right-sided sciatica"): the
    symptom somewhere in that leg (localisation.yaml sided_leg_symptoms), unless the body map
    already marks that kind of symptom on that side (its regions carry the side) or is a complete
    map (what it leaves unmarked is free of symptoms).

    Runs after the one-sided pattern, which already counts the finding's side."""
    symptoms = compiled.knowledge.localisation.sided_leg_symptoms
    if not symptoms or (case.pain_map is not None and case.pain_map_complete):
        return
    marked = {
        ("pain" if mark.kind == _PAIN else "sensory", mark.side)
        for mark in case.pain_map or []
        if compiled.regions[mark.region].group != _BACK
    }
    for finding, modality in symptoms.items():
        at = compiled.finding_index.get(finding)
        if at is None or not raw.present[at]:
            continue
        for side in sorted(encoded.sides.get(finding, set()) & set(SIDES)):
            if (modality, side) not in marked:
                _set_observation(raw, f"{modality}-vague:leg:{side}", True)


def _encode_laterality(
    compiled: CompiledKnowledge, encoded: EncodedCase, raw: _Bytes, tables: _Tables
) -> None:
    """Whether the sided lesion findings keep to one side or involve both."""
    if "pattern:unilateral:" not in compiled.observation_index:
        return
    pattern_place = tables.pattern_place
    observed = encoded.observed_present.nonzero()[0].tolist()
    sided: list[str] = []
    # what each side shows (modality and place): a side whose symptoms are a strict part of the
    # other's, with no sign or finding of its own, is the lesser side of a one-sided picture ("pain in
    # both buttocks, and down the left leg to the foot": somatic pain of the back felt on both sides,
    # as engine/core.predominant_side reads it for the side of a no-lesion site; issue 14 M s14). A
    # one-sided deficit with the same symptoms on both sides stays both-sided.
    shows: dict[str, set[str]] = {"left": set(), "right": set()}
    felt: dict[str, set[str]] = {"left": set(), "right": set()}  # the symptoms' places alone
    for o in observed:
        known = pattern_place.get(o)
        if known is not None:
            side, place, is_felt = known
            sided.append(side)
            shows[side].add(place)
            if is_felt:
                felt[side].add(place)
    # leg symptoms and signs stated with a side ("pain down the right leg", "SLR positive on the right")
    present = raw.present
    for finding, at in tables.laterality_findings:
        if present[at]:
            for side in sorted(side for side in encoded.sides.get(finding, set()) if side in SIDES):
                sided.append(side)
                shows[side].add(f"finding:{finding}")
    imaging_side = tables.imaging_side
    clinical = set(sided)
    # with no side stated for any symptom or sign, the side the scan shows is the only one known
    sided += [
        imaging_side[o]
        for o in observed
        if o in imaging_side and (imaging_side[o] in clinical or not clinical)
    ]
    if len(sided) < MIN_SIDED_FOR_PATTERN:
        return
    pattern = "unilateral" if len(set(sided)) == 1 else "bilateral"
    # ... but only when the greater side has a graded weakness the lesser lacks: without one, pain in
    # both buttocks and thighs and down one calf is the asymmetric bilateral picture of neurogenic
    # claudication, not one side's (reviewer R, session 14: central stenosis 0.81 -> 0.38 without this)
    if pattern == "bilateral" and any(
        felt[lesser] < felt[greater]
        and shows[lesser] <= shows[greater]
        and any(place.startswith(DEFICIT_PREFIX) for place in shows[greater] - shows[lesser])
        for lesser, greater in (("left", "right"), ("right", "left"))
    ):
        pattern = "unilateral"
    _set_observation(raw, f"pattern:{pattern}:", True)


def _note_possible_contradictions(case: Case, encoded: EncodedCase) -> None:
    numb = {(m.region, m.side) for m in case.pain_map or [] if m.kind == _NUMBNESS}
    for test in case.sensation:
        if test.status == "normal" and (test.region, test.side) in numb:
            encoded.notes.append(
                f"numbness reported in {test.region} ({test.side}) but sensation there is normal on "
                "examination: both are kept (subjective numbness often precedes a measurable deficit)"
            )


def imaging_state_rows(compiled: CompiledKnowledge, imaging: Sequence[ImagingFinding]) -> list[int]:
    """Rows of sign_log_factor for the roots a case's imaging shows compressed by a disc only or only
    by another kind (compiled._imaging_factors; one rule for the per-case and the batch encoder)."""
    if not compiled.imaging_state_index or not imaging:
        return []
    localisation = compiled.knowledge.localisation
    kinds: dict[tuple[str, str], set[str]] = {}
    for item in imaging:
        roots, image_sides = imaged_roots_and_sides(
            compiled.knowledge.anatomy.discs, item, localisation.imaging_zones
        )
        for root in roots:
            for side in image_sides:
                kinds.setdefault((root, side), set()).add("disc" if item.kind == IMAGING_DISC else "other")
    rows = []
    for (root, side), seen in kinds.items():
        if len(seen) == 1:
            state = "disc-only" if "disc" in seen else "other-only"
            row = compiled.imaging_state_index.get((state, root, side))
            if row is not None:
                rows.append(row)
    return rows


def imaged_roots_and_sides(
    discs: Sequence[DiscCompression], item: ImagingFinding, zones: ImagingZones | None
) -> tuple[list[str], tuple[str, ...]]:
    """The roots one imaging finding shows compressed, and the sides it counts on (one rule for the
    per-case and the batch encoder). ``zones``: localisation.yaml imaging_zones, the zone of a
    lesion kind that has one and of a lesion reported without a zone (the lateral recess: the
    traversing root)."""
    zone = (
        (zones.of_kind.get(item.kind) if zones else None) or item.zone or (zones.unstated if zones else None)
    )
    roots = [r for d in discs if d.level == item.level and d.zone == zone for r in d.roots]
    if item.kind != "cauda-equina-compression" and zone == _CENTRAL:
        # a central protrusion reported without cauda equina compression presses the traversing
        # roots; the sacral roots below are in the knowledge base for a massive central disc
        roots = roots[:1]
    # A side not stated is one observation on an unstated side, as for the other modalities:
    # read as both sides, a bilateral site would count one image twice (and a one-sided
    # lesion would be charged the incidental rate for the other side).
    both = item.side == "bilateral" or (zone == _CENTRAL and item.side is not None)
    image_sides: tuple[str, ...] = (UNSTATED,) if item.side is None else SIDES if both else (str(item.side),)
    return list(roots), image_sides
