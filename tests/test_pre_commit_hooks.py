"""`.pre-commit-hooks.yaml`: it parses as pre-commit reads it, and every hook runs a real
`callgen` command line (the console script of pyproject.toml, a command and options it has)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# what pre-commit requires of a hook, and the keys it knows (pre-commit's manifest schema)
REQUIRED = {"id", "name", "entry", "language"}
KNOWN = REQUIRED | {
    "alias",
    "files",
    "exclude",
    "types",
    "types_or",
    "exclude_types",
    "additional_dependencies",
    "args",
    "always_run",
    "fail_fast",
    "pass_filenames",
    "description",
    "language_version",
    "log_file",
    "minimum_pre_commit_version",
    "require_serial",
    "stages",
    "verbose",
}
STAGES = {
    "pre-commit",
    "pre-merge-commit",
    "pre-push",
    "prepare-commit-msg",
    "commit-msg",
    "post-checkout",
    "post-commit",
    "post-merge",
    "post-rewrite",
    "manual",
}


def hooks() -> list[dict[str, object]]:
    loaded = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert isinstance(loaded, list) and loaded
    return loaded


def test_hooks_parse_with_the_keys_pre_commit_knows() -> None:
    ids = [hook["id"] for hook in hooks()]
    assert "callgen-check" in ids and len(ids) == len(set(ids))
    for hook in hooks():
        assert REQUIRED <= set(hook) <= KNOWN, hook
        assert hook["language"] == "python"  # pre-commit installs this repository, then runs
        assert hook["pass_filenames"] is False  # callgen reads the whole specs folder
        re.compile(str(hook.get("files", "")))
        assert set(hook.get("stages", [])) <= STAGES  # type: ignore[arg-type]


def test_the_check_hook_runs_on_spec_and_generated_changes() -> None:
    (check,) = [h for h in hooks() if h["id"] == "callgen-check"]
    files = re.compile(str(check["files"]))
    assert files.search("specs/huawei_isales.yaml")
    assert files.search("generated/outbound/huawei_isales/client.py")
    assert not files.search("README.md")


def test_every_entry_is_a_console_script_with_a_real_command() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    for hook in hooks():
        program, command, *options = shlex.split(str(hook["entry"]))
        assert program in scripts, f"{hook['id']}: {program} is not a console script"
        assert scripts[program] == "generator.cli:main"
        # the command line parses: `--help` after it exits 0 with the command's usage
        done = subprocess.run(
            [sys.executable, "-m", "generator", command, *options, "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(f"usage: callgen {command}")
        for option in options:
            if option.startswith("--"):
                assert option in done.stdout  # an option the command documents
