"""Environment variables as written, not as inherited: one entry per definition.

A variable set once under `provider.environment` (serverless.yml) or `Globals` (SAM) is
copied into every function; rules about a variable's value report it once, at the line it
was written, naming the functions that receive it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from faasguard.model import App, EnvVar, Function, logical_id

if TYPE_CHECKING:
    from faasguard.analysis.facts import Facts

#: The facts.memo key of the definitions (read by the rules of three modules).
_MEMO = "envvars.definitions"


@dataclass(frozen=True)
class EnvDefinition:
    """One written environment variable and the functions it reaches."""

    var: EnvVar
    functions: tuple[Function, ...]

    @property
    def owner(self) -> str:
        """Who sets it, for messages: `Function 'x'` or `Functions 'a', 'b'`."""
        names = [logical_id(f.id) for f in self.functions]
        if len(names) == 1:
            return f"Function '{names[0]}'"
        shown = ", ".join(f"'{n}'" for n in names[:6])
        return f"Functions {shown}{' ...' if len(names) > 6 else ''}"

    def verb(self, singular: str, plural: str) -> str:
        """The verb form agreeing with `owner`."""
        return singular if len(self.functions) == 1 else plural

    def subject(self, prefix: str) -> str:
        """A stable identity: the function for a function's own variable, `*` if shared."""
        who = logical_id(self.functions[0].id) if len(self.functions) == 1 else "*"
        return f"{prefix}:{who}:{self.var.name}"


def env_definitions(app: App, facts: Facts | None = None) -> list[EnvDefinition]:
    """Every distinct environment variable definition, in file and line order; worked out
    once per scan when `facts` is given (four rules ask)."""
    found: list[EnvDefinition] | None = facts.memo.get(_MEMO) if facts is not None else None
    if found is not None:
        return found
    grouped: dict[tuple[str, int, str], list[tuple[EnvVar, Function]]] = {}
    for function in app.functions.values():
        for var in function.environment.values():
            key = (var.location.file, var.location.line, var.name)
            grouped.setdefault(key, []).append((var, function))
    found = []
    for key in sorted(grouped):
        entries = grouped[key]
        functions = tuple(sorted((f for _, f in entries), key=lambda f: f.id))
        found.append(EnvDefinition(entries[0][0], functions))
    if facts is not None:
        facts.memo[_MEMO] = found
    return found
