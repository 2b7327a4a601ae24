"""The fast meta-schema check (fastjsonschema) never accepts a spec that jsonschema refuses.

`spec.meta_schema_errors` trusts the compiled validator's yes and asks jsonschema only after
a no; so a spec the fast one accepts must be one jsonschema accepts too. Checked on the
repository's specs and on random edits of them (a key removed or added, a value replaced by
another JSON value, wrapped in a list), each judged by both validators independently.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from diff_base_spec import BASE
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.spec import _fast_validator, _validator
from generator.yamlpos import load_yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = [load_yaml(p.name, p.read_bytes()).data for p in sorted((ROOT / "specs").glob("*.yaml"))]
DOCS.append(load_yaml("svc.yaml", BASE.encode()).data)


def fast_accepts(data: Any) -> bool:
    try:
        _fast_validator()(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def slow_accepts(data: Any) -> bool:
    return next(iter(_validator().iter_errors(data)), None) is None


@pytest.mark.parametrize("index", range(len(DOCS)))
def test_both_accept_the_specs(index: int) -> None:
    assert fast_accepts(DOCS[index]) and slow_accepts(DOCS[index])


def paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            found += paths(v, at + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += paths(v, at + (i,))
    return found


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.sampled_from([1.5, 1.0, 0.0, -1.0]),
    st.sampled_from(["", "x", "1.0.0", "string", "0200000", "/a", "^a$", "900", "002 Table 1"]),
    # a new container per draw: st.just({}) hands out one object, which an "add" edit could
    # then insert into itself (a cycle, and a RecursionError in paths())
    st.builds(list),
    st.builds(dict),
)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_fast_never_accepts_what_jsonschema_refuses(data: st.DataObject) -> None:
    doc = copy.deepcopy(data.draw(st.sampled_from(DOCS)))
    for _ in range(data.draw(st.integers(1, 3))):
        target = data.draw(st.sampled_from(paths(doc)[1:]))
        parent = doc
        for key in target[:-1]:
            parent = parent[key]
        last = target[-1]
        edit = data.draw(st.sampled_from(["delete", "replace", "wrap", "add"]))
        if edit == "delete" and isinstance(parent, dict):
            del parent[last]
        elif edit == "replace":
            parent[last] = data.draw(VALUES)
        elif edit == "wrap":
            parent[last] = [parent[last]]
        elif isinstance(parent[last], dict):
            parent[last][data.draw(st.sampled_from(["x", "ref", "type", "required", "kind"]))] = (
                data.draw(VALUES)
            )
    if fast_accepts(doc):
        assert slow_accepts(doc), list(_validator().iter_errors(doc))[:3]


# -- the compiled module ---------------------------------------------------------------------


def test_the_compiled_check_is_current() -> None:
    """generator/meta_schema_check.py is compiled from today's meta-schema (else loading would
    compile it again in every process: run `python -m generator.spec`)."""
    from generator import meta_schema_check, spec

    assert meta_schema_check.META_SCHEMA_SHA256 == spec.meta_schema_digest()
    assert _fast_validator() is meta_schema_check.validate


def test_a_stale_compiled_check_is_compiled_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a module that does not match the meta-schema, the check is compiled at run time,
    and it judges as the shipped one does."""
    from generator import meta_schema_check, spec

    monkeypatch.setattr(meta_schema_check, "META_SCHEMA_SHA256", "0" * 64)
    spec._fast_validator.cache_clear()
    try:
        fresh = spec._fast_validator()
    finally:
        spec._fast_validator.cache_clear()
    assert fresh is not meta_schema_check.validate
    for doc in DOCS:
        broken = copy.deepcopy(doc)
        broken["operations"] = {"x": {"method": "GET"}}
        fresh(doc)
        with pytest.raises(fastjsonschema.JsonSchemaException):
            fresh(broken)
        with pytest.raises(fastjsonschema.JsonSchemaException):
            meta_schema_check.validate(broken)


def test_jsonschema_is_imported_only_to_word_a_problem() -> None:
    """Loading a valid spec never imports jsonschema (a tenth of a second at start-up)."""
    import subprocess
    import sys

    code = (
        "import sys; from generator.spec import load_service; "
        f"load_service(__import__('pathlib').Path({str(ROOT / 'specs' / 'huawei_isales.yaml')!r})); "
        "print('jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
