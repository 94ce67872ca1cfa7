"""Acknowledged means stored: a `cairn serve` killed with SIGKILL in the middle of ingestion has every messageId it
answered 200 for, on SQLite and (when CAIRN_TEST_POSTGRES_URL is set) on PostgreSQL."""
import base64
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from urllib.parse import urlparse, urlunparse

import pytest

from conftest import Server


def fresh_postgres_database():
    base = os.environ.get("CAIRN_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("CAIRN_TEST_POSTGRES_URL is unset: the PostgreSQL crash test is skipped")
    name = "cairn_kill_" + uuid.uuid4().hex[:10]
    subprocess.run(["psql", base.split("?")[0], "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {name}"], check=True)
    parts = urlparse(base)
    return urlunparse(parts._replace(path="/" + name))


def stored_message_ids(server, engine):
    if engine == "sqlite":
        with sqlite3.connect(server.database) as db:
            return {row[0] for row in db.execute("select message_id from events")}
    out = subprocess.run(["psql", server.database.split("?")[0], "-tAc", "select message_id from events"],
                         check=True, capture_output=True, text=True).stdout
    return set(out.split())


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_acknowledged_events_survive_sigkill(engine):
    database = fresh_postgres_database() if engine == "postgres" else None
    server = Server(database=database)
    key = server.write_key("crash test")
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    acknowledged, lock, stop = set(), threading.Lock(), threading.Event()

    def sender():
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        while not stop.is_set():
            ids = [uuid.uuid4().hex for _ in range(50)]
            batch = {"batch": [{"type": "track", "messageId": i, "userId": "u-" + i[:4], "event": "Crash Test"} for i in ids]}
            try:
                connection.request("POST", "/v1/batch", body=json.dumps(batch), headers={"Authorization": auth, "Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    with lock:
                        acknowledged.update(ids)
            except OSError:
                return

    workers = [threading.Thread(target=sender) for _ in range(4)]
    for worker in workers:
        worker.start()
    deadline = time.time() + 20
    while time.time() < deadline:
        with lock:
            if len(acknowledged) >= 2000:
                break
        time.sleep(0.05)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)
    stop.set()
    for worker in workers:
        worker.join(timeout=15)

    assert len(acknowledged) >= 500, f"only {len(acknowledged)} events were acknowledged before the kill"
    missing = acknowledged - stored_message_ids(server, engine)
    assert not missing, f"{len(missing)} acknowledged events were lost"
