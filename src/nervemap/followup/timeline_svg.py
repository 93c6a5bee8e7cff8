"""The course of an episode as a picture: a server-side SVG timeline and the same data as a table.

Leg and back pain (0-10), the function score and the worst MRC grade per movement are drawn against
weeks since the episode started, one panel each on a shared week axis. The guideline windows (e.g.
6-12 weeks: consider imaging and a surgical opinion when not improving) are shaded across all
panels, every check-in's triage level sits on a strip above them, and a follow-up rule that fired
is a vertical marker labelled with the rule and its source. The same numbers are given as a plain
table (:func:`timeline_text`, :func:`timeline_table`) for those who cannot see the picture, for the
printed report and for copying into a letter.

Why hand-built SVG rather than matplotlib: the picture is a few dozen lines, circles and labels, so
building the elements directly is short, needs no plotting backend or font cache at request time
(matplotlib's first import costs seconds and its SVG carries generated ids, clip paths and glyph
paths), gives the same bytes for the same data without pinning a library version, and lets every
point and window carry its data (``data-week``, ``data-value``, ``data-start``) and an accessible
name (``role="img"``, ``<title>``, ``<desc>``, ``aria-labelledby``). The page inlines it as is, and
WeasyPrint prints it in the PDF report.

Pure functions: no clock, no randomness, no knowledge read at drawing time. :func:`timeline_from_course`
turns a :class:`~nervemap.followup.models.CourseSummary` into a :class:`Timeline`, :func:`timeline_for`
does so with the names from the knowledge base (what the pages and the report use), and
:func:`render_svg` draws one.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

from nervemap.followup.models import CourseSummary, Escalation
from nervemap.knowledge.loader import default_knowledge, followup_of
from nervemap.knowledge.models import Followup, FollowupRuleKind, KnowledgeBase, TriageLevel

SVG_NS = "http://www.w3.org/2000/svg"
WEEK_SECONDS = 7 * 24 * 3600

# Layout (SVG user units; the page scales the drawing to its box).
WIDTH = 760
LEFT = 60  # y-axis labels
LEGEND_WIDTH = 178  # legend column to the right of the plot
PLOT_RIGHT = WIDTH - LEGEND_WIDTH
BAND_TOP = 6  # window labels, then escalation labels
BAND_ROW = 14
STRIP_HEIGHT = 20  # triage strip
PANEL_GAP = 24  # room for a panel's title
PAD = 8  # inner padding so that points at an axis end are not cut
AXIS_SPACE = 40  # x ticks and the axis title
PANEL_HEIGHT = {"pain": 128, "function": 96, "mrc": 96}
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"

# Okabe-Ito colours (distinguishable with colour-vision deficiency), and a shape and dash pattern
# per series so that the lines stay apart in grey print.
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
SHAPES = ("circle", "square", "diamond", "triangle", "triangle-down", "cross")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "4 4", "1 3")
LEVEL_COLOUR = {
    TriageLevel.EMERGENCY: "#a00000",
    TriageLevel.URGENT: "#b34700",
    TriageLevel.SOON: "#7a5d00",
    TriageLevel.ROUTINE: "#1d5e20",
    TriageLevel.SELF_CARE: "#1d5e20",
}
WINDOW_FILL = "#c9d6ea"
WINDOW_TEXT = "#23466e"
MAX_MRC_SERIES = 6  # movements drawn; the others are named in the description and the table
TICK_STEPS = (1, 2, 4, 6, 8, 13, 26, 52)
MAX_TICKS = 12
CHAR_WIDTH = 5.4  # about, at font size 10, to cut a label to the room it has
BOLD_CHAR_WIDTH = 6.6
TIE_OFFSET = 3.0  # between series drawn at the same point
LABEL_CHARS = 64  # a band label is cut here; its full text is in its <title>


@dataclass(frozen=True)
class Series:
    """One line: its id (``leg_pain``, ``mrc:ankle_dorsiflexion:left``), label and (week, value) points."""

    key: str
    label: str
    points: tuple[tuple[float, float], ...]
    short: str | None = None  # for the legend, when the label is long


@dataclass(frozen=True)
class Panel:
    """A y-axis with its series: ``low``..``high`` on the axis, ``better`` says which way is good."""

    key: str
    title: str
    unit: str
    low: float
    high: float
    ticks: tuple[float, ...]
    better: str  # "lower" or "higher"
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Window:
    """A guideline window, shaded from ``start`` to ``end`` weeks (``None``: to the axis end)."""

    start: float
    end: float | None
    label: str
    source: str


@dataclass(frozen=True)
class Marker:
    """A follow-up rule that fired at a check-in: the week, the level it raised to, rule and source."""

    week: float
    level: TriageLevel
    rule: str
    text: str
    source: str


@dataclass(frozen=True)
class Timeline:
    title: str
    panels: tuple[Panel, ...]
    checkins: tuple[tuple[float, TriageLevel], ...]  # (week, the check-in's own triage level)
    windows: tuple[Window, ...] = ()
    markers: tuple[Marker, ...] = ()
    planned: tuple[float, ...] = ()  # weeks of check-ins still to come
    notes: tuple[str, ...] = field(default=())  # said in the description and the table, not drawn


@dataclass(frozen=True)
class FunctionScale:
    """How a function measure is drawn: its label, range and which way is better."""

    label: str
    unit: str
    low: float
    high: float
    better: str
    short: str | None = None


# The function measures of the follow-up knowledge; an unknown one is drawn from 0 to its largest value.
FUNCTION_SCALES = {
    "psfs": FunctionScale("Patient-Specific Functional Scale", "/10", 0, 10, "higher", "PSFS"),
    "odi": FunctionScale("Oswestry Disability Index", "%", 0, 100, "lower", "ODI"),
    "rmdq": FunctionScale("Roland-Morris Disability Questionnaire", "/24", 0, 24, "lower", "RMDQ"),
}


# --------------------------------------------------------------------------- from a course


def _mrc_label(key: str, movement_names: dict[str, str]) -> str:
    movement, _, side = key.partition(":")
    name = movement_names.get(movement, movement.replace("_", " "))
    return name if side in ("", "unsided") else f"{name}, {side}"


def _ticks(low: float, high: float, step: float) -> tuple[float, ...]:
    count = math.floor((high - low) / step + 1e-9)  # no tick beyond the axis end
    return tuple(low + i * step for i in range(count + 1))


def timeline_from_course(
    course: CourseSummary,
    windows: Sequence[Window] = (),
    movement_names: dict[str, str] | None = None,
    function_scales: dict[str, FunctionScale] | None = None,
    title: str = "Course of the episode",
    markers: Sequence[Marker] | None = None,
) -> Timeline:
    """The timeline of a course. ``markers`` default to the course's escalations at its latest
    check-in (the summary holds the rules that fired there); pass earlier ones to show them too."""
    names = movement_names or {}
    scales = {**FUNCTION_SCALES, **(function_scales or {})}
    measures = course.measures
    panels: list[Panel] = []
    pain = tuple(
        Series(
            key,
            label,
            tuple((m.weeks_since_start, v) for m in measures if (v := getattr(m, key)) is not None),
        )
        for key, label in (("leg_pain", "Leg pain"), ("back_pain", "Back pain"))
    )
    panels.append(
        Panel("pain", "Pain (0-10, lower is better)", "/10", 0, 10, _ticks(0, 10, 2), "lower", pain)
    )
    notes: list[str] = []
    if not any(s.points for s in pain):
        notes.append("Pain was not recorded at any check-in.")
    else:
        notes += [f"{s.label} was not recorded at any check-in." for s in pain if not s.points]
    scored = [m for m in measures if m.function is not None]
    if scored:
        measure = next((m.function_measure for m in scored if m.function_measure), None) or "function"
        top = max(m.function for m in scored if m.function is not None)
        scale = scales.get(measure) or FunctionScale(measure.replace("_", " "), "", 0, max(top, 1.0), "lower")
        step = _nice_step(scale.high - scale.low, 5)
        panels.append(
            Panel(
                "function",
                f"Function: {scale.label} ({scale.better} is better)",
                scale.unit,
                scale.low,
                scale.high,
                _ticks(scale.low, scale.high, step),
                scale.better,
                (
                    Series(
                        "function",
                        scale.label,
                        tuple((m.weeks_since_start, m.function) for m in scored if m.function is not None),
                        scale.short,
                    ),
                ),
            )
        )
    else:
        notes.append("Function was not scored at any check-in.")
    examined = sorted({key for m in measures for key in m.worst_mrc})
    if examined:
        # The movements ever below full power, weakest first; full power throughout is a note.
        weakest = {key: min(m.worst_mrc[key] for m in measures if key in m.worst_mrc) for key in examined}
        weak = sorted((k for k in examined if weakest[k] < 5), key=lambda k: (weakest[k], k))
        drawn = weak[:MAX_MRC_SERIES] or examined[:1]
        mrc = tuple(
            Series(
                f"mrc:{key}",
                _mrc_label(key, names),
                tuple((m.weeks_since_start, float(m.worst_mrc[key])) for m in measures if key in m.worst_mrc),
            )
            for key in drawn
        )
        panels.append(
            Panel(
                "mrc", "Power, worst MRC grade (higher is better)", "/5", 0, 5, _ticks(0, 5, 1), "higher", mrc
            )
        )
        strong = [_mrc_label(k, names) for k in examined if weakest[k] == 5 and k not in drawn]
        if strong:
            notes.append(f"Full power (MRC 5) at every examination: {', '.join(strong)}.")
        hidden = [_mrc_label(k, names) for k in weak[MAX_MRC_SERIES:]]
        if hidden:
            notes.append(f"Also weak, in the table only: {', '.join(hidden)}.")
    else:
        notes.append("Power was not examined at any check-in.")
    latest = measures[-1].weeks_since_start if measures else 0.0
    if markers is None:
        markers = [
            Marker(latest, e.triage_level, e.rule_id, e.clinician_text, ", ".join(e.source_ids))
            for e in course.escalations
        ]
    return Timeline(
        title=title,
        panels=tuple(panels),
        checkins=tuple((m.weeks_since_start, m.triage_level) for m in measures),
        windows=tuple(windows),
        markers=tuple(markers),
        planned=tuple(d.weeks for d in course.schedule if d.weeks > latest),
        notes=tuple(notes),
    )


def guideline_windows(course: CourseSummary, followup: Followup, kb: KnowledgeBase) -> tuple[Window, ...]:
    """The 'not improving' window of the follow-up knowledge on the episode's week axis.

    The rule counts weeks of symptoms (from ``from_weeks``, NICE NG59 / Koes 2007) up to the end of
    the usual decision window (the last routine check-in, 12 weeks: Peul 2007); the episode started
    after ``symptom_weeks`` of symptoms, so the window moves left by that much."""
    rule = next(
        (r for r in followup.rules if r.kind is FollowupRuleKind.NOT_IMPROVING and r.from_weeks is not None),
        None,
    )
    if rule is None or rule.from_weeks is None or not course.measures:
        return ()
    start = rule.from_weeks.value
    end = max(interval.weeks.value for interval in followup.schedule.conservative)
    offset = course.measures[0].symptom_weeks or 0.0
    shown_start = max(0.0, start - offset)
    shown_end = end - offset if end - offset > shown_start else None
    step = next((s for s in followup.steps if s.id == rule.plan_step), None)
    action = step.step.split(":")[0] if step is not None else rule.id.replace("_", " ")
    action = action[:1].lower() + action[1:]
    kinds = {s.id: s.kind for s in kb.sources}
    source = next((s for s in rule.sources if kinds.get(s) == "guideline"), rule.sources[0])
    weeks = f"{fmt(start)}-{fmt(end)}" if end > start else f"from {fmt(start)}"
    return (Window(shown_start, shown_end, f"not improving: {action} ({weeks} weeks of symptoms)", source),)


def escalation_markers(course: CourseSummary, escalations: Sequence[Escalation]) -> tuple[Marker, ...]:
    """A marker per rule that fired, at the week of its check-in (the latest when not recorded)."""
    if not course.measures:
        return ()
    start, latest = course.measures[0].at, course.measures[-1].weeks_since_start
    seen: set[tuple[str, float]] = set()
    markers: list[Marker] = []
    for item in escalations:
        week = (item.at - start).total_seconds() / WEEK_SECONDS if item.at is not None else latest
        if (item.rule_id, round(week, 3)) in seen:
            continue
        seen.add((item.rule_id, round(week, 3)))
        markers.append(
            Marker(week, item.triage_level, item.rule_id, item.clinician_text, ", ".join(item.source_ids))
        )
    return tuple(sorted(markers, key=lambda m: m.week))


def timeline_for(
    course: CourseSummary,
    knowledge: KnowledgeBase | None = None,
    title: str = "Course of the episode",
    escalations: Sequence[Escalation] | None = None,
) -> Timeline:
    """The timeline of a course as the pages and the report draw it: movement names and the
    guideline window from the knowledge base, a marker per escalation. ``escalations`` are those of
    every check-in (the store keeps them per check-in); the course itself holds only the latest's."""
    kb = knowledge if knowledge is not None else default_knowledge().knowledge
    names = {m.id: m.name.split(" (")[0] for m in kb.anatomy.movements}  # without the muscles
    events = course.escalations if escalations is None else escalations
    return timeline_from_course(
        course,
        windows=guideline_windows(course, followup_of(kb), kb),
        movement_names=names,
        title=title,
        markers=escalation_markers(course, events),
    )


# --------------------------------------------------------------------------- numbers and scales


def fmt(value: float) -> str:
    """A number as drawn and tabulated: at most one decimal, no trailing '.0'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def week_axis(timeline: Timeline) -> tuple[float, float]:
    """(axis end in weeks, tick step): covers the check-ins, planned check-ins and finite windows."""
    ends = [w for w, _ in timeline.checkins] + list(timeline.planned) + [m.week for m in timeline.markers]
    ends += [w.end if w.end is not None else w.start for w in timeline.windows]
    last = max([1.0, *ends])
    step = next((s for s in TICK_STEPS if last / s <= MAX_TICKS), TICK_STEPS[-1])
    return math.ceil(last / step) * step, step


class _Scale:
    def __init__(self, timeline: Timeline) -> None:
        self.end, self.step = week_axis(timeline)

    def x(self, week: float) -> float:
        return LEFT + PAD + (PLOT_RIGHT - LEFT - 2 * PAD) * week / self.end


def _y(panel: Panel, top: float, value: float) -> float:
    height = PANEL_HEIGHT.get(panel.key, 90)
    share = (value - panel.low) / (panel.high - panel.low) if panel.high > panel.low else 0.0
    return top + height - PAD - (height - 2 * PAD) * share


def _p(value: float) -> str:
    return f"{value:.1f}"


# --------------------------------------------------------------------------- drawing


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _shape(parent: ET.Element, shape: str, x: float, y: float, colour: str, **attrs: str) -> ET.Element:
    r = 3.6
    common = {"fill": colour, "stroke": "#ffffff", "stroke_width": "0.8", **attrs}
    if shape == "circle":
        return _el(parent, "circle", cx=_p(x), cy=_p(y), r=_p(r), **common)
    if shape == "square":
        return _el(parent, "rect", x=_p(x - r), y=_p(y - r), width=_p(2 * r), height=_p(2 * r), **common)
    if shape == "cross":
        a, b, c, e = _p(x - r), _p(y - r), _p(x + r), _p(y + r)
        d = f"M{a} {b}L{c} {e}M{c} {b}L{a} {e}"
        common.update(fill="none", stroke=colour, stroke_width="2")
        return _el(parent, "path", d=d, **common)
    q = r * 1.25
    points = {
        "diamond": ((x, y - q), (x + q, y), (x, y + q), (x - q, y)),
        "triangle": ((x, y - q), (x + q, y + q * 0.8), (x - q, y + q * 0.8)),
        "triangle-down": ((x, y + q), (x + q, y - q * 0.8), (x - q, y - q * 0.8)),
    }[shape]
    return _el(parent, "polygon", points=" ".join(f"{_p(a)},{_p(b)}" for a, b in points), **common)


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe(timeline: Timeline) -> str:
    """The picture in words (the SVG's <desc>): each series from first to last, windows, markers."""
    parts: list[str] = []
    for panel in timeline.panels:
        for series in panel.series:
            if not series.points:
                parts.append(f"{series.label}: not recorded.")
                continue
            (w0, v0), (w1, v1) = series.points[0], series.points[-1]
            if len(series.points) == 1:
                parts.append(f"{series.label}: {fmt(v0)}{panel.unit} at week {fmt(w0)}.")
            else:
                parts.append(
                    f"{series.label}: {fmt(v0)}{panel.unit} at week {fmt(w0)} to {fmt(v1)}{panel.unit} "
                    f"at week {fmt(w1)} ({len(series.points)} check-ins; {panel.better} is better)."
                )
    for window in timeline.windows:
        end = f"{fmt(window.end)}" if window.end is not None else "onwards"
        parts.append(f"Shaded {fmt(window.start)}-{end} weeks: {window.label} ({window.source}).")
    for marker in timeline.markers:
        parts.append(
            f"Week {fmt(marker.week)}: {marker.level.value} - {marker.text} "
            f"(rule {marker.rule}; {marker.source})."
        )
    levels = ", ".join(f"week {fmt(w)} {level.value}" for w, level in timeline.checkins)
    if levels:
        parts.append(f"Triage at each check-in: {levels}.")
    if timeline.planned:
        parts.append(f"Planned check-ins at week {', '.join(fmt(w) for w in timeline.planned)}.")
    parts += list(timeline.notes)
    return " ".join(parts)


def _wrap(text: str, limit: int, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of ``limit`` characters, broken between words; the last
    line is cut (with an ellipsis) when the text does not fit."""
    out: list[str] = []
    rest = text
    while rest and len(out) < lines - 1 and len(rest) > limit:
        cut = rest.rfind(" ", 0, limit + 1)
        cut = cut if cut > 0 else limit
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*out, _cut(rest, limit)] if rest else out


def _window_lines(timeline: Timeline) -> list[list[str]]:
    """Each window's label, wrapped to the room up to the next window (or the drawing's edge)."""
    scale = _Scale(timeline)
    starts = sorted(scale.x(w.start) for w in timeline.windows)
    out = []
    for window in timeline.windows:
        x0 = scale.x(window.start)
        room = min([x for x in starts if x > x0] + [float(WIDTH)]) - x0 - 4
        end = fmt(window.end) if window.end is not None else "+"
        text = f"{fmt(window.start)}–{end} wk: {window.label} ({window.source})"
        out.append(_wrap(text, max(int(room / CHAR_WIDTH), 8)))
    return out


def _band_rows(timeline: Timeline) -> int:
    """The rows of window labels (if any), then one row per marker label."""
    return max((len(lines) for lines in _window_lines(timeline)), default=0) + len(timeline.markers)


def layout(timeline: Timeline) -> dict[str, float]:
    """The top y of the triage strip, of each panel, of the x axis, and the total height."""
    y = BAND_TOP + _band_rows(timeline) * BAND_ROW + 4
    tops: dict[str, float] = {"strip": y}
    y += STRIP_HEIGHT
    for panel in timeline.panels:
        y += PANEL_GAP
        tops[panel.key] = y
        y += PANEL_HEIGHT.get(panel.key, 90)
    tops["axis"] = y
    tops["height"] = y + AXIS_SPACE
    return tops


def render_svg(timeline: Timeline, prefix: str = "timeline") -> str:
    """The timeline as an SVG document (a string to inline in HTML). ``prefix`` starts every id, so
    that several drawings can share one page."""
    scale = _Scale(timeline)
    tops = layout(timeline)
    height = tops["height"]
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": "timeline-svg",
            "viewBox": f"0 0 {WIDTH} {_p(height)}",
            "width": str(WIDTH),
            "height": _p(height),
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "font-family": FONT,
            "font-size": "11",
        },
    )
    _el(root, "title", timeline.title, id=title_id)
    _el(root, "desc", describe(timeline), id=desc_id)
    plot_top, plot_bottom = tops["strip"], tops["axis"]
    _draw_windows(root, timeline, scale, plot_top, plot_bottom)
    _draw_strip(root, timeline, scale, tops["strip"])
    for panel in timeline.panels:
        _draw_panel(root, panel, scale, tops[panel.key])
    _draw_axis(root, scale, plot_bottom)
    _draw_markers(root, timeline, scale, plot_top, plot_bottom)
    ET.indent(root, space="")
    return ET.tostring(root, encoding="unicode")


def _draw_windows(root: ET.Element, timeline: Timeline, scale: _Scale, top: float, bottom: float) -> None:
    group = _el(root, "g", class_="windows")
    for index, (window, lines) in enumerate(zip(timeline.windows, _window_lines(timeline), strict=True)):
        x0 = scale.x(window.start)
        x1 = scale.x(window.end if window.end is not None else scale.end)
        item = _el(
            group,
            "g",
            class_="window",
            data_start=fmt(window.start),
            data_end=fmt(window.end) if window.end is not None else "",
            data_source=window.source,
        )
        rect = _el(
            item,
            "rect",
            x=_p(x0),
            y=_p(top),
            width=_p(max(x1 - x0, 1.0)),
            height=_p(bottom - top),
            fill=WINDOW_FILL,
            fill_opacity="0.45" if index % 2 == 0 else "0.3",
        )
        _el(rect, "title", f"{window.label} ({window.source})")
        for row, line in enumerate(lines):
            _el(
                item,
                "text",
                line,
                class_="window-label",
                x=_p(x0 + 2),
                y=_p(BAND_TOP + BAND_ROW * (row + 1) - 3),
                fill=WINDOW_TEXT,
                font_size="10",
            )


def _draw_strip(root: ET.Element, timeline: Timeline, scale: _Scale, top: float) -> None:
    group = _el(root, "g", class_="triage-strip")
    middle = top + STRIP_HEIGHT / 2
    _el(group, "text", "Triage", x=_p(LEFT - 6), y=_p(middle + 4), text_anchor="end", fill="#333")
    _el(
        group,
        "line",
        x1=_p(LEFT),
        y1=_p(middle),
        x2=_p(PLOT_RIGHT),
        y2=_p(middle),
        stroke="#bbbbbb",
        stroke_width="0.8",
    )
    for week, level in timeline.checkins:
        dot = _el(
            group,
            "circle",
            class_=f"checkin level-{level.value}",
            cx=_p(scale.x(week)),
            cy=_p(middle),
            r="5",
            fill=LEVEL_COLOUR[level],
            data_week=fmt(week),
            data_level=level.value,
        )
        _el(dot, "title", f"Check-in at week {fmt(week)}: triage {level.value}")
    for week in timeline.planned:
        dot = _el(
            group,
            "circle",
            class_="planned",
            cx=_p(scale.x(week)),
            cy=_p(middle),
            r="4.5",
            fill="#ffffff",
            stroke="#555555",
            stroke_width="1.2",
            stroke_dasharray="2 1.5",
            data_week=fmt(week),
        )
        _el(dot, "title", f"Check-in planned at week {fmt(week)}")
    legend_x = PLOT_RIGHT + 14
    _el(
        group,
        "text",
        "● check-in, colour = triage",
        x=_p(legend_x),
        y=_p(middle - 1),
        fill="#333",
        font_size="9.5",
    )
    if timeline.planned:
        _el(
            group,
            "text",
            "○ planned check-in",
            x=_p(legend_x),
            y=_p(middle + 10),
            fill="#333",
            font_size="9.5",
        )


def _draw_panel(root: ET.Element, panel: Panel, scale: _Scale, top: float) -> None:
    height = PANEL_HEIGHT.get(panel.key, 90)
    group = _el(root, "g", class_=f"panel panel-{panel.key}", data_panel=panel.key)
    _el(
        group,
        "text",
        panel.title,
        class_="panel-title",
        x=_p(LEFT),
        y=_p(top - 7),
        font_weight="bold",
        fill="#222",
    )
    _el(
        group,
        "rect",
        x=_p(LEFT),
        y=_p(top),
        width=_p(PLOT_RIGHT - LEFT),
        height=_p(height),
        fill="none",
        stroke="#888888",
        stroke_width="0.8",
    )
    axis = _el(group, "g", class_="y-axis")
    for tick in panel.ticks:
        y = _y(panel, top, tick)
        _el(
            axis,
            "line",
            x1=_p(LEFT),
            y1=_p(y),
            x2=_p(PLOT_RIGHT),
            y2=_p(y),
            stroke="#e3e3e3",
            stroke_width="0.6",
        )
        _el(
            axis,
            "text",
            fmt(tick),
            class_="y-tick",
            x=_p(LEFT - 5),
            y=_p(y + 3.5),
            text_anchor="end",
            fill="#444",
        )
    # Series with the same value at the same week are drawn a little apart, so that neither hides
    # the other (MRC grades often tie); the data attributes keep the exact values.
    sharing: dict[tuple[float, float], list[str]] = {}
    for series in panel.series:
        for at in series.points:
            sharing.setdefault(at, []).append(series.key)
    drawn = [(index, series) for index, series in enumerate(panel.series) if series.points]
    for row, (index, series) in enumerate(drawn):
        colour = PALETTE[index % len(PALETTE)] if panel.key == "mrc" else _colour(series.key, index)
        shape = SHAPES[index % len(SHAPES)]
        dash = DASHES[index % len(DASHES)]
        item = _el(group, "g", class_="series", data_series=series.key)
        coords = [
            (scale.x(w), _y(panel, top, v) + _apart(sharing[(w, v)], series.key)) for w, v in series.points
        ]
        if len(coords) > 1:
            line = {"stroke_dasharray": dash} if dash else {}
            _el(
                item,
                "polyline",
                points=" ".join(f"{_p(x)},{_p(y)}" for x, y in coords),
                fill="none",
                stroke=colour,
                stroke_width="2",
                stroke_linejoin="round",
                **line,
            )
        for (week, value), (x, y) in zip(series.points, coords, strict=True):
            point = _shape(
                item, shape, x, y, colour, class_="point", data_week=fmt(week), data_value=fmt(value)
            )
            _el(point, "title", f"Week {fmt(week)}: {series.label} {fmt(value)}{panel.unit}")
        _legend_entry(group, row, top, series.short or series.label, colour, shape, dash)


def _apart(keys: list[str], key: str) -> float:
    """The vertical offset of one of several series drawn at the same point (0 when alone)."""
    return (keys.index(key) - (len(keys) - 1) / 2) * TIE_OFFSET


def _colour(key: str, index: int) -> str:
    fixed = {"leg_pain": PALETTE[0], "back_pain": PALETTE[1], "function": PALETTE[2]}
    return fixed.get(key, PALETTE[index % len(PALETTE)])


def _legend_entry(
    group: ET.Element, index: int, top: float, label: str, colour: str, shape: str, dash: str
) -> None:
    x = PLOT_RIGHT + 14
    y = top + 10 + index * 15
    entry = _el(group, "g", class_="legend-entry")
    line = {"stroke_dasharray": dash} if dash else {}
    _el(entry, "line", x1=_p(x), y1=_p(y), x2=_p(x + 22), y2=_p(y), stroke=colour, stroke_width="2", **line)
    _shape(entry, shape, x + 11, y, colour)
    _el(entry, "text", _cut(label, 26), x=_p(x + 28), y=_p(y + 3.5), fill="#222", font_size="10")


def _draw_axis(root: ET.Element, scale: _Scale, y: float) -> None:
    group = _el(root, "g", class_="x-axis")
    for tick in _ticks(0, scale.end, scale.step):
        x = scale.x(tick)
        _el(group, "line", x1=_p(x), y1=_p(y), x2=_p(x), y2=_p(y + 4), stroke="#444", stroke_width="0.8")
        _el(
            group,
            "text",
            fmt(tick),
            class_="x-tick",
            x=_p(x),
            y=_p(y + 15),
            text_anchor="middle",
            fill="#444",
        )
    _el(
        group,
        "text",
        "Weeks since the episode started",
        class_="axis-title",
        x=_p((LEFT + PLOT_RIGHT) / 2),
        y=_p(y + 31),
        text_anchor="middle",
        fill="#222",
    )


def _draw_markers(root: ET.Element, timeline: Timeline, scale: _Scale, top: float, bottom: float) -> None:
    group = _el(root, "g", class_="markers")
    first_row = max((len(lines) for lines in _window_lines(timeline)), default=0)
    for index, marker in enumerate(timeline.markers):
        x = scale.x(marker.week)
        colour = LEVEL_COLOUR[marker.level]
        item = _el(
            group,
            "g",
            class_=f"marker level-{marker.level.value}",
            data_week=fmt(marker.week),
            data_level=marker.level.value,
            data_rule=marker.rule,
        )
        _el(item, "title", f"{marker.level.value}: {marker.text} (rule {marker.rule}; {marker.source})")
        _el(
            item,
            "line",
            x1=_p(x),
            y1=_p(top),
            x2=_p(x),
            y2=_p(bottom),
            stroke=colour,
            stroke_width="1.6",
            stroke_dasharray="5 3",
        )
        near_end = x > (LEFT + PLOT_RIGHT) / 2
        room = x if near_end else WIDTH - x
        headline = marker.text.split(":")[0].split(" (")[0]  # the rule's first words; all in <title>
        words = f"{marker.level.value}: {headline} ({marker.source})"
        text = _cut(words, int(room / BOLD_CHAR_WIDTH) - 2)
        text = f"{text} ▲" if near_end else f"▲ {text}"  # the arrow beside the marker's line
        _el(
            item,
            "text",
            text,
            class_="marker-label",
            x=_p(x + (4 if not near_end else -4)),
            y=_p(BAND_TOP + BAND_ROW * (first_row + index + 1) - 3),
            text_anchor="end" if near_end else "start",
            fill=colour,
            font_weight="bold",
            font_size="10",
        )


# --------------------------------------------------------------------------- the same as a table


def timeline_table(timeline: Timeline) -> tuple[list[str], list[list[str]]]:
    """Column headings and one row per check-in: week, each series drawn ('-' when not recorded at
    that check-in; a series never recorded has no column, the notes say so), triage."""
    series = [(panel, s) for panel in timeline.panels for s in panel.series if s.points]
    headings = ["Week", *(f"{s.label} ({panel.unit})" if panel.unit else s.label for panel, s in series)]
    headings.append("Triage")
    rows = []
    for week, level in timeline.checkins:
        row = [fmt(week)]
        for _panel, s in series:
            value = next((v for w, v in s.points if w == week), None)
            row.append("-" if value is None else fmt(value))
        row.append(level.value)
        rows.append(row)
    return headings, rows


def timeline_text(timeline: Timeline) -> str:
    """The timeline as plain text: the table, then windows, markers and notes."""
    headings, rows = timeline_table(timeline)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headings)]
    lines = [timeline.title, ""]
    lines.append(" | ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip())
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    if timeline.windows:
        lines += ["", "Guideline windows:"]
        for w in timeline.windows:
            end = fmt(w.end) if w.end is not None else "onwards"
            lines.append(f"- weeks {fmt(w.start)}-{end}: {w.label} ({w.source})")
    if timeline.markers:
        lines += ["", "Escalations:"]
        lines += [
            f"- week {fmt(m.week)}: {m.level.value} - {m.text} (rule {m.rule}; {m.source})"
            for m in timeline.markers
        ]
    if timeline.planned:
        lines += ["", f"Planned check-ins: week {', '.join(fmt(w) for w in timeline.planned)}"]
    if timeline.notes:
        lines += ["", *timeline.notes]
    return "\n".join(lines) + "\n"
