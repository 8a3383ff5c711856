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
