"""The web shell as a person uses it, in a real browser against a live `cairn serve`."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

PAGES = ["/", "/customers", "/commerce", "/feedback", "/service", "/journeys", "/insights",
         "/settings/workspace", "/settings/users", "/settings/keys", "/settings/sources", "/settings/audit", "/settings/profile"]


def sign_in(driver, server, email="admin@example.com", password=None):
    driver.delete_all_cookies()
    driver.get(server.url + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password or server.password)
    driver.find_element(By.ID, "login-submit").click()
    # Wait for the answer to the form (the overview, or the form again with an error) before going on.
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.ID, "logout") or d.find_elements(By.ID, "login-error"))


def wait_for(driver, css):
    return WebDriverWait(driver, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def test_wrong_password_shows_an_error(driver, server):
    sign_in(driver, server, password="definitely-not-it")
    error = driver.find_element(By.ID, "login-error")
    assert "wrong" in error.text
    assert driver.current_url.endswith("/login")
    assert not driver.find_elements(By.ID, "logout")


def test_sign_in_and_visit_every_page(driver, server):
    sign_in(driver, server)
    assert driver.find_element(By.ID, "logout")
    for path in PAGES:
        driver.get(server.url + path)
        heading = driver.find_element(By.TAG_NAME, "h1").text
        assert heading, f"{path} has a heading"
        assert "Something is not right" not in driver.page_source, f"{path} rendered the error page"
    # Every navigation link leads somewhere that renders.
    driver.get(server.url + "/")
    links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a")]
    assert len(links) >= 8
    for href in links:
        driver.get(href)
        assert "Something is not right" not in driver.page_source, href
    driver.get(server.url + "/")
    assert driver.find_element(By.CSS_SELECTOR, "svg.chart[role=img] title").get_attribute("textContent")


@pytest.mark.parametrize("path", ["/", "/settings/users", "/settings/keys", "/settings/audit"])
def test_pages_fit_a_375px_phone(driver, server, path):
    sign_in(driver, server)
    driver.set_window_size(375, 812)
    try:
        driver.get(server.url + path)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
    finally:
        driver.set_window_size(1280, 900)


def test_switching_to_hebrew_mirrors_the_layout(driver, server):
    sign_in(driver, server)
    driver.get(server.url + "/settings/profile")
    Select(driver.find_element(By.ID, "locale")).select_by_value("he")
    driver.find_element(By.ID, "profile-save").click()
    html = wait_for(driver, "html[dir=rtl]")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "he"
    assert driver.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    # The brand sits at the right edge in RTL.
    brand = driver.find_element(By.CLASS_NAME, "brand")
    assert brand.location["x"] > driver.execute_script("return window.innerWidth") / 2
    Select(driver.find_element(By.ID, "locale")).select_by_value("en")
    driver.find_element(By.ID, "profile-save").click()
    assert wait_for(driver, "html[lang=en]").get_attribute("dir") == "ltr"


def test_a_form_post_without_the_csrf_token_is_refused(driver, server):
    sign_in(driver, server)
    driver.get(server.url + "/settings/workspace")
    name = driver.find_element(By.NAME, "name")
    name.clear()
    name.send_keys("Forged name")
    driver.execute_script("document.querySelectorAll('form[action=\"/settings/workspace\"] input[name=_csrf]').forEach(e => e.remove())")
    driver.find_element(By.CSS_SELECTOR, "form[action='/settings/workspace'] button").click()
    assert "Reload the page" in wait_for(driver, "#error-detail").text
    driver.get(server.url + "/settings/workspace")
    assert driver.find_element(By.NAME, "name").get_attribute("value") != "Forged name"


def test_roles_see_only_what_they_may(driver, server):
    out = server.cli("user", "create", "--email", "viewer@example.com", "--role", "viewer")
    password = out.split("password:")[1].split()[0]
    sign_in(driver, server, "viewer@example.com", password)
    driver.get(server.url + "/settings/workspace")
    hrefs = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a")]
    assert not any(h.endswith("/settings/keys") for h in hrefs)
    driver.get(server.url + "/settings/keys")
    assert "Your role does not allow this" in driver.page_source


def test_sign_out(driver, server):
    sign_in(driver, server)
    driver.find_element(By.ID, "logout").click()
    wait_for(driver, "#login-submit")
    assert "/login" in driver.current_url
    driver.get(server.url + "/settings/users")
    assert "/login" in driver.current_url


def test_live_stream_shows_new_events(driver, server):
    import base64
    import urllib.request
    key = server.write_key("live page")
    sign_in(driver, server)
    driver.get(server.url + "/live")
    WebDriverWait(driver, 15).until(lambda d: "Connected" in d.find_element(By.ID, "live-status").text)
    request = urllib.request.Request(server.url + "/v1/track", data=b'{"userId":"live-1","event":"Basket Abandoned","context":{"channel":"app"}}',
                                     headers={"Content-Type": "application/json", "Authorization": "Basic " + base64.b64encode((key + ":").encode()).decode()})
    assert urllib.request.urlopen(request).status == 200
    item = WebDriverWait(driver, 15).until(lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "#live-events li") if "Basket Abandoned" in e.text])
    assert "live-1" in item[0].text and "app" in item[0].text
