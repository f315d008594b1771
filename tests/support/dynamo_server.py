"""A real DynamoDB-compatible server (``moto_server``) on loopback, for store tests (bench.moto.MotoServer),
and the local AWS environment the tests talk to it with."""
from __future__ import annotations

import os

import pytest

from bench.moto import MotoServer, free_port  # noqa: F401  (re-exported for the tests)


class RunningServer:
    """A DynamoDB-API server that someone else started and stops (.ci/run), named by its endpoint."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint.rstrip("/")


@pytest.fixture(scope="session")
def moto_server():
    """A session-wide server; tests should use fresh table names.

    .ci/run starts one before the tests and names it in SAFE_HARBOR_TEST_DYNAMODB; otherwise the
    tests start their own. Tests that stop and restart a server always start their own MotoServer.
    """
    endpoint = os.environ.get("SAFE_HARBOR_TEST_DYNAMODB")
    if endpoint:
        yield RunningServer(endpoint)
        return
    with MotoServer() as server:
        yield server


def local_aws_env(monkeypatch, **endpoints: str) -> None:
    """Dummy credentials, a region and loopback endpoints (``dynamodb=URL``, ``ssm=URL``, ``s3=URL``);
    nothing is read from a real AWS configuration."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    settings = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true"}
    settings.update({f"AWS_ENDPOINT_URL_{service.upper()}": url for service, url in endpoints.items()})
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
