"""Graceful shutdown of a real `cairn serve` process: SIGTERM lets an in-flight request finish."""
import http.client
import re
import signal
import threading
import time
import urllib.parse

from conftest import Server


def test_sigterm_lets_an_in_flight_request_finish():
    # bcrypt cost 15: checking the password takes about a second or more, so the sign-in is still running when
    # SIGTERM arrives.
    server = Server(bcrypt_cost=15)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request("GET", "/login")
    page = connection.getresponse()
    html = page.read().decode()
    cookie = page.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
    connection.close()

    result = {}

    def sign_in():
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        body = urllib.parse.urlencode({"email": "admin@example.com", "password": server.password, "_csrf": token})
        started = time.monotonic()
        c.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = c.getresponse()
        result["status"] = response.status
        result["cookies"] = response.getheader("Set-Cookie") or ""
        result["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=sign_in)
    worker.start()
    time.sleep(0.3)
    server.process.send_signal(signal.SIGTERM)
    worker.join(timeout=60)
    code = server.process.wait(timeout=60)
    server.log.seek(0)
    log = server.log.read()

    assert result.get("status") == 303, f"the in-flight sign-in was answered: {result}"
    assert "cairn_session=" in result["cookies"]
    assert result["seconds"] > 0.3, "the request was still running when SIGTERM was sent"
    assert code == 0, log[-2000:]
    assert "cairn stopped" in log
