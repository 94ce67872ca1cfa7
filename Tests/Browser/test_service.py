"""Service, live: an agent answers a chat in Hebrew at phone width while the customer writes from the shop's own page;
the bot answers from the knowledge base and hands over with the transcript; an email round trip through a real SMTP
server (aiosmtpd) — the customer's mail opens a case, the agent's reply goes out threaded, the customer's answer comes
back onto the same case."""
import base64
import email
import email.header
import email.utils
import http.server
import json
import os
import re
import shutil
import smtplib
import socketserver
import tempfile
import threading
import time
import urllib.request
from email.mime.text import MIMEText

import pytest
from aiosmtpd.controller import Controller
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Server, free_port
from test_web import sign_in, wait_for


def api(server, key, method, path, body=None, raw=None, content_type="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(server.url + path, method=method, data=data,
                                     headers={"Authorization": "Bearer " + key, "Content-Type": content_type})
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


class MailServer:
    """The shop's mail server: keeps what Cairn sends, and hands what customers send to Cairn's inbound endpoint
    (as a mail server's delivery hook would)."""

    def __init__(self):
        self.sent_by_cairn = []
        self.cairn = None
        self.key = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        if any(address.endswith("@shop.example") for address in envelope.rcpt_tos):
            api(self.cairn, self.key, "POST", "/api/v1/email/inbound", raw=envelope.content, content_type="message/rfc822")
        else:
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            body = message.get_payload(decode=True).decode("utf-8")
            self.sent_by_cairn.append({"to": envelope.rcpt_tos, "subject": subject, "body": body, "headers": dict(message.items())})
        return "250 OK"


@pytest.fixture(scope="module")
def shop():
    mail = MailServer()
    controller = Controller(mail, hostname="127.0.0.1", port=free_port())
    controller.start()
    port = free_port()
    server = Server(port=port, extra=("--smtp-host", "127.0.0.1", "--smtp-port", str(controller.port), "--smtp-security", "none",
                                      "--smtp-from", "Shop Service <service@shop.example>", "--public-url", f"http://127.0.0.1:{port}"))
    manager = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "service", "--role", "manager")).group(1)
    agent_key = re.search(r"token:\s+(\S+)", server.cli("key", "create", "--kind", "secret", "--name", "mail hook", "--role", "agent")).group(1)
    mail.cairn, mail.key = server, agent_key
    write = server.write_key("shop site chat")
    api(server, manager, "POST", "/api/v1/kb-articles", {"language": "en", "title": "Returning an item",
                                                        "body": "You can return any item within 30 days. Print the free return label from your account."})
    api(server, manager, "POST", "/api/v1/kb-articles", {"language": "he", "title": "החזרת מוצר", "body": "אפשר להחזיר כל מוצר תוך 30 יום."})
    folder = tempfile.mkdtemp(prefix="shop-chat-")
    for language in ["en", "he"]:
        with open(os.path.join(folder, f"{language}.html"), "w", encoding="utf-8") as page:
            page.write(f"""<!doctype html><html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop</title><style>button {{ display: none !important }} li {{ color: red; font-size: 40px }} #cairn-chat {{ display: none }}</style></head><body><h1>Shop</h1>
<script src="{server.url}/static/chat.js" data-write-key="{write}" data-lang="{language}" async></script></body></html>""")
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=folder)
    site = socketserver.TCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield {"server": server, "manager": manager, "mail": mail, "smtp": controller.port, "site": f"http://127.0.0.1:{site.server_address[1]}"}
    site.shutdown()
    code, log = server.stop()
    controller.stop()
    assert code == 0, log[-2000:]
    assert "kunde@example.com" not in log, "no customer address in the server's log"
    shutil.rmtree(server.directory, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)


def set_availability(driver, server, online, languages=("en",)):
    driver.get(server.url + "/service")
    toggle = wait_for(driver, "#availability-toggle")
    if online:
        for box in driver.find_elements(By.CSS_SELECTOR, "#availability-form input[name=languages]"):
            if (box.get_attribute("value") in languages) != box.is_selected():
                box.click()
    state = driver.find_element(By.ID, "availability-state").text
    if ("Online" in state) != online:
        toggle.click()
        # Wait for the answer to replace this page (the old page's state would match at once), so that no form is
        # still in flight when the next step signs out or navigates.
        WebDriverWait(driver, 15).until(EC.staleness_of(toggle))
        wait_for(driver, "#availability-state")


def widget(driver):
    """The chat widget's shadow root (the widget draws itself there, out of the site's styles' reach)."""
    return wait_for(driver, "#cairn-chat-host").shadow_root


def in_widget(driver, css):
    return widget(driver).find_element(By.CSS_SELECTOR, css)


def open_widget(driver, shop, language):
    driver.get(f"{shop['site']}/{language}.html")
    WebDriverWait(driver, 15).until(lambda d: widget(d).find_elements(By.CSS_SELECTOR, "#cairn-chat-open"))
    launcher = in_widget(driver, "#cairn-chat-open")
    # The shop's own CSS (which hides every button and paints list items red) does not reach the widget.
    assert launcher.is_displayed() and launcher.value_of_css_property("background-color") == "rgba(31, 95, 168, 1)"
    launcher.click()
    return in_widget(driver, "#cairn-chat-input")


def widget_messages(driver):
    return [(item.get_attribute("data-author"), item.find_element(By.TAG_NAME, "bdi").text)
            for item in widget(driver).find_elements(By.CSS_SELECTOR, "#cairn-chat-messages li")]


def test_an_agent_answers_a_chat_in_hebrew_at_phone_width_while_the_customer_writes(driver, shop):
    server = shop["server"]
    sign_in(driver, server)
    set_availability(driver, server, online=True, languages=("he", "en"))
    agent_window = driver.current_window_handle
    driver.set_window_size(375, 812)

    # The customer, on the shop's own page (another origin), in Hebrew.
    driver.switch_to.new_window("window")
    customer_window = driver.current_window_handle
    box = open_widget(driver, shop, "he")
    assert in_widget(driver, "#cairn-chat").get_attribute("dir") == "rtl"
    box.send_keys("אני רוצה לדבר עם נציג")
    in_widget(driver, "#cairn-chat-send").click()
    WebDriverWait(driver, 15).until(lambda d: in_widget(d, "#cairn-chat").get_attribute("data-state") == "agent")
    assert ("bot", "אני מעביר אותך לנציג.") in widget_messages(driver)
    # On a phone the open chat fills the screen and nothing scrolls sideways.
    assert driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 1

    # The agent, at phone width in Hebrew: the chat is in their queue; they answer.
    driver.switch_to.window(agent_window)
    driver.get(server.url + "/service?queue=mine&lang=he")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    wait_for(driver, "#cases a.case-link").click()
    wait_for(driver, "#reply-body").send_keys("שלום! במה אפשר לעזור?")
    driver.find_element(By.ID, "reply-send").click()
    wait_for(driver, "#conversation")
    assert driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 1, "the case page fits a phone"
    case_url = driver.current_url.split("?")[0]
    count = len(driver.find_elements(By.CSS_SELECTOR, "#messages li[data-author=customer]"))

    # The customer sees the answer arrive and writes again.
    driver.switch_to.window(customer_window)
    WebDriverWait(driver, 15).until(lambda d: ("agent", "שלום! במה אפשר לעזור?") in widget_messages(d))
    in_widget(driver, "#cairn-chat-input").send_keys("ההזמנה שלי עוד לא הגיעה")
    in_widget(driver, "#cairn-chat-send").click()
    WebDriverWait(driver, 15).until(lambda d: ("customer", "ההזמנה שלי עוד לא הגיעה") in widget_messages(d))

    # The agent's open page shows it without a reload.
    driver.switch_to.window(agent_window)
    assert driver.current_url.split("?")[0] == case_url
    WebDriverWait(driver, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages li[data-author=customer]")) > count)
    assert "ההזמנה שלי עוד לא הגיעה" in driver.find_element(By.ID, "messages").text
    driver.switch_to.window(customer_window)
    driver.close()
    driver.switch_to.window(agent_window)
    driver.set_window_size(1280, 900)
    set_availability(driver, server, online=False)


def test_the_bot_answers_then_hands_over_with_the_transcript(driver, shop):
    server = shop["server"]
    sign_in(driver, server)
    set_availability(driver, server, online=False)
    box = open_widget(driver, shop, "en")
    box.send_keys("How do I return an item?")
    in_widget(driver, "#cairn-chat-send").click()
    WebDriverWait(driver, 15).until(lambda d: any(author == "bot" and text.startswith("Returning an item:") for author, text in widget_messages(d)))
    in_widget(driver, "#cairn-chat-input").send_keys("I want to talk to a human")
    in_widget(driver, "#cairn-chat-send").click()
    WebDriverWait(driver, 15).until(lambda d: in_widget(d, "#cairn-chat").get_attribute("data-state") == "waiting")
    assert re.search(r"number 1 in the queue, about 3 min", in_widget(driver, "#cairn-chat-status").text)

    # The agent picks it up from the unassigned queue and sees the whole transcript and what the bot tried.
    driver.get(server.url + "/service?queue=unassigned")
    link = [a for a in driver.find_elements(By.CSS_SELECTOR, "#cases a.case-link") if "How do I return" in a.text][0]
    link.click()
    conversation = wait_for(driver, "#messages").text
    assert "How do I return an item?" in conversation and "Returning an item:" in conversation and "I want to talk to a human" in conversation
    notes = [n.text for n in driver.find_elements(By.CSS_SELECTOR, "#messages li[data-author=note]")]
    assert any("Bot handed over (asked)" in n and "Returning an item" in n for n in notes), notes


def test_an_email_round_trip(driver, shop):
    server, mail = shop["server"], shop["mail"]
    sign_in(driver, server)
    # The customer writes with a real SMTP client to the shop's mail server, which hands the mail to Cairn.
    first = MIMEText("Der Mixer geht nicht mehr an.\n\nViele Grüße", "plain", "utf-8")
    first["From"] = "Kim Kunde <kunde@example.com>"
    first["To"] = "service@shop.example"
    first["Subject"] = "Mixer defekt"
    first["Message-ID"] = email.utils.make_msgid(domain="example.com")
    with smtplib.SMTP("127.0.0.1", shop["smtp"]) as smtp:
        smtp.send_message(first)
    driver.get(server.url + "/service?queue=open")
    WebDriverWait(driver, 15).until(lambda d: any("Mixer defekt" in a.text for a in d.find_elements(By.CSS_SELECTOR, "#cases a.case-link")))
    [a for a in driver.find_elements(By.CSS_SELECTOR, "#cases a.case-link") if "Mixer defekt" in a.text][0].click()
    wait_for(driver, "#reply-body").send_keys("Bitte halten Sie den Knopf fünf Sekunden gedrückt.")
    driver.find_element(By.ID, "reply-send").click()
    wait_for(driver, "#conversation")
    case_url = driver.current_url.split("?")[0]

    # The reply goes out by email, threaded to the customer's mail.
    deadline = time.time() + 40
    while time.time() < deadline and not mail.sent_by_cairn:
        time.sleep(0.5)
    assert mail.sent_by_cairn, "the agent's reply was sent"
    reply = mail.sent_by_cairn[-1]
    assert reply["to"] == ["kunde@example.com"] and reply["subject"].startswith("Re: Mixer defekt [#")
    assert reply["headers"]["In-Reply-To"] == first["Message-ID"]
    assert "fünf Sekunden" in reply["body"]

    # The customer answers it; the answer lands on the same case.
    answer = MIMEText("Hat geklappt, danke!\n\nAm 6. Dezember schrieb Shop Service:\n> Bitte halten Sie den Knopf", "plain", "utf-8")
    answer["From"] = "Kim Kunde <kunde@example.com>"
    answer["To"] = "service@shop.example"
    answer["Subject"] = "Re: " + reply["subject"]
    answer["Message-ID"] = email.utils.make_msgid(domain="example.com")
    answer["In-Reply-To"] = reply["headers"]["Message-ID"]
    answer["References"] = first["Message-ID"] + " " + reply["headers"]["Message-ID"]
    with smtplib.SMTP("127.0.0.1", shop["smtp"]) as smtp:
        smtp.send_message(answer)
    driver.get(case_url)
    WebDriverWait(driver, 15).until(lambda d: "Hat geklappt, danke!" in d.find_element(By.ID, "messages").text)
    assert "Bitte halten Sie den Knopf" not in driver.find_elements(By.CSS_SELECTOR, "#messages li[data-author=customer]")[-1].text, "the quote is cut off"
