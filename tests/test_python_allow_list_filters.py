"""Python allow-list checks in a comprehension's filter and through getattr: the elements
`[job["cmd"] for job in jobs if job["cmd"] in ALLOWED]` produces are checked (so are a
set comprehension's and a generator's), and `getattr(body, "cmd")` is the path
`body['cmd']`, read clean after a check of it and cleared by a check of it. What the
check does not prove stays input: an element whose other field was checked, an element
object whose field was checked (its later reads are not followed), a path read after the
comprehension that checked it, getattr of a field not checked or of a name, a getattr
default from input. Fixtures tests/fixtures/python_allow_list_filters."""

from __future__ import annotations

from pathlib import Path

from test_python_allow_list_paths import _command_injections

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "python_allow_list_filters"


def test_what_a_filter_or_getattr_check_does_not_prove_stays_input() -> None:
    assert _command_injections(FIXTURES / "pos") == [
        (13, "event['body']['jobs'][*]['cmd'][*]"),  # another field was checked
        (15, "event['body']['jobs'][*]['mode']"),
        (17, "event['body']['jobs'][*][*]['cmd']"),  # the element object
        (19, "event['body']['cmd']"),  # read after the comprehension
        (22, "event['body']"),  # getattr of a field not checked
        (23, "event['headers']['x-cmd']"),  # the default (the field itself was checked)
        (25, "event['body']"),  # getattr of a name
        (25, "event['queryStringParameters']['field']"),
    ]


def test_filtered_and_getattr_checked_paths_stay_silent() -> None:
    assert _command_injections(FIXTURES / "neg") == []
