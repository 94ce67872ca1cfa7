"""Commerce as a person uses it, in a real browser: orders imported with `cairn import`, a late parcel on the
deliveries board, and the units-sold report with its chart."""
import datetime
import json
import os
import re
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_web import sign_in, wait_for


def api(server, key, method, path, body=None):
    request = urllib.request.Request(server.url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer " + key})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def test_imported_orders_deliveries_and_units_sold(driver, server):
    folder = server.directory
    products = os.path.join(folder, "products.csv")
    with open(products, "w") as f:
        f.write("sku,name,category,price,currency\nBOOT,Walking boot,Shoes,89.90,EUR\nSOCK,Wool sock,Apparel,7.50,EUR\n")
    assert "2 products added" in server.cli("import", "products", products)
    orders = os.path.join(folder, "orders.csv")
    with open(orders, "w") as f:
        f.write("order_id,placed_at,currency,channel,status,email,sku,quantity\n"
                "B-1,2026-10-05T09:00:00Z,EUR,web,delivered,hiker@example.com,BOOT,1\n"
                "B-1,,,,,,SOCK,3\n"
                "B-2,2026-10-20T09:00:00Z,EUR,store,paid,,SOCK,2\n"
                "B-3,2026-11-02T09:00:00Z,EUR,app,placed,,BOOT,2\n")
    assert "3 orders with 4 lines stored" in server.cli("import", "orders", orders)

    key = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "shop", "--role", "manager")).group(1)
    order = api(server, key, "GET", "/api/v1/orders?status=placed")["data"][0]
    yesterday = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    api(server, key, "POST", "/api/v1/shipments", {"orderId": order["id"], "carrier": "UPS", "trackingNumber": "1Z999", "promisedAt": yesterday})

    sign_in(driver, server)
    driver.get(server.url + "/commerce")
    rows = driver.find_elements(By.CSS_SELECTOR, "#orders tbody tr")
    assert {r.get_attribute("data-order") for r in rows} == {"B-1", "B-2", "B-3"}
    driver.find_element(By.CSS_SELECTOR, "tr[data-order='B-1'] a").click()
    WebDriverWait(driver, 15).until(lambda d: "/commerce/orders/" in d.current_url and d.find_elements(By.ID, "order-total"))
    assert driver.find_element(By.ID, "order-total").text == "112.40 EUR"
    assert driver.find_element(By.ID, "balance-due").text == "0.00 EUR"
    assert [li.text.split()[-2] for li in driver.find_elements(By.CSS_SELECTOR, "#order-history li")][:1] == ["Placed"]

    # The late parcel stands out on the board and links to its order.
    driver.find_element(By.CSS_SELECTOR, "a[data-nav='commerce-deliveries']").click()
    driver.find_element(By.CSS_SELECTOR, "a[data-filter='late']").click()
    WebDriverWait(driver, 15).until(lambda d: "flag=late" in d.current_url and d.find_elements(By.CSS_SELECTOR, "#shipments tr.flag-late"))
    late = driver.find_element(By.CSS_SELECTOR, "#shipments tr.flag-late")
    assert "1Z999" in late.text and "B-3" in late.text
    assert driver.execute_script("return getComputedStyle(arguments[0].cells[0]).backgroundColor", late) != "rgba(0, 0, 0, 0)"

    # Units sold by category per month, from the form; the chart has a bar per month.
    driver.find_element(By.CSS_SELECTOR, "a[data-nav='commerce-units']").click()
    Select(driver.find_element(By.ID, "by")).select_by_value("category")
    Select(driver.find_element(By.ID, "period")).select_by_value("month")
    driver.execute_script("document.getElementById('from').value = '2026-10-01'; document.getElementById('until').value = '2026-12-01'")
    driver.find_element(By.CSS_SELECTOR, ".report-form button").click()
    WebDriverWait(driver, 15).until(lambda d: "by=category" in d.current_url and d.find_elements(By.CSS_SELECTOR, "#units"))
    cells = {(r.get_attribute("data-period"), r.get_attribute("data-key")): r.find_element(By.CSS_SELECTOR, "[data-units]").text
             for r in driver.find_elements(By.CSS_SELECTOR, "#units tbody tr")}
    assert cells == {("2026-10", "Apparel"): "5", ("2026-10", "Shoes"): "1", ("2026-11", "Shoes"): "2"}
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart rect")) >= 2
    assert driver.find_element(By.CSS_SELECTOR, "svg.chart title").get_attribute("textContent") == "Units sold per period"
    assert "/commerce/units-sold.csv?by=category&period=month&from=2026-10-01&until=2026-12-01" in driver.find_element(By.ID, "units-csv").get_attribute("href")

    # Products show what they sold lately; the pages fit a phone.
    driver.get(server.url + "/commerce/products")
    assert driver.find_element(By.CSS_SELECTOR, "tr[data-sku='BOOT'] td:nth-child(2)").text == "Walking boot"
    driver.set_window_size(375, 812)
    try:
        for path in ["/commerce", "/commerce/deliveries", "/commerce/products", "/commerce/units-sold?from=2026-10-01&until=2026-12-01"]:
            driver.get(server.url + path)
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
    finally:
        driver.set_window_size(1280, 900)


def test_segment_library_ecommerce_events_become_an_order(server):
    """Segment's own Python library sends the E-commerce v2 events; the live server turns them into one order."""
    import time
    import pytest
    segment = pytest.importorskip("segment.analytics")
    errors = []
    client = segment.Client(write_key=server.write_key("shop site"), host=server.url, sync_mode=True, on_error=lambda error, batch: errors.append(error))
    client.identify("buyer-42", {"email": "buyer42@example.com"})
    client.track("buyer-42", "Order Completed", {
        "checkout_id": "c-9", "order_id": "SEG-1001", "affiliation": "Online shop", "total": 27.5, "subtotal": 25, "revenue": 25,
        "shipping": 3, "tax": 2, "discount": 2.5, "coupon": "hasbros", "currency": "EUR",
        "products": [{"product_id": "507f1f77bcf86cd799439011", "sku": "45790-32", "name": "Monopoly: 3rd Edition", "price": 19, "quantity": 1,
                      "category": "Games"},
                     {"product_id": "505bd76785ebb509fc183733", "sku": "46493-32", "name": "Uno Card Game", "price": 3, "quantity": 2, "category": "Games"}]},
        context={"channel": "web"})
    client.track("buyer-42", "Order Shipped", {"order_id": "SEG-1001", "carrier": "DHL", "tracking_number": "JJD000390007"})
    client.track("buyer-42", "Order Refunded", {"order_id": "SEG-1001", "total": 3, "currency": "EUR"})
    client.flush()
    assert errors == []
    key = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "reader", "--role", "viewer")).group(1)
    deadline = time.time() + 30
    order = None
    while time.time() < deadline:
        found = api(server, key, "GET", "/api/v1/orders?limit=100")["data"]
        order = next((o for o in found if o["reference"] == "SEG-1001"), None)
        if order and order["status"] == "partially_refunded":
            break
        time.sleep(0.3)
    assert order, "the events became an order"
    assert [(line["sku"], line["quantity"], line["unitPrice"]["amount"]) for line in order["lines"]] == [("45790-32", 1, "19.00"), ("46493-32", 2, "3.00")]
    # 19 + 2 × 3 − 2.50 + 2 tax + 3 shipping = 27.50, paid by the event and 3.00 given back.
    assert order["total"]["amount"] == "27.50" and order["balance"]["paid"]["amount"] == "27.50" and order["balance"]["refunded"]["amount"] == "3.00"
    assert order["status"] == "partially_refunded" and order["channel"] == "web"
    shipments = api(server, key, "GET", "/api/v1/shipments?orderId=" + order["id"])["data"]
    assert [(s["carrier"], s["trackingNumber"], s["status"]) for s in shipments] == [("DHL", "JJD000390007", "shipped")]
