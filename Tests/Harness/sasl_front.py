#!/usr/bin/env python3
"""A SASL front for plaintext Kafka brokers, for the tests: PLAIN, SCRAM-SHA-256/512 and
OAUTHBEARER as Apache Kafka answers them, then the connection is piped to the broker.

    sasl_front.py serve --config FILE.json --ready-file FILE

FILE.json:
    {"listeners": [{"port": P, "backend": "127.0.0.1:B", "session_lifetime_ms": 0}, ...],
     "users": {"alice": "password", ...},          # PLAIN and SCRAM (4096 iterations)
     "oauth_principals": ["alice", ...],           # OAUTHBEARER: unsigned JWTs (alg none) naming one
     "oidc": {"port": P, "clients": {"id": "secret"}, "lifetime_s": 3600},   # optional token endpoint
     "stats_file": "PATH"}                         # JSON counters, rewritten after every login

Per connection: ApiVersions is forwarded and SaslHandshake v0-1 / SaslAuthenticate v0-2 added to
the broker's answer; SaslHandshake and SaslAuthenticate are answered here; any other request
before login closes the connection (as Kafka does); after login requests are forwarded one at a
time and their answers passed back (Produce with acks=0 has none). With session_lifetime_ms the
login expires as with Kafka's connections.max.reauth.ms (KIP-368): a request after expiry closes
the connection, and a SaslHandshake on a logged-in connection starts a re-authentication.
SCRAM accepts a client-final nonce that ends with the server nonce, as Apache Kafka does
(librdkafka 2.0.2, Debian's kcat, sends its own nonce twice). Wrong credentials get
SaslAuthenticate error 58 with Kafka's message. Standard library only.
"""
import base64
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import http.server

from kafka_wire import kafka_bytes, kafka_string, put_uvarint, read_frame, send_frame, skip_tags, uvarint
from oauth_endpoint import OIDC_TOKENS, TokenEndpoint, configure as configure_oauth

SASL_HANDSHAKE, SASL_AUTHENTICATE, API_VERSIONS, PRODUCE = 17, 36, 18, 0
MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"]
ITERATIONS = 4096
STATS_LOCK = threading.Lock()
STATS = {}


def count(user, mechanism, event):
    with STATS_LOCK:
        key = "%s %s" % (mechanism, user)
        entry = STATS.setdefault(key, {"ok": 0, "failed": 0, "reauthenticated": 0})
        entry[event] += 1
        path = CONFIG.get("stats_file")
        if path:
            with open(path + ".tmp", "w") as out:
                json.dump(STATS, out)
            os.replace(path + ".tmp", path)


FLEXIBLE_FROM = {API_VERSIONS: 3, SASL_HANDSHAKE: 99, SASL_AUTHENTICATE: 2, PRODUCE: 9}


def parse_header(frame):
    """(api_key, version, correlation_id, body_offset) of a request frame."""
    api_key, version, correlation = struct.unpack_from(">hhi", frame, 0)
    (length,) = struct.unpack_from(">h", frame, 8)
    pos = 10 + max(length, 0)
    # Only the bodies of these are read here; other requests are passed on whole.
    if version >= FLEXIBLE_FROM.get(api_key, 99):
        pos = skip_tags(frame, pos)
    return api_key, version, correlation, pos


def produce_acks(frame, version, pos):
    if version >= 3:
        if version >= 9:
            n, pos = uvarint(frame, pos)
            pos += max(n - 1, 0)
        else:
            (n,) = struct.unpack_from(">h", frame, pos)
            pos += 2 + max(n, 0)
    (acks,) = struct.unpack_from(">h", frame, pos)
    return acks


# --- mechanisms ---------------------------------------------------------------------------------
class AuthFailed(Exception):
    pass


class Scram:
    def __init__(self, name):
        self.hash = hashlib.sha256 if name == "SCRAM-SHA-256" else hashlib.sha512
        self.name = name
        self.step = 0

    def h(self, key, data):
        return hmac.new(key, data, self.hash).digest()

    def invalid(self):
        return AuthFailed("Authentication failed during authentication due to invalid credentials with SASL mechanism %s"
                          % self.name)

    def respond(self, message):
        text = message.decode("utf-8", "replace")
        if self.step == 0:
            if not (text.startswith("n,") or text.startswith("y,")):
                raise AuthFailed("Invalid SCRAM client first message")
            bare = text.split(",", 2)[2]
            fields = dict(part.split("=", 1) for part in bare.split(",") if "=" in part)
            self.user = fields.get("n", "").replace("=2C", ",").replace("=3D", "=")
            self.client_nonce = fields.get("r", "")
            password = CONFIG["users"].get(self.user)
            if password is None or not self.client_nonce:
                raise self.invalid()
            self.bare, self.step = bare, 1
            salt = hashlib.sha256(("salt:" + self.user).encode()).digest()[:16]
            self.salted = hashlib.pbkdf2_hmac(self.hash().name, password.encode(), salt, ITERATIONS)
            self.nonce = self.client_nonce + base64.b64encode(secrets.token_bytes(18)).decode()
            self.server_first = "r=%s,s=%s,i=%d" % (self.nonce, base64.b64encode(salt).decode(), ITERATIONS)
            return self.server_first.encode(), False
        if self.step == 1:
            without_proof, _, proof = text.rpartition(",p=")
            fields = dict(part.split("=", 1) for part in without_proof.split(",") if "=" in part)
            # Apache Kafka: the client-final nonce must end with the server-first nonce.
            if not fields.get("r", "").endswith(self.nonce):
                raise AuthFailed("Invalid SCRAM client final message: nonce mismatch")
            auth = ("%s,%s,%s" % (self.bare, self.server_first, without_proof)).encode()
            client_key = self.h(self.salted, b"Client Key")
            stored = self.hash(client_key).digest()
            signature = self.h(stored, auth)
            try:
                sent = base64.b64decode(proof)
            except ValueError:
                raise self.invalid()
            if len(sent) != len(signature) or self.hash(bytes(a ^ b for a, b in zip(sent, signature))).digest() != stored:
                raise self.invalid()
            server_signature = self.h(self.h(self.salted, b"Server Key"), auth)
            self.step = 2
            return ("v=" + base64.b64encode(server_signature).decode()).encode(), True
        raise AuthFailed("Invalid SCRAM state")


def jwt_subject(token):
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except ValueError:
        return None
    if header.get("alg") != "none" or not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < time.time():
        return None
    return claims.get("sub")


def oauth_principal(message):
    text = message.decode("utf-8", "replace")
    if not text.startswith("n,") or "\x01auth=Bearer " not in text:
        raise AuthFailed("Invalid OAUTHBEARER client first message")
    token = text.split("\x01auth=Bearer ", 1)[1].split("\x01", 1)[0].strip()
    issued = OIDC_TOKENS.get(token)
    if issued and issued[1] > time.time():
        return issued[0]
    subject = jwt_subject(token)
    if subject is not None and subject in CONFIG.get("oauth_principals", []):
        return subject
    return None


# --- connections --------------------------------------------------------------------------------
class Connection:
    def __init__(self, client, listener):
        self.client, self.listener = client, listener
        self.backend = socket.create_connection(tuple_address(listener["backend"]), timeout=60)
        self.backend.settimeout(None)
        self.user = self.mechanism = None
        self.logged_in = False
        self.expires = None
        self.exchange = None
        self.oauth_failed = None
        self.reauthenticating = False

    def run(self):
        try:
            while True:
                frame = read_frame(self.client)
                api_key, version, correlation, pos = parse_header(frame)
                if api_key == API_VERSIONS:
                    send_frame(self.backend, frame)
                    send_frame(self.client, add_sasl_apis(read_frame(self.backend), version))
                elif api_key == SASL_HANDSHAKE:
                    self.handshake(frame, version, correlation, pos)
                elif api_key == SASL_AUTHENTICATE:
                    if not self.authenticate(frame, version, correlation, pos):
                        return
                else:
                    if not self.logged_in or self.reauthenticating or (self.expires and time.time() > self.expires):
                        # Kafka closes: not logged in, a request in the middle of a re-authentication
                        # (the broker reads SASL messages there), or the session expired (KIP-368).
                        return
                    send_frame(self.backend, frame)
                    if api_key == PRODUCE and produce_acks(frame, version, pos) == 0:
                        continue
                    send_frame(self.client, read_frame(self.backend))
        except (ConnectionError, OSError, struct.error, IndexError):
            pass
        finally:
            for sock in (self.client, self.backend):
                try:
                    sock.close()
                except OSError:
                    pass

    def handshake(self, frame, version, correlation, pos):
        (length,) = struct.unpack_from(">h", frame, pos)
        mechanism = frame[pos + 2:pos + 2 + length].decode()
        enabled = CONFIG.get("mechanisms", MECHANISMS)
        reauth = self.logged_in
        error = 0 if mechanism in enabled else 33
        if reauth and mechanism != self.mechanism:
            error = 34   # ILLEGAL_SASL_STATE: re-authentication must keep the mechanism
        body = struct.pack(">ih", correlation, error) + struct.pack(">i", len(enabled))
        body += b"".join(struct.pack(">h", len(m)) + m.encode() for m in enabled)
        send_frame(self.client, body)
        if error == 0:
            self.mechanism, self.reauthenticating = mechanism, reauth
            self.exchange = Scram(mechanism) if mechanism.startswith("SCRAM") else None
            self.oauth_failed = None

    def authenticate(self, frame, version, correlation, pos):
        flexible = version >= 2
        if flexible:
            n, pos = uvarint(frame, pos)
            message = frame[pos:pos + n - 1]
        else:
            (n,) = struct.unpack_from(">i", frame, pos)
            message = frame[pos + 4:pos + 4 + n]
        reply, done, error = b"", False, None
        try:
            if self.mechanism is None:
                raise AuthFailed("Unexpected SaslAuthenticate before SaslHandshake")
            if self.mechanism == "PLAIN":
                parts = message.split(b"\x00")
                if len(parts) != 3:
                    raise AuthFailed("Invalid PLAIN client message")
                user, password = parts[1].decode("utf-8", "replace"), parts[2].decode("utf-8", "replace")
                self.user = user
                if CONFIG["users"].get(user) != password:
                    raise AuthFailed("Authentication failed: Invalid username or password")
                done = True
            elif self.mechanism.startswith("SCRAM"):
                reply, done = self.exchange.respond(message)
                self.user = self.exchange.user
            else:
                if self.oauth_failed is not None:
                    if message != b"\x01":
                        raise AuthFailed("Invalid OAUTHBEARER client final message")
                    raise AuthFailed(self.oauth_failed)
                principal = oauth_principal(message)
                if principal is None:
                    self.oauth_failed = "Authentication failed: Invalid token"
                    reply = json.dumps({"status": "invalid_token"}).encode()
                else:
                    self.user, done = principal, True
        except AuthFailed as failure:
            error = str(failure)
        except (ValueError, IndexError, UnicodeDecodeError):
            error = "Authentication failed: malformed %s message" % self.mechanism
        lifetime = int(self.listener.get("session_lifetime_ms", 0)) if done else 0
        body = struct.pack(">i", correlation) + (b"\x00" if flexible else b"")
        body += struct.pack(">h", 58 if error else 0) + kafka_string(error, flexible) + kafka_bytes(reply, flexible)
        if version >= 1:
            body += struct.pack(">q", lifetime)
        if flexible:
            body += b"\x00"
        send_frame(self.client, body)
        if error:
            count(self.user or "?", self.mechanism or "?", "failed")
            return False   # Kafka closes the connection after a failed login
        if done:
            count(self.user, self.mechanism, "reauthenticated" if self.reauthenticating else "ok")
            self.logged_in, self.reauthenticating = True, False
            self.expires = time.time() + lifetime / 1000.0 if lifetime else None
        return True


def add_sasl_apis(response, version):
    """The broker's ApiVersions answer with SaslHandshake 0-1 and SaslAuthenticate 0-2 added."""
    correlation, error = struct.unpack_from(">ih", response, 0)
    if error != 0:
        return response
    flexible = version >= 3
    pos = 6
    if flexible:
        n, pos = uvarint(response, pos)
        n -= 1
    else:
        (n,) = struct.unpack_from(">i", response, pos)
        pos += 4
    entries = []
    for _ in range(n):
        key, low, high = struct.unpack_from(">hhh", response, pos)
        pos += 6
        if flexible:
            pos = skip_tags(response, pos)
        if key not in (SASL_HANDSHAKE, SASL_AUTHENTICATE):
            entries.append((key, low, high))
    entries += [(SASL_HANDSHAKE, 0, 1), (SASL_AUTHENTICATE, 0, 2)]
    entries.sort()
    out = struct.pack(">ih", correlation, error)
    out += put_uvarint(len(entries) + 1) if flexible else struct.pack(">i", len(entries))
    for entry in entries:
        out += struct.pack(">hhh", *entry) + (b"\x00" if flexible else b"")
    return out + response[pos:]


def tuple_address(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


class Front(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_handler(listener):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                connection = Connection(self.request, listener)
            except OSError:
                return
            connection.run()
    return Handler


CONFIG = {}


def serve(arguments):
    config_file = ready_file = None
    while arguments:
        flag = arguments.pop(0)
        if flag == "--config":
            config_file = arguments.pop(0)
        elif flag == "--ready-file":
            ready_file = arguments.pop(0)
        else:
            raise SystemExit("sasl_front serve: unknown flag %s" % flag)
    with open(config_file) as source:
        CONFIG.update(json.load(source))
    servers = []
    for listener in CONFIG["listeners"]:
        server = Front(("127.0.0.1", int(listener["port"])), make_handler(listener))
        servers.append(server)
    if "oidc" in CONFIG:
        configure_oauth(CONFIG["oidc"], count)
        servers.append(http.server.ThreadingHTTPServer(("127.0.0.1", int(CONFIG["oidc"]["port"])), TokenEndpoint))
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    with open(ready_file + ".tmp", "w") as out:
        out.write("ready\n")
    os.replace(ready_file + ".tmp", ready_file)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    os._exit(0)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "serve":
        raise SystemExit(__doc__)
    serve(sys.argv[2:])
