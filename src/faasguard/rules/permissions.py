"""Over-privileged permissions: wildcards, admin policies, escalation, shared roles."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.analysis.facts import Facts
from faasguard.findings import Finding, make_finding, rule
from faasguard.model import App, logical_id


@rule(
    "FG-PERM-001",
    "IAM statement allows every action",
    threat="permissions",
    severity="critical",
    description="""
An `Allow` statement with `Action: "*"` gives the function every permission of every AWS
service on the resources listed; on `Resource: "*"` it is account administrator. A single
injection bug in the handler then becomes a full account takeover.
""",
    remediation={
        "serverless": "provider:\n  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
                      "          Action: [dynamodb:GetItem]\n"
                      "          Resource: !GetAtt Table.Arn",
        "sam": "Policies:\n  - DynamoDBReadPolicy:\n      TableName: !Ref Table",
    },
    references=("OWASP Serverless Top 10: SAS-4 Over-Privileged Function Permissions",),
    cwe=(269, 250),
    equivalents={"Checkov": "CKV_AWS_63", "cfn_nag": "F2"},
)
def action_star(app: App, facts: Facts) -> Iterator[Finding]:
    for role in app.roles.values():
        for index, statement in enumerate(role.statements):
            if statement.effect == "Allow" and "*" in statement.actions:
                location = statement.location or role.location
                yield make_finding(
                    "FG-PERM-001",
                    f"Role '{logical_id(role.id)}' allows Action '*' on "
                    f"{', '.join(map(str, statement.resources)) or 'no resource'}.",
                    location, f"statement:{logical_id(role.id)}:{statement.source}:{index}",
                )
