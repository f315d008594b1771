"""Upload the hold audio to S3, under content-hashed names, so it can be served over HTTPS to Alexa.

The object keys carry a hash of the bytes, so an object never changes once written and may be cached for a year.
Reading is left to the bucket policy or a CDN in front of it: no ACLs are set (new buckets refuse them).
boto3 follows its own conventions: credentials chain, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 for a local server.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

from . import FILES_DIR, audio_manifest

__all__ = ["CONTENT_TYPE", "CACHE_CONTROL", "PublishError", "publish", "main"]

CONTENT_TYPE = "audio/mpeg"
CACHE_CONTROL = "public, max-age=31536000, immutable"


class PublishError(Exception):
    """A failure worth one clear line to the operator, not a stack trace."""


def _explain(exc: Exception, bucket: str) -> str:
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchBucket", "404"):
            return f"bucket {bucket!r} does not exist"
        if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return f"access to bucket {bucket!r} denied ({code}): check the credentials and the bucket policy"
        return f"S3 refused the upload to {bucket!r}: {code or exc}"
    if isinstance(exc, BotoCoreError):
        return f"could not reach S3: {exc}"
    return str(exc)  # pragma: no cover - _explain only sees boto errors


def publish(bucket: str, files_dir: Path = FILES_DIR, prefix: str = "audio/", client=None) -> list[str]:
    """Upload every hold audio file to s3://bucket/prefix<hashed name>; returns the object keys written.

    Raises PublishError with a one-line reason on a missing bucket, missing credentials or any S3 failure.
    """
    if not bucket:
        raise PublishError("no bucket given: pass --bucket NAME")
    files_dir = Path(files_dir)
    try:
        manifest = audio_manifest(files_dir)
    except FileNotFoundError as exc:
        raise PublishError(f"audio file missing: {exc.filename} (run: python -m skill audio build)") from None
    keys = []
    try:
        if client is None:
            client = boto3.client("s3")
        for logical, published in manifest.items():
            key = f"{prefix}{published}"
            client.put_object(
                Bucket=bucket,
                Key=key,
                Body=(files_dir / logical).read_bytes(),
                ContentType=CONTENT_TYPE,
                CacheControl=CACHE_CONTROL,
            )
            keys.append(key)
    except (BotoCoreError, ClientError) as exc:
        raise PublishError(_explain(exc, bucket)) from None
    return keys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="skill audio publish", description="Upload the hold audio to S3.")
    parser.add_argument(
        "--bucket",
        default=os.environ.get("SKILL_AUDIO_BUCKET"),
        help="target S3 bucket (default: $SKILL_AUDIO_BUCKET)",
    )
    parser.add_argument("--prefix", default="audio/", help="key prefix (default: audio/)")
    parser.add_argument("--files-dir", type=Path, default=FILES_DIR, help="folder with the built MP3s")
    args = parser.parse_args(argv)
    try:
        keys = publish(args.bucket, args.files_dir, args.prefix)
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key in keys:
        print(f"uploaded s3://{args.bucket}/{key}")
    print(f"set SKILL_AUDIO_BASE_URL to the HTTPS address serving s3://{args.bucket}/{args.prefix}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
