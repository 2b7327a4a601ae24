"""Formatting in pieces gives black's bytes for the whole file, serial or parallel, under any
hash seed; and the manifest lets `generate` and `check` skip black only where it proves the
bytes on disk are black's output for today's render. Every doubt falls back to formatting, and
`check` still names the drift."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import black
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import cli, formatting, generate
from generator.spec import load_specs

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
RUNTIME = sorted((ROOT / "templates" / "runtime").glob("*.py"))


def whole(source: str) -> str:
    """The oracle: black on the whole file, as the generator did before formatting in pieces."""
    return black.format_str(source, mode=formatting.black_mode())


@pytest.fixture
def tiny_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut at every boundary, so each one is exercised."""
    monkeypatch.setattr(formatting, "PIECE_SIZE", 1)
    formatting._recent.clear()


# -- pieces against the whole file ------------------------------------------------------------

SNIPPETS = [
    "def f(a,b):\n    return a+b\n",
    "def g():\n    ...\n",
    "def h(): ...\n",
    "async def a():\n    await x( 1 )\n",
    "@decorator\ndef d():\n    pass\n",
    "@decorator(\n    arg,\n)\ndef d2():\n    pass\n",
    "# a comment about what follows\n",
    "# a comment\ndef after_comment():\n    pass\n",
    "x = 1\n",
    "import os\n",
    "from typing import Any\n",
    "class A:\n    pass\n",
    'class B:\n    """Doc."""\n',
    (
        'class C(Base):\n    """Doc."""\n\n    x: int = 1\n\n    def m(self):\n        return 1\n\n'
        "    @property\n    def p(self):\n        return 2\n\n    def s(self): ...\n\n"
        "    async def am(self):\n        pass\n"
    ),
    "class D:\n    def m(self):\n        pass\n    def n(self):\n        pass\n",
    (
        "class E:\n    # leading comment\n    def m(self):\n        pass\n\n    # between\n\n"
        "    def n(self):\n        pass\n"
    ),
    "class F:\n  def two_space(self):\n    pass\n\n  def other(self):\n    pass\n",
    (
        "class G:\n    def outer(self):\n        def inner():\n            pass\n\n"
        "        def inner2():\n            pass\n\n        return inner\n"
    ),
    'S = """\ntext\n\ndef not_code():\n    pass\n\n    def nor_this(self):\n"""\n',
    "L = [\n    1,\n\n    2,\n]\n",
    (
        "def long_call():\n    out.append(Violation(p + '/a/very/long/path/segment', 'type', None,"
        " 'expected string, got ' + _type_name(x1)))\n"
    ),
    "def trailing(a, b,):\n    return {'a': a, 'b': b,}\n",
    "if True:\n    def cond():\n        pass\nelse:\n    def cond():\n        pass\n",
    "class H:\n    x = 1\n\n\n\n    def far(self):\n        pass\n",
    "try:\n    import fast\nexcept ImportError:\n    fast = None\n",
]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(st.sampled_from(SNIPPETS), st.integers(min_value=0, max_value=3)),
        min_size=1,
        max_size=8,
    ),
    st.booleans(),
)
def test_pieces_give_blacks_output_for_the_whole_file(
    parts: list[tuple[str, int]], docstring: bool
) -> None:
    source = '"""Module doc.\n\ndef in_docstring():\n"""\n' if docstring else ""
    for snippet, blank in parts:
        source += "\n" * blank + snippet
    try:
        expected = whole(source)
    except black.InvalidInput:
        return  # two snippets that make no module together (a decorator before `x = 1`)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(formatting, "PIECE_SIZE", 1)
        formatting._recent.clear()
        assert formatting.format_files({"m.py": source}, jobs=1)["m.py"] == expected


def test_the_boundaries_are_where_they_should_be() -> None:
    source = (
        "import os\n\n\ndef a():\n    pass\n\n# note\ndef b():\n    pass\n\n@dec\n\ndef c():\n"
        "    pass\n\nclass K:\n    x = 1\n\n    def m(self):\n        pass\n\n    @property\n"
        "    def p(self):\n        pass\n\n\ndef d():\n    pass\n"
    )
    lines = source.splitlines(keepends=True)
    found = [(lines[i].rstrip(), member) for i, member in formatting._boundaries(lines)]
    assert found == [
        ("def a():", False),
        # `def b` follows a comment and `def c` a decorator: no boundary there
        ("@dec", False),
        ("class K:", False),
        ("    def m(self):", True),
        ("    @property", True),
        ("def d():", False),
    ]


def test_a_misjudged_boundary_falls_back_to_the_whole_file(tiny_pieces: None) -> None:
    source = 'X = """\n\ndef looks_like_code():\n    pass\n"""\n\n\ndef real( a ):\n    pass\n'
    assert len(formatting.split(source)) == 3  # one cut inside the string
    assert formatting.format_files({"m.py": source}, jobs=1)["m.py"] == whole(source)


def test_invalid_python_is_reported_with_the_file_name(tiny_pieces: None) -> None:
    with pytest.raises(formatting.InvalidPython) as info:
        formatting.format_files({"pkg/bad.py": "def f(:\n    pass\n"}, jobs=1)
    assert info.value.name == "pkg/bad.py" and "cannot parse" in info.value.detail.lower()


def test_fmt_directives_and_carriage_returns_keep_the_file_whole() -> None:
    assert len(formatting.split("def a():\n    pass\n\n\n# fmt: off\ndef b(): pass\n")) == 1
    assert len(formatting.split("def a():\r\n    pass\r\n\r\n\r\ndef b():\r\n    pass\r\n")) == 1


@pytest.fixture(scope="module")
def unformatted() -> dict[str, str]:
    """The shipped specs' Python files as rendered, before black."""
    captured: dict[str, str] = {}
    real = formatting.format_files

    def capture(sources: dict[str, str], jobs: int | None = None) -> dict[str, str]:
        captured.update(sources)
        return real(sources, jobs)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(formatting, "format_files", capture)
        generate.render(load_specs(SPECS))
    # the runtime is copied without black (VERBATIM_UNDER), but another formatter formats it
    # like the rest: it stays part of what is cut into pieces here
    for path in RUNTIME:
        captured[f"outbound/_runtime/{path.name}"] = path.read_text("utf-8")
    return captured


def test_shipped_output_in_tiny_pieces_equals_black_on_whole_files(
    unformatted: dict[str, str], tiny_pieces: None
) -> None:
    """The committed output was formatted whole by the generator before this one."""
    assert len(unformatted) > 20
    pieces = sum(len(formatting.split(text)) for text in unformatted.values())
    assert pieces > 3 * len(unformatted)  # the cuts are real
    formatted = formatting.format_files(unformatted, jobs=1)
    for name, text in formatted.items():
        assert text.encode("utf-8") == (GENERATED / name).read_bytes(), name


def test_parallel_equals_serial(unformatted: dict[str, str], tmp_path: Path) -> None:
    """In a process of its own: the test process may run threads, and then nothing forks."""
    sources = tmp_path / "sources.json"
    sources.write_text(json.dumps(unformatted), "utf-8")
    script = (
        "import json, sys\n"
        "from generator import formatting\n"
        "assert formatting._may_fork()\n"
        "sources = json.loads(open(sys.argv[1], encoding='utf-8').read())\n"
        "formatting.PIECE_SIZE = 1024\n"
        "out = formatting.format_files(sources, jobs=2)\n"
        "open(sys.argv[2], 'w', encoding='utf-8').write(json.dumps(out))\n"
    )
    result = tmp_path / "out.json"
    subprocess.run([sys.executable, "-c", script, str(sources), str(result)], check=True, cwd=ROOT)
    parallel = json.loads(result.read_text("utf-8"))
    for name, text in parallel.items():  # serial, whole files: the committed output
        assert text.encode("utf-8") == (GENERATED / name).read_bytes(), name


def test_generation_is_identical_serial_and_parallel_under_any_hash_seed(
    tmp_path: Path,
) -> None:
    runs = [("1", "1"), ("random", "3")]  # tests/test_golden.py runs three more (default jobs)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "generate", "--out", str(tmp_path / seed)]
            + ["--specs", str(SPECS), "--jobs", jobs],
            env=dict(os.environ, PYTHONHASHSEED=seed, PYTHONDONTWRITEBYTECODE="1"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed, jobs in runs
    ]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    expected = generate.read_tree(GENERATED)
    for seed, _ in runs:
        assert generate.read_tree(tmp_path / seed) == expected


def test_the_formatter_key_names_blacks_version_and_mode() -> None:
    key = formatting.formatter_key()
    assert formatting.BLACK_VERSION == black.__version__
    assert key.startswith(f"black {black.__version__}, ")
    assert "line_length=100" in key and "PY311" in key
    mode = formatting.black_mode()
    assert mode.line_length == 100 and mode.target_versions == {black.TargetVersion.PY311}


# -- the runtime, copied without black ---------------------------------------------------------


def test_the_verbatim_formatter_is_the_pinned_one() -> None:
    """What VERBATIM_UNDER vouches for is proved below under this black and mode only."""
    assert generate.VERBATIM_UNDER == formatting.formatter_key()


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: p.name)
def test_each_runtime_file_is_blacks_own_output(path: Path) -> None:
    """black leaves each hand-written runtime file as it is (else run `black templates/runtime`),
    so copying it verbatim gives the bytes black would."""
    text = path.read_text("utf-8")
    assert whole(text) == text


def test_the_runtime_is_copied_without_black(black_calls: list[str]) -> None:
    files = generate.render(load_specs(SPECS), jobs=1)
    assert black_calls and not [n for n in black_calls if "/_runtime/" in n]
    assert len(RUNTIME) > 5
    for path in RUNTIME:
        assert files[f"outbound/_runtime/{path.name}"] == path.read_bytes()


def test_under_another_formatter_the_runtime_is_formatted(
    black_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formatting, "BLACK_VERSION", "99.1.0")
    generate.render(load_specs(SPECS), jobs=1)
    assert sorted(n for n in black_calls if "/_runtime/" in n) == [
        f"outbound/_runtime/{p.name}" for p in RUNTIME
    ]


# -- the manifest: what may skip black, and every fallback --------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    out = tmp_path / "generated"
    shutil.copytree(GENERATED, out)
    return out


@pytest.fixture
def black_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the generator asks black to format."""
    names: list[str] = []
    real = formatting.format_files

    def spy(sources: dict[str, str], jobs: int | None = None) -> dict[str, str]:
        names.extend(sources)
        return real(sources, jobs)

    monkeypatch.setattr(formatting, "format_files", spy)
    return names


def check(capsys: pytest.CaptureFixture[str], out: Path) -> tuple[int, str]:
    code = cli.main(["check", "--specs", str(SPECS), "--out", str(out), "--jobs", "1"])
    captured = capsys.readouterr()
    return code, captured.err


def python_files() -> list[str]:
    return sorted(n for n in generate.read_tree(GENERATED) if n.endswith(".py"))


def test_noop_check_runs_black_on_nothing(
    capsys: pytest.CaptureFixture[str], tree: Path, black_calls: list[str]
) -> None:
    code, err = check(capsys, tree)
    assert code == 0, err
    assert black_calls == []


def test_manifest_records_renders_of_every_python_file_and_the_formatter() -> None:
    manifest = json.loads((GENERATED / generate.MANIFEST).read_bytes())
    assert sorted(manifest["renders"]) == python_files()
    assert manifest["formatter"] == formatting.formatter_key()
    assert manifest["black"] == black.__version__


def test_a_hand_edited_file_is_formatted_again_and_reported(
    capsys: pytest.CaptureFixture[str], tree: Path, black_calls: list[str]
) -> None:
    target = tree / "outbound/huawei_isales/models.py"
    target.write_text(target.read_text("utf-8").replace("class ", "class Mine", 1), "utf-8")
    code, err = check(capsys, tree)
    assert code == 1
    assert f"stale: {target}" in err and "+class " in err
    assert black_calls == ["outbound/huawei_isales/models.py"]


def test_a_file_formatted_otherwise_with_a_matching_manifest_entry_is_still_reported(
    capsys: pytest.CaptureFixture[str], tree: Path, black_calls: list[str]
) -> None:
    """Edit a file and its digest in the manifest: the render digest no longer matches."""
    name = "outbound/quanshi_event/errors.py"
    manifest = json.loads((tree / generate.MANIFEST).read_bytes())
    manifest["renders"][name] = "0" * 64
    (tree / generate.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    code, err = check(capsys, tree)
    assert code == 1 and f"stale: {tree / generate.MANIFEST}" in err
    assert black_calls == [name]


@pytest.mark.parametrize(
    "damage",
    ["not json", "no renders", "renders not a mapping", "digests not strings", "empty"],
)
def test_a_damaged_manifest_formats_everything_and_check_reports_it(
    capsys: pytest.CaptureFixture[str], tree: Path, black_calls: list[str], damage: str
) -> None:
    path = tree / generate.MANIFEST
    manifest = json.loads(path.read_bytes())
    if damage == "not json":
        text = path.read_text("utf-8")[:-40]
    elif damage == "no renders":
        del manifest["renders"]
        text = json.dumps(manifest)
    elif damage == "renders not a mapping":
        manifest["renders"] = ["outbound/__init__.py"]
        text = json.dumps(manifest)
    elif damage == "digests not strings":
        manifest["renders"] = {k: 1 for k in manifest["renders"]}
        text = json.dumps(manifest)
    else:
        text = ""
    path.write_text(text, "utf-8")
    code, err = check(capsys, tree)
    assert code == 1, err
    assert f"stale: {path}" in err and err.count("stale: ") == 1
    assert sorted(black_calls) == [n for n in python_files() if "/_runtime/" not in n]


def test_a_missing_manifest_entry_formats_that_file(
    capsys: pytest.CaptureFixture[str], tree: Path, black_calls: list[str]
) -> None:
    path = tree / generate.MANIFEST
    manifest = json.loads(path.read_bytes())
    del manifest["renders"]["outbound/yantong_groupcall/client.py"]
    del manifest["files"]["outbound/dezhu_speech/__init__.py"]
    path.write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    code, err = check(capsys, tree)
    assert code == 1 and f"stale: {path}" in err
    assert sorted(black_calls) == [
        "outbound/dezhu_speech/__init__.py",
        "outbound/yantong_groupcall/client.py",
    ]


def test_another_black_formats_everything(
    capsys: pytest.CaptureFixture[str],
    tree: Path,
    black_calls: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A tree written by another black version is compared after formatting every file."""
    monkeypatch.setattr(formatting, "BLACK_VERSION", "99.1.0")
    code, err = check(capsys, tree)
    assert code == 1, err  # the manifest names the black that wrote it
    assert sorted(black_calls) == python_files()
    assert f"stale: {tree / generate.MANIFEST}" in err and err.count("stale: ") == 1


def test_another_black_mode_formats_everything(
    tree: Path, black_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formatting, "LINE_LENGTH", 88)
    formatting.black_mode.cache_clear()
    try:
        files = generate.render(load_specs(SPECS), previous=tree, jobs=1)
    finally:
        formatting.black_mode.cache_clear()
    assert sorted(black_calls) == python_files()
    assert files["outbound/_runtime/http.py"] != (tree / "outbound/_runtime/http.py").read_bytes()


def test_drift_is_caught_when_a_file_was_replaced_by_another_generated_file(
    capsys: pytest.CaptureFixture[str], tree: Path, black_calls: list[str]
) -> None:
    """Bytes black did produce, but for another file, are not accepted for this one."""
    a, b = tree / "outbound/huawei_isales/errors.py", tree / "outbound/quanshi_event/errors.py"
    a.write_bytes(b.read_bytes())
    code, err = check(capsys, tree)
    assert code == 1 and f"stale: {a}" in err
    assert black_calls == ["outbound/huawei_isales/errors.py"]


def test_generate_into_its_own_output_formats_only_what_changed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, tree: Path, black_calls: list[str]
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    spec = specs / "quanshi_event.yaml"
    text = spec.read_text("utf-8")
    assert "summary: Add new outbound-call numbers" in text
    spec.write_text(text.replace("Add new outbound-call", "Add new outbound", 1), "utf-8")
    code = cli.main(["generate", "--specs", str(specs), "--out", str(tree), "--jobs", "1"])
    assert code == 0, capsys.readouterr().err
    assert black_calls and all(n.startswith("outbound/quanshi_event/") for n in black_calls)
    # and the result is what a generation from nothing gives
    assert generate.read_tree(tree) == generate.render(load_specs(specs), jobs=1)


# -- literals in black's style ----------------------------------------------------------------


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.one_of(
        st.text(alphabet=st.sampled_from(list("ab'\"\\\n\t é😀\x00")), max_size=12),
        st.lists(st.text(alphabet="a'\"", max_size=3), max_size=3),
        st.tuples(st.text(alphabet="a'\"", max_size=3)),
        st.dictionaries(st.text(alphabet="a'\"", max_size=3), st.integers(), max_size=2),
    )
)
def test_literals_are_what_black_writes(value: object) -> None:
    """black (the oracle) leaves `x = literal(value)` as it is, and the literal means value."""
    from generator.literals import literal

    text = literal(value)
    assert eval(text) == value  # our own literal of a plain value
    source = f"x = {text}\n"
    if len(source) <= 90:  # short enough that black has no reason to split it
        assert black.format_str(source, mode=formatting.black_mode()) == source


# -- importing the validators in pieces (check's memory) ---------------------------------------


def test_validators_run_in_pieces_are_the_module_imported_whole() -> None:
    from generator.sandbox import imported, service_module, validators_module

    services = load_specs(SPECS)
    files = generate.render(services)
    with imported(files) as whole_package, imported(files, run_inits=False) as lazy_package:
        for service in services:
            whole = service_module(whole_package, f"{service.name}.validators")
            lazy = validators_module(lazy_package, service.name)
            source = files[f"outbound/{service.name}/validators.py"].decode("utf-8")
            assert len(formatting.split(source, members=False)) > 1  # really in pieces
            assert sorted(vars(lazy)) == sorted(vars(whole))
            for name, value in vars(whole).items():
                if callable(value) and hasattr(value, "__code__"):
                    mine = vars(lazy)[name].__code__
                    assert mine.co_firstlineno == value.__code__.co_firstlineno, name
                    # (the bytecode may differ: CPython calls a function of a module imported
                    # in the same compilation unit with LOAD_ATTR rather than LOAD_METHOD)
                    assert mine.co_consts == value.__code__.co_consts, name
                    assert mine.co_names == value.__code__.co_names, name
            for op in service.operations:
                for ex in op.examples:
                    got = lazy.validate_request(op.id, ex.body) if ex.kind == "request" else []
                    want = whole.validate_request(op.id, ex.body) if ex.kind == "request" else []
                    assert [str(v) for v in got] == [str(v) for v in want]
        # the clients, models and httpx were never imported for the lazy package
        assert not any(
            m.startswith(lazy_package.__name__) and m.endswith((".client", ".models", ".http"))
            for m in sys.modules
        )


# -- statements laid out in black's style -----------------------------------------------------

_TEXT = st.text(alphabet=st.sampled_from(list("abc xyz_'é表成功")), max_size=45)
_ATOM = st.one_of(_TEXT, st.integers(min_value=-(10**12), max_value=10**12))
_VALUE = st.recursive(
    _ATOM,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(_TEXT, inner, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(_VALUE, st.sampled_from([0, 4]), st.booleans())
def test_laid_literals_are_what_black_writes(value: object, indent: int, as_call: bool) -> None:
    """black (the oracle) leaves a laid-out literal as it is: in a call, or as a dict item."""
    from generator.layout import laid

    pad = " " * indent
    if as_call:
        statement = pad + laid("_NAMES_OF_THINGS = frozenset(", value, ")", indent) + "\n"
    else:
        statement = pad + "{\n" + pad + "    " + laid('"0200001": ', value, ",", indent + 4)
        statement += "\n" + pad + "}\n"
    source = ("class C:\n" if indent else "") + statement
    assert black.format_str(source, mode=formatting.black_mode()) == source


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(
            st.from_regex(r"[a-z_]{1,12}(\.[a-z_]{1,12}){0,3}", fullmatch=True),
            st.text(alphabet="ab 表", max_size=30).map(repr),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["return self._read(", "violations = _validators.validate_x_request("]),
)
def test_laid_calls_are_what_black_writes(arguments: list[str], prefix: str) -> None:
    from generator.layout import call
    from generator.literals import literal

    arguments = [literal(eval(a)) if a.startswith("'") else a for a in arguments]
    source = "def f():\n    if x:\n        " + call(prefix, arguments, ")", 8) + "\n"
    assert black.format_str(source, mode=formatting.black_mode()) == source


def test_the_shipped_huawei_service_is_rendered_in_blacks_style(
    unformatted: dict[str, str],
) -> None:
    """Its every file needs one pass of black (the generation benchmark's service)."""
    names = [n for n in unformatted if n.startswith("outbound/huawei_isales/")]
    assert len(names) >= 5
    for name in names:
        assert whole(unformatted[name]) == unformatted[name], name
