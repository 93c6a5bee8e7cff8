"""An impression ('he was thought to have ...') is not a finding (issue 12, H3).

dev mtsamples-2775 (avascular necrosis of the hip): 'He was thought initially to have low back pain
with radiculopathy' read back pain and radiating leg pain present, which counted strongly against
the hip conditions."""

from __future__ import annotations

import pytest

from tests.nlp.reading import present


@pytest.mark.parametrize(
    "text",
    [
        "He was thought initially to have low back pain with radiculopathy.",
        "She was felt to have sciatica.",
        "He was originally thought to have a radiculopathy.",
        "She was believed to have sciatica at first.",
    ],
)
def test_an_impression_is_not_asserted(text: str) -> None:
    assert not present(text) & {"back_pain", "radiating_leg_pain"}


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("He has low back pain with radiculopathy.", "radiating_leg_pain"),
        ("He thought the pain would go away. He has back pain.", "back_pain"),
        ("She was diagnosed with diabetes in 2010.", "diabetes"),
    ],
)
def test_stated_findings_are_still_present(text: str, finding: str) -> None:
    assert finding in present(text)
