"""The deployed store: one DynamoDB item per person.

Item: ``pk`` (S, the opaque key), ``v`` (N, version), ``ttl`` (N, epoch seconds; the table's TTL
attribute) and ``d`` (S, the data as compact JSON: one attribute, and no Decimal or float surprises).
The low-level client is used, with short timeouts and one retry, so a turn stays far inside
Alexa's 8 s. Region, credentials and ``AWS_ENDPOINT_URL_DYNAMODB`` follow boto3's own conventions.
"""
from __future__ import annotations

import json
import logging
import threading
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .base import Record, StoreError, StoreStats, VersionConflict, now

log = logging.getLogger(__name__)

CLIENT_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 2},
    connect_timeout=1,
    read_timeout=1.5,
)
# Table administration is not on a turn's path: allow it more patience.
ADMIN_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=2, read_timeout=10)

_NAMES = {"#pk": "pk", "#v": "v", "#ttl": "ttl"}  # TTL is a DynamoDB reserved word


def _new_client(config: Config):
    # A Session of its own: boto3's shared default session is not thread-safe to create.
    return boto3.session.Session().client("dynamodb", config=config)


def _error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__


class DynamoDBStore:
    def __init__(self, table_name: str, *, client=None):
        self.table_name = table_name
        self.stats = StoreStats()
        self._client_obj = client
        self._client_lock = threading.Lock()

    @property
    def _client(self):
        """Created once, on first use (boto3 clients are thread-safe once made)."""
        if self._client_obj is None:
            with self._client_lock:
                if self._client_obj is None:
                    self._client_obj = _new_client(CLIENT_CONFIG)
        return self._client_obj

    def _fail(self, op: str, exc: BaseException) -> StoreError:
        self.stats.failures += 1
        # Only the error code: AWS messages can echo request values (keys, data).
        return StoreError(f"dynamodb {op} failed: {_error_code(exc)}")

    def load(self, key: str) -> Record | None:
        self.stats.reads += 1
        try:
            item = self._client.get_item(
                TableName=self.table_name, Key={"pk": {"S": key}}, ConsistentRead=True
            ).get("Item")
            if item is None:
                return None
            expires_at = int(item["ttl"]["N"])
            if expires_at <= now():  # the TTL sweeper is lazy: expired items may linger
                return None
            return Record(
                key=key, data=json.loads(item["d"]["S"]), version=int(item["v"]["N"]), expires_at=expires_at
            )
        except (BotoCoreError, ClientError, KeyError, ValueError) as exc:
            raise self._fail("load", exc) from None

    def save(self, key: str, data: dict[str, Any], expected_version: int, expires_at: int) -> Record:
        if expected_version < 0:
            raise ValueError("expected_version must be >= 0")
        if not isinstance(data, dict):
            raise TypeError("store data must be a dict")
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        new_version = expected_version + 1
        if expected_version == 0:
            # A first save may replace an expired item that load() called absent.
            condition = "attribute_not_exists(#pk) OR #ttl <= :now"
            values = {":now": {"N": str(now())}}
        else:
            condition = "#v = :expected"
            values = {":expected": {"N": str(expected_version)}}
        names = {n: a for n, a in _NAMES.items() if n in condition}
        self.stats.writes += 1
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item={
                    "pk": {"S": key},
                    "v": {"N": str(new_version)},
                    "ttl": {"N": str(int(expires_at))},
                    "d": {"S": text},
                },
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                self.stats.conflicts += 1
                raise VersionConflict(key, expected_version) from None
            raise self._fail("save", exc) from None
        except BotoCoreError as exc:
            raise self._fail("save", exc) from None
        return Record(key=key, data=json.loads(text), version=new_version, expires_at=int(expires_at))

    def delete(self, key: str) -> None:
        self.stats.deletes += 1
        try:
            self._client.delete_item(TableName=self.table_name, Key={"pk": {"S": key}})
        except (BotoCoreError, ClientError) as exc:
            raise self._fail("delete", exc) from None


def create_table(table_name: str, *, client=None, wait: bool = True) -> None:
    """Create the state table (on-demand, KMS encryption, TTL on ``ttl``, point-in-time recovery).

    Idempotent: an existing table is kept and its TTL and recovery settings are ensured.
    A local server that rejects SSE or PITR gets a warning, not a crash.
    """
    client = client or _new_client(ADMIN_CONFIG)
    args: dict[str, Any] = dict(
        TableName=table_name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
    )
    try:
        client.create_table(**args)
    except ClientError as exc:
        code = _error_code(exc)
        if code == "ResourceInUseException":
            log.info("table %s already exists", table_name)
        elif code in ("ValidationException", "UnrecognizedClientException", "InvalidParameterValueException"):
            log.warning("server refused KMS encryption settings (%s); creating the table without them", code)
            del args["SSESpecification"]
            try:
                client.create_table(**args)
            except ClientError as again:
                if _error_code(again) != "ResourceInUseException":
                    raise
        else:
            raise
    if wait:
        client.get_waiter("table_exists").wait(
            TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
        )

    ttl = client.describe_time_to_live(TableName=table_name).get("TimeToLiveDescription", {})
    if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        if ttl.get("AttributeName") != "ttl":
            log.warning("table %s has TTL on another attribute; expected 'ttl'", table_name)
    else:
        client.update_time_to_live(
            TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
        )

    try:
        client.update_continuous_backups(
            TableName=table_name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
    except (ClientError, BotoCoreError) as exc:
        log.warning("point-in-time recovery not enabled on %s (%s)", table_name, _error_code(exc))
