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

# `callgen generate` keeps compiled templates in the user's cache folder; the tests (and the
# commands they start, which inherit the environment) use a folder of their own instead.
if not os.environ.get("CALLGEN_TESTS_USE_USER_CACHE"):
    import tempfile

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="callgen-tests-cache-")
