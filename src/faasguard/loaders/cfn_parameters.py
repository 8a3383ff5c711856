"""The values of a CloudFormation template's `Parameters` in a scan, and which are facts.

A parameter's value comes from, first to last:

1. the user (`--param NAME=VALUE`, config `parameters:`) or, for a nested stack, its
   parent (`LoadContext.params`);
2. the `parameter_overrides` of the SAM CLI's configuration beside a SAM or
   CloudFormation template deployed on its own (`samconfig`), as `sam deploy` passes them;
3. a value the parent stack passes from its own defaults (`LoadContext.defaults`: not a
   fact), else its `Default`;

else it is Unknown (its choices its `AllowedValues` and the values the samconfig file's
other environments pass). An `AllowedPattern` that alternates literals only
(`^(AWS_IAM|NONE)$`: CloudFormation matches it against the whole value) lists its literals
as `AllowedValues` would; any other pattern lists nothing. The literals the template's
Conditions compare a parameter with (`!Equals [!Ref Auth, NONE]`) are values the template
expects it to take (`Scope.written`): choices, without narrowing it to them. A value the
user or the samconfig file gives is a fact: Conditions on it are decided. A `Default` is
not (another deployment sets another value), unless the parameter allows one value only;
nor is a samconfig value another of the file's environments changes, nor a default a
parent stack passes. Such a settable parameter's possible values (`Scope.allowed`, read
for a function URL's AuthType) are the one read, its `AllowedValues` (or pattern's
literals) and the other environments' values. A given value outside `AllowedValues` is a
warning (CloudFormation would reject the deployment) and is still used. An
`AWS::SSM::Parameter::Value<...>` parameter is always Unknown: its value (given or
default) names the SSM parameter whose value CloudFormation reads at deploy time.
"""

from __future__ import annotations

import os
import re
from typing import Any

from faasguard.loaders import did_you_mean
from faasguard.loaders.documents import LDict
from faasguard.loaders.intrinsics import choices_of
from faasguard.loaders.samconfig import SamConfig, SamConfigError, deploy_parameters
from faasguard.loaders.template import Template, mapping
from faasguard.model import Diagnostic, Unknown, Value

#: Formats whose templates `sam deploy` deploys (with the samconfig beside them).
_SAM_DEPLOYED = ("sam", "cloudformation")


def read_parameters(t: Template, parameters: Any, conditions: Any = None) -> set[str]:
    """Fill `t.scope.parameters` from the template's `Parameters` mapping (and
    `t.scope.written` from its `Conditions`); return the names a deployment may still
    change (Conditions on them are left undecided)."""
    declared = mapping(parameters)
    t.app.declared_parameters.update(str(name) for name in declared)
    deployed_alone = t.ctx.parent is None  # a nested stack's values come from its parent
    samconfig = _samconfig(t) if declared and deployed_alone and t.fmt in _SAM_DEPLOYED \
        else None
    settable: set[str] = set()
    from_samconfig: list[str] = []
    for key, spec in declared.items():
        name = str(key)
        spec = spec if isinstance(spec, dict) else {}
        given, source = _given(t, name, samconfig)
        if given is not None and isinstance(given, (str, int, float)):
            _check_allowed(t, name, spec, given, source, declared)
        if source == "samconfig" and samconfig is not None:
            from_samconfig.append(name)
            if name in samconfig.varies:
                settable.add(name)
        if str(spec.get("Type", "")).startswith("AWS::SSM::Parameter::Value"):
            named = given if given is not None else spec.get("Default", name)
            t.scope.parameters[name] = Unknown(f"ssm:{named}")
        elif given is not None:
            t.scope.parameters[name] = given
        elif name in t.ctx.defaults:  # a parent stack's default: replaces this one's
            t.scope.parameters[name] = t.ctx.defaults[name]
            settable.add(name)
        elif "Default" in spec:
            t.scope.parameters[name] = spec["Default"]
            if not _one_allowed_value(spec):
                settable.add(name)
        else:
            t.scope.parameters[name] = Unknown(f"parameter {name}",
                                               _choices(name, spec, samconfig))
        if name in settable:
            choices = choices_of(t.scope.parameters[name], *_choices(name, spec, samconfig))
            if len(choices) > 1:
                t.scope.allowed[name] = choices
    for name, values in _compared(mapping(conditions), set(declared)).items():
        t.scope.written[name] = values
    _undeclared_stack_parameters(t, declared)
    if from_samconfig and samconfig is not None:
        t.app.diagnostics.append(t.ctx.diagnostic(
            f"parameter values from {samconfig.file} (as `sam deploy` passes them): "
            f"{', '.join(from_samconfig)}", None, "note", "parameters"))
    return settable


def _choices(name: str, spec: dict[str, Any], samconfig: SamConfig | None
             ) -> tuple[str | int | float | bool, ...]:
    """The values a deployment may give a parameter beside the one read: its
    `AllowedValues`, and those another environment of the samconfig file passes (`sam
    deploy --config-env prod`), which the template need not list."""
    others = samconfig.varies.get(name, []) if samconfig is not None else []
    return choices_of(*_listed(spec), *others)


def _listed(spec: dict[str, Any]) -> tuple[Any, ...]:
    """The values a parameter's declaration limits it to: its `AllowedValues`, else the
    literals of an `AllowedPattern` that alternates literals only; () when neither does."""
    allowed = spec.get("AllowedValues")
    if isinstance(allowed, list):
        return tuple(allowed)
    pattern = spec.get("AllowedPattern")
    if not isinstance(pattern, str) or str(spec.get("Type", "String")) != "String":
        return ()  # a CommaDelimitedList's pattern matches each item, not the value
    found = _LITERALS.fullmatch(pattern)
    return tuple(dict.fromkeys((found[1] or found[2]).split("|"))) if found else ()


#: `^(A|B)$`, `(?:A|B)`, `A|B`, `^A$`: anchors optional (the whole value must match).
_LITERALS = re.compile(r"\^?(?:\((?:\?:)?([\w-]+(?:\|[\w-]+)*)\)|([\w-]+(?:\|[\w-]+)*))\$?",
                       re.ASCII)


def _compared(conditions: LDict, declared: set[str]
              ) -> dict[str, tuple[str | int | float | bool, ...]]:
    """The literals each declared parameter is compared with (`Fn::Equals` between `Ref P`
    and a scalar, at any depth of the Conditions: under `Fn::Not`, `Fn::And`, `Fn::Or`)."""
    found: dict[str, list[Any]] = {}
    pending: list[Any] = list(conditions.values())
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            pair = node.get("Fn::Equals") if len(node) == 1 else None
            if isinstance(pair, list) and len(pair) == 2:
                for ref, other in (pair, pair[::-1]):
                    name = ref.get("Ref") if isinstance(ref, dict) and len(ref) == 1 \
                        else None
                    if name in declared and isinstance(other, (str, int, float)):
                        found.setdefault(name, []).append(other)
            pending.extend(node.values())
    return {name: choices_of(*values) for name, values in found.items()}


def _given(t: Template, name: str, samconfig: SamConfig | None) -> tuple[Value, str]:
    """The value given for a parameter and where it came from ("" when none is)."""
    if name in t.ctx.params:
        return t.ctx.params[name], "--param" if t.ctx.parent is None else "parent"
    if name in t.ctx.stack_parameters:
        return t.ctx.stack_parameters[name], "stackParameters"
    if samconfig is not None and name in samconfig.values:
        return samconfig.values[name], "samconfig"
    return None, ""


def _undeclared_stack_parameters(t: Template, declared: LDict) -> None:
    """A warning at each `provider.stackParameters` item naming a parameter the template
    does not declare: the framework passes it to CloudFormation, which rejects the
    deployment."""
    passed = t.ctx.stack_parameters
    for name in passed:
        if name not in declared:
            hint = did_you_mean(name, map(str, declared))
            t.warn(f"provider.stackParameters passes parameter {name}, which "
                   "resources.Parameters does not declare: CloudFormation would reject the "
                   f"deployment ('Parameters: [{name}] do not exist in the template'){hint}",
                   passed.line_of(name) if isinstance(passed, LDict) else None)


def _samconfig(t: Template) -> SamConfig | None:
    folder = os.path.dirname(t.ctx.abs_path)
    try:
        return deploy_parameters(folder, t.ctx.root)
    except SamConfigError as exc:
        t.app.diagnostics.append(Diagnostic(
            exc.file, f"{exc.message}; the parameter values `sam deploy` would pass are "
            f"not read (the template's defaults are used)", None, "warning"))
        return None


def _check_allowed(t: Template, name: str, spec: dict[str, Any], value: Value,
                   source: str, declared: LDict) -> None:
    allowed = _listed(spec)
    if not allowed or str(value) in {str(v) for v in allowed}:
        return
    where = {"--param": "given with --param or in the configuration",
             "samconfig": "from the samconfig file",
             "stackParameters": "from provider.stackParameters"}.get(
                 source, f"passed by {t.ctx.parent} or --param")
    which = "AllowedValues" if isinstance(spec.get("AllowedValues"), list) else \
        "AllowedPattern's values"
    t.warn(f"parameter {name}: {value!r} ({where}) is not one of its {which} "
           f"({', '.join(map(str, allowed))}): CloudFormation would reject the deployment",
           declared.line_of(name))


def _one_allowed_value(spec: dict[str, Any]) -> bool:
    """Does the parameter allow one value only (its default is then what is deployed)?"""
    return len(_listed(spec)) == 1
