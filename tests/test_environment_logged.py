"""FG-DATA-011 on the whole process environment written to the logs: a Lambda function's
environment holds its live role credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN), so `print(dict(os.environ))` or `console.log(process.env)` copies them
to CloudWatch Logs, in any function (not only an HTTP handler). One variable read
(`os.environ["STAGE"]`, `process.env.STAGE`) is not the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.code_facts import analyse_source
from faasguard.analysis.js.code_facts import analyse_source as analyse_js
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _logged(source: str) -> list[str]:
    return [f.key for f in analyse_source("app.py", source).facts if f.kind == "sensitive-log"]


@pytest.mark.parametrize("line", [
    "print(dict(os.environ))",
    "print('env', os.environ)",
    "logger.info('env %s', json.dumps(dict(os.environ)))",
    "logger.info(os.environ.copy())",
    "print(f'{os.environ}')",
    "logging.info('vars', extra={'env': {**os.environ}})",
    "print(environ.items())",
])
def test_the_whole_environment_logged(line: str) -> None:
    keys = _logged(f"import os, json, logging\nfrom os import environ\n{line}\n")
    assert [k for k in keys if k.endswith(":environ")], line


@pytest.mark.parametrize("line", [
    "print(os.environ.get('STAGE'))",
    "print(os.environ['STAGE'])",
    "print(len(os.environ))",
    "print(sorted(os.environ))",  # the names only
    "env = dict(os.environ)",
    "return_value = {'env': dict(os.environ)}",
])
def test_one_variable_or_no_log_call_is_not(line: str) -> None:
    assert _logged(f"import os\n{line}\n") == []


def test_node_process_env_logged() -> None:
    source = ("exports.handler = async () => {\n  console.log(process.env);\n"
              "  console.info(`env ${JSON.stringify(process.env)}`);\n"
              "  console.log(process.env.STAGE, Object.keys(process.env));\n};\n")
    found = [(f.line, f.key) for f in analyse_js("app.js", source).facts]
    assert found == [(2, "console.log:environ"), (3, "console.info:environ")]


def _data_011(folder: str) -> list[str]:
    return [f.message for f in scan(str(FIXTURES / folder)).findings
            if f.rule_id == "FG-DATA-011"]


def test_node_twins() -> None:
    assert [m for m in _data_011("environment_logged/node_pos") if "environment" in m] == [
        "Sensitive data in the logs: the whole environment (AWS_ACCESS_KEY_ID, "
        "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: the function's credentials) written to "
        "the log by console.log()."]
    assert _data_011("environment_logged/node_neg") == []


def test_python_twins() -> None:
    assert len(_data_011("review_coverage_gaps/environment_dumped/pos")) == 1
    assert _data_011("review_coverage_gaps/environment_dumped/neg") == []


def test_returned_to_the_caller() -> None:
    # FG-DATA-013: the environment in an HTTP response body (Node.js; Python: the fixtures
    # tests/fixtures/rules/FG-DATA-013)
    source = ("exports.handler = async () => {\n"
              "  if (x) return { statusCode: 200, body: JSON.stringify(process.env) };\n"
              "  return { body: JSON.stringify({ stage: process.env.STAGE }), env: process.env };\n"
              "};\n")
    found = [(f.line, f.kind) for f in analyse_js("app.js", source, True).facts]
    assert found == [(2, "environment-returned")]
    assert not analyse_js("app.js", source, False).facts
