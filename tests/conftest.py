"""Hypothesis explores new inputs on every developer run, and replays fixed ones in CI.

A random search belongs where someone can look at what it finds; CI must give the same
answer for the same commit.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
