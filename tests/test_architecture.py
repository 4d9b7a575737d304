"""The layers of docs/architecture.md, checked on every import statement of the source tree
(function-level imports included), so that a leak is found by the tests, not by the next
review."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTTP = ("fastapi", "starlette")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module an import statement of the file names (relative imports resolved)."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    package = _module(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # "from quiz_api.api import routes" names the module quiz_api.api.routes
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _sources(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _sources(folder)
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


BELOW_HTTP = ("core", "db", "content", "services", "integrations", "rendering")


@pytest.mark.parametrize("layer", BELOW_HTTP)
def test_only_the_api_knows_http(layer: str) -> None:
    assert _violations(f"quiz_api/{layer}", (*HTTP, "quiz_api.api", "quiz_api.cli")) == []


def test_core_imports_nothing_of_ours_but_core() -> None:
    others = tuple(f"quiz_api.{layer}" for layer in BELOW_HTTP if layer != "core")
    assert _violations("quiz_api/core", others) == []


def test_the_database_layer_stands_on_core_alone() -> None:
    above = ("content", "services", "integrations", "rendering")
    assert _violations("quiz_api/db", tuple(f"quiz_api.{layer}" for layer in above)) == []


def test_content_knows_no_logic() -> None:
    """Content schemas and the importer (which writes the validated content into the tables)
    stand on core and db."""
    above = ("services", "integrations", "rendering")
    assert _violations("quiz_api/content", tuple(f"quiz_api.{layer}" for layer in above)) == []


def test_no_route_module_imports_another() -> None:
    assert _violations("quiz_api/api/routes", ("quiz_api.api.routes",)) == []


def test_no_sql_is_written_in_a_route_module() -> None:
    statements = ("select", "insert", "update", "delete", "text", "func")
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _sources("quiz_api/api/routes")
        for name in _imports(path)
        if name.split(".")[0] in ("sqlalchemy", "sqlmodel")
        and name.rsplit(".", 1)[-1] in statements
    ]
    assert found == []


def test_commands_do_not_go_through_http() -> None:
    assert _violations("quiz_api/cli", ("quiz_api.api",)) == []


def test_the_site_builder_uses_only_the_shared_base_of_quiz_api() -> None:
    forbidden = tuple(
        f"quiz_api.{layer}" for layer in ("api", "cli", "db", "services", "integrations")
    )
    assert _violations("site_builder", forbidden) == []


def test_the_checker_sees_a_leak(tmp_path: Path) -> None:
    """The checks above would pass on a tree they cannot read: prove they read imports."""
    leak = ROOT / "quiz_api" / "services" / "scope.py"
    names = set(_imports(leak))
    assert "quiz_api.db.models" in names
    routes = set(_imports(ROOT / "quiz_api" / "api" / "app.py"))
    assert "quiz_api.api.routes.attempts" in routes
