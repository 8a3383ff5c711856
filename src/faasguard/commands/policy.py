"""`faasguard policy PATH...`: the minimal IAM policy of each function, from its code."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from faasguard.commands import policy_terraform
from faasguard.commands.app_options import add_app_arguments
from faasguard.model import App, Function, display_names, logical_id

HELP = "print each function's least-privilege IAM policy, computed from its code"
EPILOG = """\
examples:
  faasguard policy .
  faasguard policy . --function search --format serverless
  faasguard policy template.yaml --format sam --diff
  faasguard policy . --format json > policies.json

The policy covers every AWS SDK call reachable from the handler (boto3/botocore clients,
resources, collections, paginators, waiters, S3 transfers, aioboto3), on the resources
the code names (environment variables resolved through the template). A resource the
code does not name statically is printed as an explicit <placeholder> to fill in.
--format json prints one object: function name -> IAM policy document (two functions of
one name, in two Terraform roots or templates, are keyed by the name followed by where
each is declared: "aws_lambda_function.api (orders/main.tf:1)"). Without --format,
each function is printed in its template's format (Terraform: an aws_iam_policy_document
whose resources are references such as aws_sqs_queue.jobs.arn). Permissions Lambda itself
needs (logs, event-source polling) are left to the framework for serverless.yml and SAM,
which add them to the roles they create; other formats get them in the policy.
exit codes: 0 done, 2 usage or configuration error, or nothing could be read."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `faasguard policy`."""
    parser.epilog = EPILOG
    parser.add_argument("paths", nargs="+", metavar="PATH", help="folders or files to read")
    parser.add_argument("--function", action="append", default=[], metavar="NAME",
                        help="only this function (its name in the template; repeatable)")
    parser.add_argument("--format", choices=("json", "serverless", "sam"),
                        help="output format (default: each function in its template's format)")
    parser.add_argument("--diff", action="store_true",
                        help="compare the minimal policy with what the role grants today")
    add_app_arguments(parser)


def _selected(app: App, wanted: list[str]) -> list[Function] | None:
    functions = sorted(app.functions.values(), key=lambda f: logical_id(f.id))
    if not wanted:
        return functions
    chosen = [f for f in functions if logical_id(f.id) in wanted or f.name in wanted]
    missing = [w for w in wanted if not any(w in (logical_id(f.id), f.name) for f in chosen)]
    if missing:
        names = ", ".join(logical_id(f.id) for f in functions)
        print(f"faasguard: error: no function named {', '.join(missing)} (functions: {names})",
              file=sys.stderr)
        return None
    return chosen


def policy_report(app: App, facts: Any, functions: list[Function]) -> dict[str, Any]:
    """Per function name (`display_names`: its logical id, followed by where it is declared
    when another function of the report has that id): its minimal policy, whether its
    code was analysed, and the diff with what its role grants today (JSON-ready)."""
    from faasguard.analysis.privileges import include_platform, minimal_policy, needs_of

    names = display_names(functions)
    report: dict[str, Any] = {}
    for function in functions:
        needs = needs_of(function, app, facts)
        entry: dict[str, Any] = {"function": function, "needs": needs}
        if needs is None:
            entry["policy"] = None
        else:
            entry["policy"] = minimal_policy(needs, include_platform(function))
        report[names[function.id]] = entry
    return report


def _diff(app: App, function: Function, needs: Any) -> dict[str, list[str]]:
    from faasguard.analysis.iam_catalog import expand
    from faasguard.analysis.privileges import is_granted
    from faasguard.rules.iam_tables import action_matches

    role = app.roles.get(function.role) if function.role else None
    add: list[str] = []
    keep: list[str] = []
    remove: list[str] = []
    statements = role.statements if role else []
    for action in sorted(needs.needs, key=str.lower):
        need = needs.needs[action]
        for resource in need.resources:
            grant = is_granted(statements, action, resource).granted
            line = f"{action} on {resource.text}" + ("" if need.calls else
                                                     f" (Lambda: {need.platform})")
            (keep if grant is not False else add).append(line)
    for statement in statements:
        if statement.effect != "Allow":
            continue
        where = f"{statement.location}" if statement.location else statement.source
        for pattern in statement.actions:
            if not isinstance(pattern, str):
                continue
            used = [a for a in needs.needs if action_matches(pattern, a)]
            covered = len(expand(pattern))
            if not used:
                remove.append(f"{pattern} ({where})")
            elif covered > len(used):
                remove.append(f"{pattern} ({where}): narrow to {', '.join(sorted(used))}")
        if statement.not_actions:
            remove.append(f"NotAction {', '.join(map(str, statement.not_actions))} ({where})")
    return {"add": add, "keep": keep, "remove": remove}


def _statements_yaml(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(s) for s in policy["Statement"]]


def render(app: App, report: dict[str, Any], fmt: str | None, diff: bool) -> str:
    """The report in the chosen format (None: each function in its template's format)."""
    import yaml

    if fmt == "json":
        out: dict[str, Any] = {}
        for name, entry in report.items():
            policy = entry["policy"] or {"Version": "2012-10-17", "Statement": []}
            if diff and entry["needs"] is not None:
                out[name] = {"policy": policy, **_diff(app, entry["function"], entry["needs"])}
            else:
                out[name] = policy
        return json.dumps(out, indent=2) + "\n"
    chunks: list[str] = []
    for label, entry in report.items():
        function: Function = entry["function"]
        name = logical_id(function.id)  # what the template writes, for its snippets
        # `Policies` is AWS::Serverless::Function's: an AWS::Lambda::Function (plain
        # CloudFormation, CDK output) has its role's policy document instead
        style = fmt or (function.format if function.format in ("serverless", "sam",
                                                                "terraform") else "json")
        header = f"# {label} ({function.source_file or 'handler not found'})"
        if entry["policy"] is None:
            chunks.append(f"{header}\n# its code was not analysed (a runtime faasguard does "
                          "not read, or the handler was not found): no policy can be computed\n")
            continue
        needs = entry["needs"]
        notes = [header]
        if not needs.complete:
            notes.append("# WARNING: some AWS calls could not be identified (a client of a "
                         "service named at run time, or code the scan cannot read): add "
                         "what they need")
        notes.extend(f"#   at {c.file}:{c.line}: {c.method}" for c in needs.unknown_calls)
        statements = _statements_yaml(entry["policy"])
        if not statements:
            notes.append("# the code makes no AWS call: no statement needed" if needs.complete
                         else "# the code read makes no AWS call")
        body: dict[str, Any] | None
        if style == "serverless":
            body = {"functions": {name: {"iamRoleStatements": statements}}} if statements \
                else None
            notes.append("# per-function statements (serverless-iam-roles-per-function), or "
                         "under provider.iam.role.statements for a role of its own")
        elif style == "sam":
            body = {"Resources": {name: {"Properties": {"Policies": [
                {"Statement": statements}]}}}} if statements else None
        elif style == "terraform":
            body = None
            if statements:
                label = policy_terraform.label(name)
                notes.append("# attach it with aws_iam_role_policy: policy = "
                             f"data.aws_iam_policy_document.{label}.json")
                notes.append(policy_terraform.policy_document(label, entry["policy"]).rstrip())
        else:
            body = entry["policy"]
            if function.format in ("cloudformation", "cdk") and statements:
                notes.append("# the policy document of its role (AWS::IAM::Policy "
                             "PolicyDocument; in CDK code, iam.PolicyDocument.fromJson)")
        text = "\n".join(notes) + "\n"
        if body is not None:
            text += yaml.safe_dump(body, sort_keys=False, default_flow_style=False) \
                if style != "json" else json.dumps(body, indent=2) + "\n"
        if diff:
            changes = _diff(app, function, needs)
            text += "# compared with the role granted today:\n"
            text += "".join(f"#  + {line}   (needed, not granted)\n" for line in changes["add"])
            text += "".join(f"#  - {line}\n" for line in changes["remove"])
            text += "".join(f"#    {line}\n" for line in changes["keep"])
        chunks.append(text)
    return "\n".join(chunks)


def run(args: argparse.Namespace) -> int:
    """Print the minimal policies."""
    from faasguard.analysis.awscalls import analyse_aws_calls
    from faasguard.analysis.handlers import resolve
    from faasguard.analysis.js.project import analyse_js_aws_calls
    from faasguard.commands.endpoints import diagnostic_line, load

    loaded = load(args)
    if loaded is None:
        return 2
    app, facts = loaded
    functions = _selected(app, args.function)
    if functions is None:
        return 2
    resolve(app, facts)
    analyse_aws_calls(app, facts)
    analyse_js_aws_calls(app, facts)  # Node.js handlers
    for diag in app.diagnostics:
        if diag.code in ("handler", "awscalls") and diag.level != "note":
            print(diagnostic_line(diag), file=sys.stderr)
    sys.stdout.write(render(app, policy_report(app, facts, functions), args.format, args.diff))
    return 0
