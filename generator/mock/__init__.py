"""`callgen mock`: a vendor simulator built from the specs.

`Simulator(service, MockConfig(...))` serves one service (routing, credentials, validation,
envelope from the IR; state in `services/`); `create_app` makes the ASGI (Starlette) app;
`MockServer` runs it with uvicorn in a background thread on 127.0.0.1 (port 0: a free port).
"""

from __future__ import annotations

from .app import create_app, wait_for_pushes
from .calls import Answer, Call
from .config import CAMPAIGN_STATES, Fault, MockConfig, MockConfigError
from .core import Simulator
from .server import MockServer

__all__ = [
    "CAMPAIGN_STATES",
    "Answer",
    "Call",
    "Fault",
    "MockConfig",
    "MockConfigError",
    "MockServer",
    "Simulator",
    "create_app",
    "wait_for_pushes",
]
