"""Whether one spec pattern provably accepts every string another accepts.

`callgen diff` must say whether a changed `pattern` was widened (compatible) or narrowed
(breaking). Language inclusion of regular expressions is decidable but costly in general; we
prove it only for the changes people make to spec patterns — a quantifier bound moved, a
character added to or removed from a class, an alternative added — by comparing the two parse
trees node by node:

- a sequence covers another of the same length when each of its terms covers the other's term
  (L(a₁…aₙ) ⊆ L(b₁…bₙ) when each L(aᵢ) ⊆ L(bᵢ));
- `X{a,b}` covers `Y{c,d}` when X covers Y, a ≤ c and d ≤ b (a plain atom is `{1,1}`);
- a character class covers another when it contains all its characters;
- an alternation covers an atom or alternation when each old alternative is covered by one of
  the new alternatives;
- anything else (anchors, look-arounds, flags, back-references) must be identical.

Every rule is sound, so `covers` never claims an inclusion that does not hold; when the trees
differ in shape it answers False (unknown), and the caller takes the safe direction.
"""

from __future__ import annotations

import functools
from typing import Any

try:  # CPython's own regex parser: the exact tree `re` compiles
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser
except ImportError:  # pragma: no cover - older or other Pythons: prove nothing
    _parser = None
    _c = None

_MAX_CLASS = 1 << 16  # character classes larger than this are compared only when identical


def covers(old: str, new: str) -> bool:
    """True when `new` provably matches every string `old` matches (both anchored patterns)."""
    if old == new:
        return True
    old_tree, new_tree = _parse(old), _parse(new)
    if old_tree is None or new_tree is None:
        return False
    (old_flags, old_items), (new_flags, new_items) = old_tree, new_tree
    return old_flags == new_flags and _seq_covers(old_items, new_items)


@functools.lru_cache(maxsize=1024)
def _parse(pattern: str) -> tuple[int, tuple[Any, ...]] | None:
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern)
    except Exception:  # noqa: BLE001 - an unparsable pattern proves nothing
        return None
    flags = tree.state.flags & ~(_c.SRE_FLAG_UNICODE)  # str patterns always carry UNICODE
    return flags, tuple(tree.data)


def _term(item: tuple[Any, Any]) -> tuple[int, int, tuple[Any, Any]]:
    """(min, max, atom): a greedy or lazy repeat, or a plain atom taken as {1,1}."""
    op, av = item
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, sub = av
        items = tuple(sub.data)
        if len(items) == 1:
            return low, high, items[0]
        return low, high, (_c.SUBPATTERN, (None, 0, 0, sub))
    return 1, 1, item


def _flat(items: tuple[Any, ...]) -> tuple[Any, ...]:
    """Items with plain groups inlined: `(?:ab)c` is `abc` (a group of alternatives stays)."""
    out: list[Any] = []
    for item in items:
        op, av = item
        if op == _c.SUBPATTERN and not av[1] and not av[2]:
            inner = tuple(av[3].data)
            if not (len(inner) == 1 and inner[0][0] == _c.BRANCH):
                out.extend(_flat(inner))
                continue
        out.append(item)
    return tuple(out)


def _seq_covers(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """L(old) ⊆ L(new), proven by aligning old items with new terms left to right.

    A new term covers one old term (bounds and atom), or — when it may occur once — a run of
    old items with one of its alternatives, or — when it may be absent — nothing.
    """
    old, new = _flat(old), _flat(new)
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if (i, j) in memo:
            return memo[(i, j)]
        memo[(i, j)] = False  # no cycles: every step advances j
        if j == len(new):
            result = i == len(old)
        else:
            n_low, n_high, n_atom = _term(new[j])
            result = n_low == 0 and go(i, j + 1)
            if not result and i < len(old):
                o_low, o_high, o_atom = _term(old[i])
                result = (
                    n_low <= o_low
                    and o_high <= n_high
                    and _atom_covers(o_atom, n_atom)
                    and go(i + 1, j + 1)
                )
            if not result and n_low <= 1 <= n_high:
                alternatives = _alternatives(n_atom)
                if alternatives != [(n_atom,)]:
                    result = any(
                        go(k, j + 1) and any(_seq_covers(old[i:k], alt) for alt in alternatives)
                        for k in range(i + 1, len(old) + 1)
                    )
        memo[(i, j)] = result
        return result

    return go(0, 0)


def _alternatives(atom: tuple[Any, Any]) -> list[tuple[Any, ...]]:
    """The alternatives of an atom, each a sequence: a group's branches, or the atom alone."""
    op, av = atom
    if op == _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            return [(atom,)]
        items = tuple(sub.data)
        if len(items) == 1 and items[0][0] == _c.BRANCH:
            return [tuple(branch.data) for branch in items[0][1][1]]
        return [items]
    if op == _c.BRANCH:
        return [tuple(branch.data) for branch in av[1]]
    return [(atom,)]


def _atom_covers(old: tuple[Any, Any], new: tuple[Any, Any]) -> bool:
    old_chars, new_chars = _charset(old), _charset(new)
    if old_chars is not None and new_chars is not None:
        return _set_covers(old_chars, new_chars)
    if old == new:
        return True
    old_alts, new_alts = _alternatives(old), _alternatives(new)
    if old_alts == [(old,)] and new_alts == [(new,)]:
        return False  # two different atoms of a kind we cannot compare
    return all(any(_seq_covers(o, n) for n in new_alts) for o in old_alts)


def _charset(atom: tuple[Any, Any]) -> tuple[bool, frozenset[int]] | None:
    """(negated, code points) of a single-character atom, or None for anything else."""
    op, av = atom
    if op == _c.LITERAL:
        return False, frozenset((av,))
    if op == _c.NOT_LITERAL:
        return True, frozenset((av,))
    if op == _c.ANY:
        return True, frozenset((ord("\n"),))
    if op != _c.IN:
        return None
    negated = False
    chars: set[int] = set()
    for item_op, item_av in av:
        if item_op == _c.NEGATE:
            negated = True
        elif item_op == _c.LITERAL:
            chars.add(item_av)
        elif item_op == _c.RANGE:
            low, high = item_av
            if high - low > _MAX_CLASS:
                return None
            chars.update(range(low, high + 1))
        else:  # a category (\d, \w) or anything else: not compared
            return None
    return negated, frozenset(chars)


def _set_covers(old: tuple[bool, frozenset[int]], new: tuple[bool, frozenset[int]]) -> bool:
    old_negated, old_chars = old
    new_negated, new_chars = new
    if not old_negated and not new_negated:
        return old_chars <= new_chars
    if old_negated and new_negated:  # new excludes no more than old did
        return new_chars <= old_chars
    if not old_negated and new_negated:  # everything but new_chars: old must avoid them
        return not (old_chars & new_chars)
    return False  # a finite class never covers a negated (infinite) one
