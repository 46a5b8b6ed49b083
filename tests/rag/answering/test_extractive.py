"""The extractive answerer's choice of quotes, on passages written for it.

`MockEmbedding` gives every sentence and question the same vector, so meaning ties and the
choice rests on what the scorer adds to it: the fact asked for, the names and words shared.
Words are given a direction each (`distinct_words`): no two words are alike in meaning.
"""

import zlib
from dataclasses import replace

import numpy as np
import pytest

from rag.answering.extractive import ExtractiveAnswerer, PartEvidence
from rag.retrieval import RetrievedPassage
from rag.service import RagService
from tests.rag.answering.passages import EMBED, passage


def distinct_words(texts: list[str]) -> np.ndarray:
    vectors = np.zeros((len(texts), 4096), dtype=np.float32)
    vectors[np.arange(len(texts)), [zlib.crc32(text.encode()) % 4096 for text in texts]] = 1
    return vectors


ANSWERER = ExtractiveAnswerer(distinct_words)


FERRY = passage(
    "ferry",
    "Lisbon buys electric ferries",
    "The Lisbon council met on Monday to discuss the ferries. "
    "The council approved a budget of €40 million for new ferries. "
    "The Lisbon council approved the ferry plan after a long debate.",
    start=120,
)
BRIDGE = passage(
    "bridge",
    "A bridge for Porto",
    "Residents have long asked for a bridge. "
    "The mayor, Carla Mendes, said the bridge would open in 2027.",
)


def answer(question: str, *passages: RetrievedPassage) -> tuple[str, list]:
    """The answer from `passages`, or from the ferry and bridge stories."""
    return ANSWERER.answer(
        question, EMBED.get_query_embedding(question), list(passages) or [FERRY, BRIDGE]
    )


def test_the_sentence_holding_the_asked_fact_beats_one_sharing_more_words() -> None:
    text, citations = answer("How much did the Lisbon council approve for the ferry plan?")
    assert text == "The council approved a budget of €40 million for new ferries. [1]"
    (citation,) = citations
    assert (citation.article_id, citation.title) == ("ferry", "Lisbon buys electric ferries")
    # Offsets are the article's, not the passage's.
    article = " " * 120 + FERRY.node.node.text
    assert article[citation.start : citation.end] == citation.text


def test_each_kind_of_question_gets_the_sentence_with_its_kind_of_fact() -> None:
    assert answer("When will the bridge open?")[0].endswith("would open in 2027. [1]")
    assert answer("Who is the mayor of Porto?")[0].startswith("The mayor, Carla Mendes,")


def test_a_question_about_what_no_passage_names_is_declined() -> None:
    assert answer("How much did Tokyo Metro spend on ferries?") == ("", [])


def test_a_two_part_question_quotes_each_part_numbered_in_order() -> None:
    text, citations = answer(
        "When will the Porto bridge open, and how much did Lisbon approve for ferries?"
    )
    assert [c.article_id for c in citations] == ["bridge", "ferry"]
    assert [c.marker for c in citations] == [1, 2]
    assert text == " ".join(f"{c.text} [{c.marker}]" for c in citations)


def test_a_runner_up_must_share_a_word_with_the_question() -> None:
    """Meaning ties here (MockEmbedding) and the title names the ferry for every sentence, so
    only the question's own words tell a runner-up from a sentence that sits beside the
    answer."""
    kiosk = passage(
        "kiosk",
        "Harbour news: the Tern3 ferry",
        "The harbour authority launched the Tern3 in May. "
        "Fishing boats crowded the quay during the long summer festival.",
    )
    question = "What is Tern 3?"
    _, citations = ANSWERER.answer(question, EMBED.get_query_embedding(question), [kiosk])
    assert [c.text for c in citations] == ["The harbour authority launched the Tern3 in May."]


def test_a_count_from_one_story_does_not_answer_for_a_name_another_only_mentions() -> None:
    layoffs = passage(
        "layoffs",
        "A start-up cuts back",
        "The start-up is expected to lay off 2,400 employees this week as losses grow.",
    )
    retail = passage(
        "retail",
        "Retail stocks slide",
        "Shares of Lowe's slid on Tuesday after the report was published.",
    )
    question = "How many employees did Lowe's lay off?"
    assert ANSWERER.answer(question, EMBED.get_query_embedding(question), [layoffs, retail]) == (
        "",
        [],
    )
    # The same two sentences in one story: the count is that story's, and Lowe's is its subject.
    story = passage(
        "lowes",
        "Lowe's cuts jobs",
        "Shares of Lowe's slid on Tuesday after the report was published. "
        "The retailer is expected to lay off 2,400 employees this week as losses grow.",
    )
    text, _ = answer(question, story)
    assert "2,400 employees" in text


def test_a_relation_word_few_sentences_use_outweighs_one_most_use() -> None:
    """Meaning ties (MockEmbedding) and each sentence holds a place and shares one relation
    word: the one sharing 'professors', which only it uses, is quoted over one sharing
    'hostages', which every other sentence uses too."""
    story = passage(
        "hostages",
        "Hostages freed",
        "The hostages were held in Afghanistan for three years. "
        "The hostages were flown out of Zabul by helicopter. "
        "The hostages met their families in Germany on Friday. "
        "Both men were professors at the American University of Kabul before their capture.",
    )
    question = "Where did the freed hostages teach as professors?"
    text, _ = answer(question, story)
    assert text.startswith("Both men were professors at the American University of Kabul")


def test_an_article_answers_for_its_own_publisher() -> None:
    """'By PolitiFact's estimate' is answered by PolitiFact's article, which says 'we'."""
    estimate = passage(
        "fact-check", "What are the drugs worth?", "We put the value at $44 million a week."
    )
    estimate.node.node.metadata["publisher"] = "PolitiFact"
    question = "By PolitiFact's estimate, how much are the drugs worth each week?"
    text, _ = answer(question, estimate)
    assert text == "We put the value at $44 million a week. [1]"


def test_the_count_of_the_thing_asked_is_quoted_before_a_count_of_another() -> None:
    """The first sentence shares more of the question's words and counts players; the
    second counts the very tickets asked about."""
    story = passage(
        "tickets",
        "A club sells out",
        "The club sold its members seats for the final within two days, after three players "
        "were injured. A statement said 40,000 tickets were gone by Friday.",
    )
    text, _ = answer("How many tickets did the club sell to its members for the final?", story)
    assert text.startswith("A statement said 40,000 tickets were gone by Friday.")


def test_a_city_is_quoted_over_the_country_it_lies_in() -> None:
    story = passage(
        "tour",
        "A band on tour",
        "The band played its first concert of the tour after flying to France on Monday. "
        "Fans filled the hall in Lyon, the singer's home city.",
    )
    text, _ = answer("In which city did the band play its first concert?", story)
    assert text.startswith("Fans filled the hall in Lyon")
    # A country alone does not say which city.
    country = passage("tour", "A band on tour", "The band played its first concert in France.")
    assert answer("In which city did the band play its first concert?", country)[0] == ""


def test_a_part_the_passages_do_not_state_is_searched_alone() -> None:
    """The ferry passage answers the first part; the second is searched for on its own only
    because no passage given states it, and what that search finds is quoted."""
    searched = []

    def find_part(part: str) -> PartEvidence:
        searched.append(part)
        return PartEvidence(EMBED.get_query_embedding(part), [BRIDGE])

    question = "How much did the Lisbon council approve, and when will the Porto bridge open?"
    vector = EMBED.get_query_embedding(question)
    text, citations = ANSWERER.answer(question, vector, [FERRY], find_part)
    assert searched == ["when will the Porto bridge open?"]
    assert [c.article_id for c in citations] == ["ferry", "bridge"]
    assert "€40 million" in text and "open in 2027" in text
    # Both parts stated by the passages given: nothing more is searched.
    searched.clear()
    ANSWERER.answer(question, vector, [FERRY, BRIDGE], find_part)
    assert searched == []


def test_a_full_fact_goes_first_only_where_a_partial_one_is_of_another_thing() -> None:
    """A weekday is a fuller time than a year, but the year here is the one asked about: only a
    count of something else, or a country for a city, gives way to a later unit."""
    story = passage(
        "factory",
        "A town after its factory",
        "The factory closed in 2019 after decades of losses. "
        "Workers said on Tuesday that the factory closure still hurts the town.",
    )
    question = "When did the factory close?"
    text, _ = answer(question, story)
    assert text.startswith("The factory closed in 2019")


def test_a_part_that_leans_on_the_first_is_answered_from_the_first_parts_story() -> None:
    """'How much did it cost?' after 'Which group bought the stadium' is about the stadium:
    the museum's cost in another story does not answer it."""
    stadium = passage(
        "stadium",
        "A group buys the stadium",
        "An investment group led by Carlos Mendes has bought the stadium after months of talks.",
    )
    museum = passage("museum", "A new museum", "The museum cost 210 million euros to build.")
    question = "Which group bought the stadium, and how much did it cost?"
    _, citations = answer(question, stadium, museum)
    assert [c.article_id for c in citations] == ["stadium"]


def test_a_part_that_leans_on_an_unanswered_first_part_is_not_answered() -> None:
    museum = passage("museum", "A new museum", "The museum cost 210 million euros to build.")
    question = "Who bought the stadium, and how much did it cost?"
    assert answer(question, museum) == ("", [])


def test_two_sentences_that_state_the_answer_only_together_are_quoted_together() -> None:
    # The best-ranked sentences name the mayor and the city but not what she is good for; the
    # sentence that says it names no one, right after one that names them.
    interview = passage(
        "interview",
        "A mayor's budget",
        "According to Carla Mendes of Porto, the budget for Porto is fixed. "
        "Asked about the budget again, Carla Mendes of Porto smiled at the reporters. "
        "“Look, all I know is, I am good for my €40 million,” she said, laughing.",
    )
    # Far in meaning from the question: only words can tie a sentence to what is asked.
    interview = replace(interview, sentence_vectors=np.zeros_like(interview.sentence_vectors))
    question = "What is Porto good for, according to Carla Mendes?"
    _, citations = answer(question, interview)
    assert [c.text for c in citations] == [
        "Asked about the budget again, Carla Mendes of Porto smiled at the reporters.",
        "“Look, all I know is, I am good for my €40 million,” she said, laughing.",
    ]
    # The sentence before must name what the other does not: it is no stand-in for the fact.
    text, _ = answer("What is Lisbon good for, according to Carla Mendes?", interview)
    assert text == ""


def test_the_relation_asked_is_in_the_quote_not_only_in_its_title() -> None:
    # The title names the chief executive; the sentence with a year says nothing of the post.
    profile = passage(
        "profile",
        "Chief executive Tim Cook at a conference",
        "Cook has loved the company since 1984, when he first used one of its computers.",
    )
    profile = replace(profile, sentence_vectors=np.zeros_like(profile.sentence_vectors))
    question = "In what year did Tim Cook become chief executive?"
    assert answer(question, profile)[0] == ""
    named = passage(
        "profile",
        "Tim Cook at a conference",
        "Cook became chief executive in 2011, when he took over from the founder.",
    )
    named = replace(named, sentence_vectors=np.zeros_like(named.sentence_vectors))
    assert answer(question, named)[0].startswith("Cook became chief executive in 2011")


def test_a_figure_asked_of_a_person_is_in_a_sentence_that_names_them() -> None:
    game = passage(
        "game",
        "Northern Illinois beats Eastern Michigan",
        "Glass was 20-of-24 passing for 235 yards. "
        "Huskies quarterback Marcus Childers was intercepted three times.",
    )
    game = replace(game, sentence_vectors=np.zeros_like(game.sentence_vectors))
    # The yards are Glass's; the sentence naming Childers holds no yards.
    assert answer("How many passing yards did Marcus Childers have?", game)[0] == ""
    # Named by any word of their name: East Asian names put the surname first.
    office = passage("moon", "Moon Jae-in", "Moon took office in 2017 after a snap election.")
    office = replace(office, sentence_vectors=np.zeros_like(office.sentence_vectors))
    assert answer("In what year did Moon Jae-in take office?", office)[0].startswith("Moon took")
    figures = passage(
        "game",
        "Northern Illinois beats Eastern Michigan",
        "Marcus Childers was 20-of-24 passing for 235 yards. He was intercepted once.",
    )
    figures = replace(figures, sentence_vectors=np.zeros_like(figures.sentence_vectors))
    text, _ = answer("How many passing yards did Marcus Childers have?", figures)
    assert text.startswith("Marcus Childers was 20-of-24 passing for 235 yards")


def test_a_pronoun_is_quoted_back_to_its_subject_past_the_quoted_words_between() -> None:
    # 'He said...' names no one, nor do the quoted words before it; the sentence before them
    # names the speaker and his company.
    interview = passage(
        "landers",
        "Moon landers",
        "Carla Mendes, chief executive of Lunaris, said the award was a sign of trust. "
        "“Space needs an entire ecosystem of companies,” she said. "
        "“Small players add agility to the mix.” "
        "She said the company's lander should be ready for missions in 2023.",
    )
    _, citations = answer("When will the Lunaris lander be ready for missions?", interview)
    assert len(citations) == 1
    assert citations[0].text.startswith("Carla Mendes, chief executive of Lunaris")
    assert citations[0].text.endswith("ready for missions in 2023.")


def test_quoted_words_are_quoted_on_to_where_their_speaker_is_named() -> None:
    # The words that answer name no one; the quotation closes two sentences on, with whose
    # words they were.
    verdict = passage(
        "verdict",
        "Kidnapper sentenced",
        "“We believe that justice has been served. "
        "And we agree with the decision to sentence him to life. "
        "This family can rest now,” said U.S. Attorney Dana Reyes. "
        "The trial lasted two days.",
    )
    _, citations = answer("Which attorney welcomed the life sentence?", verdict)
    assert len(citations) == 1
    assert "sentence him to life" in citations[0].text
    assert citations[0].text.endswith("said U.S. Attorney Dana Reyes.")


def test_a_sentence_that_leads_into_a_heading_stands_alone() -> None:
    preview = passage(
        "debate",
        "Debate preview",
        "Seven big questions heading into the debate, to be carried on MSNBC:\n"
        "WHO IS THE FRONT-RUNNER?\n"
        "Polling across the early states has created a murky picture of the top tier.",
    )
    _, citations = answer("Which network is carrying the debate?", preview)
    assert [c.text for c in citations] == [
        "Seven big questions heading into the debate, to be carried on MSNBC:"
    ]


def test_a_pronoun_is_quoted_back_through_a_quotation_to_its_named_speaker() -> None:
    # 'He said...' leans on the quotation before it, which names places but not whose words
    # they are; the sentence that opened the quotation names him.
    deportee = passage(
        "deportees",
        "Deportees return home",
        "“This was the fourth time I have been deported,” said Arjun Mehta, 24, of Bhatinda. "
        "“I boarded a flight on May 15 and reached Mexico via Moscow and Paris. "
        "From there, I tried to enter California but was caught,” he said. "
        "He said he has spent Rs 24 lakh in the four attempts.",
    )
    _, citations = answer("How much did Arjun Mehta spend on his four attempts?", deportee)
    assert len(citations) == 1
    assert citations[0].text.startswith("“This was the fourth time")
    assert citations[0].text.endswith("Rs 24 lakh in the four attempts.")


def test_a_quotation_mark_left_open_inside_a_sentence_opens_no_quotation() -> None:
    report = passage(
        "report",
        "A report",
        "Officials called the report “misleading. "
        "Carla Mendes runs the firm. "
        "She said the drop in sales was temporary.",
    )
    _, citations = answer("What did Carla Mendes say about the drop in sales?", report)
    assert [c.text for c in citations] == [
        "Carla Mendes runs the firm. She said the drop in sales was temporary."
    ]


def test_people_are_counted_by_any_noun_for_a_person_and_nothing_else_by_another_noun() -> None:
    crash = passage(
        "crash",
        "A bus crash",
        "The bus left the road at night. The crash killed 12 passengers and 3 dogs.",
    )
    text, _ = answer("How many people were killed in the crash?", crash)
    assert text == "The crash killed 12 passengers and 3 dogs. [1]"
    fire = passage("fire", "A fire", "Firefighters arrived late. There were 40 deaths in the fire.")
    assert answer("How many people died in the fire?", fire)[0].startswith("There were 40")
    # Without a word alike in meaning, a count of passengers counts no cars.
    assert answer("How many cars were destroyed in the crash?", crash) == ("", [])


@pytest.mark.slow
@pytest.mark.integration
def test_a_count_in_other_words_answers_and_a_count_of_another_thing_does_not(
    service: RagService,
) -> None:
    """Nouns are weighed by the real embedding model: 'males' counts men, 'refugees' no
    troops."""
    answerer = ExtractiveAnswerer(service.embed_model.embed)
    cell = passage(
        "cell",
        "Crowded cells",
        "Inspectors visited the facility. A cell meant for 35 held 155 adult males.",
    )
    camps = passage(
        "camps",
        "Jordan's camps",
        "Jordan has admitted more than 1.4 million Syrian refugees. "
        "US troops are stationed at a base near the border.",
    )

    def answer_from(question: str, found: RetrievedPassage) -> str:
        return answerer.answer(question, EMBED.get_query_embedding(question), [found])[0]

    assert answer_from("How many men were held in the cell?", cell).startswith("A cell meant")
    assert answer_from("How many US troops are stationed in Jordan?", camps) == ""
    # Close, but not the same people: teachers are no students.
    school = passage(
        "school",
        "A school roof collapses",
        "The roof of the school fell in on Monday. Twelve teachers were hurt.",
    )
    assert answer_from("How many students were hurt?", school) == ""
