"""The arrows between the parts (docs/architecture.md), enforced on the source with an AST walk.

Only arrows that hold today are forbidden here: the core (engine, knowledge, nlp) imports no
front end (api, web, cli, interop), nor the store, the interview, follow-up, batch or evaluation;
the interview and the store import no front end either; follow-up imports only the engine and the
knowledge base, and the store keeps follow-up records as JSON without importing them. Issue 17: the
web pages and the API never import each other (what both need is in ``server``, ``presentation``
and ``services``), interop imports neither, only the composition root ``nervemap.app`` (and the
commands that serve it) mounts them all, and the front ends reach the store only through the
services (``STORE_ALLOWED`` names what still does, each with its reason). Every import counts, also
one inside a function or under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "nervemap"
FRONT_ENDS = ("api", "web", "cli", "interop")
CORE = ("engine", "knowledge", "nlp")
# the parts issue 17 added: the composition root, the HTTP plumbing and the shared wording
ABOVE = ("app", "server", "presentation")
# part -> the parts it must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{part: (*FRONT_ENDS, "store", "interview", "batch", "evaluation") for part in CORE},
    # the interview and the store serve the front ends, never the other way round
    "interview": (*FRONT_ENDS, "store", "batch", "evaluation"),
    "store": (*FRONT_ENDS, "interview", "nlp", "batch", "evaluation", "followup"),
    # follow-up over time (issue 19) reads the engine's records with the knowledge base's rules
    "followup": (*FRONT_ENDS, "store", "interview", "nlp", "batch", "evaluation"),
    # services of the core serve every front end and word no error in HTTP (issue 19 started them)
    "services": (*FRONT_ENDS, "batch", "evaluation", *ABOVE),
    # issue 17: the two HTTP front ends share server/, presentation/ and services/, never each other
    "api": ("web", "app"),
    "web": ("api", "app"),
    "interop": ("api", "web", "app"),
    "server": (*FRONT_ENDS, "store", "app", "presentation", "batch", "evaluation"),
    "presentation": (*FRONT_ENDS, "store", "services", "server", "app", "batch", "evaluation", "followup"),
}
for _part in CORE:  # the core does not know about follow-up either
    FORBIDDEN[_part] = (*FORBIDDEN[_part], "followup")
for _part in (*CORE, "interview", "store", "followup"):  # nor about the services built on it
    FORBIDDEN[_part] = (*FORBIDDEN[_part], "services", *ABOVE)
# the commands that serve the whole service import its composition root
ROOT_ALLOWED = {
    ("api/cli.py", "app"): "`nervemap serve` runs the service create_app builds",
    ("web/cli.py", "app"): "`nervemap web demo-app` runs the service create_app builds",
}
# Front ends reach the store only through the services (issue 17); nervemap.store.types (UTC time
# helpers, no database) is allowed. What still does, each with its reason: nothing (invitations go
# through services/accounts.py since issue 17 item 1 was finished).
STORE_FREE = ("nervemap.store.types",)
# Lower parts that raise the services' domain errors themselves, each with its reason: only the module
# of errors (services/errors.py imports nothing of the project), never a service.
ERRORS_ALLOWED: dict[tuple[str, str], str] = {
    ("store/db.py", "nervemap.services.errors"): "the SQLite write gate's WriteBusy is the domain's "
    "Unavailable ('busy', a 503 problem; a page's error) wherever the write was attempted (issue 16)",
}
STORE_ALLOWED: dict[str, str] = {}
WEB_API_ALLOWED: dict[str, str] = {}  # the web imports nothing of the API


def imported_names(path: Path, src: Path = SRC) -> list[tuple[int, str]]:
    """(line, dotted name) for every ``nervemap.…`` module a module imports, wherever the import stands."""
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
                out.append((node.lineno, name))
    return out


def imported_parts(path: Path, src: Path = SRC) -> list[tuple[int, str]]:
    """(line, part) for every ``nervemap.<part>`` a module imports, wherever the import stands."""
    return [(line, name.split(".")[1]) for line, name in imported_names(path, src)]


def _files(part: str, src: Path) -> list[Path]:
    single = src / f"{part}.py"
    return [single] if single.is_file() else sorted((src / part).rglob("*.py"))


def violations(part: str, src: Path = SRC, allowed: bool = True) -> list[str]:
    found = []
    for path in _files(part, src):
        where = path.relative_to(src).as_posix()
        for line, name in imported_names(path, src):
            target = name.split(".")[1]
            if target not in FORBIDDEN[part]:
                continue
            if allowed and (
                (where, target) in ROOT_ALLOWED
                or (target == "api" and where in WEB_API_ALLOWED)
                or (where, name) in ERRORS_ALLOWED
            ):
                continue
            found.append(f"{path.relative_to(src)}:{line} imports nervemap.{target}")
    return found


def store_imports(part: str, src: Path = SRC, allowed: bool = True) -> list[str]:
    """A front end's imports of the store that do not go through the services."""
    found = []
    for path in _files(part, src):
        where = path.relative_to(src).as_posix()
        if allowed and where in STORE_ALLOWED:
            continue
        for line, name in imported_names(path, src):
            if name.startswith("nervemap.store") and not name.startswith(STORE_FREE):
                found.append(f"{where}:{line} imports {name}")
    return found


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_no_forbidden_arrow(part: str) -> None:
    assert violations(part) == []


@pytest.mark.parametrize("part", FRONT_ENDS)
def test_front_ends_reach_the_store_through_services(part: str) -> None:
    assert store_imports(part) == []


def test_only_the_root_and_its_commands_import_the_root() -> None:
    importers = {
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "app.py" and any(target == "app" for _, target in imported_parts(path))
    }
    assert importers <= {where for where, _ in ROOT_ALLOWED}


def test_the_allowed_lists_name_files_that_exist() -> None:
    for where in (
        *STORE_ALLOWED,
        *WEB_API_ALLOWED,
        *(w for w, _ in ROOT_ALLOWED),
        *(w for w, _ in ERRORS_ALLOWED),
    ):
        assert (SRC / where).is_file(), where


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


def test_the_check_sees_web_and_api_importing_each_other(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "api").mkdir()
    (tmp_path / "web" / "pages.py").write_text("from nervemap.api.schemas import AssessmentOut\n")
    (tmp_path / "api" / "app.py").write_text("def f():\n    from nervemap.web import install\n")
    assert violations("web", src=tmp_path) == ["web/pages.py:1 imports nervemap.api"]
    assert violations("api", src=tmp_path) == ["api/app.py:2 imports nervemap.web"]


def test_the_check_sees_a_front_end_reaching_the_store(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "queue.py").write_text(
        "from nervemap.store.assessments import AssessmentRepository\n"
        "from nervemap.store.types import utcnow\n"
    )
    assert store_imports("web", src=tmp_path) == ["web/queue.py:1 imports nervemap.store.assessments"]


def test_the_store_may_raise_a_domain_error_but_never_call_a_service(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "db.py").write_text(
        "from nervemap.services.errors import Unavailable\nfrom nervemap.services.assessments import store\n"
    )
    assert violations("store", src=tmp_path) == ["store/db.py:2 imports nervemap.services"]
    assert violations("store", src=tmp_path, allowed=False) == [
        "store/db.py:1 imports nervemap.services",
        "store/db.py:2 imports nervemap.services",
    ]
