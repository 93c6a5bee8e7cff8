"""A symptom named after the last place of its sentence, with no place of its own, is felt there too.

"Pain in the left calf and tingling" lost the calf tingling (reviewer, session 10): since f732417 a symptom
brought in by "and", "with" or a comma after a place leaves that place to the symptom named before it, which
is right when the later symptom has places of its own ("pain radiating to the right calf and numbness of the
right big toe") and wrong when it has none. nlp/read_body.py ``_trailing``.
"""

from __future__ import annotations

import pytest

from nervemap.nlp import extract  # type: ignore[attr-defined,unused-ignore]


def _marks(text: str) -> set[tuple[str, str | None, str]]:
    return {(m.region, m.side, str(m.kind)) for m in extract(text).case.pain_map or []}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Pain in the left calf and tingling.", "tingling"),
        ("Pain in the left calf, and numbness.", "numbness"),
        ("Pain in the left calf and tingling since Monday.", "tingling"),
    ],
)
def test_a_trailing_symptom_without_a_place_shares_the_last_place(text: str, kind: str) -> None:
    marks = _marks(text)
    assert ("calf", "left", "pain") in marks
    assert ("calf", "left", kind) in marks


def test_a_trailing_symptom_with_a_place_of_its_own_keeps_to_it() -> None:
    marks = _marks("He has pain radiating to the right calf and numbness of the right big toe.")
    assert ("calf", "right", "numbness") not in marks
    assert ("great_toe", "right", "numbness") in marks


def test_a_trailing_symptom_at_a_place_we_do_not_map_is_not_moved_to_the_calf() -> None:
    assert ("calf", "left", "tingling") not in _marks("Pain in the left calf and tingling of the fingers.")
