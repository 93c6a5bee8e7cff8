"""The arrows between the parts (docs/architecture.md), enforced on the source with an AST walk.

Only arrows that hold today are forbidden here: the core (engine, knowledge, nlp) imports no
front end (api, web, cli, interop), nor the store, the interview, follow-up, batch or evaluation;
the interview and the store import no front end either; follow-up imports only the engine and the
knowledge base, and the store keeps follow-up records as JSON without importing them. Every
import counts, also one inside a function or under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "nervemap"
FRONT_ENDS = ("api", "web", "cli", "interop")
CORE = ("engine", "knowledge", "nlp")
# part -> the parts it must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{part: (*FRONT_ENDS, "store", "interview", "batch", "evaluation") for part in CORE},
    # the interview and the store serve the front ends, never the other way round
    "interview": (*FRONT_ENDS, "store", "batch", "evaluation"),
    "store": (*FRONT_ENDS, "interview", "nlp", "batch", "evaluation", "followup"),
    # follow-up over time (issue 19) reads the engine's records with the knowledge base's rules
    "followup": (*FRONT_ENDS, "store", "interview", "nlp", "batch", "evaluation"),
    # services of the core serve every front end and word no error in HTTP (issue 19 started them)
    "services": (*FRONT_ENDS, "batch", "evaluation"),
}
for _part in CORE:  # the core does not know about follow-up either
    FORBIDDEN[_part] = (*FORBIDDEN[_part], "followup")
for _part in (*CORE, "interview", "store", "followup"):  # nor about the services built on it
    FORBIDDEN[_part] = (*FORBIDDEN[_part], "services")


def imported_parts(path: Path, src: Path = SRC) -> list[tuple[int, str]]:
    """(line, part) for every ``nervemap.<part>`` a module imports, wherever the import stands."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "nervemap":
                names = [f"nervemap.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # a relative import: resolve it against the module's own package
            module = ("nervemap", *path.relative_to(src).with_suffix("").parts)
            package = module[: -node.level]
            base = ".".join(package)
            if node.module:
                names = [f"{base}.{node.module}"]
            else:
                names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "nervemap" and len(parts) > 1:
                out.append((node.lineno, parts[1]))
    return out


def violations(part: str, src: Path = SRC) -> list[str]:
    found = []
    for path in sorted((src / part).rglob("*.py")):
        for line, target in imported_parts(path, src):
            if target in FORBIDDEN[part]:
                found.append(f"{path.relative_to(src)}:{line} imports nervemap.{target}")
    return found


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_no_forbidden_arrow(part: str) -> None:
    assert violations(part) == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    engine = tmp_path / "engine"
    engine.mkdir()
    (engine / "bad.py").write_text(
        "from nervemap.web.present import percent\n\n\ndef f():\n    import nervemap.api.app\n"
    )
    (engine / "rel.py").write_text("from ..cli import main\n")
    found = violations("engine", src=tmp_path)
    assert any("bad.py:1 imports nervemap.web" in v for v in found)
    assert any("bad.py:5 imports nervemap.api" in v for v in found)
    assert any("rel.py:1 imports nervemap.cli" in v for v in found)
