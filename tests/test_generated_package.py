"""The generated package `outbound` stands alone: it passes `mypy --strict` and ruff with its own
configuration, installs from generated/ into a bare venv with httpx as its only requirement,
ships py.typed and its JSON Schemas, and imports without jinja2, pyyaml, jsonschema or black.

Also: a non-editable install of callgen itself carries its templates and meta-schema, and
generates the same bytes as the checkout.

The venv tests install from the package registry (about a minute in all); they are marked
`slow` but always run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from generator import generate
from generator.spec import load_specs

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"
CACHES = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", "*.egg-info")
GENERATOR_ONLY = ("jinja2", "yaml", "jsonschema", "black", "generator")


def run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """generated/ copied out, so tools that leave caches never write into the repository."""
    out = tmp_path_factory.mktemp("pkg") / "generated"
    shutil.copytree(GENERATED, out, ignore=CACHES)
    return out


# -- static checks -----------------------------------------------------------------------------


def test_mypy_strict(copy: Path, tmp_path: Path) -> None:
    """With cwd in the copy, generated/pyproject.toml's [tool.mypy] applies (and --strict)."""
    proc = run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mc"), "outbound"],
        cwd=copy,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Success: no issues found")


@pytest.mark.slow
def test_mypy_strict_without_the_redis_extra(copy: Path, tmp_path: Path) -> None:
    """The Redis pacer imports `redis` at run time only: mypy passes in an environment that has
    httpx and cryptography (the rsa extra) but not redis (checked: it cannot import it)."""
    python = _venv(tmp_path / "no-redis")
    proc = run(
        [str(python), "-m", "pip", "install", "--quiet", "httpx>=0.27,<1", "cryptography>=42"],
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert run([str(python), "-c", "import redis"], cwd=tmp_path).returncode == 1
    proc = run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-executable",
            str(python),
            "--cache-dir",
            str(tmp_path / "mc"),
            "outbound",
        ],
        cwd=copy,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Success: no issues found")


def test_ruff_with_the_packages_own_config(copy: Path) -> None:
    proc = run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_really_applies_that_config(tmp_path: Path, copy: Path) -> None:
    """A probe that only generated/pyproject.toml's rule set (UP, I) objects to is caught."""
    probe = tmp_path / "generated"
    shutil.copytree(copy, probe)
    (probe / "outbound" / "_probe.py").write_text(
        "import sys\nimport os\nfrom typing import List\n\nx: List[str] = [os.sep, sys.prefix]\n",
        "utf-8",
    )
    proc = run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=probe)
    assert proc.returncode == 1
    assert "UP006" in proc.stdout and "I001" in proc.stdout
    assert proc.stdout.count("_probe.py") >= 2


def test_ships_py_typed_and_declares_httpx_only() -> None:
    files = generate.read_tree(GENERATED)
    assert files["outbound/py.typed"] == b""
    pyproject = files["pyproject.toml"].decode("utf-8")
    assert 'dependencies = ["httpx>=0.27,<1"]' in pyproject
    assert 'packages = ["outbound"]' in pyproject


# -- installs into bare venvs ------------------------------------------------------------------


def _venv(where: Path) -> Path:
    proc = run([sys.executable, "-m", "venv", str(where)], cwd=where.parent)
    assert proc.returncode == 0, proc.stderr
    return where / "bin" / "python"


def _pip_install(python: Path, target: Path) -> None:
    proc = run([str(python), "-m", "pip", "install", "--quiet", str(target)], cwd=target.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def venvs(tmp_path_factory: pytest.TempPathFactory, copy: Path) -> Iterator[dict[str, Path]]:
    """Two bare venvs (no system site-packages), installed in parallel:
    `outbound` from a copy of generated/, and callgen non-editable from a copy of the repo."""
    base = tmp_path_factory.mktemp("venvs")
    src = base / "callgen-src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for name in ("generator", "templates"):
        shutil.copytree(ROOT / name, src / name, ignore=CACHES)
    shutil.copytree(GENERATED / "outbound", src / "generated" / "outbound", ignore=CACHES)

    def build(name: str, target: Path) -> Path:
        python = _venv(base / name)
        _pip_install(python, target)
        return python

    with ThreadPoolExecutor(2) as pool:
        outbound_only = pool.submit(build, "outbound-venv", copy)
        callgen = pool.submit(build, "callgen-venv", src)
        yield {"outbound": outbound_only.result(), "callgen": callgen.result(), "base": base}


PROBE = textwrap.dedent("""
    import importlib, importlib.metadata as md, importlib.util, json, sys
    import outbound
    services = {}
    for name in outbound.SERVICES:
        module = importlib.import_module(f"outbound.{name}")
        services[name] = sorted(n for n in module.__all__ if n in ("Client", "AsyncClient"))
    hw = importlib.import_module("outbound.huawei_isales")
    print(json.dumps({
        "file": outbound.__file__,
        "prefix": sys.prefix,
        "no_site": not any("site-packages" in p and not p.startswith(sys.prefix) for p in sys.path),
        "services": services,
        "requires": md.requires("outbound"),
        "files": sorted(str(f) for f in md.files("outbound")),
        "importable": {n: importlib.util.find_spec(n) is not None for n in GENERATOR_ONLY},
        "violations": [v.rule for v in hw.validate_request("add_call_data", {})],
        "schema_type": hw.schema("add_call_data")["type"],
    }))
    """).replace("GENERATOR_ONLY", repr(GENERATOR_ONLY))


@pytest.mark.slow
def test_outbound_installs_alone_with_httpx_only(venvs: dict[str, Path]) -> None:
    proc = run([str(venvs["outbound"]), "-c", PROBE], cwd=venvs["base"])
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["file"].startswith(info["prefix"]) and info["no_site"]
    assert set(info["services"]) == {s.name for s in load_specs(ROOT / "specs")}
    assert all(v == ["AsyncClient", "Client"] for v in info["services"].values())

    requires = [Requirement(r) for r in info["requires"]]
    assert [r.name for r in requires if r.marker is None] == ["httpx"]
    optional = {r.name: str(r.marker) for r in requires if r.marker is not None}
    assert optional == {
        "cryptography": 'extra == "rsa"',
        "redis": 'extra == "redis"',
        "rich": 'extra == "cli"',
    }

    assert "outbound/py.typed" in info["files"]
    assert any(f.endswith(".request.json") and "/schemas/" in f for f in info["files"])
    assert info["importable"] == dict.fromkeys(GENERATOR_ONLY, False)
    assert "required" in info["violations"]
    assert info["schema_type"] == "object"


@pytest.mark.slow
def test_the_outbound_command_runs_where_only_httpx_is_installed(venvs: dict[str, Path]) -> None:
    """The console script of generated/pyproject.toml, and `python -m outbound`."""
    script = venvs["outbound"].with_name("outbound")
    proc = run([str(script), "huawei_isales", "add_call_data", "--help"], cwd=venvs["base"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: outbound huawei_isales add_call_data")
    assert "--from FILE" in proc.stdout
    proc = run([str(venvs["outbound"]), "-m", "outbound", "--help"], cwd=venvs["base"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: python -m outbound SERVICE OPERATION")
    for name in outbound_services():
        assert f"  {name} " in proc.stdout


def outbound_services() -> list[str]:
    return sorted(s.name for s in load_specs(ROOT / "specs"))


@pytest.mark.slow
def test_installed_callgen_generates_the_same_bytes(venvs: dict[str, Path], tmp_path: Path) -> None:
    python = venvs["callgen"]
    where = run([str(python), "-c", "import generator; print(generator.__file__)"], cwd=tmp_path)
    assert where.stdout.startswith(str(venvs["base"])), where.stdout + where.stderr
    callgen = python.with_name("callgen")
    out = tmp_path / "out"
    proc = run(
        [str(callgen), "generate", "--specs", str(ROOT / "specs"), "--out", str(out)], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    fresh = generate.render(load_specs(ROOT / "specs"))
    assert generate.read_tree(out) == fresh
