"""'Non-radiating back pain' denies radiating leg pain; a partial denial does not (H8)."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _status(text: str) -> str | None:
    found = [str(f.status) for f in extract(text).case.findings if f.id == "radiating_leg_pain"]
    return found[0] if found else None


@pytest.mark.parametrize(
    "text",
    [
        "Non-radiating lumbar pain of 1 week's duration.",
        "The pain does not radiate.",
        "Low back pain, nonradiating.",
        "His back pain is not radiating.",
    ],
)
def test_non_radiating_back_pain_denies_radiating_leg_pain(text: str) -> None:
    assert _status(text) == "absent"


@pytest.mark.parametrize(
    "text",
    [
        "The pain radiates down the left leg but does not radiate below the knee.",
        "Sciatica on the right. The back pain itself is non-radiating.",
    ],
)
def test_a_partial_denial_leaves_radiating_pain_present_or_unknown(text: str) -> None:
    assert _status(text) in ("present", None)
