"""The OAuth 2 token endpoint of the SASL front (client credentials, RFC 6749 4.4), for
sasl.oauthbearer.method=oidc: Basic authentication, grant_type=client_credentials, an unsigned JWT
back. `configure(oidc, count)` hands it the front's settings and login counter. Standard library only."""
import base64
import http.server
import json
import secrets
import time
import urllib.parse

OIDC_TOKENS = {}   # token -> (client id, expires at)


SETTINGS = {}
COUNT = [None]


def configure(oidc, count):
    SETTINGS.update(oidc)
    COUNT[0] = count


def count(user, mechanism, event):
    COUNT[0](user, mechanism, event)


class TokenEndpoint(http.server.BaseHTTPRequestHandler):
    """OAuth 2 client credentials (RFC 6749 4.4): Basic auth, grant_type=client_credentials."""

    def do_POST(self):
        oidc = SETTINGS
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        client = None
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                pair = base64.b64decode(header[6:]).decode()
                ident, _, secret = pair.partition(":")
                ident, secret = urllib.parse.unquote_plus(ident), urllib.parse.unquote_plus(secret)
                if oidc["clients"].get(ident) == secret:
                    client = ident
            except ValueError:
                pass
        if form.get("grant_type") != ["client_credentials"]:
            return self.answer(400, {"error": "unsupported_grant_type"})
        if client is None:
            count("?", "OIDC", "failed")
            return self.answer(401, {"error": "invalid_client", "error_description": "client authentication failed"})
        lifetime = int(oidc.get("lifetime_s", 3600))
        # A JWT, as OIDC providers issue (librdkafka reads its exp and sub); its random third part
        # makes each one unique, and only tokens issued here are accepted as OIDC tokens.
        now = int(time.time())
        def part(document):
            return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")
        token = "%s.%s.%s" % (part({"alg": "none", "typ": "JWT"}), part({"sub": client, "iat": now, "exp": now + lifetime}),
                              secrets.token_urlsafe(24))
        OIDC_TOKENS[token] = (client, time.time() + lifetime)
        count(client, "OIDC", "ok")
        self.answer(200, {"access_token": token, "token_type": "bearer", "expires_in": lifetime})

    def answer(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass
