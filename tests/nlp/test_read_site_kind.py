"""Findings that name the kind of lesion without its level: dermatomal sensory loss, EMG."""

from __future__ import annotations

import pytest

from nervemap.nlp import extract
from tests.nlp.reading import sided_findings_of


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Pinprick is reduced in a dermatomal pattern on the right.", "right"),
        ("There is dermatomal hypoaesthesia on the right leg but no weakness.", "right"),
        ("There is a strip of dermatomal sensory loss on the left leg.", "left"),
        ("There is a dermatomal sensory deficit in the affected leg.", None),
    ],
)
def test_sensory_loss_called_dermatomal_is_a_root_pattern(text: str, side: str | None) -> None:
    found = sided_findings_of(text)
    assert ("dermatomal_sensory_loss", "present", side) in found
    assert ("sensory_deficit_leg", "present", side) in found


def test_a_sensory_loss_not_called_dermatomal_is_not_a_root_pattern() -> None:
    assert not any(
        f[0] == "dermatomal_sensory_loss" for f in sided_findings_of("Sensation is reduced in the right leg.")
    )


@pytest.mark.parametrize(
    ("text", "status", "side"),
    [
        (
            "Electrodiagnostic testing was read as compatible with a lumbosacral radiculopathy.",
            "present",
            None,
        ),
        ("EMG showed an active right L5 radiculopathy.", "present", "right"),
        ("Needle EMG showed paraspinal fibrillations.", "present", None),
        ("Nerve conduction/EMG found no evidence of radiculopathy or plexopathy.", "absent", None),
    ],
)
def test_electrodiagnosis_read_as_radiculopathy(text: str, status: str, side: str | None) -> None:
    assert ("emg_radiculopathy", status, side) in sided_findings_of(text)


def test_a_radiculopathy_without_electrodiagnosis_is_not_an_emg_finding() -> None:
    assert not any(f[0] == "emg_radiculopathy" for f in sided_findings_of("He has a left L5 radiculopathy."))


@pytest.mark.parametrize(
    ("text", "status", "side"),
    [
        ("She then developed new neurological deficits in the left leg.", "present", "left"),
        ("Alert and oriented, no focal neurological deficits.", "absent", None),
    ],
)
def test_an_unspecified_neurological_deficit_is_read(text: str, status: str, side: str | None) -> None:
    assert ("neurological_deficit_leg", status, side) in sided_findings_of(text)


def test_a_consent_list_of_surgical_risks_is_not_a_finding() -> None:
    text = (
        "Risks and benefits of the surgery including bleeding, infection, neurologic deficit, nonunion "
        "and lack of improvement were discussed."
    )
    assert not any(f[0] == "neurological_deficit_leg" for f in sided_findings_of(text))


@pytest.mark.parametrize(
    ("text", "status", "side"),
    [
        ("The left sural SNAP was absent.", "present", "left"),
        ("Reduced superficial peroneal sensory response on the right.", "present", "right"),
        ("Sural and superficial peroneal SNAPs were normal.", "absent", None),
        ("Sensory nerve action potentials were preserved.", "absent", None),
    ],
)
def test_sensory_nerve_action_potentials_are_read(text: str, status: str, side: str | None) -> None:
    assert ("snap_abnormal", status, side) in sided_findings_of(text)


def test_normal_sensory_nerve_conduction_is_not_a_normal_bedside_sensory_examination() -> None:
    case = extract("Normal sural sensory responses bilaterally.").case
    assert case.sensation == []
