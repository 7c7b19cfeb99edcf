"""The report's charts as PNG files, on request (`--png`): for slides and papers. The report
itself draws them in the browser, which spares every run matplotlib's start-up."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..outputs import write_bytes
from .options import group_name

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
    return rows.assign(_r=rank.astype(float).fillna(np.inf), _s=-rows[f"{label}_share"]).sort_values(["_r", "_s"])


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


def write_pngs(out: Path, table: pd.DataFrame, changes: pd.DataFrame, labels: list[str], titles: dict[str, str],
               by: str) -> list[Path]:
    """heatmap.png, ranking_<label>.png and (where countries have several strategies) timeline.png;
    none where no group has a counted passage (the report says why the comparison is empty)."""
    for stale in [out / "heatmap.png", out / "timeline.png", *(out / f"ranking_{lab}.png" for lab in labels)]:
        stale.unlink(missing_ok=True)  # an earlier run's charts must not pass for this run's
    if not (table["passages"] > 0).any():
        return []
    written = [write_bytes(out / "heatmap.png", heatmap_png(table, labels, titles, by))]
    for lab in labels:
        written.append(write_bytes(out / f"ranking_{lab}.png",
                                   ranking_png(table, lab, f"{titles[lab]}: share of passages", by)))
    timeline = timeline_png(changes, labels, titles)
    if timeline:
        written.append(write_bytes(out / "timeline.png", timeline))
    return written
