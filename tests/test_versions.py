"""Service versions follow their changes (semver), the package version follows the services,
and `callgen generate` / `check` enforce both against the output they replace.

The version rule is checked in-process on the small spec of diff_base_spec; generate and check
run end to end (in-process CLI) on that spec in a temporary folder, so each run is quick.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from diff_base_spec import BASE
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import cli, diff, generate, versions
from generator.errors import SpecErrors
from generator.ir import version_key
from generator.spec import LoadedSpec, load_specs, read_spec

ROOT = Path(__file__).resolve().parents[1]


def spec(text: str = BASE, *, version: str | None = None, file: str = "new/svc.yaml") -> LoadedSpec:
    """The base spec (or `text`) at `version`, with a changelog entry for it."""
    if version is not None:
        text = text.replace("\nversion: 1.0.0\n", f"\nversion: {version}\n", 1)
        if version != "1.0.0":
            text = text.replace(
                "changelog:\n",
                f"changelog:\n  - version: {version}\n    changes:\n"
                '      - {change: c, why: w, source: "900"}\n',
                1,
            )
    return read_spec(text.encode(), file, "svc")


OLD = spec(file="old/svc.yaml")
TIGHTER = BASE.replace("max_length: 200", "max_length: 100")
LOOSER = BASE.replace("max_length: 200", "max_length: 300")
RETITLED = BASE.replace("summary: Add items.", "summary: Add some items.")


def problems(new: LoadedSpec, old: LoadedSpec = OLD) -> list[str]:
    changes = diff.compare_specs([old], [new])
    return [e.message for e in versions.bump_problems([old], [new], changes, "before")]


# -- the rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "version", "ok"),
    [
        (TIGHTER, "1.0.0", False),
        (TIGHTER, "1.1.0", False),
        (TIGHTER, "1.0.1", False),
        (TIGHTER, "2.0.0", True),
        (TIGHTER, "3.1.4", True),
        (LOOSER, "1.0.0", False),
        (LOOSER, "1.0.5", False),
        (LOOSER, "1.1.0", True),
        (LOOSER, "2.0.0", True),
        (RETITLED, "1.0.0", True),
        (RETITLED, "1.0.1", True),
        (BASE, "1.0.0", True),
        (BASE, "1.2.0", True),
    ],
)
def test_versions_rise_with_their_changes(text: str, version: str, ok: bool) -> None:
    found = problems(spec(text, version=version))
    assert (found == []) == ok, found


def test_the_message_names_the_count_the_level_and_the_version_to_set() -> None:
    (message,) = problems(spec(TIGHTER, version="1.0.0"))
    assert message == (
        "svc: 1 breaking change against before needs a new major version, but the version goes "
        "1.0.0 → 1.0.0: set `version: 2.0.0` and add a changelog entry for it "
        "(`callgen diff --changelog` drafts one)"
    )
    (message,) = problems(spec(LOOSER, version="1.0.9"))
    assert "1 compatible change against before needs a new minor version" in message
    assert "`version: 1.1.0`" in message


def test_a_problem_points_at_the_version_key() -> None:
    new = spec(TIGHTER, version="1.0.0")
    (problem,) = versions.bump_problems([OLD], [new], diff.compare_specs([OLD], [new]), "x")
    assert (problem.pos.file, problem.pos.line, problem.pos.col) == ("new/svc.yaml", 4, 1)


def test_versions_never_go_down() -> None:
    old = spec(version="1.3.0", file="old/svc.yaml")
    (message,) = problems(spec(version="1.2.9"), old)
    assert "version 1.2.9 is lower than 1.3.0 in before" in message


def test_a_spec_from_before_versioning_counts_as_0_0_0() -> None:
    unversioned = BASE.replace("version: 1.0.0\n", "", 1)
    unversioned = (
        unversioned[: unversioned.index("changelog:")]
        + unversioned[unversioned.index("sources:") :]
    )
    old = read_spec(unversioned.encode(), "old/svc.yaml", "svc")
    assert old.service.version is None
    assert problems(spec(TIGHTER, version="1.0.0"), old) == []  # 0.0.0 → 1.0.0 is a major
    new = read_spec(unversioned.replace("max_length: 200", "max_length: 100").encode(), "n", "svc")
    (message,) = problems(new, old)
    assert "has changes against before but no version: add `version: 1.0.0`" in message


def test_removing_a_service_cannot_lower_the_package_version() -> None:
    other = read_spec(BASE.replace("service: svc", "service: other").encode(), "o.yaml", "other")
    old, new = [OLD, other], [spec()]
    changes = diff.compare_specs(old, new)
    (problem,) = versions.bump_problems(old, new, changes, "before")
    assert problem.message == (
        "the package version would go 2.0.0 → 1.0.0 (the sum of the service versions) but the "
        "changes against before need a new major version; the removed services (other 1.0.0) no "
        'longer count in the sum; see the README, "The package version"'
    )
    assert problem.pos.file == "o.yaml"


def test_adding_a_service_raises_the_package_version() -> None:
    other = read_spec(BASE.replace("service: svc", "service: other").encode(), "o.yaml", "other")
    changes = diff.compare_specs([OLD], [OLD, other])
    assert versions.bump_problems([OLD], [OLD, other], changes, "before") == []
    assert versions.package_version([OLD.service, other.service]) == "2.0.0"


# -- the package version -----------------------------------------------------------------------

service_version = st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)).map(
    lambda v: ".".join(map(str, v))
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(service_version, min_size=1, max_size=6),
    st.data(),
)
def test_the_package_moves_at_least_as_far_as_its_furthest_moving_service(
    before: list[str], data: st.DataObject
) -> None:
    """Any bump of any services (each by its own level) moves the package version by the
    largest of those levels — a breaking change of one service is a major of the package."""
    levels = data.draw(
        st.lists(
            st.sampled_from([None, *versions.LEVELS]), min_size=len(before), max_size=len(before)
        )
    )
    after = [versions.bump(v, lvl) if lvl else v for v, lvl in zip(before, levels, strict=True)]
    old_pkg = _sum(before)
    new_pkg = _sum(after)
    moved = [lvl for lvl in levels if lvl]
    if not moved:
        assert new_pkg == old_pkg
        return
    furthest = min(moved, key=versions.LEVELS.index)
    old_key, new_key = version_key(old_pkg), version_key(new_pkg)
    depth = versions.LEVELS.index(furthest)
    assert old_key[:depth] == new_key[:depth]  # nothing above that level moves
    assert new_key[depth] > old_key[depth]


def _sum(vs: list[str]) -> str:
    """The derivation, through the real function (on stand-in services)."""

    class S:
        def __init__(self, v: str) -> None:
            self.version = v

    return versions.package_version([S(v) for v in vs])  # type: ignore[misc]


def test_package_version_examples() -> None:
    assert _sum(["1.0.0"] * 4) == "4.0.0"
    assert _sum(["1.2.0", "2.0.1"]) == "3.2.1"
    assert _sum(["1.9.0", "1.0.0"]) == "2.9.0"
    assert _sum(["2.0.0", "1.0.0"]) == "3.0.0"  # a major of the first: 2.9.0 → 3.0.0


def test_the_repository_package_version_is_derived_from_its_specs() -> None:
    services = load_specs(ROOT / "specs")
    import outbound

    assert outbound.__version__ == versions.package_version(services)
    assert outbound.SERVICE_VERSIONS == {s.name: s.version for s in services}
    pyproject = (ROOT / "generated" / "pyproject.toml").read_text("utf-8")
    assert f'version = "{outbound.__version__}"' in pyproject
    for s in services:
        assert s.version is not None and s.changelog[0].version == s.version
        snapshot = ROOT / "generated" / "outbound" / s.name / versions.SNAPSHOT
        assert snapshot.read_bytes() == (ROOT / "specs" / f"{s.name}.yaml").read_bytes()


# -- changelogs --------------------------------------------------------------------------------


def test_the_changelog_needs_an_entry_for_the_current_version() -> None:
    bumped = read_spec(
        BASE.replace("\nversion: 1.0.0\n", "\nversion: 1.1.0\n").encode(), "n", "svc"
    )
    (problem,) = versions.changelog_problems([bumped])
    assert problem.message == (
        "svc: the changelog has no entry for version 1.1.0 (its newest entry is 1.0.0); add one "
        "first in `changelog` (`callgen diff --changelog` drafts it)"
    )
    assert versions.changelog_problems([spec(version="1.1.0")]) == []


def test_a_drafted_why_must_be_written() -> None:
    text = BASE.replace("why: The document was transcribed.", "why: 'TODO: what the document says'")
    (problem,) = versions.changelog_problems([read_spec(text.encode(), "n", "svc")])
    assert "still has a drafted why" in problem.message


ENTRY = '  - version: {}\n    changes: [{{change: a, why: b, source: "900"}}]\n'


@pytest.mark.parametrize(
    ("changelog", "message"),
    [
        (
            ENTRY.format("1.0.0") + ENTRY.format("1.0.0"),
            "changelog entry 1.0.0 follows 1.0.0: entries go newest first, one per version",
        ),
        (
            ENTRY.format("0.9.0") + ENTRY.format("1.0.0"),
            "changelog entry 1.0.0 follows 0.9.0: entries go newest first, one per version",
        ),
        (
            '  - version: 1.1.0\n    changes: [{change: a, why: b, source: "900"}]\n',
            "changelog entry 1.1.0 is newer than the spec's version 1.0.0",
        ),
        (
            '  - version: 1.0.0\n    changes: [{change: a, why: b, source: "901"}]\n',
            "source '901' must start with a seed id declared under sources (900)",
        ),
    ],
)
def test_changelog_shape_errors(changelog: str, message: str) -> None:
    start = BASE.index("changelog:\n") + len("changelog:\n")
    text = BASE[:start] + changelog + BASE[BASE.index("sources:") :]
    with pytest.raises(SpecErrors) as info:
        read_spec(text.encode(), "s.yaml", "svc")
    assert [e.message for e in info.value.errors] == [message]


@pytest.mark.parametrize("bad", ["1.0", "v1.0.0", "1.0.0-rc1", "01.0.0"])
def test_versions_are_plain_semver(bad: str) -> None:
    with pytest.raises(SpecErrors, match=r"s\.yaml:4:10: version"):
        read_spec(
            BASE.replace("version: 1.0.0\n", f"version: '{bad}'\n", 1).encode(), "s.yaml", "svc"
        )


# -- generate and check ------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A spec folder with the base spec, and its generated output."""
    specs, out = tmp_path / "specs", tmp_path / "out"
    specs.mkdir()
    (specs / "svc.yaml").write_text(BASE, "utf-8")
    code, text, err = run(capsys, "generate", "--specs", str(specs), "--out", str(out))
    assert code == 0, err
    assert (
        text.splitlines()[-1] == f"nothing to compare with in the output in {out}; outbound 1.0.0"
    )
    return specs, out


def test_generate_ships_snapshot_changelog_and_derived_version(work: tuple[Path, Path]) -> None:
    specs, out = work
    assert (out / "outbound/svc/spec.yaml").read_bytes() == (specs / "svc.yaml").read_bytes()
    assert 'version = "1.0.0"' in (out / "pyproject.toml").read_text("utf-8")
    changelog = (out / "CHANGELOG.md").read_text("utf-8")
    assert (
        "### svc 1.0.0\n\n- First version.\n  Why: The document was transcribed. (source: 900)"
        in changelog
    )


def test_generate_refuses_a_breaking_change_without_a_major_version(
    capsys: pytest.CaptureFixture[str], work: tuple[Path, Path]
) -> None:
    specs, out = work
    before = generate.read_tree(out)
    (specs / "svc.yaml").write_text(TIGHTER, "utf-8")
    code, text, err = run(capsys, "generate", "--specs", str(specs), "--out", str(out))
    assert (code, text) == (1, "")
    expected = (
        f"{specs / 'svc.yaml'}:4:1: svc: 1 breaking change against the output in {out} needs a "
        "new major version"
    )
    assert any(line.startswith(expected) for line in err.splitlines()), err
    assert err.splitlines()[-1] == f"nothing written to {out}"
    assert generate.read_tree(out) == before


def test_generate_writes_a_bumped_change_and_says_what_changed(
    capsys: pytest.CaptureFixture[str], work: tuple[Path, Path]
) -> None:
    specs, out = work
    text = spec(TIGHTER, version="2.0.0").service.text.decode("utf-8")
    (specs / "svc.yaml").write_text(text, "utf-8")
    code, printed, err = run(capsys, "generate", "--specs", str(specs), "--out", str(out))
    assert code == 0, err
    assert printed.splitlines()[-1] == (
        f"against the output in {out}: 1 breaking, 0 compatible, 0 documentation; "
        "outbound 1.0.0 → 2.0.0"
    )
    assert 'version = "2.0.0"' in (out / "pyproject.toml").read_text("utf-8")
    assert "### svc 2.0.0" in (out / "CHANGELOG.md").read_text("utf-8")
    code, printed, err = run(capsys, "check", "--specs", str(specs), "--out", str(out))
    assert code == 0, err
    assert printed.startswith("ok:") and "(outbound 2.0.0)" in printed
    # the same again: nothing changed
    code, printed, _ = run(capsys, "generate", "--specs", str(specs), "--out", str(out))
    assert printed.splitlines()[-1].endswith(
        "0 breaking, 0 compatible, 0 documentation; outbound 2.0.0 → 2.0.0"
    )


def test_check_names_a_change_that_skipped_the_version_rule(
    capsys: pytest.CaptureFixture[str], work: tuple[Path, Path]
) -> None:
    specs, out = work
    (specs / "svc.yaml").write_text(LOOSER, "utf-8")
    code, printed, err = run(capsys, "check", "--specs", str(specs), "--out", str(out))
    assert (code, printed) == (1, "")
    assert "1 compatible change against the output in" in err and "`version: 1.1.0`" in err
    assert "stale: " in err and "fix the versions above, then run `callgen generate`" in err


def test_check_wants_a_changelog_entry_for_the_version(
    capsys: pytest.CaptureFixture[str], work: tuple[Path, Path]
) -> None:
    specs, out = work
    (specs / "svc.yaml").write_text(
        BASE.replace("\nversion: 1.0.0\n", "\nversion: 1.0.1\n"), "utf-8"
    )
    code, _, err = run(capsys, "generate", "--specs", str(specs), "--out", str(out))
    assert code == 0, err  # generate does not need the entry; check does
    code, printed, err = run(capsys, "check", "--specs", str(specs), "--out", str(out))
    assert (code, printed) == (1, "")
    assert "svc: the changelog has no entry for version 1.0.1" in err
    assert err.splitlines()[-1] == "1 version problem(s) in the specs"


def test_generate_and_check_need_a_version(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    text = BASE.replace("version: 1.0.0\n", "", 1)
    text = text[: text.index("changelog:")] + text[text.index("sources:") :]
    (specs / "svc.yaml").write_text(text, "utf-8")
    for command in ("generate", "check"):
        code, _, err = run(capsys, command, "--specs", str(specs), "--out", str(tmp_path / "o"))
        assert code == 1
        assert "svc has no version: add `version: 1.0.0` and a changelog entry" in err
    assert not (tmp_path / "o").exists()


def test_an_unreadable_snapshot_stops_generate(
    capsys: pytest.CaptureFixture[str], work: tuple[Path, Path]
) -> None:
    specs, out = work
    (out / "outbound/svc/spec.yaml").write_text("callgen: 7\n", "utf-8")
    code, _, err = run(capsys, "generate", "--specs", str(specs), "--out", str(out))
    assert code == 1
    assert "the spec snapshot in" in err and "no longer reads" in err
    assert "callgen diff --git REV" in err and "Traceback" not in err


def test_output_without_snapshots_has_nothing_to_compare(tmp_path: Path) -> None:
    assert versions.read_snapshots(tmp_path / "none" / "outbound") is None
    (tmp_path / "old" / "outbound" / "svc").mkdir(parents=True)
    assert versions.read_snapshots(tmp_path / "old" / "outbound") is None


def test_removing_a_service_is_refused_by_generate(
    capsys: pytest.CaptureFixture[str], work: tuple[Path, Path]
) -> None:
    specs, out = work
    shutil.copy(specs / "svc.yaml", specs / "other.yaml")
    other = specs / "other.yaml"
    other.write_text(BASE.replace("service: svc", "service: other"), "utf-8")
    assert run(capsys, "generate", "--specs", str(specs), "--out", str(out))[0] == 0
    other.unlink()
    code, _, err = run(capsys, "generate", "--specs", str(specs), "--out", str(out))
    assert code == 1
    assert "the package version would go 2.0.0 → 1.0.0" in err and "(other 1.0.0)" in err
