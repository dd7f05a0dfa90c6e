#!/usr/bin/env python3
"""A small HTTP adapter speaking enough of ClickHouse's HTTP interface in front
of an in-process chdb session (the real ClickHouse engine, PyPI `chdb-core`).

Test tooling only: it binds 127.0.0.1, serves one request at a time against
one chdb session, and keeps its data in a directory that the caller owns.

Supported, as ClickHouse's HTTP interface does it:
  * `GET /ping` and `GET /` -> `Ok.`
  * the query in the `query` URL parameter, in the body, or both (the body is
    appended to the parameter); `INSERT ... FORMAT X` with the data in the
    body (any input format chdb reads, RowBinary included), or inline;
  * `decompress=1`: a body of ClickHouse compressed blocks (LZ4 or none; the
    checksums are not verified);
  * query parameters (`{name:Type}` in the query, `param_name=value` in the URL);
  * `database`, `default_format` and other settings as URL parameters
    (`async_insert` and `wait_for_async_insert` are accepted and ignored:
    inserts are synchronous here);
  * credentials from `X-ClickHouse-User`/`X-ClickHouse-Key` headers, HTTP basic
    auth, or `user`/`password` URL parameters, checked against --user/--password;
  * chunked request bodies;
  * errors as ClickHouse sends them: `Code: N. DB::Exception: ...` in the body,
    the `X-ClickHouse-Exception-Code` header, and 404/403/400/500 statuses.

Usage: chdb_http.py --port PORT --path DATA_DIR [--user U --password P]
Prints `chdb_http listening on 127.0.0.1:PORT` once it accepts connections.
"""

import argparse
import base64
import os
import re
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from chdb import session as chdb_session

# URL parameters that are not ClickHouse settings.
NOT_SETTINGS = {
    "query",
    "database",
    "default_format",
    "user",
    "password",
    "decompress",
    "compress",
    "session_id",
    "session_timeout",
    "session_check",
    "query_id",
    "quota_key",
    "async_insert",
    "wait_for_async_insert",
    "wait_end_of_query",
    "buffer_size",
    "enable_http_compression",
    "http_zlib_compression_level",
}

INSERT_FORMAT = re.compile(
    rb"^\s*INSERT\s+INTO\s.*?\bFORMAT\s+([A-Za-z0-9_]+)", re.IGNORECASE | re.DOTALL
)
CODE = re.compile(r"Code:\s*(\d+)")
NAME_SAFE = re.compile(r"^[A-Za-z0-9_]+$")

# ClickHouse error codes mapped to the HTTP statuses the server uses.
STATUS_BY_CODE = {
    60: 404,  # UNKNOWN_TABLE
    81: 404,  # UNKNOWN_DATABASE
    516: 403,  # AUTHENTICATION_FAILED
    192: 403,  # UNKNOWN_USER
    62: 400,  # SYNTAX_ERROR
    47: 400,  # UNKNOWN_IDENTIFIER
    27: 400,  # CANNOT_PARSE_INPUT_ASSERTION_FAILED
    33: 400,  # CANNOT_READ_ALL_DATA
}


class ClickHouseError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def lz4_block_decompress(src, size):
    """Decompresses one LZ4 block (no frame) of known decompressed size."""
    dst = bytearray()
    i = 0
    n = len(src)
    while i < n:
        token = src[i]
        i += 1
        lit = token >> 4
        if lit == 15:
            while True:
                b = src[i]
                i += 1
                lit += b
                if b != 255:
                    break
        dst += src[i : i + lit]
        i += lit
        if i >= n:
            break
        offset = src[i] | (src[i + 1] << 8)
        i += 2
        if offset == 0:
            raise ClickHouseError(271, "LZ4: zero offset")
        mlen = token & 15
        if mlen == 15:
            while True:
                b = src[i]
                i += 1
                mlen += b
                if b != 255:
                    break
        mlen += 4
        start = len(dst) - offset
        if start < 0:
            raise ClickHouseError(271, "LZ4: offset before the start of the block")
        for k in range(mlen):
            dst.append(dst[start + k])
    if len(dst) != size:
        raise ClickHouseError(
            271, f"LZ4: decompressed {len(dst)} bytes, header says {size}"
        )
    return bytes(dst)


def decompress_blocks(body):
    """Decodes ClickHouse's compressed-block framing (`decompress=1`)."""
    out = bytearray()
    i = 0
    while i < len(body):
        if len(body) - i < 25:
            raise ClickHouseError(271, "truncated compressed block header")
        method = body[i + 16]
        compressed = int.from_bytes(body[i + 17 : i + 21], "little")
        raw = int.from_bytes(body[i + 21 : i + 25], "little")
        data = body[i + 25 : i + 16 + compressed]
        if len(data) != compressed - 9:
            raise ClickHouseError(271, "truncated compressed block")
        if method == 0x82:
            out += lz4_block_decompress(data, raw)
        elif method == 0x02:
            out += data
        else:
            raise ClickHouseError(
                271, f"compression method 0x{method:02x} is not supported by the adapter (LZ4 and none are)"
            )
        i += 16 + compressed
    return bytes(out)


class Engine:
    """One chdb session; requests are served one at a time."""

    def __init__(self, path, user, password):
        self.session = chdb_session.Session(path)
        self.lock = threading.Lock()
        self.user = user
        self.password = password
        self.tmpdir = tempfile.mkdtemp(prefix="chdb_http_", dir=path)

    def run(self, sql, fmt, database, settings, params=None):
        with self.lock:
            if database:
                if not NAME_SAFE.match(database):
                    raise ClickHouseError(81, f"Database name {database!r} is not valid")
                self._query(f"USE `{database}`", "TabSeparated")
            for key, value in settings:
                if not NAME_SAFE.match(key):
                    raise ClickHouseError(115, f"Unknown setting {key}")
                escaped = value.replace("\\", "\\\\").replace("'", "\\'")
                self._query(f"SET {key} = '{escaped}'", "TabSeparated")
            return self._query(sql, fmt, params)

    def insert(self, head, fmt_name, data, database, settings):
        fd, path = tempfile.mkstemp(dir=self.tmpdir, suffix=".bin")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            sql = f"{head} FROM INFILE '{path}' FORMAT {fmt_name}"
            return self.run(sql, "TabSeparated", database, settings)
        finally:
            try:
                os.unlink(path)
            except OSError:
                pass

    def _query(self, sql, fmt, params=None):
        try:
            if params:
                result = self.session.query(sql, fmt, params=params)
            else:
                result = self.session.query(sql, fmt)
        except Exception as e:  # chdb raises ChdbError / RuntimeError with the server text
            text = str(e).strip()
            m = CODE.search(text)
            raise ClickHouseError(int(m.group(1)) if m else 1000, text) from None
        return result.bytes()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "chdb-http-adapter"
    engine = None

    def log_message(self, format, *args):  # quiet unless asked
        if os.environ.get("CHDB_HTTP_VERBOSE"):
            sys.stderr.write("chdb_http: " + (format % args) + "\n")

    def do_GET(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status, body, content_type="text/plain; charset=UTF-8", code=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if code is not None:
            self.send_header("X-ClickHouse-Exception-Code", str(code))
        self.end_headers()
        self.wfile.write(body)

    def fail(self, err):
        status = STATUS_BY_CODE.get(err.code, 500)
        text = err.message
        if not text.startswith("Code:"):
            text = f"Code: {err.code}. DB::Exception: {text}"
        self.reply(status, (text + "\n").encode(), code=err.code)

    def authorized(self, params):
        engine = self.engine
        if engine.user is None:
            return True
        user = self.headers.get("X-ClickHouse-User") or params.get("user")
        key = self.headers.get("X-ClickHouse-Key") or params.get("password")
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip()).decode()
                user, _, key = decoded.partition(":")
            except Exception:
                return False
        return (user or "default") == engine.user and (key or "") == (engine.password or "")

    def handle_request(self):
        try:
            url = urlsplit(self.path)
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            body = self.read_body()
            if url.path in ("/ping", "/") and not params.get("query") and not body:
                self.reply(200, b"Ok.\n")
                return
            if url.path not in ("/", ""):
                self.reply(404, b"There is no handle " + url.path.encode() + b"\n")
                return
            if not self.authorized(params):
                user = self.headers.get("X-ClickHouse-User") or params.get("user") or "default"
                raise ClickHouseError(
                    516,
                    f"Code: 516. DB::Exception: {user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)",
                )
            if params.get("decompress") in ("1", "true"):
                body = decompress_blocks(body)
            database = params.get("database")
            fmt = params.get("default_format") or "TabSeparated"
            settings = [
                (k, v)
                for k, v in params.items()
                if k not in NOT_SETTINGS and not k.startswith("param_")
            ]
            query_params = {k[6:]: v for k, v in params.items() if k.startswith("param_")}
            query = params.get("query", "").encode()

            if query and INSERT_FORMAT.match(query) and body:
                # INSERT ... FORMAT X in the URL, the data in the body.
                m = INSERT_FORMAT.match(query)
                head = query[: m.start(1)].rstrip()
                head = head[: -len("FORMAT")].rstrip() if head.upper().endswith(b"FORMAT") else head
                inline = query[m.end(1) :].strip()
                data = (inline + b"\n" + body) if inline else body
                out = self.engine.insert(head.decode(), m.group(1).decode(), data, database, settings)
            else:
                full = query + body if query else body
                m = INSERT_FORMAT.match(full)
                if m and len(full) > m.end(1) and full[m.end(1) :].strip():
                    # INSERT ... FORMAT X followed by the data (all in the body).
                    head = full[: m.start(1)].rstrip()
                    head = head[: -len("FORMAT")].rstrip()
                    rest = full[m.end(1) :]
                    # One whitespace character separates the query from the data.
                    data = rest[1:] if rest[:1] in (b" ", b"\n", b"\t", b"\r") else rest
                    out = self.engine.insert(head.decode(), m.group(1).decode(), data, database, settings)
                else:
                    try:
                        sql = full.decode()
                    except UnicodeDecodeError:
                        raise ClickHouseError(62, "the query is not valid UTF-8") from None
                    if not sql.strip():
                        raise ClickHouseError(62, "Empty query. (SYNTAX_ERROR)")
                    out = self.engine.run(sql, fmt, database, settings, query_params)
            self.reply(200, out)
        except ClickHouseError as err:
            self.fail(err)
        except Exception as err:  # never kill the server on one bad request
            self.fail(ClickHouseError(1001, f"adapter error: {err!r}"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True, help="data directory of the chdb session")
    parser.add_argument("--user", default=None, help="require this user (default: no auth)")
    parser.add_argument("--password", default=None)
    args = parser.parse_args()

    os.makedirs(args.path, exist_ok=True)
    Handler.engine = Engine(args.path, args.user, args.password)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"chdb_http listening on {args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
