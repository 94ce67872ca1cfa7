"""Segment's and RudderStack's own Python client libraries send to a live `cairn serve` with only their host changed."""
import sqlite3

import pytest


def stored(server, user_id):
    with sqlite3.connect(server.database) as db:
        return db.execute("select kind, name, channel, payload from events where user_id = ? order by timestamp", (user_id,)).fetchall()


def test_segment_python_library(server):
    segment = pytest.importorskip("segment.analytics")
    errors = []
    client = segment.Client(write_key=server.write_key("segment"), host=server.url, sync_mode=True,
                            on_error=lambda error, batch: errors.append(error))
    client.identify("seg-user", {"email": "seg@example.com", "name": "Zoë 🚀"})
    client.track("seg-user", "Order Completed", {"total": 9.99, "currency": "EUR"}, context={"channel": "store"})
    client.page("seg-user", category="Docs", name="Getting started")
    client.flush()
    assert errors == []
    rows = stored(server, "seg-user")
    assert [r[0] for r in rows] == ["identify", "track", "page"]
    assert rows[1][1] == "Order Completed" and rows[1][2] == "store"
    assert "Zoë 🚀" in rows[0][3]


def test_rudderstack_python_library(server):
    rudder = pytest.importorskip("rudderstack.analytics")
    errors = []
    client = rudder.Client(write_key=server.write_key("rudderstack"), host=server.url, sync_mode=True, gzip=True,
                           on_error=lambda error, batch: errors.append(error))
    client.identify("rs-user", {"email": "rs@example.com"})
    client.track("rs-user", "Case Opened", {"priority": "high"})
    client.alias("rs-anon", "rs-user")
    client.flush()
    assert errors == []
    rows = stored(server, "rs-user")
    assert sorted(r[0] for r in rows) == ["alias", "identify", "track"]
