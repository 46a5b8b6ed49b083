"""Cleaning and metadata on the five default articles, on texts written for the rules, and
on the other formats."""

import hashlib

import pytest

from rag.config import DEFAULT_ARTICLES_DIR
from rag.errors import ArticleError
from rag.ingestion.reading import article_from_text, read_article

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


# SHA-256 of each default article's cleaned text: passages' offsets point into it, so changes
# to the cleaning rules must leave it exactly as it is.
TEXT_SHA256 = {
    "000_85aa625414b9aaa7": "959d496c8217cdb2f791de081edac70f08e70fbca3a7bbbf2db939ed317a3adf",
    "001_813e0116e27a585a": "a24abaa429e5d8e7aa306293f89bae46a0d88b467ded0d4d8540562045abdc6c",
    "002_7e74fc949ae09983": "e2feb7a2800c5a49b9d012c0117fc32e2f430e71269be70fa6ec81f7775f43fe",
    "003_155f2f5638679cf8": "f23bf4162f198827c7417f9d1431377bc74087e82f2b27deb153803b8d046cf8",
    "004_1ddf71ae95f64f6b": "8aca6181be298021c41dcd2ebe3aacf73bee145be3d9a72250f4ab91a003aaa8",
}
BODY = [
    "The city council approved the new bridge over the Ouse on Monday night.",
    "Work starts in June and should take two years, the council said.",
    "Residents had asked for a crossing since the old ferry closed in 2019.",
    "The bridge will carry cyclists and pedestrians but no cars.",
]


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_default_article_metadata(article_id: str) -> None:
    article = read_article(DEFAULT_ARTICLES_DIR / f"{article_id}.txt")
    assert article.id == article_id
    assert (
        article.model_dump(include={"title", "publisher", "date", "author"})
        == (EXPECTED[article_id])
    )


@pytest.mark.parametrize("article_id", sorted(TEXT_SHA256))
def test_default_article_text_is_unchanged(article_id: str) -> None:
    text = read_article(DEFAULT_ARTICLES_DIR / f"{article_id}.txt").text
    assert hashlib.sha256(text.encode()).hexdigest() == TEXT_SHA256[article_id]


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
    ("header", "author", "date"),
    [
        (["By Mira Okonkwo", "March 3, 2025"], "Mira Okonkwo", "2025-03-03"),
        (["March 3, 2025", "By Mira Okonkwo"], "Mira Okonkwo", "2025-03-03"),
        (["By Pete Evans, Anna Lee", "December 15, 2016"], "Pete Evans, Anna Lee", "2016-12-15"),
        (["By Jo Park and Sam Ruiz", "2016-12-15"], "Jo Park, Sam Ruiz", "2016-12-15"),
        (["By Pete Evans, CBC News", "Dec 15, 2016"], "Pete Evans", "2016-12-15"),
        (["Mira Okonkwo", "March 3, 2025"], "Mira Okonkwo", "2025-03-03"),
        (["BY PETE EVANS AND ANNA LEE", "Dec. 15, 2016"], "Pete Evans, Anna Lee", "2016-12-15"),
    ],
)
def test_byline_and_date_under_the_title_of_a_short_article(
    header: list[str], author: str, date: str
) -> None:
    raw = "\n".join(["Bridge over the Ouse approved", *header, *BODY])
    article = article_from_text("bridge", raw)
    assert article.title == "Bridge over the Ouse approved"
    assert (article.author, article.date, article.publisher) == (author, date, None)
    assert article.text == "\n".join(BODY)


def test_closing_byline_is_cut_but_never_the_body() -> None:
    closing = ["By Mira Okonkwo", "Yorkshire Courier", "Contact the newsroom at news@yc.invalid"]
    article = article_from_text("bridge", "\n".join(["Bridge approved", *BODY, *closing]))
    assert (article.text, article.author, article.publisher) == (
        "\n".join(BODY),
        "Mira Okonkwo",
        "Yorkshire Courier",
    )
    # A byline line early in the body is not a closing byline: nothing after it is cut.
    early = [BODY[0], "By Mira Okonkwo", *BODY[1:]]
    assert article_from_text("bridge", "\n".join(["Bridge approved", *early])).text == (
        "\n".join(early)
    )


@pytest.mark.parametrize("label", ["Read Later", "Filed Under", "Staff Writer", "Share This"])
def test_labels_under_the_title_are_not_authors(label: str) -> None:
    article = article_from_text("bridge", "\n".join(["Bridge approved", label, *BODY]))
    assert article.author is None


def test_body_sentences_that_mention_rights_or_sign_ups_are_kept() -> None:
    body = [
        *BODY,
        "The treaty keeps all rights reserved for the state until 2030.",
        "More than 2,000 people sign up for the ferry's last crossing every year.",
        "Sign up for our newsletter",
        "© 2025 Yorkshire Courier. All rights reserved.",
        "Yorkshire Courier Ltd. All Rights Reserved.",
    ]
    article = article_from_text("bridge", "\n".join(["Bridge approved", *body]))
    assert article.text == "\n".join(body[:6])
    assert article.publisher == "Yorkshire Courier"


def test_body_sentences_that_open_like_a_notice_are_kept() -> None:
    body = [
        *BODY[:2],
        "Copyright lawyers said the ruling would change how newspapers license photographs.",
        "(c) any vessel over 20 tonnes must register with the harbour master.",
        *BODY[2:],
    ]
    article = article_from_text("bridge", "\n".join(["Bridge approved", *body]))
    assert article.text == "\n".join(body)
    assert article.publisher is None


@pytest.mark.parametrize(
    ("notice", "owner"),
    [
        ("© Tagus Herald", "Tagus Herald"),
        ("© 2019–2025 Tagus Herald. All rights reserved.", "Tagus Herald"),
        ("(C) 2024 Tagus Herald Ltd.", "Tagus Herald Ltd"),
        ("Copyright 2025 Tagus Herald", "Tagus Herald"),
        ("Copyright © Tagus Herald (a Lisbon Media company)", "Tagus Herald"),
        ("Copyright (c) 2025, Tagus Herald", "Tagus Herald"),
        ("Tagus Herald Ltd. All Rights Reserved.", None),
    ],
)
def test_copyright_lines_are_dropped_and_name_the_publisher(notice: str, owner: str) -> None:
    article = article_from_text("bridge", "\n".join(["Bridge approved", *BODY, notice]))
    assert article.text == "\n".join(BODY)
    assert article.publisher == owner


def test_a_sentence_that_starts_with_a_time_ago_is_body_not_a_link_list() -> None:
    body = [*BODY[:2], "2 days ago the ferry made its last crossing.", *BODY[2:]]
    links = ["More news", "Council to vote on tram plan", "3 hours ago", "Flood defences tested"]
    article = article_from_text(
        "bridge", "\n".join(["Bridge approved", *body, *links, "5 days ago"])
    )
    assert article.text == "\n".join(body)


def test_caption_and_comment_count_lines_are_dropped() -> None:
    furniture = [
        "Media caption, Residents crossed by ferry for decades",
        "Image source, PA Media",
        "42 comments",
        "Comments (1,204)",
    ]
    raw = "\n".join(["Bridge approved", BODY[0], *furniture, *BODY[1:]])
    assert article_from_text("bridge", raw).text == "\n".join(BODY)


def test_invisible_characters_are_removed() -> None:
    article = article_from_text("zw", "Bridge\u200b approved\nThe\x00 council\ufeff voted.")
    assert (article.title, article.text) == ("Bridge approved", "The council voted.")


@pytest.mark.parametrize(
    ("article_id", "raw", "message"),
    [
        ("bad id", "Title\nText.", "must be"),
        ("empty", "   \n\n", "no text"),
        ("only-furniture", "© Someone. All rights reserved.", "no text"),
        ("only-nul", "\x00" * 50, "no text"),
        ("only-zero-width", "\u200b\u200c\u200d\ufeff\n\u2060" * 20, "no text"),
        ("too-long", "Title\n" + "The council voted. " * 30_000, "more than the 500,000"),
    ],
    ids=["bad id", "empty", "only furniture", "only NUL", "only zero-width", "too long"],
)
def test_unusable_articles_are_refused(article_id: str, raw: str, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        article_from_text(article_id, raw)
