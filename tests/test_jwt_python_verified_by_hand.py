"""python-jose's get_unverified_claims after the function checked the token's signature
itself (`jwk.construct(key).verify(message, signature)`, the Cognito verification AWS
documents) reads verified claims: no FG-AUTH-101. Read before that check, or with no check,
the claims can be forged: FG-AUTH-101; so they can when the check's answer (a bool:
python-jose's verify raises nothing) is ignored or only printed, or
the token checked is another one."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

APP = """service: tokens
provider:
  name: aws
  runtime: python3.12
functions:
  check:
    handler: auth.handler
"""

CHECK = '''
    key = jwk.construct(keys[0])
    message, encoded = token.rsplit(".", 1)
    if not key.verify(message.encode(), base64url_decode(encoded.encode())):
        return False
'''

SIGNATURE = "message.encode(), base64url_decode(encoded.encode())"
KEY = """
    key = jwk.construct(keys[0])
    message, encoded = token.rsplit(".", 1)
"""
IGNORED = KEY + f"    key.verify({SIGNATURE})\n"
PRINTED = KEY + f"    if not key.verify({SIGNATURE}):\n        print('signature check failed')\n"
KEPT = KEY + (f"    valid = key.verify({SIGNATURE})\n"
              "    if not valid:\n        raise ValueError('bad signature')\n")
ASSERTED = KEY + f"    assert key.verify({SIGNATURE})\n"
OTHER = CHECK.replace("token.rsplit", "event['id_token'].rsplit")  # another token checked

HANDLER = '''from jose import jwk, jwt
from jose.utils import base64url_decode

keys = []


def handler(event, context):
    token = event["token"]
{before}    claims = jwt.get_unverified_claims(token)
{after}    return claims
'''


@pytest.mark.parametrize("before, after, reported", [
    (CHECK, "", False),   # checked, then read: verified claims
    ("", CHECK, True),    # read first (to pick a key or an issuer): forgeable
    ("", "", True),       # never checked
    (IGNORED, "", True),  # python-jose's verify returns a bool: ignored, it checks nothing
    (PRINTED, "", True),  # a failed check only printed: the function goes on
    (KEPT, "", False),    # the answer kept, then tested and the function stops
    (ASSERTED, "", False),
    (OTHER, "", True),
])
def test_claims_read_after_a_signature_check(tmp_path: Path, before: str, after: str,
                                             reported: bool) -> None:
    (tmp_path / "serverless.yml").write_text(APP)
    (tmp_path / "auth.py").write_text(HANDLER.format(before=before, after=after))
    found = [f for f in scan(str(tmp_path)).findings if f.rule_id == "FG-AUTH-101"]
    assert bool(found) is reported, found
