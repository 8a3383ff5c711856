"""Settings shared by AWS::Serverless::Function and AWS::Lambda::Function.

Both resource types name most settings the same way (Runtime, Handler, MemorySize,
Environment.Variables, VpcConfig, LoggingConfig, ...); the readers in sam.py and
lambda_resources.py call `apply_common` and then read what differs.
"""

from __future__ import annotations

import posixpath

from faasguard.loaders.intrinsics import (
    NO_VALUE,
    Scope,
    branch_values,
    conditional_items,
    deployment_choice,
)
from faasguard.loaders.template import Template, as_int, items, mapping
from faasguard.model import (
    CODE_ELSEWHERE,
    Branches,
    EnvVar,
    Function,
    FunctionUrl,
    Unknown,
    Value,
    logical_id,
)

#: Code paths that name a built archive, not a source folder (`CodeUri: dist/fn.zip`).
_ARCHIVES = (".zip", ".jar")


def apply_common(t: Template, fn: Function, props: dict[str, Value]) -> None:
    """Read the settings both function resource types share into `fn`."""
    fn.name = props.get("FunctionName")
    fn.runtime = props.get("Runtime")
    fn.handler = props.get("Handler")
    fn.memory_mb = as_int(props.get("MemorySize"))
    fn.timeout_s = as_int(props.get("Timeout"))
    architectures = props.get("Architectures")
    if isinstance(architectures, list) and architectures and isinstance(architectures[0], str):
        fn.architecture = architectures[0]
    fn.reserved_concurrency = as_int(props.get("ReservedConcurrentExecutions"))
    if isinstance(props.get("ReservedConcurrentExecutions"), Unknown):
        undecided_reserved_concurrency(
            fn, t.raw_props(logical_id(fn.id)).get("ReservedConcurrentExecutions"), t.scope,
            t.fmt == "terraform")
    fn.kms_key = props.get("KmsKeyArn")
    vpc = props.get("VpcConfig")
    fn.vpc = isinstance(vpc, dict) and bool(vpc.get("SubnetIds", True))
    fn.layers = [layer for _line, layer in items(props.get("Layers"))]
    if any(isinstance(layer, Unknown) for layer in fn.layers):
        # a layer listed under a condition (`!If [C, !Ref L, !Ref AWS::NoValue]`) is one
        # a deployment may attach: each branch's layer is a possible one
        listed = conditional_items(t.raw_props(logical_id(fn.id)).get("Layers"), t.scope)
        fn.layers = [layer for layer, _condition in listed]
        fn.conditional_layers = [pair for pair in listed if pair[1]]
    tags = props.get("Tags")
    if isinstance(tags, dict):
        fn.tags = dict(tags)
    elif isinstance(tags, list):  # AWS::Lambda::Function: [{Key, Value}]
        fn.tags = {str(tag.get("Key")): tag.get("Value") for _l, tag in items(tags)
                   if isinstance(tag, dict)}
    logging = mapping(props.get("LoggingConfig"))
    fn.log_level = logging.get("ApplicationLogLevel", logging.get("LogLevel"))
    if logging.get("LogGroup") is not None:
        fn.properties["log_group_name"] = logging.get("LogGroup")
        fn.log_group = t.target_of(logging.get("LogGroup"), "AWS::Logs::LogGroup")
    if logging.get("LogFormat") is not None:
        fn.properties["log_format"] = logging.get("LogFormat")
    read_environment(t, fn, props)


def undecided_reserved_concurrency(fn: Function, raw: Value, scope: Scope,
                                   terraform: bool = False) -> None:
    """Note the reserved concurrency each deployment may give `fn` when the template
    leaves it to the deployment (`raw`, as written: an `Fn::If`, a parameter):
    `properties["reserved_concurrency"]`, (value, branches) pairs (`branch_values`), the
    value an int, None where the setting is left out (or -1, Terraform's "unreserved"),
    or an Unknown the branch gives (a parameter; a Terraform conditional, with its
    choices). A Terraform variable may be -1 too, unless its validation lists only other
    values: a None follows it."""
    found: list[tuple[Value, Branches]] = []
    for value, branches in branch_values(raw, scope):
        number = value if isinstance(value, Unknown) and value is not NO_VALUE \
            else as_int(value)
        found.append((None if isinstance(number, int) and number < 0 else number, branches))
        if terraform and isinstance(number, Unknown) and number.branched_on() is None and \
                not (number.choices and all(isinstance(c, int) and c >= 0
                                            for c in number.choices)):
            found.append((None, branches))
    fn.properties["reserved_concurrency"] = found


def code_elsewhere(fn: Function, where: str) -> None:
    """Record that `fn`'s code is not source in the scanned folder, and where it is."""
    fn.properties[CODE_ELSEWHERE] = where


def local_code(t: Template, fn: Function, path: str, line: int | None) -> None:
    """A code location written as a local path (`CodeUri`, `Code`): a folder becomes the
    function's `code_dir`; a built archive, or a folder outside the scanned root, is code
    the scan cannot read."""
    if path.lower().endswith(_ARCHIVES):
        code_elsewhere(fn, f"a built archive ({path})")
        return
    fn.code_dir = t.local_dir(path, line)
    if fn.code_dir is None:
        code_elsewhere(fn, f"outside the scanned folder ({path})")


def layer_folder(file: str, path: Value) -> str | None:
    """The folder a layer is built from (serverless.yml `layers: x: path:`, SAM
    `ContentUri`), relative to the scanned root, when written as a local folder inside it
    (a built archive, an S3 location or a path leaving the root: None)."""
    if not isinstance(path, str) or not path or path.startswith("s3://") or \
            posixpath.isabs(path) or path.lower().endswith(_ARCHIVES):
        return None
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(file), path))
    return None if rel == ".." or rel.startswith("../") else rel


def s3_code(bucket: Value, key: Value) -> str:
    """Where code in S3 is, for a message: `in S3 (s3://bucket/key)` when both are known."""
    if isinstance(bucket, str) and isinstance(key, str):
        return f"in S3 (s3://{bucket}/{key})"
    return "in S3"


def read_environment(t: Template, fn: Function, props: dict[str, Value]) -> None:
    """Environment.Variables -> `fn.environment`, each variable at its own line."""
    environment = props.get("Environment")
    if environment is None or isinstance(environment, Unknown):
        return  # none, or one the deployment decides (`!If` on a parameter)
    variables = environment.get("Variables") if isinstance(environment, dict) else None
    if not isinstance(variables, dict):
        if not isinstance(variables, Unknown) and (
                variables is not None or not isinstance(environment, dict)):
            t.warn(f"{fn.id.split('#')[-1]}: Environment.Variables should be a mapping; "
                   "ignored", getattr(environment, "line", None) or fn.location.line)
        return
    for name, value in variables.items():
        line = variables.line_of(name) if hasattr(variables, "line_of") else fn.location.line
        fn.environment[str(name)] = EnvVar(str(name), value, t.loc(line))


#: The values a function URL's AuthType takes (CloudFormation rejects any other).
URL_AUTH_TYPES = ("AWS_IAM", "NONE")


def read_url(t: Template, fn: Function, config: Value, line: int, raw: Value = None) -> None:
    """A FunctionUrlConfig (SAM) or AWS::Lambda::Url properties -> `fn.url`; `raw`: the
    settings as written (an AuthType that is a deployment parameter, which a deployment may
    set to NONE, is Unknown with the parameter's AllowedValues, else both AuthTypes:
    `deployment_choice`)."""
    if not isinstance(config, dict):
        t.warn(f"{fn.id.split('#')[-1]}: function URL settings should be a mapping", line)
        return
    cors = config.get("Cors")
    auth_type = deployment_choice(raw.get("AuthType"), t.scope, URL_AUTH_TYPES) \
        if isinstance(raw, dict) else None
    fn.url = FunctionUrl(
        auth_type=auth_type or config.get("AuthType", Unknown("AuthType missing")),
        location=t.loc(config.line_of("AuthType") if hasattr(config, "line_of") else line),
        cors=dict(cors) if isinstance(cors, dict) else None,
        invoke_mode=config.get("InvokeMode"),
    )


def link_role(t: Template, fn: Function, value: Value) -> None:
    """Point `fn.role` at a role of the template, or keep the ARN in `fn.role_arn`."""
    target = t.target_of(value, "AWS::IAM::Role")
    if target is not None:
        fn.role = target
    else:
        fn.role_arn = value
