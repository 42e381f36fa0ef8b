"""The explorer page in a real browser: headless Chromium loads it, a user moves the slider.

Needs ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` (Debian packages ``chromium`` and
``chromium-driver``; ``.ci/run`` installs them) and Selenium. Both are given to Selenium
explicitly, so Selenium Manager downloads nothing. Without them the tests are skipped, unless
``ZOPA_REQUIRE_BROWSER=1`` (set by CI), which turns the skip into a failure.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.explorer import compute_frames, render_html

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "scenarios" / "examples" / "job_offer.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1300,1800",
)


def _browser_or_skip():
    """Selenium's webdriver module, or a skip (a failure when ZOPA_REQUIRE_BROWSER=1)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        from selenium import webdriver
    except ImportError:
        missing.append("the selenium package")
        webdriver = None
    if missing:
        reason = (
            f"headless browser test needs {', '.join(missing)} "
            "(apt-get install chromium chromium-driver; pip install selenium)"
        )
        if os.environ.get("ZOPA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ZOPA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return webdriver


def _start(webdriver, profile: Path, javascript: bool = True):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """The job offer explored along the candidate's reservation, 0 to 1 in five frames: the
    zone is open at the scenario's 0.45 and closed at 1."""
    folder = tmp_path_factory.mktemp("explorer")
    explorer = compute_frames(simulator.load(JOB), frames=5)
    assert [f.exists for f in explorer.frames] == [True, True, True, True, False]
    path = folder / "explorer.html"
    path.write_text(render_html(explorer), encoding="utf-8")
    return path


@pytest.fixture
def driver(tmp_path):
    webdriver = _browser_or_skip()
    browser = _start(webdriver, tmp_path / "profile")
    yield browser
    browser.quit()


def _visible(driver, container: str) -> list[tuple[str, str]]:
    """``(data-frame, markup)`` of the frames shown in ``#container``."""
    from selenium.webdriver.common.by import By

    return [
        (el.get_attribute("data-frame"), el.get_attribute("innerHTML"))
        for el in driver.find_elements(By.CSS_SELECTOR, f"#{container} [data-frame]")
        if el.is_displayed()
    ]


def _requests(driver, document: str) -> list[str]:
    """Every URL that ``document`` asked the network stack for (from the performance log;
    the browser's own start page is left out)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            if message["params"].get("documentURL") == document:
                urls.append(message["params"]["request"]["url"])
    return urls


def test_moving_the_slider_changes_the_numbers_and_the_pictures(driver, page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(page.as_uri())
    text = {k: driver.find_element(By.ID, k).text for k in ("slack", "status", "value")}
    assert text == {"slack": "+0.195", "status": "Zone OPEN", "value": "0.45"}
    assert "scenario's own value" in driver.find_element(By.ID, "own-note").text
    before = {c: _visible(driver, c) for c in ("utility-space", "gap-chart")}
    assert [frame for frame, _ in before["utility-space"]] == ["2"]
    assert [frame for frame, _ in before["gap-chart"]] == ["2"]

    slider = driver.find_element(By.ID, "slider")
    slider.send_keys(Keys.END)  # a keyboard user: the browser fires "input"
    assert slider.get_attribute("value") == "4"
    assert driver.find_element(By.ID, "status").text == "Zone CLOSED"
    slack = driver.find_element(By.ID, "slack").text
    assert slack != text["slack"] and slack.endswith("(gap)")
    assert driver.find_element(By.ID, "value").text == "1"
    assert "Zone CLOSED" in slider.get_attribute("aria-valuetext")
    for container in ("utility-space", "gap-chart"):
        after = _visible(driver, container)
        assert [frame for frame, _ in after] == ["4"]
        assert after[0][1] != before[container][0][1]  # a different picture
        assert "<svg" in after[0][1]

    slider.send_keys(Keys.ARROW_LEFT)  # one step back: open again, a thin margin
    assert driver.find_element(By.ID, "status").text == "Zone OPEN"
    assert driver.find_element(By.ID, "slack").text == "+0.020"
    assert [frame for frame, _ in _visible(driver, "gap-chart")] == ["3"]

    png = driver.get_screenshot_as_png()
    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3]
    colours = np.unique((pixels.reshape(-1, 3) * 255).astype(np.uint8), axis=0)
    assert len(colours) > 50 and pixels.std() > 0.05, "the screenshot looks blank"

    asked = _requests(driver, page.as_uri())
    assert page.as_uri() in asked  # the log works: it saw the page itself
    assert all(url.startswith(("file:", "data:")) for url in asked), asked


def test_clicking_the_strip_moves_the_slider(driver, page):
    from selenium.webdriver.common.by import By

    driver.get(page.as_uri())
    driver.find_elements(By.CSS_SELECTOR, ".cell")[0].click()
    assert driver.find_element(By.ID, "slider").get_attribute("value") == "0"
    assert driver.find_element(By.ID, "value").text == "0"
    assert [frame for frame, _ in _visible(driver, "utility-space")] == ["0"]


def test_without_javascript_the_scenarios_own_frame_shows(tmp_path, page):
    from selenium.webdriver.common.by import By

    webdriver = _browser_or_skip()
    browser = _start(webdriver, tmp_path / "profile", javascript=False)
    try:
        browser.get(page.as_uri())
        assert browser.find_element(By.ID, "status").text == "Zone OPEN"
        assert browser.find_element(By.ID, "slack").text == "+0.195"
        for container in ("utility-space", "gap-chart"):
            assert [frame for frame, _ in _visible(browser, container)] == ["2"]
    finally:
        browser.quit()


#: A 1080p projector (1920 x 1080 less the browser's bars) and a small laptop screen.
SCREENS = [(1920, 950), (1280, 720)]
UKRAINE = ROOT / "scenarios" / "ukraine" / "baseline.yaml"


@pytest.fixture(scope="module")
def ukraine_page(tmp_path_factory) -> Path:
    """The Ukraine baseline along Russia's reservation: open at its own 0.45, closed at 1
    (the frames whose legends once ran off the picture)."""
    explorer = compute_frames(simulator.load(UKRAINE, env={}), values=[0.45, 1.0])
    assert [f.exists for f in explorer.frames] == [True, False]
    path = tmp_path_factory.mktemp("explorer") / "ukraine.html"
    path.write_text(render_html(explorer), encoding="utf-8")
    return path


def _viewport(driver, width: int, height: int) -> None:
    """Make the page's viewport ``width`` x ``height`` CSS pixels (the window's size less
    whatever the browser keeps for itself)."""
    outer = [width, height]
    for _ in range(5):
        driver.set_window_size(*outer)
        inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        if inner == [width, height]:
            return
        outer = [outer[0] + width - inner[0], outer[1] + height - inner[1]]
    raise AssertionError(f"viewport {inner}, not {[width, height]}")


_MEASURE = """
var box = function (el) { var r = el.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
var frame = document.querySelector("#utility-space .frame:not([hidden])");
frame.scrollIntoView({block: "start"});
var svg = frame.querySelector("svg");
return {
  viewport: window.innerHeight,
  slider: box(document.getElementById("slider")),
  panel: box(document.querySelector(".panel")),
  status: box(document.getElementById("status")),
  picture: box(svg),
  texts: Array.prototype.map.call(svg.querySelectorAll("text"), function (t) {
    var b = box(t); b.text = t.textContent; return b; })
};
"""


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_slider_and_the_whole_picture_fit_one_screen(driver, ukraine_page, screen):
    """Scrolled to the utility-space picture, the sticky slider and the whole picture are on
    screen together, the picture below the slider's panel, not under it; and every text of
    the picture (the key under it, the reservations' names) is inside the picture, in the
    open frame and in the closed one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _viewport(driver, *screen)
    driver.get(ukraine_page.as_uri())
    slider = driver.find_element(By.ID, "slider")
    for key, status in ((Keys.HOME, "Zone OPEN"), (Keys.END, "Zone CLOSED")):
        slider.send_keys(key)
        assert driver.find_element(By.ID, "status").text == status
        m = driver.execute_script(_MEASURE)
        height = m["viewport"]
        for name in ("slider", "status"):
            assert 0 <= m[name]["top"] and m[name]["bottom"] <= height, (name, m[name])
        picture = m["picture"]
        assert picture["top"] >= m["panel"]["bottom"] - 1, (picture, m["panel"])
        assert picture["bottom"] <= height + 1, (picture, height)
        assert picture["bottom"] - picture["top"] > 0.45 * height  # not shrunk to a stamp
        for text in m["texts"]:
            if not text["text"].strip():
                continue
            inside = (
                text["left"] >= picture["left"] - 1
                and text["right"] <= picture["right"] + 1
                and text["top"] >= picture["top"] - 1
                and text["bottom"] <= picture["bottom"] + 1
            )
            assert inside, (status, text, picture)
