"""Render the package `outbound` from checked IR, and write it atomically.

The output depends on the specs and the generator version only: no clock, no absolute path,
no hash order (every mapping we iterate is ordered by the spec or sorted).
"""

from __future__ import annotations

import ast
import difflib
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

import jinja2

from . import (
    __version__,
    emit_cli,
    emit_models,
    emit_schema,
    emit_validators,
    formatting,
    layout,
    versions,
)
from .ir import Service
from .literals import literal
from .resources import templates_dir

MANIFEST = ".callgen-manifest.json"
PACKAGE = "outbound"


def docstring(text: str, indent: int = 0) -> str:
    """A triple-quoted literal of `text`, so generated docstrings read as prose.

    Like repr, it is a literal whose value is exactly its text (checked with ast.literal_eval),
    falling back to repr for text a triple-quoted literal cannot carry as is. Continuation lines
    get the docstring's `indent`, as docstrings are written by hand; trailing spaces are
    dropped: they are invisible, and linters flag them.
    """
    lines = [line.rstrip() for line in text.strip().splitlines()]
    text = ("\n" + " " * indent).join(lines).replace(" " * indent + "\n", "\n")
    if any(line.startswith("\t") for line in lines[1:]):  # would indent with spaces and tabs
        return repr(text)
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if body.endswith('"'):
        body = body[:-1] + '\\"'
    literal = f'"""{body}"""'
    try:
        if ast.literal_eval(literal) == text:
            return literal
    except (SyntaxError, ValueError):
        pass
    return repr(text)


# how templates are compiled; part of the template cache's key (see _template_cache)
_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "keep_trailing_newline": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": False,
}


@functools.cache  # templates do not change while we run; compiling them is not free
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        bytecode_cache=_template_cache(),
        **_OPTIONS,
    )
    env.filters["py"] = literal  # black's quotes: less for black to do
    env.globals["laid"] = layout.laid  # and black's line splits
    env.globals["call"] = layout.call
    env.filters["doc"] = docstring
    env.filters["json"] = lambda v: json.dumps(v, ensure_ascii=False)
    return env


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs; a cache that cannot be read or written is
    skipped (the template is compiled), never an error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - any damage (a bad pickle too) means: compile it
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _template_cache() -> _TemplateCache | None:
    """Compiling the templates costs more than the rest of rendering one service, so their
    compiled code is kept in the user's cache folder ($XDG_CACHE_HOME or ~/.cache, then
    callgen/templates-<key>).

    jinja2 checks each entry against the template's source (a checksum) and Python's
    version; the folder's key adds what else the compiled code depends on: jinja2's and
    callgen's versions and the compile options. A folder that is not a private one of this
    user is not used (compiled code is loaded from it), and then nothing is cached.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    options = repr(sorted((k, getattr(v, "__name__", v)) for k, v in _OPTIONS.items()))
    key = hashlib.sha256(
        f"{jinja2.__version__}|{__version__}|{sys.implementation.cache_tag}|{options}".encode()
    ).hexdigest()[:16]
    folder = os.path.join(base, "callgen", f"templates-{key}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    private = stat.S_ISDIR(info.st_mode) and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if not private or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        return None
    return _TemplateCache(folder)


def _render_digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _formatted_before(out: Path | None, sources: dict[str, str]) -> dict[str, bytes]:
    """The files of an earlier generation in `out` that are black's output for `sources`.

    A file qualifies when the manifest there was written with the same formatter (black's
    exact version and mode), records the digest of the same unformatted render, and the bytes
    on disk still have the digest it records. Anything else (no manifest, a damaged one, a
    hand-edited file, another black) qualifies nothing, and the file is formatted afresh.
    """
    if out is None:
        return {}
    try:
        manifest = json.loads((out / MANIFEST).read_bytes())
        if manifest.get("formatter") != formatting.formatter_key():
            return {}
        renders, digests = manifest["renders"], manifest["files"]
        reused = {}
        for name, source in sources.items():
            render, digest = renders.get(name), digests.get(name)
            if not (isinstance(render, str) and isinstance(digest, str)):
                continue
            if render != _render_digest(source):
                continue
            path = out / name
            if not path.is_file():
                continue
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == digest:
                reused[name] = data
        return reused
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


# The hand-written runtime (templates/runtime/*.py) is kept in black's style: under this
# formatter, black's output for each file is the file itself (tests/test_formatting.py proves
# it), so it is copied as it is instead of formatted on every generate. Under any other
# formatter (another black, another mode) it is formatted like every other file.
VERBATIM_UNDER = "black 26.10.1, line_length=100, target_versions=PY311"


def _verbatim(sources: dict[str, str], verbatim: set[str]) -> dict[str, bytes]:
    """The sources of `verbatim` that need no formatting: black's output is their text."""
    if formatting.formatter_key() != VERBATIM_UNDER:
        return {}
    return {name: sources[name].encode("utf-8") for name in sorted(verbatim)}


def _format(
    sources: dict[str, str], verbatim: set[str], out: Path | None, jobs: int | None
) -> dict[str, bytes]:
    """black's output for each generated Python source, reusing what `out` proves current;
    the `verbatim` ones are black's style already (see VERBATIM_UNDER)."""
    files = _verbatim(sources, verbatim)
    files.update(_formatted_before(out, {n: t for n, t in sources.items() if n not in files}))
    todo = {name: text for name, text in sources.items() if name not in files}
    try:
        formatted = formatting.format_files(todo, jobs)
    except formatting.InvalidPython as exc:  # a generator bug, never a user's: say where
        raise RuntimeError(f"generated {exc.name} is not valid Python: {exc.detail}") from exc
    files.update((name, text.encode("utf-8")) for name, text in formatted.items())
    return files


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(
    services: list[Service],
    previous: Path | None = None,
    jobs: int | None = None,
    *,
    formatted: bool = True,
) -> dict[str, bytes]:
    """Every generated file: path relative to the output folder → bytes.

    `previous`, an output folder, lends the files it proves are still what black makes of
    today's render (see _formatted_before); `jobs` is the number of formatting processes.
    `formatted=False` skips black and the manifest: the same code, only to be imported (what
    `callgen validate`, `schema` and `mock` answer with when a spec is ahead of the package).
    """
    env = _environment()
    files: dict[str, bytes] = {}
    python: dict[str, str] = {}  # unformatted; black runs on all of them at once, at the end
    services = sorted(services, key=lambda s: s.name)
    # `version` is the generator's (in file headers); the package's is derived from the specs
    base = {"version": __version__, "package_version": versions.package_version(services)}

    runtime = templates_dir() / "runtime"
    for path in sorted(runtime.glob("*.py")):
        python[f"{PACKAGE}/_runtime/{path.name}"] = path.read_text("utf-8")
    verbatim = set(python)  # hand-written, in black's style (VERBATIM_UNDER)

    def put(name: str, template: str, **context: Any) -> None:
        text = env.get_template(template).render(**base, **context)
        if name.endswith(".py"):
            python[name] = text
        else:
            files[name] = text.encode("utf-8")

    service_versions = {s.name: s.version or versions.UNVERSIONED for s in services}
    put(
        f"{PACKAGE}/__init__.py",
        "package_init.py.j2",
        services=services,
        service_versions=service_versions,
    )
    put(f"{PACKAGE}/__main__.py", "main.py.j2")
    files[f"{PACKAGE}/py.typed"] = b""
    put("pyproject.toml", "pyproject.toml.j2", services=services)
    put("README.md", "README.md.j2", services=services)
    put("CHANGELOG.md", "CHANGELOG.md.j2", services=services)

    for s in services:
        prefix = f"{PACKAGE}/{s.name}"
        context = {"service": s, "spec_file": Path(s.file).name}
        validators = emit_validators.emit(s)
        body = "\n".join(validators.functions)
        used = {
            name
            for name in (
                "_MISSING",
                "_escape",
                "_excerpt",
                "_isfinite",
                "_show",
                "_type_name",
                "_unique_key",
            )
            if name + "(" in body or name + " " in body or name + ")" in body
        }
        put(
            f"{prefix}/validators.py",
            "validators.py.j2",
            v=validators,
            used=used,
            uses_re=any("re.compile(" in c for c in validators.constants),
            must_match=dict(validators.must_match),
            **context,
        )
        models = emit_models.models(s)
        put(f"{prefix}/models.py", "models.py.j2", **emit_models.models_context(models), **context)
        put(f"{prefix}/errors.py", "errors.py.j2", codes=s.error_codes, **context)
        put(f"{prefix}/cli.py", "cli.py.j2", cli=emit_cli.service_cli(s), **context)
        operations = [emit_models.operation_view(s, op) for op in s.operations]
        put(
            f"{prefix}/client.py",
            "client.py.j2",
            operations=operations,
            **emit_models.client_context(s),
            **context,
        )
        model_names = sorted((m.name for m in models), key=isort_key)
        exported = model_names + [f"parse_{cb.name}" for cb in s.callbacks] + SERVICE_API
        if s.callbacks:
            put(
                f"{prefix}/callbacks.py",
                "callbacks.py.j2",
                callbacks=emit_models.client_context(s)["callbacks"],
                **context,
            )
            exported += ["CALLBACKS", "callback_app"]
        put(
            f"{prefix}/__init__.py",
            "service_init.py.j2",
            model_names=model_names,
            exported=sorted(exported, key=all_key),
            operations=operations,
            **context,
        )
        for (name, kind), schema in emit_schema.all_schemas(s).items():
            files[f"{prefix}/schemas/{name}.{kind}.json"] = _json(schema)
        if s.text:  # what a later generate compares with (versions.read_snapshots)
            files[f"{prefix}/{versions.SNAPSHOT}"] = s.text

    if not formatted:
        files.update((name, text.encode("utf-8")) for name, text in python.items())
        return dict(sorted(files.items()))
    files.update(_format(python, verbatim, previous, jobs))
    manifest = {
        "generator": f"callgen {__version__}",
        "black": formatting.BLACK_VERSION,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        # what lets a later generate or check skip black for a file (see _formatted_before)
        "formatter": formatting.formatter_key(),
        "renders": {name: _render_digest(text) for name, text in sorted(python.items())},
    }
    files[MANIFEST] = _json(manifest)
    return dict(sorted(files.items()))


SERVICE_API = [
    "ApiError",
    "AsyncClient",
    "BatchProgress",
    "BatchReport",
    "CallbackName",
    "Client",
    "ConfirmationRequired",
    "ErrorCode",
    "OperationId",
    "ResponseError",
    "TransportError",
    "ValidationError",
    "Violation",
    "schema",
    "validate_callback",
    "validate_path",
    "validate_request",
    "validate_response",
]


def isort_key(
    name: str,
) -> tuple[int, tuple[tuple[int, int, str], ...], tuple[tuple[int, int, str], ...]]:
    """ruff's order of imported names (I001): CONSTANTS (two or more characters), then Classes,
    then functions; each case-insensitively, then by case, in natural order (`A2` before `A10`)."""
    return (_member_kind(name), _natural(name.lower()), _natural(name))


def all_key(name: str) -> tuple[int, tuple[tuple[int, int, str], ...]]:
    """ruff's order of `__all__` (RUF022): the same kinds, then natural order, case first."""
    return (_member_kind(name), _natural(name))


def _member_kind(name: str) -> int:
    return 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2


def _natural(name: str) -> tuple[tuple[int, int, str], ...]:
    """natord's order: digit runs by value, but left-aligned (as decimals) when one starts with
    0; digits before letters and _, as in ASCII; other characters by code point."""
    key = []
    for run in re.findall(r"[0-9]+|[^0-9]", name):
        if not "0" <= run[0] <= "9":
            key.append((1, 0, run))
        elif run.startswith("0"):
            key.append((0, 0, run))
        else:
            key.append((0, len(run), run))
    return tuple(key)


class OutputError(Exception):
    """The output folder cannot be written safely."""


def write(files: dict[str, bytes], out: Path) -> None:
    """Replace `out` with exactly `files`, atomically: on failure the old output stays.

    The new tree is written beside `out` and swapped in with two renames; a folder that holds
    files but no manifest of ours is refused, so a mistyped --out never wipes a user's work.
    """
    out = out.resolve()
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / MANIFEST).is_file():
            raise OutputError(
                f"{out} holds files that callgen did not write (no {MANIFEST}); "
                "refusing to replace it: choose an empty or generated folder"
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the output is an ordinary folder
    # named after the staging folder, so it is as unique: a leftover of a killed run or a
    # second generate running at the same time never blocks the swap
    old = staging.with_name(staging.name.replace(".new-", ".old-", 1))
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            out.rename(old)
        staging.rename(out)
    except BaseException:
        if old.exists() and not out.exists():
            try:
                old.rename(out)
            except OSError as exc:
                raise OutputError(
                    f"could not put the previous output back; it is in {old}"
                ) from exc
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if out.exists():  # the previous output is deleted only once something took its place
            shutil.rmtree(old, ignore_errors=True)


def read_tree(out: Path) -> dict[str, bytes]:
    if not out.is_dir():
        return {}
    skip = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and not skip.intersection(rel.parts) and not path.name.endswith(".pyc"):
            found[rel.as_posix()] = path.read_bytes()
    return found


def drift(expected: dict[str, bytes], out: Path, context_lines: int = 3) -> list[str]:
    """One entry per stale, missing or extra file, each with a short diff."""
    actual = read_tree(out)
    problems = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            problems.append(f"missing: {out / name}")
        elif name not in expected:
            problems.append(f"extra: {out / name} (not produced by the specs)")
        elif actual[name] != expected[name]:
            diff = difflib.unified_diff(
                actual[name].decode("utf-8", "replace").splitlines(),
                expected[name].decode("utf-8", "replace").splitlines(),
                f"{name} (committed)",
                f"{name} (fresh)",
                n=context_lines,
                lineterm="",
            )
            lines = list(diff)
            shown = lines[:40] + (
                [f"... {len(lines) - 40} more diff lines"] if len(lines) > 40 else []
            )
            problems.append(f"stale: {out / name}\n" + "\n".join(shown))
    return problems
