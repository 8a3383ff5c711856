"""Over-privileged permissions: wildcards, admin policies, escalation, shared roles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from faasguard.analysis.endpoints import allowed_of, grants_anyone, is_restricted, policy_target
from faasguard.analysis.facts import Facts
from faasguard.findings import Finding, make_finding, rule
from faasguard.model import App, Location, Role, Statement, display_names, logical_id
from faasguard.rules.iam_tables import (
    escalations,
    is_full_wildcard,
    is_wildcard_resource,
    scoped_actions,
    service_wildcard,
    wildcards,
)
from faasguard.rules.util import (
    ROLE_PER_FUNCTION_FIXES,
    policy_file_fixes,
    remediation_for,
    short_list,
)

_OWASP = "OWASP Serverless Top 10: SAS-4 Over-Privileged Function Permissions and Roles"
_LEAST_PRIVILEGE = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                    "best-practices.html#grant-least-privilege")
_ADMIN_POLICIES = {"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"}
#: What Lambda itself needs of an execution role on `Resource: "*"`, exactly as the AWS
#: managed AWSLambdaBasicExecutionRole (logs) and AWSLambdaVPCAccessExecutionRole (network
#: interfaces of a function in a VPC) grant it: the same grant written inline is not
#: FG-PERM-003's to report, as the managed policies themselves are not.
EXECUTION_ROLE_ACTIONS = frozenset({
    "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
    "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
})


def _is_managed(statement: Statement) -> bool:
    return statement.source.startswith("managed:")


def _where(statement: Statement, role: Role) -> Location:
    return statement.location or role.location


def _own_statements(app: App, facts: Facts) -> list[tuple[Role, int, Statement]]:
    """The Allow statements the users wrote (inline or SAM templates), not managed ones, of
    every role, with their index in the role's list: picked out once per scan (three rules
    ask)."""
    found: list[tuple[Role, int, Statement]] | None = facts.memo.get(_OWN_MEMO)
    if found is None:
        found = facts.memo[_OWN_MEMO] = [
            (role, index, statement) for role in app.roles.values()
            for index, statement in enumerate(role.statements)
            if statement.effect == "Allow" and not _is_managed(statement)]
    return found


_OWN_MEMO = "permissions.own_statements"


@rule(
    "FG-PERM-001",
    "IAM statement allows every action",
    threat="permissions",
    severity="critical",
    description="""
An `Allow` statement with `Action: "*"` gives the function every permission of every AWS
service on the resources listed; on `Resource: "*"` it is account administrator (this is
also what the `AdministratorAccess` managed policy grants). A single injection bug in the
handler then becomes a full account takeover. When the code of every function running
with the role was analysed, FG-PERM-102 ("narrow it to ...") on the same statement is
folded into this finding: its exact replacement is a related location of this one, and
its properties are under `absorbed`; so is FG-PERM-101 on the role (what the code uses,
and how much of the grant it leaves unused).
""",
    remediation={
        "serverless": "provider:\n  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
                      "          Action: [dynamodb:GetItem]\n"
                      "          Resource: !GetAtt Table.Arn",
        "sam": "Policies:\n  - DynamoDBReadPolicy:\n      TableName: !Ref Table",
        "terraform": 'data "aws_iam_policy_document" "fn" {\n  statement {\n'
                     '    actions   = ["dynamodb:GetItem"]\n'
                     '    resources = [aws_dynamodb_table.t.arn]\n  }\n}',
        **policy_file_fixes("{\n"
                            '  "Effect": "Allow",\n'
                            '  "Action": ["dynamodb:GetItem"],\n'
                            '  "Resource": '
                            '"arn:aws:dynamodb:us-east-1:123456789012:table/orders"\n'
                            "}"),
        "cloudformation": "# the statement of the role's AWS::IAM::Policy PolicyDocument\n"
                          "- Effect: Allow\n"
                          "  Action: [dynamodb:GetItem, dynamodb:Query]\n"
                          "  Resource: !GetAtt Table.Arn",
        "cdk": "# CDK: table.grantReadData(fn) in place of the statement",
    },
    references=(_OWASP, _LEAST_PRIVILEGE),
    cwe=(269, 250),
    equivalents={"Checkov": "CKV_AWS_63", "cfn_nag": "F3"},
)
def action_star(app: App, facts: Facts) -> Iterator[Finding]:
    for role in app.roles.values():
        for index, statement in enumerate(role.statements):
            if statement.effect == "Allow" and wildcards(statement.actions)[0]:
                where = (" through the AWS managed policy " + statement.source.split("/")[-1]
                         if _is_managed(statement) else "")
                yield make_finding(
                    "FG-PERM-001",
                    f"Role '{logical_id(role.id)}' allows Action '*'{where} on "
                    f"{', '.join(map(str, statement.resources)) or 'no resource'}.",
                    _where(statement, role),
                    f"statement:{logical_id(role.id)}:{statement.source}:{index}",
                )


@rule(
    "FG-PERM-002",
    "IAM statement allows every action of a service",
    threat="permissions",
    severity="high",
    description="""
`Action: "dynamodb:*"` (or `s3:*`, `iam:*`...) grants every present and future action of
the service: a function that only reads items can then delete tables, change their
encryption or export them. For `iam:*`, `sts:*` or `lambda:*` it is a path to account
takeover. When the code of every function running with the role was analysed, FG-PERM-102
("narrow it to ...") on the same statement is folded into this finding: its exact
replacement is a related location of this one, and its properties are under `absorbed`.
""",
    remediation={
        "serverless": "statements:\n  - Effect: Allow\n    Action:\n      - dynamodb:GetItem\n"
                      "      - dynamodb:Query\n    Resource: !GetAtt Table.Arn",
        "sam": "Policies:\n  - DynamoDBReadPolicy:\n      TableName: !Ref Table",
        "terraform": 'actions = ["dynamodb:GetItem", "dynamodb:Query"]',
        **policy_file_fixes("{\n"
                            '  "Effect": "Allow",\n'
                            '  "Action": ["dynamodb:GetItem", "dynamodb:Query"],\n'
                            '  "Resource": '
                            '"arn:aws:dynamodb:us-east-1:123456789012:table/orders"\n'
                            "}"),
        "cloudformation": "# the statement of the role's AWS::IAM::Policy PolicyDocument\n"
                          "- Effect: Allow\n"
                          "  Action: [dynamodb:GetItem, dynamodb:Query]\n"
                          "  Resource: !GetAtt Table.Arn",
        "cdk": "# CDK: table.grantReadData(fn) in place of the statement",
    },
    references=(_OWASP, _LEAST_PRIVILEGE),
    cwe=(269, 250),
)
def service_star(app: App, facts: Facts) -> Iterator[Finding]:
    for role, index, statement in _own_statements(app, facts):
        every, services = wildcards(statement.actions)
        if every:
            continue  # FG-PERM-001
        if services:
            where = _where(statement, role)
            yield make_finding(
                "FG-PERM-002",
                f"Role '{logical_id(role.id)}' allows every action of "
                f"{', '.join(s + ':*' for s in services)}.",
                where, f"service-star:{logical_id(role.id)}:{statement.source}:{index}",
                severity="critical" if {"iam", "sts", "lambda"} & set(services) else None,
                remediation=remediation_for(app, facts, where.file, _service_fixes(services)),
            )


def _service_fixes(services: tuple[str, ...]) -> dict[str, str]:
    """FG-PERM-002's fix for these services: the actions of each that the code calls, on
    the resources it uses (the example the rule documents is a DynamoDB one)."""
    actions = [f"{service.lower()}:<ACTION>" for service in services]
    unknown = [(f"<ARN of the {s} resource>", f'"<ARN of the {s} resource>"') for s in services]
    resources = [_RESOURCE_EXAMPLES.get(service.lower(), fallback)
                 for service, fallback in zip(services, unknown, strict=True)]
    note = "# only the actions the code calls (`faasguard policy .` prints them)\n"
    listed = (note + "- Effect: Allow\n  Action:\n"
              + "".join(f"    - {action}\n" for action in actions)
              + "  Resource:\n" + "".join(f"    - {r[0]}\n" for r in resources)).rstrip()
    quoted = ", ".join(f'"{action}"' for action in actions)
    return {"serverless": listed, "sam": listed,
            "terraform": note + f"actions   = [{quoted}]\n"
                                f"resources = [{', '.join(r[1] for r in resources)}]",
            **policy_file_fixes('{\n  "Effect": "Allow",\n'
                                f'  "Action": [{quoted}],\n'
                                '  "Resource": "<ARN of the resource the code uses>"\n}')}


@rule(
    "FG-PERM-003",
    "Resource '*' on actions that can be scoped to resources",
    threat="permissions",
    severity="medium",
    description="""
The statement grants actions that support resource-level permissions (a table, bucket,
queue, secret...) on `Resource: "*"`: the function can read or change every such resource
of the account, not only its own. Actions that cannot be scoped (for example
`xray:PutTraceSegments`) are not reported: `*` is the only choice for them. The list of
scopable actions comes from the AWS Service Authorization Reference. Neither are the
actions Lambda itself needs (`logs:CreateLogGroup`, `logs:CreateLogStream`,
`logs:PutLogEvents`, and the network-interface actions of a function in a VPC) when
written inline on `*`: that is what the AWS managed execution-role policies grant.
""",
    remediation={
        "serverless": "Resource:\n  - !GetAtt Table.Arn\n"
                      "  - !Join ['/', [!GetAtt Table.Arn, 'index/*']]",
        "sam": "Resource: !GetAtt Table.Arn",
        "terraform": "resources = [aws_dynamodb_table.t.arn]",
    },
    references=(_OWASP,
                "https://docs.aws.amazon.com/service-authorization/latest/reference/"
                "reference_policies_actions-resources-contextkeys.html"),
    cwe=(732,),
    equivalents={"Checkov": "CKV_AWS_356", "cfn_nag": "W11"},
)
def resource_star(app: App, facts: Facts) -> Iterator[Finding]:
    in_use = Counter(function.role for function in app.functions.values())  # per role
    for role, index, statement in _own_statements(app, facts):
        if statement.source.startswith("sam-template:") or \
                not any(map(is_wildcard_resource, statement.resources)):
            continue
        scoped: list[str] = []
        for action in statement.actions:
            if not isinstance(action, str) or is_full_wildcard(action) or \
                    service_wildcard(action):
                continue  # reported by FG-PERM-001 / FG-PERM-002
            scoped.extend(a for a in scoped_actions(action) or []
                          if a not in scoped and a not in EXECUTION_ROLE_ACTIONS)
        if scoped:
            holders = in_use[role.id]
            whose = "the function uses" if holders == 1 else \
                f"its {holders} functions use" if holders else \
                "it needs (no function of the app runs with this role)"
            where = _where(statement, role)
            yield make_finding(
                "FG-PERM-003",
                f"Role '{logical_id(role.id)}' grants {short_list(scoped, 4)} on Resource '*'; "
                f"these actions can be limited to the resources {whose}.",
                where, f"resource-star:{logical_id(role.id)}:{statement.source}:{index}",
                remediation=remediation_for(app, facts, where.file, _scoped_fixes(scoped)),
            )


#: Per service, how a statement names the resources it is for: in a CloudFormation-based
#: template (SAM, serverless.yml) and in Terraform.
_RESOURCE_EXAMPLES: dict[str, tuple[str, str]] = {
    "dynamodb": ("!GetAtt Table.Arn", "aws_dynamodb_table.t.arn"),
    "s3": ("!Sub '${Bucket.Arn}/*'", '"${aws_s3_bucket.b.arn}/*"'),
    "sqs": ("!GetAtt Queue.Arn", "aws_sqs_queue.q.arn"),
    "sns": ("!Ref Topic", "aws_sns_topic.t.arn"),
    "kinesis": ("!GetAtt Stream.Arn", "aws_kinesis_stream.s.arn"),
    "lambda": ("!GetAtt Target.Arn", "aws_lambda_function.target.arn"),
    "states": ("!Ref StateMachine", "aws_sfn_state_machine.m.arn"),
    "events": ("!GetAtt Bus.Arn", "aws_cloudwatch_event_bus.b.arn"),
    "secretsmanager": ("!Ref Secret", "aws_secretsmanager_secret.s.arn"),
    "kms": ("!GetAtt Key.Arn", "aws_kms_key.k.arn"),
    "iam": ("!GetAtt PassedRole.Arn", "aws_iam_role.passed.arn"),
    "cognito-idp": ("!GetAtt UserPool.Arn", "aws_cognito_user_pool.p.arn"),
    "ssm": ("!Sub 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}"
            ":parameter/app/*'", '"arn:aws:ssm:*:*:parameter/app/*"'),
    "logs": ("!Sub 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
             ":log-group:/aws/lambda/NAME:*'", '"arn:aws:logs:*:*:log-group:/aws/lambda/NAME:*"'),
}


def _scoped_fixes(actions: list[str]) -> dict[str, str]:
    """FG-PERM-003's fix for these actions: a Resource entry per service they belong to
    (the ARN of that service's resource, or a placeholder naming it)."""
    services = list(dict.fromkeys(a.split(":", 1)[0].lower() for a in actions))
    cloudformation, terraform = [], []
    for service in services:
        example = _RESOURCE_EXAMPLES.get(service)
        cloudformation.append(example[0] if example else f"<ARN of the {service} resource>")
        terraform.append(example[1] if example else f'"<ARN of the {service} resource>"')
    listed = "Resource:\n" + "\n".join(f"  - {entry}" for entry in cloudformation)
    return {"serverless": listed, "sam": listed,
            "terraform": f"resources = [{', '.join(terraform)}]"}


def _policy_name(arn: object) -> str:
    return str(arn).rsplit("/", 1)[-1]


@rule(
    "FG-PERM-004",
    "AWS managed full-access or administrator policy",
    threat="permissions",
    severity="high",
    description="""
AWS managed policies such as `AmazonDynamoDBFullAccess`, `AmazonS3FullAccess`,
`PowerUserAccess` or `IAMFullAccess` grant every action of a service (or of nearly all
services) on every resource of the account, far beyond what one function needs, and AWS
may widen them at any time. (`AdministratorAccess`, which grants `*` on `*`, is reported
by FG-PERM-001.)
""",
    remediation={
        "serverless": "provider:\n  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
                      "          Action: [s3:GetObject]\n"
                      "          Resource: !Sub '${Bucket.Arn}/*'",
        "sam": "Policies:\n  - S3ReadPolicy:\n      BucketName: !Ref Bucket",
        "terraform": "# attach a customer-managed policy listing only the actions and "
                     "resources used",
        "cloudformation": "# in place of the managed policy, a statement of the role's "
                          "AWS::IAM::Policy\n"
                          "- Effect: Allow\n"
                          "  Action: [s3:GetObject]\n"
                          "  Resource: !Sub '${Bucket.Arn}/*'",
        "cdk": "# CDK: bucket.grantRead(fn) in place of the managed policy",
    },
    references=(_OWASP,
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                "access_policies_managed-vs-inline.html"),
    cwe=(269, 250),
    equivalents={"Checkov": "CKV_AWS_274", "cfn_nag": "W43",
                 "Prowler": "iam_role_administratoraccess_policy"},
)
def managed_full_access(app: App, facts: Facts) -> Iterator[Finding]:
    for role in app.roles.values():
        for arn in role.managed_policy_arns:
            name = _policy_name(arn)
            if not isinstance(arn, str) or ":iam::aws:policy/" not in arn or not (
                    name in _ADMIN_POLICIES or name.endswith("FullAccess")):
                continue
            own = [s for s in role.statements if s.source == f"managed:{arn}"]
            if any(is_full_wildcard(a) for s in own for a in s.actions):
                continue  # grants `*`: FG-PERM-001 reports it
            location = next((s.location for s in own if s.location), role.location)
            yield make_finding(
                "FG-PERM-004",
                f"Role '{logical_id(role.id)}' has the AWS managed policy {name}, which "
                "grants far more than one function needs.",
                location, f"managed:{logical_id(role.id)}:{name}",
                severity="critical" if name in _ADMIN_POLICIES else None,
            )


@rule(
    "FG-PERM-005",
    "SAM policy template given '*' as its resource",
    threat="permissions",
    severity="high",
    description="""
SAM policy templates (`DynamoDBCrudPolicy`, `S3ReadPolicy`, `SQSSendMessagePolicy`...) are
meant to be scoped to one resource through their parameter. Given `*` (for example
`TableName: "*"`), the template grants its actions on every table, bucket or queue of the
account, which defeats the purpose of using a template. A `*` that only stands for a part
of the one resource named (`StreamName: '*'` of `DynamoDBStreamReadPolicy`: the streams
of one table) is reported at info severity.
""",
    remediation={
        "sam": "Policies:\n  - DynamoDBCrudPolicy:\n      TableName: !Ref OrdersTable",
        "serverless": "# the Serverless Framework has no policy templates: list the actions "
                      "and the table ARN\nResource: !GetAtt OrdersTable.Arn",
    },
    references=(_OWASP,
                "https://docs.aws.amazon.com/serverless-application-model/latest/"
                "developerguide/serverless-policy-templates.html"),
    cwe=(732,),
)
def template_star(app: App, facts: Facts) -> Iterator[Finding]:
    for role in app.roles.values():
        entries: dict[tuple[str, int], tuple[Location, set[str]]] = {}
        for statement in role.statements:  # the statements of one template entry: one finding
            if statement.wildcard_parameters and statement.source.startswith("sam-template:"):
                location = _where(statement, role)
                key = (statement.source.split(":", 1)[1], location.line)
                entries.setdefault(key, (location, set()))[1].update(
                    statement.wildcard_parameters)
        for (template, line), (location, starred) in entries.items():
            subject = f"template-star:{logical_id(role.id)}:{template}:{line}"
            within = _WITHIN_ONE_RESOURCE.get(template)
            if within is not None and starred <= within[0]:
                yield make_finding(
                    "FG-PERM-005",
                    f"Role '{logical_id(role.id)}': policy template {template} is given '*' "
                    f"for {', '.join(sorted(starred))} only: it covers {within[1]}, not "
                    "every resource of the account.", location, subject, severity="info")
                continue
            yield make_finding(
                "FG-PERM-005",
                f"Role '{logical_id(role.id)}': policy template {template} is given '*' (for "
                f"{', '.join(sorted(starred))}), so it applies to every matching resource of "
                "the account.", location, subject)


#: SAM policy templates with a parameter naming a part of the resource another parameter
#: names (the only one in the translator's templates): '*' there stays within that
#: resource. Template -> (those parameters, what '*' in them covers).
_WITHIN_ONE_RESOURCE: dict[str, tuple[set[str], str]] = {
    "DynamoDBStreamReadPolicy": ({"StreamName"}, "every stream of the one table named "
                                 "(the usual value: a stream's label changes each time it is "
                                 "enabled)"),
}


@rule(
    "FG-PERM-006",
    "Privilege escalation possible from the function's role",
    threat="permissions",
    severity="critical",
    description="""
Some combinations of IAM actions let whoever holds them obtain more privileges than they
were given: `iam:PassRole` with `lambda:CreateFunction` and `lambda:InvokeFunction` runs
new code with any role that can be passed; `iam:AttachRolePolicy`/`iam:PutRolePolicy`
attach administrator rights to the function's own role; `iam:CreateAccessKey` mints keys
for other users; `sts:AssumeRole` on `*` assumes any role that trusts the account. An
attacker who controls the function's code path (injection, dependency) inherits the path.
The finding names each combination found.
""",
    remediation={
        "serverless": "# remove the IAM-management actions from the function's role; if "
                      "iam:PassRole is needed, scope it to one role ARN and add\n"
                      "Condition:\n  StringEquals:\n    iam:PassedToService: "
                      "lambda.amazonaws.com",
        "sam": "# same: no iam:* management actions; iam:PassRole only on the one role "
               "ARN needed",
        "terraform": 'resources = [aws_iam_role.worker.arn]  # for iam:PassRole, never "*"',
    },
    references=(_OWASP,
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                "id_roles_use_passrole.html"),
    cwe=(269,),
    equivalents={"Checkov": "CKV_AWS_286", "Prowler":
                 "iam_policy_allows_privilege_escalation"},
)
def privilege_escalation(app: App, facts: Facts) -> Iterator[Finding]:
    for role in app.roles.values():
        found = escalations(role, facts.memo)
        if not found:
            continue
        described = [f"{path.title} ({path.explains})" for path, _ in found]
        first = found[0][1][0]
        related = []
        for path, statements in found:
            for statement in statements:
                if statement.location and (statement.location, path.title) not in related:
                    related.append((statement.location, path.title))
        yield make_finding(
            "FG-PERM-006",
            f"Role '{logical_id(role.id)}' can escalate its privileges: "
            + "; ".join(described) + ".",
            _where(first, role), f"escalation:{logical_id(role.id)}",
            related=related, properties={"paths": [path.id for path, _ in found]},
        )


@rule(
    "FG-PERM-007",
    "Allow statement with NotAction or NotResource",
    threat="permissions",
    severity="high",
    description="""
`Effect: Allow` with `NotAction` grants every action except those listed, including
actions of services added later; with `NotResource` it grants the actions on every
resource except those listed. Both are almost always far broader than intended.
""",
    remediation={
        "serverless": "- Effect: Allow\n  Action: [sqs:SendMessage]\n"
                      "  Resource: !GetAtt Queue.Arn",
        "sam": "Policies:\n  - SQSSendMessagePolicy:\n      QueueName: !GetAtt Queue.QueueName",
        "terraform": "# use actions/resources, not not_actions/not_resources, with Allow",
        "cloudformation": "# the statement of the role's AWS::IAM::Policy PolicyDocument\n"
                          "- Effect: Allow\n"
                          "  Action: [sqs:SendMessage]\n"
                          "  Resource: !GetAtt Queue.Arn",
        "cdk": "# CDK: queue.grantSendMessages(fn) in place of the statement",
    },
    references=(_OWASP,
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                "reference_policies_elements_notaction.html"),
    cwe=(732,),
    equivalents={"cfn_nag": "W15 (NotAction), W21 (NotResource)"},
)
def allow_not(app: App, facts: Facts) -> Iterator[Finding]:
    for role, index, statement in _own_statements(app, facts):
        used = [name for name, values in (("NotAction", statement.not_actions),
                                          ("NotResource", statement.not_resources))
                if values]
        if used:
            yield make_finding(
                "FG-PERM-007",
                f"Role '{logical_id(role.id)}' has an Allow statement with "
                f"{' and '.join(used)}: it grants everything except what is listed.",
                _where(statement, role),
                f"allow-not:{logical_id(role.id)}:{statement.source}:{index}",
            )


@rule(
    "FG-PERM-008",
    "One IAM role shared by several functions",
    threat="permissions",
    severity="low",
    description="""
When several functions run with one role, each holds the union of the permissions all of
them need: the function that only reads a queue can also write the table another one
writes. Least privilege needs one role per function. (The Serverless Framework gives all
functions of a service one shared role unless each function declares its own.) When the
code shows that the functions need different permissions, FG-PERM-104 reports the role
and this finding is folded into it (a related location of FG-PERM-104 listing every
function sharing the role).
""",
    remediation={
        "serverless": "# one role per function, e.g. with the serverless-iam-roles-per-function "
                      "plugin:\nfunctions:\n  reader:\n    iamRoleStatements:\n"
                      "      - Effect: Allow\n        Action: [sqs:ReceiveMessage]\n"
                      "        Resource: !GetAtt Queue.Arn",
        "sam": "# give each AWS::Serverless::Function its own Policies (SAM then creates one "
               "role per function) instead of a shared Role:",
        "terraform": "# one aws_iam_role per aws_lambda_function",
        **ROLE_PER_FUNCTION_FIXES,
        "cloudformation": "# give each AWS::Lambda::Function its own AWS::IAM::Role (Role: "
                          "!GetAtt ApiRole.Arn) instead of a shared one",
        "cdk": "# CDK: leave each lambda.Function's role out: it then creates its own",
    },
    references=(_OWASP,
                "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html"),
    cwe=(250,),
)
def shared_role(app: App, facts: Facts) -> Iterator[Finding]:
    groups: dict[str, list[str]] = {}
    for function in app.functions.values():
        key = function.role or (function.role_arn if isinstance(function.role_arn, str) else None)
        if key:
            groups.setdefault(key, []).append(function.id)
    for key, functions in sorted(groups.items()):
        if len(functions) < 2:
            continue
        role = app.roles.get(key)
        # one role ARN may be written in several Terraform roots or templates
        names = sorted(display_names(app.functions[f] for f in functions).values())
        location = role.location if role else app.functions[functions[0]].location
        yield make_finding(
            "FG-PERM-008",
            f"Role '{logical_id(key)}' is shared by {len(names)} functions: "
            f"{short_list(names, 8)}; each of them holds the permissions of all.",
            location, f"shared-role:{logical_id(key)}",
            properties={"functions": names},
            folds_into=("FG-PERM-104", f"shared-needs:{logical_id(key)}") if role else None,
        )


#: The actions of a role's trust policy that hand out the role's credentials (a table of
#: `endpoints.allowed_of`: a trust policy's service is "iam").
ASSUME_ACTIONS: dict[str, tuple[str, ...]] = {
    "iam": ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"),
}


@rule(
    "FG-PERM-009",
    "Role anyone can assume",
    threat="permissions",
    severity="critical",
    description="""
A role whose trust policy allows `sts:AssumeRole` to every AWS principal (`Principal: "*"`
or `{AWS: "*"}`) with no condition tying it to your account or organisation
(`aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalArn`, a source VPC or IP)
can be assumed from any AWS account in the world: whoever does holds every permission of
the role, those of the functions that run with it included. The function's own service
(`lambda.amazonaws.com`) is the only principal an execution role needs; name another
account's role or root explicitly when it must assume it, or keep the wildcard with an
`aws:PrincipalOrgID` condition.
""",
    remediation={
        "serverless": "resources:\n  Resources:\n    WorkerRole:\n"
                      "      Type: AWS::IAM::Role\n      Properties:\n"
                      "        AssumeRolePolicyDocument:\n          Statement:\n"
                      "            - Effect: Allow\n"
                      "              Principal: {Service: lambda.amazonaws.com}\n"
                      "              Action: sts:AssumeRole",
        "sam": "AssumeRolePolicyDocument:\n  Statement:\n    - Effect: Allow\n"
               "      Principal: {Service: lambda.amazonaws.com}\n"
               "      Action: sts:AssumeRole",
        "terraform": 'data "aws_iam_policy_document" "assume" {\n  statement {\n'
                     '    actions = ["sts:AssumeRole"]\n    principals {\n'
                     '      type        = "Service"\n'
                     '      identifiers = ["lambda.amazonaws.com"]\n    }\n  }\n}',
    },
    references=(_OWASP,
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                "id_roles_terms-and-concepts.html",
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                "reference_policies_condition-keys.html#condition-keys-principalorgid"),
    cwe=(284,),
    equivalents={"Checkov": "CKV_AWS_60"},
)
def role_anyone_can_assume(app: App, facts: Facts) -> Iterator[Finding]:
    for policy in app.resource_policies:
        if policy.service != "iam" or not grants_anyone(policy.statement) or \
                is_restricted(policy):
            continue
        actions = allowed_of(policy, ASSUME_ACTIONS)
        if not actions:
            continue
        role_id = policy_target(policy)
        functions = sorted(logical_id(f.id) for f in app.functions_of_role(role_id))
        plural = "s" if len(functions) > 1 else ""
        used = f" (the role of function{plural} {short_list(functions, 8)})" \
            if functions else ""
        keys = sorted({str(key) for block in policy.statement.conditions.values()
                       if isinstance(block, dict) for key in block})
        # a condition on what the caller says or shows (an external id, MFA) ties the
        # role to no account: worded as what it is, not as no condition
        condition = f"only a condition on {', '.join(keys)}" if keys else "no condition"
        yield make_finding(
            "FG-PERM-009",
            f"Role '{logical_id(role_id)}'{used} lets any AWS principal assume it "
            f"({', '.join(actions)}, {condition}): anyone in any account gets its "
            "permissions.",
            policy.location, f"assume-anyone:{logical_id(role_id)}",
            properties={"functions": functions})
