"""The `strategyscan` command: a thin layer over `strategyscan.pipeline` and friends."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .outputs import OutputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Measure how national cybersecurity strategies stress the tools of cyber diplomacy.")
out_console = Console()
err_console = Console(stderr=True)

Sources = Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively) of .pdf/.txt")]
OutDir = Annotated[Path, typer.Option("--out", "-o", help="Output folder")]
Workers = Annotated[int, typer.Option("--workers", "-w", help="Worker processes (0 = one per core)")]
Engine = Annotated[str, typer.Option("--engine", help="PDF engine: pypdfium2 (fast) or pdfplumber (layout)")]
ManifestOpt = Annotated[Optional[Path], typer.Option("--manifest", help="CSV with file,country,year")]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="local (processes) or dask")]
SchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address")]
ModelOpt = Annotated[Optional[Path], typer.Option("--model", help="Model folder (default: the shipped model)")]


def user_errors(fn):
    """A user's mistake ends in one clear line and exit status 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ValueError, OutputError) as exc:  # the user-facing error types all derive from these
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err_console.print("[yellow]interrupted[/]: finished files are cached; run again to resume.")
            raise typer.Exit(130) from None

    return wrapper


class _Bars:
    """One rich progress bar per stage."""

    def __init__(self, enabled: bool) -> None:
        self.progress = Progress(TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err_console, disable=not enabled)
        self.tasks: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        self.progress.__exit__(*exc)


def _document_summary(documents, out: Path, console: Console) -> None:
    counts = documents["status"].value_counts().to_dict()
    table = Table(title="documents", show_header=True)
    for col in ("ok", "warning", "error", "passages", "countries"):
        table.add_column(col, justify="right")
    table.add_row(str(counts.get("ok", 0)), str(counts.get("warning", 0)), str(counts.get("error", 0)),
                  str(int(documents["passages"].sum())), str(documents.loc[documents["country"].fillna("") != "", "country"].nunique()))
    console.print(table)
    problems = documents[documents["status"] != "ok"]
    for _, row in problems.iterrows():
        console.print(f"  [yellow]{row['status']}[/] {row['file']}: {row['reason']}", highlight=False)
    console.print(f"outputs in [bold]{out}[/]", highlight=False)


@app.command()
@user_errors
def ingest(sources: Sources, out: OutDir, engine: Engine = "pypdfium2", manifest: ManifestOpt = None,
           workers: Workers = 0, executor: ExecutorOpt = "local", scheduler: SchedulerOpt = None,
           strict: Annotated[bool, typer.Option(help="Exit non-zero if any file is an error")] = False,
           max_pages: Annotated[int, typer.Option(help="Pages read per file at most")] = 1000,
           time_limit: Annotated[float, typer.Option(help="Seconds per file at most")] = 120.0,
           no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-extract every file")] = False,
           quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Extract clean, located passages: OUT/passages.csv (+ .parquet) and OUT/documents.csv."""
    from . import pipeline

    with _Bars(not quiet) as bars:
        result = pipeline.ingest(sources, out, engine=engine, manifest=manifest, workers=workers,
                                 executor=executor, scheduler=scheduler, cache=not no_cache,
                                 max_pages=max_pages, time_limit=time_limit, progress=bars)
    if not quiet:
        _document_summary(result.documents, out, out_console)
    if strict and (result.documents["status"] == "error").any():
        raise typer.Exit(1)


@app.command()
@user_errors
def tag(inputs: Annotated[list[Path], typer.Argument(help="A passages CSV (needs 'text') or files/folders")],
        out: OutDir, model: ModelOpt = None, workers: Workers = 0, engine: Engine = "pypdfium2",
        manifest: ManifestOpt = None, executor: ExecutorOpt = "local", scheduler: SchedulerOpt = None,
        explain: Annotated[bool, typer.Option("--explain", help="Print the terms behind each label "
                                               "for the first passages")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Give every passage a probability per category: OUT/tags.csv."""
    from . import pipeline

    ingest_options = {} if pipeline.is_table(inputs) else {"engine": engine, "manifest": manifest}
    with _Bars(not quiet) as bars:
        result = pipeline.tag(inputs, out, model=model, workers=workers, executor=executor,
                              scheduler=scheduler, progress=bars, **ingest_options)
    if not quiet:
        out_console.print(f"tagged {result.rows} passages ({result.reused} reused) with model {result.model_id}: "
                          + ", ".join(f"{k} {v}" for k, v in result.label_counts.items()), highlight=False)
        out_console.print(f"wrote {result.tags_csv}", highlight=False)
    if explain:
        from .classification.persistence import load_model
        from .tables import iter_batches

        est, _ = load_model(model)
        for _, row in next(iter_batches(result.tags_parquet, rows=10)).iterrows():
            out_console.print(f"\n[bold]{row.get('passage_id', '')}[/] {row['text'][:160]}", highlight=False)
            for label, terms in est.explain(row["text"]).items():
                if terms:
                    out_console.print(f"  {label:<18} p={row[f'p_{label}']:.2f}  "
                                      + ", ".join(f"{t} (+{v:.2f})" for t, v in terms), highlight=False)


@app.command()
@user_errors
def explain(text: Annotated[str, typer.Argument(help="A passage to explain")], model: ModelOpt = None,
            top: Annotated[int, typer.Option(help="Terms per label")] = 6) -> None:
    """Show the probability of each category for TEXT and the terms that pushed it up."""
    from .classification.persistence import load_model

    est, card = load_model(model)
    proba = est.predict_proba([text])[0]
    for label, p, th in zip(est.labels, proba, est.thresholds_):
        terms = est.explain(text, top=top)[label]
        mark = "[green]yes[/]" if p >= th else "no "
        out_console.print(f"{label:<18} p={p:.2f} (threshold {th:.2f}) {mark}  "
                          + ", ".join(f"{t} (+{v:.2f})" for t, v in terms), highlight=False)
    out_console.print(f"model {card['model_id']}", style="dim")


@app.command()
@user_errors
def train(labelled: Annotated[list[Path], typer.Argument(help="CSV files with columns text,labels")],
          out: OutDir, no_base: Annotated[bool, typer.Option("--no-base", help="Do not add the shipped corpus")] = False,
          folds: Annotated[int, typer.Option(help="Cross-validation folds")] = 5) -> None:
    """Train a model on LABELLED (plus the shipped corpus) and write a model folder."""
    from .classification import labelled as lab
    from .classification import save_model
    from .classification import train as train_fn

    files = list(labelled) if no_base else [*lab.shipped_corpus_files(), *labelled]
    items = lab.read_labelled(files)
    err_console.print(f"training on {len(items)} passages from {len(files)} file(s), {folds}-fold CV ...")
    trained = train_fn(items, folds=folds)
    save_model(trained.model, trained.card, out)
    _print_report(trained.cv, title=f"cross-validated ({folds} folds), model {trained.card['model_id']}")
    out_console.print(f"model written to {out}", highlight=False)


def _print_report(rep, title: str) -> None:
    table = Table(title=title)
    for col in ("label", "precision", "recall", "F1", "kappa", "support", "predicted"):
        table.add_column(col, justify="right" if col != "label" else "left")
    for m in rep.labels:
        table.add_row(m.label, f"{m.precision:.3f}", f"{m.recall:.3f}", f"{m.f1:.3f}", f"{m.kappa:.3f}",
                      str(m.support), str(m.predicted))
    table.add_row("macro", "", "", f"{rep.macro_f1:.3f}", "", str(rep.n), "")
    out_console.print(table)


@app.command()
@user_errors
def evaluate(labelled: Annotated[Optional[Path], typer.Argument(help="CSV with text,labels (human labels)")] = None,
             model: ModelOpt = None,
             evalset: Annotated[Optional[str], typer.Option(
                 "--evalset", help="Instead of a CSV: the shipped real-text set, 'dev' or 'heldout' "
                                   "(resolved against ../shared)")] = None,
             as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False) -> None:
    """Per-label precision, recall, F1, kappa, macro-F1 and label confusion on human labels."""
    from .classification import evaluate as evaluate_fn
    from .classification import labelled as lab
    from .classification.persistence import load_model

    if (labelled is None) == (evalset is None):
        raise ValueError("give either a labelled CSV or --evalset dev|heldout")
    est, card = load_model(model)
    if evalset is not None:
        from .classification.evalset import SharedDataMissing, load_evalset

        try:
            items = load_evalset(evalset)
        except SharedDataMissing as exc:
            raise ValueError(str(exc)) from None
        labelled = Path(f"evaluation set '{evalset}'")
    else:
        items = lab.read_labelled([labelled])
    rep = evaluate_fn(items, est)
    if as_json:
        print(json.dumps({"model_id": card["model_id"], **rep.to_dict()}, indent=2))
        return
    _print_report(rep, title=f"{labelled} ({rep.n} passages), model {card['model_id']}")
    conf = Table(title="confusion: rows = human label, columns = predicted label (passages)")
    names = list(rep.confusion)
    conf.add_column("human \\ predicted")
    for n in names:
        conf.add_column(n[:12], justify="right")
    for a in names:
        conf.add_row(a, *(str(rep.confusion[a][b]) for b in names))
    out_console.print(conf)


ByOpt = Annotated[str, typer.Option("--by", help="country, country-year or document")]


@app.command()
@user_errors
def compare(tags: Annotated[Path, typer.Argument(help="tags.csv from 'strategyscan tag'")], out: OutDir,
            by: ByOpt = "country",
            latest: Annotated[bool, typer.Option("--latest", help="Each country's most recent document only")] = False,
            evidence: Annotated[int, typer.Option(help="Evidence passages per group and category")] = 5,
            include_non_english: Annotated[bool, typer.Option("--include-non-english")] = False,
            include_headings: Annotated[bool, typer.Option("--include-headings")] = False) -> None:
    """Per-country emphasis with intervals, evidence passages and an HTML report."""
    from . import pipeline

    result = pipeline.compare(tags, out, by=by, latest=latest, evidence=evidence,
                              include_non_english=include_non_english, include_headings=include_headings)
    _comparison_summary(result.table, out)


def _comparison_summary(table, out: Path) -> None:
    labels = [c[: -len("_emphasis")] for c in table.columns if c.endswith("_emphasis")]
    summary = Table(title=f"{len(table)} groups: who stresses each category most")
    summary.add_column("category")
    summary.add_column("highest share (95 % interval)")
    for lab in labels:
        ranked = table[table["passages"] > 0].sort_values(f"{lab}_share", ascending=False)
        if ranked.empty:
            continue
        r = ranked.iloc[0]
        summary.add_row(lab, f"{r['country']}: {r[f'{lab}_share']:.1%} "
                             f"({r[f'{lab}_share_lo']:.1%}-{r[f'{lab}_share_hi']:.1%})")
    out_console.print(summary)
    out_console.print(f"report: {out / 'report.html'}", highlight=False)


@app.command()
@user_errors
def run(sources: Sources, out: OutDir, model: ModelOpt = None, by: ByOpt = "country",
        latest: Annotated[bool, typer.Option("--latest")] = False, engine: Engine = "pypdfium2",
        manifest: ManifestOpt = None, workers: Workers = 0, executor: ExecutorOpt = "local",
        scheduler: SchedulerOpt = None,
        strict: Annotated[bool, typer.Option(help="Exit non-zero if any file is an error")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Ingest, tag and compare in one go; re-runs reuse unchanged files."""
    from . import pipeline

    with _Bars(not quiet) as bars:
        result = pipeline.run(sources, out, model=model, by=by, latest=latest, engine=engine, manifest=manifest,
                              workers=workers, executor=executor, scheduler=scheduler, progress=bars)
    if not quiet:
        _document_summary(result.ingest.documents, out, out_console)
        out_console.print(f"passages tagged: {result.tag.rows} "
                          f"(extraction reused for {result.ingest.reused} file(s), tags reused for "
                          f"{result.tag.reused} passage(s))", highlight=False)
        _comparison_summary(result.compare.table, out)
    if strict and (result.ingest.documents["status"] == "error").any():
        raise typer.Exit(1)


def main() -> None:  # console-script entry point
    try:
        app()
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
