"""Which side a mention is on: side words ("left", "R", "bilaterally", "L>R", "BLE") are given
to the nearest mention in the same clause; a mention with none takes the sentence's only side."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from nervemap.knowledge.vocabulary import SideOrBoth as SideOrBoth
from nervemap.nlp.scan import has_folding_letters

# Clinicians' shorthand: a capital R or L before a body part, a test or a lesion word ("R anterior
# thigh", "L EHL", "R far-lateral"), or after a grade or a test result ("quads 4/5 R", "FNST
# positive L"). A level (L4, L3/4) has a digit and is never a side.
_SIDE_PARTS = (
    r"leg|side|foot|LE|thigh|knee|ankle|calf|buttock|hip|groin|heel|shin|sole|toes?|anterior|posterior|"
    r"lateral|medial|far[\s-]*lateral|paracentral|foraminal|subarticular|sided|great|big|EHL|quads?|"
    r"quadriceps|hamstrings?|gluteal|SLR|FNST|FST|knee\s+jerk|ankle\s+jerk|patellar|achilles|"
    r"hip\s+flexion|dorsiflexion|plantarflexion|DF|PF|TA|FHL|L[1-5]\b|S1\b"
)
_SIDE_AFTER = r"(?:(?<=\d/5\s)|(?<=positive\s)|(?<=negative\s)|(?<=reduced\s)|(?<=absent\s)|(?<=weak\s))"
_SIDE = re.compile(
    r"(?P<versus>\b(?:right|left)(?=\s+(?:versus|vs\.?|compared\s+(?:to|with))\s+(?:left|right)\b))"
    r"|(?P<against>(?:(?<=versus\s)|(?<=vs\.\s)|(?<=vs\s)|(?<=compared\sto\s)|(?<=compared\swith\s)"
    r"|(?<=compared\sto\sthe\s)|(?<=compared\swith\sthe\s)|(?<=relative\sto\s)|(?<=relative\sto\sthe\s)"
    r"|(?<=comparison\sto\sthe\s)|(?<=comparison\swith\sthe\s))(?:left|right))"
    r"|(?P<both>\b(?:(?:right|left)\s+(?:greater|more|worse)\s+than\s+(?:left|right)"
    # "both on the left": two things on one side, not both sides
    # nor "both of which" (two things named before it: "the left calf and foot, both of which are numb")
    r"|L\s*>\s*R|R\s*>\s*L|bilateral(?:ly)?|bilat|both(?!\s+(?:on|in)\s+(?:the\s+)?(?:left|right)\b)(?!\s+of\s+which\b)"
    r"|BLEs?|symmetric(?:al(?:ly)?)?"
    r"|on\s+either\s+side|each\s+side)\b)"
    r"|(?P<left>\b(?:left(?![\s-]*handed)(?:[\s-]*sided)?|LLE|LUE)\b"
    r"|\bL(?=\s*(?:" + _SIDE_PARTS + r")\b)|" + _SIDE_AFTER + r"L\b)"
    r"|(?P<right>\b(?:right(?![\s-]*handed)(?!\s+(?:now|away|after|before|then|here|there|through|up\s+until)\b)"
    r"(?:[\s-]*sided)?|RLE|RUE)\b"
    r"|\bR(?=\s*(?:" + _SIDE_PARTS + r")\b)|" + _SIDE_AFTER + r"R\b)",
    re.IGNORECASE,
)
_CASED_LR = re.compile(r"\b[LR]\b")
_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bwhereas\b|\bwhile\b|\bexcept\b", re.IGNORECASE)


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    side: SideOrBoth


# Every side word begins a word with one of these letters: _SIDE is tried only there (its leading
# look-behinds keep the regex engine from skipping ahead by itself). Same matches as finditer.
_SIDE_START = re.compile(r"\b[rlbsoe]", re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def _side_starts(text: str) -> list[int]:
    return [m.start() for m in _SIDE_START.finditer(text)]


def _side_matches(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``_SIDE.finditer(text, start, end)``, trying only where a side word can begin."""
    if has_folding_letters(text):
        yield from _SIDE.finditer(text, start, end)
        return
    starts = _side_starts(text)
    resume = start
    for i in range(bisect.bisect_left(starts, start), len(starts)):
        position = starts[i]
        if position >= end:
            break
        if position < resume:
            continue
        match = _SIDE.match(text, position, end)
        if match:
            yield match
            resume = match.end()


def side_cues(text: str, start: int, end: int) -> list[Cue]:
    """Side words between ``start`` and ``end``."""
    cues = []
    for match in _side_matches(text, start, end):
        word = match.group(0)
        if match.group("against"):
            continue  # "right versus left", "reduced compared with the left": the side is the first
        if len(word) == 1 and not _CASED_LR.fullmatch(word):
            continue  # a lower-case "l" or "r" is not a side
        side: SideOrBoth = "bilateral" if match.group("both") else "left" if match.group("left") else "right"
        if match.group("versus"):
            side = "left" if word.lower() == "left" else "right"  # "left versus right": left
        cues.append(Cue(match.start(), match.end(), side))
    return cues


def _clause_of(text: str, position: int, start: int, end: int) -> tuple[int, int]:
    left, right = start, end
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        if match.end() <= position:
            left = match.end()
        elif match.start() >= position:
            right = match.start()
            break
    return left, right


_POSTPOSITION = re.compile(r"\b(?:on|in|at|over|of)\s+(?:the|his|her)\s+$", re.IGNORECASE)


def _distance(cue: Cue, span: tuple[int, int], lead: int) -> int:
    """Characters between a side word and a span; ``lead`` is the length of an "on the" in
    front of the side word, which then reads backwards ("4/5 on the right")."""
    if cue.start >= span[0] and cue.end <= span[1]:
        return 0
    if cue.end <= span[0]:
        return span[0] - cue.end + (lead + 2 if lead else 0)
    return cue.start - lead - span[1] + 1  # a little behind: "left calf" beats "calf, left"


def combine(sides: Sequence[SideOrBoth]) -> SideOrBoth | None:
    unique = set(sides)
    if not unique:
        return None
    if len(unique) == 1:
        return next(iter(unique))
    return "bilateral"


def assign_sides(
    text: str,
    sentence: tuple[int, int],
    spans: Sequence[tuple[int, int]],
    max_gap: int = 60,
    default: SideOrBoth | None = None,
    explicit: bool = False,
) -> list[SideOrBoth | None]:
    """The side of each span (character ranges inside ``sentence``): its own side words, else
    the sentence's only side, else ``default`` (the note's only side). ``explicit``: own side
    words only."""
    cues = side_cues(text, sentence[0], sentence[1])
    got: list[list[SideOrBoth]] = [[] for _ in spans]
    for cue in cues:
        clause = _clause_of(text, cue.start, *sentence)
        before = _POSTPOSITION.search(text, max(sentence[0], cue.start - 10), cue.start)
        lead = len(before.group(0)) if before else 0
        best, best_distance = -1, max_gap + 1
        for i, span in enumerate(spans):
            if span[1] <= clause[0] or span[0] >= clause[1]:
                continue
            distance = _distance(cue, span, lead)
            if distance < best_distance:
                best, best_distance = i, distance
        if best >= 0:
            got[best].append(cue.side)
    unique = {c.side for c in cues}
    sentence_side = next(iter(unique)) if len(unique) == 1 else None if unique else default
    out: list[SideOrBoth | None] = []
    for sides in got:
        out.append(combine(sides) if sides else None if explicit else sentence_side)
    return out


def note_side(text: str) -> SideOrBoth | None:
    """The note's only side, when every side word in it names the same one."""
    unique = {c.side for c in side_cues(text, 0, len(text))}
    return next(iter(unique)) if len(unique) == 1 and "bilateral" not in unique else None


def expand(side: SideOrBoth | None) -> list[Literal["left", "right"]]:
    if side == "bilateral":
        return ["left", "right"]
    if side is None:
        return []
    return [side]
