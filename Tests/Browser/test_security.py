"""Access that ends when it is withdrawn and webhooks that cannot reach inside, against a live `cairn serve`:
an open event stream closes when its key is revoked (from another process, through the shared database), and a real
webhook delivery verifies with the Standard Webhooks library receivers use."""
import http.server
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from standardwebhooks.webhooks import Webhook

from conftest import Server


def api(server, key, method, path, body=None):
    request = urllib.request.Request(server.url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + key})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


def secret_key(server, role, name):
    out = server.cli("key", "create", "--kind", "secret", "--name", name, "--role", role)
    return re.search(r"token:\s+(\S+)", out).group(1), re.search(r"key (\S+) in", out).group(1)


def test_an_open_stream_ends_when_its_key_is_revoked(server):
    token, key_id = secret_key(server, "viewer", "wallboard")
    request = urllib.request.Request(server.url + "/api/v1/events/stream", headers={"Authorization": "Bearer " + token})
    lines, ended = [], threading.Event()

    def read():
        with urllib.request.urlopen(request, timeout=60) as response:
            for raw in response:
                lines.append(raw.decode().rstrip("\n"))
        ended.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.time() + 15
    while time.time() < deadline and ": connected" not in lines:
        time.sleep(0.1)
    assert ": connected" in lines
    # Revoked from another process (the command line on the same database): the server learns it from the database.
    revoked_at = time.time()
    server.cli("key", "revoke", key_id)
    assert ended.wait(10), "the stream is still open after its key was revoked"
    assert time.time() - revoked_at < 5
    assert "event: access-ended" in lines


def test_a_webhook_delivery_verifies_with_the_standard_webhooks_library():
    received = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hooks"
    server = Server(extra=("--webhook-allow-private",))
    try:
        admin, _ = secret_key(server, "admin", "ops")
        manager, _ = secret_key(server, "manager", "cx")
        created = api(server, admin, "POST", "/api/v1/webhooks", {"url": url})
        secret = created["secret"]
        assert secret.startswith("whsec_")
        survey = api(server, manager, "POST", "/api/v1/surveys", {"template": "post_delivery_csat"})
        api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/status", {"status": "published"})
        form = urllib.parse.urlencode({"question": "csat", "answer": "1"}).encode()
        urllib.request.urlopen(urllib.request.Request(server.url + survey["link"], data=form, method="POST"), timeout=30).read()
        deadline = time.time() + 30
        while time.time() < deadline and not received:
            time.sleep(0.2)
        assert received, "no delivery arrived"
        headers, body = received[0]
        payload = Webhook(secret).verify(body, headers)
        assert payload["event"] == "feedback.alert" and payload["alert"]["kind"] == "low_csat" and payload["alert"]["score"] == 1
        with pytest.raises(Exception):
            Webhook(secret).verify(body + b" ", headers)
        assert "cairn-signature" not in headers
    finally:
        server.stop()
        receiver.shutdown()


def test_without_the_flag_a_webhook_to_this_machine_is_refused(server):
    admin, _ = secret_key(server, "admin", "ops-2")
    for url in ["http://127.0.0.1:9/x", "http://2130706433/x", "http://[::1]/x", "http://169.254.169.254/latest/meta-data"]:
        with pytest.raises(urllib.error.HTTPError) as refused:
            api(server, admin, "POST", "/api/v1/webhooks", {"url": url})
        assert refused.value.code == 400
        problem = json.loads(refused.value.read())
        assert any(error["field"] == "url" for error in problem.get("errors", [])), problem
