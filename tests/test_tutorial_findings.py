"""The Ukraine tutorial's tables and figures are what docs/tutorial/ukraine_findings.py
computes now: a change to a scenario, the engine or a report that moves a number fails here
until the page is regenerated (``python docs/tutorial/ukraine_findings.py``)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "docs" / "tutorial" / "ukraine_findings.py"


@pytest.fixture(scope="module")
def findings():
    spec = importlib.util.spec_from_file_location("ukraine_findings", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_generated_block_of_the_tutorial_is_what_the_script_computes(findings):
    page = findings.PAGE.read_text(encoding="utf-8")
    fresh = findings.render(page)
    if fresh != page:
        import difflib

        diff = "".join(
            difflib.unified_diff(page.splitlines(True), fresh.splitlines(True), "page", "now")
        )
        pytest.fail(
            "the tutorial is stale; run python docs/tutorial/ukraine_findings.py\n" + diff[:4000]
        )
    for name in findings.BLOCKS:
        assert findings.BEGIN.format(name) in page and findings.END.format(name) in page


def test_every_figure_carries_the_fingerprint_of_what_it_shows(findings):
    assert findings.stale_figures() == []
    page = findings.PAGE.read_text(encoding="utf-8")
    for name in findings.FIGURES:
        assert f"img/{name}" in page


def test_the_robustness_numbers_are_the_sweeps(findings):
    """The quoted frequencies are recomputed from the sweep's rows, independently of the
    script's own counting."""
    numbers = findings.robustness_numbers()
    df = findings.sweep_results()
    assert numbers["draws"] == len(df) == findings.SAMPLES
    with_zone = df[df["exists"].astype(bool)]
    part = with_zone["nash.guarantors"].isin(["with_russia", "russian_veto"]).mean()
    assert numbers["russia_takes_part"] == pytest.approx(part)
    assert numbers["p_zone"] == pytest.approx(df["exists"].astype(bool).mean())
    for issue, value in numbers["base"].items():
        column = with_zone[f"nash.{issue}"].map(findings._fmt)
        assert numbers["keeps"][issue] == pytest.approx((column == value).mean())
    # the issues settled by red lines never move, and the page says which they are
    for issue in numbers["fixed_by_red_lines"]:
        assert numbers["keeps"][issue] == 1.0
    page = findings.PAGE.read_text(encoding="utf-8")
    assert f"{numbers['russia_takes_part']:.1%}" in page
    assert re.search(rf"\| a zone exists \| {numbers['p_zone']:.1%} of draws \|", page)


def test_a_stale_block_is_detected(findings):
    page = findings.PAGE.read_text(encoding="utf-8")
    begin = findings.BEGIN.format("variants")
    broken = page.replace(begin + "\n", begin + "\n| a row nobody computed |\n", 1)
    assert findings.render(broken) == page


def test_every_figure_in_the_docs_is_drawn_by_the_script(findings):
    """No picture in docs/ that no script draws: every image file is one of the script's
    figures (fingerprinted above), and every image a page shows is one of them."""
    docs = ROOT / "docs"
    drawn = {(findings.IMG / name).resolve() for name in findings.FIGURES}
    images = {
        p.resolve()
        for p in docs.rglob("*")
        if p.suffix.lower() in {".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp"}
    }
    assert images == drawn, sorted(str(p.relative_to(docs)) for p in images ^ drawn)
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        links = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text) + re.findall(
            r"<img[^>]*\ssrc=\"([^\"]+)\"", text
        )
        for link in links:
            assert (page.parent / link).resolve() in drawn, f"{page.name}: {link}"
