"""A myelogram's sign of a compressed root (issue 14 Build 4, L s15): the root's sleeve does not fill
("amputation", "cut-off"). Read as the report that names the root compressed: a traversing root at
the disc above it, on the side named."""

from __future__ import annotations

from nervemap.nlp import extract


def _imaged(text: str) -> set[tuple[str, str | None, str | None]]:
    return {(i.level, i.zone.value if i.zone else None, i.side) for i in extract(text).case.imaging or []}


def test_an_amputated_root_sleeve_is_that_root_compressed() -> None:
    got = _imaged("Myelography: a filling defect on the left with amputation of the left S1 root sleeve.")
    assert ("L5-S1", "paracentral", "left") in got


def test_a_root_sleeve_cut_off_named_before_or_after() -> None:
    assert ("L4-L5", "paracentral", "right") in _imaged(
        "The myelogram shows cut-off of the right L5 root sleeve."
    )
    assert ("L4-L5", "paracentral", "right") in _imaged(
        "Myelogram: the right L5 nerve root sleeve is amputated."
    )


def test_a_denied_amputation_is_no_compression() -> None:
    assert not _imaged("Myelogram: the root sleeves fill normally with no amputation of the L5 root sleeve.")
