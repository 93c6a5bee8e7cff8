"""Cauda equina signs dictated with the grade after the sign ("Anal tone not present.") are read as the
signs, not skipped (reviewer R, session 14: each of these notes was triaged routine)."""

from __future__ import annotations

import pytest

from nervemap.engine.assess import assess
from nervemap.knowledge.models import TriageLevel
from nervemap.nlp import extract


def _read(sentence: str) -> dict[str, str]:
    return {f.id: f.status for f in extract(f"Low back pain for two days. {sentence}").case.findings}


@pytest.mark.parametrize(
    ("sentence", "finding"),
    [
        ("Anal tone not present.", "reduced_anal_tone"),
        ("Voluntary anal contraction absent.", "reduced_anal_tone"),
        ("Sphincter tone is weak.", "reduced_anal_tone"),
        ("Perianal sensation not present.", "perianal_sensory_loss"),
        ("Sensation over the perineal region was reduced.", "perianal_sensory_loss"),
    ],
)
def test_a_sign_graded_after_its_name_is_the_sign(sentence: str, finding: str) -> None:
    assert _read(sentence).get(finding) == "present"
    case = extract(f"Low back pain for two days. {sentence}").case
    assert assess(case).triage.level == TriageLevel.EMERGENCY


@pytest.mark.parametrize(
    ("sentence", "finding"),
    [("Anal tone normal.", "reduced_anal_tone"), ("Perianal sensation intact.", "perianal_sensory_loss")],
)
def test_a_normal_grade_still_denies_the_sign(sentence: str, finding: str) -> None:
    assert _read(sentence).get(finding) == "absent"
