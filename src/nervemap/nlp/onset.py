"""The words that say a symptom began suddenly, read as their own ConText target.

An onset word carries its own negation scope: "denies sudden weakness" denies a sudden weakness, so it
says nothing of how the pain began, while "sudden onset of a cold, painful leg; denies weakness" is a
sudden onset whatever is denied next to it. The reader of the onset (``read_patient``) asks whether the
word itself lies in a denial's (or a history's, a hypothesis') scope, not whether its neighbour does.
"""

from __future__ import annotations

import re

from nervemap.nlp import scan

SUDDEN = re.compile(r"\b(?:sudden(?:ly)?|abrupt(?:ly)?|acute\s+onset)\b", re.I)


def onset_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, words) of every onset word in ``text``."""
    # scan.finditer: the same matches, none tried in a note without the words (speed)
    return [(m.start(), m.end(), m.group(0)) for m in scan.finditer(SUDDEN, text)]
