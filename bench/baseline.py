"""A plain llama-index pipeline beside ours, on the project's own questions.

Baseline: the raw article files read by SimpleDirectoryReader, llama-index's default splitter
(SentenceSplitter, 1,024-token chunks), a VectorStoreIndex over an in-memory Chroma
collection, the same MiniLM embedding, dense retrieval only. Ours: `RagService.ask` in
extractive mode over a fresh embedded index. Retrieval metrics are scored by the same code
(`rag.evaluation.score_retrieval`) for both.

    python bench/baseline.py
"""

import os
import statistics
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHROMA_HOST"):
    os.environ.pop(name, None)

import chromadb  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402
from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex  # noqa: E402
from llama_index.vector_stores.chroma import ChromaVectorStore  # noqa: E402

from rag.config import DEFAULT_ARTICLES_DIR, Settings  # noqa: E402
from rag.evaluation import evaluate, load_questions, score_retrieval  # noqa: E402
from rag.providers import build_embed_model  # noqa: E402
from rag.service import RagService  # noqa: E402

QUESTIONS = Path(__file__).parent.parent / "tests" / "data" / "questions.jsonl"


def baseline_rows(questions, settings: Settings) -> list[tuple[str, float, float, float]]:
    documents = SimpleDirectoryReader(str(DEFAULT_ARTICLES_DIR), filename_as_id=True).load_data()
    for document in documents:
        document.metadata["article_id"] = Path(document.metadata["file_name"]).stem
    client = chromadb.EphemeralClient(ChromaSettings(anonymized_telemetry=False))
    store = ChromaVectorStore(chroma_collection=client.create_collection("baseline"))
    index = VectorStoreIndex.from_documents(
        documents,
        storage_context=StorageContext.from_defaults(vector_store=store),
        embed_model=build_embed_model(settings),
    )
    answerable = [q for q in questions if q.answerable]
    rows = []
    for top_k in (2, 5):
        retriever = index.as_retriever(similarity_top_k=top_k)
        scores = [
            score_retrieval(
                q,
                [
                    (n.node.metadata["article_id"], n.node.get_content())
                    for n in retriever.retrieve(q.question)
                ],
            )
            for q in answerable
        ]
        rows.append(
            (
                f"plain llama-index, top {top_k}",
                statistics.fmean(s.passage_hit for s in scores),
                statistics.fmean(s.article_hit for s in scores),
                statistics.fmean(s.reciprocal_rank for s in scores),
            )
        )
    return rows


def main() -> None:
    questions = load_questions(QUESTIONS)
    with tempfile.TemporaryDirectory() as index_dir:
        settings = Settings(_env_file=None, index_dir=Path(index_dir))
        rows = baseline_rows(questions, settings)
        service = RagService.from_settings(settings)
        service.ensure_corpus()
        metrics = evaluate(service, questions, top_k=5).metrics
    print(f"{len(questions)} questions ({metrics.answerable} answerable)")
    print(f"{'pipeline':34} {'passage hit':>11} {'article hit':>11} {'MRR':>6}")
    rows.append(
        ("this project, top 5", metrics.passage_hit_at_k, metrics.article_hit_at_k, metrics.mrr)
    )
    for name, passage_hit, article_hit, mrr in rows:
        print(f"{name:34} {passage_hit:11.3f} {article_hit:11.3f} {mrr:6.3f}")
    print(metrics.model_dump_json(indent=2))


if __name__ == "__main__":
    main()
