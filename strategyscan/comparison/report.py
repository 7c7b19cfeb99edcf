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

    rows = ranked(table, label).head(top)
    rows = rows.iloc[::-1]
    names = rows.apply(lambda r: group_name(r, by), axis=1).tolist()
    share, lo, hi = (rows[c].to_numpy(dtype=float) for c in shown_share(rows, label))
    fig, ax = plt.subplots(figsize=(7, 1.0 + 0.28 * max(len(rows), 1)))
    # an adjusted share may sit outside its interval: the model's measured error can lean one way
    ax.errorbar(share, range(len(rows)), xerr=[np.maximum(share - lo, 0), np.maximum(hi - share, 0)], fmt="o",
                color="#1f4e79",
                ecolor="#8fb3d9", capsize=2)
    total = table[f"{label}_passages"].sum() / max(1, table["passages"].sum())
    ax.axvline(total, color="grey", linestyle="--", linewidth=1, label=f"corpus share {total:.1%}")
    ax.set_yticks(range(len(rows)), names)
    ax.set_xlabel("share of passages (95 % interval; adjusted where the model has an error record)")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    return _figure_png(fig)


def ranked(table: pd.DataFrame, label: str) -> pd.DataFrame:
    """Groups with counted passages, highest first: by the adjusted share's rank where there is
    one, then by the raw share."""
    rows = table[table["passages"] > 0]
    rank = rows[f"{label}_rank"] if f"{label}_rank" in rows else pd.Series(np.nan, index=rows.index)
    return rows.assign(_r=rank.fillna(np.inf), _s=-rows[f"{label}_share"]).sort_values(["_r", "_s"])


def shown_share(rows: pd.DataFrame, label: str) -> tuple[str, str, str]:
    """The columns a plot shows: the adjusted share and interval, or the raw ones for a table
    whose models have no error record."""
    adj = f"{label}_share_adj"
    if adj in rows and rows[adj].notna().any():
        return adj, f"{adj}_lo", f"{adj}_hi"
    return f"{label}_share", f"{label}_share_lo", f"{label}_share_hi"


def timeline_png(changes: pd.DataFrame, labels: list[str], titles: dict[str, str], top: int = 12) -> bytes | None:
    """Adjusted share per category over each country's strategies (countries with the most)."""
    if changes.empty:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    countries = changes.groupby("country")["to_doc"].nunique().sort_values(ascending=False).head(top).index
    cols = min(4, len(countries))
    nrows = -(-len(countries) // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(3.2 * cols, 2.4 * nrows), squeeze=False, sharey=True)
    for ax, country in zip(axes.ravel(), sorted(countries)):
        c = changes[changes["country"] == country]
        for lab in labels:
            steps = c[c["category"] == lab].sort_values("from_year")
            years = [steps["from_year"].iloc[0], *steps["to_year"]]
            values = [steps["from_share_adj"].iloc[0], *steps["to_share_adj"]]
            ax.plot(years, values, marker="o", label=titles.get(lab, lab))
        ax.set_title(str(country), fontsize=9)
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(countries):]:
        ax.axis("off")
    axes.ravel()[0].legend(fontsize=6, loc="upper left")
    fig.suptitle("Adjusted share per category, strategy by strategy")
    fig.tight_layout()
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


METHOD = (
    "<h2 id='method'>How the shares are estimated</h2>"
    "<p><b>Raw share</b>: the passages the model labels with a category over the group's counted passages. "
    "<b>Adjusted share</b>: the estimate that recovered the true shares of real training documents best, "
    "measured by document-grouped cross-validation over completely or nearly completely labelled strategies "
    "(classify-and-count, mean probability, or either corrected for the model's true- and false-positive "
    "rates; the model card records which and by how much). Where classify-and-count won, the adjusted share "
    "equals the raw share and only its interval differs. <b>Intervals</b> for the adjusted share come from "
    "1,000 seeded replicates that resample a group's documents (its passages, for a group of one document), "
    "draw the error rates with their uncertainty, and add to every document the error the model made on a "
    "training document with a similar estimate: the model's error on a whole document is systematic, so an "
    "interval over passages alone (the raw Wilson interval) is too narrow. <b>Ranks</b> come from the adjusted "
    "shares; the rank range is its 95 % range over the replicates, and 'p above next' is how often a group "
    "outranked the group listed after it (near 0.5: their order means nothing).</p>"
    "<p><b>When to distrust it</b>: the error record is measured on the model's training strategies. A corpus "
    "unlike them (another document type such as a law or an IT-governance plan, a language whose model learned "
    "from few documents) can be off by more than the interval says; the Models section gives each language "
    "model's held-out quality.</p>")


def _changes_section(changes: pd.DataFrame, labels: list[str], titles: dict[str, str],
                     timeline: bytes | None) -> str:
    if changes.empty:
        return ""
    esc = html.escape
    parts = ["<h2 id='changes'>Change over time</h2><p class='muted'>Countries with two or more strategies of "
             "known year: the change in adjusted share from one strategy to the next, with its 95 % interval "
             "and the probability that it rose (changes.csv has every row).</p>"]
    if timeline:
        parts.append(_img(timeline, "adjusted share per category over each country's strategies"))
    parts.append("<table><tr><th>country</th><th>from</th><th>to</th>"
                 + "".join(f"<th>{esc(titles.get(lab, lab))}</th>" for lab in labels) + "</tr>")
    ordered = changes.sort_values(["country", "from_year", "to_year", "from_doc", "to_doc"], kind="stable")
    for (country, a, b, _, _), rows in ordered.groupby(["country", "from_year", "to_year", "from_doc", "to_doc"],
                                                      sort=False):
        cells = rows.set_index("category")
        parts.append(f"<tr><td>{esc(str(country))}</td><td class='num'>{a}</td><td class='num'>{b}</td>"
                     + "".join(f"<td class='num'>{cells.loc[lab, 'change']:+.1%} ({cells.loc[lab, 'change_lo']:+.1%}"
                               f" to {cells.loc[lab, 'change_hi']:+.1%})</td>" for lab in labels if lab in cells.index)
                     + "</tr>")
    parts.append("</table>")
    return "".join(parts)


def render_html(table: pd.DataFrame, evidence: pd.DataFrame, labels: list[str], titles: dict[str, str],
                descriptions: dict[str, str], by: str, heatmap: bytes, rankings: dict[str, bytes],
                meta: dict, changes: pd.DataFrame | None = None, timeline: bytes | None = None) -> str:
    esc = html.escape
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>strategyscan report</title>"
             f"<style>{CSS}</style></head><body>",
             "<h1>Cyber-diplomacy emphasis in national strategies</h1>",
             f"<p class='muted'>{esc(str(meta.get('groups', len(table))))} groups ({esc(by)}), "
             f"{int(table['documents'].sum())} documents, {int(table['passages'].sum())} counted passages; "
             f"model {esc(str(meta.get('model_id', '')))}; generated {esc(meta.get('created', ''))}. "
             "Shares count prose passages the model for their language labels with a category; headings and "
             "passages in languages no model covers are left out (the language column says which languages a "
             "group's shares come from; the Models section, how good each language's model is). Rankings order "
             "groups by the adjusted share, whose 95 % interval covers document sampling and the model's measured "
             "error (see Method); the raw share's Wilson interval treats passages as independent and covers "
             "neither. Emphasis = group share / corpus share (1.0 = average).</p>",
             _uncounted_note(table, by),
             "<nav>" + "".join(f"<a href='#{lab}'>{esc(titles[lab])}</a>" for lab in labels)
             + "<a href='#evidence'>Evidence</a>"
             + ("<a href='#changes'>Change over time</a>" if changes is not None and not changes.empty else "")
             + "<a href='#method'>Method</a>" + ("<a href='#models'>Models</a>" if meta.get("models") else "")
             + "</nav>",
             "<h2>Heatmap</h2>", _img(heatmap, "heatmap of shares per group and category")]
    parts.append("<h2>Categories</h2><table><tr><th>category</th><th>meaning (codebook)</th></tr>")
    for lab in labels:
        parts.append(f"<tr><td>{esc(titles[lab])}</td><td>{esc(descriptions.get(lab, ''))}</td></tr>")
    parts.append("</table>")
    for lab in labels:
        parts.append(f"<h2 id='{lab}'>{esc(titles[lab])}: ranking</h2>")
        parts.append(_img(rankings[lab], f"ranking for {titles[lab]}"))
        top = ranked(table, lab).head(15)
        parts.append("<table><tr><th>#</th><th>group</th><th>language</th><th>adjusted share (95 %)</th>"
                     "<th>rank range</th><th>p above next</th><th>raw share (Wilson 95 %)</th>"
                     "<th>passages</th><th>per 10k words</th><th>emphasis (adjusted)</th><th>note</th></tr>")
        for i, (_, r) in enumerate(top.iterrows(), start=1):
            adj = r.get(f"{lab}_share_adj", np.nan)
            has_adj = pd.notna(adj)
            parts.append(
                f"<tr><td class='num'>{i}</td><td>{esc(group_name(r, by))}</td>"
                f"<td>{esc(str(r.get('languages', '')))}</td>"
                + (f"<td class='num'>{adj:.1%} ({r[f'{lab}_share_adj_lo']:.1%} - {r[f'{lab}_share_adj_hi']:.1%})</td>"
                   f"<td class='num'>{r[f'{lab}_rank_lo']:.0f} - {r[f'{lab}_rank_hi']:.0f}</td>"
                   f"<td class='num'>{_fmt(r.get(f'{lab}_p_above_next'))}</td>" if has_adj else
                   "<td class='muted'>raw only</td><td></td><td></td>")
                + f"<td class='num'>{r[f'{lab}_share']:.1%} ({r[f'{lab}_share_lo']:.1%} - {r[f'{lab}_share_hi']:.1%})</td>"
                f"<td class='num'>{int(r[f'{lab}_passages'])} / {int(r['passages'])}</td>"
                f"<td class='num'>{r[f'{lab}_per_10k_words']:.1f}</td>"
                f"<td class='num'>{_fmt(r.get(f'{lab}_emphasis_adj') if has_adj else r[f'{lab}_emphasis'])}</td>"
                f"<td class='muted'>{esc(str(r.get('adj_note', '') or ''))}</td></tr>")
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
    parts.append(_changes_section(changes if changes is not None else pd.DataFrame(), labels, titles, timeline))
    parts.append(METHOD)
    parts.append(_models_section(meta.get("models") or []))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(out: Path, table: pd.DataFrame, evidence: pd.DataFrame, labels: list[str],
                 titles: dict[str, str], descriptions: dict[str, str], by: str, meta: dict,
                 changes: pd.DataFrame | None = None) -> Path:
    heat = heatmap_png(table, labels, titles, by)
    write_bytes(out / "heatmap.png", heat)
    rankings = {}
    for lab in labels:
        rankings[lab] = ranking_png(table, lab, f"{titles[lab]}: share of passages", by)
        write_bytes(out / f"ranking_{lab}.png", rankings[lab])
    meta = {"created": _dt.datetime.now().replace(microsecond=0).isoformat(sep=" "), **meta}
    timeline = timeline_png(changes, labels, titles) if changes is not None else None
    if timeline:
        write_bytes(out / "timeline.png", timeline)
    page = render_html(table, evidence, labels, titles, descriptions, by, heat, rankings, meta, changes, timeline)
    return write_text(out / "report.html", page)
