"""Express's `res.sendFile(path, {root})` and `res.download(path, [name], {root})` serve
only files under `root`: the path is joined to it and a `..` that would leave it is
refused. So a request-chosen path with a root the code fixes is no path traversal; a
path with no root, or a root the request chooses, still is (data/taint_js.json: the
sink's condition "unrooted"). The options are an object literal, or a name declared once
as one and only passed to calls."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "express_sendfile_root"


def _path_traversals(folder: str) -> list[tuple[int, str]]:
    result = scan(str(FIXTURES / folder))
    return sorted((f.location.line, f.message.split(":", 2)[1].split("(")[0].strip())
                  for f in result.findings if f.rule_id == "FG-INJ-005")


def test_a_path_without_a_root_or_with_the_requests_root_is_reported() -> None:
    assert _path_traversals("pos") == [
        (11, "path parameter 'name'"),  # joined by the code: no root option
        (15, "path parameter 'name'"),  # options without root
        (19, "path parameter 'name'"),  # root from the query: the path with it
        (19, "query string parameter 'dir'"),
        (23, "query string parameter 'dir'"),  # a fixed name under the request's root
        (27, "path parameter 'name'"),  # download(path, filename): no options
        (33, "path parameter 'name'"),  # options named, then given another value
        (39, "path parameter 'name'"),  # options named, their root changed
        (44, "path parameter 'name'"),  # options named, with the request's root
        (44, "query string parameter 'dir'"),
    ]


def test_a_path_confined_to_a_fixed_root_is_not() -> None:
    assert _path_traversals("neg") == []
