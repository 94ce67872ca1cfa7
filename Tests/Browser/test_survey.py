"""A customer answers a survey on a phone, in Hebrew, with a personal link; the answer lands on their profile."""
import base64
import json
import re
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from selenium.common.exceptions import WebDriverException

from test_commerce import api
from test_web import sign_in, wait_for


def wait_text(driver, css, text):
    """Waits until the element (found afresh each time, as pages are replaced by form posts) holds the text."""
    # One script reads the text in a single step: an element found, then read in a second round trip, may belong to
    # the page the form post is replacing ("Node with given id does not belong to the document").
    def holds(d):
        try:
            found = d.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css)
        except WebDriverException:
            return False  # the document is being swapped as the script runs
        return found is not None and text in found
    WebDriverWait(driver, 15).until(holds)


def test_a_customer_answers_on_a_phone_in_hebrew(driver, server):
    manager = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "cx lead", "--role", "manager")).group(1)
    write = server.write_key("shop app")
    # The customer, known by the shop app, who agreed to be asked for feedback.
    body = json.dumps({"userId": "dana-7", "traits": {"email": "dana@example.co.il", "name": "דנה"},
                       "context": {"consent": {"categoryPreferences": {"surveys": True}}}}).encode()
    request = urllib.request.Request(server.url + "/v1/identify", data=body, headers={
        "Content-Type": "application/json", "Authorization": "Basic " + base64.b64encode((write + ":").encode()).decode()})
    assert urllib.request.urlopen(request).status == 200
    profile = None
    deadline = time.time() + 30
    while time.time() < deadline and profile is None:
        try:
            profile = api(server, manager, "GET", "/api/v1/profiles/lookup?kind=user_id&value=dana-7")["profile"]["id"]
        except urllib.error.HTTPError:
            time.sleep(0.3)
    assert profile
    survey = api(server, manager, "POST", "/api/v1/surveys", {"template": "relationship_nps"})
    api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/status", {"status": "published"})
    deadline = time.time() + 30
    invitation = None
    while time.time() < deadline and invitation is None:
        try:
            invitation = api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/invitations", {"profileId": profile})
        except urllib.error.HTTPError:
            time.sleep(0.3)  # the consent in the identify is recorded as identity resolution catches up
    assert invitation

    driver.delete_all_cookies()
    driver.set_window_size(375, 812)
    try:
        driver.get(server.url + invitation["link"] + "?lang=he")
        html = wait_for(driver, "html[dir=rtl]")
        assert html.get_attribute("lang") == "he"
        assert "מה הסיכוי שתמליץ עלינו" in driver.find_element(By.TAG_NAME, "legend").text
        assert driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
        # Right to left: 0 sits at the right edge, 10 further left.
        zero = driver.find_element(By.CSS_SELECTOR, "input[name=answer][value='0']").find_element(By.XPATH, "..")
        ten = driver.find_element(By.CSS_SELECTOR, "input[name=answer][value='10']").find_element(By.XPATH, "..")
        assert zero.location["x"] > ten.location["x"] or zero.location["y"] < ten.location["y"]
        # Every target is large enough for a thumb.
        assert zero.size["height"] >= 44 and zero.size["width"] >= 24
        # Skipping a required question is refused, politely and accessibly.
        driver.find_element(By.ID, "survey-next").click()
        wait_text(driver, "#survey-error[role=alert]", "נא לענות על שאלה זו")
        # Choose 3 and continue.
        driver.find_element(By.CSS_SELECTOR, "input[name=answer][value='3']").find_element(By.XPATH, "..").click()
        driver.find_element(By.ID, "survey-next").click()
        wait_text(driver, "label.question", "מהי הסיבה העיקרית")
        driver.find_element(By.CSS_SELECTOR, "textarea#answer").send_keys("השליח איחר ביומיים")
        driver.find_element(By.ID, "survey-next").click()
        wait_text(driver, "label.question", "מה נוכל לעשות טוב יותר")  # a detractor is asked what to improve
        driver.find_element(By.ID, "survey-next").click()  # optional: left empty
        wait_text(driver, "#survey-thanks", "תודה רבה")
        assert not driver.find_elements(By.TAG_NAME, "script")
    finally:
        driver.set_window_size(1280, 900)

    responses = api(server, manager, "GET", f"/api/v1/surveys/{survey['id']}/responses")["data"]
    assert len(responses) == 1
    response = responses[0]
    assert response["profileId"] == profile and response["complete"] is True and response["language"] == "he"
    assert response["answers"] == {"nps": 3, "why": "השליח איחר ביומיים"}
    summary = api(server, manager, "GET", f"/api/v1/surveys/{survey['id']}/summary")
    nps = summary["figures"][0]["nps"]
    assert nps["n"] == 1 and nps["detractors"] == 1 and nps["score"] == -100 and nps["warning"] == "too_few"
    # The response is on the customer's 360 page.
    sign_in(driver, server)
    driver.get(server.url + "/customers/" + profile)
    assert driver.find_elements(By.CSS_SELECTOR, "li[data-kind=feedback]")


def test_the_widget_on_a_customers_own_site(driver, server):
    """A shop's page (another origin) embeds the widget; a visitor answers in it; the response is stored."""
    import http.server
    import os
    import socketserver
    import tempfile
    import threading

    manager = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "widget", "--role", "manager")).group(1)
    write = server.write_key("shop site widget")
    survey = api(server, manager, "POST", "/api/v1/surveys", {"template": "relationship_nps", "name": "Site NPS"})
    api(server, manager, "POST", f"/api/v1/surveys/{survey['id']}/status", {"status": "published"})
    token = survey["link"].split("/")[-1]
    folder = tempfile.mkdtemp(prefix="shop-site-")
    with open(os.path.join(folder, "index.html"), "w") as page:
        page.write(f"""<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Welcome to the shop</h1>
<script src="{server.url}/static/widget.js" data-write-key="{write}" data-survey="{token}" data-anonymous-id="visitor-1" data-lang="en" async></script>
</body></html>""")
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=folder)
    site = socketserver.TCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        driver.get(f"http://127.0.0.1:{site.server_address[1]}/index.html")
        host = wait_for(driver, "#cairn-survey-widget")
        root = host.shadow_root
        WebDriverWait(driver, 15).until(lambda d: root.find_elements(By.CSS_SELECTOR, "#cairn-question"))
        assert "How likely are you to recommend us" in root.find_element(By.CSS_SELECTOR, "#cairn-question").text
        root.find_element(By.CSS_SELECTOR, "#cairn-next").click()
        assert "Please answer" in root.find_element(By.CSS_SELECTOR, "[role=alert]").text
        root.find_element(By.CSS_SELECTOR, "button[data-value='9']").click()
        root.find_element(By.CSS_SELECTOR, "#cairn-next").click()
        root.find_element(By.CSS_SELECTOR, "#cairn-text").send_keys("Quick checkout")
        root.find_element(By.CSS_SELECTOR, "#cairn-next").click()
        WebDriverWait(driver, 15).until(lambda d: root.find_elements(By.CSS_SELECTOR, "#cairn-result"))
        assert root.find_element(By.CSS_SELECTOR, "#cairn-result").text == "Thank you!"
    finally:
        site.shutdown()
    responses = api(server, manager, "GET", f"/api/v1/surveys/{survey['id']}/responses")["data"]
    assert [r["answers"] for r in responses] == [{"nps": 9, "why": "Quick checkout"}]
