"""Two `cairn serve` processes on one PostgreSQL, as a company runs Cairn behind a load balancer: clients send through
both, one is killed with SIGKILL in the middle of the load, and the other carries on. Nothing acknowledged is lost,
no order is made twice or gets its lines twice, the roll-ups agree with their base rows (`cairn verify`), and an event
stream on one server shows events that arrived at the other."""
import base64
import http.cookiejar
import urllib.parse
import http.client
import json
import re
import signal
import subprocess
import threading
import time
import urllib.request
import uuid

from conftest import Server
from test_durability import fresh_postgres_database


def psql(database, query):
    return subprocess.run(["psql", database.split("?")[0], "-tAc", query], check=True, capture_output=True, text=True).stdout.split()


def test_two_servers_on_one_postgres_survive_a_kill():
    database = fresh_postgres_database()
    a = Server(database=database)
    b = Server(database=database, first=False)
    try:
        key = a.write_key("two servers")
        reader = re.search(r"token:\s+(\S+)", a.cli("key", "create", "--kind", "secret", "--name", "wall", "--role", "viewer")).group(1)
        auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()

        # Signed in on server A, the same session (and its CSRF token) works on server B.
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = browser.open(a.url + "/login", timeout=30).read().decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', login).group(1)
        browser.open(a.url + "/login", urllib.parse.urlencode({"email": "admin@example.com", "password": a.password, "_csrf": token}).encode(), timeout=30).read()
        profile = browser.open(b.url + "/settings/profile", timeout=30).read().decode()
        assert 'id="logout"' in profile, "server B knows the session server A opened"
        csrf = re.search(r'name="_csrf" value="([^"]+)"', profile).group(1)
        saved = browser.open(b.url + "/settings/profile", urllib.parse.urlencode({"displayName": "Ops on B", "_csrf": csrf}).encode(), timeout=30)
        assert saved.status == 200 and "Ops on B" in saved.read().decode(), "a form posted to server B with the session's CSRF token is taken"

        # A stream on server B, collecting the message ids it shows.
        streamed, stream_ready = set(), threading.Event()

        def watch():
            request = urllib.request.Request(b.url + "/api/v1/events/stream", headers={"Authorization": "Bearer " + reader})
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    for raw in response:
                        line = raw.decode()
                        if line.startswith(": connected"):
                            stream_ready.set()
                        if line.startswith("data: "):
                            streamed.add(json.loads(line[6:]).get("messageId"))
            except OSError:
                pass

        threading.Thread(target=watch, daemon=True).start()
        assert stream_ready.wait(15)

        acknowledged = {"a": set(), "b": set()}
        orders = {}
        lock, stop = threading.Lock(), threading.Event()

        def sender(name, server):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            while not stop.is_set():
                batch, made = [], {}
                for _ in range(25):
                    person = f"p-{uuid.uuid4().hex[:5]}"
                    batch.append({"type": "identify", "messageId": uuid.uuid4().hex, "userId": person,
                                  "traits": {"email": f"{person}@example.com", "plan": "pro"}})
                    reference = "O-" + uuid.uuid4().hex[:10]
                    lines = [{"sku": f"SKU-{n}", "name": f"Thing {n}", "price": 10 + n, "quantity": 1 + n % 2} for n in range(1 + len(batch) % 2)]
                    made[reference] = len(lines)
                    batch.append({"type": "track", "messageId": uuid.uuid4().hex, "userId": person, "event": "Order Completed",
                                  "properties": {"order_id": reference, "currency": "EUR", "products": lines,
                                                 "total": sum(l["price"] * l["quantity"] for l in lines)}})
                try:
                    connection.request("POST", "/v1/batch", body=json.dumps({"batch": batch}),
                                       headers={"Authorization": auth, "Content-Type": "application/json"})
                    response = connection.getresponse()
                    response.read()
                    if response.status == 200:
                        with lock:
                            acknowledged[name].update(m["messageId"] for m in batch)
                            orders.update(made)
                except OSError:
                    if name == "a":
                        return
                    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

        workers = [threading.Thread(target=sender, args=(name, server)) for name, server in [("a", a), ("a", a), ("b", b), ("b", b)]]
        for worker in workers:
            worker.start()
        deadline = time.time() + 30
        while time.time() < deadline:
            with lock:
                if len(acknowledged["a"]) >= 1500 and len(acknowledged["b"]) >= 1500:
                    break
            time.sleep(0.05)
        a.process.send_signal(signal.SIGKILL)
        a.process.wait(timeout=10)
        time.sleep(2)  # B goes on taking events alone
        stop.set()
        for worker in workers:
            worker.join(timeout=15)

        everything = acknowledged["a"] | acknowledged["b"]
        assert len(acknowledged["a"]) >= 500 and len(acknowledged["b"]) >= 500, {k: len(v) for k, v in acknowledged.items()}
        stored = set(psql(database, "select message_id from events"))
        assert not everything - stored, f"{len(everything - stored)} acknowledged events were lost"

        # B ties every event to its profile, also those A had stored but not yet resolved when it died.
        deadline = time.time() + 120
        while time.time() < deadline and psql(database, "select count(*) from events where profile_id is null") != ["0"]:
            time.sleep(0.5)
        assert psql(database, "select count(*) from events where profile_id is null") == ["0"]

        assert psql(database, "select count(*) from (select reference from orders group by reference having count(*) > 1) t") == ["0"]
        stored_lines = dict(line.split("|") for line in psql(database, "select o.reference || '|' || count(*) from orders o join order_lines l "
                                                                       "on l.order_id = o.id group by o.reference"))
        missing = [ref for ref in orders if ref not in stored_lines]
        assert not missing, f"{len(missing)} acknowledged orders were not made"
        wrong = {ref: (count, stored_lines[ref]) for ref, count in orders.items() if int(stored_lines[ref]) != count}
        assert not wrong, f"orders with their lines twice or missing: {list(wrong.items())[:5]}"
        verified = subprocess.run([b.binary, "verify", "--database", database, "--log-level", "warning"], capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr

        shown_from_a = streamed & acknowledged["a"]
        assert shown_from_a, "the stream on server B showed none of the events sent to server A"
    finally:
        if a.process.poll() is None:
            a.stop()
        b.stop()
