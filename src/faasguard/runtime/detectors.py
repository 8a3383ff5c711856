"""Dangerous-input detectors: pure functions over one string, one key or one identifier.

Each detector answers "does this value carry an attack marker of my kind?" and nothing
else; `inspect.Inspector` decides where to look and what to do. Precision matters as
much as recall: every pattern below requires a *structural* marker of an attack (a
quote that breaks out before a tautology, a traversal sequence next to a separator,
an expression inside template delimiters...), never a bare keyword, so that names like
O'Brien, "select the best option", "$5 off" or a code snippet in a comment pass.

Strings are canonicalised before matching: URL-decoded up to three times (double
encoding), overlong UTF-8 and `%u` escapes of `.`, `/` and `\\` folded, full-width
look-alikes folded.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

PATH_TRAVERSAL = "path_traversal"
COMMAND_INJECTION = "command_injection"
SQL_INJECTION = "sql_injection"
NOSQL_INJECTION = "nosql_injection"
TEMPLATE_INJECTION = "template_injection"
XXE = "xxe"
PROTOTYPE_POLLUTION = "prototype_pollution"

STRING_DETECTORS = (PATH_TRAVERSAL, SQL_INJECTION, TEMPLATE_INJECTION, XXE,
                    PROTOTYPE_POLLUTION)

_I = re.IGNORECASE

# Patterns are compiled on first use, not at import: compiling them all costs more than
# the rest of the runtime's import together. name -> re.compile() arguments.
_SPECS: dict[str, tuple[str, int]] = {}

# A string that matches none of these cannot hit any string detector: skip the rest.
_SPECS["_GATE"] = (
    r"""\.\.|[%\x00'"`;{<\\]|=|file:|://|proto|union|^\s*/|^[a-z]:|[\uff0e\uff0f\u2215]"""
    r"|\.(?:aws|ssh)/|/etc/|/proc/|\.ini\b|sleep|benchmark|extractvalue|updatexml|load_file"
    r"|outfile|dumpfile|xp_cmdshell|waitfor|\?new|\$class|\(\s*select", _I)

_SPECS["_OVERLONG"] = (
    r"%(?:c0%ae|e0%80%ae|c0%2e|u002e|uff0e)|%(?:c0%af|e0%80%af|c0%2f|u2215|u002f|uff0f)"
    r"|%(?:c1%9c|c1%1c|c0%5c|u2216|u005c)", _I)
_OVERLONG_MAP = {".": ".", "/": "/", "\\": "\\"}
_LOOKALIKES = str.maketrans({"\uff0e": ".", "\uff0f": "/", "\u2215": "/", "\u2216": "\\",
                             "\uff3c": "\\"})


def _fold_overlong(match: re.Match[str]) -> str:
    text = match.group(0).lower()
    if text.endswith(("ae", "2e")):
        return "."
    if text.endswith(("af", "2f", "2215", "ff0f")):
        return "/"
    return "\\"


def canonical(value: str) -> str:
    """Decode a value the way a lenient server or file API would see it."""
    p = _patterns()
    text = value
    if not text.isascii():
        text = text.translate(_LOOKALIKES)
    for _ in range(3):
        if "%" not in text:
            break
        decoded = unquote(p.overlong.sub(_fold_overlong, text), errors="replace")
        if decoded == text:
            break
        text = decoded
    return text


# --- path traversal and local file inclusion ---------------------------------------------

_SPECS["_TRAVERSAL"] = (
    r"(?:^|[\\/])(?:\.{2,}[\\/;]|\.\.$)"                    # ../  ..\  ....//  ..;/  trailing /..
    r"|\x00"                                               # NUL truncation
    r"|^\s*(?:file|php|phar|zip|expect|jar|glob|netdoc):/"  # file:// and LFI wrappers
    r"|^\s*[\\/]+(?:etc|proc|sys|root|dev|boot|var/log|home/[^/]+/\.ssh)(?:[\\/]|$)"
    r"|^\s*[a-z]:[\\/]+(?:windows|winnt|boot\.ini|inetpub)"
    r"|/etc/(?:passwd|shadow|sudoers)\b|/proc/self/|\bwin\.ini\b|\bboot\.ini\b"
    r"|\.ssh/(?:id_[a-z0-9]+|authorized_keys)\b|\.aws/credentials\b", _I)

# --- SQL injection ---------------------------------------------------------------------------

_SPECS["_SQL_COMMENT"] = (r"/\*.*?\*/", re.S)
_SPECS["_SQL"] = (
    # quote (or paren) break, then a tautology: ' OR '1'='1   " or 1=1   ') or ('a'='a
    r"""['"`)]\s*\)*\s*(?:or|and|xor|\|\||&&)\s+\(*\s*(['"]?)(\w+)\1\s*(?:=|<=>|like)\s*\(*\s*['"]?\2\b"""
    r"""|['"]\s*(?:or|and)\s*['"]{2}\s*=\s*['"]"""                   # 'or''='
    r"|\b(?:or|and)\s+(\d+)\s*=\s*\3\b"                              # 1 OR 1=1
    r"""|['"]\s*\)*\s*(?:--|#|/\*)[\s\-]*$"""                        # admin'--  admin'#
    r"|\bunion(?:\s+(?:all|distinct))?\s+select\s+(?:null\b|\d|@@|\*|[\w.`]+\s*(?:,|\bfrom\b)"
    r"|(?:char|concat|version|user|database|group_concat)\s*\()"      # UNION SELECT ...
    r"""|(?:['"\d)]|^)\s*;\s*(?:drop\s+(?:table|database|schema)|delete\s+from|insert\s+into"""
    r"|update\s+\w+\s+set|truncate\s+table|alter\s+(?:table|user)|create\s+(?:table|user|login)"
    r"|exec(?:ute)?\s+(?:xp_|sp_|master\.)|shutdown\b|declare\s+@|waitfor\s+delay"
    r"|select\s+(?:pg_sleep|sleep|\*|@@))"                             # stacked queries
    r"""|['"\d)]\s*(?:and|or|;|\|\|)\s*\(?\s*(?:select\s+)?(?:sleep|pg_sleep|benchmark)\s*\("""
    r"""|waitfor\s+delay\s+['"]\d"""                                  # time based
    r"|\b(?:extractvalue|updatexml)\s*\(\s*\d|\bload_file\s*\(|\binto\s+(?:out|dump)file\b"
    r"|\bxp_cmdshell\b"
    r"""|['"]\s*\)*\s*(?:order|group)\s+by\s+\d+\s*(?:--|#|/\*)"""       # ' ORDER BY 3--
    r"""|['"\d)]\s*(?:and|or|\|\||&&)\s*\(+\s*select\s+"""           # ' AND (SELECT ...
    r"(?:\w+\s*\(|\*|\d|null\b|@@|case\b|[\w.`]+\s*(?:,|\bfrom\b))"
    r"|;\s*(?:drop\s+(?:table|database|schema)\s+(?:if\s+exists\s+)?[\w.`\"\[\]]+"
    r"|truncate\s+table\s+[\w.`\"\[\]]+)\s*(?:;|--|#|/\*|$)", _I)

# --- template injection ------------------------------------------------------------------------

_SPECS["_TEMPLATE"] = (
    r"\{\{(.{0,300}?)\}\}|\{%(.{0,300}?)%\}|<%=?(.{0,300}?)%>|[$#*@~]\{(.{0,300}?)\}", re.S)
# Markers that are template code by themselves (FreeMarker, Velocity).
_SPECS["_TEMPLATE_DIRECTIVE"] = (
    r"<#assign\b|\?new\s*\(\s*\)|#set\s*\(\s*\$\w+\s*=|\$class\.inspect", _I)
_SPECS["_EXPRESSION"] = (
    r"""\d\s*[*+]\s*['"]?\d|__\w+|`|\$\{|::-|\|\s*attr\b"""
    r"|\b(?:constructor|popen|subprocess|import|require|eval|exec|system|getattr|globals"
    r"|builtins|mro|subclasses|config|lipsum|cycler|joiner|self|request|process"
    r"|child_process|runtime|getclass|forname|kernel|jndi|file\.open|io\.popen)\b"
    r"|\b(?:lower|upper|env|sys|java|date|base64|ctx|main|bundle|k8s|docker|spring|web"
    r"|log4j):", _I)

# --- XML external entities -----------------------------------------------------------------------

_SPECS["_XXE"] = (r"<!ENTITY|<!DOCTYPE[^>]*\[|<!DOCTYPE\s+\w+\s+SYSTEM|<xi:include\b", _I)

# --- prototype pollution and NoSQL operators ----------------------------------------------------

_SPECS["_PROTO_PATH"] = (
    r"""^[\w$.\[\]'"]*(?:__proto__|constructor\s*(?:\.|\[\s*['"]?)\s*prototype)""", 0)
_SPECS["_PROTO_KEY"] = (r"""__proto__|^constructor\s*(?:\.|\[\s*['"]?)\s*prototype""", 0)
NOSQL_OPERATORS = frozenset({
    "$ne", "$eq", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$regex", "$where",
    "$exists", "$expr", "$or", "$and", "$not", "$nor", "$elemMatch", "$function",
    "$accumulator", "$jsonSchema", "$mod", "$all", "$size", "$options",
})  # not "$type" (Json.NET type hints) or "$text" (XML-to-JSON text nodes): common, benign
_SPECS["_NOSQL_BRACKET"] = (r"\[\s*(\$\w+)\s*\]", 0)

# --- OS command metacharacters (identifier fields only) --------------------------------------

_SPECS["_COMMAND"] = (r"[;|&`<>\n\r]|\$[({\w]", 0)


_SPECS["_URL_TRAVERSAL"] = (r"(?:^|[\\/])(?:\.{2,}[\\/;]|\.\.$)|\x00", 0)


class _Patterns:
    """The compiled patterns, built once on first use."""

    gate: re.Pattern[str]
    overlong: re.Pattern[str]
    traversal: re.Pattern[str]
    sql_comment: re.Pattern[str]
    sql: re.Pattern[str]
    template: re.Pattern[str]
    expression: re.Pattern[str]
    template_directive: re.Pattern[str]
    xxe: re.Pattern[str]
    proto_path: re.Pattern[str]
    proto_key: re.Pattern[str]
    nosql_bracket: re.Pattern[str]
    command: re.Pattern[str]
    url_traversal: re.Pattern[str]

    def __init__(self) -> None:
        for name, args in _SPECS.items():
            setattr(self, name[1:].lower(), re.compile(*args))


_compiled: _Patterns | None = None


def _patterns() -> _Patterns:
    global _compiled
    if _compiled is None:
        _compiled = _Patterns()
    return _compiled


def path_hits(path: str) -> bool:
    """True when a request path carries a traversal sequence (raw or encoded)."""
    p = _patterns()
    return ("." in path or "%" in path or "\x00" in path) \
        and p.url_traversal.search(canonical(path)) is not None


def prefilter() -> Any:
    """The cheap first test of `string_hits`: `prefilter()(value)` is falsy for a value
    that cannot trip any string detector (most values of real traffic)."""
    return _patterns().gate.search


def string_hits(value: str, active: frozenset[str], prefiltered: bool = False) -> list[str]:
    """The string detectors (of `active`) that `value` trips, in a stable order.

    `prefiltered=True` when the caller already knows `prefilter()(value)` is truthy.
    """
    p = _patterns()
    if not prefiltered and not p.gate.search(value):
        return []
    text = canonical(value)
    hits: list[str] = []
    if PATH_TRAVERSAL in active and p.traversal.search(text):
        hits.append(PATH_TRAVERSAL)
    if SQL_INJECTION in active and _sql(text):
        hits.append(SQL_INJECTION)
    if TEMPLATE_INJECTION in active and _template(text):
        hits.append(TEMPLATE_INJECTION)
    if XXE in active and "<" in text and p.xxe.search(text):
        hits.append(XXE)
    if PROTOTYPE_POLLUTION in active and "proto" in text and " " not in text.strip() \
            and p.proto_path.search(text):
        hits.append(PROTOTYPE_POLLUTION)
    return hits


def _sql(text: str) -> bool:
    p = _patterns()
    if "/*" in text:
        text = p.sql_comment.sub(" ", text)
    return p.sql.search(text) is not None


def _template(text: str) -> bool:
    p = _patterns()
    if ("#" in text or "?" in text or "$" in text) and p.template_directive.search(text):
        return True
    if "{" not in text and "<%" not in text:
        return False
    for match in p.template.finditer(text):
        inner = next(g for g in match.groups() if g is not None)
        if p.expression.search(inner):
            return True
    return False


def key_hits(key: str, value: object, active: frozenset[str]) -> list[str]:
    """Detectors tripped by an object key (JSON body key or query parameter name)."""
    p = _patterns()
    hits: list[str] = []
    if NOSQL_INJECTION in active and "$" in key and (
            key in NOSQL_OPERATORS or any(op in NOSQL_OPERATORS
                                          for op in p.nosql_bracket.findall(key))):
        hits.append(NOSQL_INJECTION)
    if PROTOTYPE_POLLUTION in active and ("proto" in key or "constructor" in key) and (
            p.proto_key.search(key)
            or (key == "constructor" and isinstance(value, dict) and "prototype" in value)):
        hits.append(PROTOTYPE_POLLUTION)
    return hits


def command_hit(value: str) -> bool:
    """True when an identifier-like value carries OS command metacharacters."""
    p = _patterns()
    text = canonical(value)
    if text[:1] == "<" and text[-1:] == ">" and text.count("<") == 1 and text.count(">") == 1:
        text = text[1:-1]  # <message-id@host> (e-mail Message-ID form), not a redirection
    return p.command.search(text) is not None
