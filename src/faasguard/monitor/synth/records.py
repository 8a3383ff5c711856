"""CloudTrail records and their identities, as the generator writes them."""

from __future__ import annotations

import zlib
from typing import Any

from faasguard.monitor.synth.app import ACCOUNT, REGION
from faasguard.monitor.synth.ids import Ids
from faasguard.monitor.synth.writers import Clock

# Services whose events CloudTrail records in us-east-1 whatever the caller's region.
GLOBAL_SOURCES = ("iam.amazonaws.com", "signin.amazonaws.com")
CLI_AGENT = "aws-cli/2.22.10 md/awscrt#0.22.0 ua/2.0 os/linux#6.8 md/arch#x86_64 lang/python#3.12.6"
CONSOLE_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 " \
                "(KHTML, like Gecko) Version/18.1 Safari/605.1.15"
LAMBDA_AGENT = ("Boto3/1.35.76 md/Botocore#1.35.76 ua/2.0 os/linux#5.10.228 md/arch#x86_64 "
                "lang/python#3.12.8 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 "
                "cfg/retry-mode#legacy Botocore/1.35.76")


# Data events (trails log them when data-event logging is on for the table or bucket).
DATA_ACTIONS = frozenset(("dynamodb.amazonaws.com:GetItem", "dynamodb.amazonaws.com:PutItem",
                          "dynamodb.amazonaws.com:Query", "s3.amazonaws.com:GetObject",
                          "s3.amazonaws.com:PutObject"))


def _digits(text: str) -> str:
    """16 digits derived from `text`, the same in every run (unlike `hash`)."""
    return f"{zlib.crc32(text.encode()) * 7919 % 10**16:016d}"


def assumed_role(role: str, session: str, mfa: bool = False) -> dict[str, Any]:
    """The userIdentity of an assumed-role session."""
    return {"type": "AssumedRole", "principalId": f"AROA{_digits(role)}:{session}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}", "accountId": ACCOUNT,
            "accessKeyId": "ASIA" + _digits(role + session),
            "sessionContext": {"sessionIssuer": {"type": "Role",
                                                 "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}",
                                                 "accountId": ACCOUNT, "userName": role},
                               "attributes": {"creationDate": "2026-01-05T00:00:00Z",
                                              "mfaAuthenticated": str(mfa).lower()}}}


def iam_user(name: str) -> dict[str, Any]:
    """The userIdentity of an IAM user."""
    return {"type": "IAMUser", "principalId": f"AIDA{_digits(name)}",
            "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "accountId": ACCOUNT,
            "userName": name}


def root() -> dict[str, Any]:
    """The userIdentity of the account's root user."""
    return {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root",
            "accountId": ACCOUNT}


def aws_service(service: str) -> dict[str, Any]:
    """The userIdentity of an AWS service acting on the account's behalf."""
    return {"type": "AWSService", "invokedBy": service}


class Records:
    """Builds CloudTrail records with ids from `ids`."""

    def __init__(self, ids: Ids) -> None:
        self.ids = ids
        self.clock = Clock()

    def record(self, moment: float, action: str, identity: dict[str, Any], ip: str, agent: str,
               *, params: dict[str, Any] | None = None, response: Any = None,
               error: tuple[str, str] | None = None, extra: dict[str, Any] | None = None,
               read_only: bool | None = None, event_type: str = "AwsApiCall") -> dict[str, Any]:
        """One record of `action` (``eventSource:eventName``)."""
        source, name = action.split(":", 1)
        region = "us-east-1" if source in GLOBAL_SOURCES else REGION
        out: dict[str, Any] = {
            "eventVersion": "1.10", "userIdentity": identity,
            "eventTime": self.clock.iso(moment)[:-5] + "Z", "eventSource": source,
            "eventName": name, "awsRegion": region, "sourceIPAddress": ip, "userAgent": agent,
        }
        if error:
            out["errorCode"], out["errorMessage"] = error
        out["requestParameters"] = params
        out["responseElements"] = response
        if extra:
            out["additionalEventData"] = extra
        out["requestID"] = self.ids.uuid()
        out["eventID"] = self.ids.uuid()
        out["readOnly"] = read_only if read_only is not None else name.startswith(
            ("Get", "List", "Describe", "Lookup"))
        out["eventType"] = event_type
        data = action in DATA_ACTIONS
        out["managementEvent"] = not data
        out["recipientAccountId"] = ACCOUNT
        out["eventCategory"] = "Data" if data else "Management"
        return out

    def is_global(self, record: dict[str, Any]) -> bool:
        """Does `record` belong to the global (us-east-1) trail events?"""
        return bool(record["eventSource"] in GLOBAL_SOURCES)
