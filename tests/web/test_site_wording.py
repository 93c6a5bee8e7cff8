"""Output names its site (issue 17): localisations carry the knowledge-base site id, and the patient
wording is looked up by that id, so every site a patient can see has plain wording (a plexus lesion
was once worded by its kind, 'site:plexus', while its id is 'site:lumbosacral_plexus')."""

from __future__ import annotations

import json
from pathlib import Path

from nervemap.engine.assess import assess_many
from nervemap.engine.assessment import EvidenceSet, Localisation
from nervemap.engine.compiled import default_compiled
from nervemap.interview.catalogue import default_catalogue
from nervemap.presentation.plain import plain_place, site_key


def test_every_site_a_patient_can_see_has_plain_wording() -> None:
    wording = default_catalogue().sites
    for hypothesis in default_compiled().hypotheses:
        place = Localisation(
            site=hypothesis.kind,
            site_id=hypothesis.site,
            root=hypothesis.root,
            nerve=hypothesis.nerve,
            side=hypothesis.side,  # type: ignore[arg-type]
            name=hypothesis.name,
            probability=1.0,
            evidence=EvidenceSet(),
        )
        assert site_key(place) == hypothesis.site
        assert hypothesis.site in wording, hypothesis.site
        assert plain_place(place).startswith(wording[hypothesis.site].patient), hypothesis.key


def test_the_plexus_is_worded_by_its_id() -> None:
    plexus = [h for h in default_compiled().hypotheses if h.kind.value == "plexus"]
    assert plexus
    for hypothesis in plexus:
        assert hypothesis.site == "site:lumbosacral_plexus"
        place = Localisation(
            site=hypothesis.kind,
            site_id=hypothesis.site,
            name=hypothesis.name,
            probability=1.0,
            evidence=EvidenceSet(),
        )
        assert plain_place(place).startswith(default_catalogue().sites[hypothesis.site].patient)


def test_assessment_localisations_carry_their_site_id() -> None:
    golden = Path(__file__).parents[1] / "golden" / "cases.jsonl"
    cases = [json.loads(line)["case"] for line in golden.read_text().splitlines() if line.strip()]
    sites = {h.site for h in default_compiled().hypotheses}
    kinds = set()
    for result in assess_many(cases):
        assert result.localization
        for place in result.localization:
            assert place.site_id in sites
            assert site_key(place) == place.site_id
            kinds.add(place.site)
    assert len(kinds) > 3
