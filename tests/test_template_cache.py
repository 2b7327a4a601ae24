"""Compiled templates are kept between runs in a private folder of the user's cache, and a cache
that is missing, damaged, shared or unwritable changes nothing but the time."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from types import CodeType

import jinja2
import pytest

from generator import generate

TEMPLATES = {"a.txt.j2": "{% for x in items %}{{ x }}-{% endfor %}\n"}


def environment(
    cache: jinja2.BytecodeCache | None, templates: dict[str, str]
) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.DictLoader(templates), bytecode_cache=cache, **generate._OPTIONS
    )


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".cache"))


def test_the_cache_is_a_private_folder_of_the_users_cache(cache_home: Path) -> None:
    cache = generate._template_cache()
    assert cache is not None
    folder = Path(cache.directory)
    assert folder.parent == cache_home / "callgen" and folder.name.startswith("templates-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def compiled_by(env: jinja2.Environment) -> list[str]:
    """The templates `env` compiles from source from now on (not those it loads compiled)."""
    names: list[str] = []
    real = env._compile

    def counting(source: str, filename: str) -> CodeType:
        names.append(filename)
        return real(source, filename)

    env._compile = counting  # type: ignore[method-assign]
    return names


def test_a_second_run_loads_what_the_first_compiled(cache_home: Path) -> None:
    cache = generate._template_cache()
    assert cache is not None
    env = environment(cache, TEMPLATES)
    compiled = compiled_by(env)
    first = env.get_template("a.txt.j2").render(items=[1, 2])
    assert len(compiled) == 1 and len(entries(Path(cache.directory))) == 1
    env = environment(cache, TEMPLATES)
    compiled = compiled_by(env)
    assert env.get_template("a.txt.j2").render(items=[1, 2]) == first == "1-2-"
    assert compiled == []  # loaded from the cache


def test_an_edited_template_is_compiled_again(cache_home: Path) -> None:
    cache = generate._template_cache()
    assert cache is not None
    environment(cache, TEMPLATES).get_template("a.txt.j2")
    edited = {"a.txt.j2": "{% for x in items %}[{{ x }}]{% endfor %}\n"}
    assert environment(cache, edited).get_template("a.txt.j2").render(items=[1]) == "[1]"


def test_a_damaged_entry_is_compiled_again(cache_home: Path) -> None:
    cache = generate._template_cache()
    assert cache is not None
    environment(cache, TEMPLATES).get_template("a.txt.j2")
    (entry,) = entries(Path(cache.directory))
    data = entry.read_bytes()
    magic = len(jinja2.bccache.bc_magic)  # then the source's checksum (a pickle), then the code
    damage = (b"", data[: magic + 3], data[:magic] + b"\xff" * 8, data[: len(data) // 2])
    for damaged in damage:
        entry.write_bytes(damaged)
        assert environment(cache, TEMPLATES).get_template("a.txt.j2").render(items=[3]) == "3-"


def test_an_unwritable_cache_is_skipped(cache_home: Path) -> None:
    cache = generate._template_cache()
    assert cache is not None
    shutil.rmtree(cache.directory)  # gone after the check: writing fails
    assert environment(cache, TEMPLATES).get_template("a.txt.j2").render(items=[4]) == "4-"


def test_a_folder_others_may_write_is_not_used(cache_home: Path) -> None:
    cache = generate._template_cache()
    assert cache is not None
    os.chmod(cache.directory, 0o777)
    assert generate._template_cache() is None


def test_a_cache_folder_that_is_not_a_folder_is_not_used(cache_home: Path) -> None:
    (cache_home / "callgen").mkdir(parents=True)
    (cache_home / "callgen" / "templates-x").write_text("", "utf-8")
    cache = generate._template_cache()
    assert cache is not None
    shutil.rmtree(cache.directory)
    Path(cache.directory).symlink_to(cache_home / "callgen" / "templates-x")
    assert generate._template_cache() is None


def test_a_relative_cache_home_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert generate._template_cache() is None


def test_the_key_names_what_the_compiled_code_depends_on(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = generate._template_cache()
    monkeypatch.setitem(generate._OPTIONS, "trim_blocks", False)
    other = generate._template_cache()
    assert cache is not None and other is not None and cache.directory != other.directory
    monkeypatch.setattr(jinja2, "__version__", "0.0.1")
    third = generate._template_cache()
    assert third is not None and third.directory not in (cache.directory, other.directory)
