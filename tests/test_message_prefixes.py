"""A diagnostic built from another one's message says each thing once: "'x.yaml' cannot
be read: cannot be read: No such file or directory" (a DefinitionUri, an OpenAPI file
the template names), "attach_policy p.json cannot be read (cannot be read: ...)" (Zappa)
and "Chalice app app.py: app.py does not parse as Python: '(' was never closed (app.py,
line 2)" were built so. Fixtures: tests/fixtures/message_prefixes,
tests/fixtures/chalice/broken, tests/fixtures/zappa/django_broken."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.loaders.documents import InputError
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HERE = FIXTURES / "message_prefixes"


def _messages(folder: Path) -> list[tuple[str, int, str]]:
    return sorted((d.file, d.line or 0, d.message)
                  for d in scan(str(folder), Options()).diagnostics
                  if "Zappa manages the role" not in d.message)


def test_a_missing_openapi_definition_is_said_to_be_unreadable_once() -> None:
    assert _messages(HERE / "sam_specs") == [
        ("template.yaml", 9, "'specs/missing.yaml' cannot be read: No such file or directory"),
        ("template.yaml", 14, "'specs/broken.yaml' cannot be read (line 3): invalid "
         "YAML/JSON: did not find expected node content")]  # as before


def test_a_missing_zappa_policy_file_is_said_to_be_unreadable_once() -> None:
    assert _messages(HERE / "zappa_policy") == [
        ("zappa_settings.json", 6, "attach_policy policies/missing.json cannot be read (No "
         "such file or directory); its permissions are not known")]


def test_a_chalice_app_is_named_once() -> None:
    assert _messages(FIXTURES / "chalice" / "broken")[0] == (
        ".chalice/config.json", 0, "Chalice app app.py does not parse as Python: '(' was "
        "never closed (line 2)")
    assert _messages(HERE / "chalice_bytes")[0] == (  # as before
        ".chalice/config.json", 0, "Chalice app app.py: not valid UTF-8 (byte 38); skipped")


def test_the_reason_drops_what_the_caller_says() -> None:
    assert InputError("cannot be read: permission denied").reason == "permission denied"
    assert InputError("is a directory, not a file").reason == "is a directory, not a file"


def test_a_django_module_that_does_not_parse_is_named_once() -> None:
    """A module a Django settings file star-imports, named by the settings' problem: its
    syntax error's own text named the file and line again."""
    messages = [m for _f, _l, m in _messages(FIXTURES / "zappa" / "django_broken")
                if "bad_urls.py does not parse" in m]
    assert messages and all(m.count("bad_urls.py") == 1 for m in messages), messages
