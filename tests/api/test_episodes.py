"""Follow-up episodes over the API (issue 19): start, check in, course, triage, schedule, review, links,
audit, outbox, and bad input (a problem naming the field; nothing stored changes)."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from nervemap.store.api_keys import ApiKeyRepository
from nervemap.store.models import AssessmentRecord, AuditEvent, Scope, User
from tests.api.conftest import assert_problem, example
from tests.store.backends import row_counts

Headers = dict[str, str]


def _case(pain: float = 7, **changes: Any) -> dict[str, Any]:
    case = copy.deepcopy(example("l5-left-disc"))
    case.pop("id", None)
    case["scores"] = {"pain_nrs": pain}
    case.update(changes)
    return case


def _weak(case: dict[str, Any], movement: str, grade: int) -> dict[str, Any]:
    for item in case["strength"]:
        if item["movement"] == movement:
            item["grade"] = grade
    return case


def _start(client: TestClient, headers: Headers, session: Session, weeks_ago: float = 0) -> dict[str, Any]:
    """An assessment made ``weeks_ago`` (back-dated in the database), then an episode from it."""
    made = client.post("/v1/assessments", json=_case(), headers=headers)
    assert made.status_code == 201, made.text
    assessment_id = uuid.UUID(made.json()["id"])
    if weeks_ago:
        record = session.get(AssessmentRecord, assessment_id)
        assert record is not None
        record.created_at = datetime.now(UTC) - timedelta(weeks=weeks_ago)
        session.commit()
    started = client.post("/v1/episodes", json={"assessment_id": str(assessment_id)}, headers=headers)
    assert started.status_code == 201, started.text
    episode: dict[str, Any] = started.json()
    return episode


def _at(episode: dict[str, Any], weeks: float) -> str:
    start = datetime.fromisoformat(episode["checkins"][0]["at"])
    return (start + timedelta(weeks=weeks)).isoformat()


def _checkin(
    client: TestClient, headers: Headers, episode: dict[str, Any], case: dict[str, Any], weeks: float
) -> dict[str, Any]:
    response = client.post(
        f"/v1/episodes/{episode['id']}/checkins",
        json=case,
        params={"at": _at(episode, weeks)},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_an_assessment_starts_an_episode_with_planned_checkins(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session)
    assert episode["status"] == "open" and episode["overall"] == "first check-in"
    assert len(episode["checkins"]) == 1
    assert episode["checkins"][0]["assessment_id"] == episode["first_assessment_id"]
    assert episode["triage_level"] == episode["checkins"][0]["triage_level"]
    assert episode["schedule"], "a routine sciatica gets planned check-ins"
    assert {item["status"] for item in episode["schedule"]} == {"planned"}
    assert all(item["source_id"] for item in episode["schedule"])
    assert episode["next_due_at"] == episode["schedule"][0]["due_at"]
    assert episode["knowledge_version"] and episode["nervemap_version"]
    again = client.post(
        "/v1/episodes", json={"assessment_id": episode["first_assessment_id"]}, headers=as_clinician
    )
    assert_problem(again, 409, "body.assessment_id")


def test_an_improving_course_stays_routine(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=7)
    first_level = episode["triage_level"]
    _checkin(client, as_clinician, episode, _case(4), weeks=2)
    done = _checkin(client, as_clinician, episode, _case(2), weeks=6)
    course = done["episode"]
    assert course["overall"] == "improving"
    assert done["escalations"] == []
    assert course["triage_level"] == first_level and not course["needs_clinician_review"]
    assert [c["source"] for c in course["checkins"]] == ["clinician"] * 3
    statuses = {item["weeks"]: item["status"] for item in course["schedule"]}
    assert statuses[2] == "done" and statuses[6] == "done"
    assert course["course"]["measures"][-1]["leg_pain"] == 2
    # The course is read in the order check-ins are added: no check-in before the latest one.
    late_entry = client.post(
        f"/v1/episodes/{episode['id']}/checkins",
        json=_case(3),
        params={"at": _at(episode, 4)},
        headers=as_clinician,
    )
    assert_problem(late_entry, 422, "query.at")


def test_foot_drop_at_week_3_escalates_and_holds_until_reviewed(
    client: TestClient, as_clinician: Headers, as_admin: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=5)
    _checkin(client, as_clinician, episode, _case(6), weeks=1.5)
    dropped = _checkin(client, as_clinician, episode, _weak(_case(6), "ankle_dorsiflexion", 2), weeks=3)
    rules = [e["rule_id"] for e in dropped["escalations"]]
    assert rules == ["new_or_progressing_motor_deficit"]
    assert all(e["source_ids"] for e in dropped["escalations"])
    assert dropped["episode"]["triage_level"] == "urgent"
    assert dropped["episode"]["needs_clinician_review"]
    assert dropped["checkin"]["escalations"] == dropped["escalations"]
    queue = client.get("/v1/episodes", params={"escalated": True}, headers=as_clinician).json()
    assert [e["id"] for e in queue["items"]] == [episode["id"]]
    dropped_id = dropped["assessment"]["id"]
    holding = client.get("/v1/episodes", params={"assessment_id": dropped_id}, headers=as_clinician).json()
    assert [e["id"] for e in holding["items"]] == [episode["id"]]
    # The integrator sees an escalation message naming the rules, without patient text.
    messages = client.get("/v1/outbox", headers=as_admin).json()["items"]
    escalation = [m for m in messages if m["kind"] == "escalation"]
    assert len(escalation) == 1 and escalation[0]["payload"]["rule_ids"] == rules
    assert "text" not in str(escalation[0]["payload"]).lower()
    refused = client.post(f"/v1/outbox/{escalation[0]['id']}/link", json={}, headers=as_admin)
    assert_problem(refused, 409, "path.message_id")  # an escalation is for the clinic, not a check-in
    # A better check-in later does not lower the level while no clinician has reviewed.
    better = _checkin(client, as_clinician, episode, _case(3), weeks=4)
    assert better["episode"]["triage_level"] == dropped["episode"]["triage_level"]
    assert better["episode"]["needs_clinician_review"]
    # The queue still says why: the foot drop no clinician has seen, though the latest check-in is better.
    queue = client.get("/v1/episodes", params={"escalated": True}, headers=as_clinician).json()
    assert [e["rule_id"] for e in queue["items"][0]["open_escalations"]] == rules
    assert [e["rule_id"] for e in better["episode"]["open_escalations"]] == rules
    reviewed = client.post(
        f"/v1/episodes/{episode['id']}/review", json={"comment": "seen; strength back"}, headers=as_clinician
    )
    assert reviewed.status_code == 200, reviewed.text
    after = reviewed.json()
    assert not after["needs_clinician_review"]
    assert after["review"]["comment"] == "seen; strength back"
    assert after["checkins"][-1]["reviewed_at"] is not None
    assert after["triage_level"] not in ("urgent", "emergency")
    assert after["open_escalations"] == []


def test_new_saddle_numbness_is_an_emergency(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=3)
    case = _case(7)
    case["findings"] = [f for f in case["findings"] if f["id"] != "saddle_numbness"]
    case["findings"].append({"id": "saddle_numbness"})
    result = _checkin(client, as_clinician, episode, case, weeks=2)
    assert result["episode"]["triage_level"] == "emergency"
    assert "new_cauda_equina_features" in [e["rule_id"] for e in result["escalations"]]
    assert result["episode"]["needs_clinician_review"]
    # An emergency has no routine check-ins planned: the reminders are withdrawn.
    assert result["episode"]["next_due_at"] is None


def test_not_improving_at_8_weeks_asks_for_imaging_and_surgical_opinion(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=9)
    _checkin(client, as_clinician, episode, _case(7), weeks=2)
    result = _checkin(client, as_clinician, episode, _case(7), weeks=8)
    fired = result["escalations"]
    assert fired, result["episode"]["course"]
    step = [e for e in fired if e["rule_id"] == "not_improving_after_conservative_care"]
    assert len(step) == 1 and "nice-ng59-2016" in step[0]["source_ids"]
    assert step[0]["plan_step_id"] == "consider_mri_and_surgical_opinion" and step[0]["plan_step"]


def test_text_checkins_and_stored_assessments(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=3)
    response = client.post(
        f"/v1/episodes/{episode['id']}/checkins",
        json={"text": "Left sciatica, leg pain 4/10, better than before. No saddle numbness."},
        headers=as_clinician,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["assessment"]["source_kind"] == "text"
    stored = client.get(f"/v1/assessments/{body['assessment']['id']}", headers=as_clinician)
    assert stored.status_code == 200


def test_schedule_is_editable_and_reminders_follow(
    client: TestClient, as_clinician: Headers, as_admin: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=1.5)
    pending = client.get("/v1/outbox", params={"include_future": True}, headers=as_admin).json()
    reminded = {datetime.fromisoformat(m["payload"]["due_at"]) for m in pending["items"]}
    assert reminded == {datetime.fromisoformat(i["due_at"]) for i in episode["schedule"]}
    assert all(
        set(m["payload"]) <= {"episode_id", "kind", "due_at", "weeks", "source_id"} for m in pending["items"]
    )
    first_week = episode["schedule"][0]["weeks"]
    assert first_week <= 1.5  # weakness at the start: re-examined within the first week or two
    due = client.get("/v1/episodes", params={"due": True}, headers=as_clinician).json()
    assert [e["id"] for e in due["items"]] == [episode["id"]]
    assert client.get("/v1/episodes", params={"overdue": True}, headers=as_clinician).json()["total"] == 0
    shown = client.get(f"/v1/episodes/{episode['id']}", headers=as_clinician).json()
    assert shown["schedule"][0]["status"] == "due"
    assert client.get("/v1/outbox", headers=as_admin).json()["total"] == 1  # the one due now
    items = [{"weeks": 4, "reason": "see after physiotherapy"}, {"weeks": 10, "reason": "review"}]
    edited = client.patch(
        f"/v1/episodes/{episode['id']}/schedule", json={"items": items}, headers=as_clinician
    )
    assert edited.status_code == 200, edited.text
    schedule = edited.json()["schedule"]
    assert [(i["weeks"], i["source_id"], i["status"]) for i in schedule] == [
        (4, "clinician", "planned"),
        (10, "clinician", "planned"),
    ]
    assert edited.json()["schedule_edited_by"] is not None
    assert client.get("/v1/episodes", params={"due": True}, headers=as_clinician).json()["total"] == 0
    now_pending = client.get("/v1/outbox", params={"include_future": True}, headers=as_admin).json()["items"]
    assert sorted(m["payload"]["weeks"] for m in now_pending) == [4, 10]
    assert client.get("/v1/outbox", headers=as_admin).json()["total"] == 0  # none due yet
    # Acknowledge one: it is no longer listed; acknowledging again changes nothing.
    first = now_pending[0]["id"]
    acked = client.post(f"/v1/outbox/{first}/ack", headers=as_admin)
    assert acked.status_code == 200 and acked.json()["delivered_at"]
    again = client.post(f"/v1/outbox/{first}/ack", headers=as_admin)
    assert again.json()["delivered_at"] == acked.json()["delivered_at"]
    left = client.get("/v1/outbox", params={"include_future": True}, headers=as_admin).json()["items"]
    assert [m["id"] for m in left] == [now_pending[1]["id"]]
    # Back to the guideline plan: its check-ins (and reminders) return; the clinician's go.
    reset = client.patch(f"/v1/episodes/{episode['id']}/schedule", json={"reset": True}, headers=as_clinician)
    assert reset.status_code == 200, reset.text
    assert [i["weeks"] for i in reset.json()["schedule"]] == [i["weeks"] for i in episode["schedule"]]
    assert reset.json()["schedule_edited_at"] is None
    back = client.get("/v1/outbox", params={"include_future": True}, headers=as_admin).json()["items"]
    assert sorted(m["payload"]["weeks"] for m in back) == sorted(i["weeks"] for i in episode["schedule"])
    for body in ({}, {"reset": True, "items": []}, {"reset": False}):
        refused = client.patch(f"/v1/episodes/{episode['id']}/schedule", json=body, headers=as_clinician)
        assert_problem(refused, 422, "body")


def test_outbox_is_for_admins_and_outbox_keys_only(
    client: TestClient, as_clinician: Headers, as_admin: Headers
) -> None:
    assert_problem(client.get("/v1/outbox", headers=as_clinician), 403, "role")
    assert_problem(client.get("/v1/outbox"), 401)
    assert_problem(client.post(f"/v1/outbox/{uuid.uuid4()}/ack", headers=as_admin), 404, "path.message_id")


def test_a_patient_link_reads_and_checks_in_its_own_episode_only(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    first = _start(client, as_clinician, session, weeks_ago=3)
    second = _start(client, as_clinician, session, weeks_ago=3)
    link_a = client.post(f"/v1/episodes/{first['id']}/links", json={}, headers=as_clinician).json()
    link_b = client.post(f"/v1/episodes/{second['id']}/links", json={}, headers=as_clinician).json()
    assert link_a["episode_id"] == first["id"] and link_a["token"] != link_b["token"]
    view = client.get(link_a["path"])
    assert view.status_code == 200, view.text
    assert view.json()["checkins"] == 1 and "id" not in view.json()
    done = client.post(f"{link_a['path']}/checkins", json=_case(4))
    assert done.status_code == 201, done.text
    assert done.json()["episode"]["checkins"] == 2
    assert done.json()["episode"]["advice"] and all(done.json()["episode"]["advice"])
    assert client.get(link_a["path"]).json()["advice"] == done.json()["episode"]["advice"]
    a = client.get(f"/v1/episodes/{first['id']}", headers=as_clinician).json()
    b = client.get(f"/v1/episodes/{second['id']}", headers=as_clinician).json()
    assert len(a["checkins"]) == 2 and a["checkins"][-1]["source"] == "patient"
    assert len(b["checkins"]) == 1
    assert client.get(link_b["path"]).json()["checkins"] == 1
    # Altered, unknown, or an assessment's patient link: not an episode link.
    assert_problem(
        client.get(link_a["path"][:-1] + ("A" if link_a["path"][-1] != "A" else "B")), 404, "path.token"
    )
    assert_problem(client.get("/v1/episode-links/" + "x" * 300), 404, "path.token")
    shared = client.post(
        "/v1/patient-links", json={"assessment_id": first["first_assessment_id"]}, headers=as_clinician
    ).json()
    assert_problem(client.get(f"/v1/episode-links/{shared['token']}"), 404, "path.token")
    assert_problem(client.get(f"/v1/patient/{link_a['token']}"), 404, "path.token")
    # A closed episode's links stop working.
    closed = client.post(f"/v1/episodes/{first['id']}/close", headers=as_clinician)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert_problem(client.get(link_a["path"]), 410, "path.token")
    assert_problem(client.post(f"{link_a['path']}/checkins", json=_case(3)), 410, "path.token")
    assert client.get(link_b["path"]).status_code == 200


def test_every_read_is_audited(client: TestClient, as_clinician: Headers, session: Session) -> None:
    episode = _start(client, as_clinician, session)
    link = client.post(f"/v1/episodes/{episode['id']}/links", json={}, headers=as_clinician).json()
    obj = f"episode:{episode['id']}"

    def events() -> list[tuple[str, str, str | None]]:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        return [(r.actor, r.action, r.object) for r in rows]

    before = len(events())
    client.get(f"/v1/episodes/{episode['id']}", headers=as_clinician)
    client.get(f"/v1/episodes/{episode['id']}/checkins", headers=as_clinician)
    client.get("/v1/episodes", headers=as_clinician)
    client.get(link["path"])
    new = events()[before:]
    assert [action for _, action, _ in new] == [
        "episode.read",
        "episode.checkins.read",
        "episode.list",
        "episode.read",
    ]
    assert new[0][2] == obj and new[1][2] == obj and new[3][2] == obj
    assert new[0][0].startswith("user:") and new[3][0] == f"episode-link:{link['id']}"
    assert any(a == "episode.create" and o == obj for _, a, o in events())


def test_bad_input_is_a_problem_naming_the_field_and_changes_nothing(
    client: TestClient, as_clinician: Headers, session: Session, connection: Connection
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=3)
    path = f"/v1/episodes/{episode['id']}"
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        ("post", f"/v1/episodes/{uuid.uuid4()}/checkins", {"json": _case()}, 404, "path.episode_id"),
        ("post", f"{path}/checkins", {"json": {"age": "forty"}}, 422, "body.age"),
        ("post", f"{path}/checkins", {"json": {"findings": [{"id": "no_such"}]}}, 422, "body.findings[0].id"),
        (
            "post",
            f"{path}/checkins",
            {"json": _case(), "params": {"at": "2999-01-01T00:00:00Z"}},
            422,
            "query.at",
        ),
        (
            "post",
            f"{path}/checkins",
            {"json": _case(), "params": {"at": "2000-01-01T00:00:00Z"}},
            422,
            "query.at",
        ),
        ("post", f"{path}/checkins", {"json": _case(), "params": {"at": "yesterday"}}, 422, "query.at"),
        ("post", "/v1/episodes", {"json": {"assessment_id": str(uuid.uuid4())}}, 404, "body.assessment_id"),
        ("post", "/v1/episodes", {"json": {"assessment_id": "7"}}, 422, "body.assessment_id"),
        ("get", "/v1/episodes/not-a-uuid", {}, 422, "path.episode_id"),
        ("get", f"/v1/episodes/{uuid.uuid4()}", {}, 404, "path.episode_id"),
        (
            "patch",
            f"{path}/schedule",
            {"json": {"items": [{"weeks": 0, "reason": "x"}]}},
            422,
            "body.items[0].weeks",
        ),
        ("patch", f"{path}/schedule", {"json": {"items": [{"weeks": 2}]}}, 422, "body.items[0].reason"),
        (
            "patch",
            f"{path}/schedule",
            {"json": {"items": [{"weeks": 2, "reason": "a"}, {"weeks": 2, "reason": "b"}]}},
            422,
            "body.items",
        ),
        ("post", f"{path}/review", {"json": {"comment": ""}}, 422, "body.comment"),
        ("post", f"{path}/links", {"json": {"expires_in_hours": -1}}, 422, "body.expires_in_hours"),
        ("get", "/v1/episodes", {"params": {"triage": "soonish"}}, 422, "query.triage"),
    ]
    before = row_counts(connection)
    for method, url, kwargs, status, field in cases:
        response = client.request(method.upper(), url, headers=as_clinician, **kwargs)
        assert_problem(response, status, field)
        after = row_counts(connection)
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k] and k != "audit_events"}
        assert changed == {}, (method, url, changed)
    client.post(f"{path}/close", headers=as_clinician)
    closed = client.post(f"{path}/checkins", json=_case(), headers=as_clinician)
    assert_problem(closed, 409, "path.episode_id")


def test_only_clinicians_read_episodes(client: TestClient, as_admin: Headers) -> None:
    assert_problem(client.get("/v1/episodes", headers=as_admin), 403, "role")
    assert_problem(client.get(f"/v1/episodes/{uuid.uuid4()}", headers=as_admin), 403, "role")
    assert_problem(client.get("/v1/episodes"), 401)


def test_outbox_keys_need_the_outbox_scope(client: TestClient, admin: User, session: Session) -> None:
    """An integrator's key: an admin's, with the 'outbox' scope; the 'admin' scope alone is not enough."""
    admin_only = ApiKeyRepository(session).issue(admin, [Scope.ADMIN])
    outbox_key = ApiKeyRepository(session).issue(admin, [Scope.OUTBOX])
    session.commit()
    assert_problem(client.get("/v1/outbox", headers={"X-API-Key": admin_only.key}), 403, "header.X-API-Key")
    assert client.get("/v1/outbox", headers={"X-API-Key": outbox_key.key}).status_code == 200
    assert_problem(client.get("/v1/audit", headers={"X-API-Key": outbox_key.key}), 403, "header.X-API-Key")


def test_a_checkin_the_day_after_the_start_does_not_count_for_the_first_planned_one(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=2)
    first = episode["schedule"][0]
    early = _checkin(client, as_clinician, episode, _case(6), weeks=1 / 7)
    assert early["episode"]["schedule"][0]["status"] != "done"
    on_time = _checkin(client, as_clinician, episode, _case(5), weeks=first["weeks"] - 0.2)
    assert on_time["episode"]["schedule"][0]["status"] == "done"
    assert on_time["episode"]["schedule"][0]["checkin_id"] == on_time["checkin"]["id"]


def test_a_link_attaches_only_a_patients_own_new_assessment(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    """The web interview finishes, then attaches its assessment through the link (services layer)."""
    from nervemap.engine.assess import assess
    from nervemap.services import episodes as service
    from nervemap.store.assessments import AssessmentRepository
    from nervemap.store.interviews import service_user
    from nervemap.store.models import SourceKind

    episode = _start(client, as_clinician, session, weeks_ago=2)
    link = client.post(f"/v1/episodes/{episode['id']}/links", json={}, headers=as_clinician).json()
    clinician_made = client.post("/v1/assessments", json=_case(5), headers=as_clinician).json()
    try:
        service.link_attach(session, link["token"], uuid.UUID(clinician_made["id"]))
    except service.EpisodeError as error:
        assert error.status == 404 and error.errors == [("body.assessment_id", "unknown id")]
    else:
        raise AssertionError("a clinician's assessment was attached through a patient's link")
    session.rollback()
    case = _case(4)
    patients = AssessmentRepository(session).add(
        created_by=service_user(session).id,
        source_kind=SourceKind.STRUCTURED,
        input=case,
        assessment=assess(case),
    )
    session.commit()
    result = service.link_attach(session, link["token"], patients.id)
    assert result.checkin.source == "patient" and result.checkin.at == patients.created_at
    assert result.checkin.actor == f"episode-link:{link['id']}"
    shown = client.get(f"/v1/episodes/{episode['id']}", headers=as_clinician).json()
    assert [c["source"] for c in shown["checkins"]] == ["clinician", "patient"]


def test_a_fault_reading_the_course_keeps_the_checkin_and_asks_for_review(
    client: TestClient, as_clinician: Headers, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nervemap.services import episodes as service

    episode = _start(client, as_clinician, session, weeks_ago=3)

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a fault in the follow-up rules")

    monkeypatch.setattr(service, "summarise_course", broken)
    case = _case(7)
    case["findings"] = [f for f in case["findings"] if f["id"] != "urinary_retention"]
    case["findings"].append({"id": "urinary_retention"})  # a red flag the fallback must not hide
    result = _checkin(client, as_clinician, episode, case, weeks=2)
    shown = result["episode"]
    assert len(shown["checkins"]) == 2 and shown["needs_clinician_review"]
    assert shown["triage_level"] == result["assessment"]["triage_level"]  # the check-in's own level
    assert [e["rule_id"] for e in result["escalations"]] == ["course-unavailable"]
    assert shown["course"]["measures"][-1]["triage_level"] == result["assessment"]["triage_level"]
    assert result["assessment"]["triage_level"] == "emergency"


def test_a_retried_checkin_is_stored_once(
    client: TestClient, as_clinician: Headers, session: Session, connection: Connection
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=3)
    path = f"/v1/episodes/{episode['id']}/checkins"
    key = {"Idempotency-Key": "visit-2026-12-05-a", **as_clinician}
    first = client.post(path, json=_case(5), headers=key)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    before = row_counts(connection)
    again = client.post(path, json=_case(5), headers=key)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["checkin"]["id"] == first.json()["checkin"]["id"]
    assert again.json()["assessment"]["id"] == first.json()["assessment"]["id"]
    after = row_counts(connection)
    assert {k: after[k] - before[k] for k in before if after[k] != before[k]} == {"audit_events": 1}
    assert_problem(client.post(path, json=_case(2), headers=key), 409, "header.Idempotency-Key")
    assert_problem(
        client.post(path, json=_case(5), headers={"Idempotency-Key": "no spaces", **as_clinician}),
        422,
        "header.Idempotency-Key",
    )
    # The patient's link takes the same header; keys are per episode.
    link = client.post(f"/v1/episodes/{episode['id']}/links", json={}, headers=as_clinician).json()
    patient = {"Idempotency-Key": "app-retry-1"}
    one = client.post(f"{link['path']}/checkins", json=_case(4), headers=patient)
    two = client.post(f"{link['path']}/checkins", json=_case(4), headers=patient)
    assert one.status_code == two.status_code == 201
    assert (
        one.json()["checkin_id"] == two.json()["checkin_id"] and two.headers["idempotent-replayed"] == "true"
    )
    shown = client.get(f"/v1/episodes/{episode['id']}", headers=as_clinician).json()
    assert len(shown["checkins"]) == 3


def test_a_course_stored_by_another_version_is_read_again(
    client: TestClient, as_clinician: Headers, session: Session
) -> None:
    """A stored course the current model no longer reads (an old field) is read again from the check-ins."""
    from nervemap.store.models import Episode

    episode = _start(client, as_clinician, session, weeks_ago=3)
    _checkin(client, as_clinician, episode, _case(5), weeks=2)
    record = session.get(Episode, uuid.UUID(episode["id"]))
    assert record is not None
    record.course = {**record.course, "a_field_of_an_older_version": 1}
    session.commit()
    shown = client.get(f"/v1/episodes/{episode['id']}", headers=as_clinician)
    assert shown.status_code == 200, shown.text
    assert len(shown.json()["course"]["measures"]) == 2


def test_an_integrator_gets_a_fresh_link_to_send_with_a_reminder(
    client: TestClient, as_clinician: Headers, as_admin: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=1.5)
    reminder = client.get("/v1/outbox", headers=as_admin).json()["items"][0]
    assert reminder["kind"] == "checkin-due" and reminder["episode_id"] == episode["id"]
    made = client.post(f"/v1/outbox/{reminder['id']}/link", json={}, headers=as_admin)
    assert made.status_code == 201, made.text
    link = made.json()
    assert link["episode_id"] == episode["id"] and link["page"] == f"/checkin?link={link['token']}"
    expires = datetime.fromisoformat(link["expires_at"])
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14)
    assert client.get(link["path"]).status_code == 200
    assert_problem(
        client.post(f"/v1/outbox/{uuid.uuid4()}/link", json={}, headers=as_admin), 404, "path.message_id"
    )
    client.post(f"/v1/episodes/{episode['id']}/close", headers=as_clinician)
    assert_problem(client.get(link["path"]), 410, "path.token")


def test_a_checkin_entered_in_error_is_voided_kept_and_no_longer_read(
    client: TestClient, as_clinician: Headers, as_admin: Headers, session: Session
) -> None:
    episode = _start(client, as_clinician, session, weeks_ago=5)
    _checkin(client, as_clinician, episode, _case(5), weeks=2)
    wrong = _checkin(client, as_clinician, episode, _weak(_case(5), "ankle_dorsiflexion", 1), weeks=3)
    assert wrong["episode"]["triage_level"] == "urgent" and wrong["escalations"]
    path = f"/v1/episodes/{episode['id']}/checkins"
    voided = client.post(
        f"{path}/{wrong['checkin']['id']}/void",
        json={"reason": "grades of the other leg"},
        headers=as_clinician,
    )
    assert voided.status_code == 200, voided.text
    after = voided.json()
    assert [c["id"] for c in after["voided_checkins"]] == [wrong["checkin"]["id"]]
    assert after["voided_checkins"][0]["void_reason"] == "grades of the other leg"
    assert wrong["checkin"]["id"] not in [c["id"] for c in after["checkins"]]
    assert len(after["course"]["measures"]) == 2 and after["triage_level"] != "urgent"
    assert not after["needs_clinician_review"] and after["open_escalations"] == []
    messages = client.get("/v1/outbox", params={"include_future": True}, headers=as_admin).json()["items"]
    assert [m for m in messages if m["kind"] == "escalation"] == []  # its message is withdrawn
    # Not twice, not the starting assessment, not another episode's check-in.
    again = client.post(f"{path}/{wrong['checkin']['id']}/void", json={"reason": "x"}, headers=as_clinician)
    assert_problem(again, 409, "path.checkin_id")
    first = after["checkins"][0]["id"]
    assert_problem(
        client.post(f"{path}/{first}/void", json={"reason": "x"}, headers=as_clinician),
        409,
        "path.checkin_id",
    )
    other = _start(client, as_clinician, session, weeks_ago=1)
    foreign = f"/v1/episodes/{other['id']}/checkins/{after['checkins'][1]['id']}/void"
    assert_problem(client.post(foreign, json={"reason": "x"}, headers=as_clinician), 404, "path.checkin_id")
    assert_problem(
        client.post(f"{path}/{uuid.uuid4()}/void", json={"reason": ""}, headers=as_clinician),
        422,
        "body.reason",
    )
