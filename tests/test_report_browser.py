"""The report in a real browser (headless Chromium through Playwright): it draws without console
errors, sorting and filtering change what is shown, a click shows a cell's evidence. Skipped
where no browser is installed; .ci/run installs one and sets STRATEGYSCAN_REQUIRE_BROWSER=1."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import missing

from strategyscan import pipeline
from strategyscan.paths import SAMPLES

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    pipeline.run([SAMPLES], out, workers=1)
    return out / "report.html"


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed (make install-browser)", "STRATEGYSCAN_REQUIRE_BROWSER")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        missing("Chromium is not installed (apt-get install chromium)", "STRATEGYSCAN_REQUIRE_BROWSER")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, report, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri())
    page.wait_for_selector("#heat tbody tr")
    yield page
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert errors == []
    page.close()


def rows(page) -> list[str]:
    return page.locator("#heat tbody tr td:first-child").all_inner_texts()


def test_the_report_draws_every_group_and_filters_and_sorts(page):
    assert len(rows(page)) == 5
    page.fill("#q", "kes")
    assert [r.strip(" †") for r in rows(page)] == ["Kestria"]
    page.fill("#q", "")
    page.click("#heat th[data-key='group']")
    first = rows(page)
    page.click("#heat th[data-key='group']")
    assert rows(page) == first[::-1] and first[0].startswith("Aurelia")


def test_a_cell_click_shows_its_evidence_and_documents(page, report):
    data = json.loads(re.search(r"id='data'>(.*?)</script>", report.read_text(encoding="utf-8"), re.S).group(1)
                      .replace("<\\/", "</"))
    evidence = next(e for e in data["evidence"] if e["group"] == "Kestria" and e["category"] == "capacity_building")
    assert not page.is_visible("#panel")
    page.click("#heat td.cell[data-group='Kestria'][data-cat='capacity_building']")
    panel = page.inner_text("#panel")
    assert "Kestria: Capacity building" in panel and evidence["text"][:60] in panel


def test_rankings_follow_the_minimum_support_and_evidence_can_be_searched(page):
    assert page.locator("#ranking g.rank").count() == 0  # every sample country has under 30 passages
    page.fill("#minp", "0")
    page.dispatch_event("#minp", "change")
    assert page.locator("#ranking g.rank").count() == 5
    page.select_option("#rankcat", "deterrence")
    assert page.locator("#ranking g.rank").first.text_content().startswith("1. Drakmoor")
    page.fill("#evq", "cyber")
    assert page.locator("#evresults .ev").count() > 0


def test_a_report_lists_the_files_it_could_not_count(tmp_path, browser):
    src = tmp_path / "src"
    src.mkdir()
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    shutil.copy(SAMPLES / "kestria_2019.pdf", src)
    pipeline.run([src], tmp_path / "out", workers=1)
    page = browser.new_page()
    page.goto((tmp_path / "out" / "report.html").as_uri())
    left = page.inner_text("#leftout + table")
    assert "broken.pdf" in left and "kestria" not in left
    page.close()
