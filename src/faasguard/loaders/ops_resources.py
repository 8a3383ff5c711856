"""Operations resources: CloudWatch alarms, budgets, CloudTrail trails, EventBridge rules
and schedules (their Lambda targets become triggers) and WAF web ACL associations."""

from __future__ import annotations

from typing import Any

from faasguard.loaders.template import Template, as_bool, as_float, items, mapping
from faasguard.model import Alarm, Budget, Ref, Trail, Trigger, TriggerKind


def read_alarm(t: Template, logical: str, props: Any) -> None:
    """AWS::CloudWatch::Alarm: metric, namespace and dimensions."""
    dimensions = {str(d.get("Name")): d.get("Value") for _line, d in items(props.get("Dimensions"))
                  if isinstance(d, dict) and isinstance(d.get("Name"), str)}
    t.app.alarms.append(Alarm(t.qualify(logical), t.loc(t.line(logical)),
                              metric=props.get("MetricName"),
                              namespace=props.get("Namespace"), dimensions=dimensions))


def read_budget(t: Template, logical: str, props: Any) -> None:
    """AWS::Budgets::Budget: limit and period."""
    budget = mapping(props.get("Budget"))
    limit = mapping(budget.get("BudgetLimit"))
    t.app.budgets.append(Budget(t.qualify(logical), t.loc(t.line(logical)),
                                amount=as_float(limit.get("Amount")), unit=limit.get("Unit"),
                                time_unit=budget.get("TimeUnit")))


def read_trail(t: Template, logical: str, props: Any) -> None:
    """AWS::CloudTrail::Trail."""
    t.app.trails.append(Trail(
        t.qualify(logical), t.loc(t.line(logical)),
        logging=as_bool(props.get("IsLogging")) is not False,
        multi_region=as_bool(props.get("IsMultiRegionTrail")) is True,
        log_validation=as_bool(props.get("EnableLogFileValidation")) is True))


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
            properties={"schedule": schedule, "pattern": props.get("EventPattern"),
                        "event_bus": props.get("EventBusName"), "state": props.get("State")}))


def read_schedule(t: Template, logical: str, props: Any) -> None:
    """AWS::Scheduler::Schedule (phase 2): a Lambda target -> a schedule trigger."""
    target = mapping(props.get("Target"))
    fn = t.function_for(target.get("Arn"))
    if fn is not None:
        fn.triggers.append(Trigger(
            kind="schedule", function=fn.id, location=t.loc(t.line(logical)),
            source=Ref(t.qualify(logical)), asynchronous=True,
            properties={"schedule": props.get("ScheduleExpression"),
                        "state": props.get("State")}))


def read_waf_association(t: Template, logical: str, props: Any) -> None:
    """AWS::WAFv2::WebACLAssociation (phase 3): noted on the API it protects."""
    api = t.api_for(props.get("ResourceArn"))
    if api is not None:
        api.properties["waf_web_acl"] = props.get("WebACLArn")
