"""The body map is drawn with the knowledge base it is handed (issue 17 item 2): the regions that
have shapes, their words, the marks of a pain map and the shaded territory come from the app's
compiled knowledge (app.state.knowledge), not from the bundled one."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import CompiledKnowledge, compile_knowledge, default_compiled
from nervemap.knowledge.loader import load_knowledge
from nervemap.store.models import User
from nervemap.web import bodymap
from tests.api.conftest import AppFactory, bearer
from tests.web.conftest import sign_in

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"
PAIN_MAP = [
    {"region": "great_toe", "side": "left", "kind": "pain"},
    {"region": "calf", "side": "left", "kind": "numbness"},
]


@pytest.fixture(scope="module")
def small() -> CompiledKnowledge:
    return compile_knowledge(load_knowledge(SMALL_KB))


def test_the_shapes_are_the_regions_of_the_knowledge_base_handed_in(small: CompiledKnowledge) -> None:
    drawn = {shape.region for shape in bodymap.shapes(small)}
    assert drawn == set(small.regions) and "great_toe" not in drawn
    assert "great_toe" in {shape.region for shape in bodymap.shapes()}  # the bundled one has it
    assert {s.label for s in bodymap.shapes(small) if s.region == "leg_lateral"} == {
        "Left outer lower leg",
        "Right outer lower leg",
    }
    assert bodymap.missing_geometry(small) == []
    assert "great_toe" in bodymap.unknown_geometry(small) and bodymap.unknown_geometry() == []
    assert {s.region for z in bodymap.zooms(small) for s in z.shapes} == drawn
    assert bodymap.shapes(small) is bodymap.shapes(small)  # made once, kept on that knowledge base
    assert bodymap.shapes() is bodymap.shapes(default_compiled())


def test_marks_and_territory_follow_the_knowledge_base_handed_in(
    small: CompiledKnowledge, l5_assessment: Assessment
) -> None:
    assert bodymap.marks_from_pain_map(PAIN_MAP, small) == {"left-calf": "numbness"}
    assert bodymap.marks_from_pain_map(PAIN_MAP) == {"left-great_toe": "pain", "left-calf": "numbness"}
    area = bodymap.territory(l5_assessment, small)  # the fixture's L5 dermatome: lateral leg, foot dorsum
    assert area is not None and area.keys == {"left-leg_lateral", "left-foot_dorsum"}
    bundled = bodymap.territory(l5_assessment)
    assert bundled is not None and "left-great_toe" in bundled.keys
    picture = bodymap.picture(l5_assessment, PAIN_MAP, "Body map", small)
    assert picture.shaded == area.keys and picture.marks == {"left-calf": "numbness"}
    assert {s.region for s in picture.shapes} == set(small.regions)
    assert picture.marked_labels() == [("Left calf", "numbness")]


def test_the_assessment_page_draws_the_map_of_the_apps_knowledge(
    make_app: AppFactory, clinician: User
) -> None:
    app = make_app(load_knowledge(SMALL_KB))
    case = {"age": 45, "findings": [{"id": "back_pain"}], "pain_map": PAIN_MAP[1:]}
    with TestClient(app) as client:
        created = client.post("/v1/assessments", json=case, headers=bearer(app, clinician))
        assert created.status_code == 201, created.text
        sign_in(client)
        page = client.get(f"/clinic/assessments/{created.json()['id']}")
    assert page.status_code == 200, page.text
    assert 'id="left-calf"' in page.text and 'id="left-leg_lateral"' in page.text
    assert "great_toe" not in page.text  # a region the bundled knowledge base draws


def test_a_body_map_answer_is_worded_with_the_interviews_knowledge(small: CompiledKnowledge) -> None:
    from nervemap.interview import InterviewSession
    from nervemap.web.patient import answer_rows

    session = InterviewSession("patient", compiled=small)
    session.answer("body_map", [{"region": "leg_lateral", "side": "left", "kind": "pain"}])
    rows = answer_rows(session)
    assert rows == [
        {"id": "body_map", "question": "Where you feel it", "answer": "Left outer lower leg (pain)"}
    ]
    bundled = {r.id: r.patient_name for r in default_compiled().regions.values()}
    assert bundled["leg_lateral"] != "outer lower leg"
