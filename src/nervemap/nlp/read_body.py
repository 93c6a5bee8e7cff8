"""Regions and dermatomes -> the pain map (symptom sentences) or sensation tests (sensory
examination sentences)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from nervemap.engine.case import PainMark, SensationTest
from nervemap.knowledge.models import SymptomKind
from nervemap.knowledge.vocabulary import SIDES_OR_BOTH, SensationStatus
from nervemap.nlp.draft import Draft, assertion
from nervemap.nlp.knowledge import Anatomy, TextKnowledge
from nervemap.nlp.matching import Mention
from nervemap.nlp.rules import compiler, load_rules
from nervemap.nlp.sides import SideOrBoth, assign_sides, combine, expand, side_cues

SensoryStatus = SensationStatus


@dataclass(frozen=True)
class Cues:
    sensory: re.Pattern[str]
    status: tuple[tuple[SensoryStatus, re.Pattern[str]], ...]
    global_: re.Pattern[str]
    upper: re.Pattern[str]


@functools.cache
def cues() -> Cues:
    body = load_rules().body
    comp = compiler()
    order: tuple[SensoryStatus, ...] = ("absent", "increased", "reduced", "normal")
    return Cues(
        sensory=comp.words(body.sensory_exam.regex),
        status=tuple((s, comp.words(body.sensory_status[s])) for s in order),
        global_=comp.words(body.sensory_global.regex),
        upper=comp.words(body.upper_limb.regex),
    )


# "the L4-L5 distribution of his feet": a dermatome limited to the part of the leg named after it
_PART_AFTER = re.compile(
    r"^\s+(?:of|in|over|on)\s+(?:his\s+|her\s+|the\s+|both\s+)?(?:left\s+|right\s+)?(\w+)"
)
_PARTS: dict[str, tuple[str, ...]] = {
    "foot": ("foot_", "great_toe", "lesser_toes", "first_web_space", "heel"),
    "leg": ("leg_", "calf"),
    "thigh": ("thigh_",),
}
_PART_WORDS = {"foot": "foot", "feet": "foot", "toes": "foot", "leg": "leg", "legs": "leg", "calf": "leg",
               "shin": "leg", "thigh": "thigh", "thighs": "thigh"}  # fmt: skip


# "reduced over the right lower leg in the L4 and L5 areas": the part of the leg named just before
# the dermatome limits it as one named after it does. Not a bare "leg" ("pain down the leg in an L5
# distribution" is the whole limb).
_PART_BEFORE = re.compile(
    r"\b((?:lower\s+)?\w+)\s+(?:in|within|along)\s+(?:the\s+|an?\s+|his\s+|her\s+)?(?:left\s+|right\s+)?$",
    re.IGNORECASE,
)
_PART_BEFORE_WORDS = {"lower leg": "leg", "lower legs": "leg", "shin": "leg", "shins": "leg", "calf": "leg",
                      "calves": "leg", "foot": "foot", "feet": "foot", "toes": "foot", "thigh": "thigh",
                      "thighs": "thigh"}  # fmt: skip


def _part_before(text: str) -> str | None:
    """The part of the leg a place names when a dermatome follows it ("lower leg in the")."""
    before = _PART_BEFORE.search(text)
    return _PART_BEFORE_WORDS.get(re.sub(r"\s+", " ", before.group(1).lower())) if before else None


def regions_of(mention: Mention, anatomy: Anatomy, text: str | None = None) -> tuple[str, ...]:
    if mention.kind == "dermatome":
        table = anatomy.dermatomes
        regions = tuple(dict.fromkeys(r for root in mention.key.split(",") for r in table.get(root, ())))
        after = _PART_AFTER.match(text[mention.end : mention.end + 40]) if text else None
        part = _PART_WORDS.get(after.group(1).lower()) if after else None
        if part is None and text:
            part = _part_before(text[max(0, mention.start - 40) : mention.start])
        if part:
            limited = tuple(r for r in regions if r.startswith(_PARTS[part]))
            return limited or regions
        return regions
    return mention.regions


_OF_THE = re.compile(r"^\s*(?:of|in|at)\s+(?:the\s+|his\s+|her\s+)?(?:left\s+|right\s+)?$", re.IGNORECASE)


def _names_movement(text: str, movement: Mention, place: Mention) -> bool:
    """True when the place only says where a movement happens ("dorsiflexion of the left foot")."""
    if movement.start <= place.start and place.end <= movement.end:
        return True  # the movement's own words name the foot
    return movement.end <= place.start and bool(_OF_THE.match(text[movement.end : place.start]))


def _part_named_before(draft: Draft, part: Mention, whole: Mention) -> bool:
    """True when ``whole`` ("foot", "thigh") is named only to place ``part`` in it ("the heel of the
    right foot"): the part comes just before, every region of the part lies in the whole, and the
    whole names more than the part."""
    if part.end > whole.start or not _OF_THE.match(draft.text[part.end : whole.start]):
        return False
    word = _PART_WORDS.get(whole.text.lower())
    if word is None:
        return False
    anatomy = draft.knowledge.anatomy
    inside, around = set(regions_of(part, anatomy)), set(regions_of(whole, anatomy))
    return (
        bool(inside)
        and len(around) > 1
        and inside != around
        and all(r.startswith(_PARTS[word]) for r in inside)
    )


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


_CLAUSE = re.compile(r"[,;]|\bbut\b|\bwhile\b|\bwhereas\b", re.IGNORECASE)
_STATED = re.compile(r"\b(?:is|are|was|were|has|have|looks?|appears?)\b", re.IGNORECASE)


def _clause(text: str, sentence: tuple[int, int], position: int) -> tuple[int, int]:
    starts = [m.end() for m in _CLAUSE.finditer(text, sentence[0], position)]
    end = _CLAUSE.search(text, position, sentence[1])
    return (starts[-1] if starts else sentence[0], end.start() if end else sentence[1])


def _said_of_something_else(
    draft: Draft, sentence: tuple[int, int], place: Mention, sensory: list[tuple[int, int]]
) -> bool:
    """'The right calf is visibly bigger ..., and pinprick is reduced': a place with its own
    statement and no sensory word in its clause is not a sensory finding."""
    start, end = _clause(draft.text, sentence, place.start)
    if any(start <= s < end for s, _ in sensory):
        return False
    return bool(_STATED.search(draft.text, start, end))


def read_body(draft: Draft) -> None:
    c = cues()
    for sentence in draft.note.sentences:
        if not draft.in_sentence(sentence, ("region", "dermatome", "symptom")):
            # no place and no symptom (most sentences): only a statement of sensation as a whole
            # can be read, as the full reading below would find
            sensory = _sensory_cues(draft, c.sensory, sentence)
            if sensory:
                _global_sensation(draft, sentence, sensory)
            continue
        movements = draft.in_sentence(sentence, ("movement",))
        reflexes = draft.in_sentence(sentence, ("reflex",))
        # "plantar flexion of the right foot": the foot there names a movement, not a symptom site;
        # "the ankle jerk is absent": the ankle there names a reflex
        places = [
            p
            for p in draft.in_sentence(sentence, ("region", "dermatome"))
            if not any(_names_movement(draft.text, m, p) for m in movements)
            and not any(_overlaps(r, p) and r.end - r.start > p.end - p.start for r in reflexes)
        ]
        # "the L4-L5 distribution of his feet", "over the lower leg in the L5 area": the feet and the
        # lower leg only limit the dermatome
        dermatomes = [p for p in places if p.kind == "dermatome"]
        places = [
            p
            for p in places
            if p.kind == "dermatome"
            or not any(
                (0 <= p.start - d.end <= 25 and _PART_AFTER.match(draft.text[d.end : p.end]))
                or (0 <= d.start - p.end <= 25 and _part_before(draft.text[p.start : d.start]))
                for d in dermatomes
            )
        ]
        # "the heel of the right foot", "the big toe of his left foot": the foot named after a part of
        # it only says where that part is, not the whole foot (dorsum and sole)
        places = [p for p in places if not any(_part_named_before(draft, q, p) for q in places)]
        # "with the knee extended": a posture of the limb, not a place of a symptom
        places = [p for p in places if not _POSTURE_AFTER.match(draft.text, p.end)]
        # "pain on lumbar extension", "lumbar spine X-ray": a movement or a test of the back, not its pain
        places = [p for p in places if not _BACK_MOVEMENT_AFTER.match(draft.text, p.end)]
        # "the lateral aspect of the thigh up to the knee": the extent bounds the place before it
        places = [
            p
            for p in places
            if not (
                _EXTENT.match(p.text)
                and any(
                    0 <= p.start - q.end <= 3
                    and not _EXTENT.match(q.text)
                    and set(regions_of(q, draft.knowledge.anatomy))
                    & set(regions_of(p, draft.knowledge.anatomy))
                    for q in places
                )
            )
        ]
        # "from the feet up to the knees": an extent reached from below the knee is not the thigh
        places = [
            p
            for p in places
            if not (_EXTENT.match(p.text) and any(_below_knee(draft.knowledge, q, p) for q in places))
        ]
        symptoms = [m for m in draft.in_sentence(sentence, ("symptom",))]
        listed_legs = _listed_legs(draft, sentence, places) if symptoms else []
        places = sorted([*places, *listed_legs], key=lambda p: p.start)
        about_reflexes = bool(_REFLEX_WORDS.search(draft.text, *sentence))
        sensory = _sensory_cues(draft, c.sensory, sentence)
        pain_places: list[tuple[Mention, Mention]] = []
        sensory_places: list[Mention] = []
        for place in places:
            if _SELF_PAIN.search(place.text):  # "LBP", "back pain": the place names the symptom
                pain_places.append((place, _as_symptom(place)))
                continue
            nearest_symptom = _nearest(
                place,
                [
                    None if _brought_in(draft, place, s, symptoms, places) else (s.start, s.end)
                    for s in symptoms
                ],
            ) or _nearest(place, [(s.start, s.end) for s in symptoms])
            nearest_sensory = _nearest(place, sensory)
            if nearest_sensory is not None and about_reflexes and any(_overlaps(r, place) for r in reflexes):
                nearest_sensory = None  # "2+ at the knees and ankles without sensory loss"
            if nearest_sensory is not None and _said_of_something_else(draft, sentence, place, sensory):
                nearest_sensory = None
            if nearest_sensory is not None and _EXTENT.match(place.text):
                continue  # "sensory loss up to the knees": a stocking's upper edge, not the thigh
            if nearest_sensory is not None and (
                nearest_symptom is None
                or nearest_sensory[0] <= nearest_symptom[0]
                or _coordinated(draft.text, sensory, symptoms[nearest_symptom[1]])
            ):
                if any(place is leg for leg in listed_legs):
                    continue  # sensation in "the leg" is read elsewhere (sensory_deficit_leg)
                sensory_places.append(place)
                if nearest_symptom is not None and nearest_sensory[0] > nearest_symptom[0]:
                    # "reduced sensation and paraesthesia over the outer leg": both
                    pain_places += [(place, m) for m in _qualified(draft, symptoms, nearest_symptom[1])]
            elif nearest_symptom is not None:
                pain_places += [(place, m) for m in _carried(draft, symptoms, nearest_symptom[1])]
                pain_places += [(place, s) for s in symptoms if _trailing(draft, place, s, symptoms, places)]
        if pain_places:
            _pain(draft, sentence, pain_places)
        if sensory_places:
            _sensation(draft, sentence, sensory_places)
            _sided_normal_clauses(draft, sentence, sensory, sensory_places)
        elif sensory and not pain_places:
            _global_sensation(draft, sentence, sensory)
    _back_only(draft)
    _pain_is_finding(draft)


def _sensory_cues(draft: Draft, cue: re.Pattern[str], sentence: tuple[int, int]) -> list[tuple[int, int]]:
    """Where the sentence speaks of sensation (its cue words), outside nerve conduction studies."""
    sensory = [(m.start(), m.end()) for m in cue.finditer(draft.text, *sentence)]
    # "normal sural sensory responses": nerve conduction, not the bedside examination
    studies = [(m.start(), m.end()) for m in _SENSORY_CONDUCTION.finditer(draft.text, *sentence)]
    # "a tingling sensation in the left foot", "a burning sensation over the outer thigh": the word
    # names the symptom before it, not an examination of sensation ("pain sensation" is pinprick)
    named = [m.end for m in draft.in_sentence(sentence, ("symptom",)) if not _EXAMINED_PAIN.fullmatch(m.text)]
    return [
        (a, b)
        for a, b in sensory
        if not any(a < e and s < b for s, e in studies)
        and not any(end <= a and not draft.text[end:a].strip() for end in named)
    ]


# "pain sensation", "pain and temperature sensation": the examination of pinprick, not a pain
_EXAMINED_PAIN = re.compile(r"pains?", re.IGNORECASE)


def _pain_is_finding(draft: Draft) -> None:
    """A pain marked on a region of body.yaml pain_is_finding is its finding, unless the note gives it."""
    given = {fid for fid, _, _ in draft.findings}
    for rule in load_rules().body.pain_is_finding:
        regions = set(rule.regions)
        if rule.finding in given:
            continue
        if any(mark.region in regions and mark.kind == SymptomKind.PAIN for mark in draft.pain):
            draft.findings.append((rule.finding, "present", None))


@functools.cache
def _back_only_words() -> re.Pattern[str]:
    return compiler().words(load_rules().body.back_only.regex)


def _back_only(draft: Draft) -> None:
    """The leg is free of pain when the note keeps the pain in the back ("non-radiating lumbar pain").

    Only when the sentence saying so names the back, the note marks no other place for any symptom
    and reads none of body.yaml back_only ``leg_pain`` present; its ``absent`` findings are then
    absent. A note that says nothing of the leg leaves them unknown.
    """
    rule = load_rules().body.back_only
    back = set(rule.regions)
    if any(mark.region not in back for mark in draft.pain):
        return
    if any(
        status == "present" and fid in {*rule.absent, *rule.leg_pain} for fid, status, _ in draft.findings
    ):
        return
    anatomy = draft.knowledge.anatomy
    for match in _back_only_words().finditer(draft.text):
        sentence = draft.sentence_of(match.start())
        places = draft.in_sentence(sentence, ("region",))
        if not any(back >= set(regions_of(p, anatomy) or ("?",)) for p in places):
            continue
        draft.add_item("finding", "pain in the leg", match.start(), match.end(), status="absent")
        for finding in rule.absent:
            draft.findings.append((finding, "absent", None))
        return


# "the right buttock, pelvis and right leg", "the left buttock and leg": the whole leg as a later
# member of a list of places that shares one symptom (body.yaml reads "leg" alone only right after
# "pain in the left/right" or before "pain"); a list member need not be a place we know ("pelvis")
_LIST_SEP = r"\s*(?:,\s*(?:and|or)\b|,|\band\b|\bor\b|&)\s*(?:the\s+|his\s+|her\s+)?(?:(?:left|right)\s+)?"
_LISTED_LEG_GAP = re.compile(
    rf"(?:{_LIST_SEP}(?:(?!and\b|or\b)[a-z]+(?=\s*(?:,|and\b|or\b|&)))?)*{_LIST_SEP}(?:lower\s+)?",
    re.IGNORECASE,
)
_LEG_WORD = re.compile(r"\blegs?\b", re.IGNORECASE)


def _listed_legs(draft: Draft, sentence: tuple[int, int], places: list[Mention]) -> list[Mention]:
    """A "leg" joined by a list to a named place before it: the whole leg, with that place's
    ConText flags ("no pain in the buttock or leg")."""
    if not draft.knowledge.anatomy.whole_parts:
        return []  # a knowledge base naming no whole part of the leg: "leg" alone is no place
    leg = max(draft.knowledge.anatomy.whole_parts, key=len)
    named = draft.in_sentence(sentence, ("region", "dermatome"))
    out: list[Mention] = []
    for match in _LEG_WORD.finditer(draft.text, *sentence):
        if any(m.start < match.end() and match.start() < m.end for m in named):
            continue  # already a place ("lower leg", "right leg pain")
        before = [p for p in places if p.end <= match.start() and match.start() - p.end <= 40]
        for place in reversed(before):
            if _LISTED_LEG_GAP.fullmatch(draft.text, place.end, match.start()):
                regions = tuple(sorted(leg))
                mention = Mention(
                    "region", "leg", match.start(), match.end(), match.group(), regions=regions,
                    flags=set(place.flags),
                )  # fmt: skip
                out.append(mention)
                break
    return out


def _sided_normal_clauses(
    draft: Draft, sentence: tuple[int, int], sensory: list[tuple[int, int]], places: list[Mention]
) -> None:
    """'reduced over the back of the right thigh ..., with normal sensation on the left': a
    clause with a sensory word, a normal status and a side of its own but no place is that
    whole leg (each named place keeps its own status)."""
    done: set[tuple[int, int]] = set()
    for start, _ in sensory:
        clause = _clause(draft.text, sentence, start)
        if clause in done or any(clause[0] <= p.start < clause[1] for p in places):
            continue
        done.add(clause)
        if _nearest_status(draft, clause, start) != "normal":
            continue
        named = {c.side for c in side_cues(draft.text, *clause)}
        if len(named) != 1 or named == {"bilateral"}:
            continue
        side = next(iter(named))
        draft.add_item("sensation", f"all leg regions {side} normal", start, clause[1])
        for region in draft.knowledge.anatomy.leg_regions:
            draft.sensation.append((SensationTest(region=region, side=side, status="normal"), False))


def _coordinated(text: str, sensory: list[tuple[int, int]], symptom: Mention) -> bool:
    """A sensory-examination word joined to the symptom word ("reduced sensation and paraesthesia")."""
    return any(re.fullmatch(r"\s*(?:and|or|/|,)\s*", text[end : symptom.start]) for _, end in sensory)


_REFLEX_WORDS = re.compile(r"reflex|jerks?\b|\bDTRs?\b|\bMSRs?\b", re.IGNORECASE)
_SELF_PAIN = re.compile(r"pain|ache|LBP|lumbago", re.IGNORECASE)
_NOT_TOUCH = re.compile(r"vibrat|propriocept|position\s+sense|joint\s+position", re.IGNORECASE)
_TOUCH = re.compile(
    r"light\s+touch|pin|sharp|sensation\s+(?:is\s+|was\s+)?(?:decreas|diminish|reduc|absent)", re.I
)


def _as_symptom(place: Mention) -> Mention:
    return Mention("symptom", "pain", place.start, place.end, place.text, flags=set(place.flags))


def _own_side(draft: Draft, place: Mention) -> SideOrBoth | None:
    cues = side_cues(draft.text, max(0, place.start - 14), place.end)
    return combine([c.side for c in cues]) if cues else None


def _qualified(draft: Draft, symptoms: list[Mention], index: int) -> list[Mention]:
    """'tingling pain': a tingling or numbness word qualifying 'pain' wins; 'pain and paraesthesia',
    'numb and painful', 'a numb, burning patch': two symptoms joined by 'and' or a comma are both
    felt there."""
    symptom = symptoms[index]
    for other in (index - 1, index + 1):
        if not 0 <= other < len(symptoms) or symptoms[other].key == symptom.key:
            continue
        if _names_own_place(draft, symptoms[other]):
            continue  # "back pain and numbness in the left foot": the pain is the back's, not the foot's
        first, second = sorted((symptoms[other], symptom), key=lambda m: m.start)
        gap = draft.text[first.end : second.start]
        if _JOINED.fullmatch(gap):
            return [first, second]
        if re.fullmatch(r"\s*,\s*", gap) and _ADJECTIVE.fullmatch(draft.text[first.start : first.end]):
            return [first, second]  # "a numb, burning patch": two adjectives of one place
        if other == index - 1 and symptom.key == "pain" and re.fullmatch(r"\s*", gap):
            return [symptoms[other]]  # "tingling pain", "burning numb pain": the quality wins
    return [symptom]


# Two symptoms joined by "and" or "or", the second with its article and the first with the noun it
# qualifies: "numbness and a burning feeling over the outer thigh", "a burning sensation and numbness
# in the foot" are both felt at the place, as "numbness and burning" is.
_JOINED = re.compile(
    r"(?:\s+(?:feeling|sensation)s?)?\s*(?:,\s*)?(?:and|or)\s+(?:(?:an?|some)\s+)?", re.IGNORECASE
)


def _names_own_place(draft: Draft, symptom: Mention) -> bool:
    """The symptom word is part of a place that names its own pain ("back pain", "LBP"): it stays there."""
    sentence = draft.sentence_of(symptom.start)
    return any(
        _overlaps(place, symptom) and _SELF_PAIN.search(place.text)
        for place in draft.in_sentence(sentence, ("region",))
    )


# A symptom written as an adjective: joined to the next symptom by a comma it qualifies the same
# place ("a numb, burning patch"); a noun before a comma is an item of a list ("back pain, numbness
# in the foot": the pain is in the back).
_ADJECTIVE = re.compile(r"numb|painful|burning|tingling|aching|sore|prickling|tender|cramping", re.IGNORECASE)


# A spreading word ("spreading to", "radiating into", "extends down to") says where a symptom goes,
# not which symptom it is: "paraesthesia in the groin spreading to the outer thigh" is paraesthesia
# there too. "shooting" and "electric" name a quality of pain and stay pain.
_SPREAD = re.compile(r"^(?:radiat|spread|extend|travel|goes|going|runs|running)", re.IGNORECASE)
_NEW_CLAUSE = re.compile(r"[.;]|\b(?:but|while|whereas|although)\b", re.IGNORECASE)


def _carried(draft: Draft, symptoms: list[Mention], index: int) -> list[Mention]:
    """The symptom(s) at a place: a spreading word carries the symptom named before it in its clause
    ("pain and paraesthesia in the groin spreading to the thigh"); otherwise :func:`_qualified`."""
    symptom = symptoms[index]
    if symptom.key == "pain" and _SPREAD.match(symptom.text):
        for before in range(index - 1, -1, -1):
            earlier = symptoms[before]
            if _NEW_CLAUSE.search(draft.text, earlier.end, symptom.start):
                break
            if not _SPREAD.match(earlier.text):
                return [_moved(m, symptom) for m in _qualified(draft, symptoms, before)]
    return _qualified(draft, symptoms, index)


def _moved(carried: Mention, spread: Mention) -> Mention:
    """The carried symptom's kind at the spreading word's position and flags (its own negation or
    hypothetical context applies to the place it reaches)."""
    return Mention("symptom", carried.key, spread.start, spread.end, spread.text, flags=set(spread.flags))


# "pain down the back of the thigh to the calf, with numbness extending to the big toe", "pain
# radiating to the right calf and numbness of the big toe", "pain in the buttock and thigh, and
# numbness in the foot": a symptom brought in by "with", "and" or a comma right after a place is a
# second symptom whose places follow it; the place before it is where the symptom named earlier in
# its clause goes. Not when another place comes between ("the calf and foot are numb") or no symptom
# comes before the place in its clause ("the calf, with numbness").
_BROUGHT_IN = re.compile(
    r"\s*(?:,\s*(?:and\s+)?(?:with\s+)?|(?:and\s+)?with\s+|and\s+)[^,.;]{0,25}$", re.IGNORECASE
)


def _brought_in(
    draft: Draft, place: Mention, symptom: Mention, symptoms: list[Mention], places: list[Mention]
) -> bool:
    """A symptom after ``place`` introduced by "with", "and" or a comma (not the symptom felt at
    that place), when a symptom named before the place in its clause can have it."""
    if symptom.start < place.end or not _BROUGHT_IN.match(draft.text, place.end, symptom.start):
        return False
    if any(place.end <= other.start < symptom.start for other in places if other is not place):
        return False
    return any(
        earlier.end <= place.start and not _NEW_CLAUSE.search(draft.text, earlier.end, place.start)
        for earlier in symptoms
    )


# "pain in the left calf and tingling", "pain in the calf, and numbness": a symptom brought in after the
# last place of its sentence with no place of its own is felt at that place too (reviewer s10: the calf
# tingling was lost); "and tingling of the hands" names a place of its own, even one we do not map
_OWN_PLACE_AFTER = re.compile(
    r"\s*(?:\w+\s+){0,2}?(?:in|of|over|on|down|into|to|around|at|along|across)\b", re.IGNORECASE
)


def _trailing(
    draft: Draft, place: Mention, symptom: Mention, symptoms: list[Mention], places: list[Mention]
) -> bool:
    """A symptom brought in after ``place`` (:func:`_brought_in`) that no later place or place word
    follows: it shares the place."""
    if not _brought_in(draft, place, symptom, symptoms, places):
        return False
    if any(other.start >= symptom.end for other in places):
        return False
    return not _OWN_PLACE_AFTER.match(draft.text, symptom.end)


def _nearest(place: Mention, spans: Sequence[tuple[int, int] | None]) -> tuple[int, int] | None:
    """(distance, index) of the span nearest the mention, or None (a None span is passed over)."""
    best: tuple[int, int] | None = None
    for i, span in enumerate(spans):
        if span is None:
            continue
        start, end = span
        distance = max(start - place.end, place.start - end, 0)
        if best is None or distance < best[0]:
            best = (distance, i)
    return best


def _below_knee(knowledge: TextKnowledge, place: Mention, extent: Mention) -> bool:
    """A place named before ``extent`` that lies below the knee (a whole leg does not count)."""
    regions = set(regions_of(place, knowledge.anatomy))
    return (
        place.end <= extent.start
        and bool(regions & knowledge.below_knee_regions)
        and not regions & set(regions_of(extent, knowledge.anatomy))
    )


_BACK_MOVEMENT_AFTER = re.compile(
    r"\s+(?:spine\s+)?(?:extension|flexion|rotation|side[\s-]*bending|lateral\s+bending|range\s+of\s+motion|"
    r"movements?|mobility|x[\s-]?rays?|radiographs?|MRI|CT|imaging|films?)\b",
    re.IGNORECASE,
)
_POSTURE_AFTER = re.compile(
    r"\s+(?:(?:is|was|are|were|being|held|kept)\s+)?(?:extended|flexed|bent|straight(?:ened)?|in\s+extension|"
    r"in\s+flexion)\b",
    re.IGNORECASE,
)
# "down to the knee", "as far as the knee": how far a pain reaches (body.yaml reads it as the thigh)
_EXTENT = re.compile(r"^(?:up\s+to|down\s+to|as\s+far\s+as|(?:just\s+)?above|to)\b", re.IGNORECASE)


def _pain(draft: Draft, sentence: tuple[int, int], pairs: list[tuple[Mention, Mention]]) -> None:
    if draft.knowledge.anatomy.whole_parts and any(_EXTENT.match(place.text) for place, _ in pairs):
        # "the left leg pain radiates only as far as the knee": the extent says where in the leg
        leg = max(draft.knowledge.anatomy.whole_parts, key=len)
        pairs = [(p, s) for p, s in pairs if frozenset(regions_of(p, draft.knowledge.anatomy)) != leg]
    spans = [(p.start, p.end) for p, _ in pairs]
    sides = assign_sides(draft.text, sentence, spans, default=draft.side)
    midline = draft.knowledge.anatomy.midline
    for (place, symptom), side in zip(pairs, sides, strict=True):
        if set(regions_of(place, draft.knowledge.anatomy)) <= {"lower_back"}:
            side = _own_side(draft, place)  # the back is sided only when its words say so
        flags = set(place.flags) | set(symptom.flags)
        status = assertion(flags)
        kind = SymptomKind(symptom.key)
        named_regions = frozenset(regions_of(place, draft.knowledge.anatomy))
        whole_part = named_regions in draft.knowledge.anatomy.whole_parts
        for region in regions_of(place, draft.knowledge.anatomy):
            region_sides: list[Literal["left", "right"] | None] = (
                [None] if region in midline or side is None else list(expand(side))
            )
            for region_side in region_sides:
                value = f"{region} {region_side or 'side not stated'} {kind.value}"
                draft.add_item("pain", value, place.start, place.end, flags, status)
                if status == "present":
                    mark = PainMark(region=region, side=region_side, kind=kind)
                    draft.pain.append(mark)
                    if whole_part:
                        draft.pain_parts.setdefault(mark, named_regions)
                    else:
                        draft.pain_aspects.add(mark)


def _status_near(draft: Draft, sentence: tuple[int, int], position: int) -> SensoryStatus | None:
    """The status word nearest the position, in its own clause first ("decreased distally in
    the left foot, otherwise intact")."""
    clause = _clause(draft.text, sentence, position)
    if _NOT_TOUCH.search(draft.text, *clause) and not _TOUCH.search(draft.text, *clause):
        return _nearest_status(draft, sentence, position)  # the clause grades vibration, not touch
    own = _nearest_status(draft, clause, position)
    return own if own is not None else _nearest_status(draft, sentence, position)


def _nearest_status(draft: Draft, sentence: tuple[int, int], position: int) -> SensoryStatus | None:
    best: tuple[int, SensoryStatus] | None = None
    for status, pattern in cues().status:
        for match in pattern.finditer(draft.text, *sentence):
            distance = abs(match.start() - position)
            if best is None or distance < best[0]:
                best = (distance, status)
    return None if best is None else best[1]


def _sensation(draft: Draft, sentence: tuple[int, int], places: list[Mention]) -> None:
    text = draft.text[sentence[0] : sentence[1]]
    if _NOT_TOUCH.search(text) and not _TOUCH.search(text):
        return  # vibration and position sense are not the light-touch / pin-prick map
    sides = assign_sides(draft.text, sentence, [(p.start, p.end) for p in places], default=draft.side)
    for i, place in enumerate(places):
        # "normal on the right, reduced over the dorsum of the left foot": a place whose own words
        # name its side is on that side only (a side word of another clause is not also its)
        inside = side_cues(draft.text, place.start, place.end)
        if inside:
            sides[i] = combine([c.side for c in inside])
    midline = draft.knowledge.anatomy.midline
    statuses = _list_statuses(draft, sentence, places)
    for i in range(1, len(places)):
        if _LIST_GAP.fullmatch(draft.text[places[i - 1].end : places[i].start]) and not side_cues(
            draft.text, places[i].start, places[i].end
        ):
            sides[i] = sides[i - 1]  # "the back of the right thigh, calf and outer foot"
    for place, side, status in zip(places, sides, statuses, strict=True):
        flags = set(place.flags)
        if status is None:
            continue
        if "negated" in flags and re.search(r"\bden(?:y|ies|ied)\b", text, re.IGNORECASE):
            continue  # "denies saddle hypoaesthesia" is a symptom, not an examination
        if "negated" in flags and status == "absent" and _negation_is_the_status(draft, sentence, place):
            flags = flags - {"negated"}  # "no sensation in the left foot": absent, not denied
        elif "negated" in flags and status in ("reduced", "absent"):
            status, flags = "normal", flags - {"negated"}
        asserted = assertion(flags)
        for region in regions_of(place, draft.knowledge.anatomy, draft.text):
            if region in midline:
                region_sides: list[Literal["left", "right"] | None] = [None]
            elif side is None:
                # the engine places an unsided finding in either side's territory
                region_sides = [None]
            else:
                region_sides = list(expand(side))
            for region_side in region_sides:
                value = f"{region} {region_side or ''} {status}".replace("  ", " ")
                draft.add_item("sensation", value, place.start, place.end, flags, asserted)
                if asserted == "present":
                    test = SensationTest(region=region, side=region_side, status=status)
                    draft.sensation.append((test, True))


_LIST_GAP = re.compile(r"\s*(?:,|and|or|,\s*and)\s*(?:the\s+|his\s+|her\s+)?", re.IGNORECASE)
_NO = re.compile(r"no\b", re.IGNORECASE)


def _negation_is_the_status(draft: Draft, sentence: tuple[int, int], place: Mention) -> bool:
    """The absent status of the place's clause is written with the negation itself ("no sensation in the
    left foot", "no pulses or sensation in the left foot", body.yaml sensory_status absent): the "no" that
    negates the place grades its sensation as absent instead of denying a loss ("no sensory loss")."""
    clause = _clause(draft.text, sentence, place.start)
    absent = dict(cues().status).get("absent")
    if absent is None:
        return False
    return any(
        _NO.match(match.group(0)) and match.start() < place.start
        for match in absent.finditer(draft.text, *clause)
    )


def _list_statuses(
    draft: Draft, sentence: tuple[int, int], places: list[Mention]
) -> list[SensoryStatus | None]:
    """Each place's status; a list of places ("over the back of the thigh, calf and outer foot")
    shares the status of its first place."""
    out: list[SensoryStatus | None] = []
    for i, place in enumerate(places):
        if i and _LIST_GAP.fullmatch(draft.text[places[i - 1].end : place.start]):
            out.append(out[-1])
        else:
            out.append(_status_near(draft, sentence, place.start))
    return out


# a sensory deficit stated for the leg without a region ("dermatomal hypoaesthesia on the right leg");
# a distal, stocking or two-sided loss is the polyneuropathy pattern instead (findings.yaml)
_LEG_WORDS = re.compile(r"\bleg|\blower\s+(?:limb|extremit)|\blimb|dermatom", re.IGNORECASE)
_COMPARED = re.compile(r"compar\w*|\bthan\b|relative\s+to|versus\s+(?:the\s+)?(?:left|right)", re.IGNORECASE)
# a sensory nerve conduction study (SNAP), not a bedside sensory examination
_SENSORY_CONDUCTION = re.compile(
    r"\bSNAPs?\b|(?:sensory\s+)?nerve\s+action\s+potentials?"
    r"|sensory\s+(?:nerve\s+)?(?:responses?|potentials?|conductions?|latenc\w+|studies|amplitudes?)",
    re.IGNORECASE,
)
_DERMATOMAL = re.compile(
    r"\bdermatomal(?:ly)?\b|\bin\s+a\s+(?:root|radicular)\s+(?:pattern|distribution)", re.IGNORECASE
)
_CORD_LEVEL = re.compile(r"\b[TC](?:[1-9]|1[0-2])\b")  # "below the T4 dermatome": a cord level
_SYMMETRIC = re.compile(
    r"distal|stocking|glove|bilateral|both\s+(?:legs|sides|lower|feet|limbs)|extremities|limbs|\blegs|feet",
    re.IGNORECASE,
)


def _first_side_after(draft: Draft, position: int, sentence: tuple[int, int]) -> SideOrBoth | None:
    """'decreased sensation to pinprick, dull versus sharp over the right lower extremity
    compared to that of the left': the first side named after the sensory words."""
    after = [c for c in side_cues(draft.text, position, sentence[1])]
    return after[0].side if after else None


def _clause_side(draft: Draft, clause: tuple[int, int]) -> SideOrBoth | None:
    """The side a clause names: left or right wins over a loose "both" ("both motor and
    sensory deficits in the left leg"); none named, the note's side."""
    named = {c.side for c in side_cues(draft.text, *clause)}
    if "left" in named and "right" in named:
        return "bilateral"
    for side in SIDES_OR_BOTH:
        if side in named:
            return side
    return None


def _global_sensation(draft: Draft, sentence: tuple[int, int], sensory: list[tuple[int, int]]) -> None:
    """'Sensation intact throughout' / 'no sensory deficit in the lower extremities'; a deficit
    in the leg with no region named is the finding sensory_deficit_leg."""
    c = cues()
    text = draft.text[sentence[0] : sentence[1]]
    upper_only = bool(c.upper.search(text)) and not re.search(r"lower|leg|BLE|feet|foot", text, re.IGNORECASE)
    if upper_only:
        return
    status = _status_near(draft, sentence, sensory[0][0])
    start, end = sensory[0]
    if status in ("reduced", "absent"):
        clause = _clause(draft.text, sentence, start)
        if not _LEG_WORDS.search(draft.text, *clause) and not _LEG_WORDS.search(text):
            return
        own_side = bool(side_cues(draft.text, *clause))
        if _SYMMETRIC.search(draft.text, *clause) or (_SYMMETRIC.search(text) and not own_side):
            return
        if _CORD_LEVEL.search(text):
            return
        if _NOT_TOUCH.search(draft.text, *clause) and not _TOUCH.search(draft.text, *clause):
            return  # vibration or position sense
        if _COMPARED.search(draft.text, *clause):  # "over the right ... compared to the left"
            side = _first_side_after(draft, start, sentence)
        else:
            side = _clause_side(draft, clause) or _first_side_after(draft, start, sentence)
        value = "sensory_deficit_leg" + (f" {side}" if side else "")
        draft.add_item("finding", value, start, end, set(), "present")
        draft.findings.append(("sensory_deficit_leg", "present", side))
        if _DERMATOMAL.search(draft.text, *clause) or _DERMATOMAL.search(text):
            # the examiner calls the loss a root's pattern without naming the root
            draft.add_item(
                "finding", value.replace("sensory_deficit_leg", "dermatomal_sensory_loss"), start, end
            )
            draft.findings.append(("dermatomal_sensory_loss", "present", side))
        return
    if not c.global_.search(text) and not re.search(
        r"\b(?:no|without)\b.*\b(?:deficit|sensory\s+loss)", text, re.IGNORECASE
    ):
        return
    if status != "normal":
        return
    own = assign_sides(draft.text, sentence, [(start, end)], explicit=True)[0]
    sides: list[Literal["left", "right"]] = list(expand(own)) if own else ["left", "right"]
    draft.add_item("sensation", f"all leg regions {' and '.join(sides)} normal", start, end)
    for region in draft.knowledge.anatomy.leg_regions:
        for side in sides:
            test = SensationTest(region=region, side=side, status="normal")
            draft.sensation.append((test, False))
