"""Odd input never crashes: it gives an Extraction whose warnings say what happened."""

from __future__ import annotations

import pytest

from nervemap.nlp import MAX_CHARS, extract, extract_bytes


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty(text: str) -> None:
    extraction = extract(text)
    assert extraction.items == []
    assert "empty text" in extraction.warnings
    assert extraction.case.findings == []


def test_no_finding() -> None:
    extraction = extract("The weather was pleasant and the meeting ran long.")
    assert "no clinical finding found" in extraction.warnings


def test_non_english() -> None:
    extraction = extract("Paciente de 45 años con dolor lumbar irradiado a la pierna izquierda.")
    assert any("non-English" in w for w in extraction.warnings)


def test_huge_paste_is_truncated() -> None:
    text = "Low back pain radiating to the left calf. " * (5_000_000 // 42)
    extraction = extract(text)
    assert f"text truncated at {MAX_CHARS} characters" in extraction.warnings
    assert all(item.end <= MAX_CHARS for item in extraction.items)
    assert extraction.case.pain_map


def test_control_characters() -> None:
    extraction = extract("Low back pain\x00\x01 radiating to the left calf.\ufffd")
    assert any("control" in w for w in extraction.warnings)
    assert extraction.case.pain_map


def test_lookalike_letters() -> None:
    # MedQA item with Cyrillic letters inside English words
    extraction = extract("А 43-уеаr-old mаn рrеѕеntѕ wіth tіnglіng аnd numbnеѕѕ of the lowеr lіmbѕ.")
    assert extraction.case.age == 43
    assert any(f.id == "leg_tingling" for f in extraction.case.findings)


def test_bytes_utf8() -> None:
    extraction = extract_bytes("Saddle anæsthesia absent. Low back pain.".encode())
    assert any(f.id == "back_pain" for f in extraction.case.findings)


def test_bytes_with_bom() -> None:
    assert extract_bytes(b"\xef\xbb\xbfLow back pain.").case.findings


def test_bytes_not_utf8() -> None:
    with pytest.raises(ValueError, match="not valid UTF-8"):
        extract_bytes("douleur lombaire irradiée".encode("latin-1"))


def test_bytes_binary() -> None:
    with pytest.raises(ValueError, match="binary"):
        extract_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_str_only() -> None:
    with pytest.raises(TypeError):
        extract(b"Low back pain")  # type: ignore[arg-type]


def test_unknown_setting() -> None:
    with pytest.raises(ValueError):
        extract("Low back pain.", setting="moon-base")


def test_setting_is_kept() -> None:
    assert extract("Low back pain.", setting="emergency").case.setting.value == "emergency"
