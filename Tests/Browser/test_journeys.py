"""Journeys in Chromium: a funnel built in the page, broken down by channel, at phone width in Hebrew — the figures are
the ones worked by hand for these timelines, nothing scrolls sideways, and a person who dropped out links to their
customer page."""
import base64
import datetime
import json
import re
import time
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Server
from test_web import sign_in, wait_for


def request(server, method, path, body=None, key=None, basic=None):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = "Bearer " + key
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode((basic + ":").encode()).decode()
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(server.url + path, method=method, data=data, headers=headers)) as response:
        text = response.read()
        return json.loads(text) if text else None


@pytest.fixture(scope="module")
def shop():
    server = Server()
    manager = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "journeys", "--role", "manager")).group(1)
    write = server.write_key("journeys site")
    start = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    at = lambda minutes: (start + datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Hand-worked, 7-day window: maya (web) views, adds, buys in the store; noam (app) views and adds; tal (web) only views.
    timeline = [("maya", "Product Viewed", "web", 0), ("maya", "Product Added", "web", 5), ("maya", "Order Completed", "store", 60),
                ("noam", "Product Viewed", "app", 0), ("noam", "Product Added", "app", 2),
                ("tal", "Product Viewed", "web", 10)]
    batch = [{"type": "track", "userId": user, "event": event, "timestamp": at(minutes), "messageId": f"j-{index}", "context": {"channel": channel}}
             for index, (user, event, channel, minutes) in enumerate(timeline)]
    request(server, "POST", "/v1/batch", {"batch": batch}, basic=write)
    # Resolution runs in the background: wait until all three people are known.
    deadline = time.time() + 30
    while time.time() < deadline:
        found = request(server, "POST", "/api/v1/funnels/query", {"steps": [{"event": "Product Viewed"}, {"event": "Product Added"}]}, key=manager)
        if found["entered"] == 3:
            break
        time.sleep(0.3)
    yield {"server": server, "manager": manager}
    server.stop()


def test_a_funnel_with_a_breakdown_at_phone_width_in_hebrew(driver, shop):
    server = shop["server"]
    sign_in(driver, server)
    driver.set_window_size(375, 812)
    try:
        driver.get(server.url + "/journeys?lang=he")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
        inputs = driver.find_elements(By.CSS_SELECTOR, "#funnel-form input[name=step]")
        for box, event in zip(inputs, ["Product Viewed", "Product Added", "Order Completed"]):
            box.send_keys(event)
        driver.find_element(By.CSS_SELECTOR, "select[name=by] option[value=channel]").click()
        driver.find_element(By.ID, "funnel-run").click()
        wait_for(driver, "#funnel-result")
        people = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#funnel-steps td[data-people]")]
        assert people == ["3", "2", "1"]
        # First touch: maya and tal viewed on the web, noam in the app.
        rows = {row.get_attribute("data-group"): [c.text for c in row.find_elements(By.CSS_SELECTOR, "td.num")][:3]
                for row in driver.find_elements(By.CSS_SELECTOR, "#funnel-groups tbody tr")}
        assert rows == {"web": ["2", "1", "1"], "app": ["1", "1", "0"]}
        # Event names (of unknown direction) are isolated in the Hebrew page.
        assert driver.find_element(By.CSS_SELECTOR, "#funnel-steps tr[data-step='1'] bdi").text == "Product Viewed"
        assert driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 1, "the funnel fits a phone"
        # Tal dropped after step 1: the link leads to the customer's page.
        link = driver.find_element(By.CSS_SELECTOR, "#funnel-steps tr[data-step='1'] a.dropped-link")
        link.click()
        WebDriverWait(driver, 15).until(lambda d: re.search(r"/customers/[0-9a-f-]{36}", d.current_url))
        assert "tal" in driver.page_source
        # A bad window is refused with the field named, the steps kept.
        query = urllib.parse.urlencode([("step", "Product Viewed"), ("step", "Product Added"), ("windowDays", "0"), ("lang", "en")])
        driver.get(server.url + "/journeys?" + query)
        assert "windowMinutes" in driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
        assert driver.find_elements(By.CSS_SELECTOR, "#funnel-form input[name=step]")[1].get_attribute("value") == "Product Added"
    finally:
        driver.set_window_size(1280, 900)


def test_the_journey_map_in_hebrew(driver, shop):
    """The map of a three-stage journey on the same timelines: stages run right to left in Hebrew, the numbers are the
    hand-worked ones (3 considered, 2 added, 1 bought; tal stopped at the first), a drop-off number opens the people
    behind it, and one of them opens the customer's page; at phone width the page itself does not scroll sideways."""
    server = shop["server"]
    journey = request(server, "POST", "/api/v1/journeys", {"name": "Shopper", "stages": [
        {"name": "Consider", "events": ["Product Viewed"]}, {"name": "Add", "events": ["Product Added"]}, {"name": "Buy", "events": ["Order Completed"]}]},
        key=shop["manager"])
    sign_in(driver, server)
    driver.get(server.url + f"/journeys/map?journey={journey['id']}&lang=he")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    svg = wait_for(driver, "#journey-map")
    assert svg.get_attribute("direction") == "rtl"
    people = [driver.find_element(By.CSS_SELECTOR, f"g[data-stage='{n}'] .stage-people").text for n in (1, 2, 3)]
    assert people == ["3", "2", "1"]
    first = driver.find_element(By.CSS_SELECTOR, "g[data-stage='1'] .stage-name").rect["x"]
    last = driver.find_element(By.CSS_SELECTOR, "g[data-stage='3'] .stage-name").rect["x"]
    assert first > last, "stages run right to left in Hebrew"
    lanes = {el.get_attribute("data-lane") for el in driver.find_elements(By.CSS_SELECTOR, "#journey-map .lane-label")}
    assert lanes == {"web", "app", "store"}
    # Stage names (of unknown direction) are isolated in the table.
    assert driver.find_element(By.CSS_SELECTOR, "#map-stages tr[data-stage='1'] th bdi").text == "Consider"
    # Tal stopped after considering: the drop-off number opens the people, one of whom opens the customer.
    driver.find_element(By.CSS_SELECTOR, "g[data-stage='1'] a[data-people='dropped']").click()
    WebDriverWait(driver, 15).until(lambda d: "/journeys/map/people" in d.current_url)
    profiles = driver.find_elements(By.CSS_SELECTOR, "#map-people a")
    assert len(profiles) == 1
    profiles[0].click()
    WebDriverWait(driver, 15).until(lambda d: re.search(r"/customers/[0-9a-f-]{36}", d.current_url))
    assert "tal" in driver.page_source
    driver.set_window_size(375, 812)
    try:
        driver.get(server.url + f"/journeys/map?journey={journey['id']}&lang=he")
        wait_for(driver, "#journey-map")
        assert driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 1, "the map scrolls in its box, not the page"
    finally:
        driver.set_window_size(1280, 900)
