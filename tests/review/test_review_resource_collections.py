"""Review of the AWS-call analysis on boto3 resource collections: iterating one
(`for obj in bucket.objects.filter(Prefix="in/")`) gives its resources (ObjectSummary),
so `obj.get()` is s3:GetObject. The loop variable was the collection itself: `obj.get()`
recorded nothing, FG-PERM-101 called the GetObject grant unused and `faasguard policy`
left it out (the reads would fail with the policy it proposed); a role without it was not
FG-PERM-103. Pinned: the Node.js SDK v3's paginators (`paginateListObjectsV2({ client: s3
}, {...})`) are no call of the operation either (js/awssdk: candidates are `send` and
client methods), so the ListBucket grant is 'never used' and `faasguard policy` drops it.
Fixtures under tests/fixtures/review_resource_collections."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_resource_collections"


def test_reading_the_objects_of_a_collection_uses_get_object() -> None:
    assert findings(FIXTURES / "neg", "FG-PERM-101") == []


def test_a_role_without_get_object_fails_the_reads() -> None:
    [finding] = findings(FIXTURES / "pos", "FG-PERM-103")
    assert finding.message.startswith("Function 'Importer' calls s3:GetObject on "
                                      "${Inbox.Arn}/*")
    assert (finding.location.file, finding.location.line) == ("src/importer.py", 12)


def test_a_node_paginator_lists_the_bucket() -> None:
    assert findings(FIXTURES / "node_paginator", "FG-PERM-101") == []


@pytest.mark.parametrize(("folder", "lines"), [("node_paginator_pos", (10, 16)),
                                               ("node_paginator_alias", (10, 16))])
def test_node_paginators_of_an_ungranted_listing_fail(folder: str,
                                                      lines: tuple[int, int]) -> None:
    """paginateListObjectsV2 (client-s3) and paginateQuery (lib-dynamodb: the document
    client's Query) each call their operation, also imported under another name: a role
    granting neither fails both."""
    found = findings(FIXTURES / folder, "FG-PERM-103")
    assert [(f.message.split(" on ")[0], f.location.file, f.location.line) for f in found] \
        == [("Function 'Importer' calls s3:ListBucket", "src/app.mjs", lines[0]),
            ("Function 'Importer' calls dynamodb:Query", "src/app.mjs", lines[1])]
    assert findings(FIXTURES / folder, "FG-PERM-101") == []


def test_a_local_function_named_like_a_paginator_calls_nothing() -> None:
    """A paginateListObjectsV2 of the project's own (imported from ./pages.mjs) is no SDK
    call: the ListBucket grant stays unused."""
    [finding] = findings(FIXTURES / "node_paginator_local", "FG-PERM-101")
    assert "1 of them are never used (1 List)" in finding.message
