"""The care setting a note was written in, from the words it uses (patterns kept as data)."""

from __future__ import annotations

import functools
import re
from importlib import resources

import yaml

from nervemap.knowledge.models import Setting
from nervemap.nlp import scan


@functools.cache
def _patterns() -> list[tuple[Setting, re.Pattern[str]]]:
    text = (resources.files("nervemap.nlp") / "data" / "settings.yaml").read_text(encoding="utf-8")
    document: dict[str, list[str]] = yaml.safe_load(text)
    return [(Setting(name), re.compile(p, re.IGNORECASE)) for name, ps in document.items() for p in ps]


def detect_setting(text: str) -> Setting | None:
    """The setting named in the text, or None when it names none."""
    for setting, pattern in _patterns():
        if scan.search(pattern, text):
            return setting
    return None
