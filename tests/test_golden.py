"""The committed generated/ is exactly what the specs generate, generation is reproducible, and
`callgen generate` / `callgen check` write and judge output safely.

- golden: generated/ equals a fresh render byte for byte, and `callgen check` passes;
- drift: a modified, deleted or added file makes `check` exit 1 naming each with a diff;
- reproducible: hash seed, clock, locale, working directory and absolute paths change nothing,
  and no path or date of the run reaches the output;
- atomic: a failure while writing (or formatting) leaves the previous output as it was, with no
  staging folders left behind; a folder callgen did not write is never replaced.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import black
import pytest

from generator import cli, formatting, generate
from generator.spec import load_specs

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"


@pytest.fixture(scope="module")
def fresh() -> dict[str, bytes]:
    return generate.render(load_specs(SPECS))


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def strays(parent: Path) -> list[str]:
    """Staging or swap folders a write may leave beside its output."""
    return sorted(p.name for p in parent.iterdir() if re.search(r"\.(new|old)-", p.name))


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


# -- golden ------------------------------------------------------------------------------------


def test_committed_output_is_a_fresh_generation(fresh: dict[str, bytes]) -> None:
    problems = generate.drift(fresh, GENERATED)
    assert not problems, "generated/ is stale; run `callgen generate`:\n" + "\n".join(problems)


def test_fresh_generation_has_the_expected_shape(fresh: dict[str, bytes]) -> None:
    services = sorted(s.name for s in load_specs(SPECS))
    assert generate.MANIFEST in fresh and "outbound/py.typed" in fresh
    for name in services:
        for module in ("__init__", "client", "errors", "models", "validators"):
            assert f"outbound/{name}/{module}.py" in fresh
    # the manifest hashes every other file, so a hand edit anywhere is visible in it too
    assert b'"black": "' + black.__version__.encode() + b'"' in fresh[generate.MANIFEST]


def test_callgen_check_passes_on_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "check", "--specs", str(SPECS), "--out", str(GENERATED))
    assert code == 0, err
    assert out.startswith("ok:")


# -- drift -------------------------------------------------------------------------------------


@pytest.fixture
def copy(tmp_path: Path, fresh: dict[str, bytes]) -> Path:
    out = tmp_path / "generated"
    generate.write(fresh, out)
    return out


def test_check_passes_on_an_exact_copy(capsys: pytest.CaptureFixture[str], copy: Path) -> None:
    code, _, err = run_cli(capsys, "check", "--specs", str(SPECS), "--out", str(copy))
    assert code == 0, err


def test_check_names_each_stale_missing_and_extra_file(
    capsys: pytest.CaptureFixture[str], copy: Path
) -> None:
    models = copy / "outbound/huawei_isales/models.py"
    models.write_text(
        models.read_text("utf-8").replace("class ", "class Edited", 1) + "# hand edit\n", "utf-8"
    )
    (copy / "outbound/quanshi_event/errors.py").unlink()
    (copy / "outbound/stray.py").write_text("x = 1\n", "utf-8")
    # caches of tools that ran over the output are not drift
    (copy / "outbound/__pycache__").mkdir()
    (copy / "outbound/__pycache__/x.cpython-311.pyc").write_bytes(b"\0")

    code, out, err = run_cli(capsys, "check", "--specs", str(SPECS), "--out", str(copy))

    assert code == 1
    assert out == ""
    assert f"stale: {models}" in err
    assert "-class Edited" in err and "+# hand edit" not in err and "-# hand edit" in err
    assert "(committed)" in err and "(fresh)" in err
    assert f"missing: {copy / 'outbound/quanshi_event/errors.py'}" in err
    assert f"extra: {copy / 'outbound/stray.py'}" in err
    assert "__pycache__" not in err
    assert err.count("stale: ") == 1  # the manifest still matches: it lists what specs give
    assert "Traceback" not in err


@pytest.mark.parametrize("change", ["modify", "delete", "add"])
def test_each_kind_of_drift_alone_fails_check(
    capsys: pytest.CaptureFixture[str], copy: Path, change: str
) -> None:
    target = copy / "outbound/yantong_groupcall/schemas/get_task.request.json"
    if change == "modify":
        target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n"))
    elif change == "delete":
        target.unlink()
    else:
        (copy / "outbound/yantong_groupcall/notes.txt").write_text("mine\n", "utf-8")
    code, _, err = run_cli(capsys, "check", "--specs", str(SPECS), "--out", str(copy))
    assert code == 1
    expected = {"modify": "stale: ", "delete": "missing: ", "add": "extra: "}[change]
    assert expected in err
    assert "run `callgen generate`" in err


def test_check_of_a_missing_output_folder_lists_every_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fresh: dict[str, bytes]
) -> None:
    code, _, err = run_cli(capsys, "check", "--specs", str(SPECS), "--out", str(tmp_path / "none"))
    assert code == 1
    assert err.count("missing: ") == len(fresh)


def test_drift_diff_is_short(fresh: dict[str, bytes], copy: Path) -> None:
    target = copy / "outbound/yantong_groupcall/models.py"
    target.write_text(target.read_text("utf-8").replace("    ", "\t"), "utf-8")
    (problem,) = [p for p in generate.drift(fresh, copy) if "models.py" in p]
    assert len(problem.splitlines()) <= 42 and "more diff lines" in problem


# -- reproducibility ---------------------------------------------------------------------------


def test_generation_is_reproducible_across_processes(
    tmp_path: Path, fresh: dict[str, bytes]
) -> None:
    """Three generations, each in a different world, give the same bytes as ours."""
    elsewhere = tmp_path / "some where" / "深" / "specs"
    shutil.copytree(SPECS, elsewhere)
    work = tmp_path / "work"
    work.mkdir()
    runs = [
        # (hash seed, working directory, --specs, --out, extra environment)
        ("0", ROOT, "specs", tmp_path / "a", {}),
        ("1", work, str(elsewhere), "b", {"TZ": "Pacific/Kiritimati", "LC_ALL": "C"}),
        ("random", tmp_path / "some where", "深/specs", tmp_path / "c", {"TZ": "America/Adak"}),
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "generate", "--specs", specs, "--out", str(out)],
            cwd=cwd,
            env=subprocess_env(PYTHONHASHSEED=seed, **extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed, cwd, specs, out, extra in runs
    ]
    results = [(p, *p.communicate(timeout=300)) for p in procs]
    for p, _, err in results:
        assert p.returncode == 0, err
        assert "Traceback" not in err
    trees = [generate.read_tree(tmp_path / "a"), generate.read_tree(work / "b")]
    trees.append(generate.read_tree(tmp_path / "c"))
    for tree in trees:
        assert tree == fresh

    # nothing of the run reaches the output: no path, no user, no date or time of day
    text = b"\n".join(fresh.values()).decode("utf-8")
    for path in {ROOT, tmp_path, elsewhere, work, Path.home(), Path.cwd()}:
        if len(str(path)) > 1:
            assert str(path) not in text
    assert "some where" not in text and "深/specs" not in text
    now = datetime.datetime.now()
    utc = datetime.datetime.now(datetime.UTC)
    for day in {now, utc, now - datetime.timedelta(days=1)}:
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d %b %Y", "%b %d, %Y"):
            assert day.strftime(fmt) not in text
    assert not re.search(r"(?i)generated (at|on) ", text)


def test_render_does_not_depend_on_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: dict[str, bytes]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert generate.render(load_specs(SPECS)) == fresh


# -- atomic writes -----------------------------------------------------------------------------


@pytest.fixture
def previous(tmp_path: Path, fresh: dict[str, bytes]) -> tuple[Path, dict[str, bytes]]:
    """An output folder holding an earlier generation (one file differs from today's)."""
    out = tmp_path / "parent" / "generated"
    older = dict(fresh)
    older["outbound/__init__.py"] = fresh["outbound/__init__.py"] + b"# earlier\n"
    generate.write(older, out)
    (tmp_path / "parent" / "sibling.txt").write_text("not ours\n", "utf-8")
    return out, generate.read_tree(out)


def _fail_on(
    monkeypatch: pytest.MonkeyPatch, method: str, failing: Callable[[int], bool], exc: BaseException
) -> None:
    """Make the n-th call of Path.<method> raise exc whenever failing(n)."""
    real = getattr(Path, method)
    count = 0

    def flaky(self: Path, *args: object, **kwargs: object) -> object:
        nonlocal count
        count += 1
        if failing(count):
            raise exc
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, flaky)


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failure_mid_write_keeps_previous_output(
    monkeypatch: pytest.MonkeyPatch,
    previous: tuple[Path, dict[str, bytes]],
    fresh: dict[str, bytes],
    exc: BaseException,
) -> None:
    out, before = previous
    _fail_on(monkeypatch, "write_bytes", lambda n: n > 7, exc)
    with pytest.raises(type(exc)):
        generate.write(fresh, out)
    monkeypatch.undo()
    assert generate.read_tree(out) == before
    assert strays(out.parent) == []
    assert sorted(p.name for p in out.parent.iterdir()) == ["generated", "sibling.txt"]


def test_failure_at_the_swap_restores_previous_output(
    monkeypatch: pytest.MonkeyPatch,
    previous: tuple[Path, dict[str, bytes]],
    fresh: dict[str, bytes],
) -> None:
    out, before = previous
    # the first rename moves the old output aside, the second would move the new one in
    _fail_on(monkeypatch, "rename", lambda n: n == 2, OSError(5, "Input/output error"))
    with pytest.raises(OSError, match="Input/output error"):
        generate.write(fresh, out)
    monkeypatch.undo()
    assert generate.read_tree(out) == before
    assert strays(out.parent) == []


def test_previous_output_is_never_deleted_when_it_cannot_be_put_back(
    monkeypatch: pytest.MonkeyPatch,
    previous: tuple[Path, dict[str, bytes]],
    fresh: dict[str, bytes],
) -> None:
    out, before = previous
    _fail_on(monkeypatch, "rename", lambda n: n >= 2, OSError(5, "Input/output error"))
    with pytest.raises(generate.OutputError, match="previous output") as info:
        generate.write(fresh, out)
    monkeypatch.undo()
    (kept,) = [p for p in out.parent.iterdir() if ".old-" in p.name]
    assert str(kept) in str(info.value)
    assert generate.read_tree(kept) == before
    assert not any(".new-" in p.name for p in out.parent.iterdir())


def test_cli_reports_a_write_failure_without_traceback(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    previous: tuple[Path, dict[str, bytes]],
) -> None:
    out, before = previous
    _fail_on(monkeypatch, "write_bytes", lambda n: n > 3, OSError(28, "No space left on device"))
    code, _, err = run_cli(capsys, "generate", "--specs", str(SPECS), "--out", str(out))
    monkeypatch.undo()
    assert code == 2
    assert "No space left on device" in err and "Traceback" not in err
    assert generate.read_tree(out) == before
    assert strays(out.parent) == []


def test_formatter_failure_keeps_previous_output(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    previous: tuple[Path, dict[str, bytes]],
) -> None:
    out, before = previous

    def broken(sources: dict[str, str], jobs: int | None = None) -> dict[str, str]:
        raise formatting.InvalidPython(next(iter(sources), "x.py"), "Cannot parse: 1:4: boom")

    monkeypatch.setattr(formatting, "format_files", broken)  # with its cache, replaced whole
    code, _, err = run_cli(capsys, "generate", "--specs", str(SPECS), "--out", str(out))
    monkeypatch.undo()
    assert code == 2
    assert "not valid Python" in err and "Traceback" not in err
    assert generate.read_tree(out) == before
    assert strays(out.parent) == []


def test_generate_replaces_its_own_output_and_touches_nothing_else(
    capsys: pytest.CaptureFixture[str],
    previous: tuple[Path, dict[str, bytes]],
    fresh: dict[str, bytes],
) -> None:
    out, _ = previous
    (out / "outbound" / "left_over.py").write_text("x = 1\n", "utf-8")
    specs_before = generate.read_tree(SPECS)
    code, out_text, err = run_cli(capsys, "generate", "--specs", str(SPECS), "--out", str(out))
    assert code == 0, err
    assert str(out) in out_text
    assert generate.read_tree(out) == fresh  # the left-over file is gone with the old output
    assert sorted(p.name for p in out.parent.iterdir()) == ["generated", "sibling.txt"]
    assert (out.parent / "sibling.txt").read_text("utf-8") == "not ours\n"
    assert generate.read_tree(SPECS) == specs_before


def test_generate_into_a_new_or_empty_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fresh: dict[str, bytes]
) -> None:
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "empty", tmp_path / "new" / "deeper"):
        code, _, err = run_cli(capsys, "generate", "--specs", str(SPECS), "--out", str(out))
        assert code == 0, err
        assert generate.read_tree(out) == fresh
    assert strays(tmp_path) == [] and strays(tmp_path / "new") == []


def test_refuses_to_replace_a_folder_it_did_not_write(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "work"
    (out / "src").mkdir(parents=True)
    (out / "notes.txt").write_text("precious\n", "utf-8")
    (out / "src" / "app.py").write_text("print('mine')\n", "utf-8")
    before = generate.read_tree(out)
    code, _, err = run_cli(capsys, "generate", "--specs", str(SPECS), "--out", str(out))
    assert code == 2
    assert generate.MANIFEST in err and "refusing" in err and "Traceback" not in err
    assert generate.read_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_refuses_an_output_path_that_is_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "generated"
    target.write_text("a file\n", "utf-8")
    code, _, err = run_cli(capsys, "generate", "--specs", str(SPECS), "--out", str(target))
    assert code == 2
    assert "not a folder" in err
    assert target.read_text("utf-8") == "a file\n"


def test_spec_errors_exit_2_and_write_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    spec = specs / "huawei_isales.yaml"
    spec.write_text(spec.read_text("utf-8").replace("callgen: 1", "callgen: 2", 1), "utf-8")
    for command in ("generate", "check"):
        code, _, err = run_cli(capsys, command, "--specs", str(specs), "--out", str(tmp_path / "o"))
        assert code == 2
        assert "huawei_isales.yaml:2:" in err and "problem(s) in the specs" in err
    assert not (tmp_path / "o").exists()


def test_a_missing_spec_folder_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for command in ("generate", "check"):
        code, _, err = run_cli(
            capsys, command, "--specs", str(tmp_path / "nope"), "--out", str(tmp_path / "o")
        )
        assert code == 2 and "no such spec folder" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []
