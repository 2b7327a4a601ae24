"""Service versions and the rule that ties them to changes; the package version; changelogs.

- Each spec carries a semantic `version`. A breaking change (as `callgen diff` classifies it)
  needs a new major version of its service, a compatible one at least a new minor version.
  `callgen generate` applies the rule against the output it replaces, `callgen check` against
  the committed output, `callgen diff` against its old side.
- The package version is derived from the service versions: each of major, minor and patch is
  the sum of that part over the services (1.2.0 + 2.0.1 → 3.2.1). A service's major bump
  raises the package major; a minor bump (major unchanged) the package minor, and so on, so
  the package moves at least as far as its furthest-moving service. The limits (a removed
  service takes its share out of the sum) are in the README, "The package version".
- The generated package ships a snapshot of each spec it was generated from
  (`<package>/<service>/spec.yaml`, the spec's bytes), so a later `generate` knows what the
  output it replaces was made from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .diff import BREAKING, COMPATIBLE, Change, compare_specs, counts, summary
from .errors import SpecError, SpecErrors
from .ir import Pos, Service, version_key
from .spec import LoadedSpec, attempt, check_distinct, read_spec

SNAPSHOT = "spec.yaml"  # beside each service's modules in the generated package
UNVERSIONED = "0.0.0"  # how a spec written before versioning counts on the old side
LEVELS = ("major", "minor", "patch")
_TODO = "TODO:"  # what a drafted changelog line says until a person writes why


def needed_level(changes: list[Change]) -> str | None:
    """The smallest version bump these changes need: major, minor, or None."""
    kinds = {c.kind for c in changes}
    if BREAKING in kinds:
        return "major"
    if COMPATIBLE in kinds:
        return "minor"
    return None


def bump(version: str, level: str) -> str:
    major, minor, patch = version_key(version)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def rises_enough(old: str, new: str, level: str | None) -> bool:
    """Whether going from `old` to `new` is at least a `level` bump (None: anything not lower)."""
    before, after = version_key(old), version_key(new)
    if level == "major":
        return after[0] > before[0]
    if level == "minor":
        return after[:2] > before[:2]
    if level == "patch":
        return after > before
    return after >= before


def package_version(services: list[Service]) -> str:
    """The generated package's version: major, minor and patch each summed over the services."""
    parts = [version_key(s.version or UNVERSIONED) for s in services]
    return ".".join(str(sum(p[i] for p in parts)) for i in range(3))


def _plural(n: int, word: str) -> str:
    return f"{n} {word} change{'s' if n != 1 else ''}"


def _version_pos(spec: LoadedSpec) -> Pos:
    return spec.doc.pos(("version",), key=True)


def bump_problems(
    old: list[LoadedSpec], new: list[LoadedSpec], changes: list[Change], against: str
) -> list[SpecError]:
    """Every service whose version does not rise as far as its changes need (semver), and,
    when each does, a package version that would not rise as far as all changes need."""
    problems: list[SpecError] = []
    old_by_name = {s.service.name: s for s in old}
    for spec in new:
        s = spec.service
        before = old_by_name.get(s.name)
        if before is None:
            continue  # a new service: any version will do
        mine = [c for c in changes if c.service == s.name]
        level = needed_level(mine)
        old_version = before.service.version or UNVERSIONED
        if s.version is None:
            if mine:
                problems.append(
                    SpecError(
                        s.pos,
                        f"{s.name} has changes against {against} but no version: add "
                        f"`version: {bump(old_version, level or 'patch')}` and a changelog entry",
                    )
                )
            continue
        if version_key(s.version) < version_key(old_version):
            problems.append(
                SpecError(
                    _version_pos(spec),
                    f"{s.name}: version {s.version} is lower than {old_version} in {against}; "
                    "versions only go up",
                )
            )
        elif not rises_enough(old_version, s.version, level):
            assert level is not None
            n = counts(mine)
            count = n[BREAKING] if level == "major" else n[COMPATIBLE]
            kind = BREAKING if level == "major" else COMPATIBLE
            problems.append(
                SpecError(
                    _version_pos(spec),
                    f"{s.name}: {_plural(count, kind)} against {against} "
                    f"need{'s' if count == 1 else ''} a new {level} "
                    f"version, but the version goes {old_version} → {s.version}: set `version: "
                    f"{bump(old_version, level)}` and add a changelog entry for it "
                    "(`callgen diff --changelog` drafts one)",
                )
            )
    if problems or not old:
        return problems
    level = needed_level(changes)
    old_package = package_version([s.service for s in old])
    new_package = package_version([s.service for s in new])
    if not rises_enough(old_package, new_package, level):
        names = {s.service.name for s in new}
        removed = [s.service for s in old if s.service.name not in names]
        why = ""
        if removed:
            gone = ", ".join(f"{s.name} {s.version or UNVERSIONED}" for s in removed)
            why = f"; the removed services ({gone}) no longer count in the sum"
        where = removed[0].pos if removed else new[0].service.pos if new else Pos(against, 1, 1)
        problems.append(
            SpecError(
                where,
                f"the package version would go {old_package} → {new_package} (the sum of the "
                f"service versions) but the changes against {against} need a new {level or 'any'} "
                f'version{why}; see the README, "The package version"',
            )
        )
    return problems


def missing_versions(specs: list[Service]) -> list[SpecError]:
    """generate and check need a version in every spec."""
    return [
        SpecError(
            s.pos,
            f"{s.name} has no version: add `version: 1.0.0` and a changelog entry for it "
            "(see docs/spec-language.md)",
        )
        for s in specs
        if s.version is None
    ]


def changelog_problems(specs: list[LoadedSpec]) -> list[SpecError]:
    """Each versioned spec's changelog starts with an entry for its current version."""
    problems = []
    for spec in specs:
        s = spec.service
        if s.version is None:
            continue
        drafted = [c for release in s.changelog for c in release.changes if c.why.startswith(_TODO)]
        if drafted:
            problems.append(
                SpecError(
                    spec.doc.pos(("changelog",), key=True),
                    f"{s.name}: the changelog still has a drafted why ({drafted[0].change!r}): "
                    "say what the document says now, and why the spec follows it",
                )
            )
        if not s.changelog or s.changelog[0].version != s.version:
            newest = f" (its newest entry is {s.changelog[0].version})" if s.changelog else ""
            problems.append(
                SpecError(
                    spec.doc.pos(("changelog",), key=True) if s.changelog else _version_pos(spec),
                    f"{s.name}: the changelog has no entry for version {s.version}{newest}; "
                    "add one first in `changelog` (`callgen diff --changelog` drafts it)",
                )
            )
    return problems


# -- the snapshot shipped with the generated package -------------------------------------------


def read_snapshots(package: Path) -> list[LoadedSpec] | None:
    """The specs the generated package in folder `package` was made from, or None when it has
    no snapshot (no output yet, or one written before versioning). Raises SpecErrors when a
    snapshot no longer reads."""
    if not package.is_dir():
        return None
    files = sorted(package.glob(f"*/{SNAPSHOT}"))
    if not files:
        return None
    found = []
    for f in files:
        try:
            raw = f.read_bytes()
        except OSError as exc:
            found.append(SpecErrors([SpecError(Pos(str(f), 1, 1), f"cannot read: {exc}")]))
            continue
        found.append(attempt(read_spec, raw, str(f), f.parent.name))
    return check_distinct(found)


@dataclass(frozen=True)
class Comparison:
    """The specs against an earlier state of them, and what the version rule says."""

    against: str  # "the output in generated", "origin/main", …
    old: list[LoadedSpec] | None  # None: nothing to compare with
    new: list[LoadedSpec]
    changes: list[Change]
    problems: list[SpecError]

    def summary(self, package: str) -> str:
        """One line: what changed against `against`, and the version of `package`."""
        new_package = package_version([s.service for s in self.new])
        if self.old is None:
            return f"nothing to compare with in {self.against}; {package} {new_package}"
        old_package = package_version([s.service for s in self.old])
        return (
            f"against {self.against}: {summary(self.changes)}; "
            f"{package} {old_package} → {new_package}"
        )


def compare(old: list[LoadedSpec] | None, new: list[LoadedSpec], against: str) -> Comparison:
    if old is None:
        return Comparison(against, None, new, [], [])
    changes = compare_specs(old, new)
    return Comparison(against, old, new, changes, bump_problems(old, new, changes, against))


def against_output(new: list[LoadedSpec], out: Path, package: str) -> Comparison:
    """The specs against the snapshots in the generated output `out` (what its package folder
    `package` was made from); every spec must carry a version."""
    against = f"the output in {out}"
    missing = missing_versions([s.service for s in new])
    try:
        old = read_snapshots(out / package)
    except SpecErrors as exc:
        first = exc.errors[0]
        problem = SpecError(
            first.pos,
            f"the spec snapshot in {out} no longer reads ({first.message}), so the changes "
            f"cannot be checked against it: compare with `callgen diff --git REV` instead, "
            f"then delete {out} to generate it from scratch",
        )
        return Comparison(against, None, new, [], missing + [problem])
    found = compare(old, new, against)
    return Comparison(against, found.old, new, found.changes, missing + found.problems)


# -- changelogs --------------------------------------------------------------------------------


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def draft_changelog(old: list[LoadedSpec], new: list[LoadedSpec], changes: list[Change]) -> str:
    """YAML to paste into each changed spec: the version it needs and a changelog entry listing
    its classified changes, for a person to edit (the `why` of each is left to them)."""
    old_by_name = {s.service.name: s.service for s in old}
    blocks = []
    for spec in new:
        s = spec.service
        mine = [c for c in changes if c.service == s.name]
        if not mine:
            continue
        before = old_by_name.get(s.name)
        old_version = (before.version if before else None) or UNVERSIONED
        level = needed_level(mine) or "patch"
        version = bump(old_version, level)
        if s.version and rises_enough(old_version, s.version, level) and s.version != old_version:
            version = s.version  # already bumped far enough: keep the author's choice
        fallback = s.sources[0].id if s.sources else "000"
        lines = [
            f"# {s.file}: {summary(mine)} since {old_version}",
            f"version: {version}",
            "changelog:",
            f"  - version: {version}",
            "    changes:",
        ]
        for c in mine:
            lines += [
                f"      - kind: {c.kind}",
                f"        change: {_yaml_string(c.describe())}",
                f"        why: {_yaml_string(_TODO + ' what the document says now, and why')}",
                f"        source: {_yaml_string(c.source or fallback)}",
            ]
        lines.append("  # … followed by the entries already in the spec")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")
