"""The REST endpoints on the real data: JSON, CSV, pagination, as_of, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

ENDPOINTS = [
    "/api/health", "/api/stats", "/api/jurisdictions", "/api/regimes", "/api/memberships?as_of=2023-12-31",
    "/api/instruments?jurisdiction=cn", "/api/agencies?role=licensing", "/api/time-limits?as_of=2026-11-29",
    "/api/procedures", "/api/licence-types?jurisdiction=eu", "/api/measures?jurisdiction=us", "/api/cases",
    "/api/cases/case/cn-gallium-germanium/timeline", "/api/recommendations", "/api/search?q=gallium",
    "/api/search?q=%E9%95%93", "/api/resource/cn/agency/mofcom", "/api/dimensions",
    "/api/compare?jurisdictions=cn,eu&as_of=2023-12-31", "/api/convergence", "/api/divergence",
    "/api/regime-overlap", "/api/list-coverage?list=eu/list/annex-i/2025-11-15&other=us/list/ccl/2026-07-23",
    "/api/multilateral-baseline?edition=eu/list/annex-i/2025-11-15", "/api/lists", "/api/entries?code=3B001",
    "/api/entries/search?q=lithography", "/api/crosswalk?entry=eu/list/annex-i/2025-11-15/3B001",
    "/api/customs/811292", "/api/diff?scope=cn&before=2023-07-15&after=2023-08-15",
    "/api/in-force?scope=cn&as_of=2025-06-01", "/api/parties?name=huawei",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoint_answers(client, url: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    assert body
    if "items" in body:
        assert body["total"] >= 1 and body["items"]


@pytest.mark.parametrize("url", ["/api/entries?code=3B001", "/api/search?q=%E9%95%93", "/api/stats",
                                 "/api/cases/case/cn-gallium-germanium/timeline", "/api/lists"])
def test_json_answers_are_the_text_json_dumps_writes(client, url: str) -> None:  # type: ignore[no-untyped-def]
    # Written by orjson (respond.py JSONAnswer), paged or returned as a dict: the text Starlette's JSONResponse
    # writes, character for character (Chinese unescaped).
    response = client.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.content == json.dumps(response.json(), ensure_ascii=False, allow_nan=False,
                                          separators=(",", ":")).encode("utf-8")


def test_json_answer_falls_back_to_json_dumps() -> None:
    from fastapi.responses import JSONResponse

    from exportgraph.api.respond import JSONAnswer
    for content in ({1: "integer key"}, [2 ** 70], {"text": "镓 <&>\u2028"}):  # orjson refuses the first two
        assert JSONAnswer(content).body == JSONResponse(content).body


def test_csv_and_pagination(client) -> None:  # type: ignore[no-untyped-def]
    full = client.get("/api/agencies").json()
    page2 = client.get("/api/agencies?limit=5&offset=5").json()
    assert page2["items"] == full["items"][5:10] and page2["total"] == full["total"]
    text = client.get("/api/agencies?format=csv&limit=5").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5 and rows[0]["id"] == full["items"][0]["id"]


def test_as_of_changes_the_answer(client) -> None:  # type: ignore[no-untyped-def]
    then = client.get("/api/time-limits?jurisdiction=cn&as_of=2023-12-31").json()["items"]
    now = client.get("/api/time-limits?jurisdiction=cn&as_of=2026-11-29").json()["items"]
    assert any(t["legal_basis"] == "cn/regulation/dual-use-items-2024/art-17" for t in now)
    assert not any(t["legal_basis"] == "cn/regulation/dual-use-items-2024/art-17" for t in then)


BAD = [
    ("/api/memberships?as_of=2023-02-30", 400, "as_of"),
    ("/api/entries?code=9Z999", 404, "no entry"),
    ("/api/entries?code=<script>", 400, "malformed"),
    ("/api/customs/81x", 400, "malformed customs code"),
    ("/api/customs/99999999", 404, "no HS or CN code"),
    ("/api/diff?scope=cn&before=2001-01-01&after=2002-01-01", 400, "before the first edition"),
    ("/api/diff?scope=cn/list/nope&before=2024-01-01&after=2025-01-01", 404, "unknown list"),
    ("/api/resource/no/such/thing", 404, "no resource"),
    ("/api/compare?jurisdictions=cn", 400, "at least two"),
    ("/api/agencies?limit=0", 400, "limit"),
    ("/api/agencies?format=xml", 400, "format"),
]


@pytest.mark.parametrize(("url", "status", "message"), BAD)
def test_bad_input_gets_a_clear_4xx(client, url: str, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]
    assert "Traceback" not in response.text and "/work/" not in response.text


def test_openapi_examples_work(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").json()
    checked = 0
    for path, ops in spec["paths"].items():
        op = ops.get("get")
        if not op or not path.startswith("/api/"):
            continue
        params: dict[str, str] = {}
        url = path
        for p in op.get("parameters", []):
            example = (p.get("schema", {}).get("examples") or [None])[0]
            if p["in"] == "path":
                url = url.replace("{" + p["name"] + "}", str(example or "cn"))
            elif example is not None:
                params[p["name"]] = str(example)
        if "{" in url:
            continue
        response = client.get(url, params=params)
        assert response.status_code == 200, (url, params, response.text[:200])
        checked += 1
    assert checked >= 20
