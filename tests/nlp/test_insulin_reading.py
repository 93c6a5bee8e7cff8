"""Insulin the treatment reads diabetes; insulin the laboratory measurement does not (issue 12, H3).

dev mtsamples-380 ("Her fasting insulin level was normal ... She does not have history of
diabetes") read diabetes present from the word insulin alone."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract


def diabetes(text: str) -> set[str]:
    return {f.status.value for f in extract(text).case.findings if f.id == "diabetes"}


@pytest.mark.parametrize(
    "text",
    [
        "He is on insulin.",
        "She takes insulin twice daily.",
        "Insulin was started last year.",
        "Medications: insulin glargine 20 units at night.",
        "He has insulin-dependent diabetes.",
    ],
)
def test_insulin_as_a_treatment_reads_diabetes(text: str) -> None:
    assert diabetes(text) == {"present"}


@pytest.mark.parametrize(
    "text",
    [
        "Her fasting insulin level was normal.",
        "Serum insulin was measured.",
        "Insulin levels were within the reference range.",
        "Insulin resistance was not assessed.",
    ],
)
def test_insulin_as_a_measurement_does_not_read_diabetes(text: str) -> None:
    assert diabetes(text) == set()


def test_a_normal_insulin_level_with_denied_diabetes_is_absent() -> None:
    text = "Her fasting insulin level was normal. She does not have history of diabetes."
    assert diabetes(text) == {"absent"}
