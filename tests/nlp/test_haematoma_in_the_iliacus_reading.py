"""A scan report that names a collection in the iliacus, psoas or retroperitoneum and calls it blood is a
retroperitoneal haematoma (issue 14, M s13): the cause of a femoral neuropathy on anticoagulants that the
plain phrases ("iliacus haematoma") miss when the report describes the collection first."""

from __future__ import annotations

import pytest

from tests.nlp.reading import status_of

HAEMATOMA = "imaging_retroperitoneal_haematoma"


@pytest.mark.parametrize(
    "note",
    [
        "Pelvic MRI: a collection in the iliacus consistent with haematoma.",
        "CT shows a 6 cm collection within the right psoas muscle, in keeping with an acute haematoma.",
        "Fluid in the left iliopsoas compatible with a bleed.",
    ],
)
def test_a_collection_there_called_blood_is_a_haematoma(note: str) -> None:
    assert status_of(note, HAEMATOMA) == "present"


def test_a_collection_called_something_else_is_not() -> None:
    assert status_of("A collection in the right iliacus consistent with an abscess.", HAEMATOMA) != "present"


def test_a_denied_collection_is_absent() -> None:
    assert status_of("No collection in the iliacus consistent with haematoma.", HAEMATOMA) == "absent"
