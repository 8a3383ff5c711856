"""Broken authentication in handler code: tokens whose claims are trusted unverified."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.analysis.facts import Facts
from faasguard.analysis.jwt_python import TokenDecode
from faasguard.findings import Finding, make_finding, rule
from faasguard.model import App, logical_id

OWASP_AUTH = "OWASP Serverless Top 10: SAS-2 Broken Authentication"


@rule(
    "FG-AUTH-101",
    "JWT decoded without verifying its signature",
    threat="auth",
    severity="high",
    description="""
Handler code reads the claims of a JSON Web Token without checking its signature:
`jsonwebtoken.decode`, `jwt-decode`, `jose.decodeJwt`, a base64 decode of the token's
middle segment (Node.js, in a handler whose code never verifies a token), or PyJWT's
`jwt.decode` with `options={"verify_signature": False}`, `verify=False` or
`algorithms=["none"]`, python-jose's `get_unverified_claims` (Python). Anyone can
write a token with any `sub`, `role` or `cognito:groups` claim; trusting it is trusting
the caller's word for who they are.

When an API Gateway authoriser already verified the token, read the claims it passes
in `requestContext.authorizer` instead of decoding the header again.
""",
    remediation={
        "javascript": 'const { CognitoJwtVerifier } = require("aws-jwt-verify");\n'
                      "const verifier = CognitoJwtVerifier.create({ userPoolId, clientId, "
                      'tokenUse: "access" });\nconst claims = await verifier.verify(token);\n'
                      '// or: jwt.verify(token, publicKey, { algorithms: ["RS256"] })',
        "python": 'claims = jwt.decode(token, key, algorithms=["RS256"], audience=CLIENT_ID)',
    },
    references=(OWASP_AUTH, "https://cwe.mitre.org/data/definitions/347.html",
                "https://docs.aws.amazon.com/cognito/latest/developerguide/"
                "amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html"),
    cwe=(347, 287),
    equivalents={"Semgrep": "jwt-decode-without-verify"},
)
def jwt_not_verified(app: App, facts: Facts) -> Iterator[Finding]:
    seen: set[tuple[str, int]] = set()
    subjects: dict[str, int] = {}
    for decode in facts.jwt_decodes:
        if not isinstance(decode, TokenDecode):
            continue
        where = decode.location
        if (where.file, where.line) in seen:  # one finding per call, however many handlers
            continue
        seen.add((where.file, where.line))
        who = f" (function '{logical_id(decode.function)}')" if decode.function else ""
        subject = f"jwt:{decode.how}"
        count = subjects.get(f"{where.file}:{subject}", 0)
        subjects[f"{where.file}:{subject}"] = count + 1
        yield make_finding(
            "FG-AUTH-101",
            f"A JWT is decoded without verifying its signature ({decode.how}){who}: its "
            "claims can be forged by anyone.",
            where, f"{subject}#{count}" if count else subject,
            properties={"how": decode.how, "language": decode.language,
                        "function": decode.function})
