"""The endpoint inventory: every HTTP entry point of the app, with its auth and exposure.

One `Endpoint` per API route (REST, HTTP, websocket), function URL and ALB listener rule,
and per route of an app's own router that an API reaches through its catch-all proxy (a
Zappa or serverless-wsgi app's Flask or Django routes: `behind` names the catch-all route,
`ANY /{proxy+}` or an HTTP API's `*`).
`auth` is the protection a caller meets (the route's own authoriser, else the API's
default, else none); `exposure` says who can reach the endpoint at the network level:
"internet" for public endpoints, "vpc" for REST APIs with a PRIVATE endpoint type (callable
only through an interface VPC endpoint) and for ALB rules of internal load balancers only.
A REST route its API's resource policy fences for the requests its auth lets in (every
auth but IAM: those requests are unsigned, `unsigned_callers`) says what the policy allows:
"vpc" when only VPCs or VPC endpoints it names get in, "network" when only the source IP
ranges it names do (with or without VPCs), "nobody" when no such request gets in.
`documented` is filled by the OpenAPI comparison (True/False) when a spec applies to the
endpoint, else None. `undecided` is set when the
deployment decides whether the endpoint authenticates (`Authorizer.undecided`, a function
URL's AuthType with NONE among its possible values): `auth` is then what the other values
give, and `unauthenticated` is False; its JSON says `none_only_if_passed` when the template
writes no NONE (`none_unlisted`: the default authenticates, and the endpoint is open only
on a deployment that passes NONE).

Fills `facts.endpoints` (a list of `Endpoint`, sorted by file and line).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from faasguard.analysis.facts import Facts
from faasguard.analysis.iam_catalog import matches as action_matches
from faasguard.memo import LastListValue
from faasguard.model import (
    Api,
    App,
    Authorizer,
    Function,
    Location,
    Ref,
    ResourcePolicy,
    Route,
    Statement,
    Trigger,
    Unknown,
    logical_id,
)

#: Methods that change state: an unauthenticated one is worse than an unauthenticated read.
DESTRUCTIVE_METHODS = frozenset({"DELETE", "PUT", "PATCH", "POST", "ANY"})


@dataclass
class Endpoint:
    """One HTTP entry point (see the module docstring for the meaning of each field)."""

    kind: str  # rest, http, websocket, url, alb
    method: str
    path: str
    location: Location
    function: str | None = None
    api: str | None = None
    auth: str = "none"  # none, iam, cognito, jwt, lambda-token, lambda-request, oidc (ALB)
    authorizer: str | None = None
    api_key: bool = False
    exposure: str = "internet"  # internet, vpc, network, nobody
    documented: bool | None = None
    route: Route | None = field(default=None, repr=False, compare=False)
    behind: str | None = None  # the catch-all API route an app-router route is reached by
    undecided: Unknown | None = None  # what decides whether it authenticates (NONE or not)

    @property
    def unauthenticated(self) -> bool:
        """True when anyone who can reach the endpoint can call it (an API key is no auth)."""
        return self.auth == "none"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view (ids shortened to what the user wrote)."""
        return {
            "kind": self.kind, "method": self.method, "path": self.path,
            "function": logical_id(self.function) if self.function else None,
            "api": logical_id(self.api) if self.api else None,
            "auth": self.auth, "authorizer": self.authorizer, "api_key": self.api_key,
            "exposure": self.exposure, "documented": self.documented,
            "file": self.location.file, "line": self.location.line,
            **({"behind": self.behind} if self.behind else {}),
            # the deployment decides: `auth` on some deployments, none on others
            **({"undecided": {"by": self.undecided.text,
                              "choices": list(self.undecided.choices),
                              # the values only the setting's domain gives
                              **({"unlisted": list(self.undecided.unlisted)}
                                 if self.undecided.unlisted else {}),
                              # authenticated as written: NONE only if a deployment
                              # passes it (`none_unlisted`)
                              **({"none_only_if_passed": True}
                                 if none_unlisted(self.undecided) else {})}}
               if self.undecided else {}),
            # the route as its router writes it, when `path` only approximates it
            **({"pattern": self.route.pattern} if self.route and self.route.pattern else {}),
        }


#: Actions through which a resource policy lets a caller invoke or write, per service
#: (an event bus's PutEvents: events its rules hand to functions).
INVOKE_OR_WRITE_ACTIONS: dict[str, tuple[str, ...]] = {
    "lambda": ("lambda:InvokeFunction", "lambda:InvokeFunctionUrl"),
    "s3": ("s3:PutObject", "s3:DeleteObject"),
    "sqs": ("sqs:SendMessage",),
    "sns": ("sns:Publish",),
    "events": ("events:PutEvents",),
}
#: Actions through which a resource policy lets a caller read or take what the resource
#: holds, per service: a secret's value, a queue's messages (received, deleted), a topic's
#: messages (a subscription of one's own), a key's decryption and its policy. A bucket's
#: public read is FG-DATA-009's (its public access block).
READ_OR_TAKE_ACTIONS: dict[str, tuple[str, ...]] = {
    "secretsmanager": ("secretsmanager:GetSecretValue",),
    "sqs": ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue"),
    "sns": ("sns:Subscribe",),
    "kms": ("kms:Decrypt", "kms:PutKeyPolicy"),
}
#: Condition keys that tie a resource policy to a known caller (source, account, org, network).
RESTRICTING_CONDITION_KEYS = frozenset({
    "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid",
    "aws:principalaccount", "aws:principalarn", "aws:sourcevpce", "aws:sourcevpc",
    "aws:sourceip", "aws:principalorgpaths", "aws:sourceorgid", "kms:calleraccount",
})


def invoke_or_write_actions(policy: ResourcePolicy) -> list[str]:
    """The invoke/write actions of its service that the policy's statement allows."""
    return allowed_of(policy, INVOKE_OR_WRITE_ACTIONS)


def allowed_of(policy: ResourcePolicy, table: dict[str, tuple[str, ...]]) -> list[str]:
    """The actions `table` lists for the policy's service that its statement allows."""
    wanted = table.get(policy.service, ())
    patterns = [a for a in policy.statement.actions if isinstance(a, str)]
    return [w for w in wanted if any(action_matches(p, w) for p in patterns)]


def policy_target(policy: ResourcePolicy) -> str:
    """The id of the resource a policy protects (its `Ref`'s target), or the name written."""
    target = policy.target
    return target.target if isinstance(target, Ref) else str(target)


def is_restricted(policy: ResourcePolicy) -> bool:
    """True when a condition (or SourceArn/SourceAccount) ties the grant to known callers."""
    if policy.source_arn is not None or policy.source_account is not None:
        return True
    keys = {str(k).lower() for block in policy.statement.conditions.values()
            if isinstance(block, dict) for k in block}
    return bool(keys & RESTRICTING_CONDITION_KEYS)


def grants_anyone(statement: Statement) -> bool:
    """True for an Allow statement whose principal is everyone (`*`, `{"AWS": "*"}`)."""
    return statement.effect == "Allow" and "*" in statement.principals


#: Services whose resources hold one policy: a policy resource naming a bucket, queue or
#: topic (aws_s3_bucket_policy, aws_sqs_queue_policy, aws_sns_topic_policy) replaces the
#: policy the resource writes itself (Terraform's `policy` argument).
_ONE_POLICY = frozenset({"s3", "sqs", "sns"})


def _own_policy(policy: ResourcePolicy) -> str | None:
    """The id of the resource whose own `policy` argument wrote `policy` (the loaders name
    its statements `<resource id>:<n>`), None for a policy resource's statement."""
    target = policy.target
    if policy.service in _ONE_POLICY and isinstance(target, Ref) and \
            policy.id.startswith(target.target + ":"):
        return target.target
    return None


def policies_in_effect(app: App) -> list[ResourcePolicy]:
    """The app's resource policies in effect: the statements of a bucket's, queue's or
    topic's own `policy` argument are left out when a policy resource of its own names
    the same resource too. The resource holds one policy, and the policy resource,
    applied after the resource it names, replaces the other (both written, each apply
    writes them in turn: the policy resource's is the one left)."""
    replaced = {p.target.target for p in app.resource_policies
                if p.service in _ONE_POLICY and isinstance(p.target, Ref)
                and _own_policy(p) is None}
    if not replaced:
        return app.resource_policies
    return [p for p in app.resource_policies if _own_policy(p) not in replaced]


def open_resource_policies(app: App, services_too: bool = False) -> list[ResourcePolicy]:
    """Resource policies that let anyone invoke or write, with no restricting condition.

    With `services_too`, also grants to an AWS service principal (`s3.amazonaws.com`, ...)
    with no SourceArn/SourceAccount: any account's bucket/topic/rule could then invoke
    (the confused deputy). Public function URL permissions (FunctionUrlAuthType NONE) are
    left out: the function URL itself is the finding there.
    """
    found = []
    for policy in policies_in_effect(app):
        statement = policy.statement
        if statement.effect != "Allow" or is_restricted(policy):
            continue
        if not invoke_or_write_actions(policy):
            continue
        if isinstance(policy.function_url_auth_type, str) and \
                policy.function_url_auth_type.upper() == "NONE":
            continue
        service_principal = any(isinstance(p, str) and p.lower().endswith(".amazonaws.com")
                                for p in statement.principals)
        if grants_anyone(statement) or (services_too and service_principal):
            found.append(policy)
    return found


#: What a REST API's resource policy lets a caller do: call its routes.
API_INVOKE: dict[str, tuple[str, ...]] = {"execute-api": ("execute-api:Invoke",)}


class OpenApi(NamedTuple):
    """An API a resource policy opens to every account: the statements that do, and the
    Deny statements that fence routes of it from every caller outside an account,
    organisation or network (`fences_every_caller`)."""

    opening: list[ResourcePolicy]
    fences: list[ResourcePolicy]


def apis_open_to_any_account(app: App) -> dict[str, OpenApi]:
    """The APIs whose resource policy lets a principal of any AWS account call them, each
    with the statements that do (execute-api:Invoke allowed to `*` with no condition
    tying it to an account, organisation or network) and the Deny statements that fence
    some or all of its routes again (`open_to_any_account` tells a route). Its
    IAM-authorised routes no Deny fences then take any AWS identity's signature."""
    policies = [p for p in app.resource_policies
                if p.service == "execute-api" and allowed_of(p, API_INVOKE)]
    found: dict[str, OpenApi] = {}
    for policy in policies:
        if grants_anyone(policy.statement) and not is_restricted(policy):
            found.setdefault(policy_target(policy), OpenApi([], [])).opening.append(policy)
    for policy in policies:
        api = found.get(policy_target(policy))
        if api is not None and fences_every_caller(policy.statement):
            api.fences.append(policy)
    return found


#: Condition operators true for every caller but the ones a key's values name (a Deny
#: with them denies everyone else): `StringNotEquals aws:PrincipalAccount`, `NotIpAddress`.
_NEGATED_OPERATORS = frozenset({
    "stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals",
    "arnnotlike", "notipaddress"})


def _operator_name(operator: Any) -> str:
    """A condition operator's name without its set prefix or IfExists suffix, lower case
    (`ForAnyValue:StringNotEqualsIfExists` is "stringnotequals")."""
    return str(operator).lower().split(":")[-1].removesuffix("ifexists")


def fences_every_caller(statement: Statement) -> bool:
    """Is a statement a Deny to every principal whose every condition is true for every
    caller outside the accounts, organisations or networks it names (a negated operator
    on a key that ties callers to them: `StringNotEquals aws:PrincipalOrgID`,
    `NotIpAddress aws:SourceIp`, `StringNotEquals aws:SourceVpce`)? A Deny of named
    networks (`IpAddress`), or with a condition on anything else (`aws:SecureTransport`),
    leaves the other callers in. One with no condition denies every caller."""
    if statement.effect != "Deny" or "*" not in statement.principals:
        return False
    for operator, block in statement.conditions.items():
        if _operator_name(operator) not in _NEGATED_OPERATORS or \
                not isinstance(block, dict) or not block or \
                any(str(key).lower() not in RESTRICTING_CONDITION_KEYS for key in block):
            return False
    return True


def _execute_api_path(resource: str) -> str | None:
    """The `stage/METHOD/path` part of an execute-api resource (`execute-api:/*/GET/a`,
    `arn:aws:execute-api:region:account:api-id/*/GET/a`, an API's execution ARN
    referenced and `/*/GET/a`); `*` for every route; None for a resource of no such
    form."""
    text = resource.strip()
    if text == "*":
        return "*"
    reference, brace, rest = text.partition("}")
    if text.startswith("${") and brace and "executionarn" in reference.lower() and \
            rest.startswith("/"):  # Terraform's `${aws_api_gateway_rest_api.x.execution_arn}/*`
        return rest[1:]
    _, found, after = text.partition("execute-api:")
    if not found:
        return None
    if after.startswith("/"):  # the short form a policy of the API itself may use
        return after[1:]
    # region:account:api-id/stage/METHOD/path (no `/` before the API's id, even in
    # `${AWS::Region}`); `*` alone, or as the API's id, for every route
    api_id, slash, path = after.partition("/")
    return path if slash else ("*" if api_id.rsplit(":", 1)[-1] == "*" else None)


def _covers_route(resources: tuple[Any, ...], route: Route) -> bool | None:
    """Does one of a statement's resources name the route, on every stage and for every
    method it takes? None when a resource cannot be read (a value known at deployment, a
    form `_execute_api_path` does not know)."""
    # a stage and (for ANY) a method no written name equals: only a wildcard covers them
    method = "\0any" if route.method == "ANY" else route.method
    wanted = f"\0stage/{method}/{route.path.lstrip('/')}"
    unknown = False
    for resource in resources:
        path = _execute_api_path(resource) if isinstance(resource, str) else None
        if path is None:
            unknown = True
            continue
        if fnmatchcase(wanted, path.replace("[", "[[]")):
            return True
    return None if unknown else False


def fenced(policy: ResourcePolicy, route: Route) -> bool:
    """Does a fencing Deny (`fences_every_caller`) cover the route? Its Resource (or
    NotResource) names the routes it covers; one that cannot be read is taken to cover
    every route, as the Deny was written for the API."""
    statement = policy.statement
    if statement.not_resources:
        return _covers_route(statement.not_resources, route) is not True
    return statement.resources == () or _covers_route(statement.resources, route) is not False


def open_to_any_account(route: Route, open_apis: Mapping[str, OpenApi]) -> bool:
    """Is the route on an API a resource policy opens to every account
    (`apis_open_to_any_account`, given), with no fencing Deny covering it?"""
    api = open_apis.get(route.api)
    return api is not None and not any(fenced(policy, route) for policy in api.fences)


def signed_only(app: App, route: Route, open_apis: Mapping[str, OpenApi]) -> bool:
    """Can only principals allowed execute-api:Invoke call the route: it requires IAM
    (SigV4), every deployment's (no NONE a parameter or stage may pass), and no resource
    policy opens it to every account (`open_to_any_account`)? Those are the account's own
    principals, or the accounts a resource policy names."""
    found = effective_authorizer(app, route)
    return found is not None and found.kind.lower() == "iam" and not may_be_open(found) \
        and not open_to_any_account(route, open_apis)


#: Condition keys naming the network a request comes from; the other restricting keys
#: name the principal, account or source resource: values an unsigned request has none of.
_NETWORK_KEYS = frozenset({"aws:sourceip", "aws:sourcevpce", "aws:sourcevpc"})


class Fence(NamedTuple):
    """Who outside the API's own authorisation may call an unauthenticated REST route, as
    its resource policy says (`unsigned_callers`): `reach` is "anyone" (an Allow to `*`
    with no condition on the caller covers it, no fencing Deny), "network" (only requests
    from the networks `networks` names, for a message: source IP ranges, VPC endpoints,
    VPCs) or "nobody" (no Allow an unsigned request matches covers it, or a Deny covering
    it refuses every unsigned request). `ip_ranges`: source IP ranges are among the
    networks (else they are VPCs and VPC endpoints only). `fences_others`: the policy
    fences some other route of the API."""

    reach: str
    networks: tuple[str, ...] = ()
    fences_others: bool = False
    ip_ranges: bool = False


#: A network a condition names: is it a source IP range (else a VPC or VPC endpoint), and
#: its text for a message (`_networks`).
_Network = tuple[bool, str]


def _fencing_keys(statement: Statement) -> tuple[set[str], list[_Network]] | None:
    """The restricting keys of a statement's conditions whose operator is not negated
    (`StringEquals aws:SourceVpce`, `IpAddress aws:SourceIp`), with the networks the
    network ones name (`_networks`); None when no condition names callers so."""
    keys: set[str] = set()
    values: list[_Network] = []
    for operator, block in statement.conditions.items():
        if _operator_name(operator) in _NEGATED_OPERATORS or not isinstance(block, dict):
            continue
        for key, value in block.items():
            if str(key).lower() in RESTRICTING_CONDITION_KEYS:
                keys.add(str(key).lower())
                if str(key).lower() in _NETWORK_KEYS:
                    values.extend(_networks(str(key), value))
    return (keys, values) if keys else None


def _deny_networks(statement: Statement) -> list[_Network] | None:
    """The networks a fencing Deny (`fences_every_caller`) lets through (the values of its
    negated network conditions: `NotIpAddress aws:SourceIp`); None when it refuses every
    unsigned request (no condition, or one on the principal or account, which an unsigned
    request lacks: a negated operator on a missing key is true)."""
    values: list[_Network] = []
    for block in statement.conditions.values():
        for key, value in block.items():
            if str(key).lower() not in _NETWORK_KEYS:
                return None
            values.extend(_networks(str(key), value))
    return values or None


def _networks(key: str, value: Any) -> list[_Network]:
    """The networks a network condition's value names (`_Network`), each told by its key:
    a source IP range, as written, or `VPC endpoint vpce-1a2b`, `VPC vpc-1a2b`."""
    kind = {"aws:sourcevpce": "VPC endpoint ", "aws:sourcevpc": "VPC "}.get(key.lower())
    return [(kind is None, f"{kind or ''}{v}")
            for v in (value if isinstance(value, list) else [value])]


def _may_invoke(policy: ResourcePolicy) -> bool:
    """Does an API policy's statement name execute-api:Invoke, or may it (an action known
    at deployment, a NotAction)?"""
    statement = policy.statement
    return bool(allowed_of(policy, API_INVOKE)) or bool(statement.not_actions) or \
        any(not isinstance(action, str) for action in statement.actions)


def _route_reach(policies: list[ResourcePolicy], route: Route) -> Fence:
    """The `Fence` of one route under an API's Invoke statements (`fences_others` unset)."""
    for policy in policies:
        statement = policy.statement
        if fences_every_caller(statement) and allowed_of(policy, API_INVOKE) and \
                fenced(policy, route):
            return _network_fence(_deny_networks(statement))
    networks: list[_Network] = []
    for policy in policies:
        statement = policy.statement
        if statement.effect != "Allow" or not _may_invoke(policy) or \
                not any(p == "*" or not isinstance(p, str) for p in statement.principals):
            continue  # a named principal: an unsigned request is none
        if statement.resources and _covers_route(statement.resources, route) is False:
            continue
        fencing = _fencing_keys(statement)
        if fencing is None:
            return Fence("anyone")
        keys, values = fencing
        if keys <= _NETWORK_KEYS:
            networks.extend(v for v in values if v not in networks)
    return _network_fence(networks)


def _network_fence(networks: list[_Network] | None) -> Fence:
    """The fence letting in only requests from `networks`; "nobody" when there are none."""
    if not networks:
        return Fence("nobody")
    return Fence("network", tuple(text for _, text in networks),
                 ip_ranges=any(ip for ip, _ in networks))


def unsigned_callers(app: App, routes: list[Route]) -> dict[int, Fence]:
    """For each REST route (by `id()`) of an API with a resource policy (statements on
    execute-api:Invoke): who its policy lets call it with no authorisation (`Fence`), as
    FG-AUTH-002 reads it for a route without an authoriser. API Gateway lets such a request
    through only when an Allow of the policy matches it and no Deny does; the request is
    unsigned, with no principal, account or source ARN, so an Allow naming one, or
    conditioned on one, matches none. Routes of APIs without a policy are left out: anyone
    may call them."""
    by_api: dict[str, list[ResourcePolicy]] = {}
    for policy in app.resource_policies:
        if policy.service == "execute-api" and _may_invoke(policy):
            by_api.setdefault(policy_target(policy), []).append(policy)
    if not by_api:
        return {}
    found: dict[int, Fence] = {}
    fenced_apis: set[str] = set()
    for route in routes:
        policies = by_api.get(route.api)
        if policies is None or route.api_kind != "rest":
            continue
        reached = found[id(route)] = _route_reach(policies, route)
        if reached.reach != "anyone":
            fenced_apis.add(route.api)
    for route in routes:
        fence = found.get(id(route))
        if fence is not None and fence.reach == "anyone" and route.api in fenced_apis:
            found[id(route)] = fence._replace(fences_others=True)
    return found


def app_routes(app: App) -> list[Route]:
    """The routes of apps' own routers behind the APIs' catch-all proxies (Zappa's Flask
    routes): callable through the API like its routes, though API Gateway lists only the
    catch-all."""
    return [route for api in app.apis.values() for route in api.app_routes]


def http_routes(app: App) -> list[Route]:
    """Every path a caller can reach on the app's APIs: the API routes, then `app_routes`."""
    return [*app.routes, *app_routes(app)]


def routes_by_function(app: App) -> dict[str, list[Route]]:
    """The API routes of each function id (one pass over the routes)."""
    index: dict[str, list[Route]] = {}
    for route in app.routes:
        if route.function:
            index.setdefault(route.function, []).append(route)
    return index


def is_unauthenticated(authorizer: Authorizer | None) -> bool:
    """True for a missing authoriser or an explicit NONE."""
    return authorizer is None or authorizer.kind.lower() == "none"


def _is_none(choice: object) -> bool:
    return isinstance(choice, str) and choice.upper() == "NONE"


def may_be_none(value: Unknown) -> bool:
    """Is NONE among the values a deployment may give this (known only at deploy time)?"""
    return any(map(_is_none, value.choices))


def none_unlisted(value: Unknown) -> bool:
    """Is NONE among the values a deployment may give this only because the setting
    accepts it (`Unknown.unlisted`), while what the template writes authenticates: a
    parameter or variable with an authenticating default and no `AllowedValues` or
    validation? Not for one without a default (every deployment picks its value) nor for
    a NONE the template writes (an allowed value, a branch, a stage's value)."""
    written = [c for c in value.choices if c not in value.unlisted]
    return bool(written) and not any(map(_is_none, written)) and \
        any(map(_is_none, value.unlisted))


def domain_none(authorizer: Authorizer | None) -> Unknown | None:
    """What decides an authoriser whose NONE only the setting's domain offers
    (`none_unlisted`): the route authenticates as the template writes it, and is open only
    on a deployment that passes NONE. None for any other authoriser."""
    if authorizer is None or authorizer.undecided is None or \
            not none_unlisted(authorizer.undecided):
        return None
    return authorizer.undecided


def decided_by(value: Unknown) -> str:
    """What decides an Unknown at deploy time, for a message (from its origin text:
    `parameter X`, `If Cond`, `var.x`)."""
    text, branched = value.text, value.branched_on()
    if branched is not None and branched[0] == "Fn::If":
        return f"the condition {branched[1]}"
    if text.startswith("var."):
        return f"the variable {text}"
    if branched is not None or text.startswith("parameter "):
        return f"the {text}"
    return f"a value known at deploy time ({text})"


def unlisted_text(value: Unknown) -> str:
    """Why a NONE only the setting's domain offers (`none_unlisted`) is not taken as the
    template's, for a message (the rules' and `faasguard cost`'s one wording): what
    decides the setting, the values the template writes, what else the setting accepts
    that nothing read rules out (`Unknown.unlisted`: a Terraform validation's `!=` takes
    values out), and that NONE comes only from a deployment passing it."""
    written = [str(c) for c in value.choices if c not in value.unlisted]
    if len(written) == 1 and value.text.startswith(("parameter ", "var.")):
        what = f"{decided_by(value)}, which defaults to {written[0]} and lists no other value"
    else:
        what = f"{decided_by(value)}, whose values as written ({', '.join(written)}) " \
            "authenticate"
    others = [str(c) for c in value.unlisted]
    left = ", ".join(others[:-1]) + f" and {others[-1]}" if len(others) > 1 else others[0]
    return f"{what}, leaving {left} of what the setting accepts; NONE only if a " \
        "deployment passes it"


def may_be_open(authorizer: Authorizer | None) -> bool:
    """Does the deployment decide whether a request meets this authoriser or none (NONE
    among the values of `Authorizer.undecided`: a condition, a parameter, a stage)?"""
    return authorizer is not None and authorizer.undecided is not None and \
        may_be_none(authorizer.undecided)


def effective_authorizer(app: App, route: Route) -> Authorizer | None:
    """The authoriser a request to `route` meets: the route's own, else the API's default.

    An explicit `Authorizer(kind="none")` on the route overrides the API default (SAM's
    `Auth: {Authorizer: NONE}`). Websocket APIs authorise only on `$connect`: every other
    route of the API inherits the `$connect` route's authoriser.
    """
    if route.api_kind == "websocket" and route.method != "$connect":
        connect = _connect_routes(app).get(route.api)
        return effective_authorizer(app, connect) if connect is not None else None
    if route.authorizer is not None:
        return None if is_unauthenticated(route.authorizer) else route.authorizer
    api = app.apis.get(route.api)
    default = api.default_authorizer if api is not None else None
    return None if is_unauthenticated(default) else default


def _index_connects(routes: list[Route]) -> dict[str, Route]:
    """Each API's first `$connect` route, in one pass over the routes."""
    index: dict[str, Route] = {}
    for route in routes:
        if route.method == "$connect":
            index.setdefault(route.api, route)
    return index


#: Every websocket route of every API asks for its API's `$connect` route.
_connects: LastListValue[Route, dict[str, Route]] = LastListValue(_index_connects)


def _connect_routes(app: App) -> dict[str, Route]:
    """Each API's first `$connect` route (indexed once per app)."""
    return _connects.get(app.routes)


def api_key_required(app: App, route: Route) -> bool:
    """True when the route (or its API, by default) demands an API key."""
    api = app.apis.get(route.api)
    return route.api_key_required or (api is not None and api.api_key_required)


def api_exposure(api: Api | None) -> str:
    """"vpc" for a REST API whose endpoint type is PRIVATE, else "internet"."""
    if api is not None and isinstance(api.endpoint_type, str) and \
            api.endpoint_type.upper() == "PRIVATE":
        return "vpc"
    return "internet"


def route_exposure(api: Api | None, auth: str, fence: Fence | None) -> str:
    """A REST route's `Endpoint.exposure`: its API's (`api_exposure`), narrowed by what
    its resource policy lets an unsigned request reach (`fence`, of `unsigned_callers`):
    "nobody", "vpc" (VPCs and VPC endpoints only) or "network" (source IP ranges named).
    A route authorising with IAM keeps its API's: a signed request may carry a principal
    the policy lets in from anywhere."""
    exposure = api_exposure(api)
    if fence is None or auth == "iam" or fence.reach == "anyone":
        return exposure
    if fence.reach == "nobody":
        return "nobody"
    return "network" if exposure != "vpc" and fence.ip_ranges else "vpc"


def _route_endpoint(app: App, route: Route, fence: Fence | None = None) -> Endpoint:
    authorizer = effective_authorizer(app, route)
    auth = "none" if authorizer is None else authorizer.kind.lower()
    return Endpoint(
        kind=route.api_kind, method=route.method, path=route.path, location=route.location,
        function=route.function, api=route.api, auth=auth,
        authorizer=authorizer.name if authorizer is not None else None,
        api_key=api_key_required(app, route),
        exposure=route_exposure(app.apis.get(route.api), auth, fence), route=route,
        undecided=authorizer.undecided if authorizer is not None else None,
    )


def _url_endpoint(function: Function) -> Endpoint | None:
    url = function.url
    if url is None:
        return None
    auth_type, undecided = url.auth_type, None
    if isinstance(auth_type, Unknown):
        # the deployment's choice: NONE on some deployments, AWS_IAM on the others
        values = {str(c).upper() for c in auth_type.choices}
        undecided = auth_type if {"NONE", "AWS_IAM"} <= values else None
        auth_type = "AWS_IAM" if values == {"AWS_IAM"} or undecided else "NONE"
    return Endpoint(kind="url", method="ANY", path="/", location=url.location,
                    function=function.id,
                    auth="iam" if str(auth_type).upper() == "AWS_IAM" else "none",
                    undecided=undecided)


def _first(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], str):
        return value[0]
    return None


def alb_endpoints(trigger: Trigger) -> list[Endpoint]:
    """An ALB trigger's endpoints: one per method its listener rules match (ANY when they
    match every method)."""
    props = trigger.properties
    raw_conditions = props.get("conditions")
    conditions = raw_conditions if isinstance(raw_conditions, dict) else {}
    written = props.get("method", conditions.get("method"))
    methods = [m for m in (written if isinstance(written, list) else [written])
               if isinstance(m, str)]
    path = _first(props.get("path")) or _first(conditions.get("path")) or "/*"
    # what the listener rules forwarding to the function make a request meet first (their
    # authenticate-cognito / -oidc action): authenticated when every one of them does
    rules = props.get("authenticate")
    kinds = set(rules) if isinstance(rules, list) else set()
    auth = str(kinds.pop()) if len(kinds) == 1 and "none" not in kinds else "none"
    exposure = "vpc" if alb_internal(trigger) else "internet"
    return [Endpoint(kind="alb", method=method, path=path, location=trigger.location,
                     function=trigger.function, auth=auth, exposure=exposure)
            for method in dict.fromkeys(m.upper() for m in methods or ["ANY"])]


def alb_schemes(trigger: Trigger) -> list[str | None]:
    """The schemes of the load balancers whose listener rules forward to an ALB trigger's
    function ("internet-facing", "internal"; None where the project does not hold the
    listener or its load balancer: an ARN, a serverless.yml `listenerArn` of another
    stack); [None] when no rule of the project forwards to it."""
    schemes = trigger.properties.get("scheme")
    return list(schemes) if isinstance(schemes, list) and schemes else [None]


def alb_internal(trigger: Trigger) -> bool:
    """Is every load balancer forwarding to an ALB trigger's function known to be
    internal (reachable from its VPC only)?"""
    return all(scheme == "internal" for scheme in alb_schemes(trigger))


def _behind(route: Route, proxies: list[Route]) -> str:
    """The catch-all route of the API an app's own route is reached through: `ANY /` for
    the app's root where the API declares one, else the API's greedy path, `*` or
    `$default`."""
    root = [p for p in proxies if not p.catch_all]
    greedy = [p for p in proxies if p.catch_all]
    chosen = (root if route.path == "/" else []) or greedy or root
    return f"{chosen[0].method} {chosen[0].path}" if chosen else "ANY /{proxy+}"


def build_endpoints(app: App) -> list[Endpoint]:
    """The inventory of every HTTP entry point of the app."""
    fences = unsigned_callers(app, http_routes(app))
    endpoints = [_route_endpoint(app, route, fences.get(id(route))) for route in app.routes]
    proxies: dict[tuple[str, str | None], list[Route]] = {}
    for route in app.routes:
        if route.catch_all or route.path == "/" and route.method == "ANY":
            proxies.setdefault((route.api, route.function), []).append(route)
    for route in app_routes(app):
        endpoint = _route_endpoint(app, route, fences.get(id(route)))
        endpoint.behind = _behind(route, proxies.get((route.api, route.function), []))
        endpoints.append(endpoint)
    for function in app.functions.values():
        url = _url_endpoint(function)
        if url is not None:
            endpoints.append(url)
        for trigger in function.triggers:
            if trigger.kind == "alb":
                endpoints.extend(alb_endpoints(trigger))
    endpoints.sort(key=lambda e: (e.location.file, e.location.line, e.method, e.path))
    return endpoints


def analyse_endpoints(app: App, facts: Facts) -> None:
    """Analysis step: fill `facts.endpoints` (and mark documented routes when specs exist)."""
    facts.endpoints = build_endpoints(app)
    if facts.openapi:
        from faasguard.analysis.openapi import definitions_from_events, mark_documented

        mark_documented(facts.endpoints, facts.openapi, definitions_from_events(app))
