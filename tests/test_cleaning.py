"""Cleaning and metadata on the five default articles and on the other formats."""

import pytest

from rag.config import DEFAULT_ARTICLES_DIR
from rag.reading import ArticleError, article_from_text, read_article

EXPECTED = {
    "000_85aa625414b9aaa7": {
        "title": 'Musk Launches AI Chatbot "Grok2" to Catch Up with OpenAI',
        "publisher": "The Asia Business Daily",
        "date": None,
        "author": None,
    },
    "001_813e0116e27a585a": {
        "title": "'Rivalry' between Altman and Musk Intensifies... 'Underlying Reasons' Revealed",
        "publisher": "Korea Economic Daily",
        "date": None,
        "author": "Juwan Kim",
    },
    "002_7e74fc949ae09983": {
        "title": "The Story Behind Elon Musk and AI: Why He Left OpenAI and Created xAI",
        "publisher": None,
        "date": "2024-09-09",
        "author": "Sungwoo Bae",
    },
    "003_155f2f5638679cf8": {
        "title": "Elon Musk Goes To War With Sam Altman, Directly Contradicts Trump Who "
        "Endorsed Stargate AI Contract",
        "publisher": "wna24",
        "date": None,
        "author": None,
    },
    "004_1ddf71ae95f64f6b": {
        "title": "Musk Critiques $500 Billion Stargate AI Initiative, Altman Responds",
        "publisher": None,
        "date": None,
        "author": None,
    },
}

# Site furniture that must be gone, and article text next to it that must stay.
FURNITURE = {
    "000_85aa625414b9aaa7": ["All rights reserved", "www.asiae.co.kr"],
    "001_813e0116e27a585a": [
        "summarized using an artificial intelligence",
        "key content in the text may be excluded",
        "hours ago",
        "Goldman Sachs Holds",
        "bloomingbit",
        "PiCK News",
        "kjwan@hankyung.com",
    ],
    "002_7e74fc949ae09983": ["Newsletter", "Be the first to get news", "Sungwoo Bae"],
    "003_155f2f5638679cf8": ["| Image:", "wna24"],
    "004_1ddf71ae95f64f6b": ["AI, Musk, Altman"],
}
KEPT = {
    "000_85aa625414b9aaa7": ["making the political stakes enormous.", "Plans to Invest"],
    "001_813e0116e27a585a": ["nearly doubled from 29.2% in 2020 to 53.2% in 2023."],
    "002_7e74fc949ae09983": ["which companies stand to benefit the most."],
    "003_155f2f5638679cf8": ["I’m good for my $80 billion,” said Nadella, laughing."],
    "004_1ddf71ae95f64f6b": ["adding another layer to this multifaceted dialogue."],
}


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_default_article_metadata(article_id: str) -> None:
    article = read_article(DEFAULT_ARTICLES_DIR / f"{article_id}.txt")
    assert article.id == article_id
    assert (
        article.model_dump(include={"title", "publisher", "date", "author"})
        == (EXPECTED[article_id])
    )


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_default_article_furniture_removed_and_text_kept(article_id: str) -> None:
    article = read_article(DEFAULT_ARTICLES_DIR / f"{article_id}.txt")
    for furniture in FURNITURE[article_id]:
        assert furniture not in article.text
    for text in KEPT[article_id]:
        assert text in article.text
    assert not article.text.startswith(article.title)


def test_html_drops_scripts_and_chrome_and_reads_meta() -> None:
    html = """<html><head><title>Ignored - Site</title>
    <meta property="og:title" content="Chips Are Scarce">
    <meta property="og:site_name" content="Daily Wire Service">
    <meta name="author" content="Ada Lovelace">
    <meta property="article:published_time" content="2025-01-23T10:00:00Z">
    <script>alert('x'); document.write('evil')</script><style>p{color:red}</style>
    <link rel="stylesheet" href="http://example.invalid/x.css"></head>
    <body><nav>Home | World | Tech</nav><article><h1>Chips Are Scarce</h1>
    <p>Nvidia sold 10,000 GPUs to the lab.</p><img src="http://example.invalid/a.png">
    <p>The lab plans to buy more next year.</p></article>
    <footer>© 2025 Daily Wire Service. All rights reserved.</footer></body></html>"""
    article = article_from_text("chips", html, ".html")
    assert article.title == "Chips Are Scarce"
    assert article.publisher == "Daily Wire Service"
    assert article.author == "Ada Lovelace"
    assert article.date == "2025-01-23"
    assert article.text == (
        "Nvidia sold 10,000 GPUs to the lab.\nThe lab plans to buy more next year."
    )


def test_markdown_title_and_links() -> None:
    article = article_from_text(
        "md-note", "# Grid Power\n\nTexas added [solar](http://x.invalid) farms.\n", ".md"
    )
    assert article.title == "Grid Power"
    assert article.text == "Texas added solar farms."


@pytest.mark.parametrize(
    ("article_id", "raw", "message"),
    [
        ("bad id", "Title\nText.", "must be"),
        ("empty", "   \n\n", "no text"),
        ("only-furniture", "© Someone. All rights reserved.", "no text"),
    ],
)
def test_unusable_articles_are_refused(article_id: str, raw: str, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        article_from_text(article_id, raw)
