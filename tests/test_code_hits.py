"""The text prefilter of the code facts (analysis.code_hits): it only spares walks, the
facts stay those of the whole walk."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

import pytest

from faasguard.analysis import code_hits
from faasguard.analysis.code_facts import HttpEntry, facts_of_tree
from faasguard.analysis.code_hits import HitFinder
from faasguard.loaders.documents import InputError, read_python

REPO = Path(__file__).resolve().parents[1]
FINDER = HitFinder({"password", "pass", "verify"}, {("api", "key")}, {"AKIA", "://"})


def chosen(source: str) -> list[int] | None:
    """The first lines of the statements the finder keeps (None: the whole tree)."""
    text = dedent(source)
    found = FINDER.statements(ast.parse(text), text)
    return None if found is None else [stmt.lineno for stmt in found]


def test_a_file_without_a_signature_keeps_no_statement() -> None:
    assert chosen('''
        import json

        def handler(event, context):
            return json.dumps(event)
    ''') == []


def test_only_the_statements_holding_a_hit_are_kept() -> None:
    assert chosen('''
        import os
        DB_PASSWORD = "x"
        URL = "http://example.net"
        apiKey = 3

        def handler(event, context):
            requests.get(URL, verify=False)
            return 1
        LAST = AKIA = 1
    ''') == [3, 4, 5, 7, 10]


def test_decorators_and_multi_line_statements_count_as_their_statement() -> None:
    assert chosen('''
        @app.route("http://x")
        def view():
            return 1

        CONFIG = {
            "name": 1,
            "api_key": 2,
        }
        OTHER = 1
    ''') == [3, 6]


@pytest.mark.parametrize("source", [
    'X = "\\x41KIA"\n',                # an escape: the value is not the text
    'pässword = "x"\n',               # non-ASCII identifiers are normalised
    'X = ("tok"  # comment\n     "en")\n',   # literals joined across a comment
    'X = "pa" f"ss"\n',               # joined before a prefixed literal
    'X = "pa" "ssword"\nY = "password"\n',   # a word found only in joined literals
])
def test_text_that_may_not_show_the_tree_means_the_whole_tree(source: str) -> None:
    assert FINDER.statements(ast.parse(source), source) is None


def test_joined_literals_still_find_the_fact() -> None:
    source = 'x = 1\nsettings = {"db_pass" "word": "hunter2-prod"}\n'
    tree = ast.parse(source)
    assert [f.key for f in facts_of_tree("a.py", tree, None, source).facts] == \
        ["db_password:name"]


def test_the_facts_are_those_of_the_whole_walk_on_every_fixture() -> None:
    files = sorted({*REPO.glob("tests/fixtures/**/*.py"), *REPO.glob("examples/**/*.py"),
                    *REPO.glob("src/faasguard/analysis/*.py")})
    assert len(files) > 100
    compared = with_facts = 0
    for path in files:
        try:  # decoded as the scan decodes it (a coding line's encoding)
            source = read_python(str(path))
            tree = ast.parse(source)
        except (InputError, SyntaxError):
            continue
        handlers = frozenset(node.name for node in tree.body
                             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))
        for http in (None, HttpEntry(handlers, True)):
            whole = facts_of_tree(path.name, tree, http).facts
            assert facts_of_tree(path.name, tree, http, source).facts == whole, path
            compared += 1
            with_facts += bool(whole)
    assert compared > 200 and with_facts > 20


def test_banner_comments_after_a_string_are_searched_in_linear_time() -> None:
    # each `#` of a banner could end the comment: a search trying every split of the
    # line would not finish (2**200 ways), so the test would hang, not fail
    source = 'X = "a"  ' + "#" * 200 + "\n" + ("#" * 200 + "\n") * 20 + "Y = 1\n"
    assert FINDER.statements(ast.parse(source), source) == []


@pytest.mark.parametrize("source", [
    "X = ('tok'  # comment\n     'en')\n",  # single quotes, across a comment
    "X = 'pa' rf'ss'\n",                    # single quotes, before a two-letter prefix
    "X = ('a'\n  # one\n  # two\n  f\"b\")\n",  # mixed quotes, across two comments
])
def test_literals_joined_with_either_quote_mean_the_whole_tree(source: str) -> None:
    assert FINDER.statements(ast.parse(source), source) is None


def test_grouped_needles_find_what_a_search_per_needle_finds() -> None:
    needles = ("gho_", "ghp_", "ghu_", "github_pat_", "tlsallowinvalid", "tlsinsecure",
               "tlsx", "cvc", "cvv", "://", "pass", "password", "xyxyz", "xyzq", "xyw")
    groups = code_hits._grouped(tuple(sorted(needles)))
    shared = [(guard, members) for guard, members, _ in groups]
    # a group shares a prefix; two-letter prefixes only for three needles or more
    assert ("gh", ("gho_", "ghp_", "ghu_")) in shared
    assert ("tls", ("tlsallowinvalid", "tlsinsecure", "tlsx")) in shared
    assert ("cvc", ("cvc",)) in shared and ("cvv", ("cvv",)) in shared
    # one pattern for a group, unless a needle begins another (`pass`, `password`)
    patterns = {guard: pattern for guard, _, pattern in groups}
    assert patterns["gh"] is not None and patterns["cvc"] is None
    assert patterns["pas"] is None
    texts = [path.read_text(encoding="utf-8").lower()
             for path in sorted(REPO.glob("src/faasguard/analysis/*.py"))]
    texts += ["gh only", "ghp_ and ghu_", "tls", "tlsx", "x://y", "a cvv", "passwords",
              "xyxyzq", "xyxyw", "xyzq xyxyz"]  # a match begun inside another's
    for text in texts:
        assert sorted(code_hits._found(groups, text)) == sorted(n for n in needles if n in text)


def test_environ_read_whole_is_found_by_one_pattern() -> None:
    from faasguard.analysis.code_facts import _SIGNATURES

    groups = [group for group in _SIGNATURES._anchors if group[0] == "environ"]
    assert len(groups) == 1 and groups[0][2] is not None and len(groups[0][1]) > 20
    text = "x=os.environ.get(a);y=dict(os.environ);z=os.environ.items()"
    assert code_hits._found(tuple(groups), text) == ["environ)", "environ.items("]
