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
        from .classify.labelled import LabelledDataError
        from .classify.persistence import ModelError
        from .compare.aggregate import CompareError
        from .ingest.metadata import ManifestError
        from .ingest.sources import SourceError
        from .outputs import OutputError

        try:
            return fn(*args, **kwargs)
        except (SourceError, ManifestError, OutputError, LabelledDataError, ModelError, CompareError,
                ValueError) as exc:
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
                  str(int(documents["passages"].sum())), str(documents.loc[documents["iso3"] != "", "iso3"].nunique()))
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


def main() -> None:  # console-script entry point
    try:
        app()
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
