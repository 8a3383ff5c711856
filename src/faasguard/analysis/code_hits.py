"""Where in a Python source a code fact can be: a text search that spares most of the walk.

Every code fact (analysis.code_facts) has a textual signature: a secret needs a telling
word in a name (`password`, `api_key`) or a known token format in a string (`AKIA`,
`eyJ`, `://`), disabled TLS checks name `verify`, `ssl`, `cert_reqs`..., and a logged
event needs `print` or a logger. A `HitFinder` looks for those signatures in the source
text (C-speed substring searches) and returns the top-level statements whose lines hold
one: the walk visits those only, and none in a file without any. It is only a
prefilter (it may hit where there is no fact); the AST still decides.

The text shows what the tree holds except where the parser rewrites it. Escapes
(`"\\x41KIA"`) and non-ASCII identifiers (normalised) make `statements` answer None:
walk the whole tree. Adjacent string literals are joined into one value (`"tok" "en"`):
the words are also looked for in the text without its quotes and white space, and a
word found only there (or literals joined across a comment or before a prefixed
literal, `"tok" f"en"`) means the whole tree too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

#: Beyond this many hits in a file, `statements` answers None: placing them costs more
#: than it spares.
MAX_HITS = 64
#: Literals the parser joins across a comment, or before a prefixed literal. A comment
#: runs to its line's end (a `\n` after `[^\n]*`): matched one way only, so a line of
#: `#####` cannot make the search try every way of splitting it. One pattern per closing
#: quote: a pattern that starts with one known character is searched for that character
#: first (in C), one that starts with a choice of two tries the pattern at every position.
#: The look-ahead fails a quote followed by anything else (`,`, `)`) before the repeat.
_ODD_JOINS = tuple(re.compile(quote + r"""\s*(?=[#rRbBuUfF])(?:(?:#[^\n]*\n\s*)+"""
                              r"""[rRbBuUfF]{0,2}|[rRbBuUfF]{1,2})['"]""")
                   for quote in "\"'")
#: A prefix shared by needles is searched for first when it is this long, or shared by
#: this many needles (`gh` for the GitHub token formats): shorter, or shared by fewer, it
#: is in most texts anyway and would cost a search more.
_GUARD_LENGTH = 3
_GUARD_MEMBERS = 3


def _glued(text: str) -> str:
    """`text` without quotes and white space: adjacent literals joined (and more)."""
    return "".join(text.split()).replace('"', "").replace("'", "")


def _odd_join(source: str) -> bool:
    """Does the parser join literals of `source` across a comment or before a prefix?"""
    return any(pattern.search(source) for pattern in _ODD_JOINS)


#: A group of needles under a shared prefix: the prefix, the needles, and (for a group
#: none of whose needles begins another) one pattern matching any of them, searched once
#: per place the prefix is (see `_found`); None: each needle is searched for.
Group = tuple[str, tuple[str, ...], re.Pattern[str] | None]


def _grouped(needles: tuple[str, ...]) -> tuple[Group, ...]:
    """The needles (sorted) grouped under the longest prefix they share, where it makes a
    good first search (see `_GUARD_LENGTH`): a text without the prefix holds none of the
    group, and costs one search instead of one per needle. A needle alone is its own."""
    groups: list[Group] = []
    at = 0
    while at < len(needles):
        best: tuple[str, tuple[str, ...]] = (needles[at], (needles[at],))
        for length in range(2, len(needles[at])):
            prefix = needles[at][:length]
            members = tuple(n for n in needles[at:] if n.startswith(prefix))
            if len(members) < 2 or (length < _GUARD_LENGTH and len(members) < _GUARD_MEMBERS):
                continue
            if len(members) >= len(best[1]):
                best = (prefix, members)  # the longest prefix of the largest group
        guard, members = best
        groups.append((guard, members, _one_of(guard, members)))
        at += len(members)
    return tuple(groups)


def _one_of(guard: str, members: tuple[str, ...]) -> re.Pattern[str] | None:
    """The pattern of a group (see `Group`): the guard, then any member's rest. None for a
    needle alone, or when a member begins another (one match could hide the other)."""
    if len(members) < 2 or any(a != b and b.startswith(a) for a in members for b in members):
        return None
    rests = "|".join(re.escape(member[len(guard):]) for member in members)
    return re.compile(f"{re.escape(guard)}(?:{rests})")


def _found(groups: tuple[Group, ...], text: str) -> list[str]:
    """The needles of `groups` in `text`, in their order."""
    found: list[str] = []
    for guard, members, pattern in groups:
        if pattern is not None:
            # one search per place of the prefix, not one per needle (`environ` is in
            # most handlers, its 28 needles in few): at most one member matches a place
            seen = set()
            match = pattern.search(text)
            while match is not None:
                seen.add(match.group())
                match = pattern.search(text, match.start() + 1)
            if seen:
                found.extend(needle for needle in members if needle in seen)
        elif guard in text:
            if len(members) == 1:
                found.append(guard)
            else:
                found.extend(needle for needle in members if needle in text)
    return found


def minimal_words(words: Iterable[str]) -> tuple[str, ...]:
    """The words that do not contain another of the words (`pass` finds `password`)."""
    unique = set(words)
    return tuple(sorted(w for w in unique if not any(o != w and o in w for o in unique)))


class HitFinder:
    """Finds the top-level statements of a module whose text holds one of `words` or a
    pair of `pairs` (lower-case; compared case-insensitively; a pair's words separated by
    nothing, a case change or a run of other characters than letters and digits, as
    `secrets.name_words` splits names), or one of `anchors` (compared as they are)."""

    def __init__(self, words: Iterable[str] = (), pairs: Iterable[tuple[str, str]] = (),
                 anchors: Iterable[str] = ()):
        given = set(pairs)
        self.words = minimal_words(set(words) - {a + b for a, b in given})
        # a pair holding a word is found by the word
        self.pairs = tuple(sorted(pair for pair in given if not any(
            word in part for word in self.words for part in pair)))
        self.anchors = minimal_words(anchors)
        self._words = _grouped(self.words)
        self._anchors = _grouped(self.anchors)
        self._firsts: dict[str, tuple[str, ...]] = {}
        for first, second in self.pairs:  # grouped by second word: fewer searches
            self._firsts[second] = (*self._firsts.get(second, ()), first)
        self._pair_regex = {pair: re.compile(rf"{re.escape(pair[0])}[^a-z0-9]*"
                                             rf"{re.escape(pair[1])}") for pair in self.pairs}

    def statements(self, tree: ast.Module, source: str) -> list[ast.stmt] | None:
        """The top-level statements of `tree` (parsed from `source`) whose lines hold a
        hit, in order; None when the text cannot be trusted (walk the whole tree)."""
        if not source or "\\" in source or not source.isascii() or _odd_join(source):
            return None
        glued = _glued(source)
        glued_lower = glued.lower()  # (ASCII: lower-casing and gluing commute)
        words = _found(self._words, glued_lower)
        anchors = _found(self._anchors, glued)
        pairs = [self._pair_regex[(first, second)] for second, firsts in self._firsts.items()
                 if second in glued_lower for first in firsts if first in glued_lower]
        if not (words or anchors or pairs):
            return []
        lower = source.lower()
        counts = [*((lower.count(w), glued_lower.count(w)) for w in words),
                  *((source.count(a), glued.count(a)) for a in anchors),
                  *((len(r.findall(lower)), len(r.findall(glued_lower))) for r in pairs)]
        if any(here != joined for here, joined in counts):
            return None  # joined literals make a hit (or hide one): where is not known
        if sum(here for here, _ in counts) > MAX_HITS:
            return None  # hits all over: the whole walk costs less than placing them
        spans = [*_places(lower, words), *_places(source, anchors)]
        spans.extend(match.span() for regex in pairs for match in regex.finditer(lower))
        return _covering(tree.body, _line_spans(source, spans))


def _places(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of each needle in `text`, as (start, end)."""
    found: list[tuple[int, int]] = []
    for needle in needles:
        start = text.find(needle)
        while start >= 0:
            found.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    return found


def _line_spans(source: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans as (first line, last line), 1-based, sorted."""
    lines: list[tuple[int, int]] = []
    line, at = 1, 0
    for start, end in sorted(spans):
        line += source.count("\n", at, start)
        at = start
        lines.append((line, line + source.count("\n", start, end)))
    return lines


def _covering(body: list[ast.stmt], lines: list[tuple[int, int]]) -> list[ast.stmt]:
    """The statements whose lines (decorators included) meet one of the line spans
    (sorted by first line)."""
    chosen: list[ast.stmt] = []
    at, count = 0, len(lines)
    for stmt in body:
        first = stmt.lineno
        for decorator in getattr(stmt, "decorator_list", ()):
            first = min(first, decorator.lineno)
        while at < count and lines[at][1] < first:
            at += 1  # ends before this statement: before every later one too
        if at == count:
            break
        if lines[at][0] <= (stmt.end_lineno or stmt.lineno):
            chosen.append(stmt)
    return chosen
