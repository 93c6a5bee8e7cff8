"""The interview's tables derived from the compiled knowledge (issue 17 item 5) are kept on that
object, built once, and never shared between two knowledge bases."""

from __future__ import annotations

from pathlib import Path

from nervemap.engine.compiled import compile_knowledge, default_compiled
from nervemap.interview.candidates import _exam_regions, _map_index, held
from nervemap.knowledge.loader import load_knowledge

SMALL_KB = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"


def test_a_table_is_built_once_and_kept_on_the_compiled_knowledge() -> None:
    compiled = default_compiled()
    built: list[int] = []

    def build(_: object) -> int:
        built.append(1)
        return 7

    assert held(compiled, "test_probe", build) == 7
    assert held(compiled, "test_probe", build) == 7
    assert built == [1]
    del vars(compiled)["_interview_test_probe"]
    assert _map_index(compiled) is _map_index(compiled)
    assert vars(compiled)["_interview_map_index"] is _map_index(compiled)


def test_two_knowledge_bases_get_their_own_tables() -> None:
    bundled = default_compiled()
    small = compile_knowledge(load_knowledge(SMALL_KB))
    regions = {r.id for r in small.knowledge.anatomy.regions}
    assert {mark for mark, _ in _map_index(small).marks} <= regions
    assert _map_index(small) is not _map_index(bundled)
    assert set(_exam_regions(small)) <= regions
    roots = {r.id: r for r in bundled.knowledge.anatomy.roots}
    assert _exam_regions(bundled) == sorted(
        {
            region
            for root in ("L2", "L3", "L4", "L5", "S1")
            if root in roots
            for region in roots[root].dermatome
        }
    )
