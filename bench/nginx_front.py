"""Run Debian's nginx with the deployment sample (deploy/nginx-vangnet.conf) in front of test
or benchmark servers: the sample itself, with only its machine-specific values replaced (ports,
certificate, paths), inside a minimal main configuration in a directory of its own.

Used by tests/nginx_deployment.py (the socket and browser tests behind nginx),
tests/core/test_nginx.py (`nginx -t`) and bench/public_load.py.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "deploy" / "nginx-vangnet.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, made with `cryptography` (no openssl CLI)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class NginxFront:
    directory: Path
    upstream_ports: list[int]  # the page processes
    static_root: Path
    chat_ports: list[int] | None = None  # the chat's own processes; None: the page processes
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    rate_per_second: int | None = None  # None: the sample's own per-client limit
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def ws_url(self) -> str:
        return f"wss://127.0.0.1:{self.https_port}"

    @property
    def cert(self) -> Path:
        return self.directory / "cert.pem"

    def site_config(self) -> str:
        """The sample with this machine's values; every directive of the sample stays."""
        text = SAMPLE.read_text()
        d = self.directory
        for group, ports in (
            ("vangnet_pages", self.upstream_ports),
            ("vangnet_chat", self.chat_ports or self.upstream_ports),
        ):
            servers = "".join(f"    server 127.0.0.1:{port};\n" for port in ports)
            text, found = re.subn(
                rf"(upstream {group} {{\n(?:    #[^\n]*\n)*)(    server [^\n]*\n)+",
                lambda match, servers=servers: match.group(1) + servers,
                text,
            )
            assert found == 1, f"the sample has no upstream {group}: update bench/nginx_front.py"
        replacements = {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "/etc/letsencrypt/live/vangnet.example.org/fullchain.pem": str(d / "cert.pem"),
            "/etc/letsencrypt/live/vangnet.example.org/privkey.pem": str(d / "key.pem"),
            "/var/cache/nginx/vangnet": str(d / "cache"),
            "/var/log/nginx/": f"{d}/log/",
            "/var/lib/vangnet/static/": f"{self.static_root}/",
            "server_name vangnet.example.org;": "server_name 127.0.0.1 localhost;",
        }
        for old, new in replacements.items():
            assert old in text, f"the sample no longer has {old!r}: update bench/nginx_front.py"
            text = text.replace(old, new)
        if self.rate_per_second is not None:
            # nginx counts per millisecond: many clients behind one address (a benchmark on
            # this machine) need a burst as large as the rate to pass.
            text = re.sub(r"rate=\d+r/s", f"rate={self.rate_per_second}r/s", text)
            text = re.sub(r"burst=\d+", f"burst={self.rate_per_second}", text)
        return text

    def write(self) -> Path:
        d = self.directory
        for sub in ("log", "cache", "temp"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        if not self.cert.exists():
            self_signed_certificate(d)
        (d / "vangnet.conf").write_text(self.site_config())
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the test's files
        main = d / "nginx.conf"
        # As Debian's own nginx.conf: one worker per core.
        main.write_text(
            f"""{user}worker_processes auto;
pid {d}/nginx.pid;
error_log {d}/log/main-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {d}/temp/body;
    proxy_temp_path {d}/temp/proxy;
    fastcgi_temp_path {d}/temp/fastcgi;
    uwsgi_temp_path {d}/temp/uwsgi;
    scgi_temp_path {d}/temp/scgi;
    include {d}/vangnet.conf;
}}
"""
        )
        return main

    def check(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t` on the configuration."""
        main = self.write()
        return subprocess.run(
            [NGINX, "-t", "-p", str(self.directory), "-c", str(main)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    def start(self, timeout: float = 15) -> NginxFront:
        main = self.write()
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.directory), "-c", str(main), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "log" / "stderr.log").open("ab"),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.logs()}")
            try:
                with socket.create_connection(("127.0.0.1", self.https_port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start: {self.logs()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"== {path.name}\n{path.read_text(errors='replace')}"
            for path in sorted((self.directory / "log").glob("*"))
        )
