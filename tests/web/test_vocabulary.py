"""One vocabulary for the imaging form (issue 17): every option the form offers is accepted.

A copy of the zone list once offered 'extraforaminal', which the case model refuses, so choosing it
in the clinician form gave a 422. The form now takes its options from the case model itself.
"""

from __future__ import annotations

import itertools
import re
from importlib import resources

from starlette.datastructures import FormData

from nervemap.engine.case import Case, ImagingFinding
from nervemap.web import forms


def test_every_imaging_option_the_form_offers_is_accepted() -> None:
    options = forms.IMAGING_OPTIONS
    for kind, level, zone, side in itertools.product(
        options["img_kind"], options["img_level"], options["img_zone"], options["img_side"]
    ):
        posted = FormData([("img_kind", kind), ("img_level", level), ("img_zone", zone), ("img_side", side)])
        entries = forms._imaging(posted)
        assert entries == [{"kind": kind, "level": level, "zone": zone, "side": side}]
        finding = ImagingFinding.model_validate(entries[0])
        assert finding.zone is not None and finding.zone.value == zone
        Case.model_validate({"imaging": entries})


def test_far_lateral_is_offered_and_extraforaminal_is_not() -> None:
    assert "far-lateral" in forms.IMAGING_OPTIONS["img_zone"]
    assert "extraforaminal" not in forms.IMAGING_OPTIONS["img_zone"]


def test_the_question_page_has_no_option_list_of_its_own() -> None:
    page = resources.files("nervemap.web").joinpath("templates/question.html").read_text()
    for name in forms.IMAGING_OPTIONS:
        select = re.search(rf'<select name="{name}">(.*?)</select>', page, re.S)
        assert select is not None, name
        assert f"imaging_options.{name}" in select.group(1)
        assert '", "' not in select.group(1), f"{name} lists its own options"
