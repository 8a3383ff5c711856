"""An API's Lambda authoriser is linked to the app's function implementing it
(`Authorizer.function`, resolved by `model.link_authorizers` once every file is loaded),
in every format that declares one; the function then counts as serving HTTP requests for
the code facts (FG-DATA-011: an authoriser printing its whole event logs the caller's
token), Python and Node.js alike. An ARN naming no function of the app (another
account's authoriser) stays unlinked, with no diagnostic. Fixtures under
tests/fixtures/authorizer_link_<format>/{pos,neg}: pos authorisers print their event,
neg ones log an identifier only."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.findings import Finding
from faasguard.model import App
from faasguard.scan import discover_paths, load_app, scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: format -> the authoriser lines printing their whole event in its pos fixture
LOGGED = {
    "cloudformation": ["src/request_auth.mjs:4", "src/token_auth.py:7"],
    "sam": ["src/doc_auth.py:7", "src/request_auth.py:6", "src/token_auth.mjs:2"],
    "serverless": ["src/arn_auth.py:9", "src/http_auth.py:6", "src/request_auth.mjs:2",
                   "src/token_auth.py:9", "src/ws_auth.mjs:2"],
    "terraform": ["src/request_auth.mjs:4", "src/token_auth.py:7"],
}

#: format -> (route method and path -> the id of the authoriser's function, None for
#: another account's) in its fixtures
LINKS: dict[str, dict[str, str | None]] = {
    "cloudformation": {"GET /orders": "template.yaml#TokenAuthFunction",
                       "GET /legacy": None,
                       "GET /reports": "template.yaml#RequestAuthFunction"},
    "sam": {"GET /orders": "template.yaml#TokenAuthFunction",
            "POST /orders": "template.yaml#RequestAuthFunction",
            "GET /shared": None,
            "GET /documents": "template.yaml#DocAuthFunction"},
    "serverless": {"GET /orders": "serverless.yml#tokenAuth",
                   "POST /orders": "serverless.yml#requestAuth",
                   "GET /archive": "serverless.yml#arnAuth",
                   "GET /shared": None,
                   "GET /reports": "serverless.yml#httpAuth",
                   "$connect $connect": "serverless.yml#wsAuth"},
    "terraform": {"GET /orders": "main.tf#aws_lambda_function.token_auth",
                  "GET /reports": "main.tf#aws_lambda_function.request_auth",
                  "GET /legacy": None},
    "chalice": {"POST /admin": ".chalice/config.json#token_auth"},
}

#: the account of the other account's authoriser each fixture names
OTHER_ACCOUNT = "999999999999"


def _load(folder: Path) -> App:
    base, found = discover_paths([str(folder)])
    return load_app(base, found.templates, None, 1)


def _findings(folder: Path) -> list[Finding]:
    return [f for f in scan(str(folder)).findings if not f.suppressed]


def _logged(found: list[Finding]) -> list[str]:
    return sorted(f"{f.location.file}:{f.location.line}" for f in found
                  if f.rule_id == "FG-DATA-011")


@pytest.mark.parametrize("fmt", sorted(LOGGED))
def test_an_authoriser_printing_its_whole_event_logs_the_token(fmt: str) -> None:
    assert _logged(_findings(FIXTURES / f"authorizer_link_{fmt}" / "pos")) == LOGGED[fmt]


@pytest.mark.parametrize("fmt", sorted(LOGGED))
def test_an_authoriser_logging_an_identifier_only(fmt: str) -> None:
    assert _logged(_findings(FIXTURES / f"authorizer_link_{fmt}" / "neg")) == []


@pytest.mark.parametrize("fmt", sorted(LOGGED))
def test_the_link_gives_the_authoriser_nothing_else(fmt: str) -> None:
    """No other finding differs between the twins: an authoriser's function is no route
    (no FG-AUTH, FG-WALLET finding of its own, not in the endpoints)."""
    def others(folder: str) -> list[tuple[str, str]]:
        return sorted((f.rule_id, f.message) for f in _findings(
            FIXTURES / f"authorizer_link_{fmt}" / folder) if f.rule_id != "FG-DATA-011")

    assert others("pos") == others("neg")


@pytest.mark.parametrize("fmt", sorted(LINKS))
@pytest.mark.parametrize("folder", ["pos", "neg"])
def test_each_route_names_its_authorisers_function(fmt: str, folder: str) -> None:
    app = _load(FIXTURES / f"authorizer_link_{fmt}" / folder)
    links = {f"{r.method} {r.path}": r.authorizer.function
             for r in app.routes if r.authorizer is not None}
    assert links == LINKS[fmt]
    assert app.authorizer_functions() == {f for f in LINKS[fmt].values() if f}
    assert not [d for d in app.diagnostics if OTHER_ACCOUNT in d.message]


def test_a_chalice_authoriser_gets_an_auth_request_not_the_event() -> None:
    """Linked, but Chalice hands the function an AuthRequest: printing it logs its repr,
    not the token (a field of it written to the log still is one)."""
    folder = FIXTURES / "authorizer_link_chalice"
    assert _logged(_findings(folder / "pos")) == ["app.py:10"]
    assert _logged(_findings(folder / "neg")) == []


def test_a_zappa_authoriser_is_the_stages_own_function() -> None:
    """Zappa's handler hands an authoriser's event to the `authorizer.function` of the
    stage's settings: API Gateway calls the stage's function; an `arn` of another
    account's function stays unlinked."""
    app = _load(FIXTURES / "authorizer_link_zappa")
    defaults = {api.id: api.default_authorizer.function for api in app.apis.values()
                if api.default_authorizer is not None}
    assert defaults == {"zappa_settings.json#prod:api": "zappa_settings.json#prod",
                        "zappa_settings.json#partner:api": None}
    assert app.authorizer_functions() == {"zappa_settings.json#prod"}


def test_a_zappa_authoriser_printing_its_whole_event_logs_the_token() -> None:
    """The link names the stage's function, whose handler file is the WSGI app's; the
    code facts take the module of `authorizer.function` (auth.py) as the authoriser's
    (tests/test_zappa_authorizer_module.py)."""
    assert _logged(_findings(FIXTURES / "authorizer_link_zappa")) == ["auth.py:5"]
