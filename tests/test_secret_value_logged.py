"""FG-DATA-011 on a secret's value written to the logs under a name that says nothing:
the value is known to be a secret from where it was read (Secrets Manager's
`get_secret_value`, Powertools `parameters.get_secret`, SSM `get_parameter` with
`WithDecryption=True`), not from its name. Its length, one SSM parameter read without
decryption, or a secret's value that is not logged is not reported."""

from __future__ import annotations

import pytest

from faasguard.analysis.code_facts import analyse_source

_HEAD = ("import json\nimport boto3\nsm = boto3.client('secretsmanager')\n"
         "ssm = boto3.client('ssm')\n")


def _logged(body: str) -> list[str]:
    return [f.detail for f in analyse_source("app.py", _HEAD + body).facts
            if f.kind == "sensitive-log"]


@pytest.mark.parametrize(("body", "source"), [
    ("value = sm.get_secret_value(SecretId='a')['SecretString']\nprint('loaded', value)\n",
     "a Secrets Manager secret"),
    ("def handler(event, context):\n    try:\n"
     "        conf = json.loads(sm.get_secret_value(SecretId='a')['SecretString'])\n"
     "    except Exception:\n        raise\n    logger.info(f'config {conf}')\n",
     "a Secrets Manager secret"),
    ("key = ssm.get_parameter(Name='/k', WithDecryption=True)['Parameter']['Value']\n"
     "logging.info('key %s', key)\n", "a SecureString parameter (WithDecryption=True)"),
    ("from aws_lambda_powertools.utilities import parameters\n"
     "creds = parameters.get_secret('partner')\nprint(creds)\n", "a Secrets Manager secret"),
])
def test_a_secret_value_logged(body: str, source: str) -> None:
    found = _logged(body)
    assert len(found) == 1 and f"the value of {source}" in found[0], found


@pytest.mark.parametrize("body", [
    "value = sm.get_secret_value(SecretId='a')['SecretString']\nprint('loaded', len(value))\n",
    "stage = ssm.get_parameter(Name='/stage')['Parameter']['Value']\nprint(stage)\n",
    "value = sm.get_secret_value(SecretId='a')['SecretString']\nsession = connect(value)\n"
    "print(session)\n",
    "value = sm.describe_secret(SecretId='a')\nprint(value)\n",
])
def test_no_secret_value_logged(body: str) -> None:
    assert _logged(body) == []
