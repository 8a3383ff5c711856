"""AWS::IAM::Role, ::Policy and ::ManagedPolicy -> Roles and their statements.

A role's `ManagedPolicyArns` keep their ARNs in `Role.managed_policy_arns`; AWS managed
ones are also expanded into statements (`source="managed:<arn>"`), and a Ref to an
AWS::IAM::ManagedPolicy of the template attaches that policy's statements
(`source="customer-managed:<LogicalId>"`). AWS::IAM::Policy statements attach to the roles
listed in its `Roles` (`source="inline"`: it is an inline policy of those roles).
A role's trust policy (`AssumeRolePolicyDocument`, Terraform's `assume_role_policy`) is
the role's resource policy in IAM's terms: each statement is a `ResourcePolicy` of service
"iam" protecting the role (`trust_policies`); an API Gateway REST API's resource policy
gives ResourcePolicies of service "execute-api" protecting the API (`api_policies`: CloudFormation's
and Terraform's `Policy`, SAM's `Auth.ResourcePolicy.CustomStatements`, serverless.yml's
`provider.apiGateway.resourcePolicy`). A Cognito identity pool is a DataResource of
kind "other" (`properties`: type, whether it lets unauthenticated identities in, and the
role its role attachment gives them: `IDENTITY_POOL`).
"""

from __future__ import annotations

from typing import Any

from faasguard.loaders import policies
from faasguard.loaders.iam import statement_from, statements_from_document, statements_from_list
from faasguard.loaders.template import Template, as_bool, items, mapping
from faasguard.model import (
    IDENTITY_POOL,
    Api,
    DataResource,
    Ref,
    ResourcePolicy,
    Role,
    Statement,
    logical_id,
)


def read_role(t: Template, logical: str, props: Any) -> None:
    """AWS::IAM::Role (phase 1)."""
    role = Role(id=t.qualify(logical), location=t.loc(t.line(logical)))
    trust = statements_from_document(props.get("AssumeRolePolicyDocument"), t.file, "trust")
    role.assume_services = tuple(
        str(p).split(":", 1)[1] for s in trust for p in s.principals
        if isinstance(p, str) and p.startswith("Service:"))
    t.app.resource_policies.extend(trust_policies(role, trust))
    for line, policy in items(props.get("Policies")):
        if not isinstance(policy, dict):
            t.warn(f"{logical}: a Policies entry should be a mapping", line)
            continue
        role.statements.extend(statements_from_document(policy.get("PolicyDocument"), t.file))
    for line, arn in items(props.get("ManagedPolicyArns")):
        role.managed_policy_arns.append(arn)
        if isinstance(arn, str):
            role.statements.extend(policies.managed_statements(arn, t.file,
                                                               line or role.location.line))
    t.app.roles[role.id] = role


def trust_policies(role: Role, trust: list[Statement]) -> list[ResourcePolicy]:
    """The statements of a role's trust policy as the role's resource policies (service
    "iam", target the role): who may assume it."""
    return [ResourcePolicy(id=f"{role.id}:trust:{index}", service="iam",
                           target=Ref(role.id), statement=statement,
                           location=statement.location or role.location)
            for index, statement in enumerate(trust)]


def api_policies(api: Api, written: Any, file: str) -> list[ResourcePolicy]:
    """The statements of a REST API's resource policy as written (a policy document, SAM's
    `Auth.ResourcePolicy` with its `CustomStatements` and the lists it turns into
    statements, `sam_list_statements`; serverless.yml's list of statements) as the API's
    resource policies (service "execute-api", target the API): who may call it."""
    if isinstance(written, dict) and not {"Statement", "Version"} & set(written):
        statements = statements_from_list(written.get("CustomStatements"), file,
                                          "api-policy") + sam_list_statements(written, file)
    elif isinstance(written, dict):
        statements = statements_from_document(written, file, "api-policy")
    else:
        statements = statements_from_list(written, file, "api-policy")
    return [ResourcePolicy(id=f"{api.id}:policy:{index}", service="execute-api",
                           target=Ref(api.id), statement=statement,
                           location=statement.location or api.location)
            for index, statement in enumerate(statements)]


#: SAM's `Auth.ResourcePolicy` lists of networks: the condition key of each, and the
#: operator of the Deny SAM writes beside an Allow to everyone (a list allowed: every
#: request from outside is denied; a list blocked: those inside are).
_SAM_NETWORK_LISTS = {
    "IpRangeWhitelist": ("aws:SourceIp", "NotIpAddress"),
    "IpRangeBlacklist": ("aws:SourceIp", "IpAddress"),
    "SourceVpcWhitelist": ("", "StringNotEquals"),
    "SourceVpcBlacklist": ("", "StringEquals"),
    "IntrinsicVpcWhitelist": ("aws:SourceVpc", "StringNotEquals"),
    "IntrinsicVpcBlacklist": ("aws:SourceVpc", "StringEquals"),
    "IntrinsicVpceWhitelist": ("aws:SourceVpce", "StringNotEquals"),
    "IntrinsicVpceBlacklist": ("aws:SourceVpce", "StringEquals"),
}


def sam_list_statements(written: Any, file: str) -> list[Statement]:
    """The statements SAM writes for an API's `Auth.ResourcePolicy` lists, on every route:
    `AwsAccountWhitelist` / `Blacklist` an Allow / Deny of execute-api:Invoke to those
    accounts; each network list an Allow to everyone and a Deny to everyone outside the
    networks allowed (`NotIpAddress aws:SourceIp`, `StringNotEquals aws:SourceVpce`) or
    inside those blocked (`SourceVpc*` lists split into `aws:SourceVpc` and
    `aws:SourceVpce` by the `vpc-` / `vpce-` prefix)."""
    found: list[Statement] = []
    line_of = getattr(written, "line_of", None)

    def add(key: str, effect: str, principal: Any, condition: Any = None) -> None:
        raw = {"Effect": effect, "Principal": principal, "Action": "execute-api:Invoke",
               "Resource": "execute-api:/*", **({"Condition": condition} if condition else {})}
        statement = statement_from(raw, file, "api-policy",
                                   line_of(key) if line_of is not None else None)
        if statement is not None:
            found.append(statement)

    for key, effect in (("AwsAccountWhitelist", "Allow"), ("AwsAccountBlacklist", "Deny")):
        if written.get(key):
            add(key, effect, {"AWS": written[key]})
    for key, (condition_key, operator) in _SAM_NETWORK_LISTS.items():
        values = written.get(key)
        if not values:
            continue
        values = values if isinstance(values, list) else [values]
        if condition_key:
            keys = {condition_key: values}
        else:
            vpces = [v for v in values if isinstance(v, str) and v.startswith("vpce-")]
            keys = {k: v for k, v in (("aws:SourceVpc", [v for v in values
                                                          if v not in vpces]),
                                      ("aws:SourceVpce", vpces)) if v}
        add(key, "Allow", "*")
        add(key, "Deny", "*", {operator: keys})
    return found


def link_role(t: Template, logical: str, props: Any) -> None:
    """AWS::IAM::Role (phase 2): attach customer managed policies it references."""
    for _line, arn in items(props.get("ManagedPolicyArns")):
        policy = t.target_of(arn, "AWS::IAM::ManagedPolicy")
        if policy is not None:
            attach_policy(t, t.qualify(logical), policy)


def read_policy(t: Template, logical: str, props: Any) -> None:
    """AWS::IAM::Policy / ::ManagedPolicy (phase 2): attach to the roles in `Roles`."""
    for _line, role_value in items(props.get("Roles")):
        role_id = _role_id(t, role_value)
        if role_id is None:
            continue
        attach_policy(t, role_id, t.qualify(logical))


def _role_id(t: Template, value: Any) -> str | None:
    target = t.target_of(value, "AWS::IAM::Role")
    if target is not None:
        return target
    if isinstance(value, str):  # a RoleName declared in this template
        for logical, raw in t.props.items():
            if t.type_of(logical) == "AWS::IAM::Role" and raw.get("RoleName") == value:
                return t.qualify(logical)
    return None


def attach_policy(t: Template, role_id: str, policy_id: str) -> None:
    """Add a template policy's statements to a role (once per role and policy)."""
    role = t.app.roles.get(role_id)
    if role is None or (role_id, policy_id) in t.attached:
        return
    t.attached.add((role_id, policy_id))
    logical = logical_id(policy_id)
    props = t.resolved_props(logical)
    managed = t.type_of(logical) == "AWS::IAM::ManagedPolicy"
    source = f"customer-managed:{logical}" if managed else "inline"
    role.statements.extend(statements_from_document(props.get("PolicyDocument"), t.file,
                                                    source))
    if managed and Ref(policy_id) not in role.managed_policy_arns:
        role.managed_policy_arns.append(Ref(policy_id))


def read_identity_pool(t: Template, logical: str, props: Any) -> None:
    """AWS::Cognito::IdentityPool (phase 1): whether it gives identities to unauthenticated
    (guest) users."""
    pool = DataResource(id=t.qualify(logical), kind="other", location=t.loc(t.line(logical)),
                        name=props.get("IdentityPoolName"))
    pool.properties.update({"type": IDENTITY_POOL, "unauthenticated":
                            as_bool(props.get("AllowUnauthenticatedIdentities")) is True})
    t.app.resources[pool.id] = pool


def read_identity_pool_roles(t: Template, logical: str, props: Any) -> None:
    """AWS::Cognito::IdentityPoolRoleAttachment (phase 2): the role its pool gives
    unauthenticated identities (`Roles.unauthenticated`), noted on the pool."""
    pool = t.app.resources.get(t.target_of(props.get("IdentityPoolId"),
                                           "AWS::Cognito::IdentityPool") or "")
    roles = mapping(props.get("Roles"))
    guest = _role_id(t, roles.get("unauthenticated"))
    if pool is not None and guest is not None:
        pool.properties["guest_role"] = guest
