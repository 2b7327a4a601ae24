"""Hypothesis-built specs with hostile names and texts still give a package that compiles,
type-checks and validates, or a clear spec error when names really collide.

Wire names come from Python keywords, reserved and builtin names, digits first, `-`, `.`,
spaces, `/`, `~`, Chinese, and pairs like fooBar / foo_bar; descriptions, enum meanings, error
texts and example strings carry quotes, triple quotes, backslashes, newlines, braces, `%` and
Chinese. A spec either loads, or fails with only the errors its names explain (snake_case or
class-name collisions, keyword operation ids, reserved class names).
"""

from __future__ import annotations

import json
import keyword
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator import examples, generate
from generator.errors import SpecErrors
from generator.naming import RESERVED_CLASSES, pascal, snake
from generator.sandbox import imported, service_module
from generator.spec import load_specs

# -- texts and names ---------------------------------------------------------------------------

NASTY = [
    '"',
    "'",
    '"""',
    "'''",
    "\\",
    "\\n",
    "\\N{DASH}",
    "\\x00",
    "\n",
    "\r\n",
    "\t",
    "{x}",
    "{{",
    "}",
    "%s",
    "%(x)d",
    "中文说明",
    "“引号”",
    "‘’",
    "–",
    "¥",
    "\u2028",
    "\x00",
    "# not a comment",
    "{% raw %}",
    "{{ x }}",
    "\x1b[0m",
    "$",
    "^",
]
text = st.lists(st.sampled_from(NASTY) | st.text(max_size=6), max_size=6).map("".join)
line = text.filter(lambda s: s.strip() != "")  # for keys the meta-schema wants non-empty

TRICKY_NAMES = [
    "class",
    "def",
    "from",
    "import",
    "lambda",
    "None",
    "True",
    "self",
    "cls",
    "extra",
    "extra_",
    "deviations",
    "to_wire",
    "from_wire",
    "_WIRE_NAMES",
    "body",
    "params",
    "arguments",
    "raw",
    "response",
    "violations",
    "validate_request",
    "type",
    "match",
    "_",
    "__init__",
    "list",
    "str",
    "Any",
    "Mapping",
    "l",
    "O",
    "1st",
    "2",
    "007",
    "a-b",
    "a.b",
    "a b",
    "a/b",
    "a~b",
    "~1",
    "名字",
    "电话号码",
    "ｆｏｏ",
    "fooBar",
    "foo_bar",
    "foo-bar",
    "HTTPCode",
    "httpCode",
    "x" * 40,
]


def mostly(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """common seven times in eight: a spec with a real collision tests one error, not the code."""
    return st.integers(0, 7).flatmap(lambda n: rare if n == 0 else common)


wire_name = st.sampled_from(TRICKY_NAMES) | st.text(min_size=1, max_size=8)
op_id = mostly(
    st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
        lambda s: not keyword.iskeyword(s)
    ),
    st.sampled_from(["class", "import", "close", "l", "match", "schema", "get", "send", "httpx"]),
)
type_name = mostly(
    st.sampled_from(["Widget", "Item"]), st.sampled_from(["None", "Any", "Client", "O"])
)

PATTERNS = {  # ASCII, anchored, [0-9] not \d; each with one value it accepts
    r"^[0-9*#]+$": "12*#",
    "^[a-z\"'\\\\]*$": "a\"'\\",
    r"^(?:\$[0-9]+|%s)$": "$12",
    r"^[^{}]{0,3}$": "x",
}
FORMATS = {"date": "2024-02-29", "time": "23:59:59", "datetime": "2024-02-29 00:00:00"}

# -- spec strategy -----------------------------------------------------------------------------

SOURCE = "000 section"


@st.composite
def scalar(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(["string", "integer", "number", "boolean", "integer_string", "any"])
    )
    node: dict[str, Any] = {"type": kind, "description": draw(text), "source": SOURCE}
    flavour = draw(st.sampled_from(["plain", "enum", "constrained"]))
    if kind == "string":
        if flavour == "enum":
            values = draw(st.lists(text, min_size=1, max_size=3, unique=True))
            node["enum"] = [{"value": v, "meaning": draw(text)} for v in values]
        elif flavour == "constrained":
            which = draw(st.sampled_from(["length", "pattern", "format"]))
            if which == "length":
                low = draw(st.integers(0, 3))
                node.update(min_length=low, max_length=draw(st.integers(max(low, 1), 9)))
                node["max_bytes"] = draw(st.integers(node["max_length"] * 3, 40))
                chars = draw(st.text(alphabet=st.sampled_from("\"'\\.,–¥中{}%\n"), min_size=1))
                node["forbidden_chars"] = chars
            elif which == "pattern":
                node["pattern"] = draw(st.sampled_from(sorted(PATTERNS)))
            else:
                node["format"] = draw(st.sampled_from(sorted(FORMATS)))
    elif kind in ("integer", "integer_string"):
        if flavour == "enum":
            values = draw(st.lists(st.integers(0, 99), min_size=1, max_size=3, unique=True))
            wire = str if kind == "integer_string" else int
            node["enum"] = [{"value": wire(v), "meaning": draw(text)} for v in values]
        elif flavour == "constrained":
            low = draw(st.integers(0, 50))
            node.update(minimum=low, maximum=draw(st.integers(low, 100)))
    elif kind == "number" and flavour == "constrained":
        node.update(exclusive_minimum=-0.5, maximum=draw(st.sampled_from([0, 1.5, 1e6])))
    if draw(st.booleans()) and "enum" not in node and kind != "any":
        node["nullable"] = True
    return node


def schema(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    if depth == 0:
        return scalar()
    return st.one_of(scalar(), scalar(), array(depth), obj(depth - 1))


@st.composite
def array(draw: st.DrawFn, depth: int) -> dict[str, Any]:
    items = draw(schema(depth - 1))
    items.pop("nullable", None)
    low = draw(st.integers(0, 1))
    node = {"type": "array", "items": items, "source": SOURCE, "description": draw(text)}
    node.update(min_items=low, max_items=draw(st.integers(max(low, 1), 5)))
    if items["type"] in ("string", "integer") and "enum" not in items and draw(st.booleans()):
        node["unique"] = True
    return node


@st.composite
def obj(
    draw: st.DrawFn, depth: int, min_size: int = 1, avoid: frozenset[str] = frozenset()
) -> dict[str, Any]:
    names = draw(
        st.lists(
            wire_name.filter(lambda n: n not in avoid), min_size=min_size, max_size=6, unique=True
        )
    )
    props = {}
    for name in names:
        node = draw(schema(depth))
        node["required"] = draw(st.booleans())
        props[name] = node
    return {"type": "object", "source": SOURCE, "description": draw(text), "properties": props}


@st.composite
def service_spec(draw: st.DrawFn, name: str = "adv") -> dict[str, Any]:
    ops: dict[str, Any] = {}
    for i, oid in enumerate(draw(st.lists(op_id, min_size=1, max_size=3, unique=True))):
        request = draw(obj(1, min_size=0, avoid=frozenset({"token"})))
        request["properties"] = {
            "token": {
                "type": "string",
                "required": True,
                "source": SOURCE,
                "description": draw(text),
            },
            **request["properties"],
        }
        response = draw(obj(1, min_size=0, avoid=frozenset({"code", "msg"})))
        response["properties"] = {
            "code": {"type": "integer", "source": SOURCE},
            "msg": {"type": "string", "source": SOURCE, "description": draw(text)},
            **response["properties"],
        }
        op: dict[str, Any] = {
            "summary": draw(line),
            "source": SOURCE + draw(text),
            "method": draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"])),
            "path": f"/v1/op{i}",
            "creates": draw(st.booleans()),
            "query": draw(st.dictionaries(st.sampled_from(["r", "a b", "中"]), text, max_size=2)),
            "request": request,
            "response": response,
        }
        if draw(st.booleans()):
            pname = draw(wire_name.filter(lambda n: n != "token" and "{" not in n and "}" not in n))
            op["path"] += "/{" + pname + "}"
            op["path_params"] = {pname: {"type": "integer", "minimum": 1, "source": SOURCE}}
        body = sample(request)
        op["examples"] = [
            {"name": "doc_request", "kind": "request", "source": SOURCE, "body": body}
        ]
        ops[oid] = op
    spec: dict[str, Any] = {
        "callgen": 1,
        "service": name,
        "title": draw(line),
        "sources": {"000": {"file": "000.txt", "title": draw(line)}},
        "base_url": {"documented": None, "source": SOURCE},
        "auth": {"scheme": "body_token", "source": SOURCE, "body_field": "/token"},
        "envelope": {"code": "/code", "message": "/msg", "success": [0], "source": SOURCE},
        "error_codes": [
            {
                "code": "0",
                "name": "OK",
                "success": True,
                "texts": [{"source": SOURCE, "text": draw(line)}],
            },
            {
                "code": draw(line.filter(lambda c: c != "0")),
                "name": "ODD",
                "texts": [{"source": SOURCE, "text": draw(line)}],
            },
        ],
        "operations": ops,
    }
    if draw(st.booleans()):  # a named type, perhaps with a name the package already uses
        name = draw(type_name)
        spec["types"] = {name: draw(obj(0))}
        first = next(iter(ops.values()))
        first["response"]["properties"]["widgets"] = {
            "type": "array",
            "items": {"ref": name},
            "source": SOURCE,
        }
    return spec


# -- a valid value for a schema node ----------------------------------------------------------


def sample(node: dict[str, Any]) -> Any:
    """A value the node accepts: required properties only, smallest sizes."""
    if "enum" in node:
        return node["enum"][0]["value"]
    kind = node["type"]
    if kind == "object":
        return {k: sample(v) for k, v in node["properties"].items() if v.get("required")}
    if kind == "array":
        return [sample(node["items"])] * max(node.get("min_items", 0), 1)
    if kind == "string":
        if "pattern" in node:
            return PATTERNS[node["pattern"]]
        if "format" in node:
            return FORMATS[node["format"]]
        return "a" * max(node.get("min_length", 0), 1)
    if kind == "integer":
        return node.get("minimum", 7)
    if kind == "integer_string":
        return str(node.get("minimum", 7))
    if kind == "number":
        return -0.25  # inside every bound the strategy draws
    if kind == "boolean":
        return False
    return {"any": ["thing", 1, None]}


# -- what the names explain --------------------------------------------------------------------


def explained_problems(spec: dict[str, Any]) -> set[str]:
    """The kinds of spec error the names in `spec` make unavoidable, computed from the names."""
    kinds: set[str] = set()
    classes: list[str] = []

    def walk(node: dict[str, Any], hint: str) -> None:
        if node.get("type") == "object" and "properties" in node:
            classes.append(hint)
            py = [snake(n) for n in node["properties"]]
            if len(set(py)) != len(py):
                kinds.add("both become")
            for wire, child in node["properties"].items():
                walk(child, hint + pascal(wire))
        if "items" in node:
            walk(node["items"], hint + "Item")

    for name, t in spec.get("types", {}).items():
        walk(t, name)
        if name in RESERVED_CLASSES:
            kinds.add("the generated package already uses")
    for oid, op in spec["operations"].items():
        if keyword.iskeyword(oid):
            kinds.add("is a Python keyword")
        if oid in ("close", "aclose"):
            kinds.add("would replace the client's own")
        if oid == "l":
            kinds.add("reads like 1")
        walk(op["request"], pascal(oid) + "Request")
        walk(op["response"], pascal(oid) + "Response")
        arguments = {snake(n) for n in op["request"]["properties"]}
        if any(snake(p) in arguments for p in op.get("path_params", {})):
            kinds.add("both become the keyword argument")
    if len(set(classes)) != len(classes):
        kinds.add("is already used")
    return kinds


class _Dumper(yaml.SafeDumper):
    """Double-quotes two kinds of string PyYAML's dumper gets wrong for us: number-like ones
    (the loader rejects a plain `1e100`, a string in YAML 1.1 but a number in 1.2, as
    ambiguous) and those with NEL (U+0085), which PyYAML single-quotes and reads back as a
    space."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    numeric = re.fullmatch(r"[-+]?[0-9._]*[0-9][0-9._]*([eE][-+]?[0-9]+)?", value)
    style = '"' if numeric or "\x85" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def write_spec(folder: Path, spec: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    plain = json.loads(json.dumps(spec))  # no shared objects, so no YAML aliases
    (folder / f"{spec['service']}.yaml").write_text(
        yaml.dump(plain, Dumper=_Dumper, allow_unicode=True, sort_keys=False), "utf-8"
    )


def load_or_explain(specs: Path, spec_dicts: list[dict[str, Any]]) -> list[Any] | None:
    """The services, or None when loading failed with only explained errors."""
    expected = set().union(*(explained_problems(s) for s in spec_dicts))
    try:
        services = load_specs(specs)
    except SpecErrors as exc:
        messages = [e.message for e in exc.errors]
        unexplained = [m for m in messages if not any(k in m for k in expected)]
        assert not unexplained, f"errors the names do not explain: {unexplained}"
        seen = {k for k in expected if any(k in m for m in messages)}
        assert seen, f"expected {expected}, got {messages}"
        return None
    assert not expected, f"the spec loaded although its names collide: {expected}"
    return services


def check_package(services: list[Any], spec: dict[str, Any], files: dict[str, bytes]) -> None:
    """Every example agrees with validators and schema; samples validate and round-trip."""
    for name, data in files.items():
        if name.endswith(".py"):
            compile(data, name, "exec", dont_inherit=True)
    with imported(files) as package:
        assert examples.check(services, package) == []
        module = service_module(package, spec["service"])
        for oid, op in spec["operations"].items():
            body = op["examples"][0]["body"]
            assert module.validate_request(oid, body) == []
            model = getattr(module, pascal(oid) + "Request")
            assert model.from_wire(body).to_wire() == body
            broken = {k: v for k, v in body.items() if k != "token"} | {"\x00odd'\"": 1}
            rules = {v.rule for v in module.validate_request(oid, broken)}
            assert {"required", "unknown_field"} <= rules
            response = {"code": 0, "msg": "中'\"\\", "surplus": [1]} | sample(op["response"])
            assert module.validate_response(oid, response) == []
            read = getattr(module, pascal(oid) + "Response").from_wire(response)
            assert read.extra["surplus"] == [1]
            assert json.loads(json.dumps(module.schema(oid, "request"))) == module.schema(oid)


# Every example renders (black) and some run mypy, so a shrink would take many minutes; the
# unshrunk failing spec is printed whole, and the seed replays it (--hypothesis-seed).
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
    phases=[Phase.explicit, Phase.generate],
    print_blob=True,
)


@settings(SETTINGS, max_examples=40)
@given(spec=service_spec())
def test_hostile_specs_compile_and_validate(
    tmp_path_factory: pytest.TempPathFactory, spec: dict[str, Any]
) -> None:
    specs = tmp_path_factory.mktemp("specs")
    write_spec(specs, spec)
    services = load_or_explain(specs, [spec])
    if services is None:
        return
    files = generate.render(services)
    out = tmp_path_factory.mktemp("out") / "generated"
    generate.write(files, out)
    assert generate.read_tree(out) == files
    check_package(services, spec, files)


@st.composite
def three_services(draw: st.DrawFn) -> list[dict[str, Any]]:
    return [draw(service_spec(name=f"adv{i}")) for i in range(3)]


@pytest.fixture(scope="module")
def mypy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One output folder reused by every mypy run, so the cache of _runtime stays valid."""
    return tmp_path_factory.mktemp("typed")


@settings(SETTINGS, max_examples=6)
@given(specs=three_services())
def test_hostile_specs_pass_mypy_strict_and_ruff(
    tmp_path_factory: pytest.TempPathFactory, mypy_dir: Path, specs: list[dict[str, Any]]
) -> None:
    folder = tmp_path_factory.mktemp("specs")
    for spec in specs:
        write_spec(folder, spec)
    try:
        services = load_specs(folder)
    except SpecErrors:  # explained errors are the business of the test above; use what loads
        services = []
        for spec in specs:
            one = tmp_path_factory.mktemp("one")
            write_spec(one, spec)
            loaded = load_or_explain(one, [spec])
            services += loaded or []
    if not services:
        return
    files = generate.render(services)
    out = mypy_dir / "generated"
    generate.write(files, out)
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(mypy_dir / "cache"),
            "outbound",
        ],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    by_name = {s["service"]: s for s in specs}
    for service in services:
        check_package([service], by_name[service.name], generate.render([service]))


# -- fixed cases the strategy may not reach on every run ---------------------------------------


def minimal(**operations: Any) -> dict[str, Any]:
    spec = {
        "callgen": 1,
        "service": "adv",
        "title": "t",
        "sources": {"000": {"file": "000.txt", "title": "t"}},
        "base_url": {"documented": None, "source": SOURCE},
        "auth": {"scheme": "body_token", "source": SOURCE, "body_field": "/token"},
        "envelope": {"code": "/code", "message": "/msg", "success": [0], "source": SOURCE},
        "error_codes": [],
        "operations": {},
    }
    for i, (oid, props) in enumerate(operations.items()):
        spec["operations"][oid] = {
            "summary": "s",
            "source": SOURCE,
            "method": "POST",
            "path": f"/p{i}",
            "creates": False,
            "request": {
                "type": "object",
                "properties": {
                    "token": {"type": "string", "required": True, "source": SOURCE},
                    **{wire: {"source": SOURCE, **node} for wire, node in props.items()},
                },
            },
            "response": {
                "type": "object",
                "properties": {
                    "code": {"type": "integer", "source": SOURCE},
                    "msg": {"type": "string", "source": SOURCE},
                },
            },
        }
    return spec


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (minimal(get={"fooBar": {}, "foo_bar": {}}), "both become 'foo_bar' in Python"),
        (minimal(get={"class": {}, "class_": {}}), "both become 'class_' in Python"),
        (minimal(**{"class": {}}), "'class' is a Python keyword"),
        (minimal(close={}), "replace the client's own close()"),
    ],
)
def test_real_collisions_are_spec_errors(
    tmp_path: Path, spec: dict[str, Any], message: str
) -> None:
    write_spec(tmp_path, spec)
    with pytest.raises(SpecErrors) as info:
        load_specs(tmp_path)
    assert any(message in str(e) for e in info.value.errors), info.value.errors
    assert all(str(e).startswith(f"{tmp_path / 'adv.yaml'}:") for e in info.value.errors)


def test_distinct_chinese_names_stay_distinct(tmp_path: Path) -> None:
    spec = minimal(get={"名字": {"type": "string"}, "电话": {"type": "string"}, "a名": {}})
    write_spec(tmp_path, spec)
    (service,) = load_specs(tmp_path)
    names = [p.py_name for p in service.operations[0].request.object.properties]  # type: ignore[union-attr]
    assert names == ["token", "u540d_u5b57", "u7535_u8bdd", "a_u540d"]
    for name in names:
        assert name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


@given(st.text(max_size=20))
def test_snake_always_gives_a_safe_ascii_identifier(name: str) -> None:
    py = snake(name)
    assert py.isidentifier() and py.isascii()
    assert not keyword.iskeyword(py)
    assert pascal(name).isidentifier() and pascal(name)[:1].isupper()


identifier = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s)
)


@settings(deadline=None, max_examples=3, database=None)
@given(
    st.lists(st.lists(identifier, min_size=2, max_size=8, unique=True), min_size=80, max_size=80)
)
def test_import_and_all_order_is_rufs(
    tmp_path_factory: pytest.TempPathFactory, groups: list[list[str]]
) -> None:
    """Exports are sorted as ruff's I001 and RUF022 sort them, digits and case included."""
    folder = tmp_path_factory.mktemp("order")
    (folder / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["I", "RUF022"]\n', "utf-8")
    (folder / "m.py").write_text("", "utf-8")
    for i, names in enumerate(groups):
        imports = "".join(f"    {n},\n" for n in sorted(names, key=generate.isort_key))
        exports = "".join(f"    {n!r},\n" for n in sorted(names, key=generate.all_key))
        source = f"from .m import (\n{imports})\n\n__all__ = [\n{exports}]\n"
        (folder / f"c{i}.py").write_text(source, "utf-8")
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert ruff.returncode == 0, ruff.stdout
