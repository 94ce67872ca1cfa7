"""Segment's analytics-next and RudderStack's JavaScript SDK as a shop's own page runs them: a page on another origin,
in Chromium, sends exactly the requests those libraries send (their shapes taken from the libraries' sources —
analytics-next: each call POSTed to `{apiHost}/t`, `/p`, `/i`… or batched to `/b` as text/plain with the write key in
the body and `keepalive`; RudderStack: JSON with Basic auth and an AnonymousId header, so the browser preflights it).
The browser must be able to read every answer (CORS), and every event is stored once — also one sent as the page
unloads."""
import http.server
import json
import re
import threading
import time
import urllib.request

from selenium.webdriver.support.ui import WebDriverWait

from conftest import Server

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1><script>
const api = %(api)s, key = %(key)s;
window.results = [];
function sent(name, promise) {
  return promise.then(r => r.text().then(t => window.results.push({name, status: r.status, body: t})))
                .catch(e => window.results.push({name, error: String(e)}));
}
const now = () => new Date().toISOString();
const ctx = {library: {name: "analytics.js", version: "npm:next-1.72.0"}, page: {url: location.href, path: "/p/boot"}, userAgent: navigator.userAgent};
// analytics-next, standard mode: one request per call, text/plain, keepalive, the key in the body.
function ajs(path, message) {
  return fetch(api + path, {method: "POST", keepalive: true, headers: {"Content-Type": "text/plain"},
    body: JSON.stringify(Object.assign({writeKey: key, sentAt: now(), _metadata: {bundled: ["Segment.io"], unbundled: []}}, message))});
}
window.runAll = async function () {
  await sent("ajs track", ajs("/t", {type: "track", event: "Product Viewed", properties: {sku: "BOOT"}, anonymousId: "ajs-anon", messageId: "ajs-1", timestamp: now(), context: ctx}));
  await sent("ajs page", ajs("/p", {type: "page", name: "Boot", anonymousId: "ajs-anon", messageId: "ajs-2", context: ctx}));
  await sent("ajs identify", ajs("/i", {type: "identify", userId: "shopper-9", anonymousId: "ajs-anon", traits: {email: "shopper9@example.com"}, messageId: "ajs-3", context: ctx}));
  // analytics-next, batching mode: several calls in one request to /b.
  await sent("ajs batch", ajs("/b", {batch: [
      {type: "track", event: "Product Added", anonymousId: "ajs-anon", messageId: "ajs-4", context: ctx},
      {type: "track", event: "Cart Viewed", anonymousId: "ajs-anon", messageId: "ajs-5", context: ctx}]}));
  // The library's retry of a call whose answer it did not see: the same message id again.
  await sent("ajs retry", ajs("/t", {type: "track", event: "Product Viewed", properties: {sku: "BOOT"}, anonymousId: "ajs-anon", messageId: "ajs-1", context: ctx}));
  // RudderStack's JavaScript SDK: JSON, Basic auth, AnonymousId header (a preflight first).
  await sent("rudderstack track", fetch(api + "/track", {method: "POST", headers: {
      "Content-Type": "application/json;charset=UTF-8", "Authorization": "Basic " + btoa(key + ":"), "AnonymousId": btoa("rs-anon")},
    body: JSON.stringify({type: "track", event: "Checkout Started", anonymousId: "rs-anon", messageId: "rs-1", channel: "web", sentAt: now(),
      context: {library: {name: "RudderLabs JavaScript SDK", version: "3.11.0"}}})}));
  await sent("rudderstack batch", fetch(api + "/batch", {method: "POST", headers: {
      "Content-Type": "application/json;charset=UTF-8", "Authorization": "Basic " + btoa(key + ":")},
    body: JSON.stringify({batch: [{type: "page", name: "Checkout", anonymousId: "rs-anon", messageId: "rs-2"}], sentAt: now()})}));
  window.done = true;
};
// A page left while its last call is still on its way: keepalive lets it finish.
window.sendAndLeave = function (target) {
  ajs("/t", {type: "track", event: "Order Completed", anonymousId: "ajs-anon", messageId: "ajs-unload",
             properties: {order_id: "W-9", total: 89.9, currency: "EUR", products: [{sku: "BOOT", price: 89.9, quantity: 1}]}});
  location.href = target;
};
</script></body></html>"""


def test_browser_libraries_from_another_origin(driver):
    # A server of its own: the order sent as the page unloads must not show up in other tests' order lists.
    server = Server()
    write = server.write_key("shop front")
    out = server.cli("key", "create", "--kind", "secret", "--name", "checker", "--role", "viewer")
    reader = re.search(r"token:\s+(\S+)", out).group(1)
    page = (PAGE % {"api": json.dumps(server.url + "/v1"), "key": json.dumps(write)}).encode()

    class Shop(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = page if self.path.startswith("/shop") else b"<!doctype html><title>Next</title><p>next page</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    shop = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    try:
        origin = f"http://127.0.0.1:{shop.server_address[1]}"
        driver.get(origin + "/shop")
        driver.execute_script("window.runAll()")
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return window.done === true"))
        results = driver.execute_script("return window.results")
        assert len(results) == 7, results
        for result in results:
            assert result.get("status") == 200 and json.loads(result["body"]) == {"success": True}, result
        driver.execute_script("window.sendAndLeave(arguments[0])", origin + "/next")
        WebDriverWait(driver, 15).until(lambda d: d.current_url.endswith("/next"))

        def events():
            request = urllib.request.Request(server.url + "/api/v1/events?limit=200", headers={"Authorization": "Bearer " + reader})
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())["data"]

        wanted = {"ajs-1", "ajs-2", "ajs-3", "ajs-4", "ajs-5", "rs-1", "rs-2", "ajs-unload"}
        deadline = time.time() + 20
        stored = []
        while time.time() < deadline:
            stored = [e for e in events() if (e.get("messageId") or e.get("payload", {}).get("messageId")) in wanted]
            if len({(e.get("messageId") or e["payload"]["messageId"]) for e in stored}) == len(wanted):
                break
            time.sleep(0.3)
        ids = [e.get("messageId") or e["payload"]["messageId"] for e in stored]
        assert sorted(ids) == sorted(wanted), f"each message stored exactly once: {sorted(ids)}"
    finally:
        shop.shutdown()
        server.stop()
