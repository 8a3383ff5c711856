"""Broken authentication: routes, function URLs and resource policies anyone can call."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.analysis.code_facts import CodeFact, FileFacts
from faasguard.analysis.endpoints import (
    DESTRUCTIVE_METHODS,
    READ_OR_TAKE_ACTIONS,
    alb_endpoints,
    alb_internal,
    alb_schemes,
    allowed_of,
    api_exposure,
    api_key_required,
    apis_open_to_any_account,
    decided_by,
    effective_authorizer,
    grants_anyone,
    invoke_or_write_actions,
    is_restricted,
    may_be_none,
    may_be_open,
    none_unlisted,
    open_resource_policies,
    open_to_any_account,
    policies_in_effect,
    policy_target,
    unlisted_text,
    unsigned_callers,
)
from faasguard.analysis.facts import Facts
from faasguard.analysis.iam_catalog import access_level
from faasguard.analysis.iam_catalog import matches as action_matches
from faasguard.analysis.signatures import GATE as SIGNATURE_GATE
from faasguard.analysis.signatures import KIND as SIGNATURE_CHECK
from faasguard.findings import SEVERITIES, Finding, make_finding, rule
from faasguard.model import (
    IDENTITY_POOL,
    App,
    Authorizer,
    Location,
    Ref,
    Route,
    Statement,
    Unknown,
    logical_id,
)
from faasguard.rules.util import is_known, remediation_for, short_list, value_text

OWASP_AUTH = "OWASP Serverless Top 10: SAS-2 Broken Authentication"


def route_subject(route: Route) -> str:
    """A stable identity for a route: API, method and path (never the line)."""
    return f"route:{logical_id(route.api)}:{route.method}:{route.path}"


def route_label(route: Route) -> str:
    """How a route reads in a message: `POST /orders`."""
    return f"{route.method} {route.path}"


@rule(
    "FG-AUTH-001",
    "Function URL without authentication",
    threat="auth",
    severity="high",
    description="""
A Lambda function URL with `AuthType: NONE` is a public HTTPS endpoint: anyone on the
internet who learns the URL can invoke the function, with no token, no signature, no
throttling and no WAF in front. Every call is billed to you (Denial of Wallet) and every
input reaches the handler unchecked. An AuthType the deployment decides (a parameter
or a root module's variable, with a default or without, whose `AllowedValues` or
validation include NONE or list nothing, AuthType itself taking AWS_IAM or NONE; a
condition with a NONE branch; a per-stage `Mappings` entry of NONE) is reported too,
naming what decides it; one whose every possible value is AWS_IAM is not. Where the
template writes no NONE (a parameter or variable with an AWS_IAM default and no
`AllowedValues` or validation listing values: NONE is only a value AuthType accepts), the
finding is one level lower (`medium`) with `confidence: low` and names the default. Give the
deployment's values (`--param`, samconfig.toml, a tfvars file) to judge the URL as
deployed. A serverless.yml `url.authorizer` given by a variable with no value for the
stage scanned (`${param:authType}` that only another stage defines) is reported `medium`
with `confidence: low`, naming the variable: the Framework stops that deployment unless
it is given a value.
A URL written as a resource of its own (`AWS::Lambda::Url`, `aws_lambda_function_url`)
lets callers in only with a permission letting everyone call `lambda:InvokeFunctionUrl`
(`AWS::Lambda::Permission`, `aws_lambda_permission`), which nothing adds for it; SAM's
`FunctionUrlConfig` and serverless.yml's `url` add one. When
the project holds none, or only ones naming an account, a source (`SourceArn`,
`SourceAccount`) or another AuthType, which an unsigned request does not match, AWS
refuses every call until one is added: the URL is reported `low` with `confidence: low`,
saying so (the permission may be added outside the project).
""",
    remediation={
        "serverless": "functions:\n  fn:\n    url:\n      authorizer: aws_iam",
        "sam": "FunctionUrlConfig:\n  AuthType: AWS_IAM",
        "terraform": 'resource "aws_lambda_function_url" "fn" {\n'
                     '  authorization_type = "AWS_IAM"\n}',
        "cloudformation": "FunctionUrl:\n"
                          "  Type: AWS::Lambda::Url\n"
                          "  Properties:\n"
                          "    AuthType: AWS_IAM\n"
                          "    TargetFunctionArn: !GetAtt Function.Arn",
        "cdk": "# CDK: fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM })",
    },
    references=(OWASP_AUTH, "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"),
    cwe=(306,),
    equivalents={"Checkov": "CKV_AWS_258", "Prowler": "awslambda_function_url_public"},
)
def function_url_without_auth(app: App, facts: Facts) -> Iterator[Finding]:
    for function in app.functions.values():
        url = function.url
        if url is None:
            continue
        name = logical_id(function.id)
        if isinstance(url.auth_type, str) and url.auth_type.upper() == "NONE":
            message = f"Function '{name}' has a public function URL (AuthType NONE): anyone " \
                "can invoke it."
            how: dict[str, str] = {}
        elif isinstance(url.auth_type, Unknown) and url.auth_type.text.startswith("${"):
            # a serverless.yml variable left without a value (its diagnostic says why)
            where = f"stage {facts.options.stage!r}" if facts.options.stage else \
                "one of the file's stages (no --stage given)"
            message = f"Function '{name}' may have a public function URL: its authorizer is " \
                f"{url.auth_type.text}, which has no value for {where}: the Framework stops " \
                "a deployment that does not give one, and a value other than aws_iam lets " \
                "anyone invoke it."
            how = {"severity": "medium", "confidence": "low"}
        elif isinstance(url.auth_type, Unknown) and may_be_none(url.auth_type):
            message = f"Function '{name}' may have a public function URL: " \
                f"{_choice_text(url.auth_type, 'AuthType')} lets anyone invoke it."
            how = _how_sure(url.auth_type, "high")
        else:
            continue
        closed = _url_not_opened(app, function.id) if url.own_resource else None
        if closed is not None and not how:
            message = f"Function '{name}' has a function URL without authentication " \
                f"(AuthType NONE), but {closed}: AWS refuses every call to it until one is " \
                "added (outside the project, or by a later change); anyone can invoke it then."
        elif closed is not None:
            message += f" But {closed}: AWS refuses every call to the URL until one is added."
        if closed is not None:
            how = {"severity": "low", "confidence": "low"}
        yield make_finding("FG-AUTH-001", message, url.location, f"function-url:{name}", **how)


#: The action a function URL's caller needs a permission for.
_URL_INVOKE: dict[str, tuple[str, ...]] = {"lambda": ("lambda:InvokeFunctionUrl",)}


def _url_not_opened(app: App, function: str) -> str | None:
    """Why no caller gets through a function URL of AuthType NONE written as a resource of
    its own (`FunctionUrl.own_resource`), for a message: no permission of the project lets
    everyone call lambda:InvokeFunctionUrl on the function. None when one may: to `*` (or
    a principal known at deployment), with no SourceArn, SourceAccount or condition naming
    callers (`is_restricted`: an unsigned request has none of them) and no AuthType other
    than NONE, on the function or on one the scan cannot name."""
    written: list[str] = []
    for policy in app.resource_policies:
        if policy.service != "lambda" or not allowed_of(policy, _URL_INVOKE) or \
                (isinstance(policy.target, Ref) and policy.target.target != function):
            continue
        statement = policy.statement
        auth = policy.function_url_auth_type
        if any(p == "*" or not isinstance(p, str) for p in statement.principals) and \
                not is_restricted(policy) and \
                not (isinstance(auth, str) and auth.upper() != "NONE"):
            return None
        written.append(logical_id(policy.id))
    if not written:
        return "no permission of the project lets anyone call it (lambda:InvokeFunctionUrl " \
            "to '*')"
    return f"its URL permissions ({short_list(sorted(written), 3)}) name a principal, a " \
        "source or an AuthType an unsigned request does not match"


def _choice_text(value: Unknown, setting: str) -> str:
    """Why a setting the deployment decides may be NONE, up to "a deployment that picks
    NONE" (for a message): what decides it and the values it may take; for a NONE only
    the setting's domain offers (`none_unlisted`), `unlisted_text`'s account of it."""
    if not none_unlisted(value):
        return (f"its {setting} depends on {decided_by(value)}, and NONE is one of its "
                f"values ({', '.join(map(str, value.choices))}); a deployment that picks "
                "NONE")
    return f"its {setting} depends on {unlisted_text(value)}, and such a deployment"


def _how_sure(value: Unknown | None, severity: str) -> dict[str, str]:
    """The severity and confidence of a finding whose NONE `value` decides: one level
    lower (never below info) and of low confidence when only the setting's domain offers
    NONE (`none_unlisted`: a parameter with an authenticating default and no allowed
    values), `severity` at high confidence otherwise."""
    if value is None or not none_unlisted(value):
        return {"severity": severity}
    lower = SEVERITIES[min(SEVERITIES.index(severity) + 1, len(SEVERITIES) - 1)]
    return {"severity": lower, "confidence": "low"}


@rule(
    "FG-AUTH-002",
    "API route without an authoriser",
    threat="auth",
    severity="high",
    description="""
An API Gateway route (REST, HTTP or websocket `$connect`) with no authoriser — neither its
own nor the API's default — lets anyone on the internet call the function behind it; so
does an ALB listener rule forwarding to a function with no `authenticate-cognito` or
`authenticate-oidc` action (serverless.yml: an `alb` event without `authorizer`) on an
internet-facing load balancer (one the project does not hold: one severity level lower,
`confidence: low`; an internal one is not reported). A
state-changing method (POST, PUT, PATCH, DELETE, ANY) without authentication lets anyone
change or delete data and is reported `high`; an unauthenticated read (GET, HEAD) is
reported `medium` (it may be a deliberately public page: suppress it with a reason),
naming the AWS data its handler's code reads, where the scan read it; one whose handler's
code writes AWS data (`GET /unsubscribe` deleting the entry it names) changes state and
is reported `high`, naming what it writes (the code of a function serving other methods
too belongs to none of its routes in particular: its GET route is judged by its method).
On a websocket API only `$connect` can carry an authoriser; every message of an
unauthenticated connection reaches its routes. OPTIONS (CORS preflight) routes are not
reported; routes protected only by an API key are FG-AUTH-003; routes of PRIVATE APIs are
reported `low`. A REST API's resource policy lets a request to a route without an
authoriser in only when one of its Allow statements matches the request and no Deny does;
the request is unsigned, so it has no principal, account or organisation. A route that
only an Allow naming a principal covers, or only one conditioned on the caller's account
or organisation (`aws:PrincipalOrgID`), or that a Deny to every caller outside an account
covers (FG-AUTH-004's fence), or that no Allow covers, cannot be called by anyone and is
not reported. One that only an Allow conditioned on a network (`IpAddress aws:SourceIp`,
`StringEquals aws:SourceVpce`) or a Deny to every request from outside a network covers
is reported `low`, naming the network (SAM's `Auth.ResourcePolicy` lists are read as
the statements SAM writes for them). A route the policy leaves open while it fences
other routes of the API is reported as usual, saying so. A catch-all route (FG-SHADOW-003)
without an authoriser gets both findings, each naming the other as a related location:
every path of the function's own router is open.
An authoriser the deployment decides (a condition with a NONE branch or one that leaves
the authoriser out, a parameter or root module's variable whose values include NONE) is
reported too, naming what decides it (FG-AUTH-003 likewise for an API-key route); when
the template writes no NONE (a parameter or variable with an authenticating default and
no `AllowedValues` or validation listing values, NONE only a value the setting accepts),
one severity level lower with `confidence: low`, naming the default and the values the
setting accepts that nothing read rules out (a Terraform validation's `!=` takes some
out). Give the deployment's values
(`--param`, samconfig.toml, a tfvars file) to judge the route as deployed.
A webhook receiver whose handler verifies the sender's signature and stops on a bad one
before its work (Stripe's `construct_event` / `webhooks.constructEvent`, an HMAC of the
body compared with `hmac.compare_digest` / `crypto.timingSafeEqual`, Slack's signing
secret, Twilio's `RequestValidator` / `validateRequest`, Svix, Octokit), in the handler or
a helper of its file, or (Python) in a helper it calls or a decorator it wears imported
from another module of the project (`verify_signature(event)`, `@verified`: followed one
level, the check named where it is), is reported `info`, naming the check: the sender
cannot send a token an authoriser would check, and the signature is the route's
authentication. A check whose answer is ignored, whose failure is caught and passed over,
or that comes after work has run (a delivery recorded, then checked; a decorator whose
wrapper checks after calling the handler, or below one whose wrapper works first) counts
for nothing; so does a helper that returns before checking (an unsigned delivery let
through), a wrapper whose failing branch still calls the handler (report-only), and a
decorator that may return the handler undecorated.
""",
    remediation={
        "serverless": "functions:\n  orders:\n    events:\n      - httpApi:\n"
                      "          method: POST\n          path: /orders\n"
                      "          authorizer:\n            name: jwtAuthorizer\n"
                      "provider:\n  httpApi:\n    authorizers:\n      jwtAuthorizer:\n"
                      "        identitySource: $request.header.Authorization\n"
                      "        issuerUrl: https://cognito-idp.us-east-1.amazonaws.com/POOL_ID\n"
                      "        audience: [CLIENT_ID]",
        "sam": "Globals:\n  Api:\n    Auth:\n      DefaultAuthorizer: CognitoAuth\n"
               "      Authorizers:\n        CognitoAuth:\n"
               "          UserPoolArn: !GetAtt UserPool.Arn",
        "terraform": 'resource "aws_apigatewayv2_route" "orders" {\n'
                     '  authorization_type = "JWT"\n'
                     '  authorizer_id      = aws_apigatewayv2_authorizer.jwt.id\n}',
        "chalice": "# app.py: pass an authoriser to every route\n"
                   'users = CognitoUserPoolAuthorizer("Users", provider_arns=[USER_POOL_ARN])\n'
                   "\n"
                   '@app.route("/orders/{order_id}", methods=["DELETE"],\n'
                   '           authorizer=users.with_scopes(["orders/write"]))',
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"authorizer": {\n'
                 '  "function": "auth.check_token",\n'
                 '  "token_header": "Authorization",\n'
                 '  "result_ttl": 300\n'
                 "}\n"
                 '# or "iam_authorization": true when every caller signs its requests',
        "cloudformation": "# each AWS::ApiGateway::Method (an AWS::ApiGatewayV2::Route: "
                          "AuthorizationType JWT)\n"
                          "AuthorizationType: COGNITO_USER_POOLS\n"
                          "AuthorizerId: !Ref CognitoAuth  # AWS::ApiGateway::Authorizer, Type "
                          "COGNITO_USER_POOLS",
        "cdk": "# CDK: the method's options: { authorizer, authorizationType: "
               "apigateway.AuthorizationType.COGNITO }",
    },
    references=(OWASP_AUTH,
                "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
                "apigateway-control-access-to-api.html"),
    cwe=(306,),
    equivalents={"Checkov": "CKV_AWS_59", "cfn_nag": "W59",
                 "Prowler": "apigateway_restapi_authorizers_enabled"},
)
def route_without_authorizer(app: App, facts: Facts) -> Iterator[Finding]:
    reported_ws: set[str] = set()
    # each API's first `$connect` route (one pass over the routes, not one per API)
    connects = {r.api: r for r in reversed(app.routes) if r.method == "$connect"}
    gates = _gates(facts) if app.routes else {}
    fences = unsigned_callers(app, app.routes)
    methods: dict[str, set[str]] = {}  # of each function, its routes' methods
    for route in app.routes:
        if route.function:
            methods.setdefault(route.function, set()).add(route.method)
    for route in app.routes:
        if route.method == "OPTIONS" or api_key_required(app, route):
            continue
        if route.api_kind == "websocket":
            if route.api in reported_ws:
                continue
            target = connects.get(route.api) or route
            reported_ws.add(route.api)
            found = effective_authorizer(app, target)
            if found is None:
                yield make_finding(
                    "FG-AUTH-002",
                    f"Websocket API '{logical_id(route.api)}' accepts connections without "
                    "authentication ($connect has no authoriser): anyone can connect and "
                    "send messages to its routes.",
                    target.location, route_subject(target), severity="medium")
            elif may_be_open(found):
                yield make_finding(
                    "FG-AUTH-002",
                    f"Websocket API '{logical_id(route.api)}' may accept connections "
                    f"without authentication: {_undecided_text(found)} lets anyone connect "
                    "and send messages to its routes.",
                    target.location, route_subject(target),
                    **_how_sure(found.undecided, "medium"))
            continue
        found = effective_authorizer(app, route)
        if found is not None and not may_be_open(found):
            continue
        verified = _signature_checked(app, facts, route, gates)
        if verified is not None:
            yield _verified_in_code(route, found, *verified)
            continue
        destructive = route.method in DESTRUCTIVE_METHODS
        what = ("accepts every method, state-changing ones included"
                if route.method == "ANY" else "changes state" if destructive else "")
        if not what:
            what, destructive = _what_a_read_does(facts, route, methods)
        fence = fences.get(id(route))
        if fence is not None and fence.reach == "nobody":
            continue  # no unsigned request gets through the API's resource policy
        private = api_exposure(app.apis.get(route.api)) == "vpc"
        fenced_in = fence is not None and fence.reach == "network"
        severity = "low" if private or fenced_in else ("high" if destructive else "medium")
        where = f"from {' or '.join(fence.networks)}" if fence is not None and fenced_in \
            else "from the VPC" if private else "from the internet"
        function = f" (function '{logical_id(route.function)}')" if route.function else ""
        message = f"Route {route_label(route)}{function} has no authoriser: anyone {where} " \
            f"can call it, and it {what}." if found is None else \
            f"Route {route_label(route)}{function} may have no authoriser: " \
            f"{_undecided_text(found)} lets anyone {where} call it, and it {what}."
        if fenced_in:
            message += " The API's resource policy lets no other unsigned request in."
        elif fence is not None and fence.fences_others:
            message += " The API's resource policy fences some of its routes, not this one."
        yield make_finding("FG-AUTH-002", message, route.location, route_subject(route),
                           **_how_sure(found.undecided if found else None, severity))
    yield from _alb_without_authentication(app, facts)


#: FG-AUTH-002's fix for an ALB listener rule, in each format.
_ALB_AUTH_FIXES = {
    "serverless": "provider:\n  alb:\n    authorizers:\n      corp:\n        type: cognito\n"
                  "        userPoolArn: arn:aws:cognito-idp:eu-west-1:111122223333:userpool/ID\n"
                  "        userPoolClientId: CLIENT_ID\n        userPoolDomain: corp\n"
                  "functions:\n  admin:\n    events:\n      - alb:\n"
                  "          listenerArn: !Ref HttpsListener\n          priority: 1\n"
                  "          conditions:\n            path: /admin\n"
                  "          authorizer: corp",
    "sam": "AdminRule:\n  Type: AWS::ElasticLoadBalancingV2::ListenerRule\n  Properties:\n"
           "    Actions:\n      - Type: authenticate-cognito\n        Order: 1\n"
           "        AuthenticateCognitoConfig:\n          UserPoolArn: !GetAtt UserPool.Arn\n"
           "          UserPoolClientId: !Ref UserPoolClient\n"
           "          UserPoolDomain: corp\n      - Type: forward\n        Order: 2\n"
           "        TargetGroupArn: !Ref AdminTargets",
    "terraform": 'resource "aws_lb_listener_rule" "admin" {\n  action {\n'
                 '    type = "authenticate-cognito"\n    authenticate_cognito {\n'
                 "      user_pool_arn       = aws_cognito_user_pool.corp.arn\n"
                 "      user_pool_client_id = aws_cognito_user_pool_client.corp.id\n"
                 "      user_pool_domain    = aws_cognito_user_pool_domain.corp.domain\n"
                 "    }\n  }\n  action {\n    type             = \"forward\"\n"
                 "    target_group_arn = aws_lb_target_group.admin.arn\n  }\n}",
}


def _alb_without_authentication(app: App, facts: Facts) -> Iterator[Finding]:
    """FG-AUTH-002 on the ALB listener rules forwarding to a function with no
    authenticate-cognito / authenticate-oidc action, unless every load balancer of them
    is internal."""
    for function in app.functions.values():
        for trigger in function.triggers:
            if trigger.kind != "alb" or alb_internal(trigger):
                continue
            endpoints = [e for e in alb_endpoints(trigger) if e.unauthenticated]
            if not endpoints:
                continue
            methods = [e.method for e in endpoints]
            destructive = any(m in DESTRUCTIVE_METHODS for m in methods)
            what = "accepts every method, state-changing ones included" if "ANY" in methods \
                else "changes state" if destructive else f"answers {methods[0]} requests"
            labels = ", ".join(f"{e.method} {e.path}" for e in endpoints)
            name = logical_id(function.id)
            severity = "high" if destructive else "medium"
            if "internet-facing" in alb_schemes(trigger):
                how = {"severity": severity}
                who = "anyone on the internet can call it (its load balancer is internet-facing)"
            else:
                how = {"severity": SEVERITIES[SEVERITIES.index(severity) + 1],
                       "confidence": "low"}
                who = "anyone who reaches its load balancer can call it (internet-facing " \
                    "unless that balancer, which the project does not hold, is internal)"
            yield make_finding(
                "FG-AUTH-002",
                f"ALB rule {labels} (function '{name}') has no authenticate-cognito or "
                f"authenticate-oidc action: {who}, and it {what}.",
                trigger.location, f"alb:{name}:{endpoints[0].path}",
                remediation=remediation_for(app, facts, trigger.location.file,
                                            _ALB_AUTH_FIXES), **how)


def _what_a_read_does(facts: Facts, route: Route,
                      methods: dict[str, set[str]]) -> tuple[str, bool]:
    """What an unauthenticated GET/HEAD route does, from what is known: its method, and the
    AWS data its handler's code reads or writes (`facts.aws_calls`), where it was read and
    the function serves requests of that method only (`methods`: of each function, the
    methods of its routes; a router's calls belong to none of its routes in particular);
    and whether that code writes (the route then changes state, whatever its method)."""
    calls = facts.aws_calls.get(route.function, ()) if route.function else ()
    if calls and route.function and methods.get(route.function, set()) - {route.method}:
        calls = ()
    # Read / Write -> what the calls name ("" for a resource not known) -> their actions
    done: dict[str, dict[str, list[str]]] = {"Read": {}, "Write": {}}
    for call in calls:
        level = access_level(call.actions[0]) if call.actions else None
        level = "Read" if level == "List" else level
        if level not in done:
            continue
        for on in sorted({value_text(t.resolved) for t in call.targets
                          if is_known(t.resolved)}) or [""]:
            actions = done[level].setdefault(on, [])
            if call.actions[0] not in actions:
                actions.append(call.actions[0])
    code = " and ".join(
        f"{verb} " + short_list([f"{on} ({', '.join(actions)})" if on else ", ".join(actions)
                                 for on, actions in done[level].items()], 3)
        for level, verb in (("Read", "reads"), ("Write", "writes")) if done[level])
    return (f"answers {route.method} requests" + (f": its handler {code}" if code else ""),
            bool(done["Write"]))


def _signature_checked(app: App, facts: Facts, route: Route,
                       gates: dict[str, tuple[str, CodeFact]]) -> tuple[str, CodeFact] | None:
    """The file and the signature check (analysis.signatures, js.signatures) that gate
    the work of the route's handler, if it has one: in its own file, or in a module of the
    project it imports (`gates`)."""
    function = app.functions.get(route.function) if route.function else None
    if function is None or not function.source_file or not function.handler_name:
        return None
    code = facts.code.get(function.source_file)
    if not isinstance(code, FileFacts):
        return None
    for fact in code.of_kind(SIGNATURE_CHECK):
        if fact.key == function.handler_name:
            return function.source_file, fact
    return gates.get(f"{function.source_file}#{function.handler_name}")


def _gates(facts: Facts) -> dict[str, tuple[str, CodeFact]]:
    """"<handler file>#<handler name>" -> (the file, the check) of each signature check in
    another module of the project that gates a handler (code_facts' GATE facts)."""
    found: dict[str, tuple[str, CodeFact]] = {}
    for path, code in facts.code.items():
        if isinstance(code, FileFacts) and code.facts and path.endswith(".py"):
            for fact in code.facts:
                if fact.kind == SIGNATURE_GATE:
                    found.setdefault(fact.key, (path, CodeFact(
                        SIGNATURE_CHECK, fact.line, fact.detail,
                        fact.key.rpartition("#")[2])))
    return found


def _verified_in_code(route: Route, found: Authorizer | None, file: str,
                      check: CodeFact) -> Finding:
    """FG-AUTH-002 at info on a route whose handler authenticates each request by the
    sender's signature: a webhook's sender cannot send a token an authoriser would check,
    so the code's check is the route's authentication."""
    function = f" (function '{logical_id(route.function)}')" if route.function else ""
    none = "has no authoriser" if found is None else \
        f"may have no authoriser ({_undecided_text(found)} lets anyone call it)"
    return make_finding(
        "FG-AUTH-002",
        f"Route {route_label(route)}{function} {none}, and its handler authenticates each "
        f"request itself: it verifies {check.detail} at {file}:{check.line} and stops on a "
        "bad one before its work. A webhook's sender cannot send a token an authoriser "
        "would check; keep the check where it is.",
        route.location, route_subject(route), severity="info",
        related=[(Location(file, check.line), "signature check")],
        properties={"verified_in_code": check.detail})


def _undecided_text(authorizer: Authorizer) -> str:
    """Why a route's authoriser may be NONE, for a message."""
    assert authorizer.undecided is not None
    return _choice_text(authorizer.undecided, "authoriser")


@rule(
    "FG-AUTH-003",
    "API key as the only protection",
    threat="auth",
    severity="medium",
    description="""
An API key identifies a client for usage plans and throttling; it does not authenticate a
user. Keys are shipped inside apps and web pages, sent in a plain header, rarely rotated
and shared by every user of a client: anyone who obtains one calls the route with the
full rights of the function. AWS says not to use API keys for authentication.
""",
    remediation={
        "serverless": "functions:\n  fn:\n    events:\n      - http:\n          path: /reports\n"
                      "          method: get\n          private: true  # keep the key for "
                      "the usage plan\n          authorizer: aws_iam  # and authenticate",
        "sam": "Events:\n  Api:\n    Type: Api\n    Properties:\n      Auth:\n"
               "        ApiKeyRequired: true\n        Authorizer: CognitoAuth",
        "terraform": 'resource "aws_api_gateway_method" "get" {\n'
                     '  api_key_required = true\n  authorization    = "COGNITO_USER_POOLS"\n}',
        "cloudformation": "# the AWS::ApiGateway::Method\n"
                          "ApiKeyRequired: true\n"
                          "AuthorizationType: COGNITO_USER_POOLS\n"
                          "AuthorizerId: !Ref CognitoAuth",
        "cdk": "# CDK: resource.addMethod(verb, integration, { apiKeyRequired: true, authorizer })",
    },
    references=(OWASP_AUTH,
                "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
                "api-gateway-api-usage-plans.html"),
    cwe=(287,),
)
def api_key_only(app: App, facts: Facts) -> Iterator[Finding]:
    for route in app.routes:
        if route.api_kind == "websocket" or route.method == "OPTIONS":
            continue
        if not api_key_required(app, route):
            continue
        found = effective_authorizer(app, route)
        if found is None:
            yield make_finding(
                "FG-AUTH-003",
                f"Route {route_label(route)} is protected only by an API key: a key is a "
                "client identifier, not authentication; anyone holding it can call the "
                "route.", route.location, route_subject(route))
        elif may_be_open(found):
            yield make_finding(
                "FG-AUTH-003",
                f"Route {route_label(route)} may be protected only by an API key: "
                f"{_undecided_text(found)} leaves the key, a client identifier, not "
                "authentication: anyone holding it can call the route.",
                route.location, route_subject(route),
                **_how_sure(found.undecided, "medium"))


@rule(
    "FG-AUTH-004",
    "Resource policy lets anyone invoke or write",
    threat="auth",
    severity="high",
    description="""
A Lambda permission, bucket, queue, topic or EventBridge bus policy that allows `*`
(everyone) to invoke the function or write to the resource, with no `aws:SourceArn`,
`aws:SourceAccount`, `aws:PrincipalOrgID` (or VPC endpoint / IP) condition, is open to
every AWS account and, for S3/SQS/SNS, to anonymous callers: they can invoke your code,
inject messages, put events your rules hand to functions or plant objects your functions
will process. A grant to an AWS service principal
(`s3.amazonaws.com`, `sns.amazonaws.com`, `events.amazonaws.com`) with no SourceArn or
SourceAccount lets that service act on behalf of *any* account's bucket, topic or rule
(the confused deputy) and is reported `medium`. A Terraform bucket, queue or topic whose
own `policy` argument a policy resource (`aws_sqs_queue_policy`, `aws_sns_topic_policy`,
`aws_s3_bucket_policy`) overwrites is judged by the policy resource's statements: the
resource holds one policy, and the policy resource is applied after it.
A REST API whose routes require IAM (`AWS_IAM`) and whose resource policy allows
`execute-api:Invoke` to `*` with no such condition lets any principal of any AWS account
call those routes: IAM authorisation only asks that the request be signed by some AWS
identity, and the policy accepts every account's (as a Lambda permission to `*` does for
a function URL of AuthType `AWS_IAM`). Add `aws:PrincipalOrgID` or `aws:PrincipalAccount`.
A Deny to `*` whose conditions are all true for every caller outside an account,
organisation or network (`StringNotEquals aws:PrincipalAccount`, `NotIpAddress
aws:SourceIp`) fences the routes its Resource names, on every stage and method; the
routes it does not name stay open. The same policy on an API without IAM
routes is how public APIs are written: their routes' authorisation is FG-AUTH-002's.
SAM's `Auth.ResourcePolicy` lists are read as the statements SAM writes for them: each
network list (`IpRangeBlacklist`, `SourceVpcWhitelist`...) comes with an Allow to
everyone, which a whitelist's Deny fences and a blacklist's does not.
""",
    remediation={
        "serverless": "resources:\n  Resources:\n    InvokePermission:\n"
                      "      Type: AWS::Lambda::Permission\n      Properties:\n"
                      "        Action: lambda:InvokeFunction\n"
                      "        FunctionName: !GetAtt ProcessLambdaFunction.Arn\n"
                      "        Principal: s3.amazonaws.com\n"
                      "        SourceArn: !GetAtt UploadBucket.Arn\n"
                      "        SourceAccount: !Ref AWS::AccountId",
        "sam": "QueuePolicy:\n  Type: AWS::SQS::QueuePolicy\n  Properties:\n"
               "    PolicyDocument:\n      Statement:\n        - Effect: Allow\n"
               "          Principal: {Service: sns.amazonaws.com}\n"
               "          Action: sqs:SendMessage\n          Resource: !GetAtt Queue.Arn\n"
               "          Condition:\n            ArnEquals:\n"
               "              aws:SourceArn: !Ref Topic",
        "terraform": 'resource "aws_lambda_permission" "s3" {\n'
                     '  principal      = "s3.amazonaws.com"\n'
                     '  source_arn     = aws_s3_bucket.uploads.arn\n'
                     '  source_account = data.aws_caller_identity.current.account_id\n}',
    },
    references=(OWASP_AUTH,
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
                "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html"),
    cwe=(284, 441),
    equivalents={"Checkov": "CKV_AWS_364",
                 "Prowler": "awslambda_function_not_publicly_accessible"},
)
def open_resource_policy(app: App, facts: Facts) -> Iterator[Finding]:
    for policy in open_resource_policies(app, services_too=True):
        statement = policy.statement
        target = logical_id(policy_target(policy))
        actions = ", ".join(invoke_or_write_actions(policy))
        if grants_anyone(statement):
            message = (f"The {policy.service} resource policy on '{target}' lets anyone "
                       f"({actions}) with no SourceArn/SourceAccount condition.")
            severity = "high"
        else:
            services = ", ".join(str(p) for p in statement.principals)
            message = (f"The {policy.service} resource policy on '{target}' lets {services} "
                       f"({actions}) on behalf of any account: add SourceArn and "
                       "SourceAccount.")
            severity = "medium"
        yield make_finding("FG-AUTH-004", message, statement.location or policy.location,
                           f"resource-policy:{policy.service}:{target}:{logical_id(policy.id)}",
                           severity=severity)
    yield from _api_open_to_any_account(app, facts)


#: FG-AUTH-004's fix for an API's resource policy, in each format.
_API_POLICY_FIXES = {
    "serverless": "provider:\n  apiGateway:\n    resourcePolicy:\n      - Effect: Allow\n"
                  "        Principal: '*'\n        Action: execute-api:Invoke\n"
                  "        Resource: execute-api:/*\n        Condition:\n"
                  "          StringEquals:\n            aws:PrincipalOrgID: o-a1b2c3d4e5",
    "sam": "Api:\n  Type: AWS::Serverless::Api\n  Properties:\n    Auth:\n"
           "      DefaultAuthorizer: AWS_IAM\n      ResourcePolicy:\n"
           "        CustomStatements:\n          - Effect: Allow\n"
           "            Principal: '*'\n            Action: execute-api:Invoke\n"
           "            Resource: execute-api:/*\n            Condition:\n"
           "              StringEquals:\n                aws:PrincipalOrgID: o-a1b2c3d4e5",
    "terraform": 'resource "aws_api_gateway_rest_api_policy" "internal" {\n'
                 "  rest_api_id = aws_api_gateway_rest_api.internal.id\n"
                 "  policy = jsonencode({\n    Version = \"2012-10-17\"\n"
                 "    Statement = [{\n      Effect = \"Allow\", Principal = \"*\",\n"
                 "      Action = \"execute-api:Invoke\", Resource = \"execute-api:/*\",\n"
                 "      Condition = { StringEquals = { \"aws:PrincipalOrgID\" = "
                 "\"o-a1b2c3d4e5\" } }\n    }]\n  })\n}",
}


def _api_open_to_any_account(app: App, facts: Facts) -> Iterator[Finding]:
    """FG-AUTH-004 on a REST API's resource policy letting everyone call its IAM routes."""
    policies = apis_open_to_any_account(app)
    if not policies:
        return
    iam_routes: dict[str, list[str]] = {}
    for route in app.routes:
        found = effective_authorizer(app, route)
        if route.api_kind == "rest" and found is not None and found.kind.lower() == "iam" \
                and open_to_any_account(route, policies):
            iam_routes.setdefault(route.api, []).append(route_label(route))
    for api, opened in policies.items():
        labels = iam_routes.get(api)
        if not labels:
            continue
        routes = short_list(sorted(set(labels)), 4)
        for policy in opened.opening:
            where = policy.statement.location or policy.location
            yield make_finding(
                "FG-AUTH-004",
                f"The resource policy of API '{logical_id(api)}' lets any AWS principal of "
                f"any account call its IAM-authorised routes ({routes}): execute-api:Invoke "
                "to '*' with no aws:PrincipalOrgID or aws:PrincipalAccount condition, and "
                "AWS_IAM only asks for a request signed by some AWS identity.",
                where,
                f"resource-policy:execute-api:{logical_id(api)}:{logical_id(policy.id)}",
                remediation=remediation_for(app, facts, where.file, _API_POLICY_FIXES))


@rule(
    "FG-AUTH-006",
    "Resource policy lets anyone read or take what the resource holds",
    threat="auth",
    severity="high",
    description="""
A Secrets Manager secret, queue, topic or KMS key whose resource policy allows `*`
(everyone) to read or take what it holds, with no condition tying the grant to your
account, organisation or network (`aws:PrincipalAccount`, `aws:PrincipalOrgID`,
`aws:SourceVpce`, `kms:CallerAccount`...), hands it to every AWS account: the secret's
value (`secretsmanager:GetSecretValue`), the messages your functions consume, received
and deleted before they run (`sqs:ReceiveMessage`, `sqs:DeleteMessage`,
`sqs:PurgeQueue`), a copy of every message published to the topic through a subscription
of the stranger's own (`sns:Subscribe`), or the key: everything it encrypts decrypted, its
policy rewritten (`kms:Decrypt`, `kms:PutKeyPolicy`, as `kms:*` grants). Writing to the
resource is FG-AUTH-004's; a bucket's public read, FG-DATA-009's.
""",
    remediation={
        "serverless": "resources:\n  Resources:\n    QueuePolicy:\n"
                      "      Type: AWS::SQS::QueuePolicy\n      Properties:\n"
                      "        Queues: [!Ref Queue]\n        PolicyDocument:\n"
                      "          Statement:\n            - Effect: Allow\n"
                      "              Principal: {AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:root'}\n"
                      "              Action: [sqs:ReceiveMessage, sqs:DeleteMessage]\n"
                      "              Resource: !GetAtt Queue.Arn",
        "sam": "KeyPolicy:\n  Statement:\n    - Effect: Allow\n"
               "      Principal: {AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:root'}\n"
               "      Action: kms:*\n      Resource: '*'",
        "terraform": 'resource "aws_secretsmanager_secret_policy" "db" {\n'
                     '  secret_arn = aws_secretsmanager_secret.db.arn\n'
                     '  policy = jsonencode({ Statement = [{\n'
                     '    Effect    = "Allow"\n'
                     '    Principal = { AWS = aws_iam_role.reader.arn }\n'
                     '    Action    = "secretsmanager:GetSecretValue"\n'
                     '    Resource  = "*"\n  }] })\n}',
    },
    references=(OWASP_AUTH,
                "https://docs.aws.amazon.com/secretsmanager/latest/userguide/"
                "auth-and-access_resource-policies.html",
                "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                "reference_policies_condition-keys.html"),
    cwe=(284, 200),
    equivalents={"Checkov": "CKV_AWS_33 (KMS), CKV_AWS_168 (SQS), CKV_AWS_169 (SNS)",
                 "Prowler": "secretsmanager_not_publicly_accessible"},
)
def resource_policy_open_to_read(app: App, facts: Facts) -> Iterator[Finding]:
    for policy in policies_in_effect(app):
        if not grants_anyone(policy.statement) or is_restricted(policy):
            continue
        actions = allowed_of(policy, READ_OR_TAKE_ACTIONS)
        if not actions:
            continue
        target = logical_id(policy_target(policy))
        yield make_finding(
            "FG-AUTH-006",
            f"The {policy.service} resource policy on '{target}' lets anyone "
            f"({', '.join(actions)}) with no condition tying it to your account or "
            f"organisation: {_TAKEN[policy.service]}.",
            policy.statement.location or policy.location,
            f"resource-read:{policy.service}:{target}:{logical_id(policy.id)}")


#: What a stranger takes through each service's READ_OR_TAKE_ACTIONS, for messages.
_TAKEN = {
    "secretsmanager": "any AWS account can read the secret's value",
    "sqs": "any AWS account can receive and delete the messages before your consumer "
           "sees them",
    "sns": "any AWS account can subscribe and get a copy of every message",
    "kms": "any AWS account can decrypt what the key protects",
}


@rule(
    "FG-AUTH-007",
    "Unauthenticated Cognito identities may invoke a function",
    threat="auth",
    severity="high",
    description="""
A Cognito identity pool that allows unauthenticated identities hands AWS credentials of
its guest role to anyone who asks with the pool's id, which ships inside the app or web
page: no login, no token. When that role may invoke a function (`lambda:InvokeFunction` on
it, or on `*`), anyone can call the function directly with those credentials, past every
API authoriser, throttle and WAF in front of it. Give guests only what a visitor who is
nobody may do, and invoke functions through an authenticated API or the authenticated
role.
""",
    remediation={
        "serverless": "resources:\n  Resources:\n    PoolRoles:\n"
                      "      Type: AWS::Cognito::IdentityPoolRoleAttachment\n"
                      "      Properties:\n        IdentityPoolId: !Ref Pool\n"
                      "        Roles:\n          authenticated: !GetAtt UserRole.Arn\n"
                      "          # the unauthenticated role: no lambda:InvokeFunction",
        "sam": "Pool:\n  Type: AWS::Cognito::IdentityPool\n  Properties:\n"
               "    AllowUnauthenticatedIdentities: false",
        "terraform": 'resource "aws_cognito_identity_pool" "app" {\n'
                     "  allow_unauthenticated_identities = false\n}",
    },
    references=(OWASP_AUTH,
                "https://docs.aws.amazon.com/cognito/latest/developerguide/"
                "identity-pools.html",
                "https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html"),
    cwe=(306,),
    equivalents={"Checkov": "CKV_AWS_366 (any guest access)"},
)
def guest_identities_invoke(app: App, facts: Facts) -> Iterator[Finding]:
    for pool in app.resources.values():
        props = pool.properties
        if pool.kind != "other" or props.get("type") != IDENTITY_POOL or \
                props.get("unauthenticated") is not True:
            continue
        role = app.roles.get(str(props.get("guest_role")))
        if role is None:
            continue
        for index, statement in enumerate(role.statements):
            functions = _invoked(app, statement)
            if not functions:
                continue
            yield make_finding(
                "FG-AUTH-007",
                f"Identity pool '{logical_id(pool.id)}' gives unauthenticated identities "
                f"role '{logical_id(role.id)}', which may invoke {functions}: anyone who "
                "knows the pool's id can call it with no login, past every API authoriser.",
                statement.location or role.location,
                f"guest-invoke:{logical_id(pool.id)}:{logical_id(role.id)}:{index}",
                related=[(pool.location, "the identity pool")])


def _invoked(app: App, statement: Statement) -> str:
    """What an Allow statement lets its holder invoke: "function 'a', 'b'" for functions
    of the app it names, "every function of the account" for `*`; "" for none."""
    if statement.effect != "Allow" or not any(
            isinstance(a, str) and action_matches(a, "lambda:InvokeFunction")
            for a in statement.actions):
        return ""
    named = sorted({logical_id(r.target) for r in statement.resources
                    if isinstance(r, Ref) and r.target in app.functions})
    if named:
        return "function " + ", ".join(f"'{n}'" for n in named)
    if any(r == "*" or isinstance(r, str) and r.endswith(":function:*")
           for r in statement.resources):
        return "every function of the account"
    return ""


def _authorizer_named(kind: str, name: str) -> str:
    """`<kind> authoriser '<name>'` for messages; an authoriser known only at deploy time
    (its name an Unknown's text, `<unknown: cf:stack.Output>`) is named by its source."""
    if name.startswith("<unknown: ") and name.endswith(">"):
        return f"{kind} authoriser given by {name[len('<unknown: '):-1]} (known at deploy time)"
    return f"{kind} authoriser '{name}'"


@rule(
    "FG-AUTH-005",
    "Authoriser without identity source or scopes",
    threat="auth",
    severity="low",
    description="""
Two authoriser settings that leave the real decision to chance:

- a Lambda REQUEST authoriser with no identity source: API Gateway cannot turn away
  requests that carry no credential, so every anonymous request runs your authoriser code
  (and is billed), caching is impossible, and access depends on that code handling the
  missing token correctly;
- a Cognito or JWT authoriser with no authorisation scopes on a state-changing route:
  any valid token of the user pool or issuer — including one a stranger gets by signing up,
  or an ID token where an access token was meant — may call the route.
""",
    remediation={
        "serverless": "provider:\n  httpApi:\n    authorizers:\n      jwtAuth:\n"
                      "        identitySource: $request.header.Authorization\n"
                      "functions:\n  deleteOrder:\n    events:\n      - httpApi:\n"
                      "          method: DELETE\n          path: /orders/{id}\n"
                      "          authorizer:\n            name: jwtAuth\n"
                      "            scopes: [orders/write]",
        "sam": "Auth:\n  Authorizer: CognitoAuth\n  AuthorizationScopes:\n    - orders/write\n"
               "# and for REQUEST authorisers:\n# Identity:\n#   Headers: [Authorization]",
        "terraform": 'resource "aws_apigatewayv2_route" "delete" {\n'
                     '  authorization_scopes = ["orders/write"]\n}',
        "cloudformation": "# the AWS::ApiGateway::Method (an AWS::ApiGatewayV2::Route has "
                          "AuthorizationScopes too)\n"
                          "AuthorizationScopes:\n"
                          "  - orders/write\n"
                          "# and for REQUEST authorisers, on the AWS::ApiGateway::Authorizer:\n"
                          "# IdentitySource: method.request.header.Authorization",
        "cdk": "# CDK: addMethod(verb, integration, { authorizer, authorizationScopes: "
               "['orders/write'] })",
    },
    references=(OWASP_AUTH,
                "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
                "http-api-jwt-authorizer.html"),
    cwe=(285,),
)
def weak_authorizer(app: App, facts: Facts) -> Iterator[Finding]:
    reported: set[str] = set()
    for route in app.routes:
        authorizer = effective_authorizer(app, route)
        if authorizer is None:
            continue
        kind = authorizer.kind.lower()
        name = authorizer.name or kind
        if kind == "lambda-request" and not authorizer.identity_sources:
            key = f"{route.api}:{name}"
            if key not in reported:
                reported.add(key)
                yield make_finding(
                    "FG-AUTH-005",
                    f"Lambda REQUEST {_authorizer_named('', name).lstrip()} has no identity "
                    "source: every "
                    "request, even one with no credential, runs the authoriser.",
                    authorizer.location or route.location,
                    f"authorizer:{logical_id(route.api)}:{name}")
        elif kind in ("cognito", "jwt") and not authorizer.scopes and \
                route.method in DESTRUCTIVE_METHODS:
            yield make_finding(
                "FG-AUTH-005",
                f"Route {route_label(route)} accepts any token of "
                f"{_authorizer_named(kind, name)} (no authorisation scopes) for a "
                "state-changing method.",
                route.location, route_subject(route))


@rule(
    "FG-AUTH-102",
    "Lambda authoriser allows every caller",
    threat="auth",
    severity="high",
    description="""
A Lambda authoriser whose handler returns an Allow policy (or an HTTP API simple response
`isAuthorized: true`) without reading the caller's credential, the `authorizationToken`
of a TOKEN authoriser or the `headers`, `identitySource`, query string or cookies of a
REQUEST one, lets every request through: each route behind it is as open as a route with
no authoriser (FG-AUTH-002), while the template says it is protected. A placeholder
written "until the real check is ready" is the usual cause.

Reported for Python and Node.js authorisers of the app's routes, at the allow, when the
handler's file names no credential at all and does not hand the event to another
function (which may check it). An authoriser that verifies the token, looks it up or
compares it, or builds its policy from the verified claims, is not reported.
""",
    remediation={
        "python": 'token = event["authorizationToken"].removeprefix("Bearer ")\n'
                  'claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], '
                  'audience=CLIENT_ID)\n'
                  '# allow only then; on any error: raise Exception("Unauthorized")',
        "javascript": "const claims = await verifier.verify(event.authorizationToken);  "
                      "// aws-jwt-verify\n"
                      "// allow only then; on any error: throw new Error('Unauthorized')",
        "text": "verify the caller's credential (token signature, issuer, audience, "
                "expiry; or a lookup of the key) before returning Allow, or use a Cognito "
                "or JWT authoriser",
    },
    references=(OWASP_AUTH, "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
                            "apigateway-use-lambda-authorizer.html"),
    cwe=(287, 306),
)
def authorizer_allows_all(app: App, facts: Facts) -> Iterator[Finding]:
    from faasguard.analysis.authoriser_code import OPEN_ALLOWS

    open_allows: dict[str, tuple[str, int]] = facts.memo.get(OPEN_ALLOWS, {})
    behind: dict[str, list[Route]] = {}
    for route in app.routes:
        authorizer = effective_authorizer(app, route)
        if authorizer is not None and authorizer.function is not None:
            behind.setdefault(authorizer.function, []).append(route)
    for function_id, found in sorted(open_allows.items()):
        function = app.functions[function_id]
        routes = behind.get(function_id, [])
        opened = f": {short_list([route_label(r) for r in routes], 5)} open to anyone" \
            if routes else ""
        yield make_finding(
            "FG-AUTH-102",
            f"Lambda authoriser '{logical_id(function_id)}' returns Allow without reading "
            "the caller's credential (authorizationToken, headers, identitySource): every "
            f"request passes, so each route behind it is unauthenticated{opened}.",
            Location(*found),
            f"authorizer-allows-all:{logical_id(function_id)}",
            related=[(function.location,
                      f"the authoriser function '{logical_id(function_id)}'")])
