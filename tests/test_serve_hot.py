"""The routing endpoints' hot way in past Starlette's router changes nothing.

It exists for speed only (``serve/app.py``: ``_HotRoutes``), so what is tested here is that
every request answered the hot way gets the very answer the router's way gives.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from beredskab.serve import create_app
from beredskab.serve.app import _HotRoutes
from conftest import PLANS, SLUGS

AT = "2026-11-23T10:00:00+01:00"
RID = {"x-request-id": "hot-test-1"}


def _requests() -> list[tuple[str, str, bytes, dict[str, str]]]:
    """(method, path, body, headers): the routing endpoints' answers of every kind, and a few others."""
    concern = json.dumps({"acute": False, "age": 16, "received_at": AT}).encode()
    json_type = {"content-type": "application/json", **RID}
    out: list[tuple[str, str, bytes, dict[str, str]]] = []
    for prefix in ("/v1", ""):
        for slug in (*SLUGS, "koge"):
            out.append(("POST", f"{prefix}/plans/{slug}/route", concern, json_type))
            out.append(("POST", f"{prefix}/plans/{slug}/route?lang=en", concern, json_type))
            batch = b'{"concerns": [' + concern + b', {"acute": 1}, 7]}'
            out.append(("POST", f"{prefix}/plans/{slug}/route:batch?lang=da", batch, json_type))
        path = f"{prefix}/plans/koege/route"
        for body in (
            b"{",
            b'{"acute": false, "acute": true, "received_at": "' + AT.encode() + b'"}',
            b'{"acute": false, "age": 1234567890123456789, "received_at": "' + AT.encode() + b'"}',
            b"[" * 20 + b"]" * 20,
            b"\xef\xbb\xbf" + concern,
            b"\xff",
            b"",
            b'{"acute": false, "received_at": "' + AT.encode() + b'", "name": ": x"}',
        ):
            out.append(("POST", path, body, json_type))
            out.append(("POST", path + "?lang=xx", body, json_type))
        out.append(("POST", path, concern, {"content-type": "text/plain", **RID}))
        out.append(("POST", path, concern, {"content-type": "application/json", "content-length": "999999", **RID}))
        out.append(("GET", path, b"", RID))
        out.append(("POST", f"{prefix}/admin/reload", b"{}", json_type))
        out.append(("POST", f"{prefix}/plans/koege/route/", concern, json_type))
    return out


@pytest.fixture(scope="module", params=[(), ("https://app.example",)], ids=["plain", "cors"])
def apps(request: pytest.FixtureRequest) -> Iterator[tuple[Starlette, Starlette]]:
    # the same service twice: one answering the hot way, one with the hot way closed (every
    # request through the router), so any difference between the two ways shows
    origins: tuple[str, ...] = request.param
    yield create_app([str(PLANS)], cors_origins=origins), create_app([str(PLANS)], cors_origins=origins)


def _answers(app: Starlette) -> list[tuple[Any, ...]]:
    async def ask() -> list[tuple[Any, ...]]:
        out = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            for method, path, body, headers in _requests():
                sent = {**headers, "origin": "https://app.example"}
                r = await client.request(method, path, content=body, headers=sent)
                out.append((r.status_code, r.headers.multi_items(), r.content))
        return out

    return asyncio.run(ask())


def test_the_hot_way_answers_as_the_router_does(
    apps: tuple[Starlette, Starlette], monkeypatch: pytest.MonkeyPatch
) -> None:
    hot_app, router_app = apps
    hot_answers = _answers(hot_app)
    taken: list[str] = []
    original = _HotRoutes.__call__

    def closed(self: _HotRoutes, scope: Any) -> None:
        if original(self, dict(scope)) is not None:
            taken.append(scope["path"])
        return None

    monkeypatch.setattr(_HotRoutes, "__call__", closed)
    router_answers = _answers(router_app)
    assert taken, "no request would have been answered the hot way"
    for request, hot, routed in zip(_requests(), hot_answers, router_answers, strict=True):
        assert hot == routed, request[:2]


def test_under_a_root_path_the_router_decides() -> None:
    from beredskab.serve import app as served

    app = create_app([str(PLANS)])
    answer = served._hot(served._route_answer, app.state.serving)
    hot = _HotRoutes(app.routes, {served.route: answer})
    scope = {"type": "http", "method": "POST", "path": "/v1/plans/koege/route", "app": app}
    assert hot(dict(scope)) is answer
    assert hot({**scope, "method": "GET"}) is None
    assert hot({**scope, "root_path": "/beredskab", "path": "/beredskab/v1/plans/koege/route"}) is None
