"""The body map: region geometry (data/bodymap.yaml), marks, and the shaded nerve territory.

Region ids and sides come from the knowledge base; this module only places them on the drawing.
A shape's key is ``<side>-<region>`` ("left-foot_dorsum") or, for a midline region, the region id.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import yaml

from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import CompiledKnowledge, default_compiled, held
from nervemap.knowledge.models import Region, Strict
from nervemap.knowledge.vocabulary import SIDES as SIDES  # one definition of the two sides
from nervemap.knowledge.vocabulary import SYMPTOM_KINDS

View = Literal["front", "back"]
Point = tuple[float, float]
MARK_KINDS: tuple[str, ...] = SYMPTOM_KINDS


class _Strict(Strict):
    """The one strict, frozen base model (``knowledge.models.Strict``), not a copy of it."""


class ViewInfo(_Strict):
    centre: float
    label: str


class Heads(_Strict):
    y: float
    r: float


class Geometry(_Strict):
    version: str
    width: float
    height: float
    views: dict[View, ViewInfo]
    outline: list[list[Point]]
    heads: Heads
    regions: dict[str, dict[View, list[list[Point]]]]


@functools.cache
def load_geometry() -> Geometry:
    text = resources.files("nervemap.web").joinpath("data/bodymap.yaml").read_text("utf-8")
    return Geometry.model_validate(yaml.safe_load(text))


def key_for(region: str, side: str | None) -> str:
    return f"{side}-{region}" if side else region


@dataclass(frozen=True)
class Shape:
    key: str
    region: str
    side: str | None
    view: View
    points: str
    label: str  # plain words with the side, for the list and the marks
    element_id: str
    name: str = ""  # unique on the drawing: the label, with the view when drawn in both views

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in drawing units."""
        xy = [tuple(float(v) for v in p.split(",")) for p in self.points.split()]
        xs, ys = [x for x, _ in xy], [y for _, y in xy]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def centre(self) -> tuple[float, float]:
        left, top, right, bottom = self.box
        return (left + right) / 2, (top + bottom) / 2


def _x(geometry: Geometry, view: View, side: str | None, outward: float) -> float:
    centre = geometry.views[view].centre
    # Front: the patient's left is on the viewer's right; back: on the viewer's left.
    towards_left = 1.0 if view == "front" else -1.0
    sign = -towards_left if side == "right" else towards_left
    return centre + sign * outward


def _points(geometry: Geometry, view: View, side: str | None, polygon: Sequence[Point]) -> str:
    return " ".join(f"{_x(geometry, view, side, x):g},{y:g}" for x, y in polygon)


def label(region: Region, side: str | None) -> str:
    return f"{side.capitalize()} {region.patient_name}" if side else region.patient_name.capitalize()


def _compiled(knowledge: CompiledKnowledge | None) -> CompiledKnowledge:
    """The knowledge base the map is drawn with: the app's (``knowledge``), else the packaged one."""
    return knowledge if knowledge is not None else default_compiled()


def regions(knowledge: CompiledKnowledge | None = None) -> dict[str, Region]:
    return _compiled(knowledge).regions


def shapes(knowledge: CompiledKnowledge | None = None) -> tuple[Shape, ...]:
    """Every clickable shape: each region on each of its sides, in each view that shows it (made
    once per knowledge base, kept on it)."""
    return held(_compiled(knowledge), "web_body_shapes", _shapes)


def _shapes(knowledge: CompiledKnowledge) -> tuple[Shape, ...]:
    geometry = load_geometry()
    out: list[Shape] = []
    seen: set[str] = set()
    for region in regions(knowledge).values():
        views = geometry.regions.get(region.id, {})
        for side in SIDES if region.lateral else (None,):
            key = key_for(region.id, side)
            for view, polygons in views.items():
                for i, polygon in enumerate(polygons):
                    element_id = key if key not in seen else f"{key}--{view}{i or ''}"
                    seen.add(key)
                    words = label(region, side)
                    if len(views) > 1:
                        words += ", seen from the front" if view == "front" else ", seen from behind"
                    out.append(
                        Shape(
                            key,
                            region.id,
                            side,
                            view,
                            _points(geometry, view, side, polygon),
                            label(region, side),
                            element_id,
                            words,
                        )
                    )
    return tuple(out)


def drawing_order(knowledge: CompiledKnowledge | None = None) -> tuple[Shape, ...]:
    """The shapes in the order a keyboard or screen reader meets them: the area between the legs
    (a warning sign) first, then each view from the top down and across."""
    views = {"front": 0, "back": 1}
    return tuple(
        sorted(
            shapes(knowledge),
            key=lambda s: (s.region != "saddle", views[s.view], round(s.centre[1] / 12), s.centre[0]),
        )
    )


# ------------------------------------------------------------------ enlarged views (for fingers)
TARGET_PX = 48  # every shape's box in an enlarged view is at least this (44 px wanted, and a margin)
MIN_WIDTH_PX = 250
PARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "back": ("lower back, buttocks and between the legs", ("lower_back", "buttock", "saddle")),
    "thigh": (
        "hip and thigh",
        ("groin", "hip_lateral", "thigh_medial", "thigh_anterior", "thigh_lateral", "thigh_posterior"),
    ),
    "leg": (
        "knee and lower leg",
        (
            "knee_medial",
            "knee_anterior",
            "knee_lateral",
            "popliteal_fossa",
            "leg_medial",
            "leg_anterior",
            "leg_lateral",
            "calf",
        ),
    ),
    "foot": (
        "ankle and foot",
        (
            "ankle_medial",
            "ankle_lateral",
            "foot_dorsum",
            "foot_medial_border",
            "foot_lateral_border",
            "great_toe",
            "first_web_space",
            "lesser_toes",
            "heel",
            "foot_sole",
        ),
    ),
}


@dataclass(frozen=True)
class Zoom:
    """One enlarged view: a part of one leg (or the back) in one view, scaled so that every
    shape's box is at least TARGET_PX CSS pixels."""

    part: str  # e.g. "left-foot"
    label: str  # "Your left ankle and foot"
    view: View
    viewbox: str
    width: int
    height: int
    shapes: tuple[Shape, ...]

    @property
    def prefix(self) -> str:
        return f"z-{self.part}-{self.view}-"


def zooms(knowledge: CompiledKnowledge | None = None) -> tuple[Zoom, ...]:
    """The enlarged views (made once per knowledge base, kept on it)."""
    return held(_compiled(knowledge), "web_body_zooms", _zooms)


def _zooms(knowledge: CompiledKnowledge) -> tuple[Zoom, ...]:
    out: list[Zoom] = []
    for part, (words, region_ids) in PARTS.items():
        for side in ("right", "left") if part != "back" else (None,):
            for view in ("front", "back"):
                chosen = tuple(
                    s
                    for s in drawing_order(knowledge)
                    if s.region in region_ids and s.view == view and (side is None or s.side == side)
                )
                if not chosen:
                    continue
                boxes = [s.box for s in chosen]
                left = min(b[0] for b in boxes) - 2
                top = min(b[1] for b in boxes) - 2
                right = max(b[2] for b in boxes) + 2
                bottom = max(b[3] for b in boxes) + 2
                smallest = min(min(b[2] - b[0], b[3] - b[1]) for b in boxes)
                # big enough for a finger on the smallest shape, and at least MIN_WIDTH_PX wide
                scale = max(TARGET_PX / smallest, MIN_WIDTH_PX / (right - left))
                name = f"{side}-{part}" if side else part
                label_words = f"Your {side} {words}" if side else f"Your {words}"
                out.append(
                    Zoom(
                        name,
                        label_words,
                        view,
                        f"{left:g} {top:g} {right - left:g} {bottom - top:g}",
                        round((right - left) * scale),
                        round((bottom - top) * scale),
                        chosen,
                    )
                )
    return tuple(out)


def outline(view: View) -> list[str]:
    geometry = load_geometry()
    return [_points(geometry, view, side, polygon) for polygon in geometry.outline for side in SIDES]


def missing_geometry(knowledge: CompiledKnowledge | None = None) -> list[str]:
    """Region keys (per side) of the knowledge base with no shape: should be empty."""
    drawn = {s.key for s in shapes(knowledge)}
    wanted = {
        key_for(r.id, side) for r in regions(knowledge).values() for side in (SIDES if r.lateral else (None,))
    }
    return sorted(wanted - drawn)


def unknown_geometry(knowledge: CompiledKnowledge | None = None) -> list[str]:
    """Region ids in the geometry file that the knowledge base does not know: should be empty."""
    return sorted(set(load_geometry().regions) - set(regions(knowledge)))


# ------------------------------------------------------------------ marks and territories


def kinds_of(mark: str | None) -> list[str]:
    """The kinds in a shape's mark: one area can hold several ("pain numbness")."""
    return (mark or "").split()


def add_kind(marks: dict[str, str], key: str, kind: str) -> None:
    """Add ``kind`` to the mark of ``key`` (kept in the order given, each once)."""
    kinds = kinds_of(marks.get(key))
    if kind and kind not in kinds:
        marks[key] = " ".join([*kinds, kind])


def marks_from_pain_map(
    pain_map: Iterable[Mapping[str, Any]] | None, knowledge: CompiledKnowledge | None = None
) -> dict[str, str]:
    """Shape key -> mark kinds (space-separated), from a case's pain map (a lateral mark with no
    side marks both)."""
    out: dict[str, str] = {}
    known = regions(knowledge)
    for mark in pain_map or []:
        region = known.get(str(mark.get("region")))
        if region is None:
            continue
        side = mark.get("side")
        sides = [side] if side in SIDES else list(SIDES) if region.lateral else [None]
        for chosen in sides:
            add_kind(out, key_for(region.id, chosen), str(mark.get("kind", "pain")))
    return out


@dataclass(frozen=True)
class Territory:
    name: str  # e.g. "L5 dermatome (left)"
    keys: frozenset[str] = field(default_factory=frozenset)


def territory(assessment: Assessment, knowledge: CompiledKnowledge | None = None) -> Territory | None:
    """The skin area of the leading localisation: a root's dermatome or a nerve's territory, as
    ``knowledge`` (the app's; default: the packaged one) draws it."""
    if not assessment.localization:
        return None
    top = assessment.localization[0]
    anatomy = _compiled(knowledge).knowledge.anatomy
    area: list[str] = []
    what = ""
    if top.root is not None:
        root = next((r for r in anatomy.roots if r.id == top.root), None)
        area, what = (root.dermatome if root else []), f"{top.root} dermatome"
    elif top.nerve is not None:
        nerve = next((n for n in anatomy.nerves if n.id == top.nerve), None)
        area, what = (nerve.cutaneous if nerve else []), f"{nerve.name if nerve else top.nerve} territory"
    elif top.site.value == "cauda-equina":
        area, what = ["saddle"], "saddle area (S3-S5)"
    if not area:
        return None
    sides = list(SIDES) if top.side in (None, "bilateral") else [top.side]
    known = regions(knowledge)
    keys = {
        key_for(rid, side if known[rid].lateral else None) for rid in area if rid in known for side in sides
    }
    where = {"left": " (left)", "right": " (right)", "bilateral": " (both sides)"}.get(top.side or "", "")
    return Territory(what + where, frozenset(keys))


@dataclass(frozen=True)
class BodyMapPicture:
    """What one drawing shows: marks per shape key, and the shaded territory."""

    marks: Mapping[str, str] = field(default_factory=dict)
    shaded: frozenset[str] = field(default_factory=frozenset)
    territory_name: str | None = None
    interactive: bool = False
    tools: Sequence[str] = MARK_KINDS
    title: str = "Body map"
    knowledge: CompiledKnowledge | None = field(default=None, compare=False, repr=False)  # None: packaged

    @property
    def geometry(self) -> Geometry:
        return load_geometry()

    @property
    def shapes(self) -> tuple[Shape, ...]:
        return shapes(self.knowledge)

    @property
    def ordered_shapes(self) -> tuple[Shape, ...]:
        return drawing_order(self.knowledge)

    @property
    def zooms(self) -> tuple[Zoom, ...]:
        return zooms(self.knowledge)

    @property
    def zoom_parts(self) -> list[tuple[str, str, str]]:
        """(part, label, first view) of each enlarged part, in drawing order."""
        seen: dict[str, tuple[str, str, str]] = {}
        for zoom in zooms(self.knowledge):
            seen.setdefault(zoom.part, (zoom.part, zoom.label, zoom.view))
        return list(seen.values())

    @property
    def unique_shapes(self) -> list[Shape]:
        """One shape per key (for the list of places), ordered from the back down to the toes."""
        first: dict[str, Shape] = {}
        for shape in shapes(self.knowledge):
            first.setdefault(shape.key, shape)
        return list(first.values())

    def outline(self, view: View) -> list[str]:
        return outline(view)

    def classes(self, shape: Shape) -> str:
        parts = ["region"]
        if shape.key in self.shaded:
            parts.append("shaded")
        parts.extend(f"mark-{kind}" for kind in kinds_of(self.marks.get(shape.key)))
        return " ".join(parts)

    def marked_labels(self) -> list[tuple[str, str]]:
        by_key = {s.key: s.label for s in shapes(self.knowledge)}
        return [(by_key.get(k, k), ", ".join(kinds_of(mark))) for k, mark in sorted(self.marks.items())]

    def has(self, key: str, kind: str) -> bool:
        return kind in kinds_of(self.marks.get(key))

    def overlay_kinds(self) -> list[str]:
        """The kinds drawn as patterns: the tools, and any other kind a mark holds."""
        extra = {kind for mark in self.marks.values() for kind in kinds_of(mark)} - set(self.tools)
        return [*self.tools, *sorted(extra)]


def picture(
    assessment: Assessment | None,
    pain_map: Iterable[Mapping[str, Any]] | None,
    title: str = "Body map",
    knowledge: CompiledKnowledge | None = None,
) -> BodyMapPicture:
    """The drawing of a case's pain map and its assessment's leading territory, with ``knowledge``
    (the app's compiled knowledge; default: the packaged one)."""
    area = territory(assessment, knowledge) if assessment is not None else None
    return BodyMapPicture(
        marks=marks_from_pain_map(pain_map, knowledge),
        shaded=area.keys if area else frozenset(),
        territory_name=area.name if area else None,
        title=title,
        knowledge=knowledge,
    )
