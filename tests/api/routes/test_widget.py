"""The chat widget and demo page in a real headless Chromium, against the real app on uvicorn.

The service is extractive (no model is reachable), so its answers are deterministic and the
widget's rendering is compared with the service's own JSON for the same conversation; the
generative path runs against the scripted model server of tests/fake_llm.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, Request, Route, expect
from starlette.staticfiles import StaticFiles

from api.main import create_app
from rag.service import RagService
from tests.conftest import make_settings
from tests.servers import free_port, serving

if TYPE_CHECKING:
    from tests.fake_llm import FakeLLM

pytest_plugins = ["tests.browser", "tests.fake_llm"]

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.browser]

WIDGET_BLUE = "rgb(29, 78, 216)"
HOST = "rag-chat-widget"
QUESTION = "How much did Musk offer for OpenAI?"

expect.set_options(timeout=15_000)


def service_answer(base_url: str, messages: list[dict[str, str]]) -> dict:
    """What the service itself answers to a conversation, as JSON."""
    response = httpx.post(
        f"{base_url}/v1/chat", json={"messages": messages, "stream": False}, timeout=30
    )
    response.raise_for_status()
    return response.json()


def visible_text(answer: str) -> str:
    """An answer as the widget shows it: each marker `[n]` is a button labelled `n`."""
    return re.sub(r"\[(\d+)\]", r"\1", answer)


def open_widget(page: Page) -> None:
    page.get_by_role("button", name="Chat: Ask the news").click()
    expect(page.get_by_role("dialog", name="Ask the news")).to_be_visible()


def ask(page: Page, question: str) -> None:
    """Types a question, sends it with Enter and waits until that answer is complete."""
    finished = page.locator("[data-rag=answer]:not([aria-busy])").count()
    box = page.locator("[data-rag=question]")
    box.fill(question)
    box.press("Enter")
    expect(page.locator("[data-rag=answer]:not([aria-busy])")).to_have_count(finished + 1)


def record_chat_requests(page: Page) -> list[dict]:
    """The JSON bodies the widget sends to /v1/chat from now on, in order."""
    sent: list[dict] = []

    def record(request: Request) -> None:
        if request.url.endswith("/v1/chat"):
            sent.append(request.post_data_json)

    page.on("request", record)
    return sent


def record_answer_frames(page: Page) -> None:
    """From now on `window.answerFrames` records the last answer's text length on each change."""
    page.evaluate(
        """host => {
            const root = document.querySelector(host).shadowRoot;
            window.answerFrames = [];
            new MutationObserver(() => {
                const answer = [...root.querySelectorAll("[data-rag=answer]")].pop();
                if (answer) window.answerFrames.push(
                    {length: answer.textContent.length, busy: answer.hasAttribute("aria-busy")});
            }).observe(root, {subtree: true, childList: true, characterData: true,
                              attributes: true});
        }""",
        HOST,
    )


def computed(page: Page, selector: str, prop: str) -> str:
    """A computed style of an element of the widget, found inside its shadow root."""
    return page.evaluate(
        """([host, selector, prop]) => getComputedStyle(
            document.querySelector(host).shadowRoot.querySelector(selector))[prop]""",
        [HOST, selector, prop],
    )


def focused(page: Page) -> str | None:
    """`data-rag`, else the class, of the element focused inside the widget."""
    return page.evaluate(
        """host => {
            const active = document.querySelector(host)?.shadowRoot.activeElement;
            return active ? active.dataset.rag || active.className : null;
        }""",
        HOST,
    )


def write_page(
    folder: Path, name: str, api: str, body: str = "", head: str = "", script_from: str = ""
) -> str:
    """A plain HTML page embedding the widget that talks to `api` (and is loaded from it)."""
    (folder / name).write_text(
        f"<!doctype html><html><head><title>{name}</title>{head}</head><body>{body}"
        f'<script src="{script_from or api}/widget.js" data-api="{api}"></script></body></html>',
        encoding="utf-8",
    )
    return name


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A plain static site on another port (another origin); yields its URL and folder."""
    folder = tmp_path_factory.mktemp("site")
    with serving(StaticFiles(directory=folder), lifespan="off") as origin:
        yield origin, folder


@pytest.fixture(scope="module")
def cors_api(
    service: RagService, other_site: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The real app over the shared index, allowing the other site's origin."""
    settings = make_settings(tmp_path_factory.mktemp("cors"), cors_origins=[other_site[0]])
    with serving(create_app(settings, service=service)) as base_url:
        yield base_url


@pytest.mark.parametrize(
    ("path", "content_type", "cache_control"),
    [
        ("/", "text/html; charset=utf-8", "no-cache"),
        ("/widget.js", "text/javascript; charset=utf-8", "public, max-age=300, must-revalidate"),
    ],
)
def test_page_and_script_are_served_with_their_type_and_caching(
    client: TestClient, path: str, content_type: str, cache_control: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["cache-control"] == cache_control
    assert response.text.strip()
    revalidated = client.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert revalidated.status_code == 304
    head = client.head(path)
    assert head.status_code == 200 and not head.content
    assert head.headers["content-length"] == str(len(response.content))


def test_cross_origin_requests_need_an_allowed_origin(
    cors_api: str, other_site: tuple[str, Path]
) -> None:
    origin = other_site[0]
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    allowed = httpx.options(f"{cors_api}/v1/chat", headers={"Origin": origin, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == origin
    assert "POST" in allowed.headers["access-control-allow-methods"]
    refused = httpx.options(
        f"{cors_api}/v1/chat", headers={"Origin": "http://elsewhere.example", **preflight}
    )
    assert "access-control-allow-origin" not in refused.headers
    refused_body = httpx.post(
        f"{cors_api}/v1/chat", json={"messages": []}, headers={"Origin": origin}
    )
    # Refusals carry the CORS headers too, so the widget can read their detail.
    assert refused_body.status_code == 422
    assert refused_body.headers["access-control-allow-origin"] == origin
    assert "retry-after" in refused_body.headers["access-control-expose-headers"].lower()


def test_demo_page_streams_an_answer_and_opens_its_source(
    page: Page, screenshot: Callable[[str], Path], live_server: str, service: RagService
) -> None:
    expected = service_answer(live_server, [{"role": "user", "content": QUESTION}])
    assert expected["answered"] and expected["citations"]

    page.goto(f"{live_server}/")
    titles = page.locator("#articles li h3")
    expect(titles).to_have_count(5)
    assert sorted(titles.all_inner_texts()) == sorted(a.title for a in service.articles())

    open_widget(page)
    record_answer_frames(page)
    ask(page, QUESTION)

    answer = page.locator("[data-rag=answer]")
    expect(answer).to_have_count(1)
    expect(answer).to_contain_text(visible_text(expected["answer"]))
    expect(answer).to_contain_text("extractive")
    frames = page.evaluate("window.answerFrames")
    streaming = [f["length"] for f in frames if f["busy"]]
    assert any(streaming), f"no text was shown before the answer was done: {frames}"
    assert streaming == sorted(streaming), "streamed text shrank while streaming"
    markers = re.findall(r"\[\d+\]", expected["answer"])
    citations = answer.locator("[data-rag=citation]")
    expect(citations).to_have_count(len(markers))
    screenshot("widget-answer")

    first = expected["citations"][0]
    citations.first.click()
    source = page.locator("[data-rag=source]")
    expect(source).to_be_visible()
    expect(source).to_contain_text(first["title"])
    expect(source).to_contain_text(first["publisher"])
    expect(source.locator("mark")).to_have_text(first["text"])
    passage = next(
        p
        for p in expected["passages"]
        if p["article_id"] == first["article_id"]
        and p["start"] <= first["start"]
        and first["end"] <= p["end"]
    )
    expect(source.locator("blockquote")).to_have_text(passage["text"])
    screenshot("widget-source")

    page.get_by_role("button", name="Back to the conversation").click()
    expect(source).to_be_hidden()
    expect(page.locator("[data-rag=question]")).to_be_editable()


def test_follow_up_sends_the_conversation_and_keeps_each_answers_sources(
    page: Page, screenshot: Callable[[str], Path], live_server: str
) -> None:
    first_question = "Who leads the Stargate project?"
    follow_up = "How much will they invest?"
    sent = record_chat_requests(page)
    page.goto(f"{live_server}/")
    open_widget(page)
    ask(page, first_question)
    ask(page, follow_up)
    screenshot("widget-conversation")

    first = service_answer(live_server, [{"role": "user", "content": first_question}])
    conversation = [
        {"role": "user", "content": first_question},
        {"role": "assistant", "content": first["answer"]},
        {"role": "user", "content": follow_up},
    ]
    assert [body["messages"] for body in sent] == [conversation[:1], conversation]
    assert all(body["stream"] is True for body in sent)

    expected = service_answer(live_server, conversation)
    alone = service_answer(live_server, [conversation[-1]])
    assert "Stargate" in expected["query"], "the follow-up was not made standalone"
    assert expected["answer"] != alone["answer"], "the conversation did not change the answer"
    answers = page.locator("[data-rag=answer]")
    expect(answers.nth(1)).to_contain_text(visible_text(expected["answer"]))
    assert "billion" in expected["answer"]
    # Every point of the follow-up's answer is a sentence about the project asked about first.
    assert expected["citations"]
    assert all("Stargate" in c["text"] for c in expected["citations"])

    # The first answer's [1] still opens the first answer's source, not the follow-up's.
    answers.nth(0).locator("[data-rag=citation]").first.click()
    source = page.locator("[data-rag=source]")
    expect(source.locator("mark")).to_have_text(first["citations"][0]["text"])
    page.keyboard.press("Escape")
    answers.nth(1).locator("[data-rag=citation]").first.click()
    expect(source.locator("mark")).to_have_text(expected["citations"][0]["text"])


def test_a_long_conversation_sends_only_its_latest_turns(page: Page, live_server: str) -> None:
    questions = ["Who leads the Stargate project?", "How much did Musk offer for OpenAI?"] * 6
    sent = record_chat_requests(page)
    page.goto(f"{live_server}/")
    open_widget(page)
    for question in questions:
        ask(page, question)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert len(sent) == len(questions)
    last = sent[-1]["messages"]
    # Ten earlier turns and the question: under the service's limits however long it runs.
    assert len(last) == 21
    assert last[-1] == {"role": "user", "content": questions[-1]}
    assert [m["content"] for m in last[:-1:2]] == questions[-11:-1]


def test_unreachable_service_is_reported_and_the_question_kept(
    page: Page, other_site: tuple[str, Path], live_server: str
) -> None:
    origin, folder = other_site
    closed = f"http://127.0.0.1:{free_port()}"
    # The script loads from the running service; the API it is told to use is down.
    down = write_page(folder, "down.html", closed, script_from=live_server)
    page.goto(f"{origin}/{down}")
    open_widget(page)
    box = page.locator("[data-rag=question]")
    box.fill("Who leads the Stargate project?")
    box.press("Enter")
    error = page.get_by_role("alert")
    expect(error).to_contain_text("can't be reached")
    expect(page.locator("[data-rag=answer]")).to_have_count(0)
    expect(box).to_have_value("Who leads the Stargate project?")
    expect(box).to_be_editable()


def test_error_responses_show_their_detail_and_the_input_stays_usable(
    page: Page, live_server: str
) -> None:
    detail = "The language model failed: upstream returned 500"

    def refuse(route: Route) -> None:
        route.fulfill(status=502, json={"detail": detail})

    page.goto(f"{live_server}/")
    open_widget(page)
    page.route(f"{live_server}/v1/chat", refuse)
    box = page.locator("[data-rag=question]")
    box.fill("Who leads the Stargate project?")
    box.press("Enter")
    expect(page.get_by_role("alert")).to_have_text(detail)
    expect(box).to_have_value("Who leads the Stargate project?")

    page.unroute(f"{live_server}/v1/chat", refuse)
    box.press("Enter")
    expect(page.locator("[data-rag=answer]:not([aria-busy])")).to_have_count(1)
    expect(page.locator("[data-rag=answer] [data-rag=citation]").first).to_be_visible()


def test_generative_answer_streams_piece_by_piece(
    page: Page, gen_server: str, fake_llm: FakeLLM
) -> None:
    # Text is released from the first valid marker on; the rest streams as it comes.
    pieces = ["Musk offered $97.4 billion [1]", " for", " a", " controlling", " stake", " [2]."]
    # A second between pieces (under the model timeout): the reply takes six seconds to send.
    fake_llm.stream(pieces, delay=1.0)
    page.goto(f"{gen_server}/")
    open_widget(page)
    record_answer_frames(page)
    ask(page, QUESTION)

    # The first piece shows while the model is still writing: streamed, not buffered whole.
    answer = page.locator("[data-rag=answer]")
    expect(answer).to_contain_text("Musk offered $97.4 billion")
    assert fake_llm.streams_finished == 0
    expect(page.locator("[data-rag=answer]:not([aria-busy])")).to_have_count(1)

    expected = service_answer(gen_server, [{"role": "user", "content": QUESTION}])
    assert expected["mode"] == "generative" and expected["answered"]
    expect(answer).to_contain_text(visible_text(expected["answer"]))
    expect(answer).to_contain_text("generative")
    frames = page.evaluate("window.answerFrames")
    growing = sorted({f["length"] for f in frames if f["busy"] and f["length"]})
    assert len(growing) >= 3, f"the answer did not grow piece by piece: {frames}"

    links = answer.locator("[data-rag=citation]")
    expect(links).to_have_count(len(expected["citations"]))
    for number, cited in enumerate(expected["citations"]):
        links.nth(number).click()
        expect(page.locator("[data-rag=source]")).to_contain_text(cited["title"])
        expect(page.locator("[data-rag=source] mark")).to_have_text(cited["text"])
        page.keyboard.press("Escape")


def test_stop_ends_a_streaming_answer_and_the_service_stops_too(
    page: Page, gen_server: str, fake_llm: FakeLLM
) -> None:
    fake_llm.stream(["Musk offered $97.4 billion [1]"] + [" and more"] * 40, delay=0.25)
    page.goto(f"{gen_server}/")
    open_widget(page)
    page.locator("[data-rag=question]").fill(QUESTION)
    page.locator("[data-rag=question]").press("Enter")
    answer = page.locator("[data-rag=answer]")
    expect(answer).to_contain_text("97.4 billion")
    expect(answer).to_have_attribute("aria-busy", "true")
    page.get_by_role("button", name="Stop the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Stopped")
    expect(answer).not_to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("button", name="Send question")).to_be_visible()
    expect(page.locator("[data-rag=question]")).to_have_value(QUESTION)
    fake_llm.wait_for_abandoned_stream(10)
    assert fake_llm.streams_abandoned == 1 and fake_llm.streams_finished == 0


def test_model_timeout_mid_stream_shows_the_error_event(
    page: Page, gen_server: str, gen_service: RagService, fake_llm: FakeLLM
) -> None:
    fake_llm.stall(gen_service.settings.llm_timeout + 1)
    page.goto(f"{gen_server}/")
    open_widget(page)
    page.locator("[data-rag=question]").fill(QUESTION)
    page.locator("[data-rag=question]").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("did not answer")
    expect(page.locator("[data-rag=answer]")).to_have_count(0)
    expect(page.locator("[data-rag=question]")).to_have_value(QUESTION)


def test_rate_limit_refusal_shows_the_services_message(
    page: Page, service: RagService, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = make_settings(tmp_path_factory.mktemp("limited"), rate_limit="1/minute")
    with serving(create_app(settings, service=service)) as limited:
        page.goto(f"{limited}/")
        open_widget(page)
        ask(page, "Who leads the Stargate project?")
        page.locator("[data-rag=question]").fill("How much will they invest?")
        page.locator("[data-rag=question]").press("Enter")
        expect(page.get_by_role("alert")).to_contain_text(re.compile(r"rate limit.*retry in \d+ s"))
        expect(page.locator("[data-rag=answer]")).to_have_count(1)


def test_a_question_the_articles_do_not_cover_looks_declined(page: Page, live_server: str) -> None:
    question = "What is the capital of France?"
    expected = service_answer(live_server, [{"role": "user", "content": question}])
    assert expected["answered"] is False
    page.goto(f"{live_server}/")
    open_widget(page)
    ask(page, question)
    answer = page.locator("[data-rag=answer]")
    expect(answer).to_contain_text("Not in the articles")
    expect(answer).to_contain_text(expected["answer"])
    expect(answer).to_have_class(re.compile(r"\bdeclined\b"))
    expect(answer.locator("[data-rag=citation]")).to_have_count(0)


def test_embedded_on_another_origin_with_its_own_styles(
    page: Page,
    screenshot: Callable[[str], Path],
    other_site: tuple[str, Path],
    cors_api: str,
    live_server: str,
) -> None:
    origin, folder = other_site
    hostile_css = (
        "<style>button { background: rgb(255, 0, 0) !important; font-family: serif; }"
        " * { color: rgb(0, 128, 0); } .panel { position: static; }</style>"
    )
    own = (
        '<h1>Another site</h1><button id="own" class="send">Own button</button>'
        '<div id="own-panel" class="panel">A panel of the page</div><mark id="own-mark">m</mark>'
    )
    allowed = write_page(folder, "embed.html", cors_api, own, hostile_css)
    page.goto(f"{origin}/{allowed}")

    expect(page.get_by_role("button", name="Chat: Ask the news")).to_be_visible()
    assert computed(page, ".toggle", "backgroundColor") == WIDGET_BLUE
    assert computed(page, ".toggle", "fontFamily").startswith("system-ui")
    open_widget(page)
    assert computed(page, ".panel", "position") == "fixed"
    assert computed(page, ".log", "color") == "rgb(17, 24, 39)"
    page_styles = page.evaluate(
        """() => ({
            button: getComputedStyle(document.getElementById("own")).backgroundColor,
            buttonWidth: getComputedStyle(document.getElementById("own")).width,
            panel: getComputedStyle(document.getElementById("own-panel")).position,
            mark: getComputedStyle(document.getElementById("own-mark")).backgroundColor,
            heading: getComputedStyle(document.querySelector("h1")).color,
        })"""
    )
    assert page_styles["button"] == "rgb(255, 0, 0)"
    assert page_styles["buttonWidth"] != "36px"
    assert page_styles["panel"] == "static"
    assert page_styles["mark"] != computed(page, ".root", "color")
    assert page_styles["mark"] != "rgb(253, 230, 138)"
    assert page_styles["heading"] == "rgb(0, 128, 0)"

    ask(page, "How many H100s does Colossus have?")
    answer = page.locator("[data-rag=answer]")
    expect(answer).to_contain_text("H100")
    expect(answer.locator("[data-rag=citation]").first).to_be_visible()
    screenshot("widget-embedded")

    # The same page against a service that does not allow this origin: the browser refuses.
    refused = write_page(folder, "not-allowed.html", live_server)
    page.goto(f"{origin}/{refused}")
    open_widget(page)
    page.locator("[data-rag=question]").fill("How many H100s does Colossus have?")
    page.locator("[data-rag=question]").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("can't be reached")


def test_keyboard_alone(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    expect(page.locator("#articles li")).to_have_count(5)
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page) == "toggle":
            break
    assert focused(page) == "toggle", "Tab never reached the chat button"
    toggle = page.get_by_role("button", name="Chat: Ask the news")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Ask the news")
    expect(dialog).to_be_visible()
    assert focused(page) == "question"
    expect(toggle).to_have_attribute("aria-expanded", "true")

    page.keyboard.type("Who did Musk meet")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("in 2012?")
    expect(page.get_by_label("Your question")).to_have_value("Who did Musk meet\nin 2012?")
    expect(page.locator("[data-rag=answer]")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(page.locator("[data-rag=answer]:not([aria-busy])")).to_have_count(1)
    expect(page.locator("[data-rag=answer]")).to_contain_text("Hassabis")
    assert focused(page) == "question"

    # Back from the question box lands on the answer's last source; Enter opens it.
    page.keyboard.press("Shift+Tab")
    assert focused(page) == "source-link"
    page.keyboard.press("Enter")
    expect(page.locator("[data-rag=source]")).to_be_visible()
    expect(page.locator("[data-rag=source]")).to_contain_text("2024")
    assert focused(page) == "icon-button back"
    page.keyboard.press("Escape")
    expect(page.locator("[data-rag=source]")).to_be_hidden()
    assert focused(page) == "source-link"

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert focused(page) == "toggle"
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_controls_are_labelled_and_text_has_readable_contrast(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    open_widget(page)
    expect(page.get_by_role("log", name="Conversation")).to_have_attribute("aria-live", "polite")
    expect(page.get_by_label("Your question")).to_have_attribute("data-rag", "question")
    expect(page.get_by_role("button", name="Send question")).to_be_visible()
    ask(page, "Who did Musk meet in 2012?")
    ask(page, "What is the capital of France?")
    page.route(
        f"{live_server}/v1/chat",
        lambda route: route.fulfill(status=429, json={"detail": "rate limit exceeded"}),
    )
    page.locator("[data-rag=question]").fill("And then?")
    page.locator("[data-rag=question]").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("rate limit exceeded")
    page.locator("[data-rag=answer] [data-rag=citation]").first.click()
    expect(page.locator("[data-rag=source]")).to_be_visible()

    # WCAG contrast of every visible text in the widget against its effective background.
    worst = page.evaluate(
        """host => {
            const rgba = (value) => {
                const [r, g, b, a = 1] = value.match(/[\\d.]+/g).map(Number);
                return {r, g, b, a};
            };
            const over = (top, under) => ({
                r: top.r * top.a + under.r * (1 - top.a),
                g: top.g * top.a + under.g * (1 - top.a),
                b: top.b * top.a + under.b * (1 - top.a), a: 1});
            const background = (node) => {
                const layers = [];
                for (let n = node; n instanceof Element; n = n.parentElement) {
                    const color = rgba(getComputedStyle(n).backgroundColor);
                    if (color.a > 0) layers.push(color);
                    if (color.a === 1) break;
                }
                return layers.reverse().reduce((under, top) => over(top, under),
                                               {r: 255, g: 255, b: 255, a: 1});
            };
            const luminance = ({r, g, b}) => {
                const [R, G, B] = [r, g, b].map((c) => {
                    c /= 255;
                    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
                });
                return 0.2126 * R + 0.7152 * G + 0.0722 * B;
            };
            const ratio = (a, b) => {
                const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
                return (hi + 0.05) / (lo + 0.05);
            };
            const root = document.querySelector(host).shadowRoot;
            const results = [];
            for (const node of root.querySelectorAll("*")) {
                const ownText = [...node.childNodes].some(
                    (c) => c.nodeType === Node.TEXT_NODE && c.textContent.trim());
                if (!ownText || !node.checkVisibility()) continue;
                const bg = background(node);
                const fg = over(rgba(getComputedStyle(node).color), bg);
                results.push({text: node.textContent.trim().slice(0, 40),
                              ratio: ratio(fg, bg)});
            }
            return results.sort((a, b) => a.ratio - b.ratio);
        }""",
        HOST,
    )
    assert len(worst) > 10
    assert worst[0]["ratio"] >= 4.5, worst[:3]
