"""Browser tests: a real `cairn serve` on a fresh SQLite file, driven by Chromium through Selenium.

Environment:
  CAIRN_BIN        path to the built cairn binary (default .build/debug/cairn)
  CAIRN_ARTIFACTS  where screenshots of failing tests go (default ci-artifacts/)
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARTIFACTS = os.environ.get("CAIRN_ARTIFACTS", os.path.join(ROOT, "ci-artifacts"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, bcrypt_cost=4, database=None, extra=(), port=None, first=True):
        self.binary = os.environ.get("CAIRN_BIN", os.path.join(ROOT, ".build", "debug", "cairn"))
        self.directory = tempfile.mkdtemp(prefix="cairn-browser-")
        self.port = port or free_port()
        self.database = database or os.path.join(self.directory, "cairn.sqlite")
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.directory, "serve.log"), "w+")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--admin-email", "admin@example.com", "--bcrypt-cost", str(bcrypt_cost),
             "--database", self.database, *extra],
            cwd=self.directory, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.password = None
        deadline = time.time() + 60
        # The first server on a database makes the administrator and prints its password; another on the same
        # database (several servers on one PostgreSQL) finds one there.
        while first and time.time() < deadline and self.password is None:
            line = self.process.stdout.readline()
            if not line:
                break
            match = re.search(r"password:\s+(\S+)", line)
            if match:
                self.password = match.group(1)
        assert self.password or not first, "cairn serve printed no generated admin password"
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/ready", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("cairn serve did not become ready")

    def cli(self, *arguments):
        return subprocess.run([self.binary, *arguments, "--database", self.database, "--log-level", "warning"],
                              check=True, capture_output=True, text=True).stdout

    def write_key(self, name="test source"):
        out = self.cli("key", "create", "--kind", "write", "--name", name)
        return re.search(r"token:\s+(\S+)", out).group(1)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.log.seek(0)
        return code, self.log.read()


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    code, log = s.stop()
    assert code == 0, f"cairn serve exited with {code} on SIGTERM:\n{log[-2000:]}"
    assert "cairn stopped" in log, "graceful shutdown was logged"
    shutil.rmtree(s.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def driver():
    os.environ.setdefault("SE_OFFLINE", "true")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROME_BIN", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-US"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    d = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    d.implicitly_wait(2)
    yield d
    d.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "driver" in item.fixturenames:
        os.makedirs(ARTIFACTS, exist_ok=True)
        d = item.funcargs["driver"]
        path = os.path.join(ARTIFACTS, f"{item.name}.png")
        d.save_screenshot(path)
        with open(os.path.join(ARTIFACTS, f"{item.name}.html"), "w") as f:
            f.write(d.page_source)
        print(f"screenshot saved: {path}")
