"""Pain scores in a note: "leg pain 7/10", "back pain VAS 4", "rates his pain as 8 out of 10".

A score names its place when the words just before it say leg (or buttock, sciatic, radicular) or
back; otherwise it is the patient's pain in general. The last score of each kind in the note is
kept (notes report the history first and the pain now last), and the severity's ``pain_nrs`` is the
worse of the scores read, as in the interview (``interview.answers``). Scores on a 0-100 scale are
not read: a note that says "VAS 70" without its scale would be misread either way.
"""

from __future__ import annotations

import re
from typing import Literal

from nervemap.nlp import scan
from nervemap.nlp.draft import Draft

Place = Literal["leg", "back", "pain"]

# "<place words> pain ... 7/10", "pain score of 7 out of 10", "VAS 7", "NRS: 7/10", "7/10 leg pain"
_SCALE = r"(?:\s*(?:/|out\s+of)\s*10\b)"
_NUMBER = r"(?P<n>10|[0-9](?:\.[0-9])?)"
_WORDS = r"(?P<words>(?:(?!and\b|with\b|but\b|or\b)[a-z]+\s+){0,3}?)"
_BEFORE = re.compile(
    r"\b" + _WORDS + r"(?:pain|ache|discomfort)\b[^.\n;]{0,40}?"
    r"(?:\b(?:vas|nrs|score|scored|rated?|rates|rating|severity|intensity|of|at|as|is|was|now)\b\s*:?\s*|:\s*)*"
    + _NUMBER
    + rf"(?P<scale>{_SCALE})?",
    re.IGNORECASE,
)
_SLASH_FIRST = re.compile(r"\b" + _NUMBER + _SCALE + r"\s+" + _WORDS + r"(?:pain|ache|discomfort)\b", re.I)
_SCORE_ONLY = re.compile(
    r"\b(?:vas|nrs)\b\s*(?:score)?\s*(?:of|is|was|:)?\s*" + _NUMBER + rf"{_SCALE}?", re.IGNORECASE
)
_LEG = re.compile(r"\b(?:leg|legs|buttock|buttocks|sciatic|sciatica|radicular|thigh|calf|foot)\b", re.I)
_BACK = re.compile(r"\b(?:back|lumbar|axial)\b", re.I)
_NO_SCALE_WORDS = re.compile(r"\b(?:vas|nrs|score|scored|rated?|rates|rating)\b", re.I)


def _place(words: str) -> Place:
    if _LEG.search(words):
        return "leg"
    if _BACK.search(words):
        return "back"
    return "pain"


def read_scores(draft: Draft) -> None:
    """Set the draft's pain scores from the note (see the module's docstring)."""
    found: list[tuple[int, int, Place, float]] = []
    for match in scan.finditer(_BEFORE, draft.text):
        # a bare number after "pain ... of" is a score only with its scale or a score word
        if match.group("scale") is None and not _NO_SCALE_WORDS.search(match.group(0)):
            continue
        found.append((match.start(), match.end(), _place(match.group("words")), float(match.group("n"))))
    for match in scan.finditer(_SLASH_FIRST, draft.text):
        found.append((match.start(), match.end(), _place(match.group("words")), float(match.group("n"))))
    taken = [(start, end) for start, end, _, _ in found]
    for match in scan.finditer(_SCORE_ONLY, draft.text):
        if not any(start <= match.start() < end for start, end in taken):
            found.append((match.start(), match.end(), "pain", float(match.group("n"))))
    latest: dict[Place, tuple[int, int, float]] = {}
    for start, end, place, value in sorted(found):
        latest[place] = (start, end, value)
    for place, (start, end, value) in latest.items():
        draft.pain_scores[place] = value
        draft.add_item("score", f"{place} {value:g}/10", start, end)
