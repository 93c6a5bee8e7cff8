"""The body-map geometry covers exactly the knowledge base's regions, on each side."""

from __future__ import annotations

from nervemap.engine.assessment import Assessment
from nervemap.engine.compiled import default_compiled
from nervemap.web import bodymap


def test_every_region_has_geometry_on_each_side() -> None:
    assert bodymap.missing_geometry() == []
    drawn = {(s.region, s.side) for s in bodymap.shapes()}
    for region in default_compiled().knowledge.anatomy.regions:
        sides = ("left", "right") if region.lateral else (None,)
        for side in sides:
            assert (region.id, side) in drawn, f"{region.id} ({side}) has no shape"


def test_geometry_names_only_known_regions_and_ids_are_unique() -> None:
    assert bodymap.unknown_geometry() == []
    ids = [s.element_id for s in bodymap.shapes()]
    assert len(ids) == len(set(ids))
    assert "left-foot_dorsum" in ids and "right-foot_dorsum" in ids


def test_sides_are_mirrored_per_view() -> None:
    geometry = bodymap.load_geometry()
    for shape in bodymap.shapes():
        if shape.side is None:
            continue
        xs = [float(p.split(",")[0]) for p in shape.points.split()]
        centre = geometry.views[shape.view].centre
        # front view: the patient's left is on the viewer's right; back view: on the left
        on_right = sum(xs) / len(xs) > centre
        assert on_right == ((shape.side == "left") == (shape.view == "front")), shape


def test_the_l5_dermatome_is_shaded_on_the_left(l5_assessment: Assessment) -> None:
    area = bodymap.territory(l5_assessment)
    assert area is not None and area.name == "L5 dermatome (left)"
    assert {"left-foot_dorsum", "left-great_toe", "left-leg_lateral"} <= area.keys
    assert not any(key.startswith("right-") for key in area.keys)


def test_marks_from_a_pain_map() -> None:
    marks = bodymap.marks_from_pain_map(
        [
            {"region": "buttock", "side": "left", "kind": "pain"},
            {"region": "saddle", "side": None, "kind": "numbness"},
        ]
    )
    assert marks == {"left-buttock": "pain", "saddle": "numbness"}


def test_two_drawings_with_prefixes_share_a_page_without_clashing_ids() -> None:
    import re

    from nervemap.web.templating import templates

    module = templates().env.get_template("_bodymap.html").module
    picture = bodymap.BodyMapPicture(marks={"left-foot_dorsum": "pain"})
    page = str(module.drawing(picture, "First", "c1-")) + str(module.drawing(picture, "Second", "c2-"))  # type: ignore[attr-defined]
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) and "c1-left-foot_dorsum" in ids and "c2-pat-pain" in ids
    assert 'fill="url(#c2-pat-pain)"' in page and 'fill="url(#pat-pain)"' not in page


def test_enlarged_views_cover_every_area_at_finger_size() -> None:
    """Every clickable shape is in an enlarged view of its part, and there each shape's box is at
    least 44 CSS px (48 by design); the browser test measures the rendered boxes too."""
    zoomed = {(s.element_id, z.view) for z in bodymap.zooms() for s in z.shapes}
    assert {(s.element_id, s.view) for s in bodymap.shapes()} <= zoomed
    for zoom in bodymap.zooms():
        _, _, width, _ = (float(v) for v in zoom.viewbox.split())
        scale = zoom.width / width
        for shape in zoom.shapes:
            left, top, right, bottom = shape.box
            assert (right - left) * scale >= 44 and (bottom - top) * scale >= 44, (zoom.part, shape.name)
        assert zoom.width <= 340, zoom.part  # fits a 390 px phone with the page margins
        assert zoom.label.startswith("Your ")


def test_keyboard_order_starts_between_the_legs_and_names_are_unique() -> None:
    order = bodymap.drawing_order()
    assert order[0].region == "saddle"
    assert sorted(s.element_id for s in order) == sorted(s.element_id for s in bodymap.shapes())
    names = [s.name for s in order]
    assert len(names) == len(set(names))
    assert "Left outer side of the lower leg, seen from behind" in names
