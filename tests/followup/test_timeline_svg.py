"""The course timeline: structure of the SVG (points, axes, shaded windows, markers), its accessible
name and description, and the companion table. Compared by structure, not by bytes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from nervemap.followup.models import CourseSummary
from nervemap.followup.timeline_svg import (
    Marker,
    Window,
    escalation_markers,
    guideline_windows,
    render_svg,
    timeline_for,
    timeline_from_course,
    timeline_table,
    timeline_text,
    week_axis,
)
from nervemap.knowledge import default_knowledge
from nervemap.knowledge.loader import followup_of
from nervemap.knowledge.models import TriageLevel
from tests.followup.courses import NG59, START, foot_drop_course, improving_course, measures

NS = {"svg": "http://www.w3.org/2000/svg"}
WINDOW = Window(6, 12, "consider imaging / surgical opinion if not improving", NG59)
NAMES = {"ankle_dorsiflexion": "Ankle dorsiflexion", "hip_abduction": "Hip abduction"}


def draw(course: CourseSummary, windows: tuple[Window, ...] = (WINDOW,), prefix: str = "tl") -> ET.Element:
    timeline = timeline_from_course(course, windows=windows, movement_names=NAMES)
    return ET.fromstring(render_svg(timeline, prefix=prefix))


def series_points(svg: ET.Element, key: str) -> list[tuple[str, str]]:
    group = svg.find(f".//svg:g[@data-series='{key}']", NS)
    assert group is not None, key
    return [(p.get("data-week", ""), p.get("data-value", "")) for p in group if p.get("class") == "point"]


def coordinate(element: ET.Element) -> tuple[float, float]:
    """The centre of a drawn point (circle, square, polygon)."""
    if element.tag.endswith("circle"):
        return float(element.get("cx", "")), float(element.get("cy", ""))
    if element.tag.endswith("rect"):
        size = float(element.get("width", "")) / 2
        return float(element.get("x", "")) + size, float(element.get("y", "")) + size
    xs, ys = zip(*(map(float, pair.split(",")) for pair in element.get("points", "").split()), strict=True)
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def x_ticks(svg: ET.Element) -> dict[str, float]:
    return {t.text or "": float(t.get("x", "")) for t in svg.iterfind(".//svg:text[@class='x-tick']", NS)}


def test_the_svg_is_an_accessible_image_with_title_and_description() -> None:
    svg = draw(foot_drop_course())
    assert svg.get("role") == "img"
    title_id, desc_id = (svg.get("aria-labelledby") or "").split()
    title = svg.find(f"svg:title[@id='{title_id}']", NS)
    desc = svg.find(f"svg:desc[@id='{desc_id}']", NS)
    assert title is not None and title.text == "Course of the episode"
    assert desc is not None and desc.text
    # the description says what the picture shows: the course of each line, the window, the escalation
    assert "Leg pain: 8/10 at week 0 to 7/10 at week 3" in desc.text
    assert "Ankle dorsiflexion, left: 5/5 at week 0 to 2/5 at week 3" in desc.text
    assert f"Shaded 6-12 weeks: consider imaging / surgical opinion if not improving ({NG59})" in desc.text
    assert "Week 3: urgent - New or progressing weakness" in desc.text
    assert "followup-motor-deficit-new-or-progressing" in desc.text
    assert "Full power (MRC 5) at every examination: Hip abduction, left." in desc.text


def test_points_carry_their_week_and_value_and_are_placed_by_them() -> None:
    svg = draw(foot_drop_course())
    assert series_points(svg, "leg_pain") == [("0", "8"), ("2", "7"), ("3", "7")]
    assert series_points(svg, "back_pain") == [("0", "5"), ("3", "5")]  # not recorded at week 2: no point
    assert series_points(svg, "function") == [("0", "52"), ("2", "46")]
    assert series_points(svg, "mrc:ankle_dorsiflexion:left") == [("0", "5"), ("2", "4"), ("3", "2")]
    assert svg.find(".//svg:g[@data-series='mrc:hip_abduction:left']", NS) is None  # full power: a note
    ticks = x_ticks(svg)
    group = svg.find(".//svg:g[@data-series='leg_pain']", NS)
    assert group is not None
    points = [coordinate(p) for p in group if p.get("class") == "point"]
    assert [round(x, 1) for x, _ in points] == [ticks["0"], ticks["2"], pytest.approx(ticks["3"], abs=0.1)]
    (_, y8), (_, y7a), (_, y7b) = points
    assert y8 < y7a == y7b  # a higher score is drawn higher up
    line = group.find("svg:polyline", NS)
    assert line is not None and len((line.get("points") or "").split()) == 3


def test_axes_panels_and_legend_are_labelled() -> None:
    svg = draw(foot_drop_course())
    assert list(x_ticks(svg)) == [str(w) for w in range(13)]  # to the end of the 6-12 week window
    titles = [t.text for t in svg.iterfind(".//svg:text[@class='panel-title']", NS)]
    assert titles == [
        "Pain (0-10, lower is better)",
        "Function: Oswestry Disability Index (lower is better)",
        "Power, worst MRC grade (higher is better)",
    ]
    axis_title = svg.find(".//svg:text[@class='axis-title']", NS)
    assert axis_title is not None and axis_title.text == "Weeks since the episode started"
    pain = svg.find(".//svg:g[@data-panel='pain']", NS)
    assert pain is not None
    assert [t.text for t in pain.iterfind(".//svg:text[@class='y-tick']", NS)] == [
        "0",
        "2",
        "4",
        "6",
        "8",
        "10",
    ]
    legend = [t.text for t in pain.iterfind("svg:g[@class='legend-entry']/svg:text", NS)]
    assert legend == ["Leg pain", "Back pain"]


def test_the_guideline_window_is_shaded_between_its_weeks_on_the_axis() -> None:
    svg = draw(foot_drop_course())
    ticks = x_ticks(svg)
    (window,) = svg.iterfind(".//svg:g[@class='window']", NS)
    assert (window.get("data-start"), window.get("data-end"), window.get("data-source")) == ("6", "12", NG59)
    rect = window.find("svg:rect", NS)
    assert rect is not None
    x, width = float(rect.get("x", "")), float(rect.get("width", ""))
    assert x == pytest.approx(ticks["6"], abs=0.1)
    assert x + width == pytest.approx(ticks["12"], abs=0.2)
    # it spans the triage strip and every panel
    panels = [float(r.get("y", "")) for r in svg.iterfind(".//svg:g[@data-panel]/svg:rect", NS)]
    assert float(rect.get("y", "")) < min(panels)
    label = window.find("svg:text", NS)
    assert label is not None and (label.text or "").startswith("6–12 wk: consider imaging")


def test_an_escalation_is_a_marker_naming_the_rule_and_its_source_at_its_week() -> None:
    svg = draw(foot_drop_course())
    (marker,) = svg.iterfind(".//svg:g[@data-rule]", NS)
    assert marker.get("data-week") == "3" and marker.get("data-level") == "urgent"
    assert marker.get("data-rule") == "followup-motor-deficit-new-or-progressing"
    line = marker.find("svg:line", NS)
    assert line is not None and float(line.get("x1", "")) == pytest.approx(x_ticks(svg)["3"], abs=0.1)
    title = marker.find("svg:title", NS)
    assert title is not None and NG59 in (title.text or "")
    label = marker.find("svg:text", NS)
    assert label is not None and (label.text or "").startswith("▲ urgent: New or progressing weakness")


def test_each_checkin_shows_its_triage_and_planned_checkins_are_open_circles() -> None:
    svg = draw(foot_drop_course())
    strip = svg.find(".//svg:g[@class='triage-strip']", NS)
    assert strip is not None
    done = [
        (c.get("data-week"), c.get("data-level"))
        for c in strip.iterfind("svg:circle", NS)
        if c.get("data-level")
    ]
    assert done == [("0", "routine"), ("2", "soon"), ("3", "urgent")]
    planned = [c.get("data-week") for c in strip.iterfind("svg:circle[@class='planned']", NS)]
    assert planned == ["6", "12"]  # week 2 is past


def test_a_course_without_function_or_examination_draws_pain_only_and_says_so() -> None:
    svg = draw(improving_course(), windows=())
    assert [p.get("data-panel") for p in svg.iterfind(".//svg:g[@data-panel]", NS)] == ["pain"]
    assert svg.find(".//svg:g[@class='window']", NS) is None
    assert svg.find(".//svg:g[@data-rule]", NS) is None
    desc = svg.find("svg:desc", NS)
    assert desc is not None and desc.text
    assert "Function was not scored at any check-in." in desc.text
    assert "Power was not examined at any check-in." in desc.text
    assert list(x_ticks(svg)) == [str(w) for w in range(7)]


def test_drawing_is_deterministic_and_ids_follow_the_prefix() -> None:
    course = foot_drop_course()
    first = render_svg(timeline_from_course(course, windows=(WINDOW,)), prefix="a")
    assert first == render_svg(timeline_from_course(course, windows=(WINDOW,)), prefix="a")
    # the order the examination was recorded in does not change the picture
    reordered = course.model_copy(
        update={
            "measures": [
                m.model_copy(update={"worst_mrc": dict(reversed(m.worst_mrc.items()))})
                for m in course.measures
            ]
        }
    )
    assert render_svg(timeline_from_course(reordered, windows=(WINDOW,)), prefix="a") == first
    other = ET.fromstring(render_svg(timeline_from_course(course), prefix="b"))
    ids = {e.get("id") for e in other.iter() if e.get("id")}
    assert ids == {"b-title", "b-desc"}


def test_text_is_escaped() -> None:
    window = Window(6, None, "<script>alert(1)</script> & more", NG59)
    text = render_svg(timeline_from_course(improving_course(), windows=(window,)))
    assert "<script>" not in text and "&lt;script&gt;" in text
    ET.fromstring(text)  # still well-formed


def test_week_axis_steps_keep_at_most_twelve_ticks() -> None:
    long = improving_course()
    timeline = timeline_from_course(
        long.model_copy(update={"measures": [*long.measures, measures(30, 1, 1, {})]})
    )
    assert week_axis(timeline) == (32, 4)
    assert week_axis(timeline_from_course(improving_course())) == (6, 1)


def test_markers_can_be_given_for_earlier_checkins() -> None:
    marker = Marker(3, TriageLevel.URGENT, "followup-motor-deficit-new-or-progressing", "foot drop", NG59)
    svg = ET.fromstring(render_svg(timeline_from_course(improving_course(), markers=[marker])))
    assert [m.get("data-week") for m in svg.iterfind(".//svg:g[@data-rule]", NS)] == ["3"]


def test_the_table_and_text_hold_the_same_numbers() -> None:
    timeline = timeline_from_course(foot_drop_course(), windows=(WINDOW,), movement_names=NAMES)
    headings, rows = timeline_table(timeline)
    assert headings == [
        "Week",
        "Leg pain (/10)",
        "Back pain (/10)",
        "Oswestry Disability Index (%)",
        "Ankle dorsiflexion, left (/5)",
        "Triage",
    ]
    assert rows == [
        ["0", "8", "5", "52", "5", "routine"],
        ["2", "7", "-", "46", "4", "soon"],
        ["3", "7", "5", "-", "2", "urgent"],
    ]
    text = timeline_text(timeline)
    assert "- weeks 6-12: consider imaging / surgical opinion if not improving (nice-ng59-2016)" in text
    assert "- week 3: urgent - New or progressing weakness" in text
    assert "Planned check-ins: week 6, 12" in text
    assert text.splitlines()[5].split(" | ")[0].strip() == "2"


def test_the_patient_specific_functional_scale_is_drawn_0_to_10_higher_better() -> None:
    course = improving_course()
    scored = [
        m.model_copy(update={"function": value, "function_measure": "psfs"})
        for m, value in zip(course.measures, (3.0, 5.5, 8.0), strict=True)
    ]
    svg = draw(course.model_copy(update={"measures": scored}), windows=())
    panel = svg.find(".//svg:g[@data-panel='function']", NS)
    assert panel is not None
    title = panel.find("svg:text[@class='panel-title']", NS)
    assert (
        title is not None and title.text == "Function: Patient-Specific Functional Scale (higher is better)"
    )
    ticks = [t.text for t in panel.iterfind(".//svg:text[@class='y-tick']", NS)]
    assert ticks[0] == "0" and ticks[-1] == "10"
    assert series_points(svg, "function") == [("0", "3"), ("2", "5.5"), ("6", "8")]


def test_a_series_never_recorded_is_not_drawn_and_ties_are_drawn_apart() -> None:
    course = CourseSummary(
        measures=[
            measures(0, 7, None, {"ankle_dorsiflexion:left": 4, "hip_abduction:left": 4}),
            measures(2, 5, None, {"ankle_dorsiflexion:left": 3, "hip_abduction:left": 4}),
        ],
        overall="worsening",
        triage_level=TriageLevel.ROUTINE,
        needs_clinician_review=False,
    )
    svg = draw(course, windows=())
    assert svg.find(".//svg:g[@data-series='back_pain']", NS) is None
    pain = svg.find(".//svg:g[@data-panel='pain']", NS)
    assert pain is not None
    assert [t.text for t in pain.iterfind("svg:g[@class='legend-entry']/svg:text", NS)] == ["Leg pain"]
    desc = svg.find("svg:desc", NS)
    assert desc is not None and "Back pain: not recorded." in (desc.text or "")
    assert "Back pain was not recorded at any check-in." in (desc.text or "")
    headings, _ = timeline_table(timeline_from_course(course))
    assert headings[:2] == ["Week", "Leg pain (/10)"] and "Back pain (/10)" not in headings
    groups = [
        svg.find(f".//svg:g[@data-series='mrc:{k}:left']", NS)
        for k in ("ankle_dorsiflexion", "hip_abduction")
    ]
    first = [next(coordinate(p) for p in g if p.get("class") == "point") for g in groups if g is not None]
    assert len(first) == 2 and first[0][0] == first[1][0]
    assert abs(first[0][1] - first[1][1]) == pytest.approx(3.0)  # both 4/5 at week 0: drawn apart
    assert series_points(svg, "mrc:hip_abduction:left") == [("0", "4"), ("2", "4")]  # the values stay exact


def _with_symptom_weeks(course: CourseSummary, weeks: float | None) -> CourseSummary:
    first = course.measures[0].model_copy(update={"symptom_weeks": weeks})
    return course.model_copy(update={"measures": [first, *course.measures[1:]]})


@pytest.mark.parametrize(
    ("symptom_weeks", "shown"),
    [(None, (6.0, 12.0)), (3.0, (3.0, 9.0)), (8.0, (0.0, 4.0)), (20.0, (0.0, None))],
)
def test_the_not_improving_window_comes_from_the_knowledge_on_the_episode_axis(
    symptom_weeks: float | None, shown: tuple[float, float | None]
) -> None:
    """The rule counts weeks of symptoms: an episode started after 3 weeks of symptoms meets the
    6-12 week window at its weeks 3-9."""
    kb = default_knowledge().knowledge
    course = _with_symptom_weeks(improving_course(), symptom_weeks)
    (window,) = guideline_windows(course, followup_of(kb), kb)
    assert (window.start, window.end) == shown
    assert window.source == NG59
    assert window.label == (
        "not improving: consider MRI of the lumbar spine and a spinal surgical opinion "
        "(6-12 weeks of symptoms)"
    )
    timeline = timeline_for(course)
    assert timeline.windows == (window,)


def test_escalations_are_marked_at_their_checkin_once() -> None:
    course = foot_drop_course()
    (motor,) = course.escalations
    earlier = motor.model_copy(update={"at": START + timedelta(weeks=2)})
    markers = escalation_markers(course, [earlier, earlier, motor])
    assert [(m.week, m.rule) for m in markers] == [(2.0, motor.rule_id), (3.0, motor.rule_id)]
    timeline = timeline_for(course, escalations=[earlier, motor])
    assert [m.week for m in timeline.markers] == [2.0, 3.0]
    assert timeline_for(course).markers == escalation_markers(course, [motor])
    names = [s.label for p in timeline.panels if p.key == "mrc" for s in p.series]
    assert names == ["Ankle dorsiflexion, left"]  # the knowledge base's name, without the muscles


def test_a_long_window_label_wraps_to_two_lines_and_keeps_its_whole_text_in_the_title() -> None:
    long = Window(
        3, 9, "not improving: " + "consider MRI of the lumbar spine and a surgical opinion " * 3, NG59
    )
    svg = draw(foot_drop_course(), windows=(long,))
    (window,) = svg.iterfind(".//svg:g[@class='window']", NS)
    lines = [t.text or "" for t in window.iterfind("svg:text", NS)]
    assert len(lines) == 2 and lines[0].startswith("3–9 wk: not improving") and lines[1].endswith("…")
    title = window.find("svg:rect/svg:title", NS)
    assert title is not None and title.text == f"{long.label} ({NG59})"
    # the escalation's label sits below both lines
    marker = svg.find(".//svg:g[@data-rule]/svg:text", NS)
    assert marker is not None and float(marker.get("y", "")) > max(
        float(t.get("y", "")) for t in window.iterfind("svg:text", NS)
    )
