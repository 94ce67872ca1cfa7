"""What customers write, on a live `cairn serve`: a Chinese comment gets its sentiment, and a topic the workspace adds
later is found in the answers given before it, by the server's background job."""
import json
import re
import time
import urllib.request

from test_commerce import api


def answer(server, write, link, score, why):
    body = json.dumps({"writeKey": write, "answers": {"nps": score, "why": why}}).encode()
    request = urllib.request.Request(server.url + "/v1/surveys/" + link.removeprefix("/s/") + "/responses", data=body,
                                     headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 201


def test_earlier_answers_are_read_again_for_a_new_topic(server):
    manager = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "topics", "--role", "manager")).group(1)
    write = server.write_key("text shop")
    survey = api(server, manager, "POST", "/api/v1/surveys", {"template": "relationship_nps"})
    api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/status", {"status": "published"})
    answer(server, write, survey["link"], 3, "快递太慢了，客服态度也不好。")
    answer(server, write, survey["link"], 4, "Parking near the store was awful.")
    answer(server, write, survey["link"], 9, "Parkplatz direkt vor der Tür, sehr praktisch.")

    # The widget's API acknowledges at once; the server's background reader reads the text just after.
    deadline = time.time() + 30
    listed = api(server, manager, "GET", f"/api/v1/surveys/{survey['id']}/responses")["data"]
    while time.time() < deadline and not all(r.get("insights") for r in listed):
        time.sleep(0.2)
        listed = api(server, manager, "GET", f"/api/v1/surveys/{survey['id']}/responses")["data"]
    chinese = next(r for r in listed if r["insights"]["why"]["language"] == "zh")
    assert chinese["sentimentLabel"] == "negative" and chinese["sentiment"] < 0

    topics = {"topics": [{"id": "parking", "name": "Parking", "keywords": {"en": ["parking"], "de": ["parkplatz"]}}]}
    assert api(server, manager, "PUT", "/api/v1/feedback-topics", topics)["rereading"]["reason"] == "topics"
    deadline = time.time() + 30
    while time.time() < deadline and api(server, manager, "GET", "/api/v1/feedback-topics")["rereading"] is not None:
        time.sleep(0.3)
    assert api(server, manager, "GET", "/api/v1/feedback-topics")["rereading"] is None, "the server's job read the answers again"
    points = api(server, manager, "GET", f"/api/v1/surveys/{survey['id']}/topics?period=month")["data"]
    parking = next(p for p in points if p["topic"] == "parking")
    assert parking["responses"] == 2 and parking["negative"] == 1 and parking["positive"] == 1, parking
    api(server, manager, "PUT", "/api/v1/feedback-topics", {"topics": []})
