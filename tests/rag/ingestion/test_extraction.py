"""HTML pages: real news pages against their hand-written bodies, furniture, and refusals."""

import gzip
import json
import socket
import time

import pytest

from bench.extraction import page_f1, scores, shingle_counts
from rag.errors import ArticleError
from rag.ingestion.extraction import strip_site_name
from rag.ingestion.reading import article_from_text
from tests.paths import DATA

PAGES = DATA / "pages"
GROUND_TRUTH = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
ITALIAN = "20b2b64916b00b25203c9f1bf14248922f4d522f18328e9f876cce116df0083e"

# Title as the page states it, without the site's name; author when the page names a person.
EXPECTED = {
    "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f": (
        "New SUVs and electric vehicles highlight L.A. Auto Show",
        "Tom Krisher",
    ),
    "076f4f33bf75059db581bedf36e76fb65e89a8f7752db3339aa3ea11c5122f32": (
        "Fact Check: Is An 'Oxygen Bar' In Delhi Offering Fresh Air For Rs 300?",
        None,
    ),
    "0e014df693f182824fe5e24030ddbe1d0b96ddb9685cf20d5766457ed32ffa2d": (
        "Simple Hiking Survival Kit (with Kids)",
        None,
    ),
    "16c30add7e96315e9cc957d85aa876ccb6b70055f0ddab51547a586117cc1f56": (
        "The law that’s helping fuel Delhi’s deadly air pollution",
        "Umair Irfan",
    ),
    "1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892": (
        "New York State Attorney General reportedly investigating WeWork",
        "Catherine Shu",
    ),
}


def _page(page_id: str) -> str:
    return gzip.decompress((PAGES / f"{page_id}.html.gz").read_bytes()).decode("utf-8")


@pytest.mark.parametrize("page_id", sorted(EXPECTED))
def test_real_page_body_title_and_author(page_id: str) -> None:
    article = article_from_text(page_id, _page(page_id), ".html")
    assert page_f1(GROUND_TRUTH[page_id]["articleBody"], article.text) >= 0.9
    assert (article.title, article.author) == EXPECTED[page_id]
    assert not article.text.startswith(article.title)


def test_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[tuple[object, ...]] = []

    def refuse(*args: object) -> None:
        attempts.append(args)
        raise OSError("no network in extraction")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    page_id = "1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892"
    assert article_from_text(page_id, _page(page_id), ".html").text
    assert attempts == []


def test_furniture_around_the_story_is_left_out() -> None:
    article = article_from_text("traps", (PAGES / "furniture-traps.html").read_text(), ".html")
    assert article.title == "Zimbabwe farmers count the cost of drought"
    assert (article.publisher, article.date, article.author) == ("BBC News", "2024-02-11", None)
    assert article.url == "https://www.bbc.co.uk/news/world-africa-123"
    lines = article.text.split("\n")
    assert lines[0].startswith("Zimbabwe's maize harvest is expected to fall by half this year")
    assert lines[0].endswith("the agriculture ministry said on Tuesday.")
    assert len(lines) == 5
    assert sum("declared a national disaster" in line for line in lines) == 1
    for furniture in (
        "Mozambique", "Read Later", "42 comments", "Media caption", "Advertisement",
        "Related Topics", "More on this story", "Home", "©", "Buy cheap flights", "float",
        "Search for this author", "PubMed",
    ):  # fmt: skip
        assert furniture not in article.text


def test_cards_of_other_stories_are_left_out_and_the_storys_own_lists_kept() -> None:
    card = """<li><a href="/s/{n}"><img src="{n}.jpg" alt=""></a><div><h3><a href="/s/{n}">
        {headline}</a></h3><h4>{subline}</h4></div></li>"""
    cards = "".join(
        card.format(n=n, headline=headline, subline=subline)
        for n, (headline, subline) in enumerate(
            [
                ("Coach fired by club", "He took the club to the final in June"),
                ("Striker signs new deal", "The deal runs until 2026"),
            ]
        )
    )
    html = f"""<html><body><article><h1>Wales qualify for Euro 2020</h1>
    <p>Wales beat Hungary 2-0 in Cardiff on Tuesday to reach a second straight European
    Championship, with two goals from the midfielder in the first half.</p>
    <p>The teams that have qualified so far:</p>
    <ul><li>Wales (Group E): Second appearance</li><li>Italy (Group J): 10th appearance</li></ul>
    <div><h2>Our latest stories</h2><ul>{cards}</ul></div>
    </article></body></html>"""
    text = article_from_text("wales", html, ".html").text
    assert "Wales (Group E): Second appearance" in text
    assert "Italy (Group J)" in text
    for teaser in ("Coach fired", "took the club", "Striker signs", "runs until"):
        assert teaser not in text
    # A listicle's items and a live blog's entries have their own paragraphs: they stay.
    prose = "This one has a bright screen, a long battery life and a keyboard that types well."
    items = "".join(
        f'<li><h2><a href="{href}">{heading}</a></h2><p>{prose}</p></li>'
        for href, heading in [("/shop/1", "Laptop one"), ("#e2", "10:02 Update")]
    )
    listicle = f"<html><body><article><h1>Best laptops</h1><ol>{items}</ol></article></body></html>"
    kept = article_from_text("laptops", listicle, ".html").text
    assert "Laptop one" in kept and "10:02 Update" in kept and kept.count("bright screen") == 2


def test_line_breaks_in_the_source_are_spaces_and_breaks_are_lines() -> None:
    html = """<html><body><article><h1>Dam upgrade finished</h1>
    <p>The Itaipu dam now runs twenty units after an upgrade
    that took three years,
       officials said on Monday.</p>
    <p>Write to the operator:<br>Avenida Tancredo Neves 6731<br>Foz do Iguaçu</p>
    <pre>turbine  output
    1        700 MW</pre>
    </article></body></html>"""
    assert article_from_text("dam", html, ".html").text.split("\n") == [
        "The Itaipu dam now runs twenty units after an upgrade that took three years, "
        "officials said on Monday.",
        "Write to the operator:",
        "Avenida Tancredo Neves 6731",
        "Foz do Iguaçu",
        "turbine output",
        "1 700 MW",
    ]


@pytest.mark.parametrize(
    "name", ["index-page.html", "login-wall.html"], ids=["index page", "login wall"]
)
def test_pages_without_an_article_are_refused(name: str) -> None:
    with pytest.raises(ArticleError, match="holds no article text"):
        article_from_text("page", (PAGES / name).read_text(), ".html")


@pytest.mark.parametrize(
    "html",
    ["<html><head><title>Story</title></head><body></body></html>", "no markup at all", ""],
)
def test_empty_pages_are_refused(html: str) -> None:
    with pytest.raises(ArticleError, match="holds no article text"):
        article_from_text("page", html, ".html")


def test_non_english_page_is_refused() -> None:
    with pytest.raises(ArticleError, match="only English articles are supported"):
        article_from_text("italian", _page(ITALIAN), ".html")


def test_short_page_is_not_refused_on_a_language_guess() -> None:
    html = (
        "<html><body><h1>Musk sues OpenAI</h1>"
        "<p>Elon Musk sued OpenAI and its chief on Thursday in San Francisco.</p></body></html>"
    )
    article = article_from_text("suit", html, ".html")
    assert (article.title, article.text) == (
        "Musk sues OpenAI",
        "Elon Musk sued OpenAI and its chief on Thursday in San Francisco.",
    )


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<html><body>" + "<p>x</p>" * 120_000 + "</body></html>", "120,00. HTML elements"),
        (
            "<html><body>"
            + "<p>The council voted to fund the new bridge over the river in spring.</p>" * 7500
            + "</body></html>",
            "more than the 500,000",
        ),
    ],
    ids=["120,000 paragraphs", "text past the article limit"],
)
def test_absurd_pages_are_refused_quickly(html: str, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ArticleError, match=message):
        article_from_text("absurd", html, ".html")
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize(
    ("title", "sitename", "url", "expected"),
    [
        ("Storm hits coast - BBC News", "BBC News", None, "Storm hits coast"),
        ("Storm hits coast | BBC", None, "https://www.bbc.co.uk/news/1", "Storm hits coast"),
        ("Storm hits coast – TechCrunch", "TechCrunch", None, "Storm hits coast"),
        ("Daily Wire: Storm hits coast", "Daily Wire", None, "Storm hits coast"),
        ("Storm hits coast | Inexhibit", "Inexhibit magazine", None, "Storm hits coast"),
        ("Opinion | Storm hits coast", "The Times", None, "Opinion | Storm hits coast"),
        ("Storm - Time to act", None, "https://time.com/1", "Storm - Time to act"),
        ("BBC News", "BBC News", None, "BBC News"),
    ],
)
def test_site_name_is_cut_from_titles_only_when_it_names_the_site(
    title: str, sitename: str | None, url: str | None, expected: str
) -> None:
    assert strip_site_name(title, sitename, url) == expected


def test_benchmark_metric_counts_four_token_shingles_per_page() -> None:
    assert shingle_counts("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    assert shingle_counts("a b c d e", "a b c d") == (0.5, 0.0, 0.5)
    assert shingle_counts("a b c d e", "") == (0.0, 0.0, 1.0)
    assert page_f1("a b c d e", "a b c d") == pytest.approx(2 / 3)
    # Precision averages only pages where something was extracted; recall averages all.
    assert scores([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)]) == pytest.approx(
        {"precision": 1.0, "recall": 0.5, "f1": 2 / 3}
    )
