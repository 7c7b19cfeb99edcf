"""A self-contained, interactive HTML report: the numbers embedded as JSON, drawn in the browser
by a small inlined script (no network, no server), with the method written from the model cards.
PNG charts are written only when asked for (`plots.write_pngs`).

Country and file names, passage text and model ids come from the documents and tags tables, so
nothing here is trusted: HTML written here goes through html.escape, the JSON cannot end its
script element (`script_json`), and report.js escapes whatever it puts into the page."""

from __future__ import annotations

import datetime as _dt
import html
import json
from importlib.resources import files
from pathlib import Path

from ..outputs import write_text

#: Files `compare` and `run` write beside the report, linked from it where present (after the
#: comparison table, named for the grouping: `options.table_name`).
DOWNLOADS = ("comparison_long.csv", "evidence.csv", "changes.csv", "documents.csv", "tags.csv", "tags.parquet",
             "passages.csv")


def _asset(name: str) -> str:
    return files("strategyscan.comparison").joinpath("assets", name).read_text(encoding="utf-8")


def script_json(data: dict) -> str:
    """`data` as JSON fit to embed in a script element: <, > and & written as \\u escapes, so no
    text in it can close the element (</script>) or change how the parser reads it (<!--)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _fmt(value, spec: str = ".2f") -> str:
    return "not measured" if value is None else format(value, spec)


def _models_section(models: list[dict], labels: list[str]) -> str:
    """Which model scored which language and how well it did on held-out documents: a share from a
    weaker model deserves less trust, and the reader must see that beside the shares."""
    if not models:
        return ""
    esc = html.escape
    rows = ["<h2 id='models'>Models</h2><p class='muted'>Each passage is scored by the model for its language. "
            "Quality is measured once on passages of held-out documents, labelled by the codebook (micro-F1 over "
            "all labels; exact = whole label set right; per category F1 with the number of true passages).</p>"
            "<table><tr><th class='nosort'>language</th><th class='nosort'>model</th><th class='nosort'>held-out "
            "passages</th><th class='nosort'>micro-F1</th><th class='nosort'>macro-F1</th><th class='nosort'>exact</th>"
            + "".join(f"<th class='nosort'>{esc(lab)}</th>" for lab in labels) + "</tr>"]
    for m in models:
        per = {x["label"]: x for x in m.get("heldout_labels") or []}
        rows.append(f"<tr><td>{esc(str(m.get('name') or m.get('language', '')))}</td><td>{esc(str(m['model_id']))}</td>"
                    f"<td class='num'>{esc(_fmt(m.get('heldout_passages'), 'd'))}</td>"
                    f"<td class='num'>{esc(_fmt(m.get('heldout_micro_f1')))}</td>"
                    f"<td class='num'>{esc(_fmt(m.get('heldout_macro_f1')))}</td>"
                    f"<td class='num'>{esc(_fmt(m.get('heldout_exact'), '.0%'))}</td>"
                    + "".join(f"<td class='num'>{esc(_fmt(per[lab]['f1']))} ({esc(str(per[lab]['support']))})</td>"
                              if lab in per else "<td></td>" for lab in labels) + "</tr>")
    rows.append("</table>")
    return "".join(rows)


def _method(data: dict) -> str:
    esc = html.escape
    cats = "".join(f"<tr><td>{esc(c['title'])}</td><td>{esc(c['description'])}</td></tr>" for c in data["categories"])
    return (
        "<h2 id='method'>Method</h2>"
        "<p><b>Passages</b> are windows of one to three sentences (at most 120 words) cut from each document's "
        "cleaned text; headings and fragments are not counted, nor are passages in a language no model covers. "
        f"A group is ranked only with at least {esc(str(data['min_passages']))} counted passages (the box above "
        "changes it).</p>"
        "<p><b>Raw share</b>: the passages the model labels with a category over the group's counted passages. "
        "<b>Adjusted share</b>: the estimate that recovered the true shares of real training documents best under "
        "document-grouped cross-validation (classify-and-count, mean probability, or either corrected for the "
        "model's true- and false-positive rates; the model card records which and by how much); where "
        "classify-and-count won, it equals the raw share and only its interval differs. <b>Intervals</b>: 1,000 "
        "seeded replicates resample a group's documents and draw each document's share of labelled passages from "
        "what its counts allow (a document with none is not certain to hold none), draw the error rates "
        "with their uncertainty and add to every document the error the model made on a training document with a "
        "similar estimate, because a model's error on a whole document is systematic; a Wilson interval over "
        "passages covers neither. <b>Ranks</b> come from the adjusted shares; a grey dot in a ranking marks a "
        "group its successor outranks in more than one replicate in ten (not separable). <b>Emphasis</b> is a "
        "group's share over the corpus share (1.0 = average; the heatmap's colour).</p>"
        "<p><b>When to distrust it</b>: the error record is measured on the models' training strategies. A corpus "
        "unlike them (laws, IT-governance plans, a language whose model learned from a few documents) can be off "
        "by more than the interval says; the Models section gives each model's held-out quality.</p>"
        f"<table><tr><th class='nosort'>category</th><th class='nosort'>meaning (codebook)</th></tr>{cats}</table>")


def _left_out(rows: list[dict]) -> str:
    if not rows:
        return ""
    esc = html.escape
    body = "".join(f"<tr><td>{esc(str(r.get('file', '')))}</td><td>{esc(str(r.get('country') or ''))}</td>"
                   f"<td>{esc(str(r.get('language') or ''))}</td><td>{esc(str(r.get('status', '')))}</td>"
                   f"<td>{esc(str(r.get('reason') or ''))}</td></tr>" for r in rows)
    return ("<h2 id='leftout'>Documents left out or read in part</h2><table><tr><th class='nosort'>file</th>"
            "<th class='nosort'>country</th><th class='nosort'>language</th><th class='nosort'>status</th>"
            f"<th class='nosort'>reason</th></tr>{body}</table>")


def render_html(data: dict, downloads: list[str]) -> str:
    esc = html.escape
    meta = data["meta"]
    groups = data["groups"]
    counted = sum(g["passages"] for g in groups)
    uncovered = [g["group"] for g in groups if g["passages"] == 0]
    payload = script_json(data)
    links = " ".join(f"<a href='{esc(name)}'>{esc(name)}</a>" for name in downloads)
    return "\n".join([
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>strategyscan report</title>",
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_asset('report.css')}</style>"
        "</head><body>",
        "<h1>Cyber-diplomacy emphasis in national strategies</h1>",
        f"<p class='muted'>{len(groups)} groups ({esc(data['by'])}), {sum(g['documents'] for g in groups)} documents, "
        f"{counted} counted passages; model {esc(str(meta.get('model_id', '')))}; generated "
        f"{esc(str(meta.get('created', '')))}. Shares are adjusted shares with 95 % intervals where the model has an "
        "error record (see Method); hover a cell for exact values, click it for the evidence.</p>",
        (f"<p class='muted'>No counted passages (only text in languages no model covers, or headings) for "
         f"{len(uncovered)} group(s), so they have no shares: {esc(', '.join(uncovered))}.</p>"
         if uncovered and not meta.get("empty") else ""),
        f"<p class='empty'><b>{esc(meta['empty'])}</b></p>" if meta.get("empty") else "",
        f"<p class='downloads'>Data: {links}</p>" if links else "",
        "<nav><a href='#shares'>Shares</a><a href='#rankings'>Rankings</a><a href='#changes'>Change over time</a>"
        "<a href='#evsearch'>Search evidence</a><a href='#leftout'>Left out</a><a href='#method'>Method</a>"
        "<a href='#models'>Models</a></nav>",
        "<h2 id='shares'>Shares per group and category</h2>",
        "<div class='controls'><label>group <input id='q' type='search' placeholder='filter'></label>"
        "<label>language <select id='lang'></select></label>"
        "<label>minimum counted passages <input id='minp' type='number' min='0' style='width:5em'></label>"
        "<span id='heatcount' class='muted'></span></div>",
        "<p class='muted'>Cell: share (adjusted where available) and labelled / counted passages; colour: emphasis "
        "(red above the corpus average, blue below); faded and marked †: fewer counted passages than the minimum, "
        "so not ranked. Click a column head to sort.</p>",
        "<div id='heatwrap'><table id='heat'></table></div><p id='below' class='muted'></p>",
        "<div id='panel'></div>",
        "<h2 id='rankings'>Rankings</h2><div class='controls'><label>category <select id='rankcat'></select></label>"
        "<span class='muted'>every group with enough counted passages; bar = 95 % interval; click a row for its "
        "evidence</span></div><svg id='ranking' width='100%'></svg>",
        "<h2 id='changes'>Change over time</h2><p class='muted'>Adjusted share per category over each country's "
        "strategies of known year (hover the last point for the change and its interval; changes.csv has every "
        "step).</p><p id='timelegend'></p><div id='timelines'></div>",
        "<h2 id='evsearch'>Search the evidence</h2><div class='controls'><input id='evq' type='search' "
        "placeholder='three letters or more' size='40'></div><div id='evresults'></div>",
        _left_out(data.get("left_out") or []),
        _method(data),
        _models_section(meta.get("models") or [], [c["name"] for c in data["categories"]]),
        f"<script type='application/json' id='data'>{payload}</script>",
        f"<script>{_asset('report.js')}</script>",
        "</body></html>",
    ])


def write_report(out: Path, data: dict) -> Path:
    data = {**data, "meta": {"created": _dt.datetime.now().replace(microsecond=0).isoformat(sep=" "), **data["meta"]}}
    from .options import table_name

    downloads = [name for name in (table_name(data["by"]), *DOWNLOADS) if (out / name).is_file()]
    return write_text(out / "report.html", render_html(data, downloads))
