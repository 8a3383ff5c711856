"""A minimal IAM policy written for Terraform: an `aws_iam_policy_document` data source
whose resources are Terraform references (`aws_sqs_queue.jobs.arn`), where the policy
computed for a function holds CloudFormation's intrinsics (`Fn::GetAtt`, `Ref`,
`Fn::Sub`) around the Terraform addresses the loader names resources by."""

from __future__ import annotations

import json
import re
from typing import Any

#: What a CloudFormation pseudo parameter is in Terraform, and the data source it needs.
_PSEUDO: dict[str, tuple[str, str]] = {
    "AWS::Partition": ("data.aws_partition.current.partition",
                       'data "aws_partition" "current" {}'),
    "AWS::Region": ("data.aws_region.current.name", 'data "aws_region" "current" {}'),
    "AWS::AccountId": ("data.aws_caller_identity.current.account_id",
                       'data "aws_caller_identity" "current" {}'),
}

#: Attributes whose Terraform name is not the snake_case of CloudFormation's.
_ATTRIBUTES = {"QueueName": "name", "TopicName": "name"}

#: A `${...}` of an Fn::Sub string.
_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")
#: A lower-case letter or digit followed by an upper-case one (snake_case boundary).
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def label(function_name: str) -> str:
    """The data source's name for a function (`aws_lambda_function.worker` -> worker)."""
    return re.sub(r"\W", "_", function_name.rsplit(".", 1)[-1]) or "function"


def policy_document(label: str, policy: dict[str, Any]) -> str:
    """The policy as HCL: the data sources its pseudo parameters need, then
    `data "aws_iam_policy_document" "<label>"` with one `statement` block per statement."""
    needed: dict[str, None] = {}
    blocks = []
    for statement in policy["Statement"]:
        actions = statement["Action"]
        resources = statement["Resource"]
        lines = [f"    effect    = {_string(statement['Effect'])}",
                 f"    actions   = {_list(actions if isinstance(actions, list) else [actions])}",
                 "    resources = " + _list([_expression(r, needed) for r in (
                     resources if isinstance(resources, list) else [resources])], quoted=True)]
        blocks.append("  statement {\n" + "\n".join(lines) + "\n  }\n")
    head = "".join(f"{source}\n" for source in needed)
    return (f"{head}{chr(10) if head else ''}data \"aws_iam_policy_document\" \"{label}\" {{\n"
            + "".join(blocks) + "}\n")


def attribute(cfn_attribute: str) -> str:
    """The Terraform attribute of a CloudFormation `Fn::GetAtt` attribute (Arn -> arn,
    StreamArn -> stream_arn, QueueName -> name)."""
    return _ATTRIBUTES.get(cfn_attribute) or _CAMEL.sub("_", cfn_attribute).lower()


def _expression(value: Any, needed: dict[str, None]) -> str:
    """A policy resource as an HCL expression: a reference, a string template, a string."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict) and len(value) == 1:
        [(function, argument)] = value.items()
        if function == "Fn::GetAtt" and isinstance(argument, list) and len(argument) == 2:
            return f"{argument[0]}.{attribute(argument[1])}"
        if function == "Ref" and isinstance(argument, str):
            return _reference(argument, needed)
        if function == "Fn::Sub" and isinstance(argument, str):
            return _template(argument, needed)
    # no intrinsic the policy writer makes: shown as a placeholder to fill in
    return _string(f"<{json.dumps(value, sort_keys=True)}>")


def _reference(variable: str, needed: dict[str, None]) -> str:
    """`Ref` of a Terraform address (its `id`: a table's or bucket's name, a queue's URL, a
    topic's ARN, as CloudFormation's Ref gives) or of a pseudo parameter."""
    pseudo = _PSEUDO.get(variable)
    if pseudo is not None:
        needed[pseudo[1]] = None
        return pseudo[0]
    parts = variable.split(".")
    start = 0
    while parts[start:start + 1] == ["module"]:
        start += 2
    if parts[start:start + 1] == ["data"]:
        start += 1
    # `${aws_sqs_queue.jobs.Arn}`: an attribute; `${aws_sqs_queue.jobs}`: the Ref
    if len(parts) - start == 3:
        return ".".join(parts[:-1]) + f".{attribute(parts[-1])}"
    return f"{variable}.id"


def _template(text: str, needed: dict[str, None]) -> str:
    """An Fn::Sub string as an HCL string template."""
    out = []
    position = 0
    for match in _SUB_VARIABLE.finditer(text):
        out.append(_escaped(text[position:match.start()]))
        out.append("${" + _reference(match.group(1), needed) + "}")
        position = match.end()
    out.append(_escaped(text[position:]))
    return '"' + "".join(out) + '"'


def _escaped(text: str) -> str:
    """Literal text inside an HCL quoted string."""
    return json.dumps(text)[1:-1].replace("${", "$${").replace("%{", "%%{")


def _string(text: str) -> str:
    return f'"{_escaped(text)}"'


def _list(items: list[str], quoted: bool = False) -> str:
    """An HCL list of expressions (`quoted`) or of strings."""
    parts = items if quoted else [_string(item) for item in items]
    one_line = f"[{', '.join(parts)}]"
    if len(one_line) <= 80:
        return one_line
    return "[\n" + "".join(f"      {part},\n" for part in parts) + "    ]"
