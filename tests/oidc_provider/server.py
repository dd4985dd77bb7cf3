"""Run the test provider: migrate a fresh SQLite database, seed it, serve it with gunicorn on
a free port, and wait until its discovery document answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Provider:
    url: str
    issuer: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(workdir: Path, redirect_uri: str) -> Provider:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    issuer = f"{url}/o"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_TEST_ISSUER": issuer,
        "OIDC_TEST_DB": str(workdir / "provider.sqlite3"),
        "OIDC_TEST_RSA_KEY": pem,
        # The suite's clock (it may travel): the provider dates its tokens by it too.
        "OIDC_TEST_CLOCK": str(time.time()),
    }
    for name in ("DATABASE_URL", "LOS_TESTING"):
        env.pop(name, None)
    run = {"env": env, "cwd": str(ROOT), "check": True, "capture_output": True}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], **run)  # noqa: S603
    subprocess.run([sys.executable, "-m", "tests.oidc_provider.seed", redirect_uri], **run)  # noqa: S603
    log = workdir / "provider.log"
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "tests.oidc_provider.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
        ],
        env=env,
        cwd=str(ROOT),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    provider = Provider(url=url, issuer=issuer, process=process, log=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The test provider stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                return provider
        except requests.RequestException:
            pass
        time.sleep(0.1)
    provider.stop()
    raise RuntimeError(f"The test provider did not start: {log.read_text()[-2000:]}")
