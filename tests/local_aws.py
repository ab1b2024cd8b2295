"""The local AWS for the end-to-end tests: moto's server on a free loopback port."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.moto_tls_server import REFUSALS_ENV

ROOT = Path(__file__).resolve().parent.parent

#: Fake credentials: moto accepts any, and they keep a real account's out of reach.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
#: Variables that could send a call to a real account instead; removed for the tests.
REAL_AWS_VARIABLES = ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ROLE_ARN")


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, written as (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "local-aws")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class MotoServer:
    endpoint: str
    #: The server's self-signed certificate: give it to clients as their CA bundle.
    ca_bundle: Path
    #: The file of refusals the tests stage (tests/moto_tls_server.py, ``LOCAL_AWS_REFUSALS``).
    refusals: Path


@contextmanager
def moto_server(folder: Path, timeout: float = 60) -> Iterator[MotoServer]:
    """Start moto's server over TLS, wait until it answers, yield it, stop it afterwards."""
    port = free_port()
    endpoint = f"https://127.0.0.1:{port}"
    cert, key = make_certificate(folder)
    log_file = folder / "moto_server.log"
    refusals = folder / "refusals.json"
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "tests.moto_tls_server", "-H", "127.0.0.1", "-p", str(port)),
                *("--ssl-cert", str(cert), "--ssl-key", str(key)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, REFUSALS_ENV: str(refusals)},
        )
    context = ssl.create_default_context(cafile=str(cert))
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {process.returncode}: {log_file.read_text()}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2, context=context):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not answer within {timeout}s") from None
                time.sleep(0.2)
        yield MotoServer(endpoint, cert, refusals)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class LocalAws:
    """A running, freshly reset local AWS with an organization in it."""

    server: MotoServer

    @property
    def endpoint(self) -> str:
        return self.server.endpoint

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            verify=str(self.server.ca_bundle),
            region_name="us-east-1",
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=CREDENTIALS["AWS_SESSION_TOKEN"],
        )

    @contextmanager
    def refusing(self, operation: str, bucket: str) -> Iterator[None]:
        """While inside, S3 answers ``operation`` on ``bucket`` with AccessDenied (a missing permission)."""
        self.server.refusals.write_text(json.dumps({operation: [bucket]}))
        try:
            yield
        finally:
            self.server.refusals.unlink(missing_ok=True)

    def reset(self) -> None:
        """Forget every resource, then create the organization the baseline expects."""
        self.server.refusals.unlink(missing_ok=True)
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        context = ssl.create_default_context(cafile=str(self.server.ca_bundle))
        with urllib.request.urlopen(request, timeout=10, context=context):
            pass
        self.client("organizations").create_organization(FeatureSet="ALL")

    @property
    def account_id(self) -> str:
        account: str = self.client("sts").get_caller_identity()["Account"]
        return account
