"""FG-DATA-009 reports what a template opens, not a bucket declared without a block: since
April 2023 S3 creates every new bucket with all four Block Public Access settings on and
ACLs disabled, so `Plain: {Type: AWS::S3::Bucket}` is blocked when deployed (it was
reported 'has no complete public access block'). Reported: a block with settings left
off (named), a public canned ACL or a bucket policy letting anyone read, and the two
together ('is public'); Terraform's `acl` is read. Fixtures
tests/fixtures/rules/FG-DATA-009 (run by test_data.py); these check what each message
says."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FG-DATA-009"


def _said(name: str) -> dict[str, str]:
    return {f.message.split("'")[1]: f.message.split("' ", 1)[1]
            for f in scan(str(CASES / name)).findings if f.rule_id == "FG-DATA-009"}


def test_what_a_serverless_template_opens() -> None:
    said = _said("serverless-pos")
    assert sorted(said) == ["Partial", "Uploads", "Website"]  # not a bucket with no block
    assert said["Uploads"].startswith("is made public by its template (the canned ACL "
                                      "PublicRead): anyone can read it where the bucket "
                                      "predates S3's April 2023 default")
    assert said["Website"].startswith("is made public by its template (a bucket policy "
                                      "letting anyone s3:GetObject)")
    assert said["Partial"].startswith("leaves BlockPublicPolicy, RestrictPublicBuckets of "
                                      "its public access block off")


def test_a_public_policy_with_the_settings_that_stop_it_off() -> None:
    assert _said("sam-pos")["Downloads"] == (
        "is public: anyone can read it, through a bucket policy letting anyone s3:GetObject, "
        "s3:ListBucket, its public access block leaving BlockPublicPolicy, "
        "RestrictPublicBuckets off.")


def test_terraform_s_canned_acls() -> None:
    """`acl` on aws_s3_bucket or an aws_s3_bucket_acl is read as the bucket's ACL."""
    said = _said("terraform-pos")
    for bucket in ("aws_s3_bucket.site", "aws_s3_bucket.downloads"):
        assert said[bucket].startswith("is made public by its template (the canned ACL "
                                       "public-read)")


def test_buckets_with_no_block_written_are_blocked_by_default() -> None:
    assert _said("serverless-neg") == {} and _said("terraform-neg") == {}


def test_a_bucket_public_as_deployed_is_high() -> None:
    """A bucket anyone can read as deployed (its block off where it would stop the grant:
    a policy's s3:GetObject, a public ACL) is high; one public only where it predates the
    2023 default block, or listable only, stays medium. Fixture sam-pos-public-read (its
    twin sam-neg-public-read-blocked, the complete block, is silent: test_data.py)."""
    found = {f.message.split("'")[1]: f.severity
             for f in scan(str(CASES / "sam-pos-public-read")).findings
             if f.rule_id == "FG-DATA-009"}
    assert found == {"Site": "high", "Legacy": "high", "Listing": "medium", "Fresh": "medium"}
    downloads = [f for f in scan(str(CASES / "sam-pos")).findings if f.rule_id == "FG-DATA-009"]
    assert {f.message.split("'")[1]: f.severity for f in downloads} == {
        "Uploads": "medium", "Downloads": "high"}


def _diagnostics(name: str) -> dict[str, str]:
    return {d.message.split(":", 1)[0]: d.message.split(": ", 1)[1]
            for d in scan(str(CASES / name)).app.diagnostics if d.level == "warning"}


def test_a_public_acl_counts_only_where_the_bucket_s_acls_are_enabled() -> None:
    """ObjectOwnership (CloudFormation's OwnershipControls, Terraform's
    aws_s3_bucket_ownership_controls) decides whether a canned ACL grants anything: with
    ObjectWriter / BucketOwnerPreferred (or a parameter) and the block's ACL settings off
    it is high; with no ownership written, only a bucket older than April 2023 has ACLs
    (medium); with BucketOwnerEnforced nothing is reported (sam-neg-acl-ownership-enforced,
    terraform-neg-acl-ownership-enforced, run by test_data.py), where S3 refusing the ACL
    is a warning diagnostic."""
    found = {f.message.split("'")[1]: f for f in scan(str(CASES / "sam-pos-acl-ownership"))
             .findings if f.rule_id == "FG-DATA-009"}
    assert {name: f.severity for name, f in found.items()} == {
        "Writer": "high", "Chosen": "high", "Unowned": "medium"}
    assert "anyone can read it if the bucket predates April 2023" in found["Unowned"].message
    [exports] = [f for f in scan(str(CASES / "terraform-pos-acl-ownership")).findings
                 if f.rule_id == "FG-DATA-009"]
    assert exports.severity == "high"
    assert _diagnostics("sam-pos-acl-ownership") == {}  # Unowned: FG-DATA-009 says it
    for case, bucket in (("sam-neg-acl-ownership-enforced", "Enforced"),
                         ("terraform-neg-acl-ownership-enforced", "aws_s3_bucket.exports")):
        assert _diagnostics(case)[bucket].endswith(
            "its ObjectOwnership BucketOwnerEnforced disables ACLs, so S3 refuses it and the "
            "deploy fails; enable ACLs with ObjectOwnership ObjectWriter or "
            "BucketOwnerPreferred, or grant access with a bucket policy")
    assert _diagnostics("terraform-pos-acl-ownership") == {}
