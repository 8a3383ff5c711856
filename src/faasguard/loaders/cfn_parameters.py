"""The values of a CloudFormation template's `Parameters` in a scan, and which are facts.

A parameter's value comes from, first to last:

1. the user (`--param NAME=VALUE`, config `parameters:`) or, for a nested stack, its
   parent (`LoadContext.params`);
2. the `parameter_overrides` of the SAM CLI's configuration beside a SAM or
   CloudFormation template deployed on its own (`samconfig`), as `sam deploy` passes them;
3. a value the parent stack passes from its own defaults (`LoadContext.defaults`: not a
   fact), else its `Default`;

else it is Unknown (its choices its `AllowedValues` and the values the samconfig file's
other environments pass). A value the user or the samconfig file gives is a fact:
Conditions on it are decided. A `Default` is not (another deployment sets another value),
unless the parameter allows one value only; nor is a samconfig value another of the
file's environments changes, nor a default a parent stack passes. Such a settable
parameter's possible values (`Scope.allowed`, read for a function URL's AuthType) are the
one read, its `AllowedValues` and the other environments' values. A given value outside
`AllowedValues` is a warning (CloudFormation would reject the deployment) and is still
used. An `AWS::SSM::Parameter::Value<...>` parameter is always Unknown: its value (given or
default) names the SSM parameter whose value CloudFormation reads at deploy time.
"""

from __future__ import annotations

import os
from typing import Any

from faasguard.loaders.documents import LDict
from faasguard.loaders.intrinsics import choices_of
from faasguard.loaders.samconfig import SamConfig, SamConfigError, deploy_parameters
from faasguard.loaders.template import Template, mapping
from faasguard.model import Diagnostic, Unknown, Value

#: Formats whose templates `sam deploy` deploys (with the samconfig beside them).
_SAM_DEPLOYED = ("sam", "cloudformation")


def read_parameters(t: Template, parameters: Any) -> set[str]:
    """Fill `t.scope.parameters` from the template's `Parameters` mapping; return the
    names a deployment may still change (Conditions on them are left undecided)."""
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
    allowed = spec.get("AllowedValues")
    others = samconfig.varies.get(name, []) if samconfig is not None else []
    return choices_of(*(allowed if isinstance(allowed, list) else ()), *others)


def _given(t: Template, name: str, samconfig: SamConfig | None) -> tuple[Value, str]:
    """The value given for a parameter and where it came from ("" when none is)."""
    if name in t.ctx.params:
        return t.ctx.params[name], "--param" if t.ctx.parent is None else "parent"
    if samconfig is not None and name in samconfig.values:
        return samconfig.values[name], "samconfig"
    return None, ""


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
    allowed = spec.get("AllowedValues")
    if not isinstance(allowed, list) or not allowed:
        return
    if str(value) in {str(v) for v in allowed}:
        return
    where = {"--param": "given with --param or in the configuration",
             "samconfig": "from the samconfig file"}.get(
                 source, f"passed by {t.ctx.parent} or --param")
    t.warn(f"parameter {name}: {value!r} ({where}) is not one of its AllowedValues "
           f"({', '.join(map(str, allowed))}): CloudFormation would reject the deployment",
           declared.line_of(name))


def _one_allowed_value(spec: dict[str, Any]) -> bool:
    """Does the parameter allow one value only (its default is then what is deployed)?"""
    allowed = spec.get("AllowedValues")
    return isinstance(allowed, list) and len(allowed) == 1
