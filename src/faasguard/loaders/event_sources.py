"""Services that invoke functions, declared as their own resources: EventBridge rules and
schedules, ALB target groups, CloudWatch Logs subscription filters, Cognito user pool
triggers and IoT topic rules. Each Lambda target becomes a Trigger on its function, located
at the line that names the function.
"""

from __future__ import annotations

from typing import Any

from faasguard.loaders.documents import LDict
from faasguard.loaders.template import Template, items, mapping, with_schedule_input
from faasguard.model import Ref, Trigger, TriggerKind, Value


def read_rule(t: Template, logical: str, props: Any) -> None:
    """AWS::Events::Rule (phase 2): each Lambda target -> a schedule/eventbridge trigger."""
    schedule = props.get("ScheduleExpression")
    kind: TriggerKind = "schedule" if schedule is not None else "eventbridge"
    for line, target in items(props.get("Targets")):
        if not isinstance(target, dict):
            continue
        fn = t.function_for(target.get("Arn"))
        if fn is None:
            continue
        fn.triggers.append(Trigger(
            kind=kind, function=fn.id, location=t.loc(line or t.line(logical)),
            source=Ref(t.qualify(logical)), asynchronous=True,
            properties=with_schedule_input({
                "schedule": schedule, "pattern": props.get("EventPattern"),
                "event_bus": props.get("EventBusName"), "state": props.get("State"),
                **{key: target[key] for key in ("Input", "InputPath", "InputTransformer")
                   if key in target}})))


def read_schedule(t: Template, logical: str, props: Any) -> None:
    """AWS::Scheduler::Schedule (phase 2): a Lambda target -> a schedule trigger."""
    target = mapping(props.get("Target"))
    fn = t.function_for(target.get("Arn"))
    if fn is not None:
        fn.triggers.append(Trigger(
            kind="schedule", function=fn.id, location=t.loc(t.line(logical)),
            source=Ref(t.qualify(logical)), asynchronous=True,
            properties=with_schedule_input({"schedule": props.get("ScheduleExpression"),
                                            "state": props.get("State"),
                                            "Input": target.get("Input")})))


def read_target_group(t: Template, logical: str, props: Any) -> None:
    """AWS::ElasticLoadBalancingV2::TargetGroup with TargetType lambda -> alb triggers."""
    if str(props.get("TargetType", "")).lower() != "lambda":
        return
    conditions = _listener_conditions(t, t.qualify(logical))
    for line, target in items(props.get("Targets")):
        fn = t.function_for(mapping(target).get("Id"))
        if fn is not None:
            fn.triggers.append(Trigger(
                kind="alb", function=fn.id, location=t.loc(line or t.line(logical)),
                source=Ref(t.qualify(logical)),
                properties={"health_check": props.get("HealthCheckEnabled"), **conditions}))


def read_listener(t: Template, logical: str, props: Any) -> None:
    """AWS::ElasticLoadBalancingV2::Listener (phase 2): the alb triggers whose source is
    this listener (serverless.yml's `alb` event with `listenerArn: !Ref Listener` into
    `resources:`) are reached through its load balancer: their "scheme" is its scheme,
    as a target group's listener rules give theirs (`_listener_conditions`)."""
    for fn in t.app.functions.values():
        for trigger in fn.triggers:
            if trigger.kind == "alb" and any(
                    found == logical for found, _attribute in t.logicals_in(trigger.source)):
                trigger.properties["scheme"] = [_scheme(t, logical)]


def _listener_conditions(t: Template, target_group: str) -> dict[str, list[Value]]:
    """Paths and methods of the listener rules of the template forwarding to a group (and of
    the listeners whose default action does), under "authenticate" what each makes a
    request meet first: the provider of its `authenticate-cognito` / `authenticate-oidc`
    action ("cognito", "oidc"), else "none"; under "scheme" the `Scheme` of its load
    balancer ("internet-facing", the default, or "internal"), None when the listener or
    its load balancer is not in the template."""
    found: dict[str, list[Value]] = {}
    for logical, kind in t.scope.resources.items():
        if kind == _RULE:
            rule = t.resolved_props(logical)
            actions = rule.get("Actions")
            listener = _logical(t, rule.get("ListenerArn"), _LISTENER)
        elif kind == _LISTENER:
            rule = LDict()
            actions, listener = t.resolved_props(logical).get("DefaultActions"), logical
        else:
            continue
        groups = [mapping(a).get("TargetGroupArn") for _l, a in items(actions)]
        groups += [mapping(g).get("TargetGroupArn") for _l, a in items(actions)
                   for _m, g in items(mapping(mapping(a).get("ForwardConfig"))
                                      .get("TargetGroups"))]
        if not any(t.target_of(g) == target_group for g in groups):
            continue
        kinds = [str(mapping(a).get("Type", "")).lower() for _l, a in items(actions)]
        found.setdefault("authenticate", []).append(next(
            (k[len("authenticate-"):] for k in kinds if k.startswith("authenticate-")), "none"))
        found.setdefault("scheme", []).append(_scheme(t, listener))
        for _line, condition in items(rule.get("Conditions")):
            condition = mapping(condition)
            field, config = {
                "path-pattern": ("path", "PathPatternConfig"),
                "http-request-method": ("method", "HttpRequestMethodConfig"),
            }.get(str(condition.get("Field")), (None, None))
            if field is not None and config is not None:
                values = mapping(condition.get(config)).get("Values", condition.get("Values"))
                found.setdefault(field, []).extend(v for _l, v in items(values))
    return found


_RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
_LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
_BALANCER = "AWS::ElasticLoadBalancingV2::LoadBalancer"


def _logical(t: Template, value: Value, kind: str) -> str | None:
    """The logical id of the resource of type `kind` that `value` refers to, if any."""
    return next((logical for logical, _attribute in t.logicals_in(value)
                 if t.type_of(logical) == kind), None)


def _scheme(t: Template, listener: str | None) -> str | None:
    """The scheme of a listener's load balancer (lower case; internet-facing when the
    balancer leaves it out); None when either is not in the template."""
    if listener is None:
        return None
    balancer = _logical(t, t.resolved_props(listener).get("LoadBalancerArn"), _BALANCER)
    if balancer is None:
        return None
    return str(t.resolved_props(balancer).get("Scheme", "internet-facing")).lower()


def read_subscription_filter(t: Template, logical: str, props: Any) -> None:
    """AWS::Logs::SubscriptionFilter with a function destination -> a cloudwatch-logs
    trigger (the log group's events reach the function)."""
    fn = t.function_for(props.get("DestinationArn"))
    if fn is not None:
        group = props.get("LogGroupName")
        target = t.target_of(group, "AWS::Logs::LogGroup")
        fn.triggers.append(Trigger(
            kind="cloudwatch-logs", function=fn.id, location=t.loc(t.line(logical)),
            source=Ref(target) if target else group, asynchronous=True,
            properties={"filter_pattern": props.get("FilterPattern")}))


def read_user_pool(t: Template, logical: str, props: Any) -> None:
    """AWS::Cognito::UserPool: each LambdaConfig trigger -> a cognito trigger."""
    config = mapping(props.get("LambdaConfig"))
    for key, value in config.items():
        arn = mapping(value).get("LambdaArn") if isinstance(value, dict) else value
        fn = t.function_for(arn)
        if fn is not None:
            fn.triggers.append(Trigger(
                kind="cognito", function=fn.id, location=t.loc(config.line_of(key)),
                source=Ref(t.qualify(logical)), properties={"trigger": key}))


def read_topic_rule(t: Template, logical: str, props: Any) -> None:
    """AWS::IoT::TopicRule: Lambda actions -> iot triggers."""
    payload = mapping(props.get("TopicRulePayload"))
    for line, action in items(payload.get("Actions")):
        fn = t.function_for(mapping(mapping(action).get("Lambda")).get("FunctionArn"))
        if fn is not None:
            fn.triggers.append(Trigger(
                kind="iot", function=fn.id, location=t.loc(line or t.line(logical)),
                source=Ref(t.qualify(logical)), asynchronous=True,
                properties={"sql": payload.get("Sql")}))
