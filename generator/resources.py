"""Where the generator's own files are: inside the installed package, or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """`templates/` of the checkout, or its copy shipped inside the wheel as generator/templates."""
    shipped = _HERE / "templates"
    return shipped if shipped.is_dir() else _HERE.parent / "templates"


def meta_schema_path() -> Path:
    return _HERE / "spec.schema.json"


def meta_schema_text() -> str:
    return meta_schema_path().read_text(encoding="utf-8")
