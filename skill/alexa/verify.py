"""Verification of requests that Alexa sends to the web service.

Implements the rules Amazon documents for web-service skills (docs/platform-alexa.md, "Verifying requests to
the web service"): a well-formed envelope for this skill, signed by a certificate fetched from Amazon's S3 bucket that
chains to a trusted root and names echo-api.amazon.com, with a fresh timestamp. Built on
`cryptography` because ask-sdk-webservice-support cannot be imported on this platform.

Every failure is a VerificationError whose `reason` is short and safe to send back in an HTTP 400.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import os
import posixpath
import re
import ssl
import threading
import time
import urllib.parse
import warnings
from collections import OrderedDict
from typing import Any, Callable, Iterable, Mapping

from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store

from .deadline_fetch import lazy_fetch
from .request_shape import Malformed, check_envelope, parse_strict, timestamp_seconds

log = logging.getLogger(__name__)

SIGNING_CERT_SAN = "echo-api.amazon.com"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
SKILL_EVENT_PREFIX = "AlexaSkillEvent."

BAD_CERT_URL = "bad certificate url"
CHAIN_NOT_TRUSTED = "certificate chain not trusted"
BAD_SIGNATURE = "bad signature"
STALE_REQUEST = "stale request"
WRONG_SKILL_ID = "wrong skill id"
MALFORMED = "malformed request"
FETCH_FAILED = "certificate fetch failed"

_CACHE_MAX_ENTRIES = 16  # Amazon uses one or two cert URLs at a time; bound it anyway.


class VerificationError(Exception):
    """A request failed verification. `reason` is short, safe and holds no ids or secrets."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- certificate URL


def normalise_cert_url(url: object) -> str:
    """Check the SignatureCertChainUrl rules; return the URL we will actually fetch.

    We fetch the normalised form, so what was checked is exactly what is fetched.
    """
    if not isinstance(url, str) or not url or len(url) > 2048 or not url.isprintable():
        raise VerificationError(BAD_CERT_URL)
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise VerificationError(BAD_CERT_URL) from None
    if parts.scheme.lower() != "https" or (parts.hostname or "").lower() != CERT_URL_HOST:
        raise VerificationError(BAD_CERT_URL)
    if port not in (None, 443) or parts.username is not None or parts.password is not None:
        raise VerificationError(BAD_CERT_URL)
    # Decode first so "%2e%2e" cannot hide a ".." from normpath; a backslash has no business here.
    path = urllib.parse.unquote(parts.path)
    if "\\" in path or not path.startswith("/"):
        raise VerificationError(BAD_CERT_URL)
    path = posixpath.normpath(path)
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationError(BAD_CERT_URL)
    # The query string is dropped: the rules do not cover it, S3 serves the object without it, and a
    # junk query would otherwise be a new URL to fetch and a new cache entry to push the real one out.
    return f"https://{CERT_URL_HOST}{urllib.parse.quote(path)}"


# --------------------------------------------------------------------------- fetching


def _make_default_fetch(timeout: float, max_bytes: int) -> Callable[[str], bytes]:
    call = lazy_fetch(max_bytes)  # no redirects: the URL rules are about where the chain comes from

    def fetch(url: str) -> bytes:
        # `timeout` bounds the whole exchange, so a server that trickles cannot hold a worker.
        return call(url, timeout)

    return fetch


def _expiry_of(certs: Iterable[x509.Certificate]) -> float:
    return min(c.not_valid_after_utc.timestamp() for c in certs)


class _TTLCache:
    """A small thread-safe map whose entries carry their own expiry time."""

    def __init__(self, clock: Callable[[], float], max_entries: int = _CACHE_MAX_ENTRIES):
        self._clock = clock
        self._max_entries = max_entries
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if self._clock() >= item[0]:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, value: Any, expires_at: float) -> None:
        with self._lock:
            self._items[key] = (expires_at, value)
            self._items.move_to_end(key)
            while len(self._items) > self._max_entries:
                self._items.popitem(last=False)


class CertificateFetcher:
    """Fetches a PEM chain from the SignatureCertChainUrl within a deadline, and caches the outcome.

    - The whole fetch ends within ``timeout`` seconds (see deadline_fetch), however slowly the server sends.
    - A chain that loaded is kept ``ttl_seconds`` (never past its leaf's expiry), in a cache of its own.
    - A URL that failed is refused at once for ``failure_ttl_seconds``, from a separate, bounded cache,
      so unreachable URLs cost one deadline, not one per request, and cannot evict a good chain.
    - Concurrent requests for the same URL share one fetch.
    """

    def __init__(
        self,
        fetch: Callable[[str], bytes] | None = None,
        timeout: float = 2.0,
        ttl_seconds: float = 3600.0,
        max_bytes: int = 256_000,
        clock: Callable[[], float] = time.time,
        failure_ttl_seconds: float = 30.0,
        max_failures: int = 1024,
    ):
        self.timeout = timeout
        self.ttl_seconds = ttl_seconds
        self.failure_ttl_seconds = failure_ttl_seconds
        self.max_bytes = max_bytes
        self.clock = clock
        self._fetch = fetch or _make_default_fetch(timeout, max_bytes)
        self._cache = _TTLCache(clock)
        self._failed = _TTLCache(clock, max_entries=max_failures)  # URL -> reason
        self._lock = threading.Lock()
        self._in_flight: dict[str, threading.Event] = {}

    def get(self, url: str) -> tuple[x509.Certificate, list[x509.Certificate]]:
        """Return (leaf, intermediates) for `url`, from the cache when fresh.

        Raises VerificationError: FETCH_FAILED (transport, status, size or deadline; also while the URL is
        in the failure cache) or CHAIN_NOT_TRUSTED (the body holds no PEM certificate).
        """
        key = _normalise_any_url(url)
        while True:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            reason = self._failed.get(key)
            if reason is not None:
                raise VerificationError(reason)
            with self._lock:
                waiting = self._in_flight.get(key)
                if waiting is None:
                    done = self._in_flight[key] = threading.Event()
                    break
            # Another request is fetching this URL: wait for its outcome (it ends within the deadline).
            if not waiting.wait(self.timeout + 0.5):
                raise VerificationError(FETCH_FAILED)
        try:
            chain = self._load(key)
        except VerificationError as exc:
            self._failed.put(key, exc.reason, self.clock() + self.failure_ttl_seconds)
            raise
        finally:
            with self._lock:
                del self._in_flight[key]
            done.set()
        return chain

    def _load(self, key: str) -> tuple[x509.Certificate, list[x509.Certificate]]:
        try:
            data = self._fetch(key)
        except Exception as exc:  # any transport fault is the same failure to the caller
            log.warning('{"event":"certificate_fetch_failed","type":"%s"}', type(exc).__name__)
            raise VerificationError(FETCH_FAILED) from None
        if not isinstance(data, (bytes, bytearray)) or len(data) > self.max_bytes:
            raise VerificationError(FETCH_FAILED)
        try:
            certs = x509.load_pem_x509_certificates(bytes(data))
        except ValueError:
            raise VerificationError(CHAIN_NOT_TRUSTED) from None
        chain = (certs[0], certs[1:])
        # Never keep a chain past its leaf's expiry, however long the TTL.
        expires_at = min(self.clock() + self.ttl_seconds, certs[0].not_valid_after_utc.timestamp())
        self._cache.put(key, chain, expires_at)
        return chain


def _normalise_any_url(url: str) -> str:
    # The Amazon-specific rules live in the verifier; here only spelling variants share one cache entry.
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except (ValueError, TypeError, AttributeError):
        raise VerificationError(BAD_CERT_URL) from None
    scheme = parts.scheme.lower()
    netloc = (parts.hostname or "").lower()
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if port is not None and port != {"https": 443, "http": 80}.get(scheme):
        netloc = f"{netloc}:{port}"
    path = posixpath.normpath(parts.path) if parts.path else "/"
    return urllib.parse.urlunsplit((scheme, netloc, path, parts.query, ""))


# --------------------------------------------------------------------------- trust roots

_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)
_roots_cache: dict[str, list[x509.Certificate]] = {}
_roots_lock = threading.Lock()


def _parse_bundle(data: bytes) -> list[x509.Certificate]:
    # Parse block by block so one odd certificate in a system bundle does not lose all the others.
    certs = []
    with warnings.catch_warnings():  # old roots with odd serials load with a deprecation warning; keep them quiet
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in _PEM_BLOCK.findall(data):
            try:
                certs.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return certs


def _system_bundle_source() -> str:
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, "/etc/ssl/certs/ca-certificates.crt"):
        if candidate and os.path.isfile(candidate):
            return candidate
    if paths.capath and os.path.isdir(paths.capath):
        return paths.capath
    try:
        import certifi  # optional; only when the system has no bundle
    except ImportError:
        raise FileNotFoundError("no system CA bundle found; set SKILL_TRUST_ROOTS") from None
    return certifi.where()


def load_trust_roots(path: str | None = None) -> list[x509.Certificate]:
    """PEM bundle at `path`, else env SKILL_TRUST_ROOTS, else the system bundle. Parsed once per source."""
    source = path or os.environ.get("SKILL_TRUST_ROOTS") or _system_bundle_source()
    with _roots_lock:
        if source in _roots_cache:
            return list(_roots_cache[source])
        if os.path.isdir(source):
            seen, roots = set(), []
            for name in sorted(os.listdir(source)):
                full = os.path.join(source, name)
                if os.path.isfile(full):
                    with open(full, "rb") as fh:
                        for cert in _parse_bundle(fh.read()):
                            if cert.fingerprint(hashes.SHA256()) not in seen:
                                seen.add(cert.fingerprint(hashes.SHA256()))
                                roots.append(cert)
        else:
            with open(source, "rb") as fh:
                roots = _parse_bundle(fh.read())
        if not roots:
            raise ValueError(f"no certificates found in trust roots at {source}")
        _roots_cache[source] = roots
        return list(roots)


# --------------------------------------------------------------------------- the verifier


def _dig(obj: Any, *keys: str) -> Any:
    """Follow keys; None if one is missing, 'malformed' if something on the way is not an object."""
    for key in keys:
        if obj is None:
            return None
        if not isinstance(obj, dict):
            raise VerificationError(MALFORMED)
        obj = obj.get(key)
    return obj


def _parse_envelope(body: bytes) -> tuple[dict, str, str, float]:
    """-> (envelope, request type, application id, timestamp seconds); else 'malformed request'.

    The one parse and the one shape check of the body: the web service uses the envelope returned.
    """
    try:
        envelope = parse_strict(body)
        request_type = check_envelope(envelope)
        timestamp = timestamp_seconds(envelope["request"]["timestamp"])
    except (Malformed, ValueError, TypeError, KeyError, OverflowError, OSError):
        raise VerificationError(MALFORMED) from None
    app_id = _dig(envelope, "context", "System", "application", "applicationId")
    if app_id is None:
        app_id = _dig(envelope, "session", "application", "applicationId")
    if not isinstance(app_id, str):
        raise VerificationError(MALFORMED)
    return envelope, request_type, app_id, timestamp


class RequestVerifier:
    """Checks one request (raw body + headers) against Amazon's rules for web-service skills."""

    def __init__(
        self,
        skill_ids: Iterable[str],
        *,
        trust_roots: list[x509.Certificate] | None = None,
        fetcher: CertificateFetcher | None = None,
        check_signature: bool = True,
        check_timestamp: bool = True,
        clock: Callable[[], float] = time.time,
        max_age_seconds: int = 150,
        event_max_age_seconds: int = 3600,
    ):
        if isinstance(skill_ids, str):  # a lone id, not an iterable of characters
            skill_ids = [skill_ids]
        self.skill_ids = frozenset(s.strip() for s in skill_ids if isinstance(s, str) and s.strip())
        if not self.skill_ids:
            raise ValueError("at least one skill id is required")
        self.check_signature = check_signature
        self.check_timestamp = check_timestamp
        self.clock = clock
        self.max_age_seconds = max_age_seconds
        self.event_max_age_seconds = event_max_age_seconds
        self.fetcher = fetcher or CertificateFetcher(clock=clock)
        self._store: Store | None = None
        if check_signature:
            roots = trust_roots if trust_roots is not None else load_trust_roots()
            if not roots:
                raise ValueError("no trust roots")
            self._store = Store(roots)
        self._verified = _TTLCache(clock)  # normalised URL -> leaf whose chain was verified

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict:
        """Return the parsed JSON envelope, or raise VerificationError. Header names case-insensitive.

        The envelope has passed ``request_shape.check_envelope``: callers need not check it again.
        """
        if not isinstance(body, (bytes, bytearray)):
            raise VerificationError(MALFORMED)
        envelope, request_type, app_id, timestamp = _parse_envelope(bytes(body))
        if app_id not in self.skill_ids:
            raise VerificationError(WRONG_SKILL_ID)
        if self.check_signature:
            self._check_signature(_lower_headers(headers), bytes(body))
        if self.check_timestamp:
            limit = (
                self.event_max_age_seconds
                if request_type.startswith(SKILL_EVENT_PREFIX)
                else self.max_age_seconds
            )
            if abs(self.clock() - timestamp) > limit:
                raise VerificationError(STALE_REQUEST)
        return envelope

    def _check_signature(self, headers: dict[str, str], body: bytes) -> None:
        url = normalise_cert_url(headers.get("signaturecertchainurl"))
        leaf = self._trusted_leaf(url)
        try:
            signature = base64.b64decode(headers["signature-256"].strip(), validate=True)
        except (KeyError, ValueError, binascii.Error):
            raise VerificationError(BAD_SIGNATURE) from None
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationError(BAD_SIGNATURE)
        try:
            key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise VerificationError(BAD_SIGNATURE) from None

    def _trusted_leaf(self, url: str) -> x509.Certificate:
        leaf, intermediates = self.fetcher.get(url)
        if self._verified.get(url) is leaf:  # same chain object as last verified: skip the chain walk
            return leaf
        now = dt.datetime.fromtimestamp(self.clock(), tz=dt.timezone.utc)
        verifier = (
            PolicyBuilder()
            .store(self._store)
            .time(now)
            .build_server_verifier(x509.DNSName(SIGNING_CERT_SAN))
        )
        try:
            chain = verifier.verify(leaf, intermediates)
        except Exception:  # a chain error, or anything odd in a hostile chain: all mean "not trusted"
            raise VerificationError(CHAIN_NOT_TRUSTED) from None
        # Trust holds until the first certificate in the chain expires.
        self._verified.put(url, leaf, _expiry_of(chain))
        return leaf


def _lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    try:
        items = list(headers.items())
    except Exception:
        raise VerificationError(MALFORMED) from None
    return {k.lower(): v for k, v in items if isinstance(k, str) and isinstance(v, str)}
