"""The explorer as one self-contained HTML page: a slider over precomputed frames.

:func:`render_html` writes everything into one string: the styles, every frame's two figures
as inline SVG (:mod:`simulator.explorer.svg`; dots, lines and text), the numbers as JSON and
a few lines of plain JavaScript that show the frame the slider points at. The page loads
nothing -- no script, style sheet, font or image from anywhere -- so it opens from a USB stick
with no network. With JavaScript off it shows the scenario's own frame.
"""

from __future__ import annotations

import json
from html import escape

from simulator.explorer.frames import Explorer, Frame

__all__ = ["format_slack", "format_value", "render_html", "script_json"]

MINUS = "\u2212"

SLACK_MEANING = (
    "The most that every signatory can gain over its walk-away value at the same time; when "
    "negative, the bargaining gap: how far every walk-away value would have to fall to open "
    "a zone."
)


def format_value(value: float) -> str:
    """A parameter value for people: at most three decimals, no trailing zeros.

    >>> format_value(0.45), format_value(2 / 3), format_value(57.5), format_value(-0.0)
    ('0.45', '0.667', '57.5', '0')
    """
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace("-", MINUS)


def format_slack(slack: float | None) -> str:
    """The slack as shown: a signed margin, a gap, or why there is none.

    >>> format_slack(1 / 6), format_slack(-0.052), format_slack(None)
    ('+0.167', '\u22120.052 (gap)', 'no agreement obeys every red line')
    """
    if slack is None:
        return "no agreement obeys every red line"
    if slack >= 0:
        return f"+{slack:.3f}"
    return f"{MINUS}{-slack:.3f} (gap)"


_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(data) -> str:
    r"""``data`` as JSON text safe inside an HTML ``<script>`` element.

    An HTML parser reads a script's text looking for ``</script``, and after ``<!--`` followed
    by ``<script`` it no longer ends the element at the next ``</script>``: a label holding
    them would end, or swallow, the page's code. So every ``<``, ``>`` and ``&`` is written as
    a JSON escape (``\u003c``, ...), as are U+2028 and U+2029 (line ends to older
    JavaScript); ``JSON.parse`` reads back the same data, and no raw ``<`` is left.

    >>> print(script_json({"label": "<!-- <script> a & b </script>"}))
    {"label": "\u003c!-- \u003cscript\u003e a \u0026 b \u003c/script\u003e"}
    """
    text = json.dumps(data, ensure_ascii=False)
    for char, escaped in _SCRIPT_UNSAFE.items():  # JSON has none of them outside strings
        text = text.replace(char, escaped)
    return text


def _status(frame: Frame) -> tuple[str, str]:
    if frame.exists:
        return "Zone OPEN", "some agreements beat walking away for every signatory"
    if frame.slack is None:
        return "Zone CLOSED", "the red lines and constraints rule out every agreement"
    return "Zone CLOSED", "every agreement leaves some signatory below its walk-away value"


def _share(count: int, total: int) -> str:
    share = count / total if total else 0.0
    if 0 < share < 0.0001:
        return "under 0.01%"
    return f"{share:.2%}" if share < 0.1 else f"{share:.0%}"


def _count_text(count: int, total: int) -> str:
    if count == 0:
        return f"None of the {total:,} possible agreements is acceptable to every signatory."
    if count == 1:
        return f"1 of the {total:,} possible agreements is acceptable to every signatory."
    return (
        f"{count:,} of {total:,} possible agreements ({_share(count, total)}) are acceptable "
        "to every signatory."
    )


def _gains_text(explorer: Explorer, frame: Frame) -> str:
    """Who gains what at the Nash agreement."""
    if frame.nash_gains is None:
        return "No zone, so no agreement to split."
    gains = ", ".join(
        f"{explorer.party_labels[p]} {'+' if g >= 0 else MINUS}{abs(g):.3f}"
        for p, g in frame.nash_gains.items()
    )
    return f"Gains over walking away: {gains}."


def _package(explorer: Explorer, frame: Frame) -> str:
    """The Nash agreement issue by issue, as an HTML table (or why there is none)."""
    if frame.nash_outcome is None:
        return "<p>No zone: no agreement is acceptable to every signatory.</p>"
    rows = "".join(
        f"<tr><th>{escape(explorer.issue_labels.get(issue, issue))}</th><td>"
        + escape(format_value(v) if isinstance(v, float) else str(v).replace("_", " "))
        + "</td></tr>"
        for issue, v in frame.nash_outcome.items()
    )
    return f"<table>{rows}</table>"


def _texts(explorer: Explorer, frame: Frame) -> dict[str, str]:
    """What the page writes for one frame, by the id of the element that shows it."""
    status, note = _status(frame)
    own = format_value(explorer.value)
    return {
        "value": format_value(frame.value),
        "own-note": "\u25c6 the scenario's own value"
        if frame.own
        else f"(the scenario's own value is {own}, marked \u25c6 below the slider)",
        "status": status,
        "status-note": note,
        "slack": format_slack(frame.slack),
        "count": _count_text(frame.count, explorer.total),
        "nash": _gains_text(explorer, frame),
    }


_STYLE = """
:root { --open: #1a7f37; --closed: #c0392b; --ink: #1f2328; --soft: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, "Segoe UI", Roboto, "DejaVu Sans", Arial,
  sans-serif; color: var(--ink); background: #f6f8fa; line-height: 1.4; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
h1 { font-size: 1.7rem; margin: 0.4rem 0; }
h2 { font-size: 1.2rem; margin: 0 0 0.3rem; }
p { margin: 0.3rem 0; }
.lead { color: var(--soft); max-width: 60rem; }
.panel { position: sticky; top: 0; z-index: 2; background: #fff; border: 1px solid #d0d7de;
  border-radius: 8px; padding: 0.5rem 1rem 0.4rem; margin: 0.8rem 0 0.5rem;
  box-shadow: 0 2px 6px #0001; }
label { font-weight: 600; font-size: 1.05rem; }
#slider { display: block; accent-color: #0969da; height: 1.6rem;
  margin: 0.3rem 0 0.1rem calc(100% / (2 * var(--n)) - 8px);
  width: calc(100% - 100% / var(--n) + 16px); }
#slider:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.now { display: flex; flex-wrap: wrap; align-items: center; gap: 0.2rem 1.2rem;
  margin-top: 0.2rem; }
.reading { font-size: 1.05rem; margin: 0; }
#value { font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
#own-note { color: var(--soft); margin-left: 0.5rem; }
.slack-now { display: flex; align-items: baseline; gap: 0.5rem; }
.strip { display: flex; gap: 2px; margin-bottom: 0.9rem; }
.cell { flex: 1; height: 0.7rem; border-radius: 2px; cursor: pointer; position: relative;
  opacity: 0.55; }
.cell.open { background: var(--open); }
.cell.closed { background: var(--closed); }
.cell.current { opacity: 1; outline: 2px solid var(--ink); outline-offset: 1px; }
.cell.own::after { content: "\\25c6"; position: absolute; top: 0.75rem; left: 50%;
  transform: translateX(-50%); font-size: 0.8rem; color: var(--ink); }
.ends { display: flex; justify-content: space-between; color: var(--soft);
  font-size: 0.85rem; margin-top: -0.9rem; }
.top { display: flex; flex-wrap: wrap; justify-content: space-between;
  align-items: baseline; gap: 0 1rem; }
.key { color: var(--soft); font-size: 0.85rem; }
.k-open { color: var(--open); }
.k-closed { color: var(--closed); }
.results { display: grid; grid-template-columns: minmax(13rem, 1fr) minmax(14rem, 1.3fr)
  minmax(14rem, 1.6fr); gap: 0.8rem; align-items: start; background: #fff;
  border: 1px solid #d0d7de; border-radius: 8px; padding: 0.6rem 1rem; margin: 0.5rem 0; }
#status { font-size: 1.4rem; font-weight: 800; padding: 0.1rem 0.6rem; border-radius: 6px;
  color: #fff; text-align: center; white-space: nowrap; }
#status.open { background: var(--open); }
#status.closed { background: var(--closed); }
#status-note, .small { color: var(--soft); font-size: 0.9rem; }
.big { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.tag { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--soft); }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px;
  padding: 0.8rem 1rem; margin: 0.8rem 0; }
.figure svg { display: block; width: 100%; height: auto;
  max-height: calc(100vh - var(--bar, 11rem) - 1rem); }
.figure .frame { scroll-margin-top: calc(var(--bar, 11rem) + 0.5rem); }
.figure svg text { white-space: pre; font-family: "DejaVu Sans", Verdana,
  "Bitstream Vera Sans", Geneva, Arial, sans-serif !important; }
#nash-package { scroll-margin-top: calc(var(--bar, 11rem) + 0.5rem); }
#nash-package table { border-collapse: collapse; }
#nash-package th, #nash-package td { text-align: left; padding: 0.15rem 1rem 0.15rem 0;
  border-bottom: 1px solid #eaeef2; font-weight: normal; }
#nash-package th { color: var(--soft); }
#nash-package td { font-weight: 600; }
code { font-size: 0.9em; background: #eff1f3; padding: 0 0.2rem; border-radius: 3px; }
footer { color: var(--soft); font-size: 0.85rem; }
.noscript { background: #fff8c5; padding: 0.3rem 0.6rem; border-radius: 4px; }
@media (max-width: 800px) { .results { grid-template-columns: 1fr; } }
@media (max-height: 600px) { .panel { position: static; } }
"""

_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("frame-data").textContent);
  var slider = document.getElementById("slider");
  var cells = document.querySelectorAll(".cell");
  var shown = document.querySelectorAll("[data-frame]");
  function put(id, text) { document.getElementById(id).textContent = text; }
  function show(k) {
    var f = data[k], t = f.text;
    Object.keys(t).forEach(function (id) { put(id, t[id]); });
    document.getElementById("status").className = f.open ? "open" : "closed";
    slider.setAttribute("aria-valuetext", t.value + ": " + t.status + ", margin " + t.slack);
    shown.forEach(function (el) { el.hidden = el.getAttribute("data-frame") !== String(k); });
    cells.forEach(function (el, i) { el.classList.toggle("current", i === k); });
    measure();  // new texts may change the bar's height: now, not at the next frame
  }
  // The pictures fit under the sticky bar: --bar is its height (0 when it does not stick).
  var panel = document.querySelector(".panel"), root = document.documentElement;
  function measure() {
    var sticks = getComputedStyle(panel).position === "sticky";
    root.style.setProperty("--bar", (sticks ? panel.offsetHeight : 0) + "px");
  }
  window.addEventListener("resize", measure);
  if (window.ResizeObserver) { new ResizeObserver(measure).observe(panel); }
  measure();
  slider.addEventListener("input", function () { show(Number(slider.value)); });
  cells.forEach(function (el, i) {
    el.addEventListener("click", function () { slider.value = i; show(i); });
  });
  show(Number(slider.value));
})();
"""


def _per_frame(explorer: Explorer, which: str, start: int) -> str:
    """One element per frame (``data-frame="k"``), only the ``start``-th visible."""
    parts = []
    for k, frame in enumerate(explorer.frames):
        hidden = "" if k == start else " hidden"
        if which == "package":
            parts.append(f'<div data-frame="{k}"{hidden}>{_package(explorer, frame)}</div>')
            continue
        svg = frame.utility_space if which == "utility_space" else frame.gap_chart
        parts.append(
            f'<div class="frame" data-frame="{k}"{hidden} role="img" '
            f'aria-label="{escape(explorer.label)} = {escape(format_value(frame.value))}">'
            f"{svg}</div>"
        )
    return "\n".join(parts)


def render_html(explorer: Explorer) -> str:
    """The explorer as one self-contained HTML page (UTF-8 text).

    The page holds the scenario's name and description; a slider (``#slider``, a native
    range input: arrow keys, Home and End work) over the frames with the parameter in plain
    words, its value (``#value``) and a mark at the scenario's own value; the zone's status
    (``#status``), the slack (``#slack``) with what it means, the count of acceptable
    agreements, the Nash agreement; and the utility-space picture (``#utility-space``) and the
    bargaining-gap chart (``#gap-chart``), each frame in an element with ``data-frame="k"``,
    only the current one visible. It references no external resource.

    Examples
    --------
    >>> import simulator
    >>> from simulator.explorer import compute_frames
    >>> job = simulator.load("scenarios/examples/job_offer.yaml")
    >>> page = render_html(compute_frames(job, frames=2))
    >>> page.startswith("<!DOCTYPE html>"), page.count('class="frame" data-frame=')
    (True, 4)
    """
    frames = explorer.frames
    start = explorer.own_index if explorer.own_index is not None else 0
    texts = [_texts(explorer, f) for f in frames]
    data = [{"open": f.exists, "own": f.own, "text": t} for f, t in zip(frames, texts)]
    now = texts[start]
    status_class = "open" if frames[start].exists else "closed"
    payload = script_json(data)
    cells = "".join(
        f'<span class="cell {"open" if f.exists else "closed"}'
        f'{" own" if f.own else ""}{" current" if k == start else ""}" '
        f'title="{escape(d["value"])}: {escape(d["status"])}, margin {escape(d["slack"])}">'
        "</span>"
        for k, (f, d) in enumerate(zip(frames, texts))
    )
    e = escape
    x, y = (e(explorer.party_labels.get(p, p)) for p in (explorer.x, explorer.y))
    low, high = format_value(frames[0].value), format_value(frames[-1].value)
    description = (
        f'<p class="lead">{e(explorer.description)}</p>' if explorer.description.strip() else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(explorer.name)} \u2013 explorer</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>{e(explorer.name)}</h1>
{description}
<div class="panel" style="--n: {max(len(frames), 2)}">
  <div class="top"><label for="slider">Move the slider: {e(explorer.label)}</label>
    <span class="key" aria-hidden="true">Under the slider: <b class="k-open">green</b> zone
    open, <b class="k-closed">red</b> closed, \u25c6 the scenario's own value.</span></div>
  <input type="range" id="slider" min="0" max="{len(frames) - 1}" step="1" value="{start}"
    aria-valuetext="{e(now["value"])}: {e(now["status"])}, margin {e(now["slack"])}">
  <div class="strip" aria-hidden="true">{cells}</div>
  <div class="ends" aria-hidden="true"><span>{e(low)}</span><span>{e(high)}</span></div>
  <div class="now">
    <p class="reading">Value: <span id="value">{e(now["value"])}</span>
      <span id="own-note">{e(now["own-note"])}</span></p>
    <div id="status" class="{status_class}">{e(now["status"])}</div>
    <div class="slack-now"><span class="tag">margin</span>
      <div id="slack" class="big">{e(now["slack"])}</div></div>
  </div>
</div>
<noscript><p class="noscript">JavaScript is off: the page shows the scenario's own value
  only.</p></noscript>
<div class="results">
  <div><div class="tag">zone</div><p id="status-note">{e(now["status-note"])}</p></div>
  <div><div class="tag">margin</div><p class="small">{e(SLACK_MEANING)}</p></div>
  <div><div class="tag">acceptable agreements</div><p id="count">{e(now["count"])}</p>
    <div class="tag">Nash agreement</div><p id="nash">{e(now["nash"])}</p>
    <p class="small"><a href="#nash-package">The agreement, issue by issue</a> is at the
    bottom of the page.</p></div>
</div>
<section>
  <h2>The utility space: {x} against {y}</h2>
  <p class="small">Every dot is a possible agreement, placed by how good it is for {x}
    (across) and for {y} (up). Blue dots are acceptable to every signatory: they are the
    zone; green ones its Pareto frontier, where no signatory can gain without another losing.
    The dashed lines are the two walk-away values (reservations): a grey dot in the shaded
    box beats walking away for both, but a red line (or another signatory) rules it out. The
    star is the Nash agreement, the diamond Kalai-Smorodinsky's. The key under the picture
    says how many dots of each kind are drawn.</p>
  <div id="utility-space" class="figure">
{_per_frame(explorer, "utility_space", start)}
  </div>
</section>
<section>
  <h2>The bargaining gap</h2>
  <p class="small">For each signatory, the tick is its walk-away value and the dot the best it
    can get while every other signatory still accepts. A green bar is room to bargain; a red
    bar is how far it falls short, and then there is no zone.</p>
  <div id="gap-chart" class="figure">
{_per_frame(explorer, "gap_chart", start)}
  </div>
</section>
<section>
  <h2>The Nash agreement, issue by issue</h2>
  <p class="small">The agreement that maximises the product of the signatories' gains over
    walking away (Nash 1950), among those every signatory accepts.</p>
  <div id="nash-package">
{_per_frame(explorer, "package", start)}
  </div>
</section>
<footer><p>{len(frames)} values of <code>{e(explorer.path)}</code> from {e(low)} to
  {e(high)}, each solved in advance by <code>zopa explore</code>; this file needs no network
  and no other file.</p></footer>
</main>
<script type="application/json" id="frame-data">{payload}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
