"""The `rag` command: ingest articles, ask a question, or run the HTTP service."""

import os
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from rag.config import Settings, get_settings
from rag.errors import RagError
from rag.indexing import IngestResult, IngestStatus
from rag.reading import find_article_files

if TYPE_CHECKING:
    from rag.service import RagService

app = typer.Typer(help="Question answering over news articles, every point cited.")
console = Console()
errors = Console(stderr=True)


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
        errors.print(f"Invalid setting {problems}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _served(settings: Settings) -> bool:
    """Whether a `rag serve` holds the embedded index in `settings`."""
    from filelock import Timeout

    from rag.indexing import service_lock

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
        return RagService(settings)


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
    if not settings.chroma_host and _served(settings):
        errors.print(
            "A running `rag serve` holds this index: add articles through its admin API "
            "(POST /v1/articles), or run the service and `rag ingest` against a Chroma "
            "server (CHROMA_HOST).",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    service = _service()
    files = find_article_files(paths)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        task = progress.add_task("Indexing", total=len(files))

        def report(path: Path, result: IngestResult | None, error: str | None) -> None:
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


@app.command()
def ask(
    question: str,
    top_k: Annotated[int | None, typer.Option(min=1, max=50)] = None,
) -> None:
    """Answer a question and list the sources behind it."""
    if not question.strip():
        errors.print("[red]The question is empty.[/]")
        raise typer.Exit(2)
    service = _service()
    service.ensure_corpus()
    try:
        answer = service.ask(question, top_k=top_k)
    except RagError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console.print(answer.answer, markup=False)
    console.print(f"\n[dim]mode: {answer.mode}, {answer.timings.total_ms:.0f} ms[/]")
    for citation in answer.citations:
        console.print(f"[{citation.marker}] {citation.title} ({citation.article_id})", markup=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: RAG_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: RAG_PORT.")] = None,
) -> None:
    """Run the HTTP service; the articles folder is indexed on first start."""
    import uvicorn

    settings = _settings()
    if settings.log_json:  # model-loading progress bars are not log lines; set before import
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

    from chromadb.errors import ChromaError
    from filelock import Timeout

    from api.main import create_app
    from api.observability import configure_logging
    from rag.indexing import IndexUnavailableError, service_lock

    # An embedded index is served by one process, which holds it (`rag ingest` refuses to
    # write beside it); a Chroma server is shared by any number of them.
    with ExitStack() as held:
        if not settings.chroma_host:
            settings.index_dir.mkdir(parents=True, exist_ok=True)
            try:
                held.enter_context(
                    service_lock(settings.index_dir, settings.collection).acquire(timeout=0)
                )
            except Timeout:
                errors.print(
                    f"Another `rag serve` is serving {settings.index_dir}; run several against "
                    "a Chroma server (CHROMA_HOST).",
                    markup=False,
                    soft_wrap=True,
                )
                raise typer.Exit(1) from None
        try:
            service = _service()
            service.check()
        except (IndexUnavailableError, ChromaError) as exc:
            errors.print(f"Cannot serve: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(1) from None
        try:
            app = create_app(settings, service=service)
        except ValueError as exc:
            errors.print(f"Invalid setting {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(2) from None
        configure_logging(settings.log_level, settings.log_json)
        uvicorn.run(
            app,
            host=host or settings.host,
            port=port or settings.port,
            log_config=None,  # configure_logging's handler: JSON lines with request ids
            access_log=False,  # the app logs one line per request itself
        )


@app.command(name="eval")
def evaluate_questions(
    questions: Annotated[Path, typer.Argument(help="JSONL question file.", exists=True)],
    top_k: Annotated[int, typer.Option(min=1, max=50)] = 5,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write JSON here.")] = None,
    details: Annotated[bool, typer.Option(help="List every question that missed.")] = False,
) -> None:
    """Measure retrieval and answer quality on a question file (see docs/evaluation.md)."""
    from rich.table import Table

    from rag.evaluation import evaluate, load_questions, report_json

    try:
        loaded = load_questions(questions)
    except ValueError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    service = _service()
    service.ensure_corpus()
    report = evaluate(service, loaded, top_k=top_k)
    table = Table("metric", "value", title=f"{questions.name}, top {top_k}, {service.mode}")
    for name, value in report.metrics.model_dump().items():
        table.add_row(name, f"{value:.3f}" if isinstance(value, float) else str(value))
    console.print(table)
    if details:
        for result in report.results:
            missed = (
                (not result.passage_hit or not result.answer_has_keys or not result.answered)
                if result.answerable
                else result.answered
            )
            if missed:
                console.print(result.model_dump_json(), markup=False)
    text = report_json(report)
    if json_out:
        json_out.write_text(text)
    else:
        console.print_json(text)
