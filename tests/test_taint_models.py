"""What a pydantic model or a FastAPI parameter's type really constrains
(analysis.taint.models): text stays text, validated numbers, choices and anchored
patterns do not."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from faasguard.analysis.taint.models import (
    CLEAN,
    TEXT,
    annotation_verdict,
    model_fields,
    restrictive_pattern,
)
from faasguard.analysis.taint.modules import ClassInfo, Module, ModuleCache
from faasguard.analysis.taint.table import build_table

TABLE = build_table()


@pytest.mark.parametrize(("pattern", "restrictive"), [
    (r"^[a-z0-9-]+$", True),
    (r"\A[A-Za-z_]{1,20}\Z", True),
    (r"^\d{4}-\d{2}$", True),
    (r"^v\d+\.\d+$", True),          # an escaped dot is a dot
    (r"[a-z]+", False),              # searched anywhere: 'a; rm -rf /' matches
    (r"^[a-z]+", False),             # open at the end
    (r"[a-z]+$", False),             # open at the start
    (r"^.+$", False),                # any character
    (r"^[^/]+$", False),             # anything but a slash
    (r"^\S+$", False),
    (r"^[a-z]+\$", False),           # a literal dollar, not an anchor
    (r"^png|jpg$", False),           # '^png' or 'jpg$': 'png; rm -rf /' matches
    (r"^[a-z]+|[0-9]+$", False),
    (r"^png$|^jpg$", True),          # each alternative anchored
    (r"^(png|jpg)$", True),          # the alternation inside the anchors
    (r"^[|a-z]+$", True),            # a bar in a class is a character
    (r"^a\|b$", True),               # an escaped bar too
])
def test_a_pattern_restricts_only_when_anchored_to_an_allow_list(pattern: str,
                                                                 restrictive: bool) -> None:
    assert restrictive_pattern(pattern) is restrictive


def _module(tmp_path: Path, source: str) -> Module:
    (tmp_path / "schemas.py").write_text(textwrap.dedent(source))
    module = ModuleCache(str(tmp_path)).try_get("schemas.py")
    assert module is not None
    return module


def _resolve(module: Module, written: str) -> ClassInfo | None:
    return module.classes.get(written)


def test_model_fields_are_judged_by_their_types(tmp_path: Path) -> None:
    module = _module(tmp_path, """
        import re
        from enum import Enum
        from typing import Annotated, ClassVar, Literal, Optional
        from uuid import UUID
        from pydantic import BaseModel, Field, StringConstraints, conint, constr, field_validator

        class Color(str, Enum):
            red = "red"

        class Inner(BaseModel):
            name: str

        class Base(BaseModel):
            inherited: str
            overridden: str

        class Job(Base):
            overridden: int
            text: str
            maybe: Optional[str] = None
            either: int | None = None
            ident: UUID
            count: conint(gt=0)
            color: Color
            mode: Literal["a", "b"]
            slug: str = Field(pattern=r"^[a-z]+$")
            loose: str = Field(pattern=r"[a-z]+")
            short: constr(max_length=5)
            code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
            inner: Inner
            inners: list[Inner]
            numbers: list[int]
            mapping: dict[str, int]
            checked: str
            reshaped: str
            limit: ClassVar[int] = 3

            @field_validator("checked")
            @classmethod
            def allowed(cls, value):
                if not re.fullmatch(r"[a-z]+", value):
                    raise ValueError("bad")
                return value

            @field_validator("reshaped")
            @classmethod
            def tidy(cls, value):
                if len(value) > 9:
                    raise ValueError("long")
                return value.strip()
        """)
    fields = model_fields(module.classes["Job"], TABLE, _resolve)
    text = {name for name, verdict in fields.items() if verdict == TEXT}
    clean = {name for name, verdict in fields.items() if verdict == CLEAN}
    assert text == {"inherited", "text", "maybe", "loose", "short", "inners", "mapping",
                    "reshaped"}
    assert clean == {"overridden", "either", "ident", "count", "color", "mode", "slug",
                     "code", "numbers", "checked"}
    assert fields["inner"] == "cls:" + module.classes["Inner"].key
    assert "limit" not in fields


def test_a_validator_rejecting_a_few_values_lets_the_rest_through(tmp_path: Path) -> None:
    """A validator that raises on a deny-list (`if ";" in v`, `if v in BAD`, a `re.search`
    for bad characters) or on a pattern held at one end only checks nothing an attacker
    needs: 'a && rm -rf /' passes each. Only an allow-list check raising on what it does
    not list makes the field clean."""
    module = _module(tmp_path, """
        import re
        from pydantic import BaseModel, field_validator

        OK = {"a", "b"}
        BAD = {"rm", "curl"}

        class Job(BaseModel):
            semicolon: str
            denied: str
            searched: str
            prefix: str
            listed: str
            negated: str
            full: str
            either: str

            @field_validator("semicolon")
            @classmethod
            def no_semicolon(cls, v):
                if ";" in v:
                    raise ValueError("bad")
                return v

            @field_validator("denied")
            @classmethod
            def not_denied(cls, v):
                if v in BAD:
                    raise ValueError("bad")
                return v

            @field_validator("searched")
            @classmethod
            def no_metacharacters(cls, v):
                if re.match(r".*[;&|]", v):
                    raise ValueError("bad")
                return v

            @field_validator("prefix")
            @classmethod
            def starts_well(cls, v):
                if not re.match(r"[a-z]+", v):
                    raise ValueError("bad")
                return v

            @field_validator("listed")
            @classmethod
            def allowed(cls, v):
                if v not in OK:
                    raise ValueError("bad")
                return v

            @field_validator("negated")
            @classmethod
            def allowed_too(cls, v):
                if not v or not (v in OK):
                    raise ValueError("bad")
                return v

            @field_validator("full", "either")
            @classmethod
            def whole(cls, v):
                if not re.match(r"^[a-z]+$", v) and not v.isdigit():
                    raise ValueError("bad")
                return v
        """)
    fields = model_fields(module.classes["Job"], TABLE, _resolve)
    assert {name for name, verdict in fields.items() if verdict == TEXT} == {
        "semicolon", "denied", "searched", "prefix"}
    assert {name for name, verdict in fields.items() if verdict == CLEAN} == {
        "listed", "negated", "full", "either"}


def test_a_parameter_default_can_restrict_it(tmp_path: Path) -> None:
    module = _module(tmp_path, "x = 1\n")
    query = ast.parse('Query(pattern=r"^[a-z]+$")', mode="eval").body
    loose = ast.parse('Query(max_length=9)', mode="eval").body
    text = ast.parse("str", mode="eval").body
    assert annotation_verdict(text, query, module, TABLE, _resolve) == CLEAN
    assert annotation_verdict(text, loose, module, TABLE, _resolve) == TEXT
    assert annotation_verdict(None, None, module, TABLE, _resolve) == TEXT
