"""FG-MON-006's index of what the Lambda alarms of an app watch (monitoring._Watched):
the functions an alarm watches on a metric, by every way an alarm names one."""

from __future__ import annotations

from typing import Any

from faasguard.model import Alarm, Function, Location, Ref
from faasguard.rules.monitoring import _Watched

_AT = Location("t.yml", 1)


def _function(fid: str, name: Any = None, logical: Any = None) -> Function:
    function = Function(fid, _AT, "sam", name=name)
    if logical is not None:
        function.properties["logical_id"] = logical
    return function


def _alarm(metric: str = "Errors", namespace: Any = "AWS/Lambda",
           **dimensions: Any) -> Alarm:
    return Alarm("t.yml#A", _AT, metric, namespace, dimensions)


FUNCTIONS = {
    "by_id": _function("t.yml#Orders"),
    "by_generated": _function("s.yml#first", logical="FirstLambdaFunction"),
    "by_name": _function("t.yml#Pay", name="pay-prod"),
    "by_logical_text": _function("t.yml#Mail"),
    "odd_name": _function("t.yml#Odd", name={"Fn::Sub": "x"}),  # unhashable: no match
}


def _watched(*alarms: Alarm, metric: str = "Errors") -> set[str]:
    index = _Watched(alarms, metric)
    return {key for key, function in FUNCTIONS.items() if index.watches(function)}


def test_each_way_an_alarm_names_a_function() -> None:
    assert _watched() == set()
    assert _watched(_alarm(FunctionName=Ref("t.yml#Orders"))) == {"by_id"}
    assert _watched(_alarm(FunctionName=Ref("s.yml#FirstLambdaFunction"))) == \
        {"by_generated"}
    assert _watched(_alarm(FunctionName="pay-prod")) == {"by_name"}
    assert _watched(_alarm(FunctionName="Mail")) == {"by_logical_text"}
    assert _watched(_alarm(FunctionName="Mail"), _alarm(FunctionName="pay-prod")) == \
        {"by_logical_text", "by_name"}


def test_account_wide_and_unrelated_alarms() -> None:
    assert _watched(_alarm()) == set(FUNCTIONS)  # no dimension: every function
    assert _watched(_alarm(namespace=None)) == set(FUNCTIONS)
    assert _watched(_alarm(Resource="x")) == set()  # another dimension: none
    assert _watched(_alarm(FunctionName=None)) == set()
    assert _watched(_alarm(FunctionName={"Fn::Sub": "x"})) == set()
    assert _watched(_alarm(namespace="AWS/SQS")) == set()
    assert _watched(_alarm(metric="Throttles")) == set()
    assert _watched(_alarm(metric="Throttles"), metric="Throttles") == set(FUNCTIONS)


def _watches_before(alarm: Alarm, function: Function, metric: str) -> bool:
    """FG-MON-006's judgement of one alarm and one function before the index (1549ef6's
    parent), kept as the oracle the index must agree with."""
    from faasguard.model import logical_id

    if str(alarm.metric) != metric or alarm.namespace not in (None, "AWS/Lambda"):
        return False
    target = alarm.dimensions.get("FunctionName")
    if target is None:
        return "FunctionName" not in alarm.dimensions and not alarm.dimensions
    if isinstance(target, Ref):
        return target.target == function.id or logical_id(target.target) == \
            function.properties.get("logical_id")
    return isinstance(target, str) and target in (function.name, logical_id(function.id))


#: Alarms as the loaders make them, beyond those of the tests above.
ALARMS = {
    "ref": _alarm(FunctionName=Ref("t.yml#Orders")),
    "getatt": _alarm(FunctionName=Ref("t.yml#Orders", "Arn")),
    "ref_other_file": _alarm(FunctionName=Ref("u.yml#Orders")),
    "sls_generated": _alarm(FunctionName=Ref("s.yml#FirstLambdaFunction")),
    "sls_generated_elsewhere": _alarm(FunctionName=Ref("x.yml#FirstLambdaFunction")),
    "tf_attribute": _alarm(FunctionName=Ref("main.tf#aws_lambda_function.fn",
                                            "function_name")),
    "sub": _alarm(FunctionName={"Fn::Sub": "${Orders}"}),
    "join": _alarm(FunctionName={"Fn::Join": ["", ["pay-", "prod"]]}),
    "literal_name": _alarm(FunctionName="pay-prod"),
    "literal_logical": _alarm(FunctionName="Orders"),
    "another_function": _alarm(FunctionName="somebody-else"),
    "number": _alarm(FunctionName=42),
    "account_wide": _alarm(),
    "account_wide_no_namespace": _alarm(namespace=None),
    "resource_dimension": _alarm(Resource="pay-prod:live"),
    "two_dimensions": _alarm(FunctionName="pay-prod", Resource="pay-prod:live"),
    "composite": Alarm("t.yml#C", _AT),  # no metric, namespace nor dimension
    "metric_math": Alarm("t.yml#M", _AT, None, None, {}),
    "other_namespace": _alarm(namespace="AWS/ApiGateway"),
    "namespace_as_ref": _alarm(namespace=Ref("t.yml#Ns")),
    "throttles": _alarm(metric="Throttles", FunctionName=Ref("t.yml#Orders")),
    "metric_as_ref": Alarm("t.yml#R", _AT, Ref("t.yml#Metric"), "AWS/Lambda", {}),
}

#: Functions as the loaders make them, beyond those of the tests above.
MORE_FUNCTIONS = [
    *FUNCTIONS.values(),
    _function("t.yml#Orders", name="orders-prod"),
    _function("u.yml#Orders"),
    _function("x.yml#second", logical="FirstLambdaFunction"),
    _function("main.tf#aws_lambda_function.fn", name="pay-prod"),
    _function("t.yml#Named", name="Orders"),
    _function("t.yml#Nameless", name=None, logical={"odd": 1}),
    _function("t.yml#Unknown", name=Ref("t.yml#NameParam")),
]


def test_the_index_watches_what_each_alarm_watched_before() -> None:
    """Every alarm alone and every pair of them, on both metrics, for every function: the
    index answers as the judgement of each alarm against each function did."""
    singles = [(alarm,) for alarm in ALARMS.values()]
    pairs = [(a, b) for a in ALARMS.values() for b in ALARMS.values() if a is not b]
    for alarms in [(), *singles, *pairs]:
        for metric in ("Errors", "Throttles"):
            index = _Watched(alarms, metric)
            for function in MORE_FUNCTIONS:
                assert index.watches(function) == \
                    any(_watches_before(a, function, metric) for a in alarms), \
                    (alarms, metric, function.id)
