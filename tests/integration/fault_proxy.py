"""A fault-injecting HTTP/1.1 proxy on loopback, in front of the real OpenSearch node.

Requests and responses are forwarded byte for byte, one upstream connection per client
connection (keep-alive on both sides). A request whose path matches `pattern` (a regular
expression searched in the request target, query string included) meets the `mode`:

    pass   forwarded like any other (a plain pass-through proxy that counts)
    hang   never answered; the client's socket stays open until the proxy stops
    half   forwarded; the client gets the status line, the headers and half of the body,
           then nothing more (the socket stays open)
    close  the proxy reads the request and closes the connection without answering

`GET /` always goes through: rally checks the cluster with it before any load. Every
request seen is recorded as (method, target, faulted) in `requests`.
"""
import re
import socket
import threading

MODES = ("pass", "hang", "half", "close")


class _Closed(Exception):
    pass


class _Reader:
    """Buffered reads of HTTP/1.1 messages from a socket, keeping the raw bytes."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise _Closed()
        self.buffer += chunk

    def head(self):
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > 1 << 20:
                raise _Closed()
            self._fill()
        end = self.buffer.index(b"\r\n\r\n") + 4
        raw, self.buffer = self.buffer[:end], self.buffer[end:]
        return raw

    def exactly(self, n):
        while len(self.buffer) < n:
            self._fill()
        raw, self.buffer = self.buffer[:n], self.buffer[n:]
        return raw

    def line(self):
        while b"\r\n" not in self.buffer:
            self._fill()
        end = self.buffer.index(b"\r\n") + 2
        raw, self.buffer = self.buffer[:end], self.buffer[end:]
        return raw

    def chunked(self):
        raw = b""
        while True:
            size_line = self.line()
            raw += size_line
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while True:  # trailers, then the empty line
                    trailer = self.line()
                    raw += trailer
                    if trailer == b"\r\n":
                        return raw
            raw += self.exactly(size + 2)

    def until_close(self):
        raw = self.buffer
        self.buffer = b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return raw
            raw += chunk


def _headers(head):
    lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            fields[name.strip().lower()] = value.strip()
    return lines[0], fields


def _body(reader, fields, is_response=False, no_body=False):
    if no_body:
        return b""
    if "chunked" in fields.get("transfer-encoding", "").lower():
        return reader.chunked()
    if "content-length" in fields:
        return reader.exactly(int(fields["content-length"]))
    if is_response:
        return reader.until_close()
    return b""


class FaultProxy:
    def __init__(self, upstream, pattern=r"$^", mode="pass"):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.pattern = re.compile(pattern)
        self.mode = mode
        self.requests = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._sockets = []
        self._threads = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    def count(self, pattern=None, faulted=None):
        """How many requests the proxy saw, optionally only those whose target matches
        `pattern` and those faulted (or not)."""
        with self._lock:
            seen = list(self.requests)
        return sum(1 for method, target, was_faulted in seen
                   if (pattern is None or re.search(pattern, target))
                   and (faulted is None or was_faulted == faulted))

    def close(self):
        self._stopped.set()
        self._accepter.join(timeout=5)
        with self._lock:
            sockets = list(self._sockets)
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for t in self._threads:
            t.join(timeout=5)
        self.sock.close()

    def _track(self, s):
        with self._lock:
            self._sockets.append(s)

    def _accept(self):
        while not self._stopped.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                continue
            client.settimeout(None)
            self._track(client)
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _stall(self):
        """Holds the connection open, unanswered, until the proxy stops."""
        self._stopped.wait()

    def _serve(self, client):
        upstream = None
        try:
            reader = _Reader(client)
            upstream_reader = None
            while not self._stopped.is_set():
                head = reader.head()
                request_line, fields = _headers(head)
                body = _body(reader, fields)
                method, target = request_line.split(" ")[:2]
                faulted = self.mode != "pass" and target != "/" and bool(self.pattern.search(target))
                with self._lock:
                    self.requests.append((method, target, faulted))
                if faulted and self.mode == "hang":
                    return self._stall()
                if faulted and self.mode == "close":
                    return
                if upstream is None:
                    upstream = socket.create_connection(self.upstream, timeout=120)
                    self._track(upstream)
                    upstream_reader = _Reader(upstream)
                upstream.sendall(head + body)
                response_head = upstream_reader.head()
                status_line, response_fields = _headers(response_head)
                status = int(status_line.split(" ")[1])
                no_body = method == "HEAD" or status in (204, 304) or 100 <= status < 200
                response_body = _body(upstream_reader, response_fields, is_response=True, no_body=no_body)
                if faulted and self.mode == "half":
                    client.sendall(response_head + response_body[:len(response_body) // 2])
                    return self._stall()
                client.sendall(response_head + response_body)
                if fields.get("connection", "").lower() == "close" or \
                        response_fields.get("connection", "").lower() == "close":
                    return
        except (_Closed, OSError, ValueError, IndexError):
            return
        finally:
            for s in (client, upstream):
                if s is not None:
                    try:
                        s.close()
                    except OSError:
                        pass
