"""Retrieval and answer quality on a question file, through the same `RagService.ask` the API
calls.

Question file: one JSON object per line,
`{"id": "q1", "question": "...", "articles": ["<id>"], "answer_keys": ["5 million"]}`.
A key with `|` lists alternatives; `"articles": []` marks a question the articles cannot
answer. Matching is case-insensitive.

The project's own sets (`SUITES`): in-domain questions on the five default articles, and
out-of-domain questions on real news pages indexed next to them, each run in a fresh index.
"""

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from rag.config import Settings
from rag.models import Answer
from rag.service import RagService

EVAL_DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


class EvalQuestion(BaseModel):
    id: str
    question: str = Field(min_length=1)
    articles: list[str]
    answer_keys: list[str] = []

    @property
    def answerable(self) -> bool:
        return bool(self.articles)

    def keys_in(self, text: str) -> bool:
        """Every key (one of its `|` alternatives) occurs in `text`."""
        lowered = text.lower()
        return all(
            any(alt.strip().lower() in lowered for alt in key.split("|"))
            for key in self.answer_keys
        )


class QuestionResult(BaseModel):
    id: str
    answerable: bool
    answered: bool
    passage_hit: bool
    article_hit: bool
    reciprocal_rank: float
    answer_has_keys: bool
    cited_articles: list[str]
    correct_citations: int
    latency_ms: float


class Metrics(BaseModel):
    questions: int
    answerable: int
    unanswerable: int
    passage_hit_at_k: float
    article_hit_at_k: float
    mrr: float
    answer_key_recall: float
    citation_precision: float
    abstention: float
    false_abstention: float
    latency_p50_ms: float
    latency_p95_ms: float


class EvalReport(BaseModel):
    top_k: int
    metrics: Metrics
    results: list[QuestionResult]


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(EvalQuestion.model_validate_json(line))
        except ValidationError as exc:
            raise ValueError(f"{path.name} line {number}: {exc.errors()[0]['msg']}") from exc
    if not questions:
        raise ValueError(f"{path.name} holds no questions")
    return questions


class RetrievalScore(BaseModel):
    passage_hit: bool
    article_hit: bool
    reciprocal_rank: float


def score_retrieval(question: EvalQuestion, ranked: list[tuple[str, str]]) -> RetrievalScore:
    """Scores for (article id, passage text) pairs, best first; any retriever can be scored."""
    first_hit = next(
        (rank for rank, (_, text) in enumerate(ranked, start=1) if question.keys_in(text)), None
    )
    return RetrievalScore(
        passage_hit=question.keys_in(" ".join(text for _, text in ranked)),
        article_hit=any(article in question.articles for article, _ in ranked),
        reciprocal_rank=1 / first_hit if first_hit else 0.0,
    )


def _score(question: EvalQuestion, answer: Answer, top_k: int) -> QuestionResult:
    expected = set(question.articles)
    # The whole question's top k: passages found for a part alone follow them, unscored.
    ranked = [(p.article_id, p.text) for p in answer.passages[:top_k]]
    retrieval = score_retrieval(question, ranked)
    cited = [c.article_id for c in answer.citations]
    return QuestionResult(
        id=question.id,
        answerable=question.answerable,
        answered=answer.answered,
        **retrieval.model_dump(),
        answer_has_keys=answer.answered and question.keys_in(answer.answer),
        cited_articles=cited,
        correct_citations=sum(article in expected for article in cited),
        latency_ms=answer.timings.total_ms,
    )


def _mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 4) if values else 0.0


def evaluate(service: RagService, questions: list[EvalQuestion], top_k: int = 5) -> EvalReport:
    results = [_score(q, service.ask(q.question, top_k=top_k), top_k) for q in questions]
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    citations = sum(len(r.cited_articles) for r in answerable)
    latencies = sorted(r.latency_ms for r in results)
    metrics = Metrics(
        questions=len(results),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        passage_hit_at_k=_mean([r.passage_hit for r in answerable]),
        article_hit_at_k=_mean([r.article_hit for r in answerable]),
        mrr=_mean([r.reciprocal_rank for r in answerable]),
        answer_key_recall=_mean([r.answer_has_keys for r in answerable]),
        citation_precision=round(sum(r.correct_citations for r in answerable) / citations, 4)
        if citations
        else 0.0,
        abstention=_mean([not r.answered for r in unanswerable]),
        false_abstention=_mean([not r.answered for r in answerable]),
        latency_p50_ms=round(statistics.median(latencies), 2),
        latency_p95_ms=round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 2),
    )
    return EvalReport(top_k=top_k, metrics=metrics, results=results)


def report_json(report: EvalReport | dict[str, EvalReport]) -> str:
    if isinstance(report, dict):
        return json.dumps({name: r.model_dump() for name, r in report.items()}, indent=2)
    return json.dumps(report.model_dump(), indent=2)


def missed(result: QuestionResult) -> bool:
    """An answerable question without its keys, or an unanswerable one answered."""
    if result.answerable:
        return not (result.passage_hit and result.answer_has_keys and result.answered)
    return result.answered


@dataclass(frozen=True)
class EvalSuite:
    """A question file and the article folders indexed next to the default articles for it."""

    name: str
    questions: Path
    articles: tuple[Path, ...] = field(default=())


SUITES = (
    EvalSuite("in-domain", EVAL_DATA / "questions.jsonl"),
    EvalSuite(
        "out-of-domain", EVAL_DATA / "ood" / "questions.jsonl", (EVAL_DATA / "ood" / "pages",)
    ),
)


def fresh_service(settings: Settings, articles: Sequence[Path], index_dir: Path) -> RagService:
    """A service over the default articles and `articles`, in a new embedded index at
    `index_dir`, so an evaluation never touches the index being served."""
    fresh = settings.model_copy(update={"index_dir": index_dir, "chroma_host": None})
    service = RagService.from_settings(fresh)
    service.ingest_paths([settings.articles_dir, *articles])
    return service
