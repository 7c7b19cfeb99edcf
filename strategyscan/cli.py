"""The `strategyscan` command: a thin layer over `strategyscan.pipeline` and friends."""

from __future__ import annotations

import contextlib
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
OcrOpt = Annotated[bool, typer.Option("--ocr/--no-ocr", help="Read scanned pages and junk text layers by OCR "
                                       "(where Tesseract is installed: pip install 'strategyscan[ocr]')")]
ManifestOpt = Annotated[Optional[Path], typer.Option("--manifest", help="CSV with file,country,year")]
ExecutorOpt = Annotated[str, typer.Option("--executor", help="local (processes) or dask")]
SchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address")]
ModelOpt = Annotated[Optional[Path], typer.Option("--model", help="Model folder (default: the shipped model)")]
LanguagesOpt = Annotated[Optional[str], typer.Option(
    "--languages", help="Count only passages in these languages, e.g. en,fr (default: every language a model "
                        "covers; passages in other languages are never counted)")]


MinPassagesOpt = Annotated[Optional[int], typer.Option(
    "--min-passages", min=0, help="Support below which a group is listed apart in the report and the headline, not "
                                  "ranked (default 30 counted passages)")]
PngOpt = Annotated[bool, typer.Option("--png", help="Also write the charts as PNG files (heatmap, rankings, "
                                                    "timelines)")]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        out_console.print(f"strategyscan {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                   help="Print the version and exit")] = False) -> None:
    """Measure how national cybersecurity strategies stress the tools of cyber diplomacy."""


MaxPagesOpt = Annotated[int, typer.Option(help="Pages read per file at most (a text file: 10,000 characters a page)")]
TimeLimitOpt = Annotated[float, typer.Option(help="Seconds per file at most; what was read by then is kept")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Re-extract every file")]
EvidenceOpt = Annotated[int, typer.Option(help="Evidence passages per group and category")]


def _codes(languages: str | None) -> list[str] | None:
    return None if languages is None else [c.strip() for c in languages.split(",")]


def _created(out: Path | None) -> list[Path]:
    """The folders a command writing to `out` would create, innermost first."""
    made: list[Path] = []
    path = Path(out).absolute() if out is not None else None
    while path is not None and not path.exists() and path != path.parent:
        made.append(path)
        path = path.parent
    return made


def _remove_empty(folders: list[Path]) -> None:
    """A failed command leaves no empty output folder behind (a folder with anything in it stays)."""
    for folder in folders:
        with contextlib.suppress(OSError):  # not created, not a folder, or not empty: kept
            folder.rmdir()


def user_errors(fn):
    """A user's mistake ends in one clear line and exit status 2, never a traceback; output
    folders the command created and left empty are removed."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        made = _created(kwargs.get("out"))
        try:
            return fn(*args, **kwargs)
        except (ValueError, OutputError) as exc:  # the user-facing error types all derive from these
            _remove_empty(made)
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(2) from None
        except BaseException as exc:
            if not _interrupted(exc):
                raise
            _remove_empty(made)
            err_console.print("[yellow]interrupted[/]: finished files are cached; run again to resume.")
            raise typer.Exit(130) from None

    return wrapper


def _interrupted(exc: BaseException | None) -> bool:
    """Ctrl-C, also where Python wraps it in another error: an interrupt inside a class body's
    `__set_name__` (say, while pandas is still importing) arrives as a RuntimeError caused by it."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


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


def _document_summary(documents, out: Path, console: Console, warnings=()) -> None:
    counts = documents["status"].value_counts().to_dict()
    table = Table(title="documents", show_header=True)
    for col in ("ok", "warning", "error", "passages", "countries"):
        table.add_column(col, justify="right")
    countries = documents.loc[documents["country"].fillna("") != "", "country"].nunique()
    table.add_row(str(counts.get("ok", 0)), str(counts.get("warning", 0)), str(counts.get("error", 0)),
                  str(int(documents["passages"].sum())), str(countries))
    console.print(table)
    problems = documents[documents["status"] != "ok"]
    for _, row in problems.iterrows():
        console.print(f"  [yellow]{row['status']}[/] {row['file']}: {row['reason']}", highlight=False)
    for warning in warnings:  # manifest rows, including those that match no file (manifest_warnings.csv)
        console.print(f"  [yellow]manifest[/] {warning}", highlight=False)
    console.print(f"outputs in [bold]{out}[/]", highlight=False)


@app.command()
@user_errors
def ingest(sources: Sources, out: OutDir, engine: Engine = "pypdfium2", manifest: ManifestOpt = None,
           workers: Workers = 0, executor: ExecutorOpt = "local", scheduler: SchedulerOpt = None,
           strict: Annotated[bool, typer.Option(help="Exit non-zero if any file is an error")] = False,
           max_pages: MaxPagesOpt = 1000, time_limit: TimeLimitOpt = 120.0, no_cache: NoCacheOpt = False,
           ocr: OcrOpt = True, quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Extract clean, located passages: OUT/passages.csv (+ .parquet) and OUT/documents.csv."""
    from . import pipeline

    with _Bars(not quiet) as bars:
        result = pipeline.ingest(sources, out, engine=engine, manifest=manifest, workers=workers,
                                 executor=executor, scheduler=scheduler, cache=not no_cache,
                                 max_pages=max_pages, time_limit=time_limit, ocr=ocr, progress=bars)
    if not quiet:
        _document_summary(result.documents, out, out_console, result.warnings)
    if strict and (result.documents["status"] == "error").any():
        raise typer.Exit(1)


@app.command()
@user_errors
def tag(inputs: Annotated[list[Path], typer.Argument(help="A passages CSV (needs 'text') or files/folders")],
        out: OutDir, model: ModelOpt = None, workers: Workers = 0, engine: Engine = "pypdfium2",
        manifest: ManifestOpt = None, executor: ExecutorOpt = "local", scheduler: SchedulerOpt = None,
        ocr: OcrOpt = True, explain: Annotated[bool, typer.Option("--explain", help="Print the terms behind each label "
                                               "for the first passages")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Give every passage a probability per category: OUT/tags.csv."""
    from . import pipeline

    ingest_options = {} if pipeline.is_table(inputs) else {"engine": engine, "manifest": manifest, "ocr": ocr}
    with _Bars(not quiet) as bars:
        result = pipeline.tag(inputs, out, model=model, workers=workers, executor=executor,
                              scheduler=scheduler, progress=bars, **ingest_options)
    if not quiet:
        out_console.print(f"tagged {result.rows} passages ({result.reused} reused) with model {result.model_id}: "
                          + ", ".join(f"{k} {v}" for k, v in result.label_counts.items()), highlight=False)
        out_console.print(f"wrote {result.tags_csv}", highlight=False)
    if explain:
        from .classification.building import explain as explain_texts
        from .tables import iter_batches

        first = next(iter_batches(result.tags_parquet, rows=10), None)
        rows = [] if first is None else list(first.itertuples(index=False))
        for row, said in zip(rows, explain_texts([str(r.text) for r in rows], model)):
            out_console.print(f"\n[bold]{getattr(row, 'passage_id', '')}[/] {said.text[:160]}", highlight=False)
            for lab in said.labels:
                if lab.terms:
                    out_console.print(f"  {lab.label:<18} p={lab.probability:.2f}  "
                                      + ", ".join(f"{t} (+{v:.2f})" for t, v in lab.terms), highlight=False)


@app.command()
@user_errors
def explain(text: Annotated[str, typer.Argument(help="A passage to explain")], model: ModelOpt = None,
            top: Annotated[int, typer.Option(help="Terms per label")] = 6) -> None:
    """Show the probability of each category for TEXT and the terms that pushed it up."""
    from .classification.building import explain as explain_texts

    said = explain_texts(text, model, top=top)[0]
    for lab in said.labels:
        mark = "[green]yes[/]" if lab.decided else "no "
        out_console.print(f"{lab.label:<18} p={lab.probability:.2f} (threshold {lab.threshold:.2f}) {mark}  "
                          + ", ".join(f"{t} (+{v:.2f})" for t, v in lab.terms), highlight=False)
    out_console.print(f"model {said.model_id}", style="dim")


TextsOpt = Annotated[Optional[Path], typer.Option(
    "--texts", help="Folder of the strategy texts the real-sentence corpus points into "
                    "(default ../shared/corpora/ncss/texts)")]


@app.command()
@user_errors
def train(labelled: Annotated[Optional[list[Path]], typer.Argument(
              help="CSV files with columns text,labels (rows still marked '?' are skipped)")] = None,
          out: OutDir = Path("models/mine"),
          no_base: Annotated[bool, typer.Option("--no-base", help="Do not add the shipped corpora")] = False,
          no_real: Annotated[bool, typer.Option("--no-real", help="Add the hand-written corpus only")] = False,
          texts: TextsOpt = None,
          params: Annotated[Optional[Path], typer.Option(
              "--params", help="JSON of model settings (default: the shipped model's, "
                               "corpora/model_params.json)")] = None,
          folds: Annotated[int, typer.Option(help="Cross-validation folds (grouped by document)")] = 5,
          score_heldout: Annotated[bool, typer.Option(
              "--score-heldout", help="Score the model once on the held-out documents' test set and record it "
                                      "in the card (what `make model` does for the shipped model)")] = False,
          language: Annotated[str, typer.Option(
              "--language", help="The language of the model (en, fr, es, pt, ru): its shipped corpora are added. "
                                 "Put a non-English model in the subfolder named by its code of the model folder "
                                 "tagging uses, e.g. --out models/mine/fr")] = "en") -> None:
    """Train a model on LABELLED plus the shipped corpora and write a model folder."""
    from .classification.building import build

    result = build(list(labelled or []), out, base=not no_base, real=not no_real, texts=texts, params=params,
                   folds=folds, heldout=score_heldout, language=language,
                   say=lambda msg: err_console.print(msg, highlight=False))
    measured_on = result.card["cross_validation"]["measured_on"]
    _print_report(result.cv, title=f"grouped cross-validation ({folds} folds, {measured_on}), "
                                   f"model {result.card['model_id']}")
    out_console.print(f"model written to {out}", highlight=False)


@app.command()
@user_errors
def suggest(sources: Annotated[list[Path], typer.Argument(
                help="Files/folders of documents, or one passages/tags table")],
            out: OutDir = Path("to_label.csv"),
            n: Annotated[int, typer.Option("--n", help="Passages to suggest")] = 200,
            model: ModelOpt = None,
            label: Annotated[Optional[str], typer.Option("--label", help="Focus on one category")] = None,
            labelled: Annotated[Optional[list[Path]], typer.Option(
                "--labelled", help="Passages already labelled (CSV text,labels): not suggested again")] = None,
            include_headings: Annotated[bool, typer.Option("--include-headings")] = False,
            language: Annotated[str, typer.Option(
                "--language", help="Suggest passages in this language, scored by its model (default en)")] = "en",
            texts: TextsOpt = None) -> None:
    """The passages whose labels would teach the model most: OUT (CSV) with an empty-until-labelled
    `labels` column ('?' = not labelled yet) for `strategyscan train`."""
    from .classification.suggest import SuggestOptions
    from .classification.suggest import suggest as suggest_fn

    options = SuggestOptions(n=n, label=label, include_headings=include_headings, language=language)
    table = suggest_fn(sources, out, options=options, model=model, labelled=list(labelled or []), texts=texts)
    docs = table["file"].nunique() if "file" in table.columns else 0
    out_console.print(f"wrote {len(table)} passages from {docs} document(s) to {out}: fill in 'labels' "
                      f"('|'-joined, empty or 'none' = no label; rows left '?' are skipped by train)", highlight=False)


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
                 "--evalset", help="Instead of a CSV: the shipped real-text test set 'test' (passages of held-out "
                                   "documents), resolved against the strategy texts")] = None,
             texts: TextsOpt = None,
             language: Annotated[str, typer.Option(
                 "--language", help="Which of the model folder's languages to score (default en)")] = "en",
             as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False) -> None:
    """Per-label precision, recall, F1, kappa, label confusion and, on completely labelled
    documents, true vs predicted share per category."""
    from .classification.building import assess_model

    result = assess_model(labelled, evalset, model=model, texts=texts, language=language)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    rep = result.report
    _print_report(rep, title=f"{result.source} ({rep.n} passages), model {result.model_id}")
    conf = Table(title="confusion: rows = human label, columns = predicted label (passages)")
    names = list(rep.confusion)
    conf.add_column("human \\ predicted")
    for n in names:
        conf.add_column(n[:12], justify="right")
    for a in names:
        conf.add_row(a, *(str(rep.confusion[a][b]) for b in names))
    out_console.print(conf)
    if result.shares.cells:
        _print_shares(result.shares)


def _print_shares(shares) -> None:
    labels = list(shares.per_label())
    table = Table(title="completely labelled documents: true share -> predicted share (counted passages)")
    table.add_column("document")
    table.add_column("passages", justify="right")
    for lab in labels:
        table.add_column(lab[:12], justify="right")
    by_doc: dict[str, dict] = {}
    for c in shares.cells:
        by_doc.setdefault(c.document, {"n": c.passages})[c.label] = f"{c.true_share:.0%} -> {c.predicted_share:.0%}"
    for doc, row in by_doc.items():
        table.add_row(doc, str(row["n"]), *(row[lab] for lab in labels))
    table.add_row("mean error (points)", "", *(f"{v:.1f}" for v in shares.per_label().values()))
    out_console.print(table)
    w = shares.worst
    out_console.print(f"share error: mean {shares.mean_error_points:.1f} points; worst {w.error_points:.1f} "
                      f"({w.document}, {w.label})", highlight=False)
    if shares.mean_expected_error_points is not None:
        out_console.print(f"share from mean calibrated probabilities instead of labels: mean error "
                          f"{shares.mean_expected_error_points:.1f} points", highlight=False)


ByOpt = Annotated[str, typer.Option("--by", help="country, country-year or document")]


@app.command()
@user_errors
def compare(tags: Annotated[Path, typer.Argument(help="tags.csv from 'strategyscan tag'")], out: OutDir,
            by: ByOpt = "country",
            latest: Annotated[bool, typer.Option("--latest", help="Each country's most recent document only")] = False,
            evidence: EvidenceOpt = 5,
            languages: LanguagesOpt = None,
            include_headings: Annotated[bool, typer.Option("--include-headings")] = False,
            model: Annotated[Optional[Path], typer.Option(
                "--model", help="The model folder the tags came from, for its measured quality and error record "
                                "(default: the shipped model)")] = None,
            min_passages: MinPassagesOpt = None, png: PngOpt = False) -> None:
    """Per-country emphasis with intervals, evidence passages and an HTML report."""
    from . import pipeline

    result = pipeline.compare(tags, out, by=by, latest=latest, evidence=evidence, languages=_codes(languages),
                              include_headings=include_headings, model=model, min_passages=min_passages, png=png)
    _comparison_summary(result.table, out, by, min_passages)


def _comparison_summary(table, out: Path, by: str, min_passages: int | None = None) -> None:
    from .comparison.options import group_name
    from .comparison.report_data import MIN_PASSAGES, empty_reason

    floor = MIN_PASSAGES if min_passages is None else min_passages
    labels = [c[: -len("_emphasis")] for c in table.columns if c.endswith("_emphasis") and not c.endswith("_adj")]
    supported = table[table["passages"] >= floor]
    caption = f"{len(table)} groups ({len(supported)} with at least {floor} counted passages)"
    if supported.empty:  # say so rather than print nothing: every group is thin
        supported = table[table["passages"] > 0]
        caption = f"{len(table)} groups, none with {floor} counted passages: thin support, read with care"
    summary = Table(title=f"{caption}: who stresses each category most")
    summary.add_column("category")
    summary.add_column("highest share (95 % interval)")
    for lab in labels:
        share = f"{lab}_share_adj"  # the adjusted share where the models have an error record
        if share not in supported or not supported[share].notna().any():
            share = f"{lab}_share"
        ranked = supported.dropna(subset=[share]).sort_values(share, ascending=False)
        if ranked.empty:
            continue
        r = ranked.iloc[0]
        interval = f"{_pct(r[share + '_lo'])}-{_pct(r[share + '_hi'])}"
        summary.add_row(lab, f"{group_name(r, by)}: {_pct(r[share])} ({interval})")
    out_console.print(empty_reason(table) or summary, highlight=False)
    out_console.print(f"report: {out / 'report.html'}", highlight=False)


@app.command()
@user_errors
def run(sources: Sources, out: OutDir, model: ModelOpt = None, by: ByOpt = "country",
        latest: Annotated[bool, typer.Option("--latest")] = False, languages: LanguagesOpt = None,
        min_passages: MinPassagesOpt = None, png: PngOpt = False, evidence: EvidenceOpt = 5,
        engine: Engine = "pypdfium2", manifest: ManifestOpt = None, workers: Workers = 0,
        executor: ExecutorOpt = "local", scheduler: SchedulerOpt = None, ocr: OcrOpt = True,
        max_pages: MaxPagesOpt = 1000, time_limit: TimeLimitOpt = 120.0, no_cache: NoCacheOpt = False,
        strict: Annotated[bool, typer.Option(help="Exit non-zero if any file is an error")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Ingest, tag and compare in one go; re-runs reuse unchanged files."""
    from . import pipeline

    with _Bars(not quiet) as bars:
        result = pipeline.run(sources, out, model=model, by=by, latest=latest, languages=_codes(languages),
                              min_passages=min_passages, png=png, evidence=evidence, engine=engine,
                              manifest=manifest, ocr=ocr, max_pages=max_pages, time_limit=time_limit,
                              cache=not no_cache, workers=workers, executor=executor, scheduler=scheduler,
                              progress=bars)
    if not quiet:
        _document_summary(result.ingest.documents, out, out_console, result.ingest.warnings)
        out_console.print(f"passages tagged: {result.tag.rows} "
                          f"(extraction reused for {result.ingest.reused} file(s), tags reused for "
                          f"{result.tag.reused} passage(s))", highlight=False)
        _comparison_summary(result.compare.table, out, by, min_passages)
    if strict and (result.ingest.documents["status"] == "error").any():
        raise typer.Exit(1)


def _pct(value: float) -> str:
    return f"{value + 0.0:.1%}"  # + 0.0: a rounded -0.0 prints as 0.0 %


def main() -> None:  # console-script entry point
    try:
        app()
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
