"""The live preview (``serve``), in a real browser: Debian's chromium, through chromedriver.

``.ci/run`` installs ``chromium`` and ``chromium-driver``; selenium drives
them headless.  axe-core (bundled with ``axe-selenium-python``) checks the
page's accessibility.
"""

from __future__ import annotations

import io
import json
import shutil
import threading
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from decision_papers.cli import main
from support import source

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A project holding MD3311, served on a free port; yields (base URL, source path)."""
    (tmp_path / "decisions").mkdir()
    path = tmp_path / "decisions" / "md-3311.json"
    path.write_text(source("md-3311").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    started = threading.Event()
    holder = {}

    def ready(server):
        holder["server"] = server
        started.set()

    from decision_papers.cli import serve_command
    out, err = io.StringIO(), io.StringIO()
    thread = threading.Thread(target=serve_command.main,
                              args=(["md-3311", "--port", "0"], out, err, ready), daemon=True)
    thread.start()
    assert started.wait(30), err.getvalue()
    server = holder["server"]
    port = server.server_address[1]
    assert out.getvalue() == (f"Preview at http://127.0.0.1:{port}/md-3311 (this computer only); "
                              "press Ctrl-C to stop.\n")
    yield f"http://127.0.0.1:{port}", path
    server.shutdown()
    thread.join(10)


@pytest.fixture
def browser():
    assert CHROMIUM and DRIVER, ".ci/run installs Debian's chromium and chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,1600"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def test_the_server_answers_only_on_this_computer(served):
    base, _ = served
    assert base.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(f"{base}/static/govuk-frontend.min.css") as response:
        assert response.status == 200 and b".govuk-" in response.read()
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/nonesuch")
    missing.value.close()  # the error holds the response, and its socket
    assert missing.value.code == 404


def test_saving_a_source_updates_the_page_and_a_finding_comes_and_goes(served, browser):
    base, path = served
    browser.get(f"{base}/md-3311")
    assert browser.title == ("DRAFT – Warm Homes Advice Service 2025-26 to 2026-27 – Decision "
                             "paper preview")
    assert browser.find_element(By.CSS_SELECTOR, ".govuk-tag").text == "DRAFT"
    assert browser.find_elements(By.CSS_SELECTOR, ".govuk-error-summary") == []
    assert "5.1" in browser.find_element(By.CSS_SELECTOR, ".paper").text
    before = browser.find_element(By.TAG_NAME, "body").get_attribute("data-version")

    def broken(data):
        data["part1"]["financial"][0] = data["part1"]["financial"][0].replace(
            "{figures.decision_total}", "{figures.decision_totl}")
    saved = time.monotonic()
    edit(path, broken)
    WebDriverWait(browser, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, ".govuk-error-summary"))
    refreshed = time.monotonic() - saved
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-version") != before
    inline = browser.find_element(By.ID, "finding-1")
    assert " ".join(inline.text.split()).startswith(
        'Error: "{figures.decision_totl}" does not name a figure.')
    # the finding sits under the paragraph it concerns, 5.1
    paragraph = inline.find_element(By.XPATH, "preceding-sibling::div[1]")
    assert paragraph.text.startswith("5.1 Approval is sought")
    assert "did you mean {figures.decision_total}?" in \
        browser.find_element(By.CSS_SELECTOR, ".findings").text
    assert refreshed < 20

    def fixed(data):
        data["part1"]["financial"][0] = data["part1"]["financial"][0].replace(
            "{figures.decision_totl}", "{figures.decision_total}")
    edit(path, fixed)
    WebDriverWait(browser, 20).until(
        lambda b: not b.find_elements(By.CSS_SELECTOR, ".govuk-error-summary"))
    assert browser.find_elements(By.ID, "finding-1") == []


def test_clicking_a_figure_shows_how_it_is_worked_out(served, browser):
    base, _ = served
    browser.get(f"{base}/md-3311")
    link = browser.find_element(By.CSS_SELECTOR, 'a.figure[href$="/figures.decision_total"]')
    assert link.text == "£1,250,000"
    link.click()
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, "pre.explain"))
    text = browser.find_element(By.CSS_SELECTOR, "pre.explain").text
    assert text.startswith("figures.decision_total: £1,250,000 (money)")
    assert "checked as: figures.delivery_contract + pots.grants.total" in text


def test_the_page_passes_axe_with_no_serious_violation(served, browser):
    from axe_selenium_python import Axe
    base, path = served
    for url in (f"{base}/md-3311", f"{base}/md-3311/explain/figures.decision_total",
                f"{base}/"):
        browser.get(url)
        axe = Axe(browser)
        axe.inject()
        results = axe.run()
        serious = [(v["id"], v["impact"], v["help"]) for v in results["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert serious == [], url


def test_serve_an_unknown_id_is_refused(tmp_path, monkeypatch):
    (tmp_path / "decisions").mkdir()
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert main(["serve", "md-1"], stdout=out, stderr=err) == 2
    assert err.getvalue() == 'error: no decision in decisions/ has the id "md-1" (decisions: none).\n'


def test_a_request_for_another_host_is_refused(served):
    """DNS rebinding: a page elsewhere naming 127.0.0.1 must not read the drafts."""
    base, _ = served
    request = urllib.request.Request(f"{base}/md-3311", headers={"Host": "attacker.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 421
    with refused.value:  # the error holds the response, and its socket
        assert b"Warm Homes" not in refused.value.read()


def test_serve_a_port_out_of_range_is_a_usage_error(tmp_path, monkeypatch):
    (tmp_path / "decisions").mkdir()
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert main(["serve", "--port", "70000"], stdout=out, stderr=err) == 2
    assert err.getvalue() == ("error: --port 70000 is not a port: give a number from 1024 to "
                              "65535 (or 0 for any free one).\n")
