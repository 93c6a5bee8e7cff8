"""A denial written after what it denies, and a denial that ends where a new clause begins (E s13).

"Saddle numbness — none." and "Leg weakness denied." read as PRESENT: medspaCy's "denied" looks only
forward and its ": none" needs a colon, so a checklist answer raised a cauda equina alarm. "No trauma, and
sudden severe calf pain began yesterday" read the calf pain as DENIED: the new clause's verb comes after its
subject, where no termination word can stand between "No" and the pain (nlp/clause_scope.py,
nlp/data/context_clauses.yaml).
"""

from __future__ import annotations

import pytest

from nervemap.knowledge.loader import default_knowledge
from nervemap.knowledge.models import KnowledgeBase
from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]
from tests.nlp.reading import status_of, statuses


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Saddle numbness — none.", "saddle_numbness"),
        ("Saddle numbness - none.", "saddle_numbness"),
        ("Urinary retention — denied.", "urinary_retention"),
        ("Leg weakness denied.", "subjective_leg_weakness"),
        ("Sudden leg weakness denied.", "subjective_leg_weakness"),
        ("Incontinence: nil.", "urinary_incontinence_new"),
        ("Urinary retention was denied", "urinary_retention"),
        ("Sudden onset denied.", "sudden_onset"),
        ("Bowel and bladder symptoms denied.", "urinary_retention"),
    ],
)
def test_a_denial_after_the_symptom_denies_it(text: str, finding: str) -> None:
    assert statuses(text).get(finding) == "absent"


def test_a_trailing_denial_reaches_back_over_a_labelled_list() -> None:
    found = statuses("Fever, night sweats, weight loss: denied.")
    assert found.get("fever") == "absent"
    assert found.get("unexplained_weight_loss") == "absent"
    found = statuses("Red flags: incontinence, retention of urine, numb saddle area, nil.")
    assert found.get("urinary_retention") == "absent"


@pytest.mark.parametrize(
    ("text", "kept", "denied"),
    [
        # ambiguous: the whole list denied, or only its last item? A red flag keeps the reading that
        # cannot hide an emergency; the nearest item is denied
        ("Numbness of the saddle area, temperature normal and fever none.", "saddle_numbness", "fever"),
        ("Retention of urine and numb buttocks, fever nil.", "urinary_retention", "fever"),
        ("Saddle anaesthesia, night sweats denied.", "saddle_numbness", None),
        # words whose rule gives a red flag among other findings count as a red flag
        ("Bilateral sciatica, night sweats and fever denied.", "bilateral_sciatica", "fever"),
    ],
)
def test_a_trailing_denial_leaves_a_farther_red_flag_of_an_unlabelled_list_asserted(
    text: str, kept: str, denied: str | None
) -> None:
    found = statuses(text)
    assert found.get(kept) == "present"
    if denied is not None:
        assert found.get(denied) == "absent"


def _with_red_flag(finding_id: str, red_flag: bool) -> KnowledgeBase:
    kb = default_knowledge().knowledge
    findings = [f.model_copy(update={"red_flag": red_flag}) if f.id == finding_id else f for f in kb.findings]
    return kb.model_copy(update={"findings": findings})


def test_the_red_flags_come_from_the_knowledge_base_the_note_is_read_with() -> None:
    """A base that makes leg numbness a red flag keeps it asserted before a trailing denial; one
    that makes saddle numbness an ordinary finding lets the list reading deny it (E s14)."""
    note = "Leg numbness, weight loss denied."
    assert status_of(note, "leg_numbness") == "absent"
    numb = extract(note, knowledge=_with_red_flag("leg_numbness", red_flag=True)).case.findings or []
    assert {f.id: str(f.status) for f in numb}["leg_numbness"] == "present"
    note = "Saddle anaesthesia, night sweats denied."
    assert status_of(note, "saddle_numbness") == "present"
    saddle = extract(note, knowledge=_with_red_flag("saddle_numbness", red_flag=False)).case.findings or []
    assert {f.id: str(f.status) for f in saddle}["saddle_numbness"] == "absent"


def test_a_trailing_denial_still_denies_a_farther_item_that_is_no_red_flag() -> None:
    found = statuses("Leg numbness, weight loss denied.")
    assert found.get("leg_numbness") == "absent"
    assert found.get("unexplained_weight_loss") == "absent"


@pytest.mark.parametrize(
    ("text", "asserted"),
    [
        ("Pain radiates to the left foot, bladder symptoms denied.", "radiating_leg_pain"),
        (
            "Severe back pain radiating to the left leg with foot drop, bladder symptoms denied.",
            "foot_drop_reported",
        ),
        ("Weakness denied, back pain severe.", "back_pain"),
        # a described complaint is no item of a denied list: an emergency cue must not be hidden
        ("Sudden severe pain in the left calf, fever denied.", "sudden_severe_leg_pain"),
    ],
)
def test_a_trailing_denial_stops_at_the_clause_before_it(text: str, asserted: str) -> None:
    assert statuses(text).get(asserted) == "present"


@pytest.mark.parametrize(
    ("text", "denied", "asserted"),
    [
        ("No trauma, and sudden severe calf pain began yesterday.", "minor_trauma", "sudden_severe_leg_pain"),
        ("No injury, and the left leg became weak this morning.", "minor_trauma", "subjective_leg_weakness"),
        (
            "Denies weight loss, and numbness in the saddle area started today.",
            "unexplained_weight_loss",
            "saddle_numbness",
        ),
        (
            "No history of cancer, and she has lost 8 kg in two months.",
            "history_of_cancer",
            "unexplained_weight_loss",
        ),
    ],
)
def test_a_new_clause_with_its_own_verb_ends_the_denial(text: str, denied: str, asserted: str) -> None:
    found = statuses(text)
    assert found.get(denied) == "absent"
    assert found.get(asserted) == "present"


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("No fever, weight loss or night pain.", ("fever", "unexplained_weight_loss", "night_pain")),
        (
            "Denies fever, chills, weight loss, saddle anaesthesia, or incontinence.",
            ("fever", "unexplained_weight_loss", "saddle_numbness", "urinary_incontinence_new"),
        ),
        # the verb of the denied list itself is no new clause
        (
            "No urinary retention, faecal incontinence or saddle anaesthesia were reported.",
            ("urinary_retention", "bowel_incontinence_new", "saddle_numbness"),
        ),
        (
            "No weakness, numbness or incontinence has been noted.",
            ("subjective_leg_weakness", "leg_numbness"),
        ),
        # a verb in a relative clause about an item does not start a new clause
        (
            "No fever, leg weakness that is getting worse, or saddle numbness.",
            ("subjective_leg_weakness", "saddle_numbness"),
        ),
    ],
)
def test_a_list_of_denied_items_stays_denied(text: str, denied: tuple[str, ...]) -> None:
    found = statuses(text)
    assert {finding: found.get(finding) for finding in denied} == dict.fromkeys(denied, "absent")


@pytest.mark.parametrize(
    ("text", "denied", "asserted"),
    [
        # a finding said to be present after a boundary is no item of the denied list (E s14): reading
        # it as denied hides an emergency, reading it as present at worst raises a needless alarm
        ("No fever, saddle numbness present.", "fever", "saddle_numbness"),
        ("Denies fever, urinary retention noted on bladder scan.", "fever", "urinary_retention"),
        ("No recent injury, and lax anal tone found on examination.", "minor_trauma", "reduced_anal_tone"),
        ("No trauma; weakness of the left foot found.", "minor_trauma", "subjective_leg_weakness"),
        ("Without fever or chills, perianal numbness elicited.", "fever", "saddle_numbness"),
    ],
)
def test_a_finding_said_to_be_present_after_a_boundary_ends_the_denial(
    text: str, denied: str, asserted: str
) -> None:
    found = statuses(text)
    assert found.get(denied) == "absent"
    assert found.get(asserted) == "present"


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        # "or" makes the words before the affirmation one denied list: "No A, B or C present"
        (
            "No fever, saddle numbness or urinary retention present.",
            ("fever", "saddle_numbness", "urinary_retention"),
        ),
        ("No fever, chills or weight loss.", ("fever", "unexplained_weight_loss")),
        ("Negative for fever, night sweats nor weight loss noted.", ("fever", "unexplained_weight_loss")),
    ],
)
def test_an_affirmation_after_a_list_joined_by_or_keeps_the_list_denied(
    text: str, denied: tuple[str, ...]
) -> None:
    found = statuses(text)
    assert {finding: found.get(finding) for finding in denied} == dict.fromkeys(denied, "absent")


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        # an affirmation that is itself negated is a denial of its own: it does not end the first one, and
        # reading the finding as present would raise a needless cauda equina alarm (reviewer R, session 14)
        ("No fever, saddle numbness not present.", ("fever", "saddle_numbness")),
        ("No fever, urinary retention not found.", ("fever", "urinary_retention")),
        ("Denies injury, perianal numbness never noted.", ("minor_trauma", "saddle_numbness")),
    ],
)
def test_a_negated_affirmation_after_a_boundary_keeps_the_denial(text: str, denied: tuple[str, ...]) -> None:
    found = statuses(text)
    assert {finding: found.get(finding) for finding in denied} == dict.fromkeys(denied, "absent")


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        # "absent" or "not present" after a symptom denies it (E s14, reviewer R s14): these read as present
        ("Fever absent.", "fever"),
        ("Saddle numbness absent.", "saddle_numbness"),
        ("Urinary retention not present.", "urinary_retention"),
        ("Temperature normal, fever absent, no saddle numbness.", "fever"),
    ],
)
def test_absent_after_a_symptom_denies_it(text: str, finding: str) -> None:
    assert statuses(text).get(finding) == "absent"


def test_absent_after_a_sign_or_a_function_is_the_finding() -> None:
    """After a sign, "absent" is what was found: the reflex, the pulse, the movement, the anal tone or
    the saddle sensation is lost, and a denial there would hide an emergency."""
    case = extract("Ankle dorsiflexion absent on the left. Knee jerks absent.").case
    assert {(t.movement, t.grade) for t in case.strength} == {("ankle_dorsiflexion", 0)}
    assert {r.grade for r in case.reflexes} == {0}
    assert statuses("Pulses absent in the left foot.").get("leg_pulseless") == "present"
    assert statuses("Anal tone absent.").get("reduced_anal_tone") == "present"
    assert statuses("Perianal sensation absent.").get("perianal_sensory_loss") == "present"


def test_absent_denies_only_the_symptom_right_before_it() -> None:
    """A symptom-only denial takes the nearest item alone: "Fever, chills absent" leaves the fever
    asserted (the reading that cannot hide a red flag)."""
    assert statuses("Fever, chills absent.").get("fever") == "present"
    assert statuses("Saddle numbness present, fever absent.") == {
        "saddle_numbness": "present",
        "fever": "absent",
    }
