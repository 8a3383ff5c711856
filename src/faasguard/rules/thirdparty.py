"""Third-party exposure: foreign layers, layers shared with everyone, plain HTTP, TLS
verification off, old runtimes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from faasguard.analysis.code_facts import remote_http_url
from faasguard.analysis.endpoints import allowed_of, grants_anyone, is_restricted, policy_target
from faasguard.analysis.facts import Facts
from faasguard.findings import RULES, Finding, make_finding, rule
from faasguard.model import LAYER_PERMISSION, App, Branches, Location, Ref, logical_id
from faasguard.package_data import own_data
from faasguard.rules.codefindings import code_findings
from faasguard.rules.envvars import env_definitions
from faasguard.rules.util import branches_text, remediation_for, short_list

_OWASP_3P = "OWASP Serverless Top 10: SAS-6 Insecure Third-Party Dependencies"
_OWASP_CONFIG = "OWASP Serverless Top 10: SAS-3 Insecure Serverless Deployment Configuration"
_LAYER_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\d{12}):layer:([^:]+)(?::\d+)?$")
#: Layer publisher accounts run by AWS (documented in the publishers' install guides).
AWS_LAYER_ACCOUNTS = {
    "017000801446": "Powertools for AWS Lambda (Python)",
    "094274105915": "Powertools for AWS Lambda (TypeScript)",
    "580247275435": "Lambda Insights extension",
}
_TLS_ENV = {"NODE_TLS_REJECT_UNAUTHORIZED": "0"}


@rule(
    "FG-TP-001",
    "Lambda layer published by another account",
    threat="third-party",
    severity="medium",
    description="""
A layer is code that runs inside the function with all of its permissions and sees every
event. A layer version from an account you do not control can be withdrawn, and you
cannot audit how it was built. Layers from AWS-run publisher accounts (Powertools, Lambda
Insights) are reported at low severity; layers of the accounts the configuration lists
as trusted (`trusted-accounts: ["111122223333"]`) are not reported. A layer listed under
a condition the deployment decides (`!If [UseVendor, arn:...:layer:..., !Ref
AWS::NoValue]`) is reported as one the function may use, naming the condition. A layer of
the list a file gives its functions (serverless.yml `provider.layers`, SAM
`Globals.Function.Layers`) is reported once, where that list names it, with the functions
it is attached to.
""",
    remediation={
        "serverless": "layers:\n  - !Ref DepsLambdaLayer  # build the layer in your own "
                      "account from pinned, reviewed dependencies",
        "sam": "Layers:\n  - !Ref DependenciesLayer  # AWS::Serverless::LayerVersion you build",
        "terraform": "layers = [aws_lambda_layer_version.deps.arn]",
        "chalice": "# .chalice/config.json (top level, or under stages.<stage>)\n"
                   '"automatic_layer": true  # Chalice builds the requirements.txt layer in '
                   "your account\n"
                   '# or only layers of your own account in "layers"',
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"layers": ["arn:aws:lambda:us-east-1:123456789012:layer:deps:1"]\n'
                 "# a layer built in your own account from pinned, reviewed dependencies",
        "cloudformation": "Layers:\n"
                          "  - !Ref DependenciesLayer  # an AWS::Lambda::LayerVersion you build",
        "cdk": "# CDK: lambda.Function's layers: [a lambda.LayerVersion you build]",
    },
    references=(_OWASP_3P, "https://docs.aws.amazon.com/lambda/latest/dg/"
                           "chapter-layers.html"),
    cwe=(829, 494),
)
def foreign_layer(app: App, facts: Facts) -> Iterator[Finding]:
    trusted = set(facts.options.trusted_accounts)
    # a layer of a list every function of a file shares (provider.layers,
    # Globals.Function.Layers): one finding where it is listed, naming the functions
    shared: dict[tuple[Location, str, str, Branches], list[str]] = {}
    for function in app.functions.values():
        listed_for_all = function.properties.get("shared_layers", ())
        for layer in function.layers:
            match = _LAYER_ARN.match(layer) if isinstance(layer, str) else None
            if match is None or match.group(1) in trusted:
                continue
            account, name = match.groups()
            branches = next((b for listed, b in function.conditional_layers
                             if listed == layer), ())
            where = next((at for listed, at in listed_for_all if listed == layer), None)
            if where is not None:
                shared.setdefault((where, account, name, branches), []).append(
                    logical_id(function.id))
                continue
            uses = f"may use layer '{name}' from {_publisher(account)}, when " \
                   f"{branches_text(branches)}" if branches \
                else f"uses layer '{name}' from {_publisher(account)}"
            yield make_finding(
                "FG-TP-001",
                f"Function '{logical_id(function.id)}' {uses}.",
                function.location, f"layer:{logical_id(function.id)}:{account}:{name}",
                severity="low" if account in AWS_LAYER_ACCOUNTS else None,
            )
    for (where, account, name, branches), functions in shared.items():
        names = sorted(functions)
        which = f"function '{names[0]}'" if len(names) == 1 \
            else f"{len(names)} functions: {short_list(names, 8)}"
        attached = f"may be attached to {which}, when {branches_text(branches)}" if branches \
            else f"is attached to {which}"
        yield make_finding(
            "FG-TP-001",
            f"Layer '{name}' from {_publisher(account)} {attached}.",
            where, f"shared-layer:{account}:{name}",
            severity="low" if account in AWS_LAYER_ACCOUNTS else None,
            properties={"functions": names},
        )


def _publisher(account: str) -> str:
    """A layer's account for a message, naming the AWS-run publishers."""
    publisher = AWS_LAYER_ACCOUNTS.get(account)
    return f"AWS-run account {account} ({publisher})" if publisher else f"account {account}"


@rule(
    "FG-TP-002",
    "Plain-HTTP endpoint in an environment variable",
    threat="third-party",
    severity="medium",
    description="""
An environment variable points the function at an `http://` endpoint: whatever the
function sends there (events, personal data, API keys in headers) travels unencrypted
and unauthenticated, readable and changeable by anyone on the path. Loopback addresses
are not reported.
""",
    remediation={
        "serverless": "environment:\n  PARTNER_URL: https://api.partner.example",
        "sam": "Environment:\n  Variables:\n    PARTNER_URL: https://api.partner.example",
        "terraform": 'PARTNER_URL = "https://api.partner.example"',
        "chalice": "# .chalice/config.json (top level, or under stages.<stage>)\n"
                   '"environment_variables": {"PARTNER_URL": "https://api.partner.example"}',
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"environment_variables": {"PARTNER_URL": "https://api.partner.example"}',
    },
    references=(_OWASP_3P,),
    cwe=(319,),
)
def http_env(app: App, facts: Facts) -> Iterator[Finding]:
    for definition in env_definitions(app, facts):
        var = definition.var
        if isinstance(var.value, str) and remote_http_url(var.value):
            yield make_finding(
                "FG-TP-002",
                f"{definition.owner}: {var.name} is a plain-HTTP endpoint "
                f"({var.value.strip()}).",
                var.location, definition.subject("http-env"),
            )


@rule(
    "FG-TP-006",
    "SNS subscription delivering over plain HTTP",
    threat="third-party",
    severity="medium",
    description="""
An SNS subscription with protocol `http` posts every message of the topic to its endpoint
unencrypted: the events (orders, personal data, whatever the publishers put in them)
cross the internet readable by anyone on the path, and whoever sits there can answer in
the endpoint's place (the subscription confirmation included). Use `https`; SNS then
verifies the endpoint's certificate.
""",
    remediation={
        "serverless": "resources:\n  Resources:\n    PartnerHook:\n"
                      "      Type: AWS::SNS::Subscription\n      Properties:\n"
                      "        TopicArn: !Ref Topic\n        Protocol: https\n"
                      "        Endpoint: https://partner.example.com/orders",
        "sam": "PartnerHook:\n  Type: AWS::SNS::Subscription\n  Properties:\n"
               "    TopicArn: !Ref Topic\n    Protocol: https\n"
               "    Endpoint: https://partner.example.com/orders",
        "terraform": 'resource "aws_sns_topic_subscription" "partner" {\n'
                     "  topic_arn = aws_sns_topic.orders.arn\n"
                     '  protocol  = "https"\n'
                     '  endpoint  = "https://partner.example.com/orders"\n}',
    },
    references=(_OWASP_3P, "https://docs.aws.amazon.com/sns/latest/dg/"
                           "sns-http-https-endpoint-as-subscriber.html"),
    cwe=(319,),
    equivalents={"Prowler": "sns_subscription_not_using_http_endpoints"},
)
def sns_http_subscription(app: App, facts: Facts) -> Iterator[Finding]:
    for resource in app.resources.values():
        props = resource.properties
        if resource.kind != "other" or props.get("type") != "AWS::SNS::Subscription" or \
                props.get("protocol") != "http":
            continue
        topic = props.get("topic")
        named = logical_id(str(getattr(topic, "target", topic))) if topic is not None \
            else "its topic"
        endpoint = props.get("endpoint")
        to = f" to {endpoint}" if isinstance(endpoint, str) else ""
        yield make_finding(
            "FG-TP-006",
            f"SNS subscription '{logical_id(resource.id)}' delivers the messages of "
            f"'{named}'{to} over plain HTTP: unencrypted, readable and forgeable on the way.",
            resource.location, f"sns-http:{logical_id(resource.id)}")


#: What a layer version permission lets its principal do: download the layer's content.
_LAYER_DOWNLOAD: dict[str, tuple[str, ...]] = {"lambda": ("lambda:GetLayerVersion",)}


@rule(
    "FG-TP-007",
    "Layer version shared with every AWS account",
    threat="third-party",
    severity="medium",
    description="""
A layer version permission granting `lambda:GetLayerVersion` to `*` without an
organisation (`OrganizationId`) lets every AWS account download the layer: its code, the
dependencies and configuration it bundles and anything written into its files (an API
key, an internal endpoint). The project's own code is handed to third parties it never
chose, who can study it for weaknesses at leisure. Share the layer with the accounts
that use it (their ids as principals) or with your organisation (`OrganizationId`).
Third-party exposure, as FG-TP-001 (a layer of another account) is its mirror: here the
third party receives the project's code. A secret found in the layer's files is
FG-DATA-003's.
""",
    remediation={
        "serverless": "layers:\n  pricing:\n    path: layer\n    allowedAccounts:\n"
                      "      - '111122223333'  # the accounts that attach it, not '*'",
        "sam": "PricingShared:\n  Type: AWS::Lambda::LayerVersionPermission\n"
               "  Properties:\n    Action: lambda:GetLayerVersion\n"
               "    LayerVersionArn: !Ref Pricing\n    Principal: '*'\n"
               "    OrganizationId: o-a1b2c3d4e5",
        "terraform": 'resource "aws_lambda_layer_version_permission" "pricing" {\n'
                     "  layer_name      = aws_lambda_layer_version.pricing.layer_arn\n"
                     "  version_number  = aws_lambda_layer_version.pricing.version\n"
                     '  statement_id    = "organisation"\n'
                     '  action          = "lambda:GetLayerVersion"\n'
                     '  principal       = "*"\n'
                     '  organization_id = "o-a1b2c3d4e5"\n}',
    },
    references=(_OWASP_CONFIG, "https://docs.aws.amazon.com/lambda/latest/dg/"
                               "permissions-layer-cross-account.html"),
    cwe=(200,),
)
def layer_shared_with_everyone(app: App, facts: Facts) -> Iterator[Finding]:
    for policy in app.resource_policies:
        statement = policy.statement
        if statement.source != LAYER_PERMISSION or not grants_anyone(statement) or \
                is_restricted(policy) or not allowed_of(policy, _LAYER_DOWNLOAD):
            continue
        layer_id = policy_target(policy)
        layer = app.layers.get(layer_id)
        named = logical_id(layer_id) if isinstance(policy.target, Ref) else layer_id
        holds = f" (built from {layer.content}/)" if layer is not None and layer.content \
            else ""
        yield make_finding(
            "FG-TP-007",
            f"Layer '{named}'{holds} is shared with every AWS account "
            "(lambda:GetLayerVersion to '*', no organisation): anyone can download its "
            "code and whatever its files hold.",
            statement.location or policy.location,
            f"layer-shared:{named}:{logical_id(policy.id)}")


@rule(
    "FG-TP-003",
    "Plain-HTTP endpoint called from code",
    threat="third-party",
    severity="medium",
    description="""
The code calls (or configures) an `http://` URL of a remote host: requests and responses
travel unencrypted, so a network attacker can read the data sent and forge the answers
the function trusts. XML namespaces and loopback addresses are not reported.
""",
    remediation={
        "python": 'requests.post("https://api.partner.example/v1/orders", json=order, '
                  "timeout=5)",
        "serverless": "# use https:// endpoints; pass them through environment variables",
        "sam": "# use https:// endpoints; pass them through environment variables",
        "javascript": 'await fetch("https://api.partner.example/v1/orders", '
                      "{ method: \"POST\", body: JSON.stringify(order) });",
    },
    references=(_OWASP_3P,),
    cwe=(319,),
)
def http_in_code(app: App, facts: Facts) -> Iterator[Finding]:
    yield from code_findings(facts, "http-url", "FG-TP-003",
                             "Plain-HTTP endpoint in code", "http-code")


@rule(
    "FG-TP-004",
    "TLS certificate verification turned off",
    threat="third-party",
    severity="high",
    description="""
With certificate verification off (`verify=False` in requests/httpx/boto3, `ssl=False`
in aiohttp, `cert_reqs=CERT_NONE` in urllib3, `tlsAllowInvalidCertificates=True` in
pymongo, `ssl._create_unverified_context()`, `check_hostname = False`, or
`NODE_TLS_REJECT_UNAUTHORIZED=0` for Node.js), HTTPS still encrypts but no
longer proves who is on the other end: anyone on the path can impersonate the API, read
the credentials sent and return forged data.
""",
    remediation={
        "python": "requests.get(url, timeout=5)  # verify=True is the default; for a "
                  "private CA: verify='/opt/ca-bundle.pem'",
        "serverless": "environment:\n  NODE_EXTRA_CA_CERTS: /opt/ca.pem  # instead of "
                      "NODE_TLS_REJECT_UNAUTHORIZED: '0'",
        "sam": "Environment:\n  Variables:\n    NODE_EXTRA_CA_CERTS: /opt/ca.pem",
        "javascript": 'const agent = new https.Agent({ ca: fs.readFileSync("/opt/ca.pem") });\n'
                      "// rejectUnauthorized stays true (the default); never set "
                      "NODE_TLS_REJECT_UNAUTHORIZED=0",
    },
    references=(_OWASP_3P,),
    cwe=(295,),
)
def tls_verification_off(app: App, facts: Facts) -> Iterator[Finding]:
    yield from code_findings(facts, "tls-off", "FG-TP-004",
                             "TLS verification is turned off", "tls-code")
    for definition in env_definitions(app, facts):
        var = definition.var
        off = _TLS_ENV.get(var.name)
        if off is not None and str(var.value).strip() == off:
            yield make_finding(
                "FG-TP-004",
                f"{definition.owner} {definition.verb('sets', 'set')} {var.name}={off}: "
                "Node.js then accepts any "
                "certificate.",
                var.location, definition.subject("tls-env"),
            )


@lru_cache(maxsize=1)
def runtime_table() -> dict[str, Any]:
    """Lambda runtimes and their deprecation dates (data/runtimes.json)."""
    table: dict[str, Any] = json.loads(own_data("runtimes.json"))["runtimes"]
    return table


#: A runtime's family (its name's letters) and the family its functions move to: Go's
#: own runtime (go1.x) ended in favour of the OS-only runtimes.
_FAMILY = re.compile(r"[a-z]+")
_SUCCESSOR_FAMILY = {"go": "provided", "dotnetcore": "dotnet"}
#: The runtime the rule's documented remediation names.
_DOCUMENTED_RUNTIME = "python3.13"


def _family(runtime: str) -> str:
    match = _FAMILY.match(runtime)
    return match.group() if match else ""


@lru_cache(maxsize=64)
def successor_runtime(runtime: str) -> str | None:
    """The runtime of `runtime`'s language family supported the longest (the newest
    version among those with the latest deprecation date): the upgrade to propose."""
    family = _SUCCESSOR_FAMILY.get(_family(runtime), _family(runtime))

    def newest(name: str) -> tuple[str, tuple[int, ...]]:
        return (runtime_table()[name]["deprecation"],
                tuple(int(n) for n in re.findall(r"\d+", name)))

    same = [name for name in runtime_table()
            if family and _family(name) == family and not name.endswith("-edge")]
    return max(same, key=newest) if same else None


def _today(facts: Facts) -> date:
    return date.fromisoformat(facts.options.today) if facts.options.today else date.today()


@rule(
    "FG-TP-005",
    "Deprecated or soon-deprecated Lambda runtime",
    threat="third-party",
    severity="medium",
    description="""
Once AWS deprecates a runtime it no longer receives security patches (language runtime
and operating system), functions lose technical support, and some weeks later they can no
longer be created and then updated, so even an urgent fix cannot be deployed. Runtimes
within 90 days of their deprecation date (`runtime-warning-days:` in the configuration)
are reported at low severity. Dates come from AWS's runtime table
(data/runtimes.json). A runtime the functions of a file take from its shared setting
(serverless.yml `provider.runtime`, SAM `Globals.Function.Runtime`) is reported once,
where that setting is written, with the functions that use it; a function setting its own
runtime is reported at the function.
""",
    remediation={
        "serverless": "provider:\n  runtime: python3.13",
        "sam": "Globals:\n  Function:\n    Runtime: python3.13",
        "terraform": 'runtime = "python3.13"',
        "chalice": "Chalice has no runtime setting: it deploys with the runtime of the Python "
                   "that runs `chalice deploy`; deploy from a supported Python version (3.12 "
                   "or 3.13).",
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"runtime": "python3.13"',
        "cloudformation": "# the AWS::Lambda::Function's Properties\n"
                          "Runtime: python3.13",
        "cdk": "# CDK: lambda.Function's runtime (a lambda.Runtime)",
    },
    references=(_OWASP_CONFIG, "https://docs.aws.amazon.com/lambda/latest/dg/"
                               "lambda-runtimes.html"),
    cwe=(1104,),
    equivalents={"Checkov": "CKV_AWS_363",
                 "Prowler": "awslambda_function_using_supported_runtimes"},
)
def deprecated_runtime(app: App, facts: Facts) -> Iterator[Finding]:
    today = _today(facts)
    # a runtime the functions of a file take from it (serverless.yml `provider.runtime`,
    # SAM `Globals.Function.Runtime`): one finding where it is written, naming them
    shared: dict[tuple[Location, str], tuple[tuple[str, str | None], list[str]]] = {}
    for function in app.functions.values():
        runtime = function.runtime if isinstance(function.runtime, str) else None
        entry = runtime_table().get(runtime) if runtime is not None else None
        status = _runtime_status(entry, today, facts) if entry is not None else None
        if runtime is None or status is None:
            continue
        where = function.properties.get("shared_runtime")
        if isinstance(where, Location):
            shared.setdefault((where, runtime), (status, []))[1].append(logical_id(function.id))
            continue
        message, severity = status
        yield make_finding(
            "FG-TP-005",
            f"Function '{logical_id(function.id)}' uses runtime {runtime}, which {message}.",
            function.location, f"runtime:{logical_id(function.id)}", severity=severity,
            remediation=_runtime_fix(app, facts, runtime, function.location.file),
        )
    for (where, runtime), ((message, severity), functions) in shared.items():
        names = sorted(functions)
        which = f"function '{names[0]}'" if len(names) == 1 \
            else f"{len(names)} functions: {short_list(names, 8)}"
        yield make_finding(
            "FG-TP-005",
            f"Runtime {runtime}, which {message}, is the runtime of {which}.",
            where, f"shared-runtime:{runtime}", severity=severity,
            remediation=_runtime_fix(app, facts, runtime, where.file),
            properties={"functions": names},
        )


def _runtime_status(entry: dict[str, str], today: date,
                    facts: Facts) -> tuple[str, str | None] | None:
    """What a runtime's deprecation date means today, for a message (`was deprecated on
    ...`), and the severity (None: the rule's); None when it is not near."""
    when = date.fromisoformat(entry["deprecation"])
    days = (when - today).days
    if days <= 0:
        return f"was deprecated on {when.isoformat()}", None
    if days <= facts.options.runtime_warning_days:
        return f"will be deprecated on {when.isoformat()} (in {days} days)", "low"
    return None


def _runtime_fix(app: App, facts: Facts, runtime: str, file: str) -> str | None:
    """FG-TP-005's fix naming the runtime that replaces `runtime` (None: the documented
    one's)."""
    target = successor_runtime(runtime)
    if target is None or target == _DOCUMENTED_RUNTIME:
        return None
    return remediation_for(app, facts, file, {
        key: snippet.replace(_DOCUMENTED_RUNTIME, target)
        for key, snippet in RULES["FG-TP-005"].meta.remediation.items()})
