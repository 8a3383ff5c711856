"""Least privilege from code: the function's role compared with what its code calls.

These rules read `facts.aws_calls` (analysis.awscalls) through analysis.privileges. They
complement the configuration-level rules of rules/permissions.py (FG-PERM-001..008):
those judge a policy on its own; these judge it against the AWS calls the handler code
makes, and say exactly what to keep.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache
from itertools import islice
from shlex import quote
from textwrap import indent
from typing import Any, TypeVar, cast

from faasguard.analysis.facts import Facts
from faasguard.analysis.iam_catalog import action_levels, expand, lookup
from faasguard.analysis.privileges import (
    Grant,
    Needs,
    all_action_count,
    granted_actions,
    is_granted,
    needs_of,
    role_known,
)
from faasguard.findings import Finding, FlowStep, make_finding, rule
from faasguard.model import App, Function, Location, Role, Statement, Value, logical_id
from faasguard.rules.iam_tables import (
    EscalationPath,
    any_matches,
    covered,
    every_of_a_type,
    is_full_wildcard,
    is_wildcard_resource,
    role_paths,
    service_wildcard,
    wildcard_patterns,
    wildcards,
)
from faasguard.rules.util import (
    ROLE_PER_FUNCTION_FIXES,
    policy_file_fixes,
    remediation_chooser,
    remediation_for,
    short_list,
    value_text,
)

_OWASP = "OWASP Serverless Top 10: SAS-4 Over-Privileged Function Permissions and Roles"
_LEAST_PRIVILEGE = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                    "best-practices.html#grant-least-privilege")
_HIGH_LEVELS = ("Permissions management", "Write")
_LEVEL_ORDER = ("Permissions management", "Write", "Tagging", "List", "Read", "Unknown")
_V = TypeVar("_V", list[str], dict[str, int])
_POLICY_HINT = "Run `faasguard policy PATH --function {name}` for the minimal policy."


def _analysed(app: App, facts: Facts) -> Iterator[tuple[Function, Role, Needs, list[str]]]:
    """Functions whose code was analysed and whose role's permissions are known, with the
    actions their code uses (sorted by lower-case name), worked out once per scan: five
    rules ask (and whether a role's permissions are known, once per role: roles are
    shared)."""
    found: list[tuple[Function, Role, Needs, list[str]]] | None = \
        facts.memo.get("leastpriv.analysed")
    if found is None:
        found = facts.memo["leastpriv.analysed"] = []
        known: dict[str, bool] = {}  # role id -> role_known
        for function in app.functions.values():
            role = app.roles.get(function.role) if function.role else None
            if role is None:
                continue
            is_known = known.get(role.id)
            if is_known is None:
                is_known = known[role.id] = role_known(role)
            if not is_known:
                continue
            needs = needs_of(function, app, facts)
            if needs is not None:
                found.append((function, role, needs,
                              sorted(needs.code_actions(), key=str.lower)))
    yield from found


def _uses(needs: Needs, code_actions: list[str]) -> str:
    """What the code uses, for messages: `code_actions` (sorted) and their resources."""
    return _uses_all([needs], code_actions)


def _call_site(needs: Needs, action: str) -> Location:
    call = needs.needs[action].calls[0]
    return Location(call.file, call.line)


@rule(
    "FG-PERM-101",
    "Permissions granted that the function's code never uses",
    threat="permissions",
    severity="medium",
    description="""
The function's role grants IAM actions that neither its code (every AWS SDK call
reachable from the handler, found by the AWS call analysis) nor Lambda itself (logs,
traces, event-source polling) ever uses. Every unused grant is free power for an attacker
who gets code execution through an injection or a dependency. Unused *Permissions
management* actions (IAM, resource policies) are reported as high, unused *Write*
actions as medium, the rest as low. The finding lists what the code does use; `faasguard
policy` prints the minimal policy. Functions whose code makes calls the analysis cannot
identify (a client of a service named at run time) or imports code the scan cannot read (a
Lambda layer's module, a module missing from the project: neither the standard library nor
a declared dependency) are not reported: what cannot be seen is not unused.

A role several functions share is reported once, at the role's first statement granting
an unused action: the grants the code of none of them uses (removing those breaks none of
them), with the list of the functions and what their code uses. What each of them holds
beyond its own needs because the others need it is FG-PERM-104's. When the code of some
of them was not analysed in full, the finding names them (they may need some of the
grants) and is of medium confidence.
On a role with an `Action: "*"` statement, this finding is folded into FG-PERM-001's on
that statement (critical, one problem with one fix): what the code uses and the counts of
what it leaves unused are a related location of FG-PERM-001, its properties under
`absorbed`.
""",
    remediation={
        "serverless": "# replace the statements with the minimal policy printed by\n"
                      "#   faasguard policy . --function NAME --format serverless",
        "sam": "# replace the Policies with the minimal policy printed by\n"
               "#   faasguard policy . --function NAME --format sam",
        "terraform": "# replace the role's policy with the minimal one printed by\n"
                     "#   faasguard policy . --function NAME --format json\n"
                     "# (the policy of an aws_iam_role_policy, or jsonencode it)",
        "text": "Grant only what `faasguard policy PATH --function NAME` prints.",
        "chalice": "# replace the statements of the policy file (.chalice/policy-<stage>.json\n"
                   "# or the iam_policy_file) with the minimal policy printed by\n"
                   "#   faasguard policy . --function NAME --format json",
        "zappa": "# replace the statements of the attach_policy file (and\n"
                 "# extra_permissions) with the minimal policy printed by\n"
                 "#   faasguard policy . --function NAME --format json",
        "cloudformation": "# replace the role's policy document with the minimal one printed by\n"
                          "#   faasguard policy . --function NAME",
    },
    references=(_OWASP, _LEAST_PRIVILEGE),
    cwe=(250, 269),
)
def unused_grants(app: App, facts: Facts) -> Iterator[Finding]:
    grants: dict[str, _Granted] = {}  # roles alike in content: expanded once
    verdicts: dict[tuple[int, frozenset[str]], _Unused] = {}  # by (id of grant, used)
    firsts: dict[tuple[str, frozenset[str]], Statement | None] = {}
    by_content: dict[tuple[Any, ...], _Granted] = {}
    alike_values = _AlikeValues()
    holders: dict[str, list[Function]] = {}  # role id -> the functions running with it
    for function in app.functions.values():
        if function.role:
            holders.setdefault(function.role, []).append(function)
    members: dict[str, list[tuple[Function, Needs, list[str]]]] = {}
    for function, role, needs, code_actions in _analysed(app, facts):
        members.setdefault(role.id, []).append((function, needs, code_actions))
    for role_id, analysed in members.items():
        complete = [member for member in analysed if member[1].complete]
        if not complete:
            continue
        role = app.roles[role_id]
        granted = grants.get(role_id)
        if granted is None:
            granted = grants[role_id] = _granted_by(role, by_content)
        # the actions needed (lower-case) that the role grants, lower-cased in C
        used = frozenset().union(*(granted.level_of.keys() & map(str.lower, needs.needs)
                                   for _, needs, _ in complete))
        if len(used) == len(granted.names):
            continue
        verdict = verdicts.get((id(granted), used))
        if verdict is None:  # functions of alike roles use the same actions: judged once
            verdict = verdicts[(id(granted), used)] = _Unused(granted, used, alike_values)
        key = (role_id, used)  # functions of a role often use the same actions
        if key in firsts:
            statement = firsts[key]
        else:
            statement = firsts[key] = _first_granting(role, verdict.first_unused)
        where = statement.location if statement and statement.location else role.location
        if len(holders[role_id]) == 1:
            function, needs, code_actions = complete[0]
            finding = _unused_of_function(function, needs, code_actions, verdict, where,
                                          alike_values)
        else:
            finding = _unused_of_role(app, facts, role, holders[role_id], complete, verdict,
                                      where, alike_values)
        star = _every_action(role)
        if star is not None:  # the role grants everything: FG-PERM-001's problem
            finding.folds_into, finding.see_also = star, ()
        yield finding


def _every_action(role: Role) -> tuple[str, str] | None:
    """(rule id, subject) of FG-PERM-001's finding on the role's first Allow statement
    granting every action (`Action: "*"`), if it has one: what the role's code leaves
    unused is then that statement's doing, one problem with FG-PERM-001's fix."""
    for index, statement in enumerate(role.statements):
        if statement.effect == "Allow" and wildcards(statement.actions)[0]:
            return ("FG-PERM-001", f"statement:{logical_id(role.id)}:{statement.source}:{index}")
    return None


def _unused_of_function(function: Function, needs: Needs, code_actions: list[str],
                        verdict: _Unused, where: Location, alike: _AlikeValues) -> Finding:
    """FG-PERM-101 on a role the function has to itself."""
    name = logical_id(function.id)
    return make_finding(
        "FG-PERM-101",
        f"Function '{name}' is granted {verdict.summary}). "
        f"Its code uses {_uses(needs, code_actions)}. " + _POLICY_HINT.format(name=quote(name)),
        where, f"unused:{name}", severity=verdict.severity,
        related=[(Location(c.file, c.line), f"{', '.join(c.actions)}")
                 for n in needs.needs.values() for c in n.calls][:20],
        properties={"unused_by_level": verdict.counts,
                    "used": alike.get(code_actions),
                    "sample_unused": verdict.sample},
    )


def _unused_of_role(app: App, facts: Facts, role: Role, holders: list[Function],
                    complete: list[tuple[Function, Needs, list[str]]], verdict: _Unused,
                    where: Location, alike: _AlikeValues) -> Finding:
    """FG-PERM-101 on a role several functions share: one finding for the role, about the
    grants the code of none of them uses (removing those breaks none of them; what each
    holds beyond its own needs is FG-PERM-104's). A function of the role whose code was
    not analysed in full may need some of them: it is named, and the finding is then of
    medium confidence."""
    names = sorted(logical_id(f.id) for f in holders)
    read = sorted(logical_id(f.id) for f, _, _ in complete)
    read_names = set(read)
    unread = [name for name in names if name not in read_names]
    code_actions = sorted({a for _, _, actions in complete for a in actions}, key=str.lower)
    by, whose = "by their code", "Their code"
    if unread:
        by = (f"by the code of {_quoted(read)}; the code of {_quoted(unread)} was not "
              "analysed in full and may need some of them")
        whose = f"The code of {_quoted(read)}"
    options = " ".join(f"--function {quote(n)}" for n in names) if len(names) <= 3 else ""
    return make_finding(
        "FG-PERM-101",
        f"Role '{logical_id(role.id)}', shared by functions {_quoted(names)}, grants "
        f"{verdict.summary}) {by}. {whose} uses "
        f"{_uses_all([needs for _, needs, _ in complete], code_actions)}. Run "
        f"`faasguard policy PATH{' ' + options if options else ''}` for their minimal "
        "policies: the role needs only their union.",
        where, f"unused-role:{logical_id(role.id)}", severity=verdict.severity,
        confidence="medium" if unread else "high",
        remediation=remediation_for(app, facts, where.file, _shared_fixes(options)),
        related=[(Location(c.file, c.line), f"{', '.join(c.actions)}")
                 for _, needs, _ in complete for n in needs.needs.values()
                 for c in n.calls][:20],
        properties={"functions": names, "unused_by_level": verdict.counts,
                    "used": alike.get(code_actions), "sample_unused": verdict.sample,
                    **({"not_analysed": unread} if unread else {})},
        see_also=(("FG-PERM-104", f"shared-needs:{logical_id(role.id)}"),),
    )


def _quoted(names: list[str], limit: int = 6) -> str:
    """Names for a message: 'a', 'b' and 'c' (the first `limit`, then how many more)."""
    quoted = [f"'{name}'" for name in names[:limit]]
    if len(names) > limit:
        return f"{', '.join(quoted)} and {len(names) - limit} more"
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _uses_all(all_needs: list[Needs], code_actions: list[str]) -> str:
    """What the code of several functions uses, for messages: `code_actions` (sorted) and
    the resources any of them touches with each."""
    used = []
    for action in code_actions:
        texts = dict.fromkeys(r.text for needs in all_needs if action in needs.needs
                              for r in needs.needs[action].resources)
        used.append(f"{action} on {', '.join(texts)}")
    return "; ".join(used) if used else "no AWS action"


#: Per remediation key: the `faasguard policy` format to print, and where the role's
#: statements are written.
_POLICY_FORMATS = {
    "serverless": ("serverless", "provider.iam.role.statements"),
    "sam": ("sam", "the role's policies"),
    "terraform": ("json", "the role's policy"),
    "chalice": ("json", "the policy file (.chalice/policy-<stage>.json or iam_policy_file)"),
    "zappa": ("json", "the attach_policy file (and extra_permissions)"),
}


def _shared_fixes(options: str) -> dict[str, str]:
    """FG-PERM-101's fix on a shared role: keep the union of its functions' minimal
    policies (`options`: the `--function` options naming them, '' for all)."""
    return {key: f"# keep in {where} only the union of the minimal\n"
                 "# policies of the functions sharing the role, printed by\n"
                 f"#   faasguard policy .{' ' + options if options else ''} --format {form}\n"
                 "# and remove every other action"
            for key, (form, where) in _POLICY_FORMATS.items()}


def _granted_by(role: Role, by_content: dict[tuple[Any, ...], _Granted]) -> _Granted:
    """What the role grants (`granted_actions`), expanded once for the roles whose
    statements are all Allow with the same Action/NotAction lists: only those decide
    what such a role grants somewhere (resources and conditions only narrow where)."""
    if any(s.effect != "Allow" for s in role.statements):
        return _granted(granted_actions(role))
    key = tuple((s.actions, s.not_actions) for s in role.statements)
    try:
        found = by_content.get(key)
    except TypeError:  # an unhashable entry
        return _granted(granted_actions(role))
    if found is None:
        found = by_content[key] = _granted(granted_actions(role))
    return found


def _everything(levels: dict[str, str]) -> bool:
    """Do the catalogued actions granted (`levels`, by lower-case name) make the whole
    catalogue? A catalogued action missing answers no at once: counting the catalogue
    (once per process) costs more than this rule at 1,000 functions."""
    for sentinel in ("iam:PassRole", "s3:GetObject"):
        if sentinel.lower() not in levels and lookup(sentinel) is not None:
            return False
    return len(levels) >= all_action_count()  # `levels` holds catalogued names only


class _Unused:
    """What a grant leaves unused when the code uses `used` (lower-case names granted):
    the parts of an FG-PERM-101 finding that do not depend on the function."""

    def __init__(self, granted: _Granted, used: frozenset[str], alike: _AlikeValues):
        self.granted = granted
        self.used = used
        counts = granted.unused_by_level(used)
        self.counts = alike.get(counts)
        self.severity = "high" if counts.get("Permissions management") else \
            "medium" if counts.get("Write") else "low"
        shown = ", ".join(f"{counts[level]:,} {level}" for level in _LEVEL_ORDER
                          if counts.get(level))
        levels = granted.level_of
        total = "every action of every service" if _everything(levels) \
            else f"{len(levels):,} actions"
        #: "<total>; <n> of them are never used (<shown>" of the message
        self.summary = (f"{total}; {len(granted.names) - len(used):,} of them are never used "
                        f"({shown}")
        self.sample = alike.get(list(islice(
            (a for a, low in granted.high if low not in used), 20)))

    @cached_property
    def first_unused(self) -> frozenset[str]:
        """The first 200 actions granted and not used, lower-case (to find the statement
        to show); the same for every role sharing the verdict."""
        return frozenset(islice((low for _, low in self.granted.lowered if low not in self.used),
                                200))


class _AlikeValues:
    """One shared object per distinct property value of a rule's findings (functions of
    alike roles and code get equal ones: thousands of copies would be held to the end of
    the scan). The values are read, never changed, once in a finding."""

    def __init__(self) -> None:
        self._seen: dict[tuple[Any, ...], Any] = {}

    def get(self, value: _V) -> _V:
        """`value`, or an equal one (same type, items and order) given before."""
        items = tuple(value.items()) if isinstance(value, dict) else tuple(value)
        return cast(_V, self._seen.setdefault((type(value), items), value))


@lru_cache(maxsize=16)
def _granted(actions: frozenset[str]) -> _Granted:
    """The expansion of one action set, shared by the roles granting the same actions.

    Kept across scans of one process (tests, editors' servers): a `*` grant expands to the
    whole IAM catalogue, about 20,000 names, which costs far more than the lookup.
    """
    return _Granted(actions)


class _Granted:
    """What a role grants, by name (sorted) and level (by lower-case name)."""

    def __init__(self, actions: frozenset[str]):
        self.level_of: dict[str, str] = {}
        #: (name, lower-case name) in the order of `names`; `high`: those of _HIGH_LEVELS
        self.lowered: list[tuple[str, str]] = []
        for name in sorted(actions):  # `expand`'s names: no blanks around them
            service, _, action = name.partition(":")
            found = action_levels(service.lower()).get(action.lower())
            if found is not None:
                low = name.lower()
                self.level_of[low] = found[1]
                self.lowered.append((name, low))
        self.names = [name for name, _ in self.lowered]
        self.totals = Counter(self.level_of.values())
        self.high = [(a, low) for a, low in self.lowered if self.level_of[low] in _HIGH_LEVELS]

    def unused_by_level(self, used: Iterable[str]) -> dict[str, int]:
        """How many of the actions granted are not in `used` (lower-case names granted),
        per level, in the order of `totals`; levels with none left out."""
        left = dict(self.totals)
        for action in used:
            left[self.level_of[action]] -= 1
        return {level: count for level, count in left.items() if count > 0}


def _first_granting(role: Role, wanted: frozenset[str]) -> Statement | None:
    """The first Allow statement (with a location) granting one of `wanted` (lower-case)."""
    for statement in role.statements:
        if statement.effect == "Allow" and statement.location and (
                statement.not_actions or covered(statement.actions, wanted)):
            return statement
    return None


#: An example resource of each service, as a fix names it in CloudFormation (serverless.yml,
#: SAM), in Terraform and as an ARN (policy files, CDK): FG-PERM-102/103's fix grants the
#: finding's own actions on one of their service (`statement_fixes`).
_EXAMPLE_RESOURCES: dict[str, tuple[str, str, str]] = {
    "dynamodb": ("!GetAtt OrdersTable.Arn", "aws_dynamodb_table.orders.arn",
                 "arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
    "s3": ("!Sub '${UploadsBucket.Arn}/*'", '"${aws_s3_bucket.uploads.arn}/*"',
           "arn:aws:s3:::uploads/*"),
    # S3's actions on a bucket, not its objects (s3:ListBucket)
    "s3-bucket": ("!GetAtt UploadsBucket.Arn", "aws_s3_bucket.uploads.arn",
                  "arn:aws:s3:::uploads"),
    "sqs": ("!GetAtt Queue.Arn", "aws_sqs_queue.queue.arn",
            "arn:aws:sqs:us-east-1:123456789012:queue"),
    "sns": ("!Ref Topic", "aws_sns_topic.topic.arn",
            "arn:aws:sns:us-east-1:123456789012:topic"),
    "kinesis": ("!GetAtt Stream.Arn", "aws_kinesis_stream.stream.arn",
                "arn:aws:kinesis:us-east-1:123456789012:stream/events"),
    "lambda": ("!GetAtt Worker.Arn", "aws_lambda_function.worker.arn",
               "arn:aws:lambda:us-east-1:123456789012:function:worker"),
    "secretsmanager": ("!Ref Secret", "aws_secretsmanager_secret.secret.arn",
                       "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf"),
    "states": ("!Ref StateMachine", "aws_sfn_state_machine.flow.arn",
               "arn:aws:states:us-east-1:123456789012:stateMachine:flow"),
    "events": ("!GetAtt Bus.Arn", "aws_cloudwatch_event_bus.bus.arn",
               "arn:aws:events:us-east-1:123456789012:event-bus/app"),
    "kms": ("!GetAtt Key.Arn", "aws_kms_key.key.arn",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
}


def _example_resource(service: str) -> tuple[str, str, str]:
    """`_EXAMPLE_RESOURCES`' entry of a service, else one the user completes."""
    found = _EXAMPLE_RESOURCES.get(service)
    if found is not None:
        return found
    arn = f"arn:aws:{service}:us-east-1:123456789012:RESOURCE"
    return (f"!Sub 'arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}"
            ":RESOURCE'", f'"{arn}"', arn)


def statement_fixes(actions: Iterable[str]) -> dict[str, str]:
    """The fix of a finding about these IAM actions, in each format: for each of their
    services, one Allow statement of its actions on an example resource of that service
    (`_EXAMPLE_RESOURCES`), never another service's."""
    by_service: dict[str, list[str]] = {}
    for action in actions:
        service, _, name = action.lower().partition(":")
        if service == "s3" and "object" not in name and "multipart" not in name:
            service = "s3-bucket"
        by_service.setdefault(service, []).append(action)
    yaml, hcl, documents, cdk = [], [], [], []
    for service, granted in sorted(by_service.items()):
        cfn, tf, arn = _example_resource(service)
        yaml.append(f"- Effect: Allow\n  Action: [{', '.join(granted)}]\n  Resource: {cfn}")
        quoted = ", ".join(f'"{a}"' for a in granted)
        hcl.append(f"statement {{\n  actions   = [{quoted}]\n  resources = [{tf}]\n}}")
        documents.append('{\n  "Effect": "Allow",\n'
                         f'  "Action": [{quoted}],\n  "Resource": "{arn}"\n}}')
        cdk.append("fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["
                   + ", ".join(f"'{a}'" for a in granted) + f"], resources: ['{arn}'] }}))")
    statements = "\n".join(yaml)
    return {
        "serverless": statements,
        "sam": "Policies:\n  - Statement:\n" + indent(statements, "      "),
        "terraform": "\n".join(hcl),
        **policy_file_fixes(",\n".join(documents)),
        "cloudformation": "# the statement of the role's AWS::IAM::Policy PolicyDocument\n"
                          + statements,
        "cdk": "# CDK: " + "; ".join(cdk),
    }


#: FG-PERM-102's fix where no function of the role uses what the statement grants.
_REMOVE_STATEMENT = {"serverless": "# remove the statement: no function of the role uses "
                                   "what it grants"}


@rule(
    "FG-PERM-102",
    "Wildcard permission that the code's calls allow to narrow",
    threat="permissions",
    severity="medium",
    description="""
A statement of the role uses a wildcard (`Action: "*"`, `dynamodb:*`, `s3:Get*`,
`Resource: "*"`, or a resource over every resource of a type, as wide for its service's
actions: every table, `arn:aws:dynamodb:*:*:table/*`) although the functions running with
the role, according to their code, need only a few of the actions it covers, on resources
the code names. The finding gives
the exact replacement: the actions used and the resources they touch. (FG-PERM-001/002/003
report wildcards on their own; this rule says what they can be narrowed to.) On a
statement with `Action: "*"` this finding is folded into FG-PERM-001's, which is critical,
and on one with every action of a service (`dynamodb:*`) into FG-PERM-002's: the
replacement is then a related location of that finding and its properties are under
`absorbed`.
""",
    remediation={
        "serverless": "- Effect: Allow\n  Action: [dynamodb:Scan]\n"
                      "  Resource: !GetAtt OrdersTable.Arn",
        "sam": "Policies:\n  - Statement:\n      - Effect: Allow\n        Action: [dynamodb:Scan]\n"
               "        Resource: !GetAtt OrdersTable.Arn",
        "terraform": 'statement {\n  actions   = ["dynamodb:Scan"]\n'
                     "  resources = [aws_dynamodb_table.orders.arn]\n}",
        **policy_file_fixes("{\n"
                            '  "Effect": "Allow",\n'
                            '  "Action": ["dynamodb:Scan"],\n'
                            '  "Resource": '
                            '"arn:aws:dynamodb:us-east-1:123456789012:table/orders"\n'
                            "}"),
        "cloudformation": "# the statement of the role's AWS::IAM::Policy PolicyDocument\n"
                          "- Effect: Allow\n"
                          "  Action: [dynamodb:Scan]\n"
                          "  Resource: !GetAtt OrdersTable.Arn",
        "cdk": "# CDK: fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Scan'], "
               "resources: [table.tableArn] }))",
    },
    references=(_OWASP, _LEAST_PRIVILEGE),
    cwe=(250,),
)
def narrowable(app: App, facts: Facts) -> Iterator[Finding]:
    per_role: dict[str, list[Needs]] = {}
    for _, role, needs, _ in _analysed(app, facts):
        per_role.setdefault(role.id, []).append(needs)
    holders = Counter(f.role for f in app.functions.values())  # functions per role
    for role_id, all_needs in sorted(per_role.items()):
        role = app.roles[role_id]
        if len(all_needs) != holders[role_id] or \
                not all(n.complete for n in all_needs):
            continue  # some function of the role was not analysed: its needs are unknown
        for index, statement in enumerate(role.statements):
            if statement.effect != "Allow" or statement.source.startswith("managed:"):
                continue
            wild_actions = wildcard_patterns(statement.actions)
            # `*`, or every resource of a type (every table: `...:table/*`), for the
            # actions of that type's service
            every = [found for r in statement.resources if (found := every_of_a_type(r))]
            full = any(map(is_wildcard_resource, statement.resources))
            wild_resources = full or bool(every)
            if not wild_actions and not wild_resources:
                continue
            used: dict[str, set[str]] = {}
            named: set[str] = set()  # actions the code names a resource of
            granted = [value_text(r) for r in statement.resources]
            for needs in all_needs:
                for action, need in needs.needs.items():
                    if not need.calls or not any_matches(statement.actions, action):
                        continue
                    texts = used.setdefault(action, set())
                    for resource in need.resources:
                        if resource.placeholder or (resource.open_tail and not wild_resources):
                            # not known from the code, or a key the code computes under
                            # what the statement already narrows: keep the grant's own
                            texts.update(granted)
                        else:
                            texts.add(resource.text)
                            named.add(action)
            expanded = {a for p in wild_actions for a in expand(p)}
            if wild_actions and len(expanded) <= len(used):
                wild_actions = ()
            services = {service for service, _ in every}
            narrower = [a for a, rs in used.items()
                        if wild_resources and a in named and "*" not in rs and
                        (full or a.split(":", 1)[0].lower() in services)]
            if not wild_actions and not narrower:
                continue
            written = ", ".join(str(a) for a in statement.actions) or "NotAction"
            if used:
                parts = [f"{a} on {', '.join(sorted(rs))}" for a, rs in sorted(used.items())]
                advice = "narrow it to " + "; ".join(parts)
            else:
                advice = "no function of the role uses it: remove it"
            yield make_finding(
                "FG-PERM-102",
                f"Role '{logical_id(role_id)}' grants {written} on "
                f"{', '.join(map(_resource_text, statement.resources)) or 'NotResource'}; "
                "the code "
                "of its "
                f"functions ({', '.join(sorted(logical_id(n.function.id) for n in all_needs))}) "
                f"needs far less: {advice}.",
                statement.location or role.location,
                f"narrow:{logical_id(role_id)}:{statement.source}:{index}",
                properties={"replacement": {a: sorted(rs) for a, rs in sorted(used.items())}},
                folds_into=_wildcard_finding(role_id, statement, index),
                remediation=remediation_for(
                    app, facts, (statement.location or role.location).file,
                    statement_fixes(sorted(used)) if used else _REMOVE_STATEMENT),
            )


def _resource_text(resource: Value) -> str:
    """A statement's resource for a message, saying what a wildcard over every resource of
    a type covers (`arn:aws:dynamodb:*:*:table/* (every table)`)."""
    every = every_of_a_type(resource)
    return value_text(resource) + (f" (every {every[1]})" if every else "")


def _wildcard_finding(role_id: str, statement: Statement, index: int) -> tuple[str, str] | None:
    """The configuration-level finding FG-PERM-102 on this statement folds into: FG-PERM-001
    on `Action: "*"`, else FG-PERM-002 on a service's every action (`dynamodb:*`): one
    statement, one problem, the narrowing being its fix."""
    if any(map(is_full_wildcard, statement.actions)):
        return ("FG-PERM-001", f"statement:{logical_id(role_id)}:{statement.source}:{index}")
    if any(map(service_wildcard, statement.actions)):
        return ("FG-PERM-002", f"service-star:{logical_id(role_id)}:{statement.source}:{index}")
    return None


@rule(
    "FG-PERM-103",
    "Role does not allow an AWS call the code makes",
    threat="permissions",
    severity="medium",
    description="""
The handler code calls an AWS API whose IAM action the function's role does not grant on
the resource the call names (or an explicit Deny takes it away): the call fails with
AccessDenied at run time. This is usually found in production, after the deployment; the
fix is to grant exactly that action on exactly that resource, not a wildcard.
""",
    remediation={
        "serverless": "- Effect: Allow\n  Action: [sqs:SendMessage]\n"
                      "  Resource: !GetAtt Queue.Arn",
        "sam": "Policies:\n  - SQSSendMessagePolicy:\n      QueueName: !GetAtt Queue.QueueName",
        "terraform": 'statement {\n  actions   = ["sqs:SendMessage"]\n'
                     "  resources = [aws_sqs_queue.queue.arn]\n}",
        "cloudformation": "# a statement of the role's AWS::IAM::Policy PolicyDocument\n"
                          "- Effect: Allow\n"
                          "  Action: [sqs:SendMessage]\n"
                          "  Resource: !GetAtt Queue.Arn",
        "cdk": "# CDK: queue.grantSendMessages(fn)",
    },
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                "troubleshoot_access-denied.html",),
    cwe=(703,),
)
def not_granted(app: App, facts: Facts) -> Iterator[Finding]:
    # the functions of a role mostly make the same calls: each answer is worked out once
    answers: dict[tuple[str, str, str, tuple[str, ...], bool], Grant] = {}
    # (action, remediation keys of the file) -> its fix as shown: written and chosen once
    # for the findings of one action in files of one format, not per finding
    chosen: dict[tuple[str, tuple[str, ...]], str] = {}
    chooser = remediation_chooser(app, facts)
    for function, role, needs, code_actions in _analysed(app, facts):
        name = None
        for action in code_actions:
            need = needs.needs[action]
            if need.optional:
                continue
            grants = []
            for r in need.resources:
                key = (role.id, action, r.text, r.forms, r.placeholder)
                grant = answers.get(key)
                if grant is None:
                    grant = answers[key] = is_granted(role.statements, action, r)
                if grant.granted is False:
                    grants.append((r, grant))
            if not grants:
                continue
            missing = [r for r, _ in grants]
            where = _call_site(needs, action)
            choice = (action, chooser.keys(where.file))
            remediation = chosen.get(choice)
            if remediation is None:
                remediation = chosen[choice] = chooser.choose(where.file,
                                                              statement_fixes([action]))
            how = " (an explicit Deny takes it away)" if any(
                g.statement is not None and g.statement.effect == "Deny"
                for _, g in grants) else ""
            if name is None:
                name = logical_id(function.id)
            role_name = logical_id(role.id)
            yield make_finding(
                "FG-PERM-103",
                f"Function '{name}' calls {action} on {', '.join(r.text for r in missing)}, "
                f"which its role '{role_name}' does not allow{how}: the call will "
                "fail with AccessDenied.",
                where, f"not-granted:{name}:{action}",
                related=[(role.location, f"role {role_name}")],
                remediation=remediation,
            )


@rule(
    "FG-PERM-104",
    "Role shared by functions whose code needs different permissions",
    threat="permissions",
    severity="medium",
    description="""
Several functions run with one role although their code needs different AWS actions: each
function holds the permissions of all the others (the one that only reads a table can
also delete from the bucket another one writes). FG-PERM-008 reports every shared role;
this rule reports those where the code shows the needs differ, and what each function
holds beyond its own needs. Where both apply, this finding absorbs FG-PERM-008's: one
finding per role, with the full list of functions sharing it as a related location. High
when a function holds a *Permissions management* action (IAM, resource policies) only
another one's code uses, as FG-PERM-101 would rate it unused on a role of its own. A
function whose code was not read in full (a layer's module, a client of a service named at
run time) is listed with what its code is seen to use, and nothing is said of what it
holds: the role is reported only when a function read in full holds more than it needs.
""",
    remediation={
        "serverless": "functions:\n  reader:\n    iam:\n      role:\n        statements:\n"
                      "          - Effect: Allow\n            Action: [dynamodb:GetItem]\n"
                      "            Resource: !GetAtt Table.Arn",
        "sam": "# give each function its own Policies instead of one shared Role",
        "terraform": "# one aws_iam_role per function, with only what its code uses\n"
                     'resource "aws_lambda_function" "reader" {\n'
                     "  role = aws_iam_role.reader.arn\n}",
        **ROLE_PER_FUNCTION_FIXES,
        "cloudformation": "# give each AWS::Lambda::Function its own AWS::IAM::Role instead of "
                          "one shared Role",
    },
    references=(_OWASP,),
    cwe=(250,),
)
def shared_different(app: App, facts: Facts) -> Iterator[Finding]:
    per_role: dict[str, list[Needs]] = {}
    for _, role, needs, _ in _analysed(app, facts):
        per_role.setdefault(role.id, []).append(needs)
    for role_id, all_needs in sorted(per_role.items()):
        if len(all_needs) < 2:
            continue
        sets = {logical_id(n.function.id): n.code_actions() for n in all_needs}
        if len({frozenset(s) for s in sets.values()}) < 2:
            continue
        # a function whose code was not read in full may need what the others do: what it
        # holds beyond the calls seen is not known, only what it is seen to need
        partial = {logical_id(n.function.id) for n in all_needs if not n.complete}
        # what the others' code uses that the role grants them (an action it allows on
        # none of the resources they use it on is FG-PERM-103's, and held by no one)
        statements = app.roles[role_id].statements
        union = {a for n in all_needs for a, need in n.needs.items() if need.calls and any(
            is_granted(statements, a, r).granted is not False for r in need.resources)}
        held = {a for name, s in sets.items() if name not in partial
                for a in union - s}  # held for the others' sake
        if not held:
            continue
        parts = [(f"{name} uses at least {', '.join(sorted(s)) or 'no AWS action'} (code not "
                  "read in full)" if name in partial else
                  f"{name} uses {', '.join(sorted(s)) or 'no AWS action'}"
                  + (f" yet holds {', '.join(sorted(union - s))}" if union - s else ""))
                 for name, s in sorted(sets.items())]
        yield make_finding(
            "FG-PERM-104",
            f"Role '{logical_id(role_id)}' is shared by functions that need different "
            f"permissions: {'; '.join(parts)}.",
            app.roles[role_id].location, f"shared-needs:{logical_id(role_id)}",
            severity="high" if any(map(_manages_permissions, held)) else None,
            properties={"needs": {k: sorted(v) for k, v in sorted(sets.items())}},
        )


def _manages_permissions(action: str) -> bool:
    """Is `action` (as the code analysis names it) of the Permissions management level?"""
    service, _, name = action.partition(":")
    found = action_levels(service.lower()).get(name.lower())
    return found is not None and found[1] == "Permissions management"


@rule(
    "FG-PERM-105",
    "Privilege escalation path open to the function's code",
    threat="permissions",
    severity="critical",
    description="""
The function's role holds a chain of IAM actions that lets code running with it obtain
more privileges (for example `iam:PassRole` + `lambda:CreateFunction` +
`lambda:InvokeFunction`, `iam:PutRolePolicy`, `iam:CreateAccessKey`, `sts:AssumeRole` on
`*`), including chains granted only through `Action: "*"` or `NotAction`, which the
configuration-level FG-PERM-006 leaves to FG-PERM-001. The finding shows the chain step by
step: the statement granting each action and whether the function's code uses it. A
step the code never uses can simply be removed, which breaks the chain (when some of the
code could not be read, a step is "not seen used" instead). Critical when a
chain is granted by specific actions; high when only `Action: "*"` grants it (that
statement is already critical under FG-PERM-001). A role is reported once for all the
functions it runs whose code uses the same steps; a function whose code uses steps the
others do not gets a finding of its own.
""",
    remediation={
        "serverless": "# grant only what the code uses (faasguard policy . --function NAME);\n"
                      "# iam:PassRole, if really needed, only on one role ARN with\n"
                      "Condition:\n  StringEquals:\n    iam:PassedToService: lambda.amazonaws.com",
        "sam": "# grant only what the code uses (faasguard policy . --function NAME)",
        "terraform": "# grant only what the code uses (faasguard policy . --function NAME);\n"
                     "# iam:PassRole, if really needed, only on one role ARN with\n"
                     'condition {\n  test     = "StringEquals"\n'
                     '  variable = "iam:PassedToService"\n'
                     '  values   = ["lambda.amazonaws.com"]\n}',
        "chalice": "# grant only what the code uses in the policy file\n"
                   "# (faasguard policy . --function NAME --format json); iam:PassRole,\n"
                   "# if really needed, only on one role ARN with\n"
                   '"Condition": {"StringEquals": {"iam:PassedToService": '
                   '"lambda.amazonaws.com"}}',
        "zappa": "# grant only what the code uses in the attach_policy file\n"
                 "# (faasguard policy . --function NAME --format json); iam:PassRole,\n"
                 "# if really needed, only on one role ARN with\n"
                 '"Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}',
    },
    references=(_OWASP, "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                        "id_roles_use_passrole.html"),
    cwe=(269,),
    equivalents={"Prowler": "iam_policy_allows_privilege_escalation"},
)
def escalation_chain(app: App, facts: Facts) -> Iterator[Finding]:
    steps_of: dict[str, set[str]] = {}  # role id -> its chain steps (lower-case)
    groups: dict[tuple[str, frozenset[str]], list[Needs]] = {}
    for _, role, needs, _ in _analysed(app, facts):
        steps = steps_of.get(role.id)
        if steps is None:  # roles are shared: each is judged once (paths: role_paths' memo)
            steps = steps_of[role.id] = {a.lower() for path, _ in role_paths(role, facts.memo)
                                         for a in path.actions}
        if not steps:  # no chain: the steps the code uses need no look (most roles)
            continue
        used = frozenset(a.lower() for a, n in needs.needs.items()
                         if n.calls and a.lower() in steps)
        groups.setdefault((role.id, used), []).append(needs)
    uses_per_role = Counter(role_id for role_id, _ in groups)
    for (role_id, used), members in groups.items():
        role = app.roles[role_id]
        yield _escalation(role, role_paths(role, facts.memo), members, used,
                          alone=uses_per_role[role_id] == 1)


def _escalation(role: Role, paths: list[tuple[EscalationPath, list[Statement]]],
                members: list[Needs], used: frozenset[str], alone: bool) -> Finding:
    """One FG-PERM-105 finding: the functions of `members` run with `role` and their code
    uses the same chain steps (`used`, lower-case); `alone` when no other function of the
    role uses them differently."""
    partial = not all(n.complete for n in members)  # some code not read: "unused" unknown
    sites: dict[str, list[str]] = {}  # chain step (lower-case) -> call sites of the members
    spelled: dict[str, str] = {}  # chain step (lower-case) -> as the code analysis names it
    for needs in members:
        for action, need in needs.needs.items():
            if action.lower() in used and need.calls:
                call = need.calls[0]
                sites.setdefault(action.lower(), []).append(f"{call.file}:{call.line}")
                spelled[action.lower()] = action
    chains: list[dict[str, object]] = []
    first_steps: list[str] = []
    flow: list[FlowStep] = []
    removable: set[str] = set()
    only_star = True  # every chain through `Action: "*"` (critical under FG-PERM-001)
    for number, (path, granting) in enumerate(paths, start=1):
        only_star = only_star and all(
            s is not None and any(is_full_wildcard(a) for a in s.actions) for s in granting)
        steps = []
        for action, statement in zip(path.actions, granting, strict=True):
            where = f"used at {short_list(sites[action.lower()], 2)}" \
                if action.lower() in used else "not seen used" if partial else "unused"
            if action.lower() not in used:
                removable.add(action)
            steps.append(f"{action} [{where}]")
            flow.append(FlowStep(statement.location if statement and statement.location
                                 else role.location, f"chain {number}: {action} granted ({where})"))
        chains.append({"id": path.id, "steps": steps, "explains": path.explains})
        first_steps = first_steps or steps
    names = sorted(logical_id(n.function.id) for n in members)
    quoted = [f"'{name}'" for name in names]
    who = f"Function {quoted[0]}" if len(names) == 1 else \
        f"Functions {', '.join(quoted[:-1])} and {quoted[-1]}" if len(names) <= 3 else \
        f"Functions {quoted[0]}, {quoted[1]} and {len(names) - 2} more"
    listed = f"{' -> '.join(first_steps)}: {paths[0][0].explains}"
    if len(chains) > 1:
        listed += (f"; and {len(chains) - 1} more chain{'s' if len(chains) > 2 else ''} "
                   "(--format json or sarif lists them all)")
    usage = ""
    if used:  # a function of the role whose code uses other steps gets its own finding
        code = f"{'its' if len(names) == 1 else 'their'} code uses"
        spelled_steps = short_list(sorted(spelled.values()), 4)
        usage = (f" {code.capitalize()}" if alone else
                 f" Unlike the role's other functions, {code}") + \
            f" chain step{'s' if len(spelled) > 1 else ''} {spelled_steps}."
    removed = short_list(sorted(removable), 6)
    advice = (f" Removing the actions the code never uses ({removed}) "
              "breaks every chain." if removable and not partial else
              f" Removing the actions the code read does not use ({removed})"
              " breaks every chain, if the code the scan could not read does not need them."
              if removable else
              " The code uses every step: scope each action to the one resource needed.")
    subject = f"escalation-chain:{logical_id(role.id)}" + \
        (f":uses:{'+'.join(sorted(used))}" if used else "")
    return make_finding(
        "FG-PERM-105",
        f"{who} can escalate privileges through {'its' if len(names) == 1 else 'their'} role "
        f"'{logical_id(role.id)}' ({len(chains)} chain{'s' if len(chains) > 1 else ''}): "
        f"{listed}.{usage}{advice}",
        flow[0].location, subject, flow=flow,
        severity="high" if only_star or not removable else "critical",
        related=[(Location(c.file, c.line), f"{', '.join(c.actions)}")
                 for n in members for a, need in n.needs.items() if a.lower() in used
                 for c in need.calls][:20],
        properties={"functions": names, "chains": chains, "removable": sorted(removable),
                    "used_steps": sorted(spelled.values())},
    )
