"""`callgen audit` on a 100-row vendor page, as a user runs it (target, issue 10: under 2 s).

A synthetic service with 100 request parameters — strings with length limits, integers with
ranges, enumerations, dates — and 20 result codes, and its page in four renderings: row per
line (Chinese, like 003), cell per line (English, like 002), HTML and Markdown. Three rows of
each page differ from the spec, so the audit also reports. Measured: the whole command in a
fresh process (`python -m generator audit …`, interpreter start and imports included), and
the audit alone in this process; the fresh interpreter that only imports the CLI is the peer
that shows what start-up costs.

    python bench/bench_audit.py [--rounds N]
"""

from __future__ import annotations

import argparse
import html
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.audit import audit

ROOT = Path(__file__).resolve().parents[1]
ROWS = 100
CODES = 20


def param(i: int) -> tuple[str, str, str, bool, str, str]:
    """(name, page type, spec YAML, required, Chinese description, English description)."""
    name = f"field{i:03d}"
    required = i % 3 == 0
    kind = i % 4
    if kind == 0:
        spec = f"type: string, max_length: {10 + i}"
        zh, en = f"字段{i},长度限制:{10 + i}", f"Field {i}. A maximum of {10 + i} characters."
        page_type = "String"
    elif kind == 1:
        spec = f"type: integer, minimum: 1, maximum: {100 + i}"
        zh, en = f"字段{i},范围:1 至 {100 + i}", f"Field {i}, ranging from 1 to {100 + i}."
        page_type = "Integer"
    elif kind == 2:
        spec = "type: integer, enum: [{value: 0, meaning: 关闭}, {value: 1, meaning: 开启}]"
        zh, en = f"字段{i}(0-关闭;1-开启)", f"Field {i}. 0: off; 1: on."
        page_type = "Integer"
    else:
        spec = "type: string, format: date"
        zh, en = f"字段{i}(yyyy-MM-dd)", f"Field {i}, in yyyy-MM-dd format."
        page_type = "String"
    required_yaml = ", required: true" if required else ""
    yaml = f'{name}: {{{spec}{required_yaml}, source: "900 请求参数 {name}"}}'
    return name, page_type, yaml, required, zh, en


def spec_text() -> str:
    props = "\n".join(f"        {param(i)[2]}" for i in range(ROWS))
    codes = "\n".join(
        f'  - {{code: "{20000 + i}", name: CODE_{i}, texts: [{{source: "900 结果码说明 {20000 + i}", '
        f"text: 错误{i}}}]}}"
        for i in range(1, CODES)
    )
    return f"""\
callgen: 1
service: bench_audit
title: Audit benchmark
sources:
  "900": {{file: 900_bench.txt, title: Bench}}
base_url: {{documented: null, source: "900"}}
auth: {{scheme: body_token, body_field: /token, source: "900"}}
envelope: {{code: /code, message: /msg, success: ["10000"], source: "900"}}
error_codes:
  - {{code: "10000", name: SUCCESS, success: true, texts: [{{source: "900 结果码说明 10000", text: 请求成功}}]}}
{codes}
operations:
  op:
    summary: Bench
    source: "900 服务描述"
    method: POST
    path: /bench/op
    creates: false
    request:
      type: object
      source: "900 请求参数"
      properties:
        token: {{type: string, required: true, source: "900 请求参数"}}
{props}
    response:
      type: object
      source: "900 返回结果"
      properties:
        code: {{type: string, source: "900 返回结果 code"}}
        msg: {{type: string, source: "900 返回结果 msg"}}
"""


def differing(i: int, text: str) -> str:
    """Three rows of every page (all three length limits) differ from the spec."""
    return text.replace(str(10 + i), str(11 + i)) if i in (0, 40, 80) else text


def page_rows() -> list[tuple[str, str, str, str, str]]:
    out = [("token", "String", "Y", "认证码", "Token.")]
    for i in range(ROWS):
        name, page_type, _, required, zh, en = param(i)
        out.append((name, page_type, "Y" if required else "N", differing(i, zh), differing(i, en)))
    return out


def text_rows_page() -> str:
    lines = ["创建任务", "", "服务描述", "", "POST https://{域名}/bench/op", "", "请求参数", ""]
    lines.append("参数 类型 是否必填 说明")
    lines += [f"{n} {t} {m} {zh}" for n, t, m, zh, _ in page_rows()]
    lines += ["", "返回结果", "参数 类型 说明", "code String 结果码", "msg String 结果描述"]
    lines += ["", "结果码说明", "结果码 说明", "10000 请求成功"]
    lines += [f"{20000 + i} 错误{i}" for i in range(1, CODES)]
    return "\n".join(lines) + "\n"


def text_cells_page() -> str:
    lines = ["Bench", "", "URI", "", "https://ip:port/bench/op", "", "POST", ""]
    lines += ["Table 1 Request body parameters", ""]
    lines += [f"{h}\n" for h in ("No.", "Parameter", "Type", "Mandatory or Not", "Description")]
    for k, (n, t, m, _, en) in enumerate(page_rows(), start=1):
        yes = "Yes" if m == "Y" else "No"
        lines += [f"{k}\n", f"{n}\n", f"{t}\n", f"{yes}\n", f"{en}\n"]
    lines += ["Response Description", "", "Table 2 Response body parameters", ""]
    lines += [f"{h}\n" for h in ("No.", "Parameter", "Type", "Description")]
    lines += [
        "1\n",
        "code\n",
        "String\n",
        "Result code.\n",
        "2\n",
        "msg\n",
        "String\n",
        "Message.\n",
    ]
    lines += ["Table 3 Error codes", "", "No.\n", "Error Code\n", "Description\n"]
    rows = [("10000", "请求成功")] + [(str(20000 + i), f"错误{i}") for i in range(1, CODES)]
    for k, (code, text) in enumerate(rows, start=1):
        lines += [f"{k}\n", f"{code}\n", f"{text}\n"]
    return "\n".join(lines) + "\n"


def html_page() -> str:
    out = [
        "<html><body>",
        "<h1>创建任务</h1>",
        "<p>POST https://{域名}/bench/op</p>",
        "<h2>请求参数</h2>",
    ]
    out.append(
        "<table><thead><tr><th>参数</th><th>类型</th><th>是否必填</th><th>说明</th></tr></thead>"
    )
    for n, t, m, zh, _ in page_rows():
        out.append(f"<tr><td>{n}</td><td>{t}</td><td>{m}</td><td>{html.escape(zh)}</td></tr>")
    out.append("</table><h2>返回结果</h2><table><tr><th>参数</th><th>类型</th><th>说明</th></tr>")
    out.append("<tr><td>code</td><td>String</td><td>结果码</td></tr>")
    out.append("<tr><td>msg</td><td>String</td><td>结果描述</td></tr>")
    out.append("</table><h2>结果码说明</h2><table><tr><th>结果码</th><th>说明</th></tr>")
    out.append("<tr><td>10000</td><td>请求成功</td></tr>")
    out += [f"<tr><td>{20000 + i}</td><td>错误{i}</td></tr>" for i in range(1, CODES)]
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"


def markdown_page() -> str:
    out = ["# 创建任务", "", "POST https://{域名}/bench/op", "", "## 请求参数", ""]
    out += ["| 参数 | 类型 | 是否必填 | 说明 |", "|---|---|---|---|"]
    out += [f"| {n} | {t} | {m} | {zh} |" for n, t, m, zh, _ in page_rows()]
    out += ["", "## 返回结果", "", "| 参数 | 类型 | 说明 |", "|---|---|---|"]
    out += ["| code | String | 结果码 |", "| msg | String | 结果描述 |"]
    out += ["", "## 结果码说明", "", "| 结果码 | 说明 |", "|---|---|", "| 10000 | 请求成功 |"]
    out += [f"| {20000 + i} | 错误{i} |" for i in range(1, CODES)]
    return "\n".join(out) + "\n"


PAGES = {
    "rows per line (.txt)": ("900_bench.txt", text_rows_page),
    "cells per line (.txt)": ("900_cells.txt", text_cells_page),
    "HTML": ("900_bench.html", html_page),
    "Markdown": ("900_bench.md", markdown_page),
}


def timed(args: list[str]) -> tuple[float, float, int]:
    """Wall time and CPU time (user + system) of a command in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr.decode())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = folder / "bench_audit.yaml"
        spec.write_text(spec_text(), encoding="utf-8")
        files = {}
        for label, (name, make) in PAGES.items():
            files[label] = folder / name
            files[label].write_text(make(), encoding="utf-8")
            report = audit(files[label], spec)
            rows = sum(1 for f in report.findings)
            assert report.differs == 3, (label, [f.message for f in report.findings])
            print(f"{label}: {report.differs} differences, {rows} findings in all")
        peer = [sys.executable, "-c", "import generator.cli, generator.audit"]
        wall: dict[str, list[float]] = {"python start + imports (peer)": []}
        wall |= {f"callgen audit, {label}": [] for label in PAGES}
        cpu: dict[str, list[float]] = {label: [] for label in wall}
        inproc: dict[str, list[float]] = {label: [] for label in PAGES}
        load = os.getloadavg()[0]
        for _ in range(rounds):  # interleaved
            elapsed, used, _ = timed(peer)
            wall["python start + imports (peer)"].append(elapsed)
            cpu["python start + imports (peer)"].append(used)
            for label, path in files.items():
                cmd = [sys.executable, "-m", "generator", "audit", str(path), "--spec", str(spec)]
                elapsed, used, code = timed(cmd)
                assert code == 1
                wall[f"callgen audit, {label}"].append(elapsed)
                cpu[f"callgen audit, {label}"].append(used)
                start = time.perf_counter()
                audit(path, spec)
                inproc[label].append(time.perf_counter() - start)
    print(
        f"\n{ROWS}-row page, {CODES} result codes, {rounds} rounds, load average {load:.1f} "
        f"on {os.cpu_count()} cores at the start"
    )
    print("| run | median wall s | max wall s | median CPU s |")
    print("|---|---:|---:|---:|")
    for label, times in wall.items():
        print(
            f"| {label} | {statistics.median(times):.3f} | {max(times):.3f} "
            f"| {statistics.median(cpu[label]):.3f} |"
        )
    for label, times in inproc.items():
        print(
            f"| audit() in process, {label} | {statistics.median(times):.3f} | {max(times):.3f} | |"
        )
    worst = max(max(t) for label, t in wall.items() if label.startswith("callgen audit"))
    print(
        f"slowest `callgen audit`: {worst:.3f} s wall (target < 2 s): "
        f"{'met' if worst < 2 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
