"""A lesion the report calls non-compressive, or says presses no root, presses no root (read_imaging.py).

"Mild non-compressive right neural foraminal narrowing at L5-S1" was read as the right L5 root pressed in
its foramen, and "a protrusion at L4-5 without nerve root compression" as the traversing L5 root pressed:
the scan then spoke for a root the radiologist had said was free. Such a lesion is a lesion at some level
(the finding), as a central disc that only indents the thecal sac is; a negation about another clause
("...; no root compression on the left") leaves the lesion it does not describe alone.
"""

from __future__ import annotations

import pytest

from nervemap.nlp.extract import extract


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("MRI: L4-5 non-compressive right paracentral disc protrusion.", "imaging_disc_herniation"),
        (
            "There is mild non-compressive right neural foraminal narrowing at L5-S1.",
            "imaging_spinal_stenosis",
        ),
        (
            "MRI shows a right paracentral disc protrusion at L4-5 without nerve root compression.",
            "imaging_disc_herniation",
        ),
    ],
)
def test_a_lesion_said_to_press_nothing_names_no_root(text: str, finding: str) -> None:
    extraction = extract(text)
    assert extraction.case.imaging == []
    assert finding in {str(item.value) for item in extraction.items if item.kind == "finding"}


def test_a_negation_in_the_next_clause_keeps_the_compressing_lesion() -> None:
    text = "MRI: a right L5-S1 disc extrusion compressing the right S1 root; no root compression on the left."
    imaging = extract(text).case.imaging
    assert imaging and all(item.level == "L5-S1" and item.side == "right" for item in imaging)


def test_a_compressing_lesion_is_still_read() -> None:
    imaging = extract(
        "MRI shows a right paracentral disc protrusion at L4-5 compressing the right L5 root."
    ).case.imaging
    assert imaging and imaging[0].level == "L4-L5"
