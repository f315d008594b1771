"""The deployed store: one DynamoDB item per person.

Item: ``pk`` (S, the opaque key), ``v`` (N, version), ``ttl`` (N, epoch seconds; the table's TTL
attribute) and ``d`` (S, the data as compact JSON: one attribute, and no Decimal or float surprises).
The low-level client is used, with short timeouts and one retry, so a turn stays far inside
Alexa's 8 s. Region, credentials and ``AWS_ENDPOINT_URL_DYNAMODB`` follow boto3's own conventions.

A call with a ``deadline`` is bounded as a whole, retries included: botocore's timeouts are per socket
operation, so the call runs on a worker thread and the caller stops waiting at the deadline (StoreTimeout).
The worker does not linger either: no attempt (first or retry) is sent once the deadline has passed, and
each attempt's read timeout is cut to the time left. A write that reached the server before the deadline
may still be applied after it; every write is conditional on the version it expects, so a late write can
only land where no newer write did (tests/test_store_deadline.py shows it with a delaying proxy).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Callable, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, ReadTimeoutError

from .base import Outcomes, Record, StoreError, StoreStats, StoreTimeout, VersionConflict, now, time_left

log = logging.getLogger(__name__)
T = TypeVar("T")
# Calls with a deadline run here. A hung call holds its worker for at most one read timeout after the
# deadline (no retry is sent late), so a small pool serves a busy process; a full pool queues, and a
# queued call whose caller gave up is cancelled before it starts.
WORKERS = 32

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


class _PastDeadline(BotoCoreError):
    fmt = "the call's deadline passed before this attempt"


_deadlines = threading.local()  # the deadline of the call running on this worker thread, if any


def _bound_attempt(request, **_kwargs) -> None:
    """botocore ``before-send`` hook: send no attempt after the deadline; cut its read timeout to the time left."""
    deadline = getattr(_deadlines, "at", None)
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise _PastDeadline()
    context = getattr(request, "context", None)
    if isinstance(context, dict):  # honoured by botocore >= 1.40 (per-request read timeout); harmless before
        configured = CLIENT_CONFIG.read_timeout
        context["read_timeout"] = min(configured, left) if configured else left
    return None


def _error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__


class DynamoDBStore:
    def __init__(self, table_name: str, *, client=None):
        self.table_name = table_name
        self.stats = StoreStats()
        self._client_obj = client
        if client is not None:
            client.meta.events.register("before-send.dynamodb", _bound_attempt)
        self._client_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self.outcomes = Outcomes("dynamodb", log)

    @property
    def _client(self):
        """Created once, on first use (boto3 clients are thread-safe once made)."""
        if self._client_obj is None:
            with self._client_lock:
                if self._client_obj is None:
                    client = _new_client(CLIENT_CONFIG)
                    client.meta.events.register("before-send.dynamodb", _bound_attempt)
                    self._client_obj = client
        return self._client_obj

    def _fail(self, op: str, exc: BaseException) -> StoreError:
        self.stats.failures += 1
        # Only the error code: AWS messages can echo request values (keys, data).
        late = isinstance(exc, (StoreTimeout, _PastDeadline, ReadTimeoutError, ConnectTimeoutError))
        code = "Timeout" if late else _error_code(exc)
        self.outcomes.failed(op, code)
        kind = StoreTimeout if code == "Timeout" else StoreError
        return kind(f"dynamodb {op} failed: {code}")

    def _within(self, deadline: float | None, call: Callable[[], T]) -> T:
        """Run ``call`` so that it returns or raises by ``deadline``, retries included (see the module doc)."""
        if time_left(deadline) is None:  # StoreTimeout when already past: the store is not touched
            return call()
        self._client  # made here, on the caller's thread: boto3 clients are thread-safe once made

        def bounded() -> T:
            _deadlines.at = deadline
            try:
                return call()
            finally:
                _deadlines.at = None

        with self._client_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="dynamodb")
            pool = self._pool
        future = pool.submit(bounded)
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            future.cancel()  # if it has not started yet, it never will
            raise StoreTimeout("dynamodb call passed its deadline") from None

    def close(self) -> None:
        """Stop the worker threads (hung calls end by their own timeouts)."""
        with self._client_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def load(self, key: str, *, deadline: float | None = None) -> Record | None:
        self.stats.reads += 1

        def get():
            return self._client.get_item(
                TableName=self.table_name, Key={"pk": {"S": key}}, ConsistentRead=True
            ).get("Item")

        try:
            item = self._within(deadline, get)
            self.outcomes.succeeded("load")
            if item is None:
                return None
            expires_at = int(item["ttl"]["N"])
            if expires_at <= now():  # the TTL sweeper is lazy: expired items may linger
                return None
            return Record(
                key=key, data=json.loads(item["d"]["S"]), version=int(item["v"]["N"]), expires_at=expires_at
            )
        except (BotoCoreError, ClientError, KeyError, ValueError, StoreTimeout) as exc:
            raise self._fail("load", exc) from None

    def save(self, key: str, data: dict[str, Any], expected_version: int, expires_at: int, *,
             deadline: float | None = None) -> Record:
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

        def put():
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

        try:
            self._within(deadline, put)
        except ClientError as exc:
            if _error_code(exc) == "ConditionalCheckFailedException":
                self.stats.conflicts += 1
                self.outcomes.succeeded("save")  # the store answered: it is reachable again
                raise VersionConflict(key, expected_version) from None
            raise self._fail("save", exc) from None
        except (BotoCoreError, StoreTimeout) as exc:
            raise self._fail("save", exc) from None
        self.outcomes.succeeded("save")
        return Record(key=key, data=json.loads(text), version=new_version, expires_at=int(expires_at))

    def delete(self, key: str, *, deadline: float | None = None) -> None:
        self.stats.deletes += 1
        try:
            self._within(deadline, lambda: self._client.delete_item(TableName=self.table_name,
                                                                     Key={"pk": {"S": key}}))
        except (BotoCoreError, ClientError, StoreTimeout) as exc:
            raise self._fail("delete", exc) from None
        self.outcomes.succeeded("delete")


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
