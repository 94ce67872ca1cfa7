"""Survey invitations by email: a real `cairn serve` sends through a real SMTP server (aiosmtpd, on loopback) —
the invitation in each customer's language, then one reminder to the customer who has not answered."""
import base64
import email
import email.header
import json
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from aiosmtpd.controller import Controller

from conftest import Server, free_port
from test_commerce import api


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        body = message.get_payload(decode=True).decode("utf-8")
        self.messages.append({"to": envelope.rcpt_tos, "from": envelope.mail_from, "subject": subject, "body": body, "headers": dict(message.items())})
        return "250 OK"

    def wait_for(self, count, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline and len(self.messages) < count:
            time.sleep(0.2)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} emails arrived"
        return self.messages


@pytest.fixture(scope="module")
def mail():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    port = free_port()
    server = Server(port=port, extra=("--smtp-host", "127.0.0.1", "--smtp-port", str(controller.port), "--smtp-security", "none",
                                      "--smtp-from", "Shop Feedback <feedback@shop.example>", "--public-url", f"http://127.0.0.1:{port}"))
    yield server, inbox
    code, log = server.stop()
    controller.stop()
    assert code == 0, log[-2000:]
    assert "ada@example.com" not in log and "bea@example.com" not in log, "no address in the server's log"
    shutil.rmtree(server.directory, ignore_errors=True)


def identify(server, write, user, traits):
    body = json.dumps({"userId": user, "traits": traits, "context": {"consent": {"categoryPreferences": {"surveys": True}}}}).encode()
    request = urllib.request.Request(server.url + "/v1/identify", data=body, headers={
        "Content-Type": "application/json", "Authorization": "Basic " + base64.b64encode((write + ":").encode()).decode()})
    assert urllib.request.urlopen(request).status == 200


def form(url, fields):
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request) as response:
        return response.read().decode()


def test_invitations_and_one_reminder_go_out_over_smtp(mail):
    server, inbox = mail
    manager = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "cx lead", "--role", "manager")).group(1)
    write = server.write_key("shop")
    identify(server, write, "ada", {"email": "ada@example.com", "name": "Ada"})
    identify(server, write, "bea", {"email": "bea@example.com", "name": "Bea", "language": "de"})
    profiles = []
    deadline = time.time() + 30
    for user in ["ada", "bea"]:
        while time.time() < deadline:
            try:
                profiles.append(api(server, manager, "GET", f"/api/v1/profiles/lookup?kind=user_id&value={user}")["profile"]["id"])
                break
            except urllib.error.HTTPError:
                time.sleep(0.3)
    assert len(profiles) == 2
    survey = api(server, manager, "POST", "/api/v1/surveys", {"template": "post_delivery_csat"})
    api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/status", {"status": "published"})
    outcome = None
    while time.time() < deadline:
        outcome = api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/email-invitations",
                      {"profileIds": profiles, "reminderAfterHours": 48})
        if len(outcome["invited"]) == 2:
            break
        time.sleep(0.3)  # the consent in the identify is recorded as identity resolution catches up
    assert len(outcome["invited"]) == 2, outcome

    messages = inbox.wait_for(2)
    to_ada = next(m for m in messages if m["to"] == ["ada@example.com"])
    to_bea = next(m for m in messages if m["to"] == ["bea@example.com"])
    assert to_ada["from"] == "feedback@shop.example"
    assert to_ada["subject"] == "Your delivery" and to_bea["subject"] == "Ihre Lieferung"
    link = re.search(r"(http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]+)\?lang=en", to_ada["body"]).group(1)
    assert f"{link}/withdraw?lang=en" in to_ada["body"]
    assert to_ada["headers"]["List-Unsubscribe"] == f"<{link}/withdraw?lang=en>"
    assert "?lang=de" in to_bea["body"] and "Wenn Sie keine Umfragen mehr" in to_bea["body"]

    # Ada answers through her link: the score, then the comment, which completes the survey.
    page = form(link, {"question": "csat", "answer": "5"})
    held = re.search(r'name="r" value="([^"]+)"', page).group(1)
    form(link, {"question": "why", "answer": "Quick and friendly delivery.", "r": held})

    # The reminders are sent now instead of in 48 hours: only Bea, who has not answered, gets one.
    assert api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/reminders")["remindersDue"] == 2
    messages = inbox.wait_for(3)
    assert messages[2]["to"] == ["bea@example.com"] and messages[2]["subject"] == "Erinnerung: Ihre Lieferung"
    log = []
    while time.time() < deadline + 30:
        log = api(server, manager, "GET", f"/api/v1/surveys/{survey['id']}/emails")["data"]
        if not any(e["status"] == "scheduled" for e in log):
            break
        time.sleep(0.3)
    ada_reminder = next(e for e in log if e["profileId"] == profiles[0] and e["kind"] == "reminder")
    assert ada_reminder["status"] == "skipped" and ada_reminder["lastError"] == "answered"
    assert sum(e["status"] == "sent" for e in log) == 3
    assert api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/reminders")["remindersDue"] == 0, "one reminder each, never a second"
    time.sleep(1)
    assert len(inbox.messages) == 3

    # Bea follows the withdraw link in her email: she is asked no more.
    bea_link = re.search(r"(http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]+)/withdraw\?lang=de", messages[2]["body"]).group(1)
    form(bea_link + "/withdraw?lang=de", {})
    again = api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/email-invitations", {"profileIds": [profiles[1]]})
    assert again["skipped"] == [{"profileId": profiles[1], "reason": "no_consent"}]
