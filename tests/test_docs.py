"""Documentation is kept current by tests: each layer's docs.md lists every module."""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "esgledger"
LAYERS = ("core", "collect", "store", "calculate", "check", "report", "cli", "web")


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_docs_list_every_module(layer: str) -> None:
    folder = PACKAGE / layer
    listed = (folder / "docs.md").read_text(encoding="utf-8")
    modules = [
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*.py")
        if "migrations/versions" not in p.as_posix()
        and not (p.name == "__init__.py" and p.parent != folder)
    ]
    missing = [m for m in modules if f"`{m}`" not in listed]
    assert not missing, f"{layer}/docs.md does not describe {', '.join(missing)}"


def test_readme_shows_the_two_commands() -> None:
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
