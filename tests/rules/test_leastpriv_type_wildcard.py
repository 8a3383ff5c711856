"""FG-PERM-102 narrows a resource wildcard over every resource of a type
(`arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*`: every table;
`arn:aws:sns:*:*:*`: every topic) as it narrows `Resource: "*"`, naming the resources the
code uses; it narrowed `*` only. A pattern narrower than the type (`alerts-*`) or a grant
naming the resource is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.rules.iam_tables import every_of_a_type
from faasguard.scan import scan
from tests.rules.conftest import Case, check_case

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules_perm_type_wildcard"


@pytest.mark.parametrize("name", ["sam-pos", "sam-neg", "serverless-pos", "serverless-neg"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-102", CASES / name))


@pytest.mark.parametrize(("name", "message"), [
    ("sam-pos", "Role 'ReaderRole' grants dynamodb:GetItem on "
                "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/* (every table); the "
                "code of its functions (Reader) needs far less: narrow it to dynamodb:GetItem "
                "on ${Orders.Arn}."),
    ("serverless-pos", "Role 'IamRoleLambdaExecution' grants sns:Publish on arn:aws:sns:*:*:* "
                       "(every topic); the code of its functions (notify) needs far less: "
                       "narrow it to sns:Publish on ${Alerts}."),
])
def test_message(name: str, message: str) -> None:
    assert [f.message for f in scan(str(CASES / name)).findings
            if f.rule_id == "FG-PERM-102"] == [message]


@pytest.mark.parametrize(("resource", "every"), [
    ("arn:aws:dynamodb:*:*:table/*", ("dynamodb", "table")),
    ("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*", ("dynamodb", "table")),
    ("arn:aws:s3:::*", ("s3", "bucket")),
    ("arn:aws:s3:::*/*", ("s3", "object")),
    ("arn:aws:lambda:*:*:function:*", ("lambda", "function")),
    ("arn:aws:s3:::uploads/*", None),
    ("arn:aws:sns:*:*:alerts-*", None),
    ("arn:aws:dynamodb:*:*:table/orders", None),
    ("*", None),
])
def test_every_of_a_type(resource: str, every: tuple[str, str] | None) -> None:
    assert every_of_a_type(resource) == every


def test_a_grant_on_every_topic_allows_the_call() -> None:
    """FG-PERM-103 said the call to a topic the template declares would fail under a grant
    on every topic (a topic's Ref is its ARN: no form of it matched `arn:aws:sns:*:*:*`);
    a grant on topics of a name prefix the topic's generated name need not have keeps it."""
    def calls(name: str) -> list[str]:
        return [f.message for f in scan(str(CASES / name)).findings if f.rule_id == "FG-PERM-103"]
    assert calls("serverless-pos") == []
    assert calls("serverless-neg") == [
        "Function 'notify' calls sns:Publish on ${Alerts}, which its role "
        "'IamRoleLambdaExecution' does not allow: the call will fail with AccessDenied."]
