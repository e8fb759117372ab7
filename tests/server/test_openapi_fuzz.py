"""schemathesis against HQ's OpenAPI schema: no generated request, signed or not, gets a 500."""

from __future__ import annotations

import json
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, settings

from server.app import create_app
from sync import signing, wire
from sync.config import load_config
from tests.hqkit import HQServer

schema = schemathesis.openapi.from_dict(create_app(None).openapi())  # type: ignore[arg-type]


def _send(hq: HQServer, case: Any, device: tuple[str, str] | None) -> requests.Response:
    kwargs = case.as_transport_kwargs(base_url=hq.base_url)
    body = b""
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if isinstance(v, str)}
    if kwargs.get("json") is not None:
        body = json.dumps(kwargs["json"]).encode()
        headers["Content-Type"] = "application/json"
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        body = data if isinstance(data, bytes) else str(data).encode()
    prepared = requests.Request(
        kwargs["method"],
        kwargs["url"],
        params=kwargs.get("params"),
        data=body or None,
        headers=headers,
    ).prepare()
    if device is not None:
        prepared.headers.update(
            signing.sign_request(
                device[0], device[1], prepared.method or "GET", prepared.path_url, body
            )
        )
    with requests.Session() as session:
        return session.send(prepared, timeout=30)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any, hq: HQServer, make_counter) -> None:
    counter = _counter(hq, make_counter)
    config = load_config(counter.data_dir)
    assert config is not None
    for device in (None, (config.device_id, config.secret)):
        resp = _send(hq, case, device)
        assert resp.status_code < 500, (case.method, case.path, resp.status_code, resp.text)
    if case.path == wire.HEALTH_PATH and case.method == "GET":
        assert resp.status_code == 200


_COUNTERS: dict[str, Any] = {}


def _counter(hq: HQServer, make_counter) -> Any:
    """One enrolled counter per HQ (hypothesis runs many examples per test call)."""
    key = hq.url
    if key not in _COUNTERS:
        _COUNTERS.clear()
        _COUNTERS[key] = make_counter("S001")
    return _COUNTERS[key]
