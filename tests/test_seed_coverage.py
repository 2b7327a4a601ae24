"""Every parameter, result code and JSON example of each seed document is in its spec.

The seed documents (../shared/seeds) are read with generator.doctables — the table reader of
`callgen audit` — and nothing is listed by hand: both plain-text table styles (one row per line
in 000/001/003, one cell per line under a `Table 4 …` / `表3 …` caption in 002/004), the success
codes stated in words and every JSON example. tests/test_doctables.py tests the reader itself;
this file checks its reading against the specs with a matcher of its own, simpler than the
audit's (tests/test_audit.py):

A spec transcribes the seeds listed under its `sources`. Each documented parameter must be a
property (or header / path parameter) of the spec, looked up in the type or property the table's
caption names (`PhoneGroupDto`, `callList 参数说明`), else in the operation whose `source` section
heads that part of the document (`001 群呼任务详情`), else anywhere in the spec. It must carry the
documented requiredness (Y → required, N → optional, `送号策略=0:Y` → required_if, blank column →
inferred: true) and a compatible type, unless a note's source names that very parameter (a
recorded contradiction). Each code must be an error code (success codes marked `success: true` and
listed in the envelope); each JSON example must equal an example body of the spec. The last tests
delete things from the specs in memory and check that the checker notices.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.doctables import read_page

ROOT = Path(__file__).resolve().parents[1]
SPECS_DIR = ROOT / "specs"
# The seeds live beside the repository (../shared/seeds), as on a developer's machine and in CI.
SEEDS_DIR = Path(
    os.environ.get("CALLGEN_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)

if not SEEDS_DIR.is_dir():
    if os.environ.get("CI"):  # CI always has them: a missing folder is a broken set-up, not a skip
        raise RuntimeError(f"seed documents not found at {SEEDS_DIR} (set CALLGEN_SEEDS)")
    pytest.skip(f"seed documents not found at {SEEDS_DIR}", allow_module_level=True)

# -- the facts of each seed, as generator.doctables reads them -------------------------------------

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Param:
    name: str
    line: int
    caption: str
    doc_type: str | None = None
    required: str | None = None  # "yes" | "no" | "conditional" | "blank" | None (no such column)
    location: str | None = None  # "header" | "body" | None


@dataclass
class SeedFacts:
    seed_id: str
    file: str
    params: list[Param] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)  # code → line
    success_codes: dict[str, int] = field(default_factory=dict)
    examples: list[tuple[Any, int]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def parse_seed(path: Path) -> SeedFacts:
    page = read_page(path)
    facts = SeedFacts(seed_id=path.name.split("_", 1)[0], file=path.name, lines=list(page.lines))
    for table in page.tables:
        caption = table.caption.text if table.caption else ""
        for row in table.params:
            facts.params.append(
                Param(row.name, row.line, caption, row.type, row.required, row.location)
            )
        for code in table.codes:
            facts.codes.setdefault(code.code, code.line)
    for success in page.success_codes:
        facts.success_codes.setdefault(success.code, success.line)
    facts.examples = [(e.value, e.line) for e in page.examples]
    return facts


# -- what a spec contains -------------------------------------------------------------------------

DOC_TYPES = {
    "string": {"string", "integer_string"},
    "int": {"integer"},
    "integer": {"integer"},
    "long": {"integer"},
    "boolean": {"boolean"},
    "array": {"array"},
    "list": {"array"},
    "object": {"object"},
    "json": {"object"},
}


def wire_types(node: dict[str, Any]) -> set[str]:
    raw = node.get("type")
    if raw is None:
        types = {"object"} if ("ref" in node or "properties" in node) else {"any"}
    else:
        types = set(raw) if isinstance(raw, list) else {raw}
    if node.get("nullable"):
        types.add("null")
    return types


class SpecIndex:
    """Property nodes of a spec by wire name — in the whole spec and per operation section —
    plus headers, path parameters, codes, examples and notes."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.types: dict[str, Any] = spec.get("types") or {}
        self.by_name: dict[str, list[dict[str, Any]]] = {}
        self.headers: set[str] = set()
        self.path_params: set[str] = set()
        # section title (an operation's or callback's source without the seed id) → its names
        self.sections: dict[str, tuple[dict[str, list[dict[str, Any]]], set[str]]] = {}
        for t in self.types.values():
            self._collect(t, self.by_name, follow_refs=False)
        for kind in ("operations", "callbacks"):
            for owner in (spec.get(kind) or {}).values():
                roots = [owner[k] for k in ("request", "response", "body") if k in owner]
                plain = set(owner.get("headers") or {}) | set(owner.get("path_params") or {})
                self.headers |= set(owner.get("headers") or {})
                self.path_params |= set(owner.get("path_params") or {})
                local: dict[str, list[dict[str, Any]]] = {}
                for root in roots:
                    self._collect(root, self.by_name, follow_refs=False)
                    self._collect(root, local, follow_refs=True)
                section = str(owner.get("source", "")).partition(" ")[2].strip()
                if section:
                    names, heads = self.sections.setdefault(section, ({}, set()))
                    for k, v in local.items():
                        names.setdefault(k, []).extend(v)
                    heads |= plain
        self.codes = {str(c["code"]): c for c in spec.get("error_codes") or []}
        self.examples = [
            ex["body"]
            for kind in ("operations", "callbacks")
            for owner in (spec.get(kind) or {}).values()
            for ex in owner.get("examples") or []
        ]
        self.note_sources = [str(n.get("source", "")) for n in spec.get("notes") or []]

    def _collect(
        self,
        node: dict[str, Any],
        acc: dict[str, list[dict[str, Any]]],
        *,
        follow_refs: bool,
        seen: frozenset[str] = frozenset(),
    ) -> None:
        if follow_refs and node.get("ref") in self.types and node["ref"] not in seen:
            self._collect(self.types[node["ref"]], acc, follow_refs=True, seen=seen | {node["ref"]})
        for name, prop in (node.get("properties") or {}).items():
            acc.setdefault(name, []).append(prop)
            self._collect(prop, acc, follow_refs=follow_refs, seen=seen)
        if isinstance(node.get("items"), dict):
            self._collect(node["items"], acc, follow_refs=follow_refs, seen=seen)

    def object_properties(self, node: dict[str, Any]) -> dict[str, Any]:
        """Properties of the object a node describes (through items and ref)."""
        if "items" in node:
            return self.object_properties(node["items"])
        if "ref" in node:
            return (self.types.get(node["ref"]) or {}).get("properties") or {}
        return node.get("properties") or {}

    def caption_scope(self, caption: str) -> tuple[str, list[dict[str, Any]]] | None:
        """The objects a table caption names (`callList 参数说明`, `PhoneGroupDto`,
        `Table 4 Parameter description of callDataList`), if it names one of this spec."""
        for word in reversed(caption.split()):
            if not NAME.match(word):
                continue
            if word in self.types:
                return word, [self.types[word].get("properties") or {}]
            if word in self.by_name:
                return word, [self.object_properties(n) for n in self.by_name[word]]
        return None

    def section_of(self, lines: list[str], line: int) -> str | None:
        """The nearest section title above `line` that is the source of an operation/callback."""
        for k in range(line - 1, -1, -1):
            title = lines[k].strip().rstrip(":：")
            if title in self.sections:
                return title
        return None

    def noted(self, seed_id: str, name: str) -> bool:
        """A note whose source names this very parameter (`001 群呼任务列表 返回值 info`)."""
        return any(s.startswith(seed_id + " ") and s.split()[-1] == name for s in self.note_sources)


def problems(facts: SeedFacts, spec: dict[str, Any]) -> list[str]:
    """Everything of the seed that the spec lacks, one line each."""
    index = SpecIndex(spec)
    out: list[str] = []

    def where(line: int) -> str:
        return f"{facts.file}:{line}"

    for p in facts.params:
        section = index.section_of(facts.lines, p.line)
        names, plain = (
            index.sections[section]
            if section
            else (index.by_name, index.headers | index.path_params)
        )
        if p.location == "header" or (
            p.location is None and p.name in plain and p.name not in names
        ):
            if p.name not in plain:
                out.append(
                    f"{where(p.line)}: header {p.name!r} is not a header of {section or 'any operation'}"
                )
            continue
        scope = index.caption_scope(p.caption)
        if scope is not None:
            scope_name, objects = scope
            candidates = [o[p.name] for o in objects if p.name in o]
        else:
            scope_name, candidates = (section or "the spec"), names.get(p.name, [])
        if not candidates:
            out.append(f"{where(p.line)}: parameter {p.name!r} is not a property of {scope_name}")
            continue
        if p.doc_type:
            base = re.split(r"[<(]", p.doc_type)[0].lower()
            expected = DOC_TYPES.get(base)
            mismatch = expected and not any(wire_types(c) & expected for c in candidates)
            if mismatch and not index.noted(facts.seed_id, p.name):
                out.append(
                    f"{where(p.line)}: {p.name!r} is documented as {p.doc_type}; the spec differs "
                    "without a note on it"
                )
        if p.required == "yes" and not any(c.get("required") is True for c in candidates):
            out.append(
                f"{where(p.line)}: {p.name!r} is documented as mandatory, spec has no required: true"
            )
        if p.required == "no" and not any(
            not c.get("required") and "required_if" not in c for c in candidates
        ):
            out.append(f"{where(p.line)}: {p.name!r} is documented as optional, spec requires it")
        if p.required == "conditional" and not any("required_if" in c for c in candidates):
            out.append(
                f"{where(p.line)}: {p.name!r} is conditionally mandatory, spec has no required_if"
            )
        if p.required == "blank" and not any(c.get("inferred") is True for c in candidates):
            out.append(
                f"{where(p.line)}: {p.name!r} has a blank mandatory column, spec lacks inferred: true"
            )

    for code, line in sorted(facts.codes.items()):
        if code not in index.codes:
            out.append(f"{where(line)}: result code {code} is not under error_codes")
    success = {str(v) for v in (spec.get("envelope") or {}).get("success", [])}
    for code, line in sorted(facts.success_codes.items()):
        entry = index.codes.get(code)
        if entry is None:
            out.append(f"{where(line)}: success code {code} is not under error_codes")
        elif entry.get("success") is not True:
            out.append(f"{where(line)}: success code {code} lacks success: true")
        if code not in success:
            out.append(f"{where(line)}: success code {code} is not in envelope.success")

    for value, line in facts.examples:
        if value not in index.examples:
            out.append(f"{where(line)}: the JSON example here is not an example body of the spec")
    return out


# -- fixtures ---------------------------------------------------------------------------------------

SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))


def load_specs() -> dict[str, dict[str, Any]]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(SPECS_DIR.glob("*.yaml"))
    }


def spec_for(seed: Path, specs: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]] | None:
    for name, spec in specs.items():
        for sid, src in (spec.get("sources") or {}).items():
            if src.get("file") == seed.name:
                assert sid == seed.name.split("_", 1)[0], f"{name}: source {sid} names {seed.name}"
                return name, spec
    return None


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    return load_specs()


# -- the parser finds what the documents hold --------------------------------------------------------


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_parser_finds_parameters_codes_and_examples(seed: Path) -> None:
    facts = parse_seed(seed)
    assert facts.params, "no parameter table found"
    assert facts.success_codes, "no success code found"
    assert facts.examples, "no JSON example found"
    assert all(NAME.match(p.name) for p in facts.params)


def test_parser_reads_each_table_kind() -> None:
    """Spot checks that each table layout is understood (not the coverage proof itself)."""
    by_seed = {p.name[:3]: parse_seed(p) for p in SEED_FILES}
    if {"000", "001", "002", "003"} - set(by_seed):
        pytest.skip("not all seed documents are present")
    quanshi = {p.name: p for p in by_seed["000"].params if p.caption.startswith("callList")}
    assert quanshi["mobile"].required == "blank" and quanshi["mobile"].doc_type == "String"
    dezhu = {p.name: p for p in by_seed["003"].params}
    assert dezhu["multiplyPower"].required == "conditional"
    assert dezhu["appId"].location == "header" and dezhu["taskDesc"].required == "no"
    assert set(by_seed["003"].codes) >= {"10000", "29002"}
    huawei = {p.name: p for p in by_seed["002"].params}
    assert huawei["called"].required == "yes" and huawei["called"].caption.startswith("Table 4")
    assert "02000011" in by_seed["002"].codes
    assert by_seed["001"].success_codes.keys() == {"0"}


# -- every seed is transcribed --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_is_transcribed_by_a_spec(seed: Path, specs: dict[str, dict[str, Any]]) -> None:
    found = spec_for(seed, specs)
    assert found is not None, f"no spec lists {seed.name} under sources"
    name, spec = found
    assert problems(parse_seed(seed), spec) == [], f"specs/{name}.yaml"


# -- the checker notices what is missing --------------------------------------------------------------


def _without_property(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """A copy of the spec with every property, header or path parameter `name` removed."""
    spec = copy.deepcopy(spec)

    def strip(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("properties", "headers", "path_params"):
                if isinstance(node.get(key), dict):
                    node[key].pop(name, None)
            for key, value in node.items():
                if key not in ("examples", "body"):
                    strip(value)
        elif isinstance(node, list):
            for value in node:
                strip(value)

    strip(spec)
    return spec


def _pairs(specs: dict[str, dict[str, Any]]) -> Iterator[tuple[SeedFacts, dict[str, Any]]]:
    for seed in SEED_FILES:
        found = spec_for(seed, specs)
        if found is not None:
            yield parse_seed(seed), found[1]


def test_checker_notices_every_deleted_parameter(specs: dict[str, dict[str, Any]]) -> None:
    checked = 0
    for facts, spec in _pairs(specs):
        for name in sorted({p.name for p in facts.params}):
            found = problems(facts, _without_property(spec, name))
            assert any(
                repr(name) in f for f in found
            ), f"{facts.file}: deleting {name!r} went unnoticed"
            checked += 1
    assert checked


def test_checker_notices_every_deleted_code(specs: dict[str, dict[str, Any]]) -> None:
    checked = 0
    for facts, spec in _pairs(specs):
        for code in sorted(set(facts.codes) | set(facts.success_codes)):
            mutated = copy.deepcopy(spec)
            mutated["error_codes"] = [c for c in mutated["error_codes"] if str(c["code"]) != code]
            assert any(
                f" {code} " in f for f in problems(facts, mutated)
            ), f"{facts.file}: deleting code {code} went unnoticed"
            checked += 1
    assert checked


def _make_optional(node: Any) -> set[str]:
    """Turn every `required: true` into false (in place); the names of the changed properties."""
    flipped: set[str] = set()
    if isinstance(node, dict):
        for prop_name, prop in (node.get("properties") or {}).items():
            if prop.get("required") is True:
                prop["required"] = False
                flipped.add(prop_name)
        for key, value in node.items():
            if key not in ("examples", "body"):
                flipped |= _make_optional(value)
    elif isinstance(node, list):
        for value in node:
            flipped |= _make_optional(value)
    return flipped


def test_checker_notices_wrong_requiredness_and_changed_examples(
    specs: dict[str, dict[str, Any]],
) -> None:
    for facts, spec in _pairs(specs):
        mutated = copy.deepcopy(spec)
        flipped = _make_optional(mutated)
        mandatory = {p.name for p in facts.params if p.required == "yes"} & flipped
        found = problems(facts, mutated)
        for name in mandatory:
            assert any(repr(name) in f and "mandatory" in f for f in found), name

        mutated = copy.deepcopy(spec)
        for section in ("operations", "callbacks"):
            for owner in (mutated.get(section) or {}).values():
                for ex in owner.get("examples") or []:
                    if isinstance(ex["body"], dict):
                        ex["body"]["__changed__"] = True
        assert sum("JSON example" in f for f in problems(facts, mutated)) == len(facts.examples)


def test_checker_notices_parameter_deleted_from_one_operation(
    specs: dict[str, dict[str, Any]],
) -> None:
    """Where a table sits under an operation's section (001: one table per call), deleting the
    parameter from that operation alone is noticed, even though other operations still have it."""
    checked = 0
    for facts, spec in _pairs(specs):
        index = SpecIndex(spec)
        for p in facts.params:
            section = index.section_of(facts.lines, p.line)
            if section is None or p.location == "header" or index.caption_scope(p.caption):
                continue
            mutated = copy.deepcopy(spec)
            for kind in ("operations", "callbacks"):
                for owner in (mutated.get(kind) or {}).values():
                    if str(owner.get("source", "")).partition(" ")[2].strip() == section:
                        for key in ("request", "response", "body"):
                            if key in owner:
                                owner[key] = _without_property(owner[key], p.name)
            if p.name in SpecIndex(mutated).sections[section][0]:
                continue  # still reachable through a named type of that operation
            found = problems(facts, mutated)
            assert any(
                repr(p.name) in f for f in found
            ), f"{facts.file}:{p.line}: {p.name!r} unnoticed"
            checked += 1
    assert checked
