"""The `rag` command: ingest articles, ask a question, or run the HTTP service.

The library (torch, llama-index, Chroma) is imported only by the commands that use it, so
`rag --help` and `rag ask` against a running service start in well under a second.
"""

import os
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from rag.config import Settings, get_settings
from rag.errors import RagError

if TYPE_CHECKING:
    from rag.models import Answer, IngestResult
    from rag.service import RagService

app = typer.Typer(help="Question answering over news articles, every point cited.")
console = Console()
errors = Console(stderr=True)


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show the libraries' own progress bars.")
    ] = False,
) -> None:
    """Question answering over news articles, every point cited."""
    if not verbose:  # set before the libraries are imported: they read it once
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TQDM_DISABLE", "1")


def _fail(message: str, code: int) -> NoReturn:
    """A one-line message on stderr and the exit code, never a traceback."""
    errors.print(message, markup=False, soft_wrap=True)
    raise typer.Exit(code)


def _setting_name(loc: tuple) -> str:
    """The environment variable behind a validation error's location."""
    if not loc:
        return "settings"
    field = Settings.model_fields.get(str(loc[0]))
    alias = field.validation_alias if field else None
    return str(alias.choices[0]) if alias else f"RAG_{str(loc[0]).upper()}"


def _settings() -> Settings:
    """The settings, or a one-line message naming the bad setting and exit code 2."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{_setting_name(e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        _fail(f"Invalid setting {problems}", 2)


def _served(settings: Settings) -> bool:
    """Whether a `rag serve` holds the embedded index in `settings`."""
    from filelock import Timeout

    from rag.index.store import service_lock

    if not settings.index_dir.exists():
        return False
    try:
        with service_lock(settings.index_dir, settings.collection).acquire(timeout=0):
            return False
    except Timeout:
        return True


def _service() -> "RagService":
    """Imported late: `rag --help` should not wait for torch to load."""
    from rag.service import RagService

    settings = _settings()
    with console.status("Loading the embedding model and the index..."):
        return RagService.from_settings(settings)


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: the articles folder).")
    ] = None,
) -> None:
    """Index articles (.txt, .md, .html); unchanged ones are skipped, changed ones replaced."""
    settings = _settings()
    paths = paths or [settings.articles_dir]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        errors.print(f"[red]No such file or folder:[/] {', '.join(missing)}")
        raise typer.Exit(2)
    from rag.models import IngestStatus

    if not settings.chroma_host and _served(settings):
        _fail(
            "A running `rag serve` holds this index: add articles through its admin API "
            "(POST /v1/articles), or run the service and `rag ingest` against a Chroma "
            "server (CHROMA_HOST).",
            1,
        )
    service = _service()
    files = service.article_files(paths)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        task = progress.add_task("Indexing", total=len(files))

        def report(path: Path, result: "IngestResult | None", error: str | None) -> None:
            if error:
                progress.console.print(f"[yellow]skipped[/] {error}")
            else:
                progress.console.print(
                    f"{result.status:>9} {result.article_id} ({result.passages} passages)"
                )
            progress.advance(task)

        started = time.perf_counter()
        results, failures = service.ingest_paths(paths, on_article=report)
    elapsed = time.perf_counter() - started
    written = sum(r.passages for r in results if r.status != IngestStatus.unchanged)
    console.print(
        f"{len(results)} indexed, {len(failures)} skipped; {written} passages written in "
        f"{elapsed:.1f} s ({written / max(elapsed, 1e-9):.0f} passages/s)."
    )
    if failures and not results:
        raise typer.Exit(1)


def _ask_service(url: str, api_key: str | None, question: str, top_k: int | None) -> "Answer":
    """The running service at `url`: no model to load, so an answer takes milliseconds."""
    import httpx

    from rag.client import RagClient, RagServiceError

    try:
        with RagClient(url, api_key=api_key) as client:
            return client.ask(question, top_k=top_k)
    except httpx.TransportError as exc:
        _fail(
            f"Cannot reach the service at RAG_URL={url} ({str(exc) or type(exc).__name__}). "
            "Start it with `rag serve`, or unset RAG_URL to answer in this process.",
            1,
        )
    except RagServiceError as exc:
        _fail(f"The service at {url} answered {exc}", 1)


def _ask_here(question: str, top_k: int | None) -> "Answer":
    service = _service()
    service.ensure_corpus()
    try:
        return service.ask(question, top_k=top_k)
    except RagError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc


@app.command()
def ask(
    question: str,
    top_k: Annotated[int | None, typer.Option(min=1, max=50)] = None,
) -> None:
    """Answer a question and list the sources behind it.

    From the service at RAG_URL when it is set, else in this process (which first loads the
    model and the index)."""
    if not question.strip():
        errors.print("[red]The question is empty.[/]")
        raise typer.Exit(2)
    settings = _settings()
    answer = (
        _ask_service(settings.url, settings.api_key, question, top_k)
        if settings.url
        else _ask_here(question, top_k)
    )
    console.print(answer.answer, markup=False)
    console.print(f"\n[dim]mode: {answer.mode}, {answer.timings.total_ms:.0f} ms[/]")
    for citation in answer.citations:
        console.print(f"[{citation.marker}] {citation.title} ({citation.article_id})", markup=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: RAG_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: RAG_PORT.")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes; more than one needs a Chroma server.")
    ] = 1,
) -> None:
    """Run the HTTP service; the articles folder is indexed on first start."""
    import uvicorn

    settings = _settings()

    from chromadb.errors import ChromaError
    from filelock import Timeout

    from api.main import create_app
    from api.observability import configure_logging
    from api.server import server_options
    from rag.errors import IndexUnavailableError
    from rag.index.store import service_lock

    # An embedded index is served by one process, which holds it (`rag ingest` refuses to
    # write beside it); a Chroma server is shared by any number of them.
    if workers > 1 and not settings.chroma_host:
        _fail(
            "Several workers need a Chroma server (CHROMA_HOST): an embedded index is served "
            "by one process.",
            2,
        )
    with ExitStack() as held:
        if not settings.chroma_host:
            settings.index_dir.mkdir(parents=True, exist_ok=True)
            try:
                held.enter_context(
                    service_lock(settings.index_dir, settings.collection).acquire(timeout=0)
                )
            except Timeout:
                _fail(
                    f"Another `rag serve` is serving {settings.index_dir}; run several against "
                    "a Chroma server (CHROMA_HOST).",
                    1,
                )
        try:
            service = _service()
            service.check()
        except (IndexUnavailableError, ChromaError) as exc:
            _fail(f"Cannot serve: {exc}", 1)
        try:
            app = create_app(settings, service=service)
        except ValueError as exc:
            _fail(f"Invalid setting {exc}", 2)
        configure_logging(settings.log_level, settings.log_json)
        options = {
            "host": host or settings.host,
            "port": port or settings.port,
            "log_config": None,  # configure_logging's handler: JSON lines with request ids
            "access_log": False,  # the app logs one line per request itself
            **server_options(settings),
        }
        if workers == 1:
            uvicorn.run(app, **options)
            return
        # Each worker loads its own service; the one loaded here checked the index and indexed
        # the articles folder, so the workers do not race to.
        service.ensure_corpus()
        service.close()
        del app, service
        uvicorn.run("api.main:worker_app", factory=True, workers=workers, **options)


@app.command(name="eval")
def evaluate_questions(
    questions: Annotated[
        Path | None,
        typer.Argument(
            help="JSONL question file (default: the project's own two sets).", exists=True
        ),
    ] = None,
    articles: Annotated[
        list[Path] | None,
        typer.Option(help="Index these folders next to the default articles, in a fresh index."),
    ] = None,
    top_k: Annotated[int, typer.Option(min=1, max=50)] = 5,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write every result here.")
    ] = None,
    details: Annotated[bool, typer.Option(help="List every question that missed.")] = False,
) -> None:
    """Measure retrieval and answer quality (see docs/evaluation.md).

    With no file: the in-domain and out-of-domain sets side by side, each in a fresh index.
    With a file: that file, on the configured index (or a fresh one with --articles)."""
    import tempfile

    from rich.table import Table

    from rag.evaluation import (
        SUITES,
        EvalSuite,
        evaluate,
        fresh_service,
        load_questions,
        missed,
        report_json,
    )

    suites = (
        list(SUITES)
        if questions is None
        else [EvalSuite(questions.name, questions, tuple(articles or ()))]
    )
    try:
        loaded = {suite.name: load_questions(suite.questions) for suite in suites}
    except (OSError, ValueError) as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    settings = _settings()
    reports = {}
    for suite in suites:
        with tempfile.TemporaryDirectory(prefix="rag-eval-") as index_dir:
            if questions is not None and not articles:
                service = _service()
                service.ensure_corpus()
            else:
                with console.status(f"Indexing the articles of {suite.name}..."):
                    service = fresh_service(settings, suite.articles, Path(index_dir))
            reports[suite.name] = evaluate(service, loaded[suite.name], top_k=top_k)
            mode = service.mode
    table = Table("metric", *reports, title=f"top {top_k}, {mode} mode")
    for name in type(next(iter(reports.values())).metrics).model_fields:
        values = [getattr(report.metrics, name) for report in reports.values()]
        table.add_row(name, *(f"{v:.3f}" if isinstance(v, float) else str(v) for v in values))
    console.print(table)
    if details:
        for suite_name, report in reports.items():
            for result in filter(missed, report.results):
                console.print(f"{suite_name}: {result.model_dump_json()}", markup=False)
    if json_out:
        json_out.write_text(report_json(reports))
        console.print(f"Every result: {json_out}")
