"""WebSocket sources of Starlette and FastAPI apps behind Mangum: a websocket endpoint
(`@app.websocket(...)`, Starlette's `WebSocketRoute`, a `WebSocketEndpoint`'s
`on_receive`) reads client messages through `receive_text()`, `receive_bytes()`,
`receive_json()`, `receive()` and `iter_text()` / `iter_json()`; those are sources. Its
messages arrive through an API Gateway WebSocket API's routes only: the endpoint of a
function with HTTP triggers alone is code no event of the function reaches (fixtures
taint_frameworks/websocket_vulnerable and websocket_safe)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline_support import expected_marks, run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "taint_frameworks"
PROJECT = FIXTURES / "websocket_vulnerable"


def _injections(folder: Path, capsys: Any) -> list[dict[str, Any]]:
    code, out, err = run_cli(capsys, "scan", str(folder), "--format", "json")
    assert code in (0, 1), err
    return [f for f in json.loads(out)["findings"] if f["rule_id"].startswith("FG-INJ-")]


def _at(findings: list[dict[str, Any]], file: str, text: str) -> list[dict[str, Any]]:
    lines = (PROJECT / file).read_text().splitlines()
    line = next(n for n, content in enumerate(lines, 1) if text in content)
    return [f for f in findings if (f["location"]["file"], f["location"]["line"]) == (file, line)]


def test_messages_of_a_websocket_served_by_the_function_are_sources(capsys: Any) -> None:
    found = _injections(PROJECT, capsys)
    assert {(f["location"]["file"], f["location"]["line"], f["rule_id"]) for f in found} == \
        expected_marks(PROJECT)
    command = [f for f in _at(found, "chat.py", "notify-room")
               if "WebSocket message" in f["message"]]
    assert len(command) == 1
    assert "WebSocket message (WebSocket.receive_text())" in command[0]["message"]
    assert (command[0]["severity"], command[0]["confidence"]) == ("critical", "high")
    # related: the WebSocket API's routes of the function ($connect has no authoriser)
    assert [r["message"] for r in command[0]["related"]][:2] == [
        "$connect $connect (no authoriser)", "$default $default (no authoriser)"]
    [sql] = _at(found, "chat.py", "INSERT INTO log")
    assert "WebSocket JSON message (WebSocket.iter_json()[*]['text'])" in sql["message"]
    [upload] = _at(found, "chat.py", "/srv/uploads/")
    assert "WebSocket message (WebSocket.receive_bytes())" in upload["message"]
    [tail] = _at(found, "feeds/app.py", "tail -n 20")
    assert "WebSocket message (WebSocket.receive()['text'])" in tail["message"]
    [job] = _at(found, "feeds/app.py", "run-job")  # WebSocketEndpoint.on_receive's data
    assert "WebSocket message (data)" in job["message"]
    assert "function 'feed'" in job["message"]
    [echo] = _at(found, "chat.py", 'os.popen("echo "')  # Starlette's @app.websocket_route
    assert "function 'chat'" in echo["message"]
    [grep] = _at(found, "feeds/app.py", '"grep -r "')  # app.add_websocket_route(...)
    assert "WebSocket message (WebSocket.iter_text()[*])" in grep["message"]


def test_a_websocket_endpoint_of_an_http_only_function_is_not_its_entry(capsys: Any) -> None:
    """site and board serve HTTP only (an httpApi route): an HTTP request's scope never
    matches their apps' websocket endpoints, so their flows are reported as code no
    handler reaches: one level lower, low confidence, no trigger named."""
    found = _injections(PROJECT, capsys)
    [console] = _at(found, "site.py", "subprocess.run(line")
    assert (console["severity"], console["confidence"]) == ("high", "low")
    assert "not reached from any handler" in console["message"]
    assert console["related"] == []
    # board: a Starlette app's WebSocketRoute beside its HTTP Route, served to httpApi
    [note] = _at(found, "board.py", "/srv/board.txt")
    assert (note["severity"], note["confidence"]) == ("high", "low")
    assert "not reached from any handler" in note["message"]


def test_the_safe_twin_reports_nothing(capsys: Any) -> None:
    assert _injections(FIXTURES / "websocket_safe", capsys) == []
