"""/api/entries answered before FastAPI's routing (api/shortroutes.py): the same answers as the route through
FastAPI, and every request the short path does not take answered by FastAPI as before."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import Depends, Query
from fastapi.testclient import TestClient

from exportgraph.api.shortroutes import ShortRoute

# A parameter the route does not declare: FastAPI ignores it, the short path declines the request.
ASIDE = "via=fastapi"

SAME = [
    "code=3B001", "code=3b001", "code=3B001.a", "code=0A501", "code=ML1", "code=1C010",
    "code=3B001&list=eu/list/annex-i", "code=3B001&format=csv", "code=3B001&limit=2&offset=1",
    "code=3B001&limit=%201", "code=3B001&limit=1_0", "code=3B001&offset=0010", "code=3B001&list=",
    "code=%E9%95%93",  # 镓: no such code (404)
    "code=9Z999", "code=%3Cscript%3E", "code=", "code=3B001&list=eu/list/none", "code=3B001&list=../x",
]


def _short(client: TestClient) -> Any:
    return client.app.state.short_routes  # type: ignore[attr-defined]


def _get(client: TestClient, query: str) -> tuple[Any, int]:
    before = _short(client).answered if hasattr(client.app.state, "short_routes") else 0  # type: ignore[attr-defined]
    answer = client.get(f"/api/entries?{query}")
    return answer, _short(client).answered - before


@pytest.mark.parametrize("query", SAME)
def test_short_path_answers_as_fastapi(client: TestClient, query: str) -> None:
    short, taken = _get(client, query)
    full, taken_full = _get(client, f"{query}&{ASIDE}")
    assert (taken, taken_full) == (1, 0)
    assert short.status_code == full.status_code
    assert short.content == full.content
    assert {k: v for k, v in short.headers.items() if k != "date"} == {
        k: v for k, v in full.headers.items() if k != "date"}


@pytest.mark.parametrize(("query", "status", "says"), [
    ("", 400, "code: Field required"), ("code=3B001&limit=0", 400, "limit"),
    ("code=3B001&limit=1001", 400, "limit"), ("code=3B001&format=xml", 400, "format"),
    ("code=3B001&offset=-1", 400, "offset"), ("code=3B001&limit=ten", 400, "limit"),
])
def test_invalid_parameters_are_fastapis_to_answer(client: TestClient, query: str, status: int, says: str) -> None:
    answer, taken = _get(client, query)
    assert taken == 0
    assert answer.status_code == status
    assert answer.json()["error"] == "BadRequest" and says in answer.json()["detail"]


def test_repeated_parameter_goes_to_fastapi(client: TestClient) -> None:
    answer, taken = _get(client, "code=9Z999&code=3B001")
    assert taken == 0
    assert answer.status_code == 200  # FastAPI takes the last value
    assert {e["code"] for e in answer.json()["items"]} >= {"3B001"}


def test_head_and_post(client: TestClient) -> None:
    head = client.head("/api/entries?code=3B001")
    get, _ = _get(client, "code=3B001")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    before = _short(client).answered
    assert client.post("/api/entries?code=3B001").status_code == 405
    assert _short(client).answered == before


def test_an_unexpected_error_is_a_500_without_its_traceback(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from exportgraph.api.routes import items

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(items, "lookup_report", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer, taken = _get(client, "code=3B001")
    assert taken == 1
    assert answer.status_code == 500
    assert answer.json() == {"error": "InternalError", "detail": "internal error (logged on the server)"}
    assert "secret" not in answer.text


def _other() -> int:
    return 1


def _with_dependency(n: Annotated[int, Depends(_other)], q: Annotated[str, Query()] = "") -> Any:
    return None


def _small(code: Annotated[str, Query()], limit: Annotated[int, Query(ge=1, le=5)] = 1) -> Any:
    return None


def test_a_route_with_another_dependency_is_refused() -> None:
    with pytest.raises(TypeError, match="dependency 'n'"):
        ShortRoute(_with_dependency)


def test_arguments_follow_the_routes_types() -> None:
    short = ShortRoute(_small)
    assert short.arguments(b"code=a&limit=5") == {"code": "a", "limit": 5}
    assert short.arguments(b"code=a") == {"code": "a"}
    for declined in (b"", b"limit=2", b"code=a&limit=6", b"code=a&limit=x", b"code=a&code=b", b"code=a&other=1"):
        assert short.arguments(declined) is None, declined
