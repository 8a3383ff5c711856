"""Deployment parameters: `--param NAME=VALUE`, the config's `parameters:`, samconfig.toml
beside a SAM template, and what each decides (CloudFormation, Terraform, serverless.yml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_support import run_cli

from faasguard.loaders import LoadContext, load_path
from faasguard.model import Unknown

RULES = Path(__file__).resolve().parent / "fixtures" / "rules"

#: A SAM template whose function URL is open on the prod stage only (Stage defaults to dev).
STAGED = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  Token:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/token
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Environment:
        Variables:
          TOKEN: !Ref Token
      FunctionUrlConfig:
        AuthType: !If [IsProd, NONE, AWS_IAM]
"""


def _app(tmp_path: Path, text: str = STAGED) -> Path:
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "template.yaml").write_text(text)
    return tmp_path / "app"


def _scan(capsys, *argv: str) -> tuple[int, dict]:
    code, out, err = run_cli(capsys, "scan", *argv, "--format", "json", "--fail-on", "none")
    assert code == 0, err
    return code, json.loads(out)


def _open_url(report: dict) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule_id"] == "FG-AUTH-001"]


def _diagnostics(report: dict, level: str) -> list[tuple[str, str, int | None]]:
    return [(d["file"], d["message"], d["line"]) for d in report["diagnostics"]
            if d["level"] == level and d["code"] != "handler"]


# ------------------------------------------------------------------ the option


@pytest.mark.parametrize("command", ["scan", "cost", "endpoints", "policy"])
@pytest.mark.parametrize("bad, why", [("Stage", "expected NAME=VALUE"),
                                      ("=prod", "a parameter name is empty"),
                                      ("My Stage=prod", "has a space")])
def test_a_malformed_param_is_a_usage_error(capsys, tmp_path, command, bad, why):
    code, _, err = run_cli(capsys, command, str(_app(tmp_path)), "--param", bad)
    assert code == 2 and "usage:" in err and why in err and "Traceback" not in err


def test_a_given_value_decides_a_condition_and_flips_the_finding(capsys, tmp_path):
    app = str(_app(tmp_path))
    # undecided (Stage's default is not a fact): reported as possible, naming the condition
    assert _open_url(_scan(capsys, app)[1]) == [
        "Function 'Worker' may have a public function URL: its AuthType depends on the "
        "condition IsProd, and NONE is one of its values (NONE, AWS_IAM); a deployment that "
        "picks NONE lets anyone invoke it."]
    prod = _open_url(_scan(capsys, app, "--param", "Stage=prod")[1])
    assert prod == ["Function 'Worker' has a public function URL (AuthType NONE): anyone "
                    "can invoke it."]
    assert _open_url(_scan(capsys, app, "--param", "Stage=dev")[1]) == []
    # a later --param wins, as a later -var does
    assert _open_url(_scan(capsys, app, "--param", "Stage=prod", "--param", "Stage=dev")[1]) \
        == []


def test_other_commands_take_the_values_too(capsys, tmp_path):
    app = str(_app(tmp_path))
    code, out, _ = run_cli(capsys, "endpoints", app, "--format", "json", "--param",
                           "Stage=prod")
    assert code == 0
    assert [(e["kind"], e["auth"]) for e in json.loads(out)["endpoints"]] == [("url", "none")]
    code, out, _ = run_cli(capsys, "endpoints", app, "--format", "json", "--param",
                           "Stage=dev")
    assert [(e["kind"], e["auth"]) for e in json.loads(out)["endpoints"]] == \
        [("url", "iam")]
    code, out, _ = run_cli(capsys, "cost", app, "--format", "json", "--param", "Stage=prod")
    assert code == 0 and json.loads(out)["functions"][0]["exposure"] == ["url"]


def test_a_value_outside_allowed_values_is_a_warning_and_still_used(capsys, tmp_path):
    app = str(_app(tmp_path))
    report = _scan(capsys, app, "--param", "Stage=staging")[1]
    assert _diagnostics(report, "warning") == [
        ("template.yaml", "parameter Stage: 'staging' (given with --param or in the "
         "configuration) is not one of its AllowedValues (dev, prod): CloudFormation would "
         "reject the deployment", 3)]
    assert _open_url(report) == []  # staging is not prod: the condition is false


def test_an_ssm_parameter_stays_unknown_when_given(tmp_path):
    """A value given for an SSM-typed parameter names the SSM parameter, not its value."""
    _app(tmp_path)
    app = load_path(LoadContext(root=str(tmp_path), file="app/template.yaml",
                                params={"Token": "/prod/token"}))
    token = app.functions["app/template.yaml#Worker"].environment["TOKEN"].value
    assert token == Unknown("ssm:/prod/token")


def _undeclared(report: dict) -> list[str]:
    return [d["message"] for d in report["diagnostics"] if d["code"] == "parameters"
            and "declared by none" in d["message"]]


def test_a_param_no_file_declares_is_a_warning_naming_the_closest(capsys, tmp_path):
    """A typo (`stage` for `Stage`) used to be silently ignored: the scan went on with
    the default. Now a warning names the parameter, the files read and the closest
    declared name; the scan still completes."""
    app = str(_app(tmp_path))
    code, report = _scan(capsys, app, "--param", "stage=prod", "--param", "Stge=prod",
                         "--param", "Colour=blue", "--param", "Stage=dev")
    assert code == 0
    assert _undeclared(report) == [
        "parameter 'Colour' (given with --param or the configuration's parameters:) is "
        "declared by none of the files read (template.yaml): not used",
        "parameter 'Stge' (given with --param or the configuration's parameters:) is "
        "declared by none of the files read (template.yaml): not used; did you mean "
        "'Stage'?",
        "parameter 'stage' (given with --param or the configuration's parameters:) is "
        "declared by none of the files read (template.yaml): not used; did you mean "
        "'Stage'?"]
    assert [d["level"] for d in report["diagnostics"] if d["code"] == "parameters"
            and "declared by none" in d["message"]] == ["warning"] * 3
    assert _undeclared(_scan(capsys, app, "--param", "Stage=dev")[1]) == []


def test_a_config_parameter_no_file_declares_is_a_warning(capsys, tmp_path):
    app = str(_app(tmp_path))
    config = tmp_path / "c.yml"
    config.write_text("parameters:\n  Stage: prod\n  Tokn: x\n")
    [message] = _undeclared(_scan(capsys, app, "--config", str(config))[1])
    assert message.startswith("parameter 'Tokn' ") and message.endswith(
        "did you mean 'Token'?")


def test_each_format_declares_its_own_names(capsys, tmp_path):
    """One --param feeds every format: a name any file declares is used (a template
    parameter, a root module's variable, a serverless.yml ${param:NAME}); one none does
    is reported once, whatever the format."""
    _app(tmp_path)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(TERRAFORM)
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "  environment:\n    TABLE: ${param:table}\n"
        "functions:\n  f:\n    handler: h.main\n")
    params = ["Stage=dev", "public=false", "table=orders", "tabel=orders", "memroy=1"]
    report = _scan(capsys, str(tmp_path), *[a for p in params for a in ("--param", p)])[1]
    found = _undeclared(report)
    assert [m.split("'")[1] for m in found] == ["memroy", "tabel"]
    assert "(app/template.yaml, infra/main.tf, svc/serverless.yml)" in found[0]
    assert found[0].endswith("did you mean 'memory'?")
    assert found[1].endswith("did you mean 'table'?")


# ------------------------------------------------------------------ the configuration


def test_config_parameters_and_the_command_line_wins(capsys, tmp_path):
    app = str(_app(tmp_path))
    config = tmp_path / "c.yml"
    config.write_text("parameters:\n  Stage: prod\n  Debug: true\n")
    assert len(_open_url(_scan(capsys, app, "--config", str(config))[1])) == 1
    assert _open_url(_scan(capsys, app, "--config", str(config), "--param",
                           "Stage=dev")[1]) == []


@pytest.mark.parametrize("text, why", [
    ("parameters: [Stage=prod]\n", "parameters: expected a mapping of parameter name"),
    ("parameters:\n  Stage: [dev, prod]\n", "parameters.Stage: expected a string, number"),
    ("parameters:\n  'My Stage': prod\n", "a parameter name has a space"),
])
def test_bad_config_parameters_exit_2(capsys, tmp_path, text, why):
    config = tmp_path / "c.yml"
    config.write_text(text)
    code, _, err = run_cli(capsys, "scan", str(_app(tmp_path)), "--config", str(config))
    assert code == 2 and why in err and "c.yml:1" in err


# ------------------------------------------------------------------ samconfig.toml

SAMCONFIG = """\
version = 0.1
[default.global.parameters]
parameter_overrides = "Stage=dev"
[default.deploy.parameters]
stack_name = "app"
parameter_overrides = "Stage=prod Label=\\"two words\\""
"""


def test_samconfig_beside_the_template_is_what_sam_deploy_passes(capsys, tmp_path):
    app = _app(tmp_path)
    (app / "samconfig.toml").write_text(SAMCONFIG)
    report = _scan(capsys, str(app))[1]
    assert len(_open_url(report)) == 1  # deploy.parameters over global.parameters
    assert _diagnostics(report, "note") == [
        ("template.yaml", "parameter values from samconfig.toml (as `sam deploy` passes "
         "them): Stage", None)]


def test_precedence_cli_over_config_over_samconfig_over_default(capsys, tmp_path):
    app = _app(tmp_path)
    (app / "samconfig.toml").write_text(SAMCONFIG)  # Stage=prod
    config = tmp_path / "c.yml"
    config.write_text("parameters: {Stage: dev}\n")
    assert _open_url(_scan(capsys, str(app), "--config", str(config))[1]) == []
    config.write_text("parameters: {Other: x}\n")
    assert len(_open_url(_scan(capsys, str(app), "--config", str(config))[1])) == 1
    assert _open_url(_scan(capsys, str(app), "--config", str(config), "--param",
                           "Stage=dev")[1]) == []
    config.write_text("parameters: {Stage: prod}\n")
    (app / "samconfig.toml").unlink()
    assert len(_open_url(_scan(capsys, str(app), "--config", str(config))[1])) == 1


def test_samconfig_list_and_long_forms(tmp_path):
    from faasguard.loaders.samconfig import deploy_parameters, parse_overrides

    assert parse_overrides("A=1 B=\"x y\" C='p q' ParameterKey=D,ParameterValue=4 E=") == \
        {"A": "1", "B": "x y", "C": "p q", "D": "4", "E": ""}
    assert parse_overrides('Stage="dev" Note=It\'s Token="a\\"b" Path=a\\ b') == \
        {"Stage": "dev", "Note": "It's", "Token": 'a"b', "Path": "a b"}
    (tmp_path / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\n'
        'parameter_overrides = ["A=1", "B=2 C=3"]\n')
    found = deploy_parameters(str(tmp_path), str(tmp_path))
    assert found is not None and found.values == {"A": "1", "B": "2", "C": "3"}
    assert found.varies == {}


def test_samconfig_yaml_when_there_is_no_toml(tmp_path):
    from faasguard.loaders.samconfig import deploy_parameters

    (tmp_path / "samconfig.yaml").write_text(
        "version: 0.1\ndefault:\n  deploy:\n    parameters:\n"
        "      parameter_overrides: Stage=prod\n")
    found = deploy_parameters(str(tmp_path), str(tmp_path))
    assert found is not None and (found.file, found.values) == ("samconfig.yaml",
                                                                {"Stage": "prod"})
    (tmp_path / "samconfig.toml").write_text("version = 0.1\n")
    found = deploy_parameters(str(tmp_path), str(tmp_path))
    assert found is not None and (found.file, found.values) == ("samconfig.toml", {})


def test_a_value_another_environment_changes_is_not_a_fact(tmp_path):
    """`sam deploy --config-env prod` deploys prod's values: a condition on a parameter the
    environments set differently stays undecided (the default environment's value is what
    a Ref reads, as a Default would be)."""
    app = _app(tmp_path)
    (app / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "Stage=dev"\n'
        '[prod.deploy.parameters]\nparameter_overrides = "Stage=prod"\n'
        '[prod.local_invoke.parameters]\nparameter_overrides = "Other=1"\n')
    loaded = load_path(LoadContext(root=str(tmp_path), file="app/template.yaml"))
    assert loaded.functions["app/template.yaml#Worker"].url.auth_type == \
        Unknown("If IsProd", ("NONE", "AWS_IAM"))
    (app / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "Stage=dev"\n'
        '[prod.deploy.parameters]\nparameter_overrides = "Stage=dev"\n')
    loaded = load_path(LoadContext(root=str(tmp_path), file="app/template.yaml"))
    assert loaded.functions["app/template.yaml#Worker"].url.auth_type == "AWS_IAM"


@pytest.mark.parametrize("text, why", [
    ("version = 0.1\n[default.deploy.parameters\n", "not valid TOML: Expected ']'"),
    ('[default.deploy.parameters]\nparameter_overrides = "Stage=\\"prod"\n',
     "default: parameter_overrides: expected Key=Value, got 'Stage=\"prod'"),
    ('[default.deploy.parameters]\nparameter_overrides = "Stage"\n',
     "expected Key=Value, got 'Stage'"),
    ("[default.deploy.parameters]\nparameter_overrides = 3\n",
     "parameter_overrides should be a string of Key=Value pairs"),
])
def test_a_malformed_samconfig_is_a_warning_and_the_scan_goes_on(capsys, tmp_path, text,
                                                                 why):
    app = _app(tmp_path)
    (app / "samconfig.toml").write_text(text)
    code, out, err = run_cli(capsys, "scan", str(app), "--format", "json", "--param",
                             "Stage=prod")
    assert code == 1 and "Traceback" not in err
    report = json.loads(out)
    [(file, message, line)] = _diagnostics(report, "warning")
    assert file == "samconfig.toml" and why in message and "defaults are used" in message
    assert len(_open_url(report)) == 1  # the template was read, with --param


# ------------------------------------------------------------------ Terraform variables

TERRAFORM = """\
variable "public" {
  type    = bool
  default = false
}
variable "auth" {
  type = string
  validation {
    condition     = contains(["AWS_IAM", "NONE"], var.auth)
    error_message = "AWS_IAM or NONE."
  }
}
variable "memory" {
  type    = number
  default = 128
}
variable "layers" {
  type    = list(string)
  default = []
}
resource "aws_lambda_function" "api" {
  function_name = "api"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/api"
  filename      = "api.zip"
  memory_size   = var.memory
  layers        = var.layers
}
resource "aws_lambda_function_url" "api" {
  function_name      = aws_lambda_function.api.function_name
  authorization_type = var.public ? "NONE" : var.auth
}
"""


def _terraform(tmp_path: Path, *params: str) -> tuple[object, list[tuple[str, str, int]]]:
    from faasguard.loaders.terraform import load_tree

    (tmp_path / "main.tf").write_text(TERRAFORM)
    (tmp_path / "terraform.tfvars").write_text(
        'auth = "AWS_IAM"\nmemory = 256\npublic = false\n')
    given = dict(p.split("=", 1) for p in params)
    app = load_tree(str(tmp_path), ["main.tf"], variables=given)
    fn = app.functions["main.tf#aws_lambda_function.api"]
    return fn, [(d.file, d.message, d.line) for d in app.diagnostics if d.code != "handler"]


def test_terraform_param_over_tfvars_over_default(tmp_path):
    fn, notes = _terraform(tmp_path)
    assert (fn.url.auth_type, fn.memory_mb, notes) == ("AWS_IAM", 256, [])
    fn, notes = _terraform(tmp_path, "auth=NONE", "memory=1024")
    assert (fn.url.auth_type, fn.memory_mb, notes) == ("NONE", 1024, [])
    fn, _ = _terraform(tmp_path, "public=true")  # a bool variable reads true/false
    assert fn.url.auth_type == "NONE"
    fn, _ = _terraform(tmp_path, 'layers=["arn:aws:lambda:us-east-1:1:layer:a:1"]')
    assert fn.layers == ["arn:aws:lambda:us-east-1:1:layer:a:1"]  # HCL for a list


@pytest.mark.parametrize("param, why, line", [
    ("public=yes", "--param public=yes: a bool variable takes true or false; Terraform "
                   "would refuse it, so it is not used", 1),
    ("memory=lots", "--param memory=lots: a number variable takes a number; Terraform "
                    "would refuse it, so it is not used", 12),
    ("layers=[", "--param layers=[: not an HCL value of type list", 16),
    ("auth=OPEN", "--param auth=OPEN: not one of the values its validation allows "
                  "(AWS_IAM, NONE); Terraform would refuse it", 5),
])
def test_terraform_a_value_the_variable_cannot_take_is_a_warning(tmp_path, param, why, line):
    fn, notes = _terraform(tmp_path, param)
    [(file, message, at)] = notes
    assert (file, at) == ("main.tf", line) and message.startswith(why)
    assert fn.url.auth_type == ("OPEN" if param == "auth=OPEN" else "AWS_IAM")


def test_terraform_an_unset_variable_offers_what_its_validation_allows(tmp_path):
    """Without tfvars, `auth` is set at plan time: one of its validation's values; the
    conditional on `public` is not decided by its default (false) either: `terraform apply
    -var public=true` deploys NONE, as a CloudFormation parameter's Default decides
    nothing."""
    from faasguard.loaders.terraform import load_tree

    (tmp_path / "main.tf").write_text(TERRAFORM.replace("default = false", "# no default"))
    fn = load_tree(str(tmp_path), ["main.tf"]).functions["main.tf#aws_lambda_function.api"]
    assert fn.url.auth_type == Unknown("conditional on var.public", ("NONE", "AWS_IAM"))
    (tmp_path / "main.tf").write_text(TERRAFORM)
    fn = load_tree(str(tmp_path), ["main.tf"]).functions["main.tf#aws_lambda_function.api"]
    assert fn.url.auth_type == Unknown("conditional on var.public", ("NONE", "AWS_IAM"))
    (tmp_path / "terraform.tfvars").write_text("public = false\n")  # given: decided
    fn = load_tree(str(tmp_path), ["main.tf"]).functions["main.tf#aws_lambda_function.api"]
    assert fn.url.auth_type == Unknown("var.auth", ("AWS_IAM", "NONE"))


@pytest.mark.parametrize("text, expected", [
    # a default nobody replaces: the deployment's choice (-var), its validation's values
    ('variable "auth" {\n  default = "AWS_IAM"\n  validation {\n    condition = '
     'contains(["AWS_IAM", "NONE"], var.auth)\n    error_message = "x"\n  }\n}\n',
     Unknown("var.auth", ("AWS_IAM", "NONE"))),
    # ... or, with no validation, the two values authorization_type takes
    ('variable "auth" {\n  default = "AWS_IAM"\n}\n',
     Unknown("var.auth", ("AWS_IAM", "NONE"), ("NONE",))),
    # a validation allowing AWS_IAM only: a fact
    ('variable "auth" {\n  default = "AWS_IAM"\n  validation {\n    condition = '
     'contains(["AWS_IAM"], var.auth)\n    error_message = "x"\n  }\n}\n', "AWS_IAM"),
])
def test_terraform_a_defaulted_root_variable_is_the_deployments_choice(tmp_path, text,
                                                                        expected):
    from faasguard.loaders.terraform import load_tree

    resources = 'variable "memory"' + TERRAFORM.split('variable "memory"', 1)[1]
    (tmp_path / "main.tf").write_text(
        text + resources.replace('var.public ? "NONE" : var.auth', "var.auth"))
    load = load_tree(str(tmp_path), ["main.tf"])
    assert load.functions["main.tf#aws_lambda_function.api"].url.auth_type == expected
    load = load_tree(str(tmp_path), ["main.tf"], variables={"auth": "AWS_IAM"})
    assert load.functions["main.tf#aws_lambda_function.api"].url.auth_type == "AWS_IAM"


def test_terraform_names_the_module_does_not_declare_are_left_alone(tmp_path):
    fn, notes = _terraform(tmp_path, "Stage=prod")
    assert (fn.url.auth_type, notes) == ("AWS_IAM", [])


def test_terraform_a_route_authorisation_the_variables_choose_until_given(capsys):
    """The API routes of FG-AUTH-002/terraform-pos-undecided: each authorisation chosen by
    a root variable (a lookup and a local map keyed by a defaulted env, a conditional on an
    unset bool, a variable with neither default nor validation) is the deployment's
    choice; --param gives the deployment's values, facts."""
    folder = RULES / "FG-AUTH-002" / "terraform-pos-undecided"

    def routes(*params: str) -> dict[str, str]:
        args = [a for p in params for a in ("--param", p)]
        _code, report = _scan(capsys, str(folder), *args)
        return {f["subject"]: f["message"].split(":", 1)[0] for f in report["findings"]
                if f["rule_id"] == "FG-AUTH-002"}

    undecided = routes()
    assert len(undecided) == 5 and all("may have no authoriser" in m
                                       for m in undecided.values())
    assert routes("env=prod", "open_admin=false", "list_auth=AWS_IAM") == {}
    given = routes("env=dev", "open_admin=true", "list_auth=NONE")
    assert sorted(given) == sorted(undecided)
    assert all(m.endswith("has no authoriser") for m in given.values())


# ------------------------------------------------------------------ serverless.yml


def test_serverless_param_reads_the_given_value(capsys, tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: orders\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  api:\n    handler: app.handler\n"
        "    environment:\n      TABLE: ${param:table, 'orders-dev'}\n")
    from faasguard.scan import load_app

    app = load_app(str(tmp_path), ["serverless.yml"], params={"table": "orders-prod"})
    assert app.functions["serverless.yml#api"].environment["TABLE"].value == "orders-prod"
    app = load_app(str(tmp_path), ["serverless.yml"])
    assert app.functions["serverless.yml#api"].environment["TABLE"].value == "orders-dev"


def test_a_default_a_deployment_may_replace_by_none_is_reported_until_given(capsys, tmp_path):
    """`AuthType: !Ref P`, P defaulting to AWS_IAM but allowing NONE: the default is what a
    deployment gets when it sets nothing, not a fact (as for conditions); a given value
    (--param, samconfig) decides it."""
    app = _app(tmp_path, (
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  UrlAuth: {Type: String, Default: AWS_IAM, AllowedValues: [AWS_IAM, NONE]}\n"
        "Resources:\n  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        "      FunctionUrlConfig:\n        AuthType: !Ref UrlAuth\n"))
    assert _open_url(_scan(capsys, str(app))[1]) == [
        "Function 'Worker' may have a public function URL: its AuthType depends on the "
        "parameter UrlAuth, and NONE is one of its values (AWS_IAM, NONE); a deployment "
        "that picks NONE lets anyone invoke it."]
    assert _open_url(_scan(capsys, str(app), "--param", "UrlAuth=AWS_IAM")[1]) == []
    (app / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "UrlAuth=AWS_IAM"\n')
    assert _open_url(_scan(capsys, str(app))[1]) == []


@pytest.mark.parametrize("allowed, samconfig", [
    # the default environment passes AWS_IAM, `--config-env prod` passes NONE
    (", AllowedValues: [AWS_IAM, NONE]", 'version = 0.1\n[default.deploy.parameters]\n'
     'parameter_overrides = "UrlAuth=AWS_IAM"\n[prod.deploy.parameters]\n'
     'parameter_overrides = "UrlAuth=NONE"\n'),
    ("", 'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = '
     '"UrlAuth=AWS_IAM"\n[prod.deploy.parameters]\nparameter_overrides = "UrlAuth=NONE"\n'),
    # only prod sets it: the default deployment takes the Default
    ("", 'version = 0.1\n[prod.deploy.parameters]\nparameter_overrides = "UrlAuth=NONE"\n'),
])
def test_a_value_another_samconfig_environment_passes_is_a_possible_auth_type(
        tmp_path, allowed, samconfig):
    """`sam deploy --config-env prod` deploys prod's NONE: the URL's AuthType is undecided
    with NONE among its values, not the default environment's AWS_IAM (or the Default),
    whether or not the template lists NONE in AllowedValues."""
    (tmp_path / "template.yaml").write_text(URL_BY_PARAMETER % allowed)
    (tmp_path / "samconfig.toml").write_text(samconfig)
    loaded = load_path(LoadContext(root=str(tmp_path), file="template.yaml"))
    assert loaded.functions["template.yaml#Worker"].url.auth_type == \
        Unknown("parameter UrlAuth", ("AWS_IAM", "NONE"))


def test_a_parent_stack_default_leaves_the_child_allowed_values_open(tmp_path):
    """A parent passing its own parameter's default to a child: the child's AuthType is
    that default only until a deployment of the parent picks another of the child's
    AllowedValues (NONE), as when the child is deployed alone."""
    from faasguard.scan import load_app

    (tmp_path / "child.yaml").write_text(
        URL_BY_PARAMETER % ", AllowedValues: [AWS_IAM, NONE]")
    (tmp_path / "template.yaml").write_text(
        "Parameters:\n  ParentAuth: {Type: String, Default: AWS_IAM}\n"
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        "      TemplateURL: child.yaml\n      Parameters:\n        UrlAuth: !Ref ParentAuth\n")
    app = load_app(str(tmp_path), ["template.yaml", "child.yaml"])
    assert app.functions["child.yaml#Worker"].url.auth_type == \
        Unknown("parameter UrlAuth", ("AWS_IAM", "NONE"))


URL_BY_PARAMETER = (
    "Transform: AWS::Serverless-2016-10-31\n"
    "Parameters:\n  UrlAuth: {Type: String, Default: AWS_IAM%s}\n"
    "Resources:\n  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      Runtime: python3.12\n      Handler: app.handler\n"
    "      FunctionUrlConfig:\n        AuthType: !Ref UrlAuth\n")


def test_an_auth_type_from_a_map_keyed_by_a_defaulted_parameter_is_reported_until_given(
        capsys, tmp_path):
    """`AuthType: !FindInMap [Stages, !Ref Stage, UrlAuth]`, Stage defaulting to prod
    (AWS_IAM) while the map's dev entry is NONE: a deployment with Stage=dev gets a public
    URL; --param Stage=prod decides it."""
    app = _app(tmp_path, (
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Stage: {Type: String, Default: prod}\n"
        "Mappings:\n  Stages:\n    dev: {UrlAuth: NONE}\n    prod: {UrlAuth: AWS_IAM}\n"
        "Resources:\n  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        "      FunctionUrlConfig:\n        AuthType: !FindInMap [Stages, !Ref Stage, UrlAuth]\n"))
    assert _open_url(_scan(capsys, str(app))[1]) == [
        "Function 'Worker' may have a public function URL: its AuthType depends on the "
        "parameter Stage, and NONE is one of its values (NONE, AWS_IAM); a deployment "
        "that picks NONE lets anyone invoke it."]
    assert _open_url(_scan(capsys, str(app), "--param", "Stage=prod")[1]) == []
    assert len(_open_url(_scan(capsys, str(app), "--param", "Stage=dev")[1])) == 1
