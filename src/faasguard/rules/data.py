"""High-risk data: secrets in plaintext, unencrypted stores, sensitive data in logs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast

from faasguard.analysis.code_facts import FileFacts
from faasguard.analysis.endpoints import (
    allowed_of,
    grants_anyone,
    is_restricted,
    policies_in_effect,
    policy_target,
)
from faasguard.analysis.facts import Facts
from faasguard.analysis.secrets import find_secret, is_secret_name, secret_digest
from faasguard.analysis.template_secrets import ENV_LITERAL, SECRET_VALUE
from faasguard.findings import Finding, make_finding, rule
from faasguard.model import App, DataResource, EnvVar, Unknown, logical_id
from faasguard.rules.codefindings import code_findings
from faasguard.rules.envvars import EnvDefinition, env_definitions
from faasguard.rules.util import remediation_for

_OWASP_CONFIG = "OWASP Serverless Top 10: SAS-3 Insecure Serverless Deployment Configuration"
_OWASP_SECRETS = "OWASP Serverless Top 10: SAS-7 Insecure Application Secrets Storage"
_OWASP_LOGGING = "OWASP Serverless Top 10: SAS-5 Inadequate Function Monitoring and Logging"
_ENV_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html"


#: Environment variables Lambda reserves for the function's own credentials: a deployment
#: that sets them is refused, so a template setting them is run locally only (`sam local`
#: stand-ins for DynamoDB Local, LocalStack...). Their values are judged as a secret only
#: when they look like a real credential (FG-DATA-001: a known format, or a random-looking
#: token at medium), and never want a KMS key (FG-DATA-004).
LAMBDA_RESERVED_CREDENTIALS = frozenset({
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})


@rule(
    "FG-DATA-001",
    "Secret in a plaintext environment variable",
    threat="data",
    severity="high",
    description="""
Environment variables are stored with the function configuration and shown in the
console, in `GetFunctionConfiguration` responses and in deployment templates kept in Git.
A password, token or key written there in plaintext is readable by anyone with read
access to the function or the repository. Secrets are recognised by name (`DB_PASSWORD`,
`stripeApiKey`) with a literal value, by format (AWS access keys, Stripe, Slack and
GitHub tokens, private keys, JWTs, connection strings with a password) and, with medium
confidence, by entropy. The variables Lambda reserves for the function's credentials
(`AWS_SECRET_ACCESS_KEY`...) cannot be deployed: a template setting them runs locally only,
and their value is reported only when it looks like a real credential (the format of an
access key id, or a long random-looking token such as a secret access key). The example
credentials of the AWS documentation (`AKIAIOSFODNN7EXAMPLE` and its secret access key
ending `EXAMPLEKEY`) are not reported: published so that nobody can use them, they
authenticate nowhere (a real key beside them still is).
A variable whose name alone says secret but that holds a secret's id is not reported: its
value the name of a Secrets Manager secret the templates declare, or the variable read by
the function's code as (part of) the id of the secret or parameter an AWS call fetches
(`get_secret_value(SecretId=os.environ["DB_SECRET"])`, `GetSecretValueCommand({ SecretId:
process.env.API_SECRET })`, `get_parameter(Name=...)`); a value of a secret's format still
is.
A variable that receives a secret written elsewhere in the templates (serverless.yml
`custom:` or `params:`, a parameter's `Default`, a Terraform variable's `default`) is one
secret with FG-DATA-002's finding where it is written: this finding is folded into that
one, as its related location. The same value written literally in the environment too is
a second place, reported here as well.
""",
    remediation={
        "serverless": "environment:\n  DB_PASSWORD_PARAM: /app/db-password  # read at run time "
                      "from SSM Parameter Store (SecureString) or Secrets Manager",
        "sam": "Environment:\n  Variables:\n    DB_SECRET_ARN: !Ref DbSecret  "
               "# AWS::SecretsManager::Secret, read at run time",
        "terraform": "environment {\n  variables = {\n    DB_SECRET_ARN = "
                     "aws_secretsmanager_secret.db.arn\n  }\n}",
        "chalice": "# .chalice/config.json (top level, or under stages.<stage>)\n"
                   '"environment_variables": {\n'
                   '  "DB_PASSWORD_PARAM": "/app/db-password"\n'
                   "}\n"
                   "# the function reads the secret at run time from SSM Parameter Store\n"
                   "# (SecureString) or Secrets Manager",
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"environment_variables": {\n'
                 '  "DB_PASSWORD_PARAM": "/app/db-password"\n'
                 "}\n"
                 "# the function reads the secret at run time from SSM Parameter Store\n"
                 "# (SecureString) or Secrets Manager",
    },
    references=(_OWASP_SECRETS, _ENV_DOC),
    cwe=(798, 312),
    equivalents={"Checkov": "CKV_AWS_45", "Prowler": "awslambda_function_no_secrets_in_variables"},
)
def plaintext_secret_env(app: App, facts: Facts) -> Iterator[Finding]:
    for definition in env_definitions(app, facts):
        var = definition.var
        # a name Lambda refuses to deploy (`sam local`'s stand-in credentials) is no secret
        # by its name alone: its value is, by format or as a random-looking token (a real
        # secret access key or session token has no prefix to recognise it by)
        name = None if var.name in LAMBDA_RESERVED_CREDENTIALS else var.name
        match, where = find_secret(name, var.value), ""
        branched = var.value.branched_on() \
            if match is None and isinstance(var.value, Unknown) else None
        if branched is not None:
            # `!If [IsProd, '{{resolve:ssm:...}}', 'ghp_...']`, Terraform's `var.env ==
            # "prod" ? ... : "ghp_..."`: a branch's literal is written here, whichever
            # branch a deployment takes
            match = next(filter(None, (find_secret(name, c) for c in var.value.choices)), None)
            where = f" (in a branch of its {branched[0]} on {branched[1]})"
        if match is None or match.kind == "name" and _names_a_secret(app, facts, definition):
            continue
        yield make_finding(
            "FG-DATA-001",
            f"{definition.owner} {definition.verb('sets', 'set')} {var.name}"
            + ("" if match.kind == "name" else f" to {match.description}") + " in plaintext"
            + where + ".",
            var.location, definition.subject("env"),
            severity="medium" if match.confidence != "high" else None,
            confidence=match.confidence,
            folds_into=_written_elsewhere(facts, var),
        )


def _names_a_secret(app: App, facts: Facts, definition: EnvDefinition) -> bool:
    """Does the variable hold a secret's id rather than the secret: its value the name of
    a Secrets Manager secret the templates declare, or the variable read by a function it
    reaches as the id (or a part of the id) of the secret or parameter an AWS call fetches
    (`get_secret_value(SecretId=os.environ["DB_SECRET"])`)? Its name alone (`DB_SECRET`)
    said secret."""
    var = definition.var
    names, ids = _secret_ids(app, facts)
    return (isinstance(var.value, str) and var.value.strip() in names) or \
        any((f.id, var.name) in ids for f in definition.functions)


def _secret_ids(app: App, facts: Facts) -> tuple[set[str], set[tuple[str, str]]]:
    """The names of the secrets the templates declare, and the (function id, variable)
    pairs whose variable a function's AWS call takes as (part of) a secret's or a
    parameter's id; once per scan."""
    found = facts.memo.get(_SECRET_IDS)
    if found is None:
        names = {r.name.strip() for r in _resources(app, "secret") if isinstance(r.name, str)}
        ids = {(function, target.name.env) for function, calls in facts.aws_calls.items()
               for call in calls for target in call.targets
               if target.kind in ("secret", "parameter") and target.name.env}
        found = facts.memo[_SECRET_IDS] = (names, ids)
    return cast(tuple[set[str], set[tuple[str, str]]], found)


_SECRET_IDS = "data.secret_ids"  # Facts.memo key of `_secret_ids`


def _written_elsewhere(facts: Facts, var: EnvVar) -> tuple[str, ...] | None:
    """FG-DATA-002's finding on the place in the templates where the variable's secret is
    written, when the variable receives it from there (`${self:custom.x}`, `${param:x}`,
    `!Ref` to a parameter's `Default`, a Terraform variable's `default`) rather than
    holding it written at its own line: one secret, one finding, where it is written (the
    variable a related location). None when it is written at the variable's line (a
    second place, even if the same value is written elsewhere too) or nowhere else."""
    if not isinstance(var.value, str):
        return None
    places, literals = _secret_places(facts)
    digest = secret_digest(var.value)
    found = places.get(digest)
    if not found or (var.location.file, var.location.line, digest) in literals:
        return None
    here = [key for file, key in found if file == var.location.file]
    if here:
        return ("FG-DATA-002", f"template-secret:{here[0]}")
    file, key = found[0]  # another file (a Terraform variable's default, main.tf's value)
    return ("FG-DATA-002", f"template-secret:{key}", file)


def _secret_places(facts: Facts) -> tuple[dict[str, list[tuple[str, str]]],
                                           set[tuple[str, int, str]]]:
    """The secrets written in the templates by digest (file, fact key of each place) and
    the environment variables written as literals (file, line, digest); once per scan."""
    found = facts.memo.get(_PLACES)
    if found is None:
        places: dict[str, list[tuple[str, str]]] = {}
        literals: set[tuple[str, int, str]] = set()
        for value in facts.code.values():
            if not isinstance(value, FileFacts):
                continue
            keys = {f.line: f.key for f in value.facts if f.kind == "template-secret"}
            for fact in value.facts:
                if fact.kind == SECRET_VALUE and fact.line in keys:
                    places.setdefault(fact.key, []).append((value.path, fact.detail))
                elif fact.kind == ENV_LITERAL:
                    literals.add((value.path, fact.line, fact.key))
        found = facts.memo[_PLACES] = (places, literals)
    return cast(tuple[dict[str, list[tuple[str, str]]], set[tuple[str, int, str]]], found)


_PLACES = "data.secret_places"  # Facts.memo key of `_secret_places`


@rule(
    "FG-DATA-002",
    "Secret written in plaintext in the template",
    threat="data",
    severity="high",
    description="""
A password, token or key written as a literal in a template (`MasterUserPassword`,
`SecretString`, a parameter `Default`, a value under serverless.yml `custom:`) is stored in
Git, in the deployment bucket and in the CloudFormation console, where anyone who can read
the stack can read it. Every template value is checked by name and by known token formats
(environment variables are FG-DATA-001's); the AWS documentation's example credentials
(`AKIAIOSFODNN7EXAMPLE`) are not secrets. A secret written here that reaches a function's
environment by reference (`${self:custom.x}`, `${param:x}`, `!Ref` to the parameter,
`var.x`) is reported once, here, with each such variable as a related location (FG-DATA-001's
finding on it is folded into this one).
""",
    remediation={
        "sam": "MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'"
               "\n# or ManageMasterUserPassword: true",
        "serverless": "MasterUserPassword: ${ssm:/app/db-password}  # or a "
                      "{{resolve:secretsmanager:...}} dynamic reference",
        "terraform": "manage_master_user_password = true",
    },
    references=(_OWASP_SECRETS,
                "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
                "dynamic-references.html"),
    cwe=(798, 312),
)
def plaintext_secret_template(app: App, facts: Facts) -> Iterator[Finding]:
    yield from code_findings(facts, "template-secret", "FG-DATA-002",
                             "Plaintext secret in the template", "template-secret")


@rule(
    "FG-DATA-003",
    "Secret hard-coded in handler code",
    threat="data",
    severity="high",
    description="""
A password, API key or token written in the source code travels with every copy of the
code: the repository, the deployment package in S3, the function's code download link and
every developer laptop. It cannot be rotated without a deployment. The example
credentials of the AWS documentation (`AKIAIOSFODNN7EXAMPLE`, a secret access key ending
`EXAMPLEKEY`), common in code written for a local stand-in of a service, are not
reported: they authenticate nowhere.
""",
    remediation={
        "python": "from aws_lambda_powertools.utilities import parameters\n"
                  "password = parameters.get_secret(os.environ['DB_SECRET_ARN'])",
        "serverless": "environment:\n  DB_SECRET_ARN: !Ref DbSecret",
        "sam": "Environment:\n  Variables:\n    DB_SECRET_ARN: !Ref DbSecret",
        "javascript": 'import { getSecret } from "@aws-lambda-powertools/parameters/secrets";\n'
                      "const password = await getSecret(process.env.DB_SECRET_ARN);",
    },
    references=(_OWASP_SECRETS,
                "https://docs.aws.amazon.com/secretsmanager/latest/userguide/"
                "retrieving-secrets_lambda.html"),
    cwe=(798,),
    equivalents={"Prowler": "awslambda_function_no_secrets_in_code"},
)
def secret_in_code(app: App, facts: Facts) -> Iterator[Finding]:
    yield from code_findings(facts, "secret", "FG-DATA-003",
                             "Hard-coded secret in code", "code-secret")


@rule(
    "FG-DATA-004",
    "Secret environment variables without a customer-managed KMS key",
    threat="data",
    severity="medium",
    description="""
The function's environment holds secrets (by name: a password, token or key, whether
written literally or resolved at deploy time from `${ssm:...}` or a parameter; or by
where the value comes from, under any name: a Secrets Manager secret or SecureString
parameter resolved into it at deploy time, `{{resolve:secretsmanager:...}}`,
`{{resolve:ssm-secure:...}}`, serverless.yml's
`${ssm:/aws/reference/secretsmanager/...}` or a decrypted `${ssm:/path~true}`, Terraform's
`data.aws_secretsmanager_secret_version.x.secret_string`) but no `KmsKeyArn`: the values
are encrypted only with the AWS-managed Lambda key, so every principal allowed to read the
function configuration (`lambda:GetFunctionConfiguration`) sees them in clear. A customer
managed key adds a `kms:Decrypt` permission check and an audit trail. Better still, keep
the secret out of the environment and read it at run time: a variable holding the
secret's name or ARN, which the code passes to Secrets Manager or Parameter Store, is
not reported.
""",
    remediation={
        "serverless": "provider:\n  kmsKeyArn: !GetAtt EnvKey.Arn",
        "sam": "KmsKeyArn: !GetAtt EnvKey.Arn",
        "terraform": "kms_key_arn = aws_kms_key.env.arn",
        "chalice": "Chalice has no setting for a customer-managed KMS key on environment "
                   "variables: move the secrets out of environment_variables (read them at "
                   "run time from SSM Parameter Store or Secrets Manager), or set KmsKeyArn "
                   "on the functions of the template `chalice package` writes.",
        "zappa": "# zappa_settings.json, in the stage\n"
                 '"aws_kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/KEY_ID"',
    },
    references=(_OWASP_SECRETS, _ENV_DOC),
    cwe=(311,),
    equivalents={"Checkov": "CKV_AWS_173"},
)
def secret_env_without_kms(app: App, facts: Facts) -> Iterator[Finding]:
    for function in app.functions.values():
        if function.kms_key is not None:
            continue
        names = []
        for var in sorted(function.environment.values(), key=lambda v: v.name):
            if var.name in LAMBDA_RESERVED_CREDENTIALS:
                continue
            resolved = resolved_secret(var.value)
            if resolved is not None:
                names.append(f"{var.name} ({resolved}, resolved at deploy time)")
            elif is_secret_name(var.name) or find_secret(var.name, var.value) is not None:
                names.append(var.name)
        if names:
            yield make_finding(
                "FG-DATA-004",
                f"Function '{logical_id(function.id)}' keeps {', '.join(names)} in its "
                "environment without a customer-managed KMS key.",
                function.location, f"env-kms:{logical_id(function.id)}",
            )


#: A secret's value resolved at deploy time: a CloudFormation dynamic reference (in a
#: string, as written or in a Sub), serverless.yml's `${ssm:}` of a Secrets Manager secret
#: or of a parameter decrypted by `~true` (its text, the variable being unknown), Terraform's
#: secret version data source (the same).
_RESOLVED_SECRET = re.compile(
    r"\{\{resolve:(?P<cfn>secretsmanager|ssm-secure):(?P<cfn_name>(?:\$\{[^}]*\}|[^}:])+)"
    r"|^ssm:/aws/reference/secretsmanager/(?P<sls>[^~]+)"
    r"|^ssm:(?P<sls_secure>[^~]+)~true$"
    r"|^(?P<tf>data\.aws_secretsmanager_secret_version\.[\w-]+)\.secret_string$")


def resolved_secret(value: object) -> str | None:
    """The secret whose value a deploy-time reference puts into `value`, for a message
    (`the Secrets Manager secret prod/db`); None for anything else, a secret's name or ARN
    (the code reading the secret at run time) included."""
    text = value.text if isinstance(value, Unknown) else value
    match = _RESOLVED_SECRET.search(text) if isinstance(text, str) else None
    if match is None:
        return None
    if match.group("cfn") == "ssm-secure":
        return f"the SecureString parameter {match.group('cfn_name')}"
    if match.group("sls_secure"):
        return f"the SecureString parameter {match.group('sls_secure')}"
    if match.group("tf"):
        return f"the Secrets Manager secret of {match.group('tf')}"
    return f"the Secrets Manager secret {match.group('cfn_name') or match.group('sls')}"


def _resources(app: App, kind: str) -> list[DataResource]:
    return [r for r in app.resources.values() if r.kind == kind]


def _customer_key(resource: DataResource) -> bool:
    """True when the resource is encrypted with a customer-managed KMS key."""
    encryption = resource.encryption or ""
    return encryption.startswith("kms") and "alias/aws/" not in encryption


@rule(
    "FG-DATA-005",
    "SNS topic without encryption at rest",
    threat="data",
    severity="medium",
    description="""
Without `KmsMasterKeyId`, an SNS topic does not use server-side encryption: messages (and
what the functions publish, often personal or order data) are stored unencrypted while
SNS delivers them.
""",
    remediation={
        "sam": "Type: AWS::SNS::Topic\nProperties:\n  KmsMasterKeyId: alias/aws/sns",
        "serverless": "resources:\n  Resources:\n    Topic:\n      Type: AWS::SNS::Topic\n"
                      "      Properties:\n        KmsMasterKeyId: alias/aws/sns",
        "terraform": 'kms_master_key_id = "alias/aws/sns"',
    },
    references=(_OWASP_CONFIG,
                "https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html"),
    cwe=(311,),
    equivalents={"Checkov": "CKV_AWS_26", "cfn_nag": "W47"},
)
def sns_unencrypted(app: App, facts: Facts) -> Iterator[Finding]:
    for topic in _resources(app, "topic"):
        if topic.encryption is None:
            yield make_finding(
                "FG-DATA-005", f"SNS topic '{logical_id(topic.id)}' is not encrypted at rest.",
                topic.location, f"topic:{logical_id(topic.id)}",
            )


@rule(
    "FG-DATA-006",
    "Kinesis stream without encryption at rest",
    threat="data",
    severity="medium",
    description="""
A Kinesis data stream without `StreamEncryption` stores its records unencrypted for the
whole retention period (24 hours to a year).
""",
    remediation={
        "sam": "StreamEncryption:\n  EncryptionType: KMS\n  KeyId: alias/aws/kinesis",
        "serverless": "StreamEncryption:\n  EncryptionType: KMS\n  KeyId: alias/aws/kinesis",
        "terraform": 'encryption_type = "KMS"\nkms_key_id      = "alias/aws/kinesis"',
    },
    references=(_OWASP_CONFIG,
                "https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html"),
    cwe=(311,),
    equivalents={"Checkov": "CKV_AWS_43"},
)
def kinesis_unencrypted(app: App, facts: Facts) -> Iterator[Finding]:
    for stream in _resources(app, "stream"):
        if stream.encryption is None:
            yield make_finding(
                "FG-DATA-006",
                f"Kinesis stream '{logical_id(stream.id)}' is not encrypted at rest.",
                stream.location, f"stream:{logical_id(stream.id)}",
            )


@rule(
    "FG-DATA-007",
    "SQS queue with server-side encryption turned off",
    threat="data",
    severity="medium",
    description="""
New SQS queues are encrypted with SQS-managed keys (SSE-SQS) by default, unless the
template turns it off with `SqsManagedSseEnabled: false` and gives no `KmsMasterKeyId`:
then messages are stored unencrypted until consumed (up to 14 days).
""",
    remediation={
        "sam": "Type: AWS::SQS::Queue\nProperties:\n  SqsManagedSseEnabled: true",
        "serverless": "Type: AWS::SQS::Queue\nProperties:\n  SqsManagedSseEnabled: true",
        "terraform": "sqs_managed_sse_enabled = true",
    },
    references=(_OWASP_CONFIG,
                "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
                "sqs-server-side-encryption.html"),
    cwe=(311,),
    equivalents={"Checkov": "CKV_AWS_27"},
)
def sqs_unencrypted(app: App, facts: Facts) -> Iterator[Finding]:
    for queue in _resources(app, "queue"):
        if queue.encryption is None and queue.properties.get("sqs_managed_sse") is False:
            yield make_finding(
                "FG-DATA-007",
                f"SQS queue '{logical_id(queue.id)}' has encryption turned off "
                "(SqsManagedSseEnabled: false, no KMS key).",
                queue.location, f"queue:{logical_id(queue.id)}",
            )


_CMK_KINDS = {"bucket": "S3 bucket", "table": "DynamoDB table", "log-group": "log group"}

#: kind -> the CloudFormation properties that set a customer-managed key
_CMK_PROPERTIES = {
    "bucket": "BucketEncryption:\n  ServerSideEncryptionConfiguration:\n"
              "    - ServerSideEncryptionByDefault:\n        SSEAlgorithm: aws:kms\n"
              "        KMSMasterKeyID: !Ref DataKey",
    "table": "SSESpecification:\n  SSEEnabled: true\n  SSEType: KMS\n"
             "  KMSMasterKeyId: !Ref DataKey",
    "log-group": "KmsKeyId: !GetAtt DataKey.Arn",
}
#: kind -> the Terraform that sets a customer-managed key
_CMK_TERRAFORM = {
    "bucket": 'resource "aws_s3_bucket_server_side_encryption_configuration" "b" {\n'
              "  bucket = aws_s3_bucket.b.id\n  rule {\n"
              "    apply_server_side_encryption_by_default {\n"
              '      sse_algorithm     = "aws:kms"\n'
              "      kms_master_key_id = aws_kms_key.data.arn\n    }\n  }\n}",
    "table": "server_side_encryption {\n  enabled     = true\n"
             "  kms_key_arn = aws_kms_key.data.arn\n}",
    "log-group": "kms_key_id = aws_kms_key.data.arn  # in the aws_cloudwatch_log_group",
}


def _cmk_fix(kind: str, name: str) -> dict[str, str]:
    """The customer-managed-key fix for a resource of this kind, in each format."""
    properties = _CMK_PROPERTIES[kind]
    nested = "\n".join(" " * 8 + line for line in properties.splitlines())
    return {"sam": properties,
            "serverless": f"resources:\n  Resources:\n    {name}:\n      Properties:\n{nested}",
            "terraform": _CMK_TERRAFORM[kind]}


@rule(
    "FG-DATA-008",
    "Data store without a customer-managed KMS key",
    threat="data",
    severity="low",
    description="""
S3 buckets, DynamoDB tables and CloudWatch log groups are encrypted at rest by default,
but with keys AWS owns and manages: anyone allowed to read the data reads it in clear,
and key use leaves no trail. A customer-managed KMS key adds a second, separately granted
permission (`kms:Decrypt`), lets you revoke access by disabling the key, and logs every
use in CloudTrail. Worth it for stores holding personal, payment or credential data.
""",
    remediation={
        "sam": _CMK_PROPERTIES["bucket"] + "\n# DynamoDB table: SSESpecification: "
               "{SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !Ref DataKey}\n"
               "# log group: " + _CMK_PROPERTIES["log-group"],
        "serverless": _cmk_fix("table", "Table")["serverless"]
                      + "\n# S3 bucket: BucketEncryption with SSEAlgorithm: aws:kms"
                      "\n# log group: " + _CMK_PROPERTIES["log-group"],
        "terraform": _CMK_TERRAFORM["table"] + "\n# S3 bucket: "
                     "aws_s3_bucket_server_side_encryption_configuration (aws:kms)\n"
                     "# log group: " + _CMK_TERRAFORM["log-group"],
    },
    references=(_OWASP_CONFIG,
                "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html"),
    cwe=(311,),
    equivalents={"Checkov": "CKV_AWS_119 (DynamoDB), CKV_AWS_158 (log groups)"},
)
def no_customer_key(app: App, facts: Facts) -> Iterator[Finding]:
    for resource in app.resources.values():
        what = _CMK_KINDS.get(resource.kind)
        if what and not _customer_key(resource):
            yield make_finding(
                "FG-DATA-008",
                f"{what} '{logical_id(resource.id)}' is encrypted only with keys AWS manages "
                "(no customer-managed KMS key).",
                resource.location, f"cmk:{resource.kind}:{logical_id(resource.id)}",
                remediation=remediation_for(app, facts, resource.location.file,
                                            _cmk_fix(resource.kind, logical_id(resource.id))),
            )


@rule(
    "FG-DATA-009",
    "S3 bucket without a complete public access block",
    threat="data",
    severity="medium",
    description="""
S3 Block Public Access is the guard rail that makes a public bucket policy or ACL fail:
without it, one grant written by mistake, or by an attacker holding the function's
`s3:PutBucketPolicy`, makes the data public. Since April 2023 S3 creates every new bucket
with all four settings on and ACLs disabled, whatever creates it (CloudFormation, the API
Terraform calls), so a bucket the template declares without a
`PublicAccessBlockConfiguration` has the complete block when deployed, and is not
reported. Reported is what the template opens: a block with a setting left off (or
decided by a parameter), named in the message; and a bucket the template makes public,
by a public canned ACL (`AccessControl: PublicRead`, `PublicReadWrite`,
`AuthenticatedRead`) or a bucket policy letting anyone (`*`, no condition tying it to your
account or network) `s3:GetObject` or `s3:ListBucket`: public where the block is off, or
where the bucket predates the 2023 default (a bucket created since refuses such a grant
until its block is turned off). Terraform's canned `acl` (of `aws_s3_bucket` or an
`aws_s3_bucket_acl`) is read as `AccessControl`. A bucket that is public as deployed (a
public ACL, or a policy letting anyone `s3:GetObject`, with the settings that would stop
it off) is reported `high`: its data is exposed. A canned ACL grants something only where
the bucket's ACLs are enabled (`OwnershipControls` ObjectOwnership `ObjectWriter` or
`BucketOwnerPreferred`; Terraform's `aws_s3_bucket_ownership_controls`): with
`BucketOwnerEnforced` neither the ACL nor the block's two ACL settings left off open
anything, and are not reported (S3 refuses the ACL, so the deploy fails: a warning
diagnostic says so, as cfn-lint does); with no ownership written, S3 has created buckets
with ACLs disabled since April 2023, so a public ACL is public only where the bucket
predates that (medium). Anyone writing to the bucket is FG-AUTH-004's.
""",
    remediation={
        "sam": "PublicAccessBlockConfiguration:\n  BlockPublicAcls: true\n"
               "  BlockPublicPolicy: true\n  IgnorePublicAcls: true\n"
               "  RestrictPublicBuckets: true",
        "serverless": "resources:\n  Resources:\n    Bucket:\n      Type: AWS::S3::Bucket\n"
                      "      Properties:\n        PublicAccessBlockConfiguration:\n"
                      "          BlockPublicAcls: true\n          BlockPublicPolicy: true\n"
                      "          IgnorePublicAcls: true\n          RestrictPublicBuckets: true",
        "terraform": 'resource "aws_s3_bucket_public_access_block" "b" {\n'
                     "  bucket                  = aws_s3_bucket.b.id\n"
                     "  block_public_acls       = true\n  block_public_policy     = true\n"
                     "  ignore_public_acls      = true\n  restrict_public_buckets = true\n}",
    },
    references=(_OWASP_CONFIG,
                "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                "access-control-block-public-access.html",
                "https://aws.amazon.com/blogs/aws/"
                "heads-up-amazon-s3-security-changes-are-coming-in-april-of-2023/"),
    cwe=(732,),
    equivalents={"Checkov": "CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56"},
)
def bucket_public_access(app: App, facts: Facts) -> Iterator[Finding]:
    reads = _public_reads(app)
    for bucket in _resources(app, "bucket"):
        if bucket.public_access_block:
            continue  # all four on: S3 refuses or ignores every public grant
        off: tuple[str, ...] = bucket.properties.get("public_access_off", ())
        acl = bucket.properties.get("AccessControl")
        ownership = bucket.properties.get("ObjectOwnership")
        if ownership == _ACLS_DISABLED:  # no ACL grants anything (S3 refuses a canned one)
            acl, off = None, tuple(k for k in off if k not in _ACL_SETTINGS)
            if not off and bucket.public_access_block is not None:
                continue  # only the block's ACL settings off: nothing they would stop
        # each public grant, with the two settings of which either one stops it, whether
        # it lets anyone read the data (a public ACL, a policy's s3:GetObject), and
        # whether it needs a bucket older than April 2023 (an ACL with no ownership
        # written: S3 has created buckets with ACLs disabled since)
        grants = [(f"the canned ACL {acl}", _ACL_SETTINGS, True, ownership is None)] \
            if acl in _PUBLIC_ACLS else []
        if reads.get(bucket.id):
            grants.append((f"a bucket policy letting anyone {', '.join(reads[bucket.id])}",
                           ("BlockPublicPolicy", "RestrictPublicBuckets"),
                           _OBJECT_READ in reads[bucket.id], False))
        name = logical_id(bucket.id)
        severity = None
        if grants and bucket.public_access_block is None:
            # no block written: S3's default block stops them
            message = (f"S3 bucket '{name}' is made public by its template "
                       f"({' and '.join(g[0] for g in grants)}): anyone can read it where "
                       "the bucket predates S3's April 2023 default public access block (a "
                       "bucket created since refuses the grant until the block is turned "
                       "off).")
        elif open_to := [g for g in grants if set(g[1]) <= set(off)]:
            public = [g for g in open_to if not g[3]]
            older = [g[0] for g in open_to if g[3]]
            if public:
                message = (f"S3 bucket '{name}' is public: anyone can read it, through "
                           f"{' and '.join(g[0] for g in public)}, its public access block "
                           f"leaving {', '.join(off)} off" +
                           (f", and through {older[0]} if {_PREDATES_ACLS_OFF}." if older
                            else "."))
                if any(g[2] for g in public):
                    severity = "high"  # the data itself is public, not only its listing
            else:
                message = (f"S3 bucket '{name}' is made public by its template ({older[0]}, "
                           f"its public access block leaving {', '.join(off)} off): anyone "
                           f"can read it if {_PREDATES_ACLS_OFF}.")
        elif off:
            message = (f"S3 bucket '{name}' leaves {', '.join(off)} of its public access "
                       "block off: one bucket policy or ACL written by mistake, or by anyone "
                       "holding s3:PutBucketPolicy, makes its data public.")
        else:
            continue  # no block written, no grant: S3's default block for new buckets holds
        yield make_finding("FG-DATA-009", message, bucket.location, f"bucket-pab:{name}",
                           severity=severity)


#: Canned ACLs that grant everyone (or every AWS account) access to a bucket, as
#: CloudFormation and Terraform write them.
_PUBLIC_ACLS = ("PublicRead", "PublicReadWrite", "AuthenticatedRead",
                "public-read", "public-read-write", "authenticated-read")
#: The block's settings that stop a public ACL (either one does).
_ACL_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls")
#: The Object Ownership that disables a bucket's ACLs (S3's default for buckets created
#: since April 2023).
_ACLS_DISABLED = "BucketOwnerEnforced"
_PREDATES_ACLS_OFF = ("the bucket predates April 2023 (S3 has created buckets with ACLs "
                      "disabled since, unless OwnershipControls enables them, and refuses "
                      "the ACL)")
#: What a bucket policy lets a reader do: FG-DATA-009's public read (writes: FG-AUTH-004).
_OBJECT_READ = "s3:GetObject"
_BUCKET_READS: dict[str, tuple[str, ...]] = {"s3": (_OBJECT_READ, "s3:ListBucket")}


def _public_reads(app: App) -> dict[str, list[str]]:
    """Of each bucket (id), the reads its bucket policies let anyone do with no condition
    tying them to an account, organisation or network."""
    found: dict[str, list[str]] = {}
    for policy in policies_in_effect(app):
        if policy.service != "s3" or not grants_anyone(policy.statement) or \
                is_restricted(policy):
            continue
        for action in allowed_of(policy, _BUCKET_READS):
            actions = found.setdefault(policy_target(policy), [])
            if action not in actions:
                actions.append(action)
    return found


@rule(
    "FG-DATA-010",
    "Secrets Manager secret without rotation",
    threat="data",
    severity="medium",
    description="""
A secret that is never rotated stays valid forever once leaked (in a log, a crash dump,
an old laptop). Secrets Manager can rotate database credentials and other secrets on a
schedule with a rotation function.
""",
    remediation={
        "sam": "DbSecretRotation:\n  Type: AWS::SecretsManager::RotationSchedule\n"
               "  Properties:\n    SecretId: !Ref DbSecret\n"
               "    RotationLambdaARN: !GetAtt RotationFunction.Arn\n"
               "    RotationRules:\n      AutomaticallyAfterDays: 30",
        "serverless": "resources:\n  Resources:\n    DbSecretRotation:\n"
                      "      Type: AWS::SecretsManager::RotationSchedule\n"
                      "      Properties:\n        SecretId: !Ref DbSecret\n"
                      "        RotationRules:\n          AutomaticallyAfterDays: 30",
        "terraform": 'resource "aws_secretsmanager_secret_rotation" "db" {\n'
                     "  secret_id           = aws_secretsmanager_secret.db.id\n"
                     "  rotation_lambda_arn = aws_lambda_function.rotate.arn\n"
                     "  rotation_rules { automatically_after_days = 30 }\n}",
    },
    references=(_OWASP_SECRETS,
                "https://docs.aws.amazon.com/secretsmanager/latest/userguide/"
                "rotating-secrets.html"),
    cwe=(324,),
    equivalents={"Checkov": "CKV2_AWS_57",
                 "Prowler": "secretsmanager_automatic_rotation_enabled"},
)
def secret_without_rotation(app: App, facts: Facts) -> Iterator[Finding]:
    for secret in _resources(app, "secret"):
        if not secret.rotation:
            yield make_finding(
                "FG-DATA-010",
                f"Secret '{logical_id(secret.id)}' has no rotation schedule.",
                secret.location, f"secret-rotation:{logical_id(secret.id)}",
            )


@rule(
    "FG-DATA-011",
    "Sensitive field written to the logs",
    threat="data",
    severity="medium",
    description="""
The handler writes a password, token, authorisation header, card number, CVV or similar
field to its logs (`print`, `logging`, Powertools `Logger`), a value read from Secrets
Manager (`get_secret_value`, Powertools `get_secret`) or a SecureString parameter
(`get_parameter(WithDecryption=True)`) under any name, or, in the handler of a
function serving requests with their headers (an API route, a function URL, an ALB, a
websocket's `$connect` and `$disconnect`, an API's Lambda authoriser), the whole event,
whose headers carry the caller's `Authorization` (and cookies):
`print(event)`, `logger.info(event)`, `json.dumps(event)` in a log call, Powertools
`@logger.inject_lambda_context(log_event=True)`, or that decorator with
`POWERTOOLS_LOGGER_LOG_EVENT=true` in the function's environment. In any function, the
whole environment (`print(dict(os.environ))`, `os.environ.copy()` in a log call, Node.js
`console.log(process.env)`): it holds the function's live role credentials
(`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`). CloudWatch Logs keep it
for the retention period, readable by everyone with `logs:GetLogEvents` and copied to
every log subscription (SIEM, third-party log services).
""",
    remediation={
        "python": "logger.info(\"payment accepted\", extra={\"card_last4\": card_number[-4:]})\n"
                  "# log identifiers, never secrets, full card numbers or the whole event:\n"
                  "logger.info(\"request\", extra={\"route\": event.get(\"routeKey\")})  # not "
                  "print(event) / logger.info(event)\n"
                  "logger.info(\"config\", extra={\"stage\": os.environ[\"STAGE\"]})"
                  "  # not dict(os.environ)\n"
                  "@logger.inject_lambda_context  # without log_event=True; unset "
                  "POWERTOOLS_LOGGER_LOG_EVENT\n"
                  "# or mask with a CloudWatch Logs data protection policy",
        "sam": "# CloudWatch Logs data protection policy on the log group:\n"
               "DataProtectionPolicy: {...}",
        "serverless": "# same: mask in code, or attach a data protection policy to the "
                      "function's log group",
        "javascript": 'logger.info("payment accepted", { cardLast4: cardNumber.slice(-4) });\n'
                      "// log identifiers, never secrets, headers or whole events; or mask "
                      "with a CloudWatch Logs data protection policy",
    },
    references=(_OWASP_LOGGING,
                "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/"
                "mask-sensitive-log-data.html"),
    cwe=(532,),
)
def sensitive_logging(app: App, facts: Facts) -> Iterator[Finding]:
    yield from code_findings(facts, "sensitive-log", "FG-DATA-011",
                             "Sensitive data in the logs", "log")


@rule(
    "FG-DATA-012",
    "Error details returned to the caller",
    threat="data",
    severity="medium",
    description="""
The handler of a function serving HTTP requests returns a traceback
(`traceback.format_exc()`) or the text of a caught exception (`str(e)`, `f"{e}"`; Node.js
`err.stack`, `err.message` of the `catch` clause's error) in its response body. The
caller learns file paths, library versions, queries, table and bucket names, sometimes
values: what an attacker needs to aim the next request (the Serverless
Security Top 10's improper exception handling). Log the details, return a generic message
and an identifier to find them in the logs.
""",
    remediation={
        "python": "except Exception:\n"
                  "    logger.exception(\"order failed\")  # the traceback, in the logs\n"
                  "    return {\"statusCode\": 500, \"body\": json.dumps(\n"
                  "        {\"error\": \"internal error\",\n"
                  "         \"requestId\": context.aws_request_id})}",
        "javascript": "} catch (err) {\n  console.error(err.stack);  // the details, in the logs\n"
                      "  return { statusCode: 500, body: JSON.stringify(\n"
                      "    { error: \"internal error\", requestId: context.awsRequestId }) };\n}",
    },
    references=("https://owasp.org/www-community/Improper_Error_Handling",),
    cwe=(209,),
)
def error_details_returned(app: App, facts: Facts) -> Iterator[Finding]:
    yield from code_findings(facts, "error-details", "FG-DATA-012",
                             "Error details in the response", "error-response")


@rule(
    "FG-DATA-013",
    "Function credentials returned to the caller",
    threat="data",
    severity="critical",
    description="""
The handler of a function serving HTTP requests returns its whole environment in the
response body (`json.dumps(dict(os.environ))`, Node.js `JSON.stringify(process.env)`).
A Lambda function's environment holds its role's live credentials (`AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) beside its settings: every caller gets the
function's permissions for hours, from anywhere. Return the values the caller needs, by
name.
""",
    remediation={
        "python": "return {\"statusCode\": 200,\n"
                  "        \"body\": json.dumps({\"stage\": os.environ[\"STAGE\"]})}"
                  "  # not dict(os.environ)",
        "javascript": "return { statusCode: 200, body: JSON.stringify({ stage: "
                      "process.env.STAGE }) };  // not process.env",
    },
    references=("https://docs.aws.amazon.com/lambda/latest/dg/"
                "configuration-envvars.html#configuration-envvars-runtime",),
    cwe=(200,),
)
def environment_returned(app: App, facts: Facts) -> Iterator[Finding]:
    yield from code_findings(facts, "environment-returned", "FG-DATA-013",
                             "The function's credentials in the response", "env-response")
