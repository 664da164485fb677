"""A fault-injecting HTTP/1.1 proxy on loopback, in front of the real OpenSearch node.

Requests and responses are forwarded byte for byte, one upstream connection per client
connection (keep-alive on both sides). A request whose path matches `pattern` (a regular
expression searched in the request target, query string included) meets the `mode`:

    pass   forwarded like any other (a plain pass-through proxy that counts)
    hang   never answered; the client's socket stays open until the proxy stops
    half   forwarded; the client gets the status line, the headers and half of the body,
           then nothing more (the socket stays open)
    close  the proxy reads the request and closes the connection without answering
    answer the proxy answers `status` with `body` itself (the node never sees the request);
           the connection stays open
    cut    forwarded; the client gets the headers and half of the body, whose
           Content-Length promises all of it, then the connection closes
    chunk-cut    the client gets the answer in chunked transfer encoding, cut in the
           middle of a chunk, then the connection closes
    bad-chunk    the client gets a chunked answer whose chunk-size line is not hex
    reset  the proxy reads the request and resets the connection (RST: SO_LINGER 0, close)
    reset-mid    forwarded; the client gets the headers and half of the body, then a reset

With `limit`, only the first `limit` matching requests of each path (the target without its
query string) meet the mode; the rest pass (`answer` with a limit is a node that rejects
for a while, then recovers). `connections` counts the client connections accepted.

`GET /` always goes through: rally checks the cluster with it before any load. Every
request seen is recorded as (method, target, faulted) in `requests`.
"""
import json
import re
import socket
import struct
import threading
import time

MODES = ("pass", "hang", "half", "close", "answer", "cut", "chunk-cut", "bad-chunk", "reset", "reset-mid")
REASONS = {200: "OK", 400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable"}


def rejected_execution_body():
    """OpenSearch's answer when a node's write thread pool queue is full (HTTP 429)."""
    reason = ("rejected execution of coordinating operation [coordinating_and_primary_bytes=0, "
              "replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1024, max_coordinating_and_primary_bytes=1]")
    cause = {"type": "es_rejected_execution_exception", "reason": reason}
    return json.dumps({"error": {"root_cause": [cause], **cause}, "status": 429})


def unavailable_shards_body():
    """OpenSearch's answer to a search when no copy of a shard is available (HTTP 503)."""
    return json.dumps({"error": {"root_cause": [], "type": "search_phase_execution_exception",
                                 "reason": "all shards failed", "phase": "query", "grouped": True,
                                 "failed_shards": []}, "status": 503})


def _response(status, body, content_type="application/json; charset=UTF-8", extra=""):
    if isinstance(body, str):
        body = body.encode()
    head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\ncontent-type: {content_type}\r\n"
            f"content-length: {len(body)}\r\n{extra}\r\n")
    return head.encode() + body


def _reset(sock):
    """Closes `sock` with an RST instead of a FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


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
    def __init__(self, upstream, pattern=r"$^", mode="pass", limit=None, status=200, body=b""):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.pattern = re.compile(pattern)
        self.mode = mode
        self.limit = limit
        self.status = status
        self.body = body.encode() if isinstance(body, str) else body
        self._faults = {}
        self.connections = 0
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
            with self._lock:
                self.connections += 1
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _stall(self):
        """Holds the connection open, unanswered, until the proxy stops."""
        self._stopped.wait()

    def _break(self, client, status, fields, body):
        """Sends the upstream's answer broken as the mode says, then ends the connection."""
        content_type = fields.get("content-type", "application/json")
        half = body[:max(len(body) // 2, 1)]
        if self.mode in ("cut", "reset-mid"):
            whole = _response(status, body, content_type)
            client.sendall(whole[:len(whole) - len(body)] + half)
            time.sleep(0.1)  # the client reads what came before the reset (else it might think it stale)
        elif self.mode == "chunk-cut":
            head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\ncontent-type: {content_type}\r\n"
                    "transfer-encoding: chunked\r\n\r\n").encode()
            client.sendall(head + f"{len(body):x}\r\n".encode() + half)
        else:  # bad-chunk
            head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\ncontent-type: {content_type}\r\n"
                    "transfer-encoding: chunked\r\n\r\n").encode()
            client.sendall(head + b"zz-not-hex\r\n" + body + b"\r\n0\r\n\r\n")
        if self.mode == "reset-mid":
            _reset(client)
            return
        client.shutdown(socket.SHUT_WR)

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
                    path = target.split("?")[0]
                    if faulted and self.limit is not None:
                        faulted = self._faults.get(path, 0) < self.limit
                    self._faults[path] = self._faults.get(path, 0) + faulted
                    self.requests.append((method, target, faulted))
                if faulted and self.mode == "hang":
                    return self._stall()
                if faulted and self.mode == "close":
                    return
                if faulted and self.mode == "reset":
                    _reset(client)
                    client = None
                    return
                if faulted and self.mode == "answer":
                    client.sendall(_response(self.status, self.body))
                    continue
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
                if faulted and self.mode in ("cut", "chunk-cut", "bad-chunk", "reset-mid"):
                    return self._break(client, status, response_fields, response_body)
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
