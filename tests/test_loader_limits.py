"""The YAML loader on libyaml's events gives exactly what the pure-Python parser gives, and
absurd input (too large, too many keys, too deep) is refused at once with FILE:LINE:COL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import yamlpos
from generator.cli import main
from generator.errors import SpecErrors

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"

needs_libyaml = pytest.mark.skipif(
    yamlpos._CParser is None, reason="PyYAML without libyaml: only the pure-Python path exists"
)


def load_both(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """(document or errors) with libyaml's events, then with the pure-Python parser.

    Also checks that libyaml's events composed into nodes (the path the events-to-values
    fast path falls back to) give the same as the fast path, and that rapidyaml's path
    (yamltree), where it takes the text, gives the same values and finds every position
    where libyaml's start marks are."""

    def one() -> object:
        try:
            doc = yamlpos.load_yaml("x.yaml", raw)
        except SpecErrors as exc:
            return [str(e) for e in exc.errors]
        return (doc.data, doc.values, doc.keys)

    def unlike(*args: object) -> None:
        raise yamlpos._Unlike

    tree = one()
    with monkeypatch.context() as m:
        m.setattr(yamlpos.yamltree, "available", lambda: False)
        fast = one()
        m.setattr(yamlpos, "_events_to_document", unlike)
        composed = one()
    assert tree == fast
    assert fast == composed
    with monkeypatch.context() as m:
        m.setattr(yamlpos.yamltree, "available", lambda: False)
        m.setattr(yamlpos, "_CParser", None)
        slow = one()
    return fast, slow


def fast_path_document(text: str) -> yamlpos.Document | None:
    """What the events-to-values path gives, or None where it hands over to the composer."""
    try:
        return yamlpos._events_to_document("x.yaml", text)
    except (yamlpos._Unlike, yaml.YAMLError):
        return None


def test_libyaml_is_found_where_present() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    assert yamlpos._CParser is not None


@needs_libyaml
@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_specs_take_the_fast_path(spec: Path) -> None:
    """No fallback to the pure-Python parser for the specs we ship (it would cost 7x)."""
    text = spec.read_text("utf-8")
    assert not yamlpos._libyaml_differs(text)
    loader = yamlpos._CLoader(text)
    try:
        while loader.check_node():
            loader.get_node()  # raises _Unlike where it would fall back
    finally:
        loader.dispose()


@needs_libyaml
@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_specs_take_the_events_to_values_path(spec: Path) -> None:
    """The shipped specs never hand over to the node composer (it costs 5x on large specs)."""
    assert fast_path_document(spec.read_text("utf-8")) is not None


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: x\n",
        "a: {b: [1, -2, +3, 0, true, False, null, ~, NULL, 1.5, '1e5', \"yes\"]}\n",
        "name: n\ntype: t\nfalse_friend: f\nyes_man: y\n",  # keys resolved as strings
        "a: <<\nb: =\nc: |\n  block\n",
        "a: '名前'\nb: \"😀 \\u00e9\"\n",
    ],
)
def test_the_events_to_values_path_reads_plain_specs(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = fast_path_document(text)
    assert fast is not None
    monkeypatch.setattr(yamlpos, "_CParser", None)
    slow = yamlpos.load_yaml("x.yaml", text.encode())
    assert (fast.data, fast.values, fast.keys) == (slow.data, slow.values, slow.keys)


@needs_libyaml
@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\n",  # an anchor, even unused
        "a: !!str 1\n",  # a tag
        "a: *x\n",  # an alias
        "a: 1\na: 2\n",  # a duplicate key
        "a: 0200000\n",  # octal in YAML 1.1
        "a: " + "9" * 5000 + "\n",  # more digits than Python reads as an int
        "a: yes\n",  # a YAML 1.1 boolean
        "a: 1e5\n",  # a string that looks like a number
        "a: 2024-01-01\n",  # a date
        "a: .inf\n",
        '"a": "\\ud800"\n',  # a lone surrogate
        "1: a\n",  # a key that is not a string
        "=: a\n",
        "? [a]\n: 1\n",
        "- a\n",  # not a mapping
        "--- {a: 1}\n--- {b: 2}\n",  # several documents
        "",
        "a: {b: }\n",  # an empty value marked at the next token
        "a: " + "[" * 70 + "]" * 70 + "\n",  # too deep
        "a: [1, 2\n",  # a syntax error
    ],
)
def test_the_events_to_values_path_hands_the_rest_to_the_composer(text: str) -> None:
    """Each of these is reported, or rare: the composing path reads it (and load_both checks
    the answers agree)."""
    assert fast_path_document(text) is None


@needs_libyaml
@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_specs_load_identically_on_both_parsers(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = load_both(spec.read_bytes(), monkeypatch)
    assert isinstance(fast, tuple)
    assert fast == slow


TRICKY = [
    b"a: 1\nb: [1, 2, {c: d}]\n",
    b"a: 0200000\n",  # octal in YAML 1.1: reported
    b"a: [0200000]\n",
    b"a: yes\nb: 'yes'\nc: \"no\"\n",
    b"a: |\n  text\n  more\nb: >-\n  folded\n  text\n",
    b"a: &x 1\nb: *x\n",  # aliases are reported, never followed
    b"a: *nowhere\n",
    b"a: &x 1\nb: &x 2\n",
    b"<<: {a: 1}\n",
    b"a: !!binary aGVsbG8=\n",
    b"a: 2024-01-01\n",
    b"a: 1e5\nb: 1.0e+5\nc: .inf\n",
    b"a: 1\na: 2\n",
    b"? [a]\n: 1\n",
    b"a:\n\t- 1\n",
    b"a: [1, 2\n",
    b"a: b: c\n",
    b"- a\n- b\n",
    b"--- 1\n--- 2\n",
    b"",
    b"# only\n",
    b'a: "\\ud800"\n',
    '名前: 値\n説明: "引用"\nx: 😀 emoji\n'.encode(),
    "\ufeffa: 1\n".encode(),
    b"a: 1\r\nb:\r\n  - 2\r\n",
    b"a: \x85b\n",
    "a: b\u2028c: d\n".encode(),
    b"a: x\x7fy\n",
    "a: \ufffe\n".encode(),
    b"a: " + b"[" * 70 + b"]" * 70 + b"\n",
    b"a: " + b"9" * 5000 + b"\n",
    b"key with spaces: value with: colon\n'quoted key': 1\n\"dq\": 2\n",
    b"a: 'it''s'\nb: \"tab\\there\"\n",
    b"a:   \n  - 1\n  -   2\n",
    b"a: {b: 1, c: [x, y], d: }\n",
    b"a: =\nb: <<\n",
    b"a: {b: }\n",
    b"a: {b: , c: 1}\n",
    b"a: [b: , c]\n",
    b"a: {b:\n  # c\n  }\n",
    "\u540d\u524d: {\u5024: }\n".encode(),
    "\u540d\u524d: [\u5024, \U0001f600: ]\n".encode(),
]


@needs_libyaml
@pytest.mark.parametrize("raw", TRICKY, ids=range(len(TRICKY)))
def test_tricky_yaml_gives_the_same_result_on_both_parsers(
    raw: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = load_both(raw, monkeypatch)
    assert fast == slow


@needs_libyaml
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab01 :-[]{},'\"\n#&*!|>.e\t?\\%@`~\u00e9\u3042", max_size=40))
def test_random_text_gives_the_same_result_on_both_parsers(text: str) -> None:
    with pytest.MonkeyPatch.context() as m:
        fast, slow = load_both(text.encode("utf-8"), m)
    assert fast == slow


# -- limits ----------------------------------------------------------------------------------


def run_check(tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes) -> tuple[int, str]:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "big.yaml").write_bytes(raw)
    started = time.process_time()
    code = main(["check", "--specs", str(specs), "--out", str(tmp_path / "out")])
    spent = time.process_time() - started
    err = capsys.readouterr().err
    assert spent < 30, f"refusing took {spent:.1f} s of CPU"  # generous: this is not a benchmark
    return code, err


def test_a_spec_over_the_size_limit_is_refused_at_the_line_it_crosses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = b"# " + b"x" * 97 + b"\n"  # 100 bytes
    count = yamlpos.MAX_BYTES // len(line) + 10
    code, err = run_check(tmp_path, capsys, b"callgen: 1\n" + line * count)
    crossing = (yamlpos.MAX_BYTES - len(b"callgen: 1\n")) // len(line) + 2
    assert code == 2, err
    assert f"big.yaml:{crossing}:1: the spec is larger than 5 MiB (5242880 bytes)" in err
    assert "Traceback" not in err


def test_a_spec_at_the_size_limit_is_read(tmp_path: Path) -> None:
    body = b"callgen: 1\n"
    raw = body + b"#" * (yamlpos.MAX_BYTES - len(body) - 1) + b"\n"
    assert len(raw) == yamlpos.MAX_BYTES
    doc = yamlpos.load_yaml("x.yaml", raw)
    assert doc.data == {"callgen": 1}


def test_a_mapping_with_too_many_keys_is_refused_at_the_first_key_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = b"".join(b"  k%d: 1\n" % i for i in range(yamlpos.MAX_KEYS + 1))
    code, err = run_check(tmp_path, capsys, b"callgen: 1\ntypes:\n" + keys)
    assert code == 2, err
    line = 2 + yamlpos.MAX_KEYS + 1
    assert f"big.yaml:{line}:3: more than {yamlpos.MAX_KEYS} keys in one mapping" in err
    assert "Traceback" not in err


def test_a_mapping_at_the_key_limit_is_read() -> None:
    keys = b"".join(b"k%d: 1\n" % i for i in range(yamlpos.MAX_KEYS))
    doc = yamlpos.load_yaml("x.yaml", keys)
    assert len(doc.data) == yamlpos.MAX_KEYS


def test_nesting_over_the_depth_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n"
    code, err = run_check(tmp_path, capsys, deep)
    assert code == 2, err
    assert f"big.yaml:1:1: nested deeper than {yamlpos.MAX_DEPTH} levels" in err


def test_the_limits_are_documented() -> None:
    doc = (ROOT / "docs" / "spec-language.md").read_text("utf-8")
    assert "5 MiB" in doc
    assert f"{yamlpos.MAX_KEYS} keys" in doc
    assert f"{yamlpos.MAX_DEPTH} levels" in doc
