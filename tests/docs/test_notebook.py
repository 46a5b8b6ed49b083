"""docs/quickstart.ipynb runs top to bottom, unedited, in a real kernel against the live app."""

from collections.abc import Iterator

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

from rag.service import NOT_COVERED_ANSWER, RagService
from tests.paths import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.notebook]

NOTEBOOK = ROOT / "docs" / "quickstart.ipynb"


@pytest.fixture(scope="module")
def executed(live_server: str) -> Iterator[NotebookNode]:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAG_URL", live_server)  # the kernel inherits the environment
        patch.delenv("RAG_API_KEY", raising=False)
        NotebookClient(
            notebook,
            timeout=180,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        ).execute()
    yield notebook


def outputs(notebook: NotebookNode, code: str) -> list[NotebookNode]:
    """The outputs of the one code cell whose source contains `code`."""
    (cell,) = [c for c in notebook.cells if c.cell_type == "code" and code in c.source]
    return cell.outputs


def rendered(notebook: NotebookNode, code: str, mime: str) -> str:
    return "\n".join(o.data[mime] for o in outputs(notebook, code) if mime in o.get("data", {}))


def body_rows(html_table: str) -> int:
    return html_table.partition("<tbody>")[2].count("<tr")


def test_the_committed_notebook_has_no_stale_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not c.outputs for c in notebook.cells if c.cell_type == "code")


def test_every_cell_runs_without_error(executed: NotebookNode, live_server: str) -> None:
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells)
    assert not [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert live_server in rendered(executed, "rag = RagClient()", "text/plain")


def test_articles_table_lists_the_corpus(executed: NotebookNode, service: RagService) -> None:
    table = rendered(executed, "articles[[", "text/html")
    assert body_rows(table) == len(service.articles())
    assert all(article.id in table for article in service.articles())


def test_answers_show_with_cited_footnotes(executed: NotebookNode, service: RagService) -> None:
    shown = rendered(executed, "answers[question] = rag.ask", "text/markdown")
    expected = service.ask("How much did Musk offer for OpenAI?")
    assert expected.answer in shown
    assert f"**{expected.citations[0].title}**" in shown  # the footnote names the article
    assert NOT_COVERED_ANSWER in shown  # the question no article answers


def test_streamed_answer_is_printed(executed: NotebookNode) -> None:
    printed = "".join(o.text for o in outputs(executed, "rag.chat_stream(") if "text" in o)
    assert "[1]" in printed and "Stargate" in printed


def test_funding_table_has_a_row_per_article(executed: NotebookNode, service: RagService) -> None:
    table = rendered(executed, "funding = pd.DataFrame(rows)", "text/html")
    assert body_rows(table) == len(service.articles())
    assert "$500 billion" in table


def test_evidence_is_plotted(executed: NotebookNode) -> None:
    images = [o for o in outputs(executed, "plt.subplots") if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert len(images[0].data["image/png"]) > 10_000  # a real figure, not an empty canvas
    assert body_rows(rendered(executed, "plt.subplots", "text/html")) == 10
