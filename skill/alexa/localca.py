"""A throwaway certificate authority that signs requests the way Alexa does, for trying verification end to
end without Amazon: the tests and the benchmarks use it.

root -> intermediate -> leaf (SAN echo-api.amazon.com), all RSA 2048, built so that cryptography's
server verifier accepts the chain. Keys are slow to make, so everything is built once per process:
use `alexa_ca()`.
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .envelopes import Conversation
from .verify import CertificateFetcher, RequestVerifier

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"

_DAY = dt.timedelta(days=1)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Safe Harbor Test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=not ca,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def _builder(subject: x509.Name, issuer: x509.Name, key, *, not_before: dt.datetime, not_after: dt.datetime,
             ca: bool, path_len: int | None = None) -> x509.CertificateBuilder:
    """What every certificate of the chain has: names, key, validity, basic constraints, usage, key id."""
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_len), critical=True)
        .add_extension(_key_usage(ca=ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def _ca_cert(subject: str, key, issuer: x509.Certificate | None, issuer_key, path_len: int | None):
    now = dt.datetime.now(dt.timezone.utc)
    builder = _builder(_name(subject), issuer.subject if issuer else _name(subject), key,
                       not_before=now - 5 * 365 * _DAY, not_after=now + 10 * 365 * _DAY, ca=True, path_len=path_len)
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _leaf_cert(key, issuer: x509.Certificate, issuer_key, *, dns_name: str,
               not_before: dt.datetime, not_after: dt.datetime) -> x509.Certificate:
    return (
        _builder(_name(dns_name), issuer.subject, key, not_before=not_before, not_after=not_after, ca=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                       critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


def _pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


@dataclass(frozen=True)
class SigningChain:
    """A PEM chain as S3 would serve it (leaf first), with the leaf's private key to sign bodies."""

    chain_pem: bytes
    leaf: x509.Certificate
    key: rsa.RSAPrivateKey
    root: x509.Certificate  # the root it chains to

    def sign(self, body: bytes) -> str:
        return base64.b64encode(self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


class TestAlexaCA:
    """root -> intermediate -> leaf for echo-api.amazon.com, plus chains for the bad cases."""

    __test__ = False  # a helper, not a pytest test class

    def __init__(self) -> None:
        self._root_key = _key()
        self.root = _ca_cert("Safe Harbor Test Root", self._root_key, None, self._root_key, None)
        self._int_key = _key()
        self.intermediate = _ca_cert("Safe Harbor Test Intermediate", self._int_key, self.root, self._root_key, 0)
        self._leaf_key = _key()
        now = dt.datetime.now(dt.timezone.utc)
        self.good = self._chain(dns_name="echo-api.amazon.com", not_before=now - _DAY, not_after=now + 365 * _DAY)
        self.leaf = self.good.leaf
        self.chain_pem = self.good.chain_pem
        self.fetch_calls = 0
        self.fetched_urls: list[str] = []

    def _chain(self, *, dns_name: str, not_before: dt.datetime, not_after: dt.datetime) -> SigningChain:
        leaf = _leaf_cert(self._leaf_key, self.intermediate, self._int_key, dns_name=dns_name,
                          not_before=not_before, not_after=not_after)
        return SigningChain(_pem(leaf, self.intermediate), leaf, self._leaf_key, self.root)

    # -- bad chains (same leaf key, so a signature made with them is otherwise valid)

    @functools.cached_property
    def expired(self) -> SigningChain:
        now = dt.datetime.now(dt.timezone.utc)
        return self._chain(dns_name="echo-api.amazon.com", not_before=now - 400 * _DAY, not_after=now - _DAY)

    @functools.cached_property
    def wrong_san(self) -> SigningChain:
        now = dt.datetime.now(dt.timezone.utc)
        return self._chain(dns_name="not-echo-api.example.com", not_before=now - _DAY, not_after=now + 365 * _DAY)

    @functools.cached_property
    def untrusted(self) -> SigningChain:
        """A chain of the same shape and names, issued by a root the verifier does not trust."""
        other_root_key = _key()
        other_root = _ca_cert("Safe Harbor Test Root", other_root_key, None, other_root_key, None)
        other_int = _ca_cert("Safe Harbor Test Intermediate", self._int_key, other_root, other_root_key, 0)
        now = dt.datetime.now(dt.timezone.utc)
        leaf = _leaf_cert(self._leaf_key, other_int, self._int_key, dns_name="echo-api.amazon.com",
                          not_before=now - _DAY, not_after=now + 365 * _DAY)
        return SigningChain(_pem(leaf, other_int), leaf, self._leaf_key, other_root)

    # -- request helpers

    def signed_headers(self, body: bytes, cert_url: str = CERT_URL,
                       chain: SigningChain | None = None) -> dict[str, str]:
        return {"SignatureCertChainUrl": cert_url, "Signature-256": (chain or self.good).sign(body)}

    def fetch(self, url: str) -> bytes:
        """Stands in for S3: returns the good chain for any URL and counts calls."""
        self.fetch_calls += 1
        self.fetched_urls.append(url)
        return self.chain_pem

    def fetch_chain(self, chain: SigningChain):
        """A fetch function serving `chain` (for the bad cases); also counted."""
        def fetch(url: str) -> bytes:
            self.fetch_calls += 1
            self.fetched_urls.append(url)
            return chain.chain_pem
        return fetch

    def make_verifier(self, skill_id: str = SKILL_ID, *, chain: SigningChain | None = None,
                      ttl_seconds: float = 3600.0, **kw: Any) -> RequestVerifier:
        """A verifier trusting only this CA's root, fetching from this CA instead of S3."""
        clock = kw.setdefault("clock", time.time)
        fetch = self.fetch if chain is None else self.fetch_chain(chain)
        kw.setdefault("fetcher", CertificateFetcher(fetch=fetch, ttl_seconds=ttl_seconds, clock=clock))
        kw.setdefault("trust_roots", [self.root])
        return RequestVerifier([skill_id], **kw)


@functools.lru_cache(maxsize=1)
def alexa_ca() -> TestAlexaCA:
    return TestAlexaCA()


def launch_request(skill_id: str = SKILL_ID, *, timestamp: str | int | None = None,
                   request_type: str = "LaunchRequest", now: float | None = None) -> dict:
    """A LaunchRequest envelope (or another ``request_type`` in its place) from the one request builder
    (skill.alexa.envelopes), with its timestamp at ``now`` (epoch seconds) or exactly ``timestamp``."""
    envelope = Conversation(skill_id, user_id="amzn1.ask.account.TESTUSER", device_id="amzn1.ask.device.TESTDEVICE",
                            api_access_token="test-token").launch()
    if timestamp is None:
        stamp = dt.datetime.fromtimestamp(time.time() if now is None else now, dt.timezone.utc)
        timestamp = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    envelope["request"].update(type=request_type, timestamp=timestamp)
    return envelope


def encode(envelope: dict) -> bytes:
    return json.dumps(envelope).encode("utf-8")
