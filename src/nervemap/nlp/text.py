"""Input hygiene: bytes to text, size limit, look-alike letters, control characters and a
rough "is this English?" check. Every change keeps character offsets (one character for one)."""

from __future__ import annotations

import re

MAX_CHARS = 100_000
"""Longest text read; the rest is cut off with a warning (a 5 MB paste is not a clinical note)."""

# Cyrillic and Greek letters that look Latin, as pasted from some sources ("А 43-уеаr-old mаn")
_CONFUSABLES = str.maketrans(
    "АВСЕНІЈКМОРЅТХУасеіјорѕхуԁһӏԛԝΑΒΕΗΙΚΜΝΟΡΤΧΥΖονρ",
    "ABCEHIJKMOPSTXYaceijopsxydhlqwABEHIKMNOPTXYZovp",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_WORD = re.compile(r"[^\W\d_]+")
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "of",
        "with",
        "in",
        "to",
        "on",
        "for",
        "is",
        "was",
        "he",
        "she",
        "his",
        "her",
        "no",
        "not",
        "patient",
        "pain",
        "left",
        "right",
        "leg",
        "back",
        "has",
        "had",
        "denies",
        "history",
        "year",
        "old",
        "at",
        "or",
        "are",
        "be",
        "by",
        "as",
        "from",
        "this",
        "that",
        "which",
        "without",
        "examination",
        "exam",
        "normal",
        "reflexes",
        "strength",
    ]
)


def decode(data: bytes) -> str:
    """UTF-8 bytes (with or without a byte-order mark) to text; ValueError says what is wrong."""
    if b"\x00" in data[:4096]:
        raise ValueError("input looks binary: it contains NUL bytes; send UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex()
        raise ValueError(
            f"input is not valid UTF-8: byte 0x{bad} at position {error.start} ({error.reason}); "
            "send UTF-8 text"
        ) from None


def clean(text: str) -> tuple[str, list[str]]:
    """The text to read, and warnings about what was done to it."""
    warnings: list[str] = []
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        warnings.append(f"text truncated at {MAX_CHARS} characters")
    controls = len(_CONTROL.findall(text))
    if controls:
        text = _CONTROL.sub(" ", text)
        warnings.append(f"{controls} control or replacement characters were blanked (binary data pasted?)")
    mixed = not text.isascii() and any(_is_mixed(w) for w in _WORD.findall(text))
    if mixed:
        text = text.translate(_CONFUSABLES)
        warnings.append("look-alike Cyrillic/Greek letters inside Latin words were read as Latin")
    return text, warnings


def _is_mixed(word: str) -> bool:
    has_latin = any("a" <= c.lower() <= "z" for c in word)
    return has_latin and any(c.translate(_CONFUSABLES) != c for c in word)


def looks_non_english(text: str) -> bool:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 6:
        return False
    latin = sum(1 for w in words if all("a" <= c <= "z" for c in w))
    common = sum(1 for w in words if w in _ENGLISH)
    return latin / len(words) < 0.5 or common / len(words) < 0.1
