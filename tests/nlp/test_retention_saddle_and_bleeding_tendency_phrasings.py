"""Emergencies a set of unseen published cases showed the reader missing (issue 14/12, H11 session 7).

General rules, each tested with phrasings most of which are not from those cases:

- Retention as a noun phrase or a perfect ("inability to pass urine", "has not been able to pass water")
  is urinary retention, which escalates on its own (cauda equina, GIRFT 2023).
- A saddle named with a gloss in brackets or an area word ("numbness of the saddle (perineal) area")
  is saddle numbness.
- "No pain running into the legs" denies leg pain, not the low back pain the note states.
- A bleeding tendency without an anticoagulant (cirrhosis, haemophilia, a coagulopathy) counts with
  anticoagulants in the haematoma rules (kong-2012, sugiyama-2009), and an iliacus haematoma's hip
  flexion weakness counts with the quadriceps' (femoral_nerve_haematoma).
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import findings_of


@functools.cache
def _level(text: str) -> str:
    result: Any = assess(extract(text).case)
    return str(getattr(result.triage.level, "value", result.triage.level))


@pytest.mark.parametrize(
    "text",
    [
        "Low back pain with inability to pass urine since the morning.",
        "She has not been able to pass water for twelve hours and her back is very painful.",
        "Back pain and sciatica; he is not able to empty his bladder.",
        "Sudden back pain, inability to void urine overnight.",
    ],
)
def test_retention_as_a_noun_phrase_or_perfect(text: str) -> None:
    assert ("urinary_retention", "present") in findings_of(text)
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Low back pain with numbness of the saddle (perineal) area.",
        "Examination: reduced sensation in the perianal (S3-S5) region, back pain.",
        "Sciatica and tingling over the saddle and perineal region.",
        "Back pain; the perineum is numb since yesterday.",
    ],
)
def test_saddle_named_with_a_gloss_or_an_area_word(text: str) -> None:
    assert ("saddle_numbness", "present") in findings_of(text)
    assert _level(text) == "emergency"


def test_saddle_words_for_the_sole_or_a_normal_exam_are_not_saddle_numbness() -> None:
    assert ("saddle_numbness", "present") not in findings_of("Numbness of the sole of the left foot.")
    assert ("saddle_numbness", "present") not in findings_of("No numbness of the perineal area.")


@pytest.mark.parametrize(
    "text",
    [
        "He has low back pain. There is no pain running into the legs.",
        "Lumbar pain for a week; no pain going down either leg.",
        "Low back pain, no pain travelling into the buttocks or thighs.",
        "Low back ache with no pain that spreads to the legs.",
    ],
)
def test_no_pain_running_into_the_legs_keeps_the_back_pain(text: str) -> None:
    found = findings_of(text)
    assert ("back_pain", "absent") not in found
    assert ("back_pain", "present") in found


def test_no_pain_at_all_is_still_read() -> None:
    assert ("back_pain", "absent") in findings_of("She reports no pain and no sensory symptoms.")


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("A 52-year-old man with alcoholic cirrhosis.", True),
        ("Known haemophilia A since childhood.", True),
        ("She has von Willebrand disease.", True),
        ("Coagulopathy from liver failure.", True),
        ("No history of liver cirrhosis.", False),
    ],
)
def test_a_bleeding_tendency_is_read(text: str, present: bool) -> None:
    assert (("bleeding_disorder", "present") in findings_of(text)) is present


@pytest.mark.parametrize(
    "text",
    [
        # a bleeding tendency, sudden weakness of the quadriceps
        "A man with cirrhosis has sudden pain in the right thigh; right knee extension is 2/5.",
        "A 30-year-old with haemophilia has sudden right groin pain and knee extension 3/5 on the right.",
        # anticoagulated, groin pain, hip flexion weakness alone
        "On apixaban for AF. Left groin pain for a week; left hip flexion 2/5, knee extension 5/5.",
        "Takes warfarin. Severe right groin pain; right hip flexion is 0/5.",
    ],
)
def test_an_acute_femoral_neuropathy_with_a_bleeding_risk_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


def test_the_same_weakness_without_a_bleeding_risk_is_not_an_emergency() -> None:
    assert _level("Left groin pain for a week; left hip flexion 4/5, knee extension 5/5.") != "emergency"
