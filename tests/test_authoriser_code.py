"""analysis.authoriser_code: when a Lambda authoriser's handler allows without reading the
caller's credential (FG-AUTH-102; the rule's fixtures are tests/fixtures/rules/FG-AUTH-102)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.authoriser_code import open_allow
from faasguard.model import Function, Location

_ALLOW_PY = 'def handler(event, context):\n    return {"isAuthorized": True}\n'
_ALLOW_JS = 'export const handler = async event => ({ isAuthorized: true });\n'


def _open(tmp_path: Path, name: str, source: str) -> tuple[str, int] | None:
    (tmp_path / name).write_text(source)
    function = Function(id=f"t.yaml#{name}", name=name, format="sam",
                        location=Location("t.yaml", 1),
                        source_file=name, handler_name="handler")
    return open_allow(str(tmp_path), function)


@pytest.mark.parametrize(("name", "source"), [("gate.py", _ALLOW_PY), ("gate.mjs", _ALLOW_JS)])
def test_an_allow_reading_nothing_is_open(tmp_path: Path, name: str, source: str) -> None:
    assert _open(tmp_path, name, source) == (name, 2 if name.endswith(".py") else 1)


@pytest.mark.parametrize("source", [
    # the credential read, under each of its names
    'def handler(event, context):\n    ok = event["authorizationToken"] == "x"\n'
    '    return {"isAuthorized": True}\n',
    'def handler(event, context):\n    ok = event.get("identitySource")\n'
    '    return {"isAuthorized": True}\n',
    # Chalice hands the token in an AuthRequest
    "def handler(auth_request):\n    user = lookup(auth_request.token)\n"
    '    return {"isAuthorized": True}\n',
    # the event given to a function that may check it
    'def handler(event, context):\n    verify(event)\n    return {"isAuthorized": True}\n',
    'def handler(event, context):\n    check(**event)\n    return {"isAuthorized": True}\n',
    # no allow written in the file
    'def handler(event, context):\n    return policy_for("user")\n',
    # no handler of that name: nothing is known of it
    'def other(event, context):\n    return {"isAuthorized": True}\n',
])
def test_python_reading_or_handing_on_is_not_open(tmp_path: Path, source: str) -> None:
    assert _open(tmp_path, "gate.py", source) is None


@pytest.mark.parametrize("source", [
    "exports.handler = async (event) => {\n  await verify(event);\n"
    "  return { isAuthorized: true };\n};\n",
    "exports.handler = async (event) => ({ isAuthorized: event.headers.key === KEY });\n",
    "function handler(evt) {\n  return check(evt, 'Allow');\n}\nmodule.exports = { handler };\n",
])
def test_javascript_reading_or_handing_on_is_not_open(tmp_path: Path, source: str) -> None:
    assert _open(tmp_path, "gate.js", source) is None


_CHALICE = ("from chalice import AuthResponse, Chalice\n\napp = Chalice(app_name='a')\n\n\n"
            "@app.authorizer()\ndef handler(auth_request):\n{body}\n\n\n"
            "@app.route('/', authorizer=handler)\ndef index():\n"
            "    return {{'agent': app.current_request.headers.get('user-agent')}}\n")


@pytest.mark.parametrize("body", [
    "    return AuthResponse(routes=['*'], principal_id='user')",
    "    return AuthResponse(['*'], 'user')",  # positional, as Chalice's signature allows
])
def test_a_chalice_authoriser_allowing_every_route_unread_is_open(tmp_path: Path,
                                                                  body: str) -> None:
    """The file's route reads a header; the authoriser itself reads nothing."""
    assert _open(tmp_path, "app.py", _CHALICE.format(body=body)) == ("app.py", 8)


@pytest.mark.parametrize("body", [
    "    ok = auth_request.token == 'x'\n    return AuthResponse(routes=['*'] if ok else [], "
    "principal_id='user')",
    "    verify(auth_request)\n    return AuthResponse(routes=['*'], principal_id='user')",
    "    return AuthResponse(routes=['/orders/*'], principal_id='user')",  # not every route
    "    return AuthResponse(routes=[], principal_id='anonymous')",
])
def test_a_chalice_authoriser_reading_handing_on_or_limited_is_not_open(tmp_path: Path,
                                                                       body: str) -> None:
    assert _open(tmp_path, "app.py", _CHALICE.format(body=body)) is None


CHALICE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "authoriser_chalice"


@pytest.mark.parametrize("case", ["pos", "neg"])
def test_chalice_fixtures(case: str) -> None:
    from faasguard.scan import scan

    expected = [(path.name, number) for path in sorted((CHALICE_FIXTURES / case).glob("*.py"))
                for number, line in enumerate(path.read_text().splitlines(), 1)
                if "# expect: FG-AUTH-102" in line]
    found = [(f.location.file, f.location.line)
             for f in scan(str(CHALICE_FIXTURES / case)).findings if f.rule_id == "FG-AUTH-102"]
    assert found == expected
    assert bool(expected) == (case == "pos")
