"""The ASGI app (Starlette) serving one or more simulators, and callback pushes.

Routes: every documented operation of each simulator's service (first match wins; the
services' paths do not overlap), plus, not vendor routes: `GET /_callgen/state`, a JSON dump of
every simulator's state, and `GET /openapi/<service>.json` (and `/openapi.json` when the app
serves one service), the service's OpenAPI document (`callgen openapi`) with this simulator's
URL as its first server. `app.state.simulators` may be replaced at run time (tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .core import Simulator

STATE_PATH = "/_callgen/state"
OPENAPI_PATH = "/openapi.json"
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def create_app(simulators: Simulator | Sequence[Simulator]) -> Starlette:
    """An ASGI app serving `simulators` (one, or several services at once)."""
    sims = [simulators] if isinstance(simulators, Simulator) else list(simulators)
    app = Starlette(routes=[Route("/{path:path}", _endpoint, methods=_METHODS)], lifespan=_lifespan)
    app.state.simulators = sims
    app.state.push_tasks = set()
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    yield
    await wait_for_pushes(app)  # a clean stop sends the callbacks already due


async def _endpoint(request: Request) -> Response:
    sims: list[Simulator] = request.app.state.simulators
    scope = request.scope
    path: str = scope["path"]
    query = scope.get("query_string", b"").decode("latin-1")
    if path == STATE_PATH and request.method == "GET":
        return JSONResponse({s.service.name: s.snapshot() for s in sims})
    if request.method == "GET":
        served = _openapi(request, sims, path)
        if served is not None:
            return served
    allowed: set[str] = set()
    for sim in sims:
        found = sim.route(request.method, path, query)
        if found is None:
            continue
        if isinstance(found, frozenset):
            allowed |= found
            continue
        op, params = found
        raw = await request.body()
        raw_path = scope.get("raw_path") or path.encode("utf-8")
        host = request.headers.get("host", "localhost")
        url = f"{scope.get('scheme', 'http')}://{host}{raw_path.decode('latin-1')}"
        if query:
            url += "?" + query
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        answer = sim.handle(op, params, request.method, url, headers, raw)
        for target, body in sim.take_pushes():
            _schedule_push(request.app, sim, target, body)
        content, media_type = answer.encode()
        return Response(content, status_code=answer.status, media_type=media_type)
    if allowed:  # RFC 9110: a 405 lists the methods the target supports
        headers = {"Allow": ", ".join(sorted(allowed))}
        return PlainTextResponse("405 Method Not Allowed\n", status_code=405, headers=headers)
    return PlainTextResponse("404 Not Found: no documented operation here\n", status_code=404)


def _openapi(request: Request, sims: list[Simulator], path: str) -> Response | None:
    """The OpenAPI document asked for at `path`, or None when `path` asks for none."""
    if path == OPENAPI_PATH:
        if len(sims) != 1:
            names = ", ".join(f"/openapi/{s.service.name}.json" for s in sims)
            return PlainTextResponse(f"404 Not Found: several services, see {names}\n", 404)
        sim = sims[0]
    else:
        name = path.removeprefix("/openapi/").removesuffix(".json")
        if f"/openapi/{name}.json" != path:
            return None
        found = [s for s in sims if s.service.name == name]
        if not found:
            return None
        sim = found[0]
    document = dict(sim.openapi())
    url = f"{request.url.scheme}://{request.headers.get('host', 'localhost')}"
    here = {"url": url, "description": "this callgen simulator"}
    document["servers"] = [here, *document["servers"]]
    content = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return Response(content, media_type="application/json")


def _schedule_push(app: Starlette, sim: Simulator, url: str, body: Any) -> None:
    task = asyncio.get_running_loop().create_task(_push(sim, url, body))
    app.state.push_tasks.add(task)
    task.add_done_callback(app.state.push_tasks.discard)


async def _push(sim: Simulator, url: str, body: Any) -> None:
    entry: dict[str, Any] = {"url": url}
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        async with httpx.AsyncClient(timeout=5.0, trust_env=False) as client:
            response = await client.post(
                url, content=content, headers={"Content-Type": "application/json"}
            )
        entry["status"] = response.status_code
    except httpx.HTTPError as exc:
        entry["error"] = type(exc).__name__
    with sim.lock:
        sim.push_log.append(entry)


async def wait_for_pushes(app: Starlette, timeout: float = 5.0) -> None:
    """Wait until every push scheduled so far has been sent (or failed)."""
    tasks = list(app.state.push_tasks)
    if tasks:
        await asyncio.wait(tasks, timeout=timeout)
