"""DynamoDB store: a shared count for fleets without Redis, through conditional writes.

Each step reads the item with a strongly consistent read, computes the new state and
writes it back only if nobody wrote in between (``ver`` unchanged, or the item still
absent); on a conflict it reads again and retries. The table needs a string partition key
(``pk`` by default); enable DynamoDB TTL on the ``ttl`` attribute to let it drop idle keys.
"""

from __future__ import annotations

import random
import time
from typing import Any

from ..algorithms import US, Algorithm, Decision
from .base import Store, StoreUnavailable, decode_state, encode_state


class DynamoDBStore(Store):
    """States in a DynamoDB table, one item per key, with optimistic concurrency."""

    def __init__(
        self,
        table: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        key_attribute: str = "pk",
        max_attempts: int = 8,
        client: Any = None,
    ) -> None:
        if client is None:
            import boto3
            from botocore.config import Config

            config = Config(connect_timeout=1, read_timeout=1, retries={"max_attempts": 1})
            client = boto3.client(
                "dynamodb", region_name=region, endpoint_url=endpoint_url, config=config
            )
        self.client = client
        self.table = table
        self.key_attribute = key_attribute
        self.max_attempts = max_attempts

    def apply(self, algo: Algorithm, key: str, now_us: int, cost: int) -> Decision:
        from botocore.exceptions import BotoCoreError, ClientError

        pk = self.key_attribute
        try:
            for attempt in range(self.max_attempts):
                item = self.client.get_item(
                    TableName=self.table, Key={pk: {"S": key}}, ConsistentRead=True
                ).get("Item")
                version = int(item["ver"]["N"]) if item else 0
                live = item is not None and int(item["exp_us"]["N"]) > now_us
                step = algo.step(decode_state(item["st"]["S"]) if live else None, now_us, cost)
                if step.state is None:
                    return step.decision
                expires_us = now_us + round(step.ttl_s * US)
                new_item = {
                    pk: {"S": key},
                    "st": {"S": encode_state(step.state)},
                    "ver": {"N": str(version + 1)},
                    "exp_us": {"N": str(expires_us)},
                    "ttl": {"N": str(expires_us // US + 1)},
                }
                try:
                    if item is None:
                        self.client.put_item(
                            TableName=self.table, Item=new_item,
                            ConditionExpression="attribute_not_exists(#pk)",
                            ExpressionAttributeNames={"#pk": pk},
                        )
                    else:
                        self.client.put_item(
                            TableName=self.table, Item=new_item,
                            ConditionExpression="ver = :ver",
                            ExpressionAttributeValues={":ver": {"N": str(version)}},
                        )
                    return step.decision
                except ClientError as exc:
                    code = exc.response.get("Error", {}).get("Code")
                    if code != "ConditionalCheckFailedException":
                        raise
                    time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable(f"dynamodb: {exc}") from exc
        raise StoreUnavailable(f"dynamodb: still contended after {self.max_attempts} attempts")
