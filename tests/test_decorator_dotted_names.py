"""A decorator argument naming a module attribute (`methods=config.METHODS`,
`bucket=config.BUCKET`) reads as `{"__name__": "config.METHODS"}` since Chalice's
`authorizer=auth.token_auth` needed it (bfcf8f1); where a literal is expected the value is
not known, as for a bare name not bound to a literal: a route's methods are GET (not the
mapping's text) and an S3 event's bucket is unknown. Fixtures
tests/fixtures/decorator_dotted_names chalice, flask (Zappa)."""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders import LoadContext, load_path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "decorator_dotted_names"


def test_chalice_methods_and_bucket_named_through_a_module_are_not_known() -> None:
    app = load_path(LoadContext(root=str(FIXTURES / "chalice"), file=".chalice/config.json"))
    assert [(r.method, r.path) for r in app.routes] == [("GET", "/items")]
    assert [t.source for f in app.functions.values() for t in f.triggers
            if t.kind == "s3"] == [None]


def test_flask_methods_named_through_a_module_are_not_known() -> None:
    app = load_path(LoadContext(root=str(FIXTURES / "flask"), file="zappa_settings.json"))
    assert [(r.method, r.path) for api in app.apis.values() for r in api.app_routes] == \
        [("GET", "/items")]
