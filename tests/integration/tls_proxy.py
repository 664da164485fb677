"""A TLS-terminating nginx in front of the real OpenSearch node, for the client-option tests.

`Certificates` makes, with the openssl CLI, a test CA and a server certificate for
127.0.0.1, a separate client CA with one client certificate, and an unrelated CA that
trusts nothing we serve. `TlsProxy` starts nginx as a child process (its own prefix,
config and logs; stopped by its PID) with one server block per kind of protection, each
on its own free loopback port, all proxying to http://<cluster address>:

    basic   TLS + HTTP basic auth (user BASIC_USER, password BASIC_PASSWORD; or the `users` given)
    api_key TLS + `Authorization: ApiKey API_KEY` (or the `api_key` given), else 401
    mtls    TLS + a client certificate signed by the client CA, else nginx's 400
    plain   TLS only

Every request is logged as one JSON object per line (`TlsProxy.requests()`), with the
headers the tests check: Content-Encoding, X-Opaque-Id, Authorization's scheme, the user
of basic auth and any extra header named in `log_headers`.
"""
import base64
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import time

from support import free_port

BASIC_USER = "rally"
BASIC_PASSWORD = "rally-secret"
API_KEY = base64.b64encode(b"fx-key-id:fx-key-secret").decode()
SERVERS = ("basic", "api_key", "mtls", "plain")


def find_tool(name):
    """The path of a tool, also in the sbin directories a non-root PATH may lack; a clear
    failure (never a skip) when it is missing."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/local/sbin")
    if path is None:
        raise RuntimeError(f"{name} is not installed: run scripts/setup.sh (Debian package '{name}')")
    return path


def _openssl(*args, cwd):
    completed = subprocess.run([find_tool("openssl"), *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    if completed.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {completed.stderr}")
    return completed.stdout


class Certificates:
    """PEM files in `directory`: ca.pem (server CA), server.pem/server.key (IP:127.0.0.1),
    client-ca.pem, client.pem/client.key, other-ca.pem (an unrelated CA)."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self._ca("ca", "rally test CA")
        self._ca("client-ca", "rally test client CA")
        self._ca("other-ca", "an unrelated CA")
        self._leaf("server", "ca", "127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        self._leaf("client", "client-ca", "rally test client", "extendedKeyUsage=clientAuth\n")

    def path(self, name):
        return os.path.join(self.dir, name)

    @property
    def ca(self):
        return self.path("ca.pem")

    @property
    def other_ca(self):
        return self.path("other-ca.pem")

    @property
    def client_ca(self):
        return self.path("client-ca.pem")

    @property
    def client_cert(self):
        return self.path("client.pem")

    @property
    def client_key(self):
        return self.path("client.key")

    @property
    def server_cert(self):
        return self.path("server.pem")

    @property
    def server_key(self):
        return self.path("server.key")

    def _ca(self, name, subject):
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem",
                 "-days", "2", "-subj", f"/CN={subject}", "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=self.dir)

    def _leaf(self, name, ca, common_name, extensions):
        with open(self.path(f"{name}.ext"), "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n" + extensions)
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                 "-subj", f"/CN={common_name}", cwd=self.dir)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext", cwd=self.dir)


def _die_with_parent():
    """In the child before exec: SIGKILL when the test process dies, even without tearDown."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def accepts_connections(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class TlsProxy:
    """nginx terminating TLS in front of `upstream` (host:port). `ports[name]` for each of
    SERVERS. Call stop() (tearDown) to end it; it is killed by PID."""

    def __init__(self, directory, upstream, certificates, log_headers=(), users=None, api_key=API_KEY):
        self.prefix = directory
        self.upstream = upstream
        self.certs = certificates
        self.log_headers = [h.lower().replace("-", "_") for h in log_headers]
        self.api_key = api_key
        self.process = None
        self.ports = {}
        os.makedirs(os.path.join(self.prefix, "logs"), exist_ok=True)
        with open(os.path.join(self.prefix, "htpasswd"), "w") as f:
            for user, password in (users or {BASIC_USER: BASIC_PASSWORD}).items():
                password_hash = _openssl("passwd", "-apr1", password, cwd=self.prefix).strip()
                f.write(f"{user}:{password_hash}\n")
        for _ in range(5):  # a free port may be taken between bind-and-close and nginx's bind
            self.ports = {name: free_port() for name in SERVERS}
            self._write_config()
            if self._start():
                return
        raise RuntimeError("nginx does not start: " + self._read("logs/error.log") + self._read("logs/stderr.log"))

    @property
    def access_log(self):
        return os.path.join(self.prefix, "logs", "access.log")

    def address(self, name):
        return f"127.0.0.1:{self.ports[name]}"

    def requests(self, name=None):
        """The logged requests (dicts), of one server block if `name` is given."""
        entries = []
        for line in self._read("logs/access.log").splitlines():
            if line.strip():
                entries.append(json.loads(line))
        if name is not None:
            entries = [e for e in entries if e["port"] == str(self.ports[name])]
        return entries

    def wait_for_requests(self, name, predicate, timeout=3.0):
        """nginx logs a request a moment after the client has the response: poll briefly."""
        deadline = time.monotonic() + timeout
        while True:
            matching = [e for e in self.requests(name) if predicate(e)]
            if matching or time.monotonic() > deadline:
                return matching
            time.sleep(0.02)

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def _read(self, relative):
        try:
            with open(os.path.join(self.prefix, relative)) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def _write_config(self):
        p = self.prefix
        fields = {
            "port": "$server_port", "status": "$status", "method": "$request_method", "uri": "$request_uri",
            "request_length": "$request_length", "content_length": "$http_content_length",
            "content_type": "$http_content_type", "content_encoding": "$http_content_encoding",
            "authorization": "$http_authorization", "remote_user": "$remote_user",
            "opaque_id": "$http_x_opaque_id", "user_agent": "$http_user_agent",
            "client_verify": "$ssl_client_verify", "connection": "$connection",
            "connection_requests": "$connection_requests",
        }
        for header in self.log_headers:
            fields[header] = f"$http_{header}"
        log_format = "{" + ",".join(f'"{k}":"{v}"' for k, v in fields.items()) + "}"
        certs = self.certs
        tls = (f"ssl_certificate {certs.server_cert};\n    ssl_certificate_key {certs.server_key};\n"
               "    ssl_protocols TLSv1.2 TLSv1.3;")
        proxy = ("location / {\n      proxy_pass http://opensearch;\n      proxy_http_version 1.1;\n"
                 "      proxy_set_header Connection \"\";\n      proxy_request_buffering off;\n"
                 "      proxy_buffering off;\n      proxy_read_timeout 120s;\n    }")
        servers = {
            "basic": f"auth_basic \"rally\";\n    auth_basic_user_file {p}/htpasswd;",
            "api_key": ("if ($api_key_ok = 0) {\n"
                        "      return 401 '{\"error\":\"missing or wrong api key\",\"status\":401}';\n    }"),
            "mtls": f"ssl_verify_client on;\n    ssl_client_certificate {certs.client_ca};",
            "plain": "",
        }
        blocks = "".join(
            f"  server {{\n    listen 127.0.0.1:{self.ports[name]} ssl;\n    {tls}\n    {body}\n    {proxy}\n  }}\n"
            for name, body in servers.items())
        config = (
            f"master_process off;\nworker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/logs/error.log info;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            f"  log_format fx escape=json '{log_format}';\n"
            f"  access_log {p}/logs/access.log fx;\n"
            f"  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n"
            f"  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n"
            "  client_max_body_size 0;\n  keepalive_requests 100000;\n  keepalive_timeout 120s;\n"
            "  map_hash_bucket_size 256;\n"  # room for a long API key
            f"  upstream opensearch {{\n    server {self.upstream};\n    keepalive 32;\n  }}\n"
            f"  map $http_authorization $api_key_ok {{\n    default 0;\n    \"ApiKey {self.api_key}\" 1;\n  }}\n"
            f"{blocks}"
            "}\n")
        with open(os.path.join(p, "nginx.conf"), "w") as f:
            f.write(config)

    def _start(self):
        nginx = find_tool("nginx")
        stderr = open(os.path.join(self.prefix, "logs", "stderr.log"), "ab")
        try:
            self.process = subprocess.Popen(
                [nginx, "-p", self.prefix + "/", "-c", os.path.join(self.prefix, "nginx.conf"),
                 "-e", os.path.join(self.prefix, "logs", "error.log"), "-g", "daemon off;"],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, preexec_fn=_die_with_parent)
        finally:
            stderr.close()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # exited: most likely a port was taken meanwhile
                self.process = None
                return False
            # nginx writes its pid file only once it holds all its ports; without that check another
            # test's nginx that took one of them would pass for this one.
            if self._read("nginx.pid").strip() == str(self.process.pid) and all(
                    accepts_connections(port) for port in self.ports.values()):
                return True
            time.sleep(0.02)
        self.stop()
        return False
