"""Every main page as a newcomer meets it, with real data behind it, in all four languages: axe-core 4.x finds no
violations; at 375 px nothing scrolls sideways and the menu reaches every section; and the pages found broken stay
fixed (empty customer links, /customers/nil, a units-sold report by product with one undivided bar, scrambled
timestamps in Hebrew, untranslated statuses, raw ids)."""
import base64
import datetime
import importlib.util
import json
import os
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ARTIFACTS, Server
from test_web import sign_in

LANGUAGES = ["en", "de", "zh-Hans", "he"]


def axe_source():
    """axe-core's own build, as the axe-playwright-python package ships it (version 4.x)."""
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec and spec.submodule_search_locations, "install axe-playwright-python (it carries axe.min.js)"
    with open(os.path.join(list(spec.submodule_search_locations)[0], "axe.min.js"), encoding="utf-8") as f:
        return f.read()


def run_axe(driver, source):
    driver.execute_script(source)
    version = driver.execute_script("return axe.version")
    assert version.startswith("4."), version
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))
        })))).catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));
    """)
    return result


def request(server, method, path, body=None, key=None, basic=None, content_type="application/json"):
    headers = {"Content-Type": content_type}
    if key:
        headers["Authorization"] = "Bearer " + key
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode((basic + ":").encode()).decode()
    data = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(server.url + path, method=method, data=data, headers=headers)) as response:
        text = response.read()
        return json.loads(text) if text else None


def eventually(probe, seconds=30):
    deadline = time.time() + seconds
    while True:
        try:
            value = probe()
            if value:
                return value
        except urllib.error.HTTPError:
            pass
        if time.time() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def world():
    """A server of its own with a small shop in it: products and orders, a parcel, a customer with a Hebrew name and a
    timeline, a published survey with answers in four languages (one anonymous)."""
    server = Server()
    folder = server.directory
    with open(os.path.join(folder, "products.csv"), "w") as f:
        f.write("sku,name,category,price,currency\nBOOT,Walking boot,Shoes,89.90,EUR\nSOCK,Wool sock,Apparel,7.50,EUR\n"
                "CAP,Sun cap,Apparel,19.00,EUR\n")
    server.cli("import", "products", os.path.join(folder, "products.csv"))
    today = datetime.datetime.now(datetime.timezone.utc).date()
    day = lambda offset: (today - datetime.timedelta(days=offset)).isoformat() + "T09:00:00Z"
    with open(os.path.join(folder, "orders.csv"), "w") as f:
        f.write("order_id,placed_at,currency,channel,status,email,sku,quantity\n"
                f"P-1,{day(3)},EUR,web,paid,dana@example.co.il,BOOT,1\n"
                "P-1,,,,,,SOCK,3\n"
                f"P-2,{day(2)},EUR,store,delivered,,CAP,2\n"
                f"P-3,{day(1)},EUR,app,placed,dana@example.co.il,SOCK,2\n")
    server.cli("import", "orders", os.path.join(folder, "orders.csv"))
    manager = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "pages", "--role", "manager")).group(1)
    write = server.write_key("shop site")

    # A year and a half of a shop's history, so that customer value, churn risk and the revenue forecast have something
    # to show: 60 customers, each first buying 200–500 days ago and coming back every 20–120 days until they stop.
    rng = random.Random(3)
    request(server, "POST", "/v1/batch", {"batch": [{"type": "identify", "userId": f"shop-{n}", "traits": {"name": f"Kunde {n}"}}
                                                    for n in range(60)]}, basic=write)
    eventually(lambda: request(server, "GET", "/api/v1/profiles/lookup?kind=user_id&value=shop-59", key=manager)["profile"]["id"])
    with open(os.path.join(folder, "history.csv"), "w") as f:
        f.write("order_id,placed_at,currency,channel,status,user_id,sku,quantity\n")
        for n in range(60):
            ago, number = rng.randint(200, 500), 0
            while ago > 0:
                f.write(f"H-{n}-{number},{day(ago)},EUR,{rng.choice(['web', 'app', 'store'])},delivered,shop-{n},{rng.choice(['BOOT', 'SOCK', 'CAP'])},{rng.randint(1, 3)}\n")
                number += 1
                if rng.random() < 0.2:
                    break
                ago -= rng.randint(20, 120)
    server.cli("import", "orders", os.path.join(folder, "history.csv"))
    assert request(server, "POST", "/api/v1/value/recompute", b"", key=manager)["model"]["customers"] >= 60

    request(server, "POST", "/v1/identify", {"userId": "dana-7", "traits": {"email": "dana@example.co.il", "name": "דנה כהן"},
                                              "context": {"consent": {"categoryPreferences": {"surveys": True}}}}, basic=write)
    for event in ["Product Viewed", "Checkout Started"]:
        request(server, "POST", "/v1/track", {"userId": "dana-7", "event": event, "properties": {"sku": "BOOT"}}, basic=write)
    profile = eventually(lambda: request(server, "GET", "/api/v1/profiles/lookup?kind=user_id&value=dana-7", key=manager)["profile"]["id"])
    order = request(server, "POST", "/api/v1/orders", {"orderId": "P-4", "userId": "dana-7", "currency": "EUR", "channel": "web",
                                                      "lines": [{"sku": "CAP", "quantity": 1}], "placedAt": day(0)}, key=manager)["id"]
    request(server, "POST", f"/api/v1/orders/{order}/transactions", {"kind": "payment", "amount": "19.00", "method": "card"}, key=manager)
    tomorrow = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    request(server, "POST", "/api/v1/shipments", {"orderId": order, "carrier": "DHL", "trackingNumber": "JD014", "promisedAt": tomorrow}, key=manager)

    service_case = request(server, "POST", "/api/v1/cases", {"profileId": profile, "channel": "chat", "subject": "Boot too small — החלפה",
                                                            "message": "Can I swap the boot for a bigger size?", "orderId": order}, key=manager)["case"]["id"]
    # Service setup with something in every list: a team on Jerusalem's week, a policy, a status, a canned reply, an article.
    team = request(server, "POST", "/api/v1/teams", {"name": "מוקד — Hotline", "calendar": {"timeZone": "Asia/Jerusalem",
                   "hours": {"sun": [["08:00", "12:00"], ["13:00", "17:00"]], "mon": [["08:00", "17:00"]]}, "holidays": ["2026-12-25"]}}, key=manager)
    request(server, "POST", "/api/v1/sla-policies", {"name": "Urgent chat", "priorities": ["urgent"], "channels": ["chat"], "firstResponseMinutes": 5,
                                                    "resolutionMinutes": 240, "escalation": {"raisePriority": True, "reassignTeamId": team["id"]}}, key=manager)
    request(server, "POST", "/api/v1/case-statuses", {"name": "waiting for parts", "behavesLike": "on_hold"}, key=manager)
    request(server, "POST", "/api/v1/canned-replies", {"title": "Refund", "bodies": {"en": "Hi {name}, your refund is on its way.", "he": "שלום {name}, ההחזר בדרך."}}, key=manager)
    request(server, "POST", "/api/v1/kb-articles", {"language": "he", "title": "החזרות", "body": "אפשר להחזיר תוך 30 יום."}, key=manager)
    survey = request(server, "POST", "/api/v1/surveys", {"template": "relationship_nps"}, key=manager)
    request(server, "POST", f"/api/v1/surveys/{survey['id']}/status", {"status": "published"}, key=manager)
    token = survey["link"].split("/")[-1]
    answers = [({"nps": 3, "why": "Staff great, delivery awful — it took two weeks."}, "dana-7", "en"),
               ({"nps": 9, "why": "Die Lieferung war schnell, der Preis ist super."}, None, "de"),
               ({"nps": 10, "why": "物流很快，质量很好"}, None, "zh"),
               ({"nps": 6, "why": "המשלוח הגיע באיחור אבל השירות היה מצוין"}, None, "he")]
    for values, user, language in answers:
        body = {"writeKey": write, "language": language, "answers": values}
        if user:
            body["userId"] = user
        request(server, "POST", f"/v1/surveys/{token}/responses", json.dumps(body).encode(), content_type="text/plain")
    # The widget's API acknowledges at once; the server's background reader reads the text just after.
    deadline = time.time() + 30
    responses = request(server, "GET", f"/api/v1/surveys/{survey['id']}/responses", key=manager)["data"]
    while time.time() < deadline and not all(r.get("insights") for r in responses):
        time.sleep(0.2)
        responses = request(server, "GET", f"/api/v1/surveys/{survey['id']}/responses", key=manager)["data"]
    assert all(r.get("insights") for r in responses), "the background reader read every answer's text"
    # What 30 of the shop's customers value most, for personas: three kinds of answer.
    values_survey = request(server, "POST", "/api/v1/surveys", {"template": "customer_values"}, key=manager)
    request(server, "POST", f"/api/v1/surveys/{values_survey['id']}/status", {"status": "published"}, key=manager)
    values_token = values_survey["link"].split("/")[-1]
    orders = [["price", "speed", "quality", "service", "sustainability"], ["sustainability", "quality", "service", "speed", "price"],
              ["quality", "service", "sustainability", "speed", "price"]]
    for n in range(30):
        request(server, "POST", f"/v1/surveys/{values_token}/responses",
                json.dumps({"writeKey": write, "userId": f"shop-{n}", "language": "de", "answers": {"values": orders[n % 3]}}).encode(),
                content_type="text/plain")
    personas = eventually(lambda: request(server, "POST", "/api/v1/personas/recompute", b"", key=manager)["model"])
    assert personas["k"] >= 2
    # A segment kept current from here on: the shop's regular customers who have not looked at a product.
    segment = request(server, "POST", "/api/v1/segments", {"name": "Stammkunden — לקוחות קבועים", "description": "Kunde …",
                                                          "rule": {"all": [{"trait": {"name": "name", "op": "starts_with", "value": "Kunde"}},
                                                                           {"not": {"event": {"name": "Product Viewed", "withinDays": 90}}}]}}, key=manager)
    assert segment["memberCount"] == 60
    # Two stores, five employees in one of them, a pulse four of them answered (no figure yet), one link kept unused.
    store = request(server, "POST", "/api/v1/stores", {"code": "tel-aviv", "name": "תל אביב — Dizengoff", "city": "Tel Aviv", "country": "IL",
                                                       "location": {"latitude": 32.08, "longitude": 34.78}}, key=manager)
    request(server, "POST", "/api/v1/stores", {"code": "berlin", "name": "Berlin Mitte", "city": "Berlin", "country": "DE"}, key=manager)
    for n in range(5):
        request(server, "POST", "/api/v1/employees", {"name": f"עובד {n}", "storeId": store["id"]}, key=manager)
    pulse = request(server, "POST", "/api/v1/pulses", {"name": "Frühjahr — אביב", "days": 14}, key=manager)
    for link in pulse["links"][:4]:
        urllib.request.urlopen(urllib.request.Request(server.url + link["path"], method="POST", data=b"score=8&comment=Mehr+Personal",
                                                      headers={"Content-Type": "application/x-www-form-urlencoded"})).read()
    # A draft for the survey builder: a ranking question's options as rows, a branch to show.
    draft = request(server, "POST", "/api/v1/surveys", {"template": "customer_values", "name": "Werte — ערכים"}, key=manager)
    yield {"server": server, "manager": manager, "segment": segment["id"], "draft": draft["id"], "store": store["id"], "pulse": pulse["pulse"]["id"],
           "pulseLink": pulse["links"][4]["path"], "write": write, "profile": profile, "order": order, "survey": survey["id"], "token": token, "case": service_case,
           "responses": responses, "from": (today - datetime.timedelta(days=7)).isoformat(), "until": today.isoformat()}
    server.stop()


def main_pages(world):
    return ["/", "/start", "/customers", f"/customers/{world['profile']}", "/live", "/commerce", f"/commerce/orders/{world['order']}",
            "/commerce/deliveries", "/commerce/products", f"/commerce/units-sold?by=product&from={world['from']}&until={world['until']}",
            "/feedback", "/feedback/responses", "/feedback/topics", "/feedback/surveys", f"/feedback/surveys/{world['survey']}",
            "/service", "/service/insights", "/service/notifications", "/service/setup", f"/service/cases/{world['case']}", "/journeys",
            "/journeys?step=Product+Viewed&step=Checkout+Started&by=channel&period=week", "/journeys/paths?event=Product+Viewed&direction=after",
            "/journeys/map", "/journeys/map/people?stage=2&kind=reached", "/insights/alerts", "/insights/value", "/insights/forecast?period=month", "/insights/roi",
            "/insights/roi/customers?group=detractors",
            "/customers?tier=top", "/insights/personas", "/customers/segments", f"/customers/segments/{world['segment']}", "/customers/segments/new",
            f"/customers?segment={world['segment']}", "/workforce", f"/workforce/pulses/{world['pulse']}", f"/workforce/my-store?store={world['store']}",
            f"/feedback/surveys/{world['draft']}/build", f"/feedback/surveys/{world['draft']}/preview?width=desktop",
            f"/feedback/surveys/{world['draft']}/preview?width=phone&language=he",
            f"/insights?surveyId={world['survey']}", "/insights/scorecard?metric=nps&by=channel", "/insights", "/settings/workspace", "/settings/users", "/settings/keys", "/settings/sources",
            "/settings/audit", "/settings/profile"]


def with_language(path, language):
    return path + ("&" if "?" in path else "?") + "lang=" + language


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_violations_on_any_main_page(driver, world, language):
    server = world["server"]
    source = axe_source()
    sign_in(driver, server, password=server.password)
    found = {}
    for width in [1280, 375]:
        driver.set_window_size(width, 900)
        try:
            for path in main_pages(world):
                driver.get(server.url + with_language(path, language))
                assert "Something is not right" not in driver.page_source, path
                violations = run_axe(driver, source)
                if violations:
                    found[f"{path} @{width}px"] = violations
        finally:
            driver.set_window_size(1280, 900)
    # The public survey page, as a customer sees it.
    driver.delete_all_cookies()
    driver.get(server.url + f"/s/{world['token']}?lang={language.split('-')[0]}")
    violations = run_axe(driver, source)
    if violations:
        found["/s/…"] = violations
    # The public pulse page, as an employee sees it (at a phone's width too).
    for width in [1280, 375]:
        driver.set_window_size(width, 900)
        try:
            driver.get(server.url + world["pulseLink"] + f"?lang={language.split('-')[0]}")
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == ("rtl" if language == "he" else "ltr")
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"the pulse page scrolls sideways by {overflow}px at {width}px in {language}"
            violations = run_axe(driver, source)
            if violations:
                found[f"/pulse/… @{width}px"] = violations
        finally:
            driver.set_window_size(1280, 900)
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_page_fits_a_phone_and_its_menu_reaches_every_section(driver, world, language):
    server = world["server"]
    sign_in(driver, server, password=server.password)
    driver.set_window_size(375, 812)
    try:
        for path in main_pages(world):
            driver.get(server.url + with_language(path, language))
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone in {language}"
        # The menu: closed, it hides the sections; opened, every one (Settings too) is on screen and can be tapped.
        driver.get(server.url + with_language("/", language))
        toggle = driver.find_element(By.ID, "menu-toggle")
        assert toggle.is_displayed()
        toggle.click()
        for link in driver.find_elements(By.CSS_SELECTOR, "nav#main-nav a"):
            assert link.is_displayed(), link.get_attribute("href")
            rect = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.right]", link)
            assert rect[0] >= 0 and rect[1] <= 376, f"{link.get_attribute('href')} is off-screen at {rect}"
        settings = driver.find_element(By.CSS_SELECTOR, "nav#main-nav a[data-nav='settings']")
        settings.click()
        assert "/settings" in driver.current_url
    finally:
        driver.set_window_size(1280, 900)


def test_pages_found_broken_stay_fixed(driver, world):
    server = world["server"]
    sign_in(driver, server, password=server.password)
    # Orders list and order page: the customer link has the customer's name as its text.
    driver.get(server.url + "/commerce")
    links = driver.find_elements(By.CSS_SELECTOR, "#orders a[href^='/customers/']")
    assert links and all(link.text.strip() for link in links), "every customer link has text"
    driver.get(server.url + f"/commerce/orders/{world['order']}")
    customer = driver.find_element(By.CSS_SELECTOR, "main a[href^='/customers/']")
    assert customer.text.strip(), "the order's customer link has text"
    # Status translated; order history names who did it, never event:UUID or user:UUID.
    driver.get(server.url + f"/commerce/orders/{world['order']}?lang=de")
    assert not re.search(r"\b(event|user):[0-9a-f-]{8,}", driver.page_source)
    driver.get(server.url + "/commerce?lang=de")
    statuses = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#orders .badge[class*='status-']")]
    assert statuses and "paid" not in statuses and "placed" not in statuses, statuses
    # An anonymous response's "Customer profile" never leads to /customers/nil.
    driver.get(server.url + "/feedback/responses")
    assert "/customers/nil" not in driver.page_source
    # The public survey page: no <img src="nil">, no empty error box.
    driver.delete_all_cookies()
    driver.get(server.url + f"/s/{world['token']}")
    assert not driver.find_elements(By.CSS_SELECTOR, "img[src='nil']")
    assert not [e for e in driver.find_elements(By.CSS_SELECTOR, ".error, [role=alert]") if e.is_displayed() and not e.text.strip()]
    sign_in(driver, server, password=server.password)
    # Units sold by product: one bar segment per product per period, and a legend naming each product.
    driver.get(server.url + f"/commerce/units-sold?by=product&period=day&from={world['from']}&until={world['until']}")
    legend = [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#units-legend li")]
    assert len(legend) >= 3 and any("Walking boot" in item for item in legend), legend
    segments = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect[data-series]")
    assert len({s.get_attribute("data-series") for s in segments}) >= 3
    # A one-day report is a report.
    driver.get(server.url + f"/commerce/units-sold?from={world['until']}&until={world['until']}")
    assert "Something is not right" not in driver.page_source and not driver.find_elements(By.CSS_SELECTOR, ".form-error")
    # The NPS chart's axis runs −100…100; chart labels stay readable at 375 px (at least 11 px on screen).
    driver.get(server.url + "/feedback")
    ticks = [t.get_attribute("textContent") for t in driver.find_elements(By.CSS_SELECTOR, "svg.chart[aria-labelledby^='nps-trend'] .axis-y text")]
    assert "100" in ticks and ("-100" in ticks or "−100" in ticks), ticks
    driver.set_window_size(375, 812)
    try:
        for path in ["/feedback", f"/commerce/units-sold?by=product&from={world['from']}&until={world['until']}", "/"]:
            driver.get(server.url + path)
            sizes = driver.execute_script("""return [...document.querySelectorAll('svg.chart text')].filter(t => t.getBBox().width > 0)
                .map(t => parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b))""")
            assert sizes and min(sizes) >= 10.5, f"{path}: chart text as small as {min(sizes) if sizes else None}px on a phone"
    finally:
        driver.set_window_size(1280, 900)
    # Hebrew: an English event name and its time keep their order (each isolated), on the customer's timeline and the
    # live page.
    driver.get(server.url + f"/customers/{world['profile']}?lang=he")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    for item in driver.find_elements(By.CSS_SELECTOR, "#timeline li"):
        html = item.get_attribute("innerHTML")
        assert "<bdi" in html or 'dir="auto"' in html, html
    # Tables' headers line up with their columns (a number column's header sits at its end, as the numbers do).
    for path in ["/feedback", f"/commerce/units-sold?by=product&from={world['from']}&until={world['until']}", "/commerce",
                 f"/commerce/orders/{world['order']}", "/commerce/products", "/feedback/topics"]:
        driver.get(server.url + path)
        misaligned = driver.execute_script("""return [...document.querySelectorAll('main table')].flatMap(table => {
            const heads = [...table.querySelectorAll('thead th')], row = table.querySelector('tbody tr');
            if (!row) return [];
            const cells = [...row.children];
            if (cells.length !== heads.length) return [table.id + ': ' + heads.length + ' headers, ' + cells.length + ' cells'];
            return heads.flatMap((th, i) => getComputedStyle(th).textAlign === getComputedStyle(cells[i]).textAlign ? []
                : [table.id + ' column ' + (i + 1) + ': ' + getComputedStyle(th).textAlign + ' over ' + getComputedStyle(cells[i]).textAlign]);
        })""")
        assert not misaligned, f"{path}: {misaligned}"
    # Raw values never reach a page: the audit log and the customer's consent history name people, not user:UUID;
    # "Orders: 1", not "1 orders"; a language is shown once ("zh", not "zh (zh)").
    raw = re.compile(r">[^<]*\b(user|key|event):[0-9a-f]{8}-[0-9a-f-]{20,}")
    for path in ["/settings/audit", f"/customers/{world['profile']}", f"/commerce/orders/{world['order']}"]:
        driver.get(server.url + path)
        assert not raw.search(driver.page_source), path
        assert "1 orders" not in driver.page_source, path
    driver.get(server.url + "/feedback/responses")
    assert not re.search(r"\b(en|de|he|zh) \(\1\)", driver.find_element(By.TAG_NAME, "main").text)


UNISOLATED = r"""
    // Text that is a value, not the interface's own words: a time, an amount with its currency, a signed score, or the
    // name in a link to a customer, survey or order. Each must sit inside <bdi> or an element with dir.
    const value = /\d{4}-\d\d-\d\d|\d[\d.,]* [A-Z]{3}\b|[+\u2212-]\d+\.\d\d/;
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent.closest('bdi, [dir]:not(html), script, style, option, textarea, svg')) continue;
        const link = parent.closest('a[href^="/customers/"], a[href^="/feedback/surveys/"], a[href^="/commerce/orders/"]');
        if (value.test(node.textContent) || (link && /[A-Za-z]/.test(node.textContent)))
            found.push(parent.outerHTML.slice(0, 160));
    }
    return found;
"""


def test_hebrew_pages_isolate_values_of_unknown_direction(driver, world):
    """On a right-to-left page every table cell or list item holding Latin text or digits among other words keeps each
    value isolated (<bdi> or dir), so "Checkout 17:22 2026-12-05 UTC" never comes out scrambled."""
    server = world["server"]
    sign_in(driver, server, password=server.password)
    found = {}
    for path in main_pages(world):
        driver.get(server.url + with_language(path, "he"))
        cells = driver.execute_script(UNISOLATED)
        if cells:
            found[path] = cells[:4]
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
    # The live page writes each new event with its values isolated.
    driver.get(server.url + "/live?lang=he")
    write = world["write"]
    request(server, "POST", "/v1/track", {"userId": "dana-7", "event": "Checkout Completed"}, basic=write)
    item = eventually(lambda: driver.find_elements(By.CSS_SELECTOR, "#live-events li"), seconds=15)[0]
    assert item.get_attribute("innerHTML").count("<bdi") >= 3, item.get_attribute("innerHTML")


@pytest.mark.parametrize("language", ["de", "he"])
def test_segment_builder_needs_no_json(driver, world, language):
    """A CX lead builds a segment with the builder alone: each condition shows only its own inputs, conditions are
    added and removed, the count is previewed, and the saved segment's page shows its members and its rule in words —
    in German and in Hebrew (right to left), on a desktop and on a phone."""
    server = world["server"]
    sign_in(driver, server, password=server.password)
    for width in [1280, 375]:
        driver.set_window_size(width, 900)
        try:
            driver.get(server.url + with_language("/customers/segments/new", language))
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == ("rtl" if language == "he" else "ltr")
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"the builder scrolls sideways by {overflow}px at {width}px"
            rows = driver.find_elements(By.CSS_SELECTOR, "#segment-rows .condition")
            assert len(rows) == 3
            first, second = rows[0], rows[1]
            # Before a kind is chosen only the kind and its negation show; a trait shows name, comparison and value.
            assert not first.find_element(By.NAME, "field").is_displayed()
            Select(first.find_element(By.NAME, "kind")).select_by_value("trait")
            assert first.find_element(By.NAME, "field").is_displayed() and first.find_element(By.NAME, "op").is_displayed()
            assert not first.find_element(By.NAME, "count").is_displayed() and not first.find_element(By.NAME, "tier").is_displayed()
            first.find_element(By.NAME, "field").send_keys("name")
            Select(first.find_element(By.NAME, "op")).select_by_value("starts_with")
            first.find_element(By.NAME, "value").send_keys("Kunde")
            # The second: did not view a product in 90 days.
            Select(second.find_element(By.NAME, "kind")).select_by_value("event")
            assert second.find_element(By.NAME, "count").is_displayed() and not second.find_element(By.NAME, "op").is_displayed()
            Select(second.find_element(By.NAME, "negate")).select_by_value("not")
            second.find_element(By.NAME, "field").send_keys("Product Viewed")
            second.find_element(By.NAME, "days").send_keys("90")
            # A condition added and removed again leaves the rule as it was.
            driver.find_element(By.ID, "segment-add-row").click()
            assert len(driver.find_elements(By.CSS_SELECTOR, "#segment-rows .condition")) == 4
            added = driver.find_elements(By.CSS_SELECTOR, "#segment-rows .condition")[-1]
            Select(added.find_element(By.NAME, "kind")).select_by_value("valueTier")
            assert added.find_element(By.NAME, "tier").is_displayed()
            added.find_element(By.CSS_SELECTOR, ".segment-remove").click()
            assert len(driver.find_elements(By.CSS_SELECTOR, "#segment-rows .condition")) == 3
            driver.find_element(By.ID, "segment-name").send_keys(f"Kunden {language} {width}")
            driver.find_element(By.ID, "segment-preview").click()
            preview = WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.ID, "segment-preview-result"))[0].text
            assert "60" in preview, preview
            # The preview keeps what was entered; saving opens the segment's page.
            driver.find_element(By.ID, "segment-save").click()
            WebDriverWait(driver, 15).until(lambda d: "done=created" in d.current_url or d.find_elements(By.CSS_SELECTOR, "[role=alert]"))
            assert "/customers/segments/" in driver.current_url and "done=created" in driver.current_url, driver.find_element(By.TAG_NAME, "body").text[:600]
            assert driver.find_element(By.ID, "segment-members").text.strip() == "60"
            rule = driver.find_element(By.ID, "segment-rule").text
            assert "Kunde" in rule and "Product Viewed" in rule, rule
            assert driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
            # Editing brings the same conditions back as rows.
            driver.find_element(By.ID, "segment-edit").click()
            WebDriverWait(driver, 15).until(lambda d: d.current_url.endswith("/edit") or "/edit?" in d.current_url)
            rows = driver.find_elements(By.CSS_SELECTOR, "#segment-rows .condition")
            assert Select(rows[0].find_element(By.NAME, "kind")).first_selected_option.get_attribute("value") == "trait"
            assert Select(rows[1].find_element(By.NAME, "negate")).first_selected_option.get_attribute("value") == "not"
            assert rows[1].find_element(By.NAME, "days").get_attribute("value") == "90"
        finally:
            driver.set_window_size(1280, 900)


@pytest.mark.parametrize("language", ["de", "he"])
def test_persona_page_names_personas_by_their_values(driver, world, language):
    """The persona page in German and Hebrew, on a desktop and on a phone: how many personas and why (the silhouette of
    each k, drawn), their stability, and a card per persona named by its values in the page's language."""
    server = world["server"]
    sign_in(driver, server, password=server.password)
    names = {"de": ["Preis", "Nachhaltigkeit", "Qualität"], "he": ["מחיר", "קיימות", "איכות"]}[language]
    for width in [1280, 375]:
        driver.set_window_size(width, 900)
        try:
            driver.get(server.url + with_language("/insights/personas", language))
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == ("rtl" if language == "he" else "ltr")
            cards = driver.find_elements(By.CSS_SELECTOR, "#personas-cards article.persona")
            assert len(cards) == int(driver.find_element(By.ID, "personas-k").text.strip()) >= 2
            titles = " ".join(card.find_element(By.TAG_NAME, "h2").text for card in cards)
            assert any(name in titles for name in names), titles
            assert driver.find_elements(By.CSS_SELECTOR, "#personas-choice svg")
            assert driver.find_elements(By.CSS_SELECTOR, "#personas-choice tr[data-chosen]")
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"the persona page scrolls sideways by {overflow}px at {width}px"
            # A persona's customers are one click away.
            link = cards[0].find_element(By.CSS_SELECTOR, "a[href^='/customers?persona=']").get_attribute("href")
            driver.get(link)
            WebDriverWait(driver, 15).until(lambda d: "persona=" in d.current_url)
            assert driver.find_elements(By.CSS_SELECTOR, "table tbody tr"), "the persona's customers are listed"
        finally:
            driver.set_window_size(1280, 900)


def after_navigation(driver, act):
    """Does `act` (a click that posts a form) and waits until the next page has loaded: a mark set on the old page is
    gone and the new one is complete (while the pages change, the browser may answer with an error: wait on)."""
    driver.execute_script("window.__cairnBefore = true")
    act()

    def loaded(d):
        try:
            return d.execute_script("return window.__cairnBefore === undefined && document.readyState === 'complete'")
        except WebDriverException:
            return False
    WebDriverWait(driver, 15).until(loaded)


@pytest.mark.parametrize("language", LANGUAGES)
def test_survey_builder_needs_no_json(driver, world, language):
    """A CX lead makes a survey with the builder alone, in each interface language, on a desktop and on a phone: adds a
    choice question with its options, writes its German and Hebrew texts side by side (Hebrew right to left), makes it
    branch on the NPS answer, moves it up, removes another, and previews the survey in German at desktop width and in
    Hebrew at phone width. Nothing scrolls sideways; the stored survey is what was built."""
    server = world["server"]
    sign_in(driver, server, password=server.password)
    for width in [1280, 375]:
        driver.set_window_size(width, 900)
        try:
            driver.get(server.url + with_language("/feedback/surveys", language))
            Select(driver.find_element(By.ID, "template")).select_by_value("relationship_nps")
            driver.find_element(By.ID, "survey-name").send_keys(f"Gebaut {language} {width}")
            driver.find_element(By.ID, "create-survey").click()
            WebDriverWait(driver, 15).until(lambda d: "done=saved" in d.current_url)
            driver.find_element(By.ID, "survey-build").click()
            WebDriverWait(driver, 15).until(lambda d: "/build" in d.current_url)
            survey = driver.current_url.split("/feedback/surveys/")[1].split("/")[0]
            # The interface language rides on the address: each page after a post is opened again in it.
            again = lambda: driver.get(with_language(driver.current_url.split("#")[0], language))
            again()
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == ("rtl" if language == "he" else "ltr")

            # Add a single choice question with three options.
            Select(driver.find_element(By.ID, "add-type")).select_by_value("single_choice")
            driver.find_element(By.ID, "add-text").send_keys("Where did you shop?")
            driver.find_element(By.ID, "add-options").send_keys("Online\nIn a store\nBy phone")
            driver.find_element(By.ID, "add-question-button").click()
            WebDriverWait(driver, 15).until(lambda d: "done=saved" in d.current_url)
            again()
            question = driver.find_element(By.ID, "question-q1")
            assert question.find_element(By.TAG_NAME, "details").get_attribute("open") is not None, "the new question opens"
            # Its texts side by side: German and Hebrew (the Hebrew field writes right to left).
            hebrew = question.find_element(By.NAME, "text_he")
            assert hebrew.get_attribute("dir") == "rtl"
            question.find_element(By.NAME, "text_de").send_keys("Wo haben Sie eingekauft?")
            hebrew.send_keys("איפה קניתם?")
            german_options = question.find_elements(By.NAME, "option_de")
            assert len(german_options) == 4, "three options and a blank row"
            for field, text in zip(german_options, ["Online", "Im Laden", "Am Telefon"]):
                field.send_keys(text)
            Select(question.find_element(By.NAME, "show_question")).select_by_value("nps")
            question.find_element(By.NAME, "show_at_least").send_keys("7")
            after_navigation(driver, lambda: question.find_element(By.CSS_SELECTOR, "button.move-up").click())
            again()
            order = [li.get_attribute("data-question") for li in driver.find_elements(By.CSS_SELECTOR, ".builder-questions > li")]
            assert order == ["nps", "why", "q1", "improve"], order
            # Remove "why": open it, press remove.
            why = driver.find_element(By.ID, "question-why")
            why.find_element(By.TAG_NAME, "summary").click()
            after_navigation(driver, lambda: why.find_element(By.CSS_SELECTOR, "button.remove-question").click())
            assert not driver.find_elements(By.ID, "question-why")
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"the builder scrolls sideways by {overflow}px at {width}px in {language}"
            stored = request(server, "GET", f"/api/v1/surveys/{survey}", key=world["manager"])["definition"]
            asked = next(q for q in stored["questions"] if q["id"] == "q1")
            assert [q["id"] for q in stored["questions"]] == ["nps", "q1", "improve"]
            assert asked["text"] == {"en": "Where did you shop?", "de": "Wo haben Sie eingekauft?", "he": "איפה קניתם?"}, asked
            assert [o["text"].get("de") for o in asked["options"]] == ["Online", "Im Laden", "Am Telefon"]
            assert asked["showIf"] == {"question": "nps", "atLeast": 7}, asked

            # The preview: German at desktop width, then Hebrew at phone width, right to left.
            driver.get(server.url + with_language(f"/feedback/surveys/{survey}/preview?language=de&width=desktop", language))
            frame = driver.find_element(By.ID, "phone-preview")
            assert "desktop-frame" in frame.get_attribute("class") and "Wo haben Sie eingekauft?" in frame.text
            driver.find_element(By.CSS_SELECTOR, "#preview-widths a[data-width=phone]").click()
            driver.find_element(By.CSS_SELECTOR, "a[lang=he]").click()
            frame = driver.find_element(By.ID, "phone-preview")
            assert "phone-frame" in frame.get_attribute("class") and frame.get_attribute("dir") == "rtl" and "איפה קניתם?" in frame.text
            assert frame.size["width"] <= 375
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"the preview scrolls sideways by {overflow}px at {width}px in {language}"
        finally:
            driver.set_window_size(1280, 900)


GLYPHS = r"""
    // Whether the page's font draws these letters (not the empty box of a missing glyph): the text drawn on a canvas
    // differs from private-use characters, which no font here has.
    const font = getComputedStyle(document.body).font;
    const draw = (text) => {
        const canvas = document.createElement('canvas');
        canvas.width = 120; canvas.height = 40;
        const context = canvas.getContext('2d');
        context.font = font; context.fillStyle = '#000'; context.fillText(text, 4, 28);
        return canvas.toDataURL();
    };
    return draw(arguments[0]) !== draw('\uE000\uE001');
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_screenshots_of_every_main_page_at_phone_and_desktop_width(driver, world, language):
    """Every main page photographed whole at 375 and 1366 px in each language (kept in the artifacts' screenshots/
    folder for people to look at): on a screen as tall as the page nothing sticks out sideways, and the page's font
    draws the language's own letters (Chinese is not a row of boxes, Hebrew not either)."""
    server = world["server"]
    sign_in(driver, server, password=server.password)
    folder = os.path.join(ARTIFACTS, "screenshots", language)
    os.makedirs(folder, exist_ok=True)
    letters = {"en": "Aa", "de": "Äß", "zh-Hans": "中文", "he": "אב"}[language]
    problems = []
    for width in [375, 1366]:
        driver.set_window_size(width, 900)
        try:
            for path in main_pages(world):
                driver.get(server.url + with_language(path, language))
                if not driver.execute_script(GLYPHS, letters):
                    problems.append(f"{path} @{width}px: no font draws {letters}")
                # The whole page in one picture: a screen as tall as the page (up to 12,000 px), so nothing scrolls
                # and nothing is stitched; on it, the page must be no wider than the screen.
                height = min(12_000, driver.execute_script("return document.documentElement.scrollHeight"))
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
                try:
                    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    if overflow > 1:
                        problems.append(f"{path} @{width}px: the page is {overflow}px wider than the screen")
                    picture = base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})["data"])
                finally:
                    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
                name = re.sub(r"[^A-Za-z0-9]+", "-", path.split("?")[0]).strip("-") or "overview"
                query = path.split("?")[1] if "?" in path else ""
                if query:
                    name += "--" + re.sub(r"[^A-Za-z0-9]+", "-", query)[:40]
                with open(os.path.join(folder, f"{width}-{name}.png"), "wb") as f:
                    f.write(picture)
        finally:
            driver.set_window_size(1280, 900)
    assert not problems, "\n".join(problems)
