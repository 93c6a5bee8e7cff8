"""Imaging statements -> compressive lesions with a lumbar level, zone and side.

"MRI showed a left paracentral L4-5 disc herniation" -> disc-herniation L4-L5 paracentral left.
A lesion word takes the disc levels nearest it in its sentence; a lesion at a cervical or
thoracic level is not lumbar and is skipped; a lesion without a level becomes the finding
``imaging_*`` instead.
"""

from __future__ import annotations

import re
from typing import Final, cast

from nervemap.engine.case import DiscLevel, ImagingFinding, ImagingKind
from nervemap.engine.encode import IMAGING_FINDING
from nervemap.knowledge.models import HerniationZone
from nervemap.nlp.draft import Draft, assertion
from nervemap.nlp.matching import Mention
from nervemap.nlp.sides import SideOrBoth, assign_sides

LesionKind = ImagingKind
FINDING = IMAGING_FINDING  # the finding a lesion without a level becomes (engine.encode)
_LEVEL = re.compile(
    r"\b(?P<a>[CTLS])(?P<an>\d{1,2})\s*(?:[-–/]|\s+to\s+|\s+on\s+)\s*(?P<b>[CTLS])?(?P<bn>\d{1,2})\b"
    r"|\b(?P<single>L[1-5])(?=\s+(?:anterior\s+|posterior\s+)?(?:spondylol|anterolisthesis|retrolisthesis))"
    # "the left L4 neural foramen", "an L4 foraminal disc": the foramen under that vertebra (L4-L5),
    # where its own root exits
    r"|\b(?P<foramen>L[1-5])(?=\s+(?:neural\s+|neuro)?foram(?:in|en))"
)
_ZONES: tuple[tuple[HerniationZone, re.Pattern[str]], ...] = (
    (HerniationZone.FAR_LATERAL, re.compile(r"far[\s-]*lateral|extraforaminal|extra-foraminal", re.I)),
    # "foramen" as well as "foraminal", "foramina" ("narrowing the left L4-5 neural foramen")
    (HerniationZone.FORAMINAL, re.compile(r"(?:neuro|neural\s+|intra)?foram(?:in|en)\w*", re.I)),
    # the lateral recess is the subarticular zone, where the traversing root runs (anatomy/discs.yaml)
    (
        HerniationZone.PARACENTRAL,
        re.compile(r"para[\s-]*central|posterolateral|subarticular|lateral\s+recess", re.I),
    ),
    (HerniationZone.CENTRAL, re.compile(r"\bcentral|\bcanal\b|broad[\s-]*based|diffuse", re.I)),
)
_VASCULAR = re.compile(
    r"arter\w*|carotid|valv\w*|aort\w*|stent|vessel|vascular|renal|coronary|pyloric|mitral|"
    r"tracheal|bronch\w*|urethral|ureter\w*|biliary",
    re.IGNORECASE,
)
# another spinal region: a lesion takes it from the words just before it ("cervical stenosis at
# C4-C5 ... and stenosis at L3-L4": the cervical stenosis is skipped, the lumbar one read)
_OTHER_REGION = re.compile(r"\b(?:cervical|thoracic|C[1-7]|T(?:1[0-2]|[1-9]))\b", re.IGNORECASE)
_OTHER_REGION_BEFORE = re.compile(r"\b(?:cervical|thoracic)\b[\w\s-]{0,30}$", re.IGNORECASE)
_LUMBAR_WORDS = re.compile(r"\b(?:lumbar|lumbosacral|L[1-5]|S1)\b", re.IGNORECASE)
_IMAGING_CONTEXT = re.compile(
    r"\b(?:MRI|MR|CT|scan|imaging|myelogra\w*|radiolog\w*|herniat\w*|protru\w*|extru\w*|"
    r"sequest\w*|stenos\w*|cyst\w*|osteophyt\w*|disc|disk|foramin\w*|recess)\b",
    re.IGNORECASE,
)
_LUMBAR = {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"}
# "displacing the traversing left L5 nerve root", "contacts the exiting right L4 root": a report
# that names the compressed root. A traversing root is pressed in the recess of the disc above it,
# an exiting root in the foramen of its own level (anatomy/discs.yaml).
_ROOT_NAMED = re.compile(
    # the noun first ("compression of the left L5 nerve root", "impingement upon the right S1 root")
    r"\b(?:compression|impingement|displacement|entrapment|effacement|encroachment|contact|compromise)\s+"
    r"(?:of|on|upon)\s+|"
    # a myelogram's sign of a compressed root: its sleeve does not fill ("amputation of the right S1 root
    # sleeve", "cut-off of the left L5 root sleeve", "non-filling of the L5 nerve root sleeve")
    r"\b(?:amputation|cut[\s-]*off|non[\s-]*filling|truncation)\s+of\s+|"
    r"\b(?:compress\w*|displac\w*|contact\w*|abut\w*|imping\w*|effac\w*|deform\w*|touch\w*|"
    r"encroach\w*|press\w*|entrap\w*)\s+(?:up)?on\s+|"
    r"\b(?:compress\w*|displac\w*|contact\w*|abut\w*|imping\w*|effac\w*|deform\w*|touch\w*|"
    r"encroach\w*|press\w*|entrap\w*|affect\w*)\s+",
    re.IGNORECASE,
)
# "left L5 nerve root compression", "L5 nerve root impingement on the left", "the L5 root is compressed":
# the root named before the noun or passive verb of its compression (issue 14 Build 4, L s14)
_ROOT_THEN_NOUN = re.compile(
    r"\b(?:(?P<side1>left|right|bilateral)\s+)?(?:(?P<course>traversing|descending|exiting)\s+)?"
    r"(?:(?P<side2>left|right|bilateral)\s+)?(?P<root>L[1-5]|S1)\s+(?:nerve\s+)?roots?\s+(?:sleeves?\s+)?"
    r"(?:compression|impingement|displacement|entrapment|effacement|encroachment|compromise|amputation|cut[\s-]*off|"
    # the passive: "the right L5 nerve root is compressed in the foramen", "is severely impinged", "the
    # left S1 root sleeve is amputated" (myelogram)
    r"(?:is|are|was|were|appears?|looks?)\s+(?!not\b|no\b)(?:\w+\s+)?"
    r"(?:compressed|impinged|displaced|entrapped|effaced|contacted|abutted|deformed|amputated|cut\s+off)\b)\b",
    re.IGNORECASE,
)
# a root compressed "by an L4-5 disc": a disc herniation, though no herniation word is used
_DISC_WORD = re.compile(r"\bdis[ck]s?\b", re.IGNORECASE)
# "Posterior disc osteophyte complex extending into the left lateral recess. This will affect the S1 nerve
# root on the left.": a report's sentence that names the root and points back to the lesion of the sentence
# before it takes that sentence's imaging context
_POINTS_BACK = re.compile(r"\s*(?:this|it|these|they|which)\b", re.IGNORECASE)
_FORAMINAL_WORDS = re.compile(r"foramin\w*|far[\s-]*lateral|extra[\s-]*foramin\w*", re.IGNORECASE)
_SIDE_WORD = re.compile(r"\b(?:left|right)\b", re.IGNORECASE)
# "without compressing", "no ... displacing", "not contacting": a denied compression
_NEGATED_BEFORE = re.compile(r"\b(?:no|not|without|nor|never|rather\s+than)\b[^.;]*$", re.IGNORECASE)
# "a central disc protrusion ... resulting in indentation of the anterior thecal sac": a central disc
# reaches the roots only when large (anatomy/discs.yaml: large central ones press several roots on both
# sides, the cauda equina; the traversing roots run in the lateral recesses, msd-radiculopathy-2024), so
# one the report says only indents, effaces or abuts the sac is a disc herniation at that level
# (imaging_disc_herniation), not a root compression - unless the sentence names a root, or calls it
# large or severe.
_SAC_ONLY = re.compile(
    r"\b(?:indent\w*|effac\w*|abut\w*|contact\w*|flatten\w*|impress\w*|deform\w*)\s+(?:\w+\s+){0,3}?"
    r"(?:thecal|dural)\s+sac\b|\b(?:thecal|dural)\s+sac\s+(?:indentation|effacement|deformity|impression)",
    re.IGNORECASE,
)
# a lesion the report itself calls non-compressive, or says presses no root ("mild non-compressive
# right foraminal narrowing", "a protrusion without nerve root compression"): a lesion at that level,
# not a compressed root
_NOT_COMPRESSING = re.compile(
    r"\bnon[\s-]*compressive\b|\b(?:without|no)\s+(?:\w+\s+){0,2}?(?:nerve\s+)?(?:root|neural)\s+"
    r"(?:compression|impingement|contact|compromise|displacement)",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r";|\bbut\b|\bwhereas\b|\bwhile\b", re.IGNORECASE)
_REACHES_ROOTS = re.compile(
    r"\broots?\b|cauda|\b(?:large|massive|huge|severe|sequest\w*|extru\w*)", re.IGNORECASE
)
_ROOT_TARGET = re.compile(
    r"(?:the\s+)?(?:(?P<side1>left|right|bilateral)\s+)?(?:(?P<course>traversing|descending|exiting)\s+)?"
    r"(?:(?P<side2>left|right|bilateral)\s+)?(?P<root>L[1-5]|S1)\s+(?:nerve\s+)?roots?\b",
    re.IGNORECASE,
)


def _levels(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    out = []
    for match in _LEVEL.finditer(text, start, end):
        single = match.group("single") or match.group("foramen")
        if single:
            n = int(single[1])
            level = f"L{n}-L{n + 1}" if n < 5 else "L5-S1"
        else:
            a, an = match.group("a"), int(match.group("an"))
            b = match.group("b") or a
            bn = int(match.group("bn"))
            if a == "L" and b in ("L", "S") and (bn == an + 1 or (b == "S" and bn == 1 and an == 5)):
                level = f"L{an}-{'S1' if b == 'S' or an == 5 else f'L{bn}'}"
            else:
                level = f"{a}{an}-{b}{bn}"  # not a lumbar disc level: kept to block the lesion
        out.append((match.start(), match.end(), level))
    return out


def _root_level(root: str, course: str | None) -> tuple[str, HerniationZone] | None:
    """Disc level and zone that press a named root: traversing -> the disc above, in the recess;
    exiting -> its own foramen."""
    order = ("L1", "L2", "L3", "L4", "L5", "S1")
    i = order.index(root.upper())
    if course and course.lower() == "exiting":
        if i + 1 >= len(order):
            return None
        upper, lower = order[i], order[i + 1]
        return f"{upper}-{lower}", HerniationZone.FORAMINAL
    if i == 0:
        return None
    upper, lower = order[i - 1], order[i]
    return f"{upper}-{lower}", HerniationZone.PARACENTRAL


def _named_roots(draft: Draft, sentence: tuple[int, int], kind: LesionKind | None) -> None:
    """Roots a report names as compressed, read as the lesion that presses them."""
    text = draft.text
    named: list[tuple[int, re.Match[str]]] = []
    for verb in _ROOT_NAMED.finditer(text, *sentence):
        target = _ROOT_TARGET.match(text, verb.end(), sentence[1])
        if target is not None:
            named.append((verb.start(), target))
    # "left L5 nerve root compression": the root before its noun, unless a verb before it named it
    named += [
        (m.start(), m)
        for m in _ROOT_THEN_NOUN.finditer(text, *sentence)
        if not any(start <= m.start("root") < t.end() for start, t in named)
    ]
    levels = {lv for _, _, lv in _levels(text, *sentence) if lv in _LUMBAR}
    if kind is None and _DISC_WORD.search(text, *sentence):
        kind = "disc-herniation"  # "compression by an L4-5 disc"
    for start, target in sorted(named, key=lambda n: n[0]):
        if _NEGATED_BEFORE.search(text[max(sentence[0], start - 40) : start]):
            continue
        course = target.group("course")
        if course is None and len(levels) == 1:
            # "the left L4 root in the L4-5 foramen": the root above a named disc level exits at it,
            # the root below traverses it (anatomy/discs.yaml)
            upper = next(iter(levels)).split("-")[0]
            course = "exiting" if target.group("root").upper() == upper else None
        elif course is None and _FORAMINAL_WORDS.search(text, sentence[0], target.end()):
            course = "exiting"  # "a foraminal disc effacing the L3 root": the root of that foramen
        found = _root_level(target.group("root"), course)
        if found is None:
            continue
        level, zone = found
        raw_side = (target.group("side1") or target.group("side2") or "").lower() or None
        if raw_side is None:
            # "a mass in the left L3 foramen displacing the nerve root": one side named in the sentence
            side_words = {m.group(0).lower() for m in _SIDE_WORD.finditer(text, *sentence)}
            raw_side = side_words.pop() if len(side_words) == 1 else None
        side = cast(SideOrBoth | None, raw_side)
        flags: set[str] = set()
        status = assertion(flags)
        lesion_kind: LesionKind = kind or "stenosis"
        value = " ".join(
            x for x in (lesion_kind, level, zone.value, side, f"({target.group('root').upper()} root)") if x
        )
        draft.add_item("imaging", value, start, target.end(), flags, status)
        draft.imaging.append(
            ImagingFinding(kind=lesion_kind, level=cast(DiscLevel, level), zone=zone, side=side)
        )


def read_imaging(draft: Draft) -> None:
    previous: tuple[int, int] | None = None
    for sentence in draft.note.sentences:
        if _IMAGING_CONTEXT.search(draft.text, *sentence):
            named = draft.in_sentence(sentence, ("lesion",))
            _named_roots(draft, sentence, cast(LesionKind, named[0].key) if named else None)
        elif (
            previous is not None
            and _POINTS_BACK.match(draft.text, sentence[0])
            and _IMAGING_CONTEXT.search(draft.text, *previous)
        ):
            named = draft.in_sentence(previous, ("lesion",))
            _named_roots(draft, sentence, cast(LesionKind, named[0].key) if named else None)
        previous = sentence
        lesions = draft.in_sentence(sentence, ("lesion",))
        if not lesions or _VASCULAR.search(draft.text, *sentence):
            continue  # arterial or valvular stenosis is not the spine
        other_region = bool(_OTHER_REGION.search(draft.text, *sentence))
        lumbar_named = bool(_LUMBAR_WORDS.search(draft.text, *sentence))
        levels = _levels(draft.text, *sentence)
        owned: dict[int, list[tuple[int, int, str]]] = {i: [] for i in range(len(lesions))}
        for level in levels:
            distances = [max(m.start - level[1], level[0] - m.end, 0) for m in lesions]
            nearest = min(range(len(lesions)), key=lambda i: distances[i])
            owned[nearest].append(level)
        # Two lesions in one sentence ("a right L4-5 paracentral herniation and a left L5-S1 foraminal
        # herniation"): each is the noun with its own levels, so a side word or zone word goes to the
        # lesion whose phrase it stands in or next to, not to the noun it happens to lie nearest.
        spans = [
            (min([m.start, *(lv[0] for lv in owned[i])]), max([m.end, *(lv[1] for lv in owned[i])]))
            if len(lesions) > 1
            else (m.start, m.end)
            for i, m in enumerate(lesions)
        ]
        spans = _phrases(draft.text, spans)
        sides = assign_sides(draft.text, sentence, spans)
        zones = _zones_by_lesion(draft.text, sentence, spans) if len(lesions) > 1 else None
        with_level = {lesions[i].key for i, found in owned.items() if found}
        for i, lesion in enumerate(lesions):
            if not owned[i] and lesion.key in with_level:
                continue  # "herniated disc protrusion at L5-S1": one lesion, two words
            if other_region and (
                _OTHER_REGION_BEFORE.search(draft.text, sentence[0], lesion.start)
                or (not owned[i] and not lumbar_named)
            ):
                continue  # a cervical or thoracic lesion
            _lesion(draft, sentence, lesion, owned[i], sides[i], zones[i] if zones else _UNSET)


def _zone(draft: Draft, sentence: tuple[int, int], lesion: Mention) -> HerniationZone | None:
    window = draft.text[max(sentence[0], lesion.start - 40) : min(sentence[1], lesion.end + 90)]
    return _first_zone(window)


def _first_zone(window: str) -> HerniationZone | None:
    for zone, pattern in _ZONES:
        if pattern.search(window):
            return zone
    return None


# Marks a lesion whose zone the sentence's other lesions did not decide (read as before: _zone).
_UNSET: Final[object] = object()
# Where one coordinate of a list ends: "L3-4 and a paracentral one at L4-5", "L4-5, L5-S1".
_COORDINATE = re.compile(r"\band\b|\bwith\b|[,;]", re.IGNORECASE)


def _phrases(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Lesions joined by "and", "with" or a comma: each phrase runs to the joining word, so the
    modifiers in front of the next noun ("... and a right subarticular extrusion") are that one's."""
    out = list(spans)
    for i in range(len(out) - 1):
        (start, end), (next_start, next_end) = out[i], out[i + 1]
        joins = list(_COORDINATE.finditer(text, end, next_start)) if end < next_start else []
        if joins:
            out[i] = (start, joins[-1].start())
            out[i + 1] = (joins[-1].end(), next_end)
    return out


def _zones_by_lesion(
    text: str, sentence: tuple[int, int], spans: list[tuple[int, int]]
) -> list[HerniationZone | object | None]:
    """Each lesion's zone when a sentence names several: every zone word goes to the lesion phrase
    it stands in or, outside them all, to the nearest one (a word just before a phrase modifies it:
    "paracentral herniation"); a lesion with no zone word, or several, keeps the lone-lesion reading."""
    words: list[set[HerniationZone]] = [set() for _ in spans]
    occupied: list[tuple[int, int]] = []
    for zone, pattern in _ZONES:  # in priority order: "extraforaminal" is far-lateral, not foraminal
        for match in pattern.finditer(text, *sentence):
            if any(start < match.end() and match.start() < end for start, end in occupied):
                continue
            occupied.append((match.start(), match.end()))
            distances = [
                0
                if start <= match.start() and match.end() <= end
                else start - match.end()
                if match.end() <= start
                else match.start() - end + 1
                for start, end in spans
            ]
            words[min(range(len(spans)), key=lambda i: distances[i])].add(zone)
    return [next(iter(own)) if len(own) == 1 else _UNSET for own in words]


def _level_zones(
    text: str,
    sentence: tuple[int, int],
    levels: list[tuple[int, int, str]],
    zone: HerniationZone | None,
) -> list[HerniationZone | None]:
    """One lesion at several levels ("a far-lateral disc herniation at L3-4 and a paracentral one at
    L4-5"): a level whose own item of the list (between "and", "with", commas) names a zone takes
    it; the others keep the lesion's zone ("L4-5 and L5-S1 foraminal herniations": both)."""
    if len(levels) < 2:
        return [zone] * len(levels)
    out: list[HerniationZone | None] = []
    for k, (start, end, _) in enumerate(levels):
        lower = levels[k - 1][1] if k else max(sentence[0], start - 40)
        upper = levels[k + 1][0] if k + 1 < len(levels) else min(sentence[1], end + 40)
        before = [m.end() for m in _COORDINATE.finditer(text, lower, start)]
        after = _COORDINATE.search(text, end, upper)
        # the item is bounded by a break on each side that has a neighbouring level
        if (k and not before) or (k + 1 < len(levels) and not after):
            out.append(zone)
            continue
        item = text[before[-1] if before else lower : after.start() if after else upper]
        out.append(_first_zone(item) or zone)
    return out


def _lesion(
    draft: Draft,
    sentence: tuple[int, int],
    lesion: Mention,
    levels: list[tuple[int, int, str]],
    side: SideOrBoth | None,
    own_zone: HerniationZone | object | None = _UNSET,
) -> None:
    kind = cast(LesionKind, lesion.key)
    flags = set(lesion.flags)
    status = assertion(flags)
    lumbar = [lv for lv in levels if lv[2] in _LUMBAR]
    if levels and not lumbar:
        return  # cervical or thoracic
    if not lumbar:
        draft.add_item("finding", FINDING[kind], lesion.start, lesion.end, flags, status)
        if status in ("present", "absent"):
            draft.findings.append((FINDING[kind], status, None))
        return
    zone: HerniationZone | None = None
    if kind in ("disc-herniation", "stenosis"):
        zone = _zone(draft, sentence, lesion) if own_zone is _UNSET else cast(HerniationZone | None, own_zone)
    # its own clause: the words before it and after it up to the next clause break (";", "but")
    after = _CLAUSE_END.search(draft.text, lesion.end, min(sentence[1], lesion.end + 60))
    window = (
        max(sentence[0], lesion.start - 40),
        after.start() if after else min(sentence[1], lesion.end + 60),
    )
    if _NOT_COMPRESSING.search(draft.text, *window):
        # the report says this lesion presses nothing: a lesion at some level, no root compressed
        draft.add_item("finding", FINDING[kind], lesion.start, lesion.end, flags, status)
        if status in ("present", "absent"):
            draft.findings.append((FINDING[kind], status, None))
        return
    if (
        kind == "disc-herniation"
        and zone == HerniationZone.CENTRAL
        and _SAC_ONLY.search(draft.text, *sentence)
        and not _REACHES_ROOTS.search(draft.text, *sentence)
    ):
        # a central disc that only indents the thecal sac: a disc herniation, no root pressed
        draft.add_item("finding", FINDING[kind], lesion.start, lesion.end, flags, status)
        if status in ("present", "absent"):
            draft.findings.append((FINDING[kind], status, None))
        return
    level_zones = (
        _level_zones(draft.text, sentence, lumbar, zone) if zone is not None else [None] * len(lumbar)
    )
    for (start, end, level), zone in zip(lumbar, level_zones, strict=True):
        span = (min(start, lesion.start), max(end, lesion.end))
        value = " ".join(x for x in (kind, level, zone.value if zone else None, side) if x)
        draft.add_item("imaging", value, span[0], span[1], flags, status)
        if status == "present":
            draft.imaging.append(
                ImagingFinding(kind=kind, level=cast(DiscLevel, level), zone=zone, side=side)
            )
