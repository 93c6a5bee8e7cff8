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
from pydantic import BaseModel, ConfigDict

from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import SIDES as SIDES  # one definition of the two sides
from nervemap.engine.compiled import default_compiled
from nervemap.knowledge.models import Region

View = Literal["front", "back"]
Point = tuple[float, float]
MARK_KINDS = ("pain", "tingling", "numbness")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    label: str  # plain words with the side, for screen readers and the list
    element_id: str


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


def regions() -> dict[str, Region]:
    return default_compiled().regions


@functools.cache
def shapes() -> tuple[Shape, ...]:
    """Every clickable shape: each region on each of its sides, in each view that shows it."""
    geometry = load_geometry()
    out: list[Shape] = []
    seen: set[str] = set()
    for region in regions().values():
        views = geometry.regions.get(region.id, {})
        for side in SIDES if region.lateral else (None,):
            key = key_for(region.id, side)
            for view, polygons in views.items():
                for i, polygon in enumerate(polygons):
                    element_id = key if key not in seen else f"{key}--{view}{i or ''}"
                    seen.add(key)
                    out.append(
                        Shape(
                            key,
                            region.id,
                            side,
                            view,
                            _points(geometry, view, side, polygon),
                            label(region, side),
                            element_id,
                        )
                    )
    return tuple(out)


def outline(view: View) -> list[str]:
    geometry = load_geometry()
    return [_points(geometry, view, side, polygon) for polygon in geometry.outline for side in SIDES]


def missing_geometry() -> list[str]:
    """Region keys (per side) of the knowledge base with no shape: should be empty."""
    drawn = {s.key for s in shapes()}
    wanted = {key_for(r.id, side) for r in regions().values() for side in (SIDES if r.lateral else (None,))}
    return sorted(wanted - drawn)


def unknown_geometry() -> list[str]:
    """Region ids in the geometry file that the knowledge base does not know: should be empty."""
    return sorted(set(load_geometry().regions) - set(regions()))


# ------------------------------------------------------------------ marks and territories


def marks_from_pain_map(pain_map: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """Shape key -> mark kind, from a case's pain map (a lateral mark with no side marks both)."""
    out: dict[str, str] = {}
    known = regions()
    for mark in pain_map or []:
        region = known.get(str(mark.get("region")))
        if region is None:
            continue
        side = mark.get("side")
        sides = [side] if side in SIDES else list(SIDES) if region.lateral else [None]
        for chosen in sides:
            out.setdefault(key_for(region.id, chosen), str(mark.get("kind", "pain")))
    return out


@dataclass(frozen=True)
class Territory:
    name: str  # e.g. "L5 dermatome (left)"
    keys: frozenset[str] = field(default_factory=frozenset)


def territory(assessment: Assessment) -> Territory | None:
    """The skin area of the leading localisation: a root's dermatome or a nerve's territory."""
    if not assessment.localization:
        return None
    top = assessment.localization[0]
    anatomy = default_compiled().knowledge.anatomy
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
    known = regions()
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

    @property
    def geometry(self) -> Geometry:
        return load_geometry()

    @property
    def shapes(self) -> tuple[Shape, ...]:
        return shapes()

    @property
    def unique_shapes(self) -> list[Shape]:
        """One shape per key (for the list of places), ordered from the back down to the toes."""
        first: dict[str, Shape] = {}
        for shape in shapes():
            first.setdefault(shape.key, shape)
        return list(first.values())

    def outline(self, view: View) -> list[str]:
        return outline(view)

    def classes(self, shape: Shape) -> str:
        parts = ["region"]
        if shape.key in self.shaded:
            parts.append("shaded")
        mark = self.marks.get(shape.key)
        if mark:
            parts.append(f"mark-{mark}")
        return " ".join(parts)

    def marked_labels(self) -> list[tuple[str, str]]:
        by_key = {s.key: s.label for s in shapes()}
        return [(by_key.get(k, k), kind) for k, kind in sorted(self.marks.items())]


def picture(
    assessment: Assessment | None, pain_map: Iterable[Mapping[str, Any]] | None, title: str = "Body map"
) -> BodyMapPicture:
    area = territory(assessment) if assessment is not None else None
    return BodyMapPicture(
        marks=marks_from_pain_map(pain_map),
        shaded=area.keys if area else frozenset(),
        territory_name=area.name if area else None,
        title=title,
    )
