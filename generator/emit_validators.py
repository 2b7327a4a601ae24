"""IR → straight-line Python validators that collect every violation.

One function per (object type, strictness). Each reads a field once, tests its type with
`type(x) is …` and applies only the rules the spec states, so a valid body costs a handful of
dict lookups and comparisons per field. Paths are built only when a violation is reported,
except one string per array. Every literal comes from `repr`, never from pasted spec text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Self

from . import formats, pointers
from .ir import ObjectType, Schema, Service
from .layout import width
from .literals import literal
from .naming import pascal

_TYPE_NAMES = {
    "string": "string",
    "integer_string": "string of digits",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
    "null": "null",
}


@dataclass
class Module:
    """What the validators module needs besides its functions: constants and their names."""

    constants: dict[str, str] = field(default_factory=dict)  # source text → name
    lines: list[str] = field(default_factory=list)

    def const(self, prefix: str, source: str) -> str:
        name = self.constants.get(source)
        if name is None:
            name = f"_{prefix}{len(self.constants)}"
            self.constants[source] = name
        return name

    def constant_lines(self) -> list[str]:
        lines = []
        for source, name in self.constants.items():
            line = f"{name} = {source}"
            call = next((c for c in ("re.compile(", "frozenset(") if source.startswith(c)), None)
            if call and width(line) > LINE_LENGTH and source[-1] == ")":
                # black's split of a call too long for a line: its argument on a line of its own
                line = f"{name} = {call}\n    {source[len(call) : -1]}\n)"
            lines.append(line)
        return lines


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1
        self.counter = 0

    def __call__(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def call(self, function: str, args: list[str]) -> None:
        """`function(args)` as a statement, split over lines the way black splits it."""
        room = LINE_LENGTH - 4 * self.depth
        joined = ", ".join(args)
        if len(function) + len(joined) + 2 <= room:
            self(f"{function}({joined})")
            return
        self(f"{function}(")
        with self.indent():
            if len(joined) <= room - 4:
                self(joined)
            else:
                for arg in args:
                    self(arg + ",")
        self(")")

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{base}{self.counter}"

    def indent(self) -> Writer:
        self.depth += 1
        return self

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.depth -= 1


LINE_LENGTH = 100  # black's, in formatting.py: lines emitted within it need no second pass
_HERE = "(p if i < 0 else p + str(i))"  # an object function's own path, built only when used


def function_name(obj: ObjectType, strict: bool) -> str:
    return f"_check_{obj.name}_{'strict' if strict else 'tolerant'}"


class ValidatorEmitter:
    def __init__(self, service: Service, module: Module) -> None:
        self.service = service
        self.m = module
        self.pending: list[tuple[ObjectType, bool]] = []
        self.done: set[tuple[str, bool]] = set()
        self.must_match: dict[str, str] = {}  # pointer → ctx key
        self.strict = True  # of the object function being emitted
        self.exact_ints = False  # path parameters: an integer must be an int (1.0 is not)
        self.path_objects: set[str] = set()  # names of the path-parameter objects

    # -- helpers ---------------------------------------------------------------------------

    def code(self, rule: str, s: Schema) -> str:
        return literal(self.service.code_for(rule, s))

    def violation(
        self, w: Writer, path: str, rule: str, s: Schema, message: str, value: str | None = None
    ) -> None:
        """Report a broken rule. A response or callback deviation also keeps the raw `value`
        (an expression) found there, so nothing the server sent is lost; a request violation
        does not (the body is the caller's own, and holds credentials)."""
        args = [path, literal(rule), self.code(rule, s), message]
        if value is not None and not self.strict:
            args.append(value)
        # split over lines the way black splits it, so black has nothing to redo
        room = LINE_LENGTH - 4 * w.depth
        call = f"Violation({', '.join(args)})"
        if len(call) + len("out.append()") <= room:
            w(f"out.append({call})")
            return
        w("out.append(")
        with w.indent():
            if len(call) <= room - 4:
                w(call)
            else:
                w("Violation(")
                with w.indent():
                    if len(", ".join(args)) <= room - 8:
                        w(", ".join(args))
                    else:
                        for arg in args:
                            w(arg + ",")
                w(")")
        w(")")

    def need(self, obj: ObjectType, strict: bool) -> str:
        key = (obj.name, strict)
        if key not in self.done:
            self.done.add(key)
            self.pending.append((obj, strict))
        return function_name(obj, strict)

    # -- values ----------------------------------------------------------------------------

    def value(self, w: Writer, var: str, s: Schema, path: str, strict: bool) -> None:
        """Check the value in `var` against `s`; `path` is an expression for its pointer."""
        if "any" in s.types:
            return
        branches: list[tuple[str, str, str]] = []  # (test, negated test, wire type)
        if s.nullable:
            branches.append((f"{var} is None", f"{var} is not None", "null"))
        for t in s.non_null_types:
            if t in ("string", "integer_string"):
                if not any(b[2] in ("string", "integer_string") for b in branches):
                    branches.append((f"type({var}) is str", f"type({var}) is not str", t))
            elif t == "integer" and self.exact_ints:
                branches.append((f"type({var}) is int", f"type({var}) is not int", t))
            elif t == "integer":
                test = f"type({var}) is int or (type({var}) is float and {var}.is_integer())"
                branches.append((test, f"not ({test})", t))
            elif t == "number":  # NaN and the infinities are no JSON numbers
                test = f"type({var}) is int or (type({var}) is float and _isfinite({var}))"
                branches.append((test, f"not ({test})", t))
            elif t in ("boolean", "array", "object"):
                py = {"boolean": "bool", "array": "list", "object": "dict"}[t]
                branches.append((f"type({var}) is {py}", f"type({var}) is not {py}", t))
        expected = " or ".join(_TYPE_NAMES[t] for t in s.types)
        if len(branches) == 1 and branches[0][2] == "object":
            # the object function tests the type itself
            w.call(self.need(s.object, strict), [var, path, "-1", "out", "ctx"])  # type: ignore[arg-type]
            return
        blocks: list[tuple[str, str, list[str]]] = []
        for cond, negated, t in branches:
            start = len(w.lines)
            with w.indent():
                self.typed(w, var, t, s, path, strict)
            blocks.append((cond, negated, w.lines[start:]))
            del w.lines[start:]
        # types that need no further check share one branch: `if a or b:` (no twin `pass`es)
        plain = [(c, n) for c, n, body in blocks if not body]
        checked = [(c, body) for c, _, body in blocks if body]
        msg = self.m.const("M", literal(f"expected {expected}, got "))
        if not checked:
            w("if " + " and ".join(_grouped(n, len(plain)) for _, n in plain) + ":")
            with w.indent():
                self.violation(w, path, "type", s, f"{msg} + _type_name({var})", var)
            return
        either = " or ".join(_grouped(c, len(plain)) for c, _ in plain)
        chain = ([(either, ["pass"])] if plain else []) + checked
        for i, (cond, body) in enumerate(chain):
            w(f"{'if' if i == 0 else 'elif'} {cond}:")
            if body == ["pass"]:
                with w.indent():
                    w("pass")
            else:
                w.lines.extend(body)
        w("else:")
        with w.indent():
            self.violation(w, path, "type", s, f"{msg} + _type_name({var})", var)

    def typed(self, w: Writer, var: str, t: str, s: Schema, path: str, strict: bool) -> None:
        if t in ("string", "integer_string"):
            self.string(w, var, s, path, strict)
        elif t in ("integer", "number"):
            self.bounds(w, var, s, path)
            self.enum(w, var, s, path)
            self.must_match_check(w, var, s, path)
        elif t == "boolean":
            self.enum(w, var, s, path)
        elif t == "array":
            self.array(w, var, s, path, strict)
        elif t == "object":
            assert s.object is not None
            w.call(self.need(s.object, strict), [var, path, "-1", "out", "ctx"])

    def size(self, w: Writer, var: str, s: Schema, path: str, what: str, noun: str) -> None:
        """min_/max_ length or items: `len()` against the inclusive bounds the spec gives."""
        low, high = getattr(s, f"min_{what}"), getattr(s, f"max_{what}")
        if low is not None and high is not None:
            n = w.fresh("n")
            w(f"{n} = len({var})")
        else:  # one bound: test len() inline, no temporary on the valid path
            n = f"len({var})"
        for rule, bound, op, text in (
            (f"min_{what}", low, "<", "at least"),
            (f"max_{what}", high, ">", "at most"),
        ):
            if bound is None:
                continue
            w(f"if {n} {op} {bound}:")
            with w.indent():
                verb = "be" if what == "length" else "have"
                msg = literal(f"must {verb} {text} {_count(bound, noun)}, got ")
                self.violation(w, path, rule, s, f"{msg} + str({n})", var)

    def string(self, w: Writer, var: str, s: Schema, path: str, strict: bool) -> None:
        self.size(w, var, s, path, "length", "character")
        if s.max_bytes is not None:
            b = w.fresh("b")
            # a code point is at most 4 UTF-8 bytes: short strings need no encoding
            w(f"if len({var}) * 4 > {s.max_bytes}:")
            with w.indent():
                w(f'{b} = len({var}.encode("utf-8", "surrogatepass"))')
                w(f"if {b} > {s.max_bytes}:")
                with w.indent():
                    msg = literal(f"must be at most {s.max_bytes} bytes in UTF-8, got ")
                    self.violation(w, path, "max_bytes", s, f"{msg} + str({b})", var)
        patterns: list[tuple[str, str, str]] = []  # (regex, rule, description)
        if "integer_string" in s.types:
            patterns.append((formats.INTEGER_STRING, "type", "must be a string of digits"))
        if s.pattern:
            patterns.append((s.pattern, "pattern", f"must match {s.pattern}"))
        if s.format:
            patterns.append(
                (formats.PATTERNS[s.format], "format", f"must be {formats.DESCRIPTIONS[s.format]}")
            )
        for regex, rule, description in patterns:
            name = self.m.const("P", f"re.compile({literal(regex)})")
            w(f"if {name}.fullmatch({var}) is None:")
            with w.indent():
                # a response or callback deviation shows what the server sent (shortened); a
                # request violation does not: the body is the caller's own and ends up in a
                # ValidationError, whose text is logged — it may hold tokens and phone numbers
                if self.strict:
                    message = self.m.const("M", literal(description))
                else:
                    got = self.m.const("M", literal(f"{description}, got "))
                    message = f"{got} + _excerpt({var})"
                self.violation(w, path, rule, s, message, var)
        if s.forbidden_chars:
            cls = formats.char_class(s.forbidden_chars)
            name = self.m.const("F", f"re.compile({literal(cls)})")
            found = w.fresh("f")
            w(f"{found} = {name}.findall({var})")
            w(f"if {found}:")
            with w.indent():
                msg = self.m.const("M", literal("must not contain "))
                self.violation(
                    w, path, "forbidden_chars", s, f'{msg} + " ".join(sorted(set({found})))', var
                )
        if "integer_string" in s.types and (
            s.minimum is not None
            or s.maximum is not None
            or s.exclusive_minimum is not None
            or s.exclusive_maximum is not None
        ):
            num = w.fresh("i")
            w(f"if {formats_name(self.m)}.fullmatch({var}) is not None:")
            with w.indent():
                # int() refuses more than 4300 digits (CPython's int_max_str_digits); a number
                # that long is beyond any bound, so it compares as infinity
                digits = w.fresh("d")
                w(f'{digits} = {var}.lstrip("0")')
                w(f'{num} = int({digits} or "0") if len({digits}) < 4300 else float("inf")')
                self.bounds(w, num, s, path, raw=var)
        self.enum(w, var, s, path)
        self.must_match_check(w, var, s, path)

    def bounds(self, w: Writer, var: str, s: Schema, path: str, raw: str | None = None) -> None:
        """Inclusive and exclusive bounds of the number in `var` (parsed from `raw`, if given)."""
        for rule, op, text in (
            ("minimum", "<", "at least"),
            ("maximum", ">", "at most"),
            ("exclusive_minimum", "<=", "greater than"),
            ("exclusive_maximum", ">=", "less than"),
        ):
            bound = getattr(s, rule)
            if bound is not None:
                w(f"if {var} {op} {literal(bound)}:")
                with w.indent():
                    msg = literal(f"must be {text} {bound!r}, got ")
                    self.violation(w, path, rule, s, f"{msg} + _show({var})", raw or var)

    def enum(self, w: Writer, var: str, s: Schema, path: str) -> None:
        # a value the documents do not list is a violation in a request; in a response or
        # callback it is a deviation: reported (with the value kept), never a refusal
        if not s.enum:
            return
        values = [e.value for e in s.enum if e.value is not None]
        name = self.m.const("E", frozenset_literal(values))
        allowed = ", ".join(repr(v) for v in values)
        w(f"if {var} not in {name}:")
        with w.indent():
            msg = self.m.const("M", literal(f"must be one of {allowed}, got "))
            self.violation(w, path, "enum", s, f"{msg} + _show({var})", var)

    def must_match_check(self, w: Writer, var: str, s: Schema, path: str) -> None:
        if s.must_match is None:
            return
        key = self.must_match.setdefault(s.must_match, f"mm{len(self.must_match)}")
        w(f"if {var} not in ctx[{literal(key)}]:")
        with w.indent():
            msg = self.m.const(
                "M", literal(f"must equal one of the values at {s.must_match}, got ")
            )
            self.violation(w, path, "must_match", s, f"{msg} + _show({var})", var)

    def array(self, w: Writer, var: str, s: Schema, path: str, strict: bool) -> None:
        self.size(w, var, s, path, "items", "item")
        q = w.fresh("q")
        i = w.fresh("i")
        item = w.fresh("x")
        checks_items = s.items is not None and "any" not in s.items.types
        if s.unique or s.unique_by is not None or checks_items:  # else q is unused (ruff F841)
            w(f"{q} = {_append(path, '/')}")
        if s.unique or s.unique_by is not None:
            seen = w.fresh("seen")
            key = w.fresh("k")
            w(f"{seen}: dict[object, int] = {{}}")
            w(f"for {i}, {item} in enumerate({var}):")
            with w.indent():
                if s.unique_by is not None:
                    w(f"if type({item}) is not dict or {literal(s.unique_by)} not in {item}:")
                    with w.indent():
                        w("continue")
                    # strings (the usual key) are their own key: no call on the valid path
                    w(f"{key} = {item}[{literal(s.unique_by)}]")
                    w(f"if type({key}) is not str:")
                    with w.indent():
                        w(f"{key} = _unique_key({key})")
                    where = f"{q} + str({i}) + {literal('/' + pointers.escape(s.unique_by))}"
                    what = f"duplicate {s.unique_by}, first at item "
                    found = f"{item}[{literal(s.unique_by)}]"
                else:
                    w(f"{key} = _unique_key({item})")
                    where = f"{q} + str({i})"
                    what = "duplicate of item "
                    found = item
                w(f"if {key} in {seen}:")
                with w.indent():
                    self.violation(
                        w, where, "unique", s, f"{literal(what)} + str({seen}[{key}])", found
                    )
                w("else:")
                with w.indent():
                    w(f"{seen}[{key}] = {i}")
        if checks_items and s.items is not None:
            w(f"for {i}, {item} in enumerate({var}):")
            with w.indent():
                if s.items.object is not None and s.items.types == ("object",):
                    # the item's path is built only if it has a violation to report
                    w.call(self.need(s.items.object, strict), [item, q, i, "out", "ctx"])
                else:
                    self.value(w, item, s.items, f"{q} + str({i})", strict)

    # -- objects ---------------------------------------------------------------------------

    def object_function(self, obj: ObjectType, strict: bool) -> list[str]:
        self.strict = strict
        self.exact_ints = obj.name in self.path_objects
        w = Writer()
        w.depth = 0
        # the object is at `p`, or at `p + str(i)` when it is item i of an array (i >= 0)
        params = "v: Any, p: str, i: int, out: list[Violation], ctx: Ctx"
        line = f"def {function_name(obj, strict)}({params}) -> None:"
        if len(line) <= LINE_LENGTH:
            w(line)
        else:  # black's split of a long signature
            w(f"def {function_name(obj, strict)}(")
            w("    " + params)
            w(") -> None:")
        w.depth = 1
        type_schema = Schema(pos=obj.pos, types=("object",), object=obj)
        w("if type(v) is not dict:")
        with w.indent():
            msg = self.m.const("M", literal("expected object, got "))
            self.violation(w, _HERE, "type", type_schema, f"{msg} + _type_name(v)", "v")
            w("return")
        # member names that are not strings (no JSON has them) in either mode; unknown members
        # in requests only (responses and callbacks keep them). One set test when all is well.
        keys = self.m.const("K", frozenset_literal([p.name for p in obj.properties]))
        w(f"if not {keys}.issuperset(v):")  # faster than v.keys() <= K
        with w.indent():
            w("for k in v:")
            with w.indent():
                w("if not isinstance(k, str):")
                with w.indent():
                    msg = self.m.const("M", literal("member names must be strings, got "))
                    self.violation(w, _HERE, "type", type_schema, f"{msg} + _type_name(k)", "k")
                if strict:
                    w(f"elif k not in {keys}:")
                    with w.indent():
                        msg = self.m.const("M", literal("unknown field "))
                        self.violation(
                            w,
                            f'{_HERE} + "/" + _escape(k)',
                            "unknown_field",
                            type_schema,
                            f"{msg} + repr(k)",
                        )
        for prop in obj.properties:
            here = f"{_HERE} + {literal('/' + pointers.escape(prop.name))}"
            needs_value = "any" not in prop.schema.types
            if not prop.required and not needs_value:
                continue
            x = w.fresh("x")
            w(f"{x} = v.get({literal(prop.name)}, _MISSING)")
            if prop.required:
                w(f"if {x} is _MISSING:")
                with w.indent():
                    msg = self.m.const("M", literal("required field is missing"))
                    self.violation(w, here, "required", prop.schema, msg)
                if needs_value:
                    w("else:")
                    with w.indent():
                        self.value(w, x, prop.schema, here, strict)
            else:
                w(f"if {x} is not _MISSING:")
                with w.indent():
                    self.value(w, x, prop.schema, here, strict)
        for prop in obj.properties:
            if prop.required_if is None:
                continue
            ri = prop.required_if
            cond = _equals(f"v.get({literal(ri.field)}, _MISSING)", ri.equals)
            w(f"if {literal(prop.name)} not in v and {cond}:")
            with w.indent():
                msg = self.m.const("M", literal(f"required when {ri.field} is {ri.equals!r}"))
                here = f"{_HERE} + {literal('/' + pointers.escape(prop.name))}"
                self.violation(w, here, "required_if", prop.schema, msg)
        if obj.exactly_one_of:
            count = w.fresh("c")
            names = self.m.const("T", literal(obj.exactly_one_of))
            # "" and null count as absent; `g != ""` would run a foreign object's __eq__
            w(
                f"{count} = sum(1 for f in {names} "
                'if (g := v.get(f)) is not None and (type(g) is not str or g != ""))'
            )
            w(f"if {count} != 1:")
            with w.indent():
                listed = ", ".join(obj.exactly_one_of)
                msg = self.m.const(
                    "M", literal(f"exactly one of {listed} must be given and non-empty, got ")
                )
                self.violation(
                    w, _HERE, "exactly_one_of", type_schema, f"{msg} + str({count})", "v"
                )
        for name, needs in obj.dependent_required:
            for need in needs:
                w(f"if {literal(name)} in v and {literal(need)} not in v:")
                with w.indent():
                    dependent = obj.prop(name)
                    assert dependent is not None
                    msg = self.m.const("M", literal(f"{name} is only valid together with {need}"))
                    here = f"{_HERE} + {literal('/' + pointers.escape(name))}"
                    self.violation(
                        w, here, "dependent_required", dependent.schema, msg, f"v[{literal(name)}]"
                    )
        return w.lines

    def drain(self) -> list[str]:
        """Emit every object function requested so far (and those they request)."""
        out: list[str] = []
        while self.pending:
            obj, strict = self.pending.pop(0)
            out.extend(self.object_function(obj, strict))
            out.append("")
            out.append("")
        return out


def _grouped(test: str, terms: int) -> str:
    """A test in parentheses where it is one of several joined with `and` / `or`."""
    return f"({test})" if terms > 1 and " or " in test else test


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _append(path: str, suffix: str) -> str:
    """`p + '/a'` + "/" → `p + '/a/'`: one concatenation fewer per array."""
    head, plus, last = path.rpartition(" + ")
    if plus and last[:1] in "'\"":
        return f"{head} + {literal(ast.literal_eval(last) + suffix)}"
    return f"{path} + {literal(suffix)}"


def frozenset_literal(values: list[object]) -> str:
    """A frozenset literal in the given (spec) order: repr(frozenset) follows the hash seed."""
    if not values:
        return "frozenset()"
    return "frozenset({" + ", ".join(literal(v) for v in values) + "})"


def formats_name(m: Module) -> str:
    return m.const("P", f"re.compile({literal(formats.INTEGER_STRING)})")


def _equals(expr: str, value: object) -> str:
    """A Python test of JSON equality: booleans are not numbers, 1 equals 1.0."""
    if isinstance(value, bool):
        return f"{expr} is {literal(value)}"
    if isinstance(value, (int, float)):
        return f"(type(_t := {expr}) is int or type(_t) is float) and _t == {literal(value)}"
    if isinstance(value, str):  # a type test first: `==` would run a foreign object's __eq__
        return f"type(_t := {expr}) is str and _t == {literal(value)}"
    if value is None:
        return f"{expr} is None"
    return f"{expr} == {literal(value)}"


def entry_name(name: str, kind: str) -> str:
    """The public validator of an operation's (or callback's) body of this kind."""
    return f"validate_{name}_{kind}"


@dataclass(frozen=True)
class EntryPoint:
    """A public validator: `validate_<name>_<kind>(body)`."""

    function: str
    name: str  # operation id or callback name
    kind: str  # request | response | callback | path (path parameters, pointers "path:/name")
    root: str  # object function it starts from

    @property
    def root_path(self) -> str:
        return "path:" if self.kind == "path" else ""


@dataclass
class Validators:
    """Everything the validators template renders."""

    constants: list[str]
    functions: list[str]
    entries: list[EntryPoint]
    must_match: list[tuple[str, tuple[str, ...]]]  # ctx key → pointer tokens
    operations: tuple[str, ...]  # operation ids, in spec order
    callbacks: tuple[str, ...]  # callback names, in spec order

    @property
    def operation_type(self) -> str:
        """The type of an operation id argument: a `Literal` of the ids (a typo fails mypy)."""
        return _name_type(self.operations)

    @property
    def callback_type(self) -> str:
        return _name_type(self.callbacks)

    @property
    def schema_kinds(self) -> tuple[str, ...]:
        """The kinds `schema()` takes: there is no JSON Schema of path parameters."""
        return ("request", "response", "callback") if self.callbacks else ("request", "response")

    @property
    def typing_names(self) -> list[str]:
        """What the module imports from typing, in ruff's order."""
        names = ["Any", "Literal", "TypeAlias"]
        if "Never" in (self.operation_type, self.callback_type):
            names.insert(2, "Never")
        if self.callbacks:
            names.append("overload")  # schema() ties kind="callback" to a callback name
        return names


def _name_type(names: tuple[str, ...]) -> str:
    """`Literal["a", "b"]`, or `Never` when there is no name (no call type-checks then)."""
    if not names:
        return "Never"
    return "Literal[" + ", ".join(literal(n) for n in names) + "]"


def emit(service: Service) -> Validators:
    """The validators of a service: constants, object functions and entry points."""
    module = Module()
    emitter = ValidatorEmitter(service, module)
    entries: list[EntryPoint] = []
    bodies: list[tuple[str, str, Schema]] = []
    for op in service.operations:
        bodies.append((op.id, "request", op.request))
        bodies.append((op.id, "response", op.response))
    for cb in service.callbacks:
        bodies.append((cb.name, "callback", cb.body))
    for op in service.operations:
        if op.path_params:
            params = ObjectType(
                name=f"{pascal(op.id)}PathParams", pos=op.pos, properties=op.path_params
            )
            bodies.append((op.id, "path", Schema(pos=op.pos, types=("object",), object=params)))
            emitter.path_objects.add(params.name)
    for name, kind, body in bodies:
        assert body.object is not None
        root = emitter.need(body.object, kind in ("request", "path"))
        module.lines.extend(emitter.drain())
        entries.append(EntryPoint(entry_name(name, kind), name, kind, root))
    return Validators(
        constants=module.constant_lines(),
        # without the blank lines after the last function: the template puts two there
        functions=_without_trailing_blanks(module.lines),
        entries=entries,
        must_match=[(key, tuple(pointers.split(ptr))) for ptr, key in emitter.must_match.items()],
        operations=tuple(op.id for op in service.operations),
        callbacks=tuple(cb.name for cb in service.callbacks),
    )


def _without_trailing_blanks(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]
