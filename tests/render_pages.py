"""Render seeds 002 and 003 as the HTML and Markdown pages a vendor might publish them as.

    python tests/render_pages.py        # rewrites tests/fixtures/pages/*.html and *.md

The table layout of each seed is declared here by hand — where each caption, header and row
is — rather than read with generator.doctables, so the renderings do not inherit the reader's
mistakes: a reader bug shows up as a difference between auditing the text seed and auditing its
HTML or Markdown rendering (tests/test_audit.py). 002 is the one-cell-per-line English layout,
003 the one-row-per-line Chinese one. HTML tables get a <caption> (002) or a heading above
(003); Markdown tables a bold paragraph (002) or a heading (003) above.
"""

from __future__ import annotations

import html
import itertools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
FIXTURES = ROOT / "fixtures" / "pages"
SEEDS_DIR = Path(
    os.environ.get("CALLGEN_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)


@dataclass(frozen=True)
class TableLayout:
    caption: int  # line of the caption (002) or of the heading above the table (003)
    header: tuple[int, ...]  # lines of the header cells (002) or the one header line (003)
    rows: tuple[int, ...]  # first line of each row
    end: int  # first line after the table
    vertical: bool  # one cell per line (002) or one row per line (003)


@dataclass(frozen=True)
class SeedLayout:
    seed: str
    title: int
    tables: tuple[TableLayout, ...]
    examples: tuple[tuple[int, int], ...]  # (first, last) line of each JSON example


def _vertical(caption: int, columns: int, rows: tuple[int, ...], end: int) -> TableLayout:
    return TableLayout(
        caption, tuple(range(caption + 2, caption + 2 * columns + 1, 2)), rows, end, True
    )


def _horizontal(header: int, last_row: int, caption: int | None = None) -> TableLayout:
    rows = tuple(range(header + 1, last_row + 1))
    return TableLayout(caption or header - 1, (header,), rows, last_row + 1, False)


LAYOUTS = {
    "002": SeedLayout(
        "002",
        title=3,
        tables=(
            _vertical(32, 5, (44, 56), 66),
            _vertical(68, 5, (80, 90), 100),
            _vertical(100, 5, (112,), 124),
            _vertical(124, 5, (136, 148, 160, 172, 182, 192), 211),
            _vertical(213, 4, (223, 233, 241, 251, 259), 267),
            _vertical(267, 4, (277,), 285),
            _vertical(291, 3, tuple(range(299, 420, 6)), 425),
        ),
        examples=((428, 447), (449, 457)),
    ),
    "003": SeedLayout(
        "003",
        title=1,
        tables=(
            _horizontal(17, 37, caption=15),
            _horizontal(41, 43, caption=39),
            _horizontal(47, 52, caption=45),
            _horizontal(56, 61, caption=54),
            _horizontal(63, 65),
            _horizontal(67, 69),
            _horizontal(130, 133, caption=128),
            _horizontal(142, 148),
        ),
        examples=((78, 126), (136, 140)),
    ),
}


@dataclass(frozen=True)
class Table:
    caption: str
    header: list[str]
    rows: list[list[list[str]]]  # row → cell → paragraphs


def _cells(lines: list[str], layout: TableLayout) -> Table:
    def line(n: int) -> str:
        return lines[n - 1].strip()

    if layout.vertical:
        header = [line(n) for n in layout.header]
        rows = []
        bounds = list(layout.rows) + [layout.end]
        for start, stop in itertools.pairwise(bounds):
            texts = [line(n) for n in range(start, stop) if line(n)]
            # the fixed cells, then the description with all its paragraphs
            rows.append([[t] for t in texts[: len(header) - 1]] + [texts[len(header) - 1 :]])
        return Table(line(layout.caption), header, rows)
    header = line(layout.header[0]).split()
    rows = [[[c] for c in line(n).split(maxsplit=len(header) - 1)] for n in layout.rows]
    return Table(line(layout.caption), header, rows)


def _blocks(seed: SeedLayout, lines: list[str]) -> list[tuple[str, object]]:
    """The page as (kind, content) blocks: title, text, bullet, caption, table, example."""
    owner: dict[int, tuple[str, object]] = {}
    skip: set[int] = set()
    for t in seed.tables:
        table = _cells(lines, t)
        owner[t.caption] = ("table", table)
        first = t.caption if t.vertical else t.header[0]
        skip |= set(range(first, t.end)) - {t.caption}
    for first, last in seed.examples:
        text = "\n".join(lines[first - 1 : last])
        indent = min(len(x) - len(x.lstrip()) for x in text.splitlines() if x.strip())
        owner[first] = ("example", "\n".join(x[indent:] for x in text.splitlines()))
        skip |= set(range(first + 1, last + 1))
    blocks: list[tuple[str, object]] = []
    for n, raw in enumerate(lines, start=1):
        if n in skip:
            continue
        if n in owner:
            blocks.append(owner[n])
        elif n == seed.title:
            blocks.append(("title", raw.strip()))
        elif raw.strip().startswith("•"):
            blocks.append(("bullet", raw.strip().lstrip("•").strip()))
        elif raw.strip():
            blocks.append(("text", raw.strip()))
    return blocks


def render_html(seed: str, text: str) -> str:
    layout = LAYOUTS[seed]
    blocks = _blocks(layout, text.splitlines())
    title = next(c for k, c in blocks if k == "title")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        f'<head><meta charset="utf-8"><title>{html.escape(str(title))}</title></head>',
        "<body>",
    ]
    esc = html.escape
    for kind, content in blocks:
        if kind == "title":
            out.append(f"<h1>{esc(str(content))}</h1>")
        elif kind == "text":
            out.append(f"<p>{esc(str(content))}</p>")
        elif kind == "bullet":
            out.append(f"<ul><li>{esc(str(content))}</li></ul>")
        elif kind == "example":
            out.append(f"<pre><code>{esc(str(content))}</code></pre>")
        elif kind == "table":
            assert isinstance(content, Table)
            if seed == "003":  # a heading above the table, no <caption>
                out.append(f"<h3>{esc(content.caption)}</h3>")
                out.append("<table>")
            else:
                out.append("<table>")
                out.append(f"<caption>{esc(content.caption)}</caption>")
            out.append("<thead><tr>")
            out.extend(f"<th>{esc(h)}</th>" for h in content.header)
            out.append("</tr></thead>")
            out.append("<tbody>")
            for row in content.rows:
                out.append("<tr>")
                for paragraphs in row:
                    if len(paragraphs) == 1:
                        out.append(f"<td>{esc(paragraphs[0])}</td>")
                    else:
                        out.append(
                            "<td>" + "".join(f"<p>{esc(p)}</p>" for p in paragraphs) + "</td>"
                        )
                out.append("</tr>")
            out.append("</tbody>")
            out.append("</table>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")


def _md(text: str) -> str:
    """Text as Markdown shows it literally: markup characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_paragraph(text: str) -> str:
    """A paragraph's text, also kept from starting a list or a heading."""
    return re.sub(r"^([0-9]+)([.)])", r"\1\\\2", re.sub(r"^([-+#])", r"\\\1", _md(text)))


def render_markdown(seed: str, text: str) -> str:
    layout = LAYOUTS[seed]
    out: list[str] = []
    for kind, content in _blocks(layout, text.splitlines()):
        if kind == "title":
            out.append(f"# {_md(str(content))}")
        elif kind == "text":
            out.append(_md_paragraph(str(content)))
        elif kind == "bullet":
            out.append(f"- {_md(str(content))}")
        elif kind == "example":
            out.append(f"```json\n{content}\n```")
        elif kind == "table":
            assert isinstance(content, Table)
            if seed == "003":
                out.append(f"### {_md(content.caption)}")
            else:
                out.append(f"**{_md(content.caption)}**")
            lines = [
                "| " + " | ".join(_md(h) for h in content.header) + " |",
                "|" + "---|" * len(content.header),
            ]
            for row in content.rows:
                cells = ["<br>".join(_md(p) for p in paragraphs) for paragraphs in row]
                lines.append("| " + " | ".join(cells) + " |")
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def seed_file(seed: str) -> Path:
    return next(SEEDS_DIR.glob(f"{seed}_*.txt"))


def main() -> int:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for seed in LAYOUTS:
        text = seed_file(seed).read_text(encoding="utf-8")
        (FIXTURES / f"{seed}.html").write_text(render_html(seed, text), encoding="utf-8")
        (FIXTURES / f"{seed}.md").write_text(render_markdown(seed, text), encoding="utf-8")
        print(f"wrote {FIXTURES / seed}.html and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
