"""Held-out emergency phrasings (issue 12/14, H9 session 6).

tests/nlp/data/emergency_phrasings.jsonl holds short notes, each paraphrasing a published presentation or a
guideline's or patients' warning-sign list (``source``: a bibliography id; the new ones are in
knowledge/data/sources/cite-h9-s6.yaml). Every positive note must reach at least its ``min_level`` through
the whole path (extract -> assess); every denial must not escalate to an emergency. The reading rules
these notes needed are in nlp/data/emergencies.yaml and context.yaml; each gap has a test of its own below.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from nervemap.engine.assess import assess
from nervemap.knowledge.loader import default_knowledge
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of

DATA = Path(__file__).parent / "data" / "emergency_phrasings.jsonl"
RANK = {"self-care": 0, "routine": 1, "soon": 2, "urgent": 3, "emergency": 4}


def _probes() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


PROBES = _probes()
POSITIVE = [p for p in PROBES if not p["negated"]]
NEGATED = [p for p in PROBES if p["negated"]]


@functools.cache
def _assessed(text: str) -> Any:
    return assess(extract(text).case)


def _level(result: Any) -> str:
    return str(getattr(result.triage.level, "value", result.triage.level))


def test_the_probe_set_covers_every_emergency_and_cites_a_known_source() -> None:
    kinds = {p["emergency"] for p in POSITIVE}
    expected = "cauda_equina mscc sea ali aaa acs nsti septic hip_fracture dvt gbs motor"
    assert kinds >= set(expected.split())
    assert len(NEGATED) >= 20
    known = {s.id for s in default_knowledge().knowledge.sources}
    assert {p["source"] for p in PROBES} <= known
    assert len({p["id"] for p in PROBES}) == len(PROBES)


@pytest.mark.parametrize("probe", POSITIVE, ids=[p["id"] for p in POSITIVE])
def test_a_published_emergency_is_not_under_triaged(probe: dict[str, Any]) -> None:
    result = _assessed(probe["text"])
    assert RANK[_level(result)] >= RANK[probe["min_level"]], (probe["text"], result.triage.basis)
    if probe["conditions"] and probe["min_level"] == "emergency":
        named = {s.condition for s in result.triage.suspected} | {d.id for d in result.differential[:3]}
        assert named & set(probe["conditions"]), (probe["text"], named)


@pytest.mark.parametrize("probe", NEGATED, ids=[p["id"] for p in NEGATED])
def test_a_denied_emergency_does_not_escalate(probe: dict[str, Any]) -> None:
    result = _assessed(probe["text"])
    assert _level(result) != "emergency", (probe["text"], result.triage.basis)
    assert not [
        f.id for f in result.triage.red_flags if str(getattr(f.level, "value", f.level)) == "emergency"
    ]


# One line per reading gap the probe set found (the note's words -> the finding they must give).
GAPS = [
    # saddle change in patients' words
    ("Back pain for a week, now complains of a numb bottom.", "saddle_numbness"),
    ("Lumbar disc prolapse; patient reports her vagina feels numb.", "saddle_numbness"),
    ("His penis feels numb.", "saddle_numbness"),
    ("Back and leg pain; she reports tingling around her back passage.", "saddle_numbness"),
    ("L5/S1 disc herniation. New loss of sensation in the perineum.", "saddle_numbness"),
    ("Numbness in and around his back passage and buttocks.", "saddle_numbness"),
    ("He can't feel himself when he goes to the toilet.", "saddle_numbness"),
    ("Altered feeling when using toilet paper to wipe herself.", "saddle_numbness"),
    ("Loss of feeling and pins and needles between her inner thighs.", "saddle_numbness"),
    ("I can't feel my bum when I wipe.", "saddle_numbness"),
    ("On examination perianal sensation reduced to pin prick.", "perianal_sensory_loss"),
    # bladder and bowel
    ("She can't tell when her bladder is full anymore.", "bladder_sensation_altered"),
    ("She doesn't know when her bladder is full or empty.", "bladder_sensation_altered"),
    ("He has had to push to get his wee out.", "bladder_sensation_altered"),
    ("The stream is weak.", "bladder_sensation_altered"),
    ("Increasing difficulty when she tries to pass urine.", "bladder_sensation_altered"),
    ("My wee won't come out properly.", "bladder_sensation_altered"),
    ("He has lost sensation when he passes urine.", "urinary_stream_sensation_altered"),
    ("Loss of sensation when she passes a bowel motion.", "rectal_fullness_sensation_lost"),
    ("He wet himself last night without realising.", "urinary_incontinence_new"),
    ("Needing pads because she is leaking urine.", "urinary_incontinence_new"),
    ("Back pain, leg pain. PVR 350mls on bladder scan.", "post_void_residual_over_200ml"),
    # cord and cauda equina weakness
    ("New thoracic back pain and legs feel weak and wobbly.", "bilateral_leg_weakness"),
    ("Progressive weakness both legs over a week.", "bilateral_leg_weakness"),
    ("Weakness of the left leg 5 days ago that has spread to both legs.", "bilateral_leg_weakness"),
    ("Lung cancer patient who has gone off her legs.", "inability_to_bear_weight"),
    ("Back pain like a band, feet feel like cotton wool.", "leg_numbness"),
    # limb ischaemia
    ("Dorsalis pedis and posterior tibial pulses not palpable, foot mottled.", "leg_pulseless"),
    ("Dorsalis pedis and posterior tibial pulses not palpable, foot mottled.", "cold_pale_limb"),
    ("Sudden agonising calf pain.", "sudden_severe_leg_pain"),
    # compartment syndrome
    (
        "Closed tibial fracture in a cast, severe pain not settling with morphine, calf is tense.",
        "tense_swollen_compartment",
    ),
    ("Tib fib fracture; calf very tight and swollen.", "tense_swollen_compartment"),
    ("Tib fib fracture; calf very tight and swollen.", "xray_leg_fracture"),
    ("Increasing pain despite opiates.", "severe_intractable_pain"),
    # septic joint, fracture, DVT, necrotising infection
    ("6-year-old with fever 38.8 and hip pain, refusing to weight bear.", "inability_to_bear_weight"),
    ("Child, temp 39, won't walk, holds hip flexed.", "inability_to_bear_weight"),
    ("4yo limping, febrile, won't stand on right leg.", "inability_to_bear_weight"),
    ("90-year-old, groin pain, can't walk since.", "inability_to_bear_weight"),
    ("Adult with fever and a hot, swollen, painful knee.", "hot_swollen_joint"),
    ("90-year-old found on floor, groin pain.", "fall_from_standing"),
    ("Left calf swollen and tender along the deep veins.", "leg_swelling"),
    ("The left thigh is red, swollen and very painful.", "leg_redness_warmth"),
    ("The left thigh is red, swollen and very painful.", "leg_swelling"),
    # Guillain-Barre, foot drop
    ("Weakness starting in the feet and climbing up the legs over 3 days.", "ascending_weakness"),
    ("Weakness started in his feet and is moving up his legs.", "ascending_weakness"),
    ("Leg pain; his foot has been slapping when he walks since Monday.", "foot_drop_reported"),
    # round 2: clinicians' shorthand and more patients' words
    ("Sciatica. PR - reduced tone and sensation.", "reduced_anal_tone"),
    ("Sciatica. PR - reduced tone and sensation.", "perianal_sensory_loss"),
    ("Back pain, saddle anaesth. on exam.", "saddle_numbness"),
    ("Back pain; she says she is numb down below.", "saddle_numbness"),
    ("Back pain with altered perineal sensation.", "perianal_sensory_loss"),
    ("Back pain. Bladder scan 650 ml post void.", "post_void_residual_over_200ml"),
    ("Sciatica, residual of 750 cc after voiding.", "post_void_residual_over_200ml"),
    ("Catheterised with 1.1 L residual.", "post_void_residual_over_200ml"),
    ("Back pain, in retention.", "urinary_retention"),
    ("Back pain. Dribbling urine since yesterday.", "urinary_incontinence_new"),
    ("Back pain; she soiled herself without knowing.", "bowel_incontinence_new"),
    ("Back pain; he can't feel when he needs a wee.", "bladder_sensation_altered"),
    ("Back pain and no urge to pass urine all day.", "bladder_sensation_altered"),
    ("Now walking like he is drunk.", "gait_unsteadiness"),
    ("Prostate cancer. Back pain, sensory level at T10.", "leg_numbness"),
    ("IVDU, spiking temps, back pain.", "fever"),
    ("Febrile with back pain and numb weak legs.", "bilateral_leg_weakness"),
    ("Epidural for labour 5 days ago, now febrile.", "recent_spinal_procedure"),
    ("Known 5.5 cm AAA, now collapsed.", "syncope_or_collapse"),
    ("Cellulitis of the leg; X-ray shows gas in the soft tissues.", "skin_necrosis_or_crepitus"),
    ("88F fall, #NOF suspected, leg short and ER.", "xray_leg_fracture"),
    ("88F fall, #NOF suspected, leg short and ER.", "shortened_externally_rotated_leg"),
    ("After a fall, a shortened, externally rotated right leg.", "shortened_externally_rotated_leg"),
    ("Legs went weak, then the arms; areflexic.", "ascending_weakness"),
    ("Tingling in the feet after a tummy bug last week.", "recent_gastrointestinal_or_respiratory_infection"),
    ("Had flu 2 weeks ago.", "recent_gastrointestinal_or_respiratory_infection"),
    # round 3: patients' words
    ("I'm peeing less and my back is agony.", "bladder_sensation_altered"),
    ("I'm peeing less and my back is agony.", "back_pain"),
    ("He hasn't been for a wee since yesterday.", "urinary_retention"),
    ("My bum feels numb.", "saddle_numbness"),
    ("Both my legs have gone to jelly this week.", "bilateral_leg_weakness"),
    ("His foot's gone cold and white.", "cold_pale_limb"),
    # round 4: the generic sphincter words asserted as new, sacral reflexes, Doppler signals
    ("Back pain with new bladder and bowel dysfunction.", "bladder_sensation_altered"),
    ("Sciatica; new sphincter disturbance.", "bladder_sensation_altered"),
    ("Bilateral sciatica and bowel or bladder changes since Friday.", "bladder_sensation_altered"),
    ("Sciatica. Anal wink absent.", "reduced_anal_tone"),
    ("Back pain. Loss of anal sensation.", "perianal_sensory_loss"),
    ("No signal on handheld Doppler over the right foot pulses.", "leg_pulseless"),
    # round 5: compartment syndrome and DVT in patients' words (BOAST 10, NG158)
    ("Kicked playing football, shin now rock hard and agony.", "tense_swollen_compartment"),
    ("Cast on the leg is too tight, toes numb.", "tight_cast_or_dressing"),
    ("Pain getting worse despite morphine.", "pain_out_of_proportion"),
    ("Tibial fracture with an escalating analgesic requirement.", "pain_out_of_proportion"),
    ("Her leg has swelled up and it's painful to walk.", "leg_swelling"),
    ("She had surgery 2 weeks ago.", "recent_surgery_or_immobility"),
]


@pytest.mark.parametrize(("text", "finding"), GAPS)
def test_an_emergency_phrasing_is_read(text: str, finding: str) -> None:
    assert status_of(text, finding) == "present"


# Look-alikes the new rules must leave alone, and denials that must stay denials.
LOOK_ALIKES = [
    ("She has some numbness in the bottom of her left foot.", "saddle_numbness"),
    ("Tingling in the bottom of his feet at night.", "saddle_numbness"),
    ("The bottom of the foot is numb.", "saddle_numbness"),
    ("No numbness around the back passage.", "saddle_numbness"),
    ("She can feel the toilet paper normally when wiping.", "saddle_numbness"),
    ("He can tell when his bladder is full.", "bladder_sensation_altered"),
    ("Weakness going up the stairs due to pain in the right thigh.", "ascending_weakness"),
    ("Pedal pulses palpable bilaterally, foot warm.", "leg_pulseless"),
    ("Calf feels tight after running.", "tense_swollen_compartment"),
    ("PVR 150mls.", "post_void_residual_over_200ml"),
    ("He can walk without difficulty.", "inability_to_bear_weight"),
    ("He walks up the stairs with weakness in the right thigh.", "ascending_weakness"),
    ("He is not leaking urine.", "urinary_incontinence_new"),
    ("Legs numb down below the knee.", "saddle_numbness"),
    ("Bladder scan 650 ml pre-void.", "post_void_residual_over_200ml"),
    ("Back pain. Bladder scan 80 ml post void.", "post_void_residual_over_200ml"),
    ("He can feel when he needs a wee.", "bladder_sensation_altered"),
    ("Short of breath on exertion.", "shortened_externally_rotated_leg"),
    ("The disc space has collapsed at L4-5.", "syncope_or_collapse"),
    ("Back pain. Peeing normally.", "bladder_sensation_altered"),
    ("He has been for a wee this morning.", "urinary_retention"),
    ("No new bladder or bowel dysfunction.", "bladder_sensation_altered"),
    ("Bladder and bowel dysfunction after her operation in 2010, unchanged.", "bladder_sensation_altered"),
    ("Anal wink present.", "reduced_anal_tone"),
    ("Good Doppler signals in both feet.", "leg_pulseless"),
    ("He is peeing less often at night since the tablets.", "bladder_sensation_altered"),
    ("Prostatism with terminal dribbling of urine.", "urinary_incontinence_new"),
    ("Post-micturition dribbling of urine for years.", "urinary_incontinence_new"),
]


@pytest.mark.parametrize(("text", "finding"), LOOK_ALIKES)
def test_a_look_alike_or_denial_is_not_read_as_the_emergency(text: str, finding: str) -> None:
    assert status_of(text, finding) in ("absent", None)


def test_the_negation_in_a_sign_does_not_deny_the_next_words() -> None:
    """In "pulses not palpable, foot mottled" the "not" belongs to the first sign: the foot is mottled."""
    assert status_of("Pedal pulses not palpable, foot mottled.", "cold_pale_limb") == "present"
    assert (
        status_of("Severe pain not settling with morphine, calf is tense.", "tense_swollen_compartment")
        == "present"
    )
