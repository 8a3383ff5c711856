"""The DynamoDB store's conditional writes, against moto (DynamoDB cannot run here)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import moto
import pytest

from faasguard.runtime.limits import RateLimiter, StoreUnavailable
from faasguard.runtime.stores import store_from_url
from faasguard.runtime.stores.dynamodb import DynamoDBStore


@pytest.fixture(scope="module")
def mocked_aws() -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_DEFAULT_REGION": "eu-west-1"}.items():
            patch.setenv(name, value)
        with moto.mock_aws():
            yield boto3.client("dynamodb", region_name="eu-west-1")


@pytest.fixture
def dynamodb(mocked_aws: Any) -> Iterator[Any]:
    """An empty "limits" table (partition key "pk") for one test."""
    mocked_aws.create_table(
        TableName="limits", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    yield mocked_aws
    mocked_aws.delete_table(TableName="limits")


def test_counts_live_in_the_table(dynamodb: Any) -> None:
    rl = RateLimiter(store_from_url("dynamodb://limits?region=eu-west-1"), 2, 60, "gcra")
    assert [rl.hit("ip").allowed for _ in range(3)] == [True, True, False]
    items = dynamodb.scan(TableName="limits")["Items"]
    assert len(items) == 1
    assert items[0]["ver"]["N"] == "2" and int(items[0]["ttl"]["N"]) > 0


class Interleaved:
    """The real (moto) client, except that another container writes right after each of
    our reads: the race that the conditional write must catch. (moto's own check-and-write
    is not atomic across threads, so threads cannot stage this race reliably.)"""

    def __init__(self, client: Any, other_writes: list[Any]) -> None:
        self.client = client
        self.other_writes = other_writes

    def get_item(self, **kwargs: Any) -> Any:
        result = self.client.get_item(**kwargs)
        if self.other_writes:
            self.other_writes.pop(0)()
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


@pytest.mark.parametrize("first_hits", [0, 1])
def test_a_write_between_our_read_and_write_is_caught_and_retried(
    dynamodb: Any, first_hits: int
) -> None:
    other = RateLimiter(DynamoDBStore("limits", client=dynamodb), first_hits + 1, 60, "gcra")
    for _ in range(first_hits):
        assert other.hit("ip").allowed
    races: list[Any] = [lambda: other.hit("ip")]
    ours = RateLimiter(DynamoDBStore("limits", client=Interleaved(dynamodb, races)),
                       first_hits + 1, 60, "gcra")
    assert not ours.hit("ip").allowed  # the other container took the last unit
    assert races == []
    item = dynamodb.scan(TableName="limits")["Items"][0]
    assert item["ver"]["N"] == str(first_hits + 1)


def test_endless_contention_gives_up_as_a_store_failure(dynamodb: Any) -> None:
    other = RateLimiter(DynamoDBStore("limits", client=dynamodb), 1000, 60)
    races = [lambda: other.hit("ip") for _ in range(10)]
    store = DynamoDBStore("limits", client=Interleaved(dynamodb, races), max_attempts=3)
    with pytest.raises(StoreUnavailable, match="contended"):
        RateLimiter(store, 1000, 60, fail_open=False).hit("ip")


def test_a_missing_table_is_a_store_failure(dynamodb: Any) -> None:
    errors: list[Exception] = []
    rl = RateLimiter(DynamoDBStore("no-such-table", client=dynamodb), 2, 60,
                     on_store_error=errors.append)
    decision = rl.hit("ip")
    assert decision.allowed and decision.degraded
    assert "dynamodb" in str(errors[0])
    closed = RateLimiter(DynamoDBStore("no-such-table", client=dynamodb), 2, 60, fail_open=False)
    with pytest.raises(StoreUnavailable):
        closed.hit("ip")
