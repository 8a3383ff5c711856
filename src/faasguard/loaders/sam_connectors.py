"""SAM connectors (AWS::Serverless::Connector and the `Connectors` resource attribute).

A connector grants its source access to its destination (`Permissions: [Read, Write]`).
The statements come from the connector profiles that ship with aws-sam-translator
(`samtranslator/model/connector_profiles/profiles.json`); this module reads the profiles
whose effect is a policy on the source's role (`AWS_IAM_ROLE_MANAGED_POLICY`) and adds
their statements to that role (`source="sam-connector:<LogicalId>"`), located at the
connector. Profiles that write resource policies (Lambda permissions, queue and topic
policies) are not modelled yet.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from faasguard.loaders.documents import LDict
from faasguard.loaders.iam import statement_from
from faasguard.loaders.template import Template, items, mapping, strings
from faasguard.model import Ref, Role, Unknown, Value, logical_id
from faasguard.package_data import installed_data

#: SAM resource types -> the CloudFormation type the profiles are written for.
_PROFILE_TYPES = {
    "AWS::Serverless::Function": "AWS::Lambda::Function",
    "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
    "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
    "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
}
_PLACEHOLDER = re.compile(r"%\{(Source|Destination)\.(\w+)\}")


@lru_cache(maxsize=1)
def profiles() -> dict[str, Any]:
    """The connector permission profiles shipped with aws-sam-translator."""
    data = installed_data("samtranslator", "model", "connector_profiles", "profiles.json")
    loaded: dict[str, Any] = json.loads(data)["Permissions"]
    return loaded


def read_connector(t: Template, logical: str, props: Any) -> None:
    """AWS::Serverless::Connector (phase 2)."""
    apply_connector(t, logical, props.get("Source"), props, t.line(logical))


def read_embedded_connectors(t: Template) -> None:
    """The `Connectors` attribute of any resource: its source is that resource."""
    for owner, raw in t.raw.items():
        connectors = raw.get("Connectors")
        if connectors is None:
            continue
        if not isinstance(connectors, dict):
            t.warn(f"{owner}: Connectors should be a mapping; ignored", t.line(owner))
            continue
        for name, connector in connectors.items():
            line = connectors.line_of(name) if isinstance(connectors, LDict) else t.line(owner)
            props = mapping(t.resolve(mapping(connector).get("Properties")))
            apply_connector(t, f"{owner}{name}", {"Id": owner}, props, line)


def apply_connector(t: Template, logical: str, source: Value, props: Any, line: int) -> None:
    """Add a connector's source-role statements for each of its destinations."""
    source_id, source_type = _reference(t, source)
    role = _role_of(t, source_id)
    if role is None:
        return
    access = strings(props.get("Permissions"))
    destinations = props.get("Destination")
    for _line, destination in items(destinations if isinstance(destinations, list)
                                    else [destinations]):
        dest_id, dest_type = _reference(t, destination)
        if dest_type is None:
            named = mapping(destination).get("Id")
            t.warn(f"connector {logical}: its destination "
                   + (f"'{named}' is not declared in this template" if isinstance(named, str)
                      else "names no resource (Id) and no Type")
                   + "; no permission added for it", line)
            continue
        profile = profiles().get(source_type or "", {}).get(dest_type or "")
        if profile is None:
            t.warn(f"connector {logical}: no SAM connector profile from {source_type} to "
                   f"{dest_type}", line)
            continue
        if profile.get("Type") != "AWS_IAM_ROLE_MANAGED_POLICY":
            continue
        categories = profile.get("Properties", {}).get("AccessCategories", {})
        for category in access:
            for raw in categories.get(category, {}).get("Statement", []):
                filled = _fill(raw, {"Source": (source_id, source), "Destination":
                                     (dest_id, destination)})
                statement = statement_from(filled, t.file, f"sam-connector:{logical}", line)
                if statement is not None:
                    role.statements.append(statement)


def _reference(t: Template, reference: Value) -> tuple[str | None, str | None]:
    """(qualified id or None, profile type) of a connector's Source/Destination."""
    ref = mapping(reference)
    logical = ref.get("Id")
    declared = t.type_of(logical) if isinstance(logical, str) else None
    if isinstance(logical, str) and declared is not None:
        return t.qualify(logical), _PROFILE_TYPES.get(declared, declared)
    given = ref.get("Type")
    return None, _PROFILE_TYPES.get(given, given) if isinstance(given, str) else None


def _role_of(t: Template, source_id: str | None) -> Role | None:
    function = t.app.functions.get(source_id or "")
    return t.app.roles.get(function.role or "") if function is not None else None


def _fill(value: Any, ends: dict[str, tuple[str | None, Value]]) -> Any:
    """Substitute `%{Source.X}` / `%{Destination.X}` in a profile statement."""
    if isinstance(value, dict):
        return {k: _fill(v, ends) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ends) for v in value]
    if not isinstance(value, str):
        return value
    whole = _PLACEHOLDER.fullmatch(value)
    if whole is not None:
        return _attribute(*ends[whole.group(1)], whole.group(2))

    def text(match: re.Match[str]) -> str:
        found = _attribute(*ends[match.group(1)], match.group(2))
        if isinstance(found, Ref):  # written as intrinsics write refs inside strings
            return str(Ref(logical_id(found.target), found.attribute))
        return found if isinstance(found, str) else "${?}"

    return _PLACEHOLDER.sub(text, value)


def _attribute(element: str | None, reference: Value, attribute: str) -> Value:
    if element is not None:
        return Ref(element, attribute)
    given = mapping(reference).get(attribute)
    return given if given is not None else Unknown(f"connector {attribute}")
