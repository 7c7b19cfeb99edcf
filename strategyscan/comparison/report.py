"""A self-contained HTML report (images inlined, no network) and the same plots as PNG files."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..outputs import write_bytes, write_text
from .aggregate import group_name

MAX_ROWS_HEATMAP = 120


def _figure_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def heatmap_png(table: pd.DataFrame, labels: list[str], titles: dict[str, str], by: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counted = table[table["passages"] > 0]
    rows = counted.sort_values("passages", ascending=False).head(MAX_ROWS_HEATMAP)
    rows = rows.assign(_name=rows.apply(lambda r: group_name(r, by), axis=1)).sort_values("_name")
    shown = f"{len(rows)} groups" + (f" (the {len(rows)} with most passages of {len(counted)})"
                                     if len(rows) < len(counted) else "")
    data = np.array([[r[f"{lab}_emphasis"] for lab in labels] for _, r in rows.iterrows()], dtype=float)
    shares = np.array([[r[f"{lab}_share"] for lab in labels] for _, r in rows.iterrows()], dtype=float)
    fig, ax = plt.subplots(figsize=(2.0 + 1.3 * len(labels), 1.2 + 0.32 * max(len(rows), 1)))
    logged = np.log2(np.clip(np.nan_to_num(data, nan=1.0), 1 / 8, 8))
    im = ax.imshow(logged, cmap="RdBu_r", vmin=-2, vmax=2, aspect="auto")
    ax.set_xticks(range(len(labels)), [titles.get(lab, lab) for lab in labels], rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows["_name"].tolist())
    for i in range(len(rows)):
        for j in range(len(labels)):
            if not np.isnan(shares[i, j]):
                ax.text(j, i, f"{shares[i, j]:.0%}", ha="center", va="center", fontsize=7,
                        color="white" if abs(logged[i, j]) > 1.2 else "black")
    cbar = fig.colorbar(im, ax=ax, shrink=0.6)
    cbar.set_ticks([-2, -1, 0, 1, 2], labels=["1/4x", "1/2x", "average", "2x", "4x"])
    cbar.set_label("emphasis (share relative to corpus)")
    ax.set_title(f"Share of passages per category, {shown}\n(colour: emphasis relative to the corpus)")
    return _figure_png(fig)


def ranking_png(table: pd.DataFrame, label: str, title: str, by: str, top: int = 30) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = table[table["passages"] > 0].sort_values(f"{label}_share", ascending=False).head(top)
    rows = rows.iloc[::-1]
    names = rows.apply(lambda r: group_name(r, by), axis=1).tolist()
    share = rows[f"{label}_share"].to_numpy(dtype=float)
    lo = rows[f"{label}_share_lo"].to_numpy(dtype=float)
    hi = rows[f"{label}_share_hi"].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(7, 1.0 + 0.28 * max(len(rows), 1)))
    ax.errorbar(share, range(len(rows)), xerr=[share - lo, hi - share], fmt="o", color="#1f4e79",
                ecolor="#8fb3d9", capsize=2)
    total = table[f"{label}_passages"].sum() / max(1, table["passages"].sum())
    ax.axvline(total, color="grey", linestyle="--", linewidth=1, label=f"corpus share {total:.1%}")
    ax.set_yticks(range(len(rows)), names)
    ax.set_xlabel("share of passages (95 % interval)")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    return _figure_png(fig)


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f5f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.ev{font-size:.85rem}.ev td.text{max-width:680px}.muted{color:#777;font-size:.85rem}
img{max-width:100%}details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
nav a{margin-right:.8rem}
"""


def _uncounted_note(table: pd.DataFrame, by: str) -> str:
    empty = table[table["passages"] == 0]
    if empty.empty:
        return ""
    names = ", ".join(html.escape(group_name(r, by)) for _, r in empty.iterrows())
    return (f"<p class='muted'>No counted passages (only text in languages no model covers, or headings) for "
            f"{len(empty)} group(s), so they have no shares: {names}. Their passages are in tags.csv.</p>")


def _fmt(value, spec: str = ".2f") -> str:
    return "not measured" if value is None or (isinstance(value, float) and np.isnan(value)) else format(value, spec)


def _models_section(models: list[dict]) -> str:
    """Which model scored which language, and how well it did on held-out documents: a share
    from a weaker model deserves less trust, and the reader must be able to see that."""
    if not models:
        return ""
    esc = html.escape
    rows = ["<h2 id='models'>Models</h2><p class='muted'>Each passage is scored by the model for its language. "
            "Quality is measured on passages of held-out documents, labelled by the codebook "
            "(micro-F1 over all labels; exact = whole label set right).</p><table><tr><th>language</th>"
            "<th>model</th><th>held-out passages</th><th>micro-F1</th><th>macro-F1</th><th>exact</th></tr>"]
    for m in models:
        rows.append(f"<tr><td>{esc(str(m.get('name') or m.get('language', '')))}</td><td>{esc(str(m['model_id']))}</td>"
                    f"<td class='num'>{esc(_fmt(m.get('heldout_passages'), 'd'))}</td>"
                    f"<td class='num'>{esc(_fmt(m.get('heldout_micro_f1')))}</td>"
                    f"<td class='num'>{esc(_fmt(m.get('heldout_macro_f1')))}</td>"
                    f"<td class='num'>{esc(_fmt(m.get('heldout_exact'), '.0%'))}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def render_html(table: pd.DataFrame, evidence: pd.DataFrame, labels: list[str], titles: dict[str, str],
                descriptions: dict[str, str], by: str, heatmap: bytes, rankings: dict[str, bytes],
                meta: dict) -> str:
    esc = html.escape
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>strategyscan report</title>"
             f"<style>{CSS}</style></head><body>",
             "<h1>Cyber-diplomacy emphasis in national strategies</h1>",
             f"<p class='muted'>{esc(str(meta.get('groups', len(table))))} groups ({esc(by)}), "
             f"{int(table['documents'].sum())} documents, {int(table['passages'].sum())} counted passages; "
             f"model {esc(str(meta.get('model_id', '')))}; generated {esc(meta.get('created', ''))}. "
             "Shares count prose passages the model for their language labels with a category; headings and "
             "passages in languages no model covers are left out (the language column says which languages a "
             "group's shares come from; the Models section, how good each language's model is). Emphasis = group share / corpus share (1.0 = average). Intervals are 95 % "
             "Wilson intervals over passages; passages of one document are not independent, so read them as a "
             "lower bound on uncertainty.</p>",
             _uncounted_note(table, by),
             "<nav>" + "".join(f"<a href='#{lab}'>{esc(titles[lab])}</a>" for lab in labels)
             + "<a href='#evidence'>Evidence</a>" + ("<a href='#models'>Models</a>" if meta.get("models") else "")
             + "</nav>",
             "<h2>Heatmap</h2>", _img(heatmap, "heatmap of shares per group and category")]
    parts.append("<h2>Categories</h2><table><tr><th>category</th><th>meaning (codebook)</th></tr>")
    for lab in labels:
        parts.append(f"<tr><td>{esc(titles[lab])}</td><td>{esc(descriptions.get(lab, ''))}</td></tr>")
    parts.append("</table>")
    for lab in labels:
        parts.append(f"<h2 id='{lab}'>{esc(titles[lab])}: ranking</h2>")
        parts.append(_img(rankings[lab], f"ranking for {titles[lab]}"))
        ranked = table[table["passages"] > 0].sort_values(f"{lab}_share", ascending=False).head(15)
        parts.append("<table><tr><th>#</th><th>group</th><th>language</th><th>share</th><th>95 % interval</th>"
                     "<th>passages</th><th>per 10k words</th><th>emphasis</th></tr>")
        for i, (_, r) in enumerate(ranked.iterrows(), start=1):
            parts.append(
                f"<tr><td class='num'>{i}</td><td>{esc(group_name(r, by))}</td>"
                f"<td>{esc(str(r.get('languages', '')))}</td>"
                f"<td class='num'>{r[f'{lab}_share']:.1%}</td>"
                f"<td class='num'>{r[f'{lab}_share_lo']:.1%} - {r[f'{lab}_share_hi']:.1%}</td>"
                f"<td class='num'>{int(r[f'{lab}_passages'])} / {int(r['passages'])}</td>"
                f"<td class='num'>{r[f'{lab}_per_10k_words']:.1f}</td>"
                f"<td class='num'>{r[f'{lab}_emphasis']:.2f}</td></tr>")
        parts.append("</table>")
    parts.append("<h2 id='evidence'>Evidence: strongest passages per group and category</h2>")
    for group, ev_g in evidence.groupby("group", sort=True):
        parts.append(f"<details><summary>{esc(str(group))}</summary>")
        for lab in labels:
            rows = ev_g[ev_g["category"] == lab]
            if rows.empty:
                continue
            parts.append(f"<h3>{esc(titles[lab])}</h3><table class='ev'><tr><th>p</th><th>passage</th>"
                         "<th>source</th></tr>")
            for _, r in rows.iterrows():
                mark = "" if r["labelled"] else " <span class='muted'>(below threshold)</span>"
                page = "" if pd.isna(r["page"]) else f", p. {int(r['page'])}"
                parts.append(f"<tr><td class='num'>{r['probability']:.2f}{mark}</td><td class='text'>"
                             f"{esc(str(r['text']))}</td><td>{esc(Path(str(r['file'])).name)}{page}</td></tr>")
            parts.append("</table>")
        parts.append("</details>")
    parts.append(_models_section(meta.get("models") or []))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(out: Path, table: pd.DataFrame, evidence: pd.DataFrame, labels: list[str],
                 titles: dict[str, str], descriptions: dict[str, str], by: str, meta: dict) -> Path:
    heat = heatmap_png(table, labels, titles, by)
    write_bytes(out / "heatmap.png", heat)
    rankings = {}
    for lab in labels:
        rankings[lab] = ranking_png(table, lab, f"{titles[lab]}: share of passages", by)
        write_bytes(out / f"ranking_{lab}.png", rankings[lab])
    meta = {"created": _dt.datetime.now().replace(microsecond=0).isoformat(sep=" "), **meta}
    page = render_html(table, evidence, labels, titles, descriptions, by, heat, rankings, meta)
    return write_text(out / "report.html", page)
