"""Operations resources: CloudWatch alarms, budgets, CloudTrail trails and WAF web ACL
associations; an API stage's data tracing (`note_data_trace`)."""

from __future__ import annotations

import re
from typing import Any

from faasguard.loaders.template import Template, as_bool, as_float, items, mapping
from faasguard.model import DATA_TRACE, Alarm, Api, Budget, Location, Trail


def note_data_trace(t: Template, api: Api, settings: Any) -> None:
    """Note on `api` (`DATA_TRACE`) the first setting of a stage's `settings` (a stage,
    its `StageDescription`, or SAM's Api properties) that turns on data tracing:
    `DataTraceEnabled: true` itself or in one of its `MethodSettings`."""
    found = _data_trace_line(t, settings)
    if found is not None:
        api.properties[DATA_TRACE] = found


def _data_trace_line(t: Template, settings: Any) -> Location | None:
    settings = mapping(settings)
    if as_bool(settings.get("DataTraceEnabled")) is True:
        return t.loc(settings.line_of("DataTraceEnabled"))
    for line, entry in items(settings.get("MethodSettings")):
        entry = mapping(entry)
        if as_bool(entry.get("DataTraceEnabled")) is True:
            return t.loc(entry.line_of("DataTraceEnabled", line or entry.line))
    return None


def read_alarm(t: Template, logical: str, props: Any) -> None:
    """AWS::CloudWatch::Alarm: metric, namespace and dimensions. An alarm on metric math
    (`Metrics`, as CDK writes error-rate alarms) watches each metric its queries read: one
    Alarm each (id `<alarm>:<query id>`)."""
    location = t.loc(t.line(logical))
    queries = [query for _line, query in items(props.get("Metrics")) if isinstance(query, dict)]
    read = _read_queries(queries)
    watched = [(query.get("Id"), mapping(mapping(query.get("MetricStat")).get("Metric")))
               for query in queries if str(query.get("Id")) in read]
    watched = [(name, metric) for name, metric in watched if metric]
    if not watched:
        watched = [(None, props)]
    for name, metric in watched:
        t.app.alarms.append(Alarm(
            t.qualify(logical) if name is None else f"{t.qualify(logical)}:{name}", location,
            metric=metric.get("MetricName"), namespace=metric.get("Namespace"),
            dimensions=_dimensions(metric.get("Dimensions"))))


def _read_queries(queries: list[Any]) -> set[str]:
    """Ids of the queries the alarm's value comes from: the one returning data (ReturnData,
    true unless set false) and, through expressions, each query they name (`METRICS()`:
    every one). A metric read by no such expression is not what the alarm watches."""
    ids = {str(query.get("Id")): query for query in queries}
    todo = [name for name, query in ids.items() if query.get("ReturnData") is not False]
    read: set[str] = set()
    while todo:
        name = todo.pop()
        if name in read:
            continue
        read.add(name)
        expression = ids[name].get("Expression")
        if not isinstance(expression, str):
            continue
        named = set(ids) if "METRICS(" in expression.upper() else \
            set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expression)) & set(ids)
        todo.extend(named - read)
    return read


def _dimensions(value: Any) -> dict[str, Any]:
    return {str(d.get("Name")): d.get("Value") for _line, d in items(value)
            if isinstance(d, dict) and isinstance(d.get("Name"), str)}


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


def read_waf_association(t: Template, logical: str, props: Any) -> None:
    """AWS::WAFv2::WebACLAssociation (phase 3): noted on the API it protects."""
    api = t.api_for(props.get("ResourceArn"))
    if api is not None:
        api.properties["waf_web_acl"] = props.get("WebACLArn")
