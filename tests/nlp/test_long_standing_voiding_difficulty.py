"""A voiding difficulty stated as long-standing (years, or a named chronic cause such as an enlarged
prostate) is not the new bladder disturbance of cauda equina; a new, recent, worsening or undated one
still is (E s17, review finding 2; emergencies.yaml)."""

from __future__ import annotations

import pytest

from tests.nlp.reading import red_flags_of, status_of

FLAG = "ces_sphincter_or_saddle"


@pytest.mark.parametrize(
    "text",
    [
        "Right sciatica for a month. He has had difficulty passing water for many years because of his BPH.",
        "Right sciatica for a month. Weak stream for 10 years.",
    ],
)
def test_a_long_standing_voiding_difficulty_is_not_the_red_flag(text: str) -> None:
    assert status_of(text, "bladder_sensation_altered") == "absent"
    _, flags = red_flags_of(text)
    assert FLAG not in flags


@pytest.mark.parametrize(
    "text",
    [
        "Right sciatica for a month; problems passing urine.",
        # a named cause without a duration of years is not long-standing (reviewer R s17 on 27aa984)
        "Right sciatica for a month; problems passing urine due to an enlarged prostate.",
        "Sciatica for two weeks. Problems passing urine due to his prostate for 2 weeks.",
        "Right sciatica for a month; problems passing urine for two weeks.",
        "Right sciatica for a month; problems passing urine for several months.",
        "Right sciatica; problems passing urine due to an enlarged prostate, but worse since Sunday.",
        "Right sciatica; since Sunday problems passing urine, put down to his prostate.",
    ],
)
def test_a_new_recent_worse_or_undated_voiding_difficulty_stays_the_red_flag(text: str) -> None:
    level, flags = red_flags_of(text)
    assert FLAG in flags
    assert level == "emergency"
