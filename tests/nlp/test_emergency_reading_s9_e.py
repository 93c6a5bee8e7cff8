"""Reading for the second hold-out's emergencies and for a reviewer's over-triages (E, session 9).

What the notes say and the reader missed: a worsening over hours ("over the next few hours the pain got
steadily worse"), hard exercise in an athlete's words ("a hard training session", "over-training"), the front
of "one" lower leg, a swelling told as an adjective ("a swollen, aching left calf", "both shins
swollen"), and a bulla as its own finding (skin_bullae: triage needs a sign of infection with it). What the
reader read wrongly: a lone bulla as skin necrosis, a joint that "hurts when the ankle is bent" as pain on
passive stretch, and "does not have to stop walking" as walking-induced leg pain. Rules:
nlp/data/emergencies.yaml, findings.yaml, body.yaml.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of

READ = [
    ("Over the next few hours the pain got steadily worse.", "progressive_symptoms"),
    ("The calf pain has worsened over the past few hours.", "progressive_symptoms"),
    ("The swelling got worse hour by hour.", "progressive_symptoms"),
    ("He did a hard training session yesterday.", "recent_strenuous_activity"),
    ("After an intense workout at the gym her shin began to hurt.", "recent_strenuous_activity"),
    ("He over-trained and then played two soccer matches.", "recent_strenuous_activity"),
    ("She has a swollen, aching left calf.", "leg_swelling"),
    # a new clause with a part of the leg as its subject ends the denial before it (context.yaml)
    ("After the match the pain did not settle, the shin is swollen.", "leg_swelling"),
    ("No injury; the left calf is now swollen.", "leg_swelling"),
    ("Both shins swollen and very painful.", "leg_swelling"),
    ("His calves are swollen.", "leg_swelling"),
    ("The calf has become swollen.", "leg_swelling"),
    # the time words of a worsening do not swallow what the clause also says
    ("Over the next few hours the calf has swollen and the pain is getting worse.", "leg_swelling"),
    ("Over the next few hours the calf has swollen and the pain is getting worse.", "progressive_symptoms"),
    ("A bulla appeared over the left calf yesterday.", "skin_bullae"),
    ("Blisters have come up on the red shin.", "skin_bullae"),
    ("Haemorrhagic bullae over the calf.", "skin_necrosis_or_crepitus"),
    ("It hurts when the ankles and toes are pushed down.", "pain_on_passive_stretch"),
    ("Severe pain when his foot is bent back by the examiner.", "pain_on_passive_stretch"),
    ("He has to stop walking after 100 metres.", "leg_pain_on_walking"),
    # a full stop ends a denial list: what the next sentence reports is present
    ("Denies: fever. Reports: back pain; numbness in the saddle area.", "saddle_numbness"),
    ("Sciatica, and new urinary incontinence since yesterday.", "urinary_incontinence_new"),
]


@pytest.mark.parametrize(("text", "finding"), READ)
def test_an_emergency_finding_the_note_states_is_read(text: str, finding: str) -> None:
    assert status_of(text, finding) == "present"


NOT_PRESENT = [
    ("There is a single painless bulla on the shin.", "skin_necrosis_or_crepitus"),
    ("Large bullae over the leg.", "skin_necrosis_or_crepitus"),
    ("The calf hurts when the ankle is bent.", "pain_on_passive_stretch"),
    ("His knee hurts when the foot is moved.", "pain_on_passive_stretch"),
    ("Pain when the ankle is moved.", "pain_on_passive_stretch"),
    ("He has calf pain but does not have to stop walking.", "leg_pain_on_walking"),
    ("She doesn't have to stop walking.", "leg_pain_on_walking"),
    ("The numbness got steadily worse over the years.", "progressive_symptoms"),
    ("She denies bladder problems or numbness in the saddle area.", "saddle_numbness"),
    (
        "He denies fever, weight loss, bowel or bladder dysfunction or numbness in the saddle area.",
        "saddle_numbness",
    ),
    ("No swollen legs.", "leg_swelling"),
    # the items of a "Denies:" list split by semicolons are all denied (nlp/pipeline.py denial lists)
    ("Denies: bowel incontinence; bladder incontinence; numbness in the saddle area.", "saddle_numbness"),
    (
        "Denies: bowel incontinence; bladder incontinence; numbness in the saddle area.",
        "urinary_incontinence_new",
    ),
    ("Negative for: fever; numbness in the saddle area.", "saddle_numbness"),
    ("The pain settled, the shin is not swollen.", "leg_swelling"),
    # incontinence that is not new is not the cauda equina bladder change (dev mtsamples-65, -2107)
    ("Genitourinary: occasional stress urinary incontinence.", "urinary_incontinence_new"),
    ("She has had a four-month history of urinary incontinence.", "urinary_incontinence_new"),
    ("Urinary incontinence for several years.", "urinary_incontinence_new"),
]


@pytest.mark.parametrize(("text", "finding"), NOT_PRESENT)
def test_a_look_alike_or_a_denial_is_not_read_as_present(text: str, finding: str) -> None:
    assert status_of(text, finding) != "present"


def test_the_front_of_one_lower_leg_is_the_anterior_compartment() -> None:
    case = extract("Today he has sudden pain at the front of one lower leg.").case
    assert any(mark.region == "leg_anterior" for mark in case.pain_map or [])
