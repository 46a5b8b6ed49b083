"""How extractive answers read questions and choose quotes: word forms, names, kinds of fact,
and the documentation's own example questions asked of the real service."""

from dataclasses import replace

import pytest

from rag.answering.question import AnswerType, answer_type, counted
from rag.answering.support import (
    attributes_speech,
    counted_nouns,
    fact_strength,
    holds_fact,
    missing_names,
    names_others,
    need,
    question_parts,
    searched_parts,
    shares_relation,
)
from rag.index.lexical import _query_stems
from rag.service import RagService
from rag.text import content_stems, leans_back, quotable, sentence_spans


@pytest.mark.parametrize(("one", "other"), [("leads", "led"), ("runs", "ran"), ("paid", "pays")])
def test_irregular_forms_of_a_word_compare_equal(one: str, other: str) -> None:
    assert content_stems(one) == content_stems(other)


def test_a_noun_for_a_doer_meets_its_verb() -> None:
    assert shares_relation(need("Who founded OpenAI?"), "OpenAI's founders met in 2015.")
    assert shares_relation(need("Who are Stargate's partners?"), "A partnership formed it.")
    assert shares_relation(need("Which state did he govern?"), "The former governor spoke.")
    # 'former' and 'later' are no doers of 'form' and 'late'.
    assert not shares_relation(need("When was the band formed?"), "A former member spoke.")
    # Only a noun known to name a doer: 'users' are no 'use'.
    assert not shares_relation(need("What did Apple use the money for?"), "Its users liked it.")


def test_how_old_asks_an_age_without_asking_for_the_word_old() -> None:
    asked = need("How old is James Van Der Beek?")
    assert asked.relation == frozenset()
    assert shares_relation(asked, "The former star, 42, was voted off on Monday.")
    assert need("How long did the match last?").relation == {"match"}


def test_a_hyphenated_name_is_carried_by_its_first_part_unless_that_is_a_letter() -> None:
    assert need("What did the Musk-led group offer?").names == ("Musk",)
    assert need("Who is taking over T-Mobile from John Legere?").names == (
        "John Legere",
        "T-Mobile",
    )


def test_a_kind_of_thing_in_capitals_is_no_name_to_carry() -> None:
    asked = need("Who is the CEO of OpenAI?")
    assert (asked.names, asked.relation) == (("OpenAI",), {"ceo"})
    assert shares_relation(asked, "Sam Altman, chief executive officer of OpenAI, spoke.")
    assert need("Which TV series made him famous?").names == ()
    # Speaking is asked like saying: where someone spoke is the question, not the word.
    assert need("Where did Tim Cook speak with Marc Benioff?").relation == frozenset()
    # 'The chief executive' is not 'executives of both companies'.
    assert not shares_relation(asked, "Executives of both companies announced it on Monday.")


def test_a_role_under_another_is_not_that_role() -> None:
    asked = need("Who is NASA's administrator?")
    assert not shares_relation(asked, "Steve Clarke, deputy associate administrator, spoke.")
    assert shares_relation(asked, "NASA Administrator Jim Bridenstine said so.")
    assert not shares_relation(need("Who is the president of Ghana?"), "Its vice-president spoke.")
    assert shares_relation(need("Who is Ghana's vice president?"), "Vice President Bawumia spoke.")


def test_a_role_of_another_team_or_company_is_not_the_role_asked_about() -> None:
    sabres = need("Who is the Sabres' head coach?")
    assert not shares_relation(sabres, "Before the game, Wild coach Bruce Boudreau was calm.")
    assert shares_relation(sabres, "Before the game, Sabres coach Ralph Krueger was calm.")
    spacex = need("Who is the CEO of SpaceX?")
    assert not shares_relation(spacex, "He met Tesla CEO Elon Musk on Monday.")
    # A capitalised word before a role may say which role it is, not whose.
    # Nor is a nationality, a country's code or a day, and a question naming no one asks of
    # no one's role in particular.
    france = need("Who is the president of France?")
    assert shares_relation(france, "On Monday, French President Emmanuel Macron met them.")
    anyone = need("Who is the president?")
    assert shares_relation(anyone, "On Monday, U.S. President Joe Biden signed the bill.")
    acme = need("Who is the president of Acme?")
    assert shares_relation(acme, "The firm said Tuesday President John Smith would retire.")
    minister = need("Which Austrian minister spoke about the house?")
    assert shares_relation(minister, "The house will change, Interior Minister Peschorn said.")
    attorney = need("Which US attorney welcomed the sentence?")
    assert shares_relation(attorney, "It was fair, said U.S. Attorney Nealy Cox.")


def test_places_events_and_bodies_are_no_person() -> None:
    asked = need("Who is the captain of the team?")
    assert fact_strength(asked, "The Davis Cup Finals is played in World Cup-style.") == 0
    assert fact_strength(asked, "Two United States service members were killed.") == 0
    assert fact_strength(asked, "The White House said it would not comment.") == 0
    assert fact_strength(asked, "The team is led by Larry Page and Tim Cook.") == 1
    # A surname before a saying verb is still someone.
    speaker = need("Who said the economy was slowing?")
    assert fact_strength(speaker, "In a speech on Tuesday, Powell said the economy was slowing.")


def test_bm25_also_searches_a_question_words_other_forms() -> None:
    stems = _query_stems("Who leads the Stargate project?")
    assert {"lead", "led"} <= set(stems)
    # Stop words bring no forms of their own ('did' would bring 'done').
    assert "done" not in _query_stems("What did they do?")


def test_a_name_with_a_model_number_is_one_name_written_either_way() -> None:
    asked = need("What is Grok 2?")
    assert asked.names == ("Grok 2",)
    assert not missing_names(asked, "xAI released the chatbot “Grok2,” in August.")
    assert missing_names(asked, "xAI released the chatbot Grok in August.")


def test_a_surname_ending_like_a_nationality_is_still_a_name() -> None:
    assert need("What did Altman warn Musk against?").names == ("Altman", "Musk")
    assert need("Which Swedish prosecutor dropped the case?").names == ()


def test_initials_stand_for_the_name() -> None:
    asked = need("How much is Microsoft spending in the United States?")
    assert not missing_names(asked, "Microsoft is spending $50 billion in the U.S.")
    assert missing_names(asked, "Microsoft is spending $50 billion in Europe.")


def test_a_figure_the_question_gives_is_not_required_in_the_quote() -> None:
    asked = need("Nadella's $80 billion refers to investment in which Microsoft service?")
    assert asked.names == ("Microsoft",)


def test_how_many_x_is_answered_by_a_count_of_x() -> None:
    asked = need("Over how many years is the money meant to be invested?")
    counted = fact_strength(asked, "The funds are to be spent over the next four years.")
    other = fact_strength(asked, "Its partners numbered 10.")
    assert counted == 1.0 and 0 < other < counted
    # What is counted is read up to the next number: '350 Fifth Avenue has 102 floors'.
    floors = need("How many floors does the building have?")
    assert fact_strength(floors, "The building at 350 Fifth Avenue has 102 floors.") == 1


def test_money_and_days_of_the_month_count_nothing_while_compounds_and_ordinals_may() -> None:
    # A sum of money counts nothing: '$6.99 a month' is no number of subscribers.
    years = need("Over how many years is the money meant to be invested?")
    assert fact_strength(years, "It is a $500 billion AI development investment.") == 0
    paying = need("How many paying subscribers did Disney+ have?")
    assert paying.counted == "subscrib"
    assert fact_strength(paying, "The $6.99-a-month service is stocked with films.") == 0
    # An ordinal before 'time' counts times; 'the first votes' count no votes.
    deported = need("How many times has he been deported?")
    assert fact_strength(deported, "“This was the fourth time I have been deported,” he said.") == 1
    votes = need("How many votes did he receive?")
    assert fact_strength(votes, "With the first votes 100 days away, he campaigned.") == 0
    # 'Thirteen' is a count; the day of a month is no amount.
    finishes = need("How many colour finishes will Audi offer?")
    assert fact_strength(finishes, "Audi will offer the car in thirteen different finishes.") == 1
    testimony = need("How long did the testimony last?")
    assert fact_strength(testimony, "He spoke about the call on July 25 to the committee.") == 0
    # A number written with a hyphen is still a number.
    killed = need("How many people were killed in the blast?")
    assert fact_strength(killed, "At least twenty-one were killed.") > 0
    # A count may be written as a compound, and a compound is no count of another thing.
    games = need("How many games did the Steelers win in a row?")
    assert fact_strength(games, "Their four-game winning streak came to an end.") == 1
    votes = need("How many votes did the resolution receive?")
    assert fact_strength(votes, "Settlements are an obstacle to a two-state solution.") == 0


def test_a_title_before_the_name_does_not_make_it_the_person_asked_about() -> None:
    asked = need("Which Austrian minister said the building must change?")
    assert fact_strength(asked, "It must change, Interior Minister Wolfgang Peschorn said.") == 1
    assert fact_strength(need("Who is Sam Altman?"), "Sam Altman runs it.") == 0


def test_a_name_after_its_role_answers_which_investor() -> None:
    asked = need("Which investor's data centers has Anthropic relied on?")
    assert fact_strength(asked, "Anthropic used data centers from its investor, Amazon.") == 1
    assert fact_strength(asked, "Anthropic used data centers from its investors, and more.") == 0


def test_a_sentence_naming_a_thing_of_its_own_is_told_apart() -> None:
    # Paired with the sentence before it only if it names nothing the question does not.
    asked = need("What is Porto good for, according to Carla Mendes?")
    assert names_others(asked, "“Lisbon is good for €90 million,” a council aide said.")
    assert not names_others(asked, "“Look, I'm good for €40 million,” Mendes said on Monday.")
    assert names_others(asked, "O'Brien said it was good for €90 million.")
    assert not names_others(asked, "Thirty-two grams of it were found, although no more.")
    # A name is matched to the question's words whole: 'Oman' is not in 'woman'.
    assert names_others(need("What did the woman say?"), "Oman said no.")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which Australian hostage did the Taliban free?", AnswerType.person),
        ("Which judge sentenced him?", AnswerType.person),
        ("Which attorney general sued?", AnswerType.person),
        # A team or a country may be an opponent or a host.
        ("Which opponent must the Steelers focus on?", AnswerType.other),
        ("Which country hosts the summit?", AnswerType.place),
        # A score or a figure is an amount; a building is a place.
        ("What score did the judges give his final dance?", AnswerType.amount),
        ("What figure did Nadella say Microsoft is good for?", AnswerType.amount),
        ("At which hotel did he keep the girl?", AnswerType.place),
        ("In which hospital was she treated?", AnswerType.place),
        # Only as the head of what is asked: a noun before another noun qualifies it, a verb
        # before it asks something else.
        ("Which refugee camp burned down?", AnswerType.other),
        ("What hospital policy changed?", AnswerType.other),
        ("What happened to victims of the flood?", AnswerType.other),
        ("What kind of officer was he?", AnswerType.other),
        ("What figure skater won gold?", AnswerType.other),
        # Plurals, irregular ones too, a verb's base form after them, a longer gap.
        ("Which lawmakers oppose the bill?", AnswerType.person),
        ("Which witnesses testified?", AnswerType.person),
        ("Which of the two players scored?", AnswerType.person),
        ("How high is Mount Everest?", AnswerType.amount),
        # A name is a person's only where it is a person's.
        ("What is the name of the stabbing victim?", AnswerType.person),
        ("What were the names of the two service members killed?", AnswerType.person),
        ("What is her name?", AnswerType.person),
        ("What is the name of the ship?", AnswerType.other),
        # An amount asked for by its noun after 'what is/was the'.
        ("What was the score of the game against Northwestern?", AnswerType.amount),
        ("What is the population of Texas?", AnswerType.amount),
        ("What was the film's budget?", AnswerType.amount),
        ("What horsepower does the new engine produce?", AnswerType.amount),
        ("What is the mileage of the new sedan?", AnswerType.amount),
        ("In what capacity did she work for the campaign?", AnswerType.other),
    ],
)
def test_a_noun_after_which_asks_for_its_kind_of_answer(question: str, kind: AnswerType) -> None:
    assert answer_type(question) is kind


def test_a_day_or_a_nationality_after_said_names_no_one() -> None:
    asked = need("Who freed the hostages?")
    assert fact_strength(asked, "The company said Tuesday that they were freed.") == 0
    assert fact_strength(asked, "Officials said American forces freed them.") == 0
    assert fact_strength(asked, "They were freed in the night, said Morrison.") > 0
    # A surname that ends like a nationality is still a person; a day after a role is not.
    assert fact_strength(asked, "They were freed with money from Michael Jordan.") == 1
    assert fact_strength(asked, "Police identified the hostages Saturday.") == 0
    # A nationality before a noun or after an article is no name either.
    assert fact_strength(asked, "Several Israeli officials said they were freed.") == 0
    assert fact_strength(asked, "Then the Palestinian said they were freed.") == 0


def test_an_opening_clause_does_not_decide_the_kind_of_answer() -> None:
    question = "When asked how to spend a billion dollars, what did the tool recommend?"
    assert answer_type(question) is AnswerType.other
    assert answer_type("When did Musk leave OpenAI?") is AnswerType.time
    assert answer_type("Why did Musk leave OpenAI?") is AnswerType.reason


def test_a_stated_cause_answers_why_better_than_a_sequence() -> None:
    asked = need("Why did Musk leave OpenAI?")
    cause = "The board opposed a merger with Tesla, and Musk ended up leaving OpenAI."
    sequence = "After Musk left, OpenAI became a for-profit company."
    assert fact_strength(asked, cause) > fact_strength(asked, sequence) > 0


def test_a_name_ending_in_an_exclamation_mark_ends_no_sentence() -> None:
    text = (
        "He is unhappy, according to a report by E! News. Welcome to Wimbledon! The crowd cheered."
    )
    assert [text[start:end] for start, end in sentence_spans(text)] == [
        "He is unhappy, according to a report by E! News.",
        "Welcome to Wimbledon!",
        "The crowd cheered.",
    ]


def test_english_words_that_open_with_no_first_name_name_no_person() -> None:
    asked = need("Who is the spokesperson who said the program is not feasible?")
    for text in (
        "The offer went to Homeland Security, which did not accept it.",
        "The charity runs No Lean Season, which is not feasible.",
    ):
        assert fact_strength(asked, text) == 0, text
    # Both of whose words are English, but that opens with a first name or a title; and a
    # lone surname that is an English word.
    for text in (
        "Bill Gates said it is not feasible.",
        "President Trump said it is not feasible.",
        "Rabbi Sacks said it is not feasible.",
    ):
        assert fact_strength(asked, text) == 1, text
    assert fact_strength(asked, "It is not feasible, Price said.") > 0


def test_a_reason_marked_only_by_what_came_before_speaks_of_the_event_asked() -> None:
    asked = need("Why was Webb tried in federal court rather than by the state?")
    before = "Following a two-day trial, a federal jury convicted Webb."
    assert not shares_relation(asked, before)
    assert shares_relation(asked, "Webb was tried in federal court because he crossed a border.")
    assert shares_relation(asked, "Webb was tried in federal court after the state dropped it.")


def test_whom_something_was_told_to_is_not_who_told_it() -> None:
    asked = need("What was the name of the doctor who tried to save the protester?")
    assert fact_strength(asked, "A doctor told Ruptly that he tried to save him.") == 0
    assert fact_strength(asked, "He tried to save him, said Mendes, a doctor.") > 0


def test_words_that_say_who_a_name_is_are_not_what_is_asked_of_it() -> None:
    asked = need("Where did drug-trade scholar Bruce Bagley earn his doctorate?")
    assert asked.relation == content_stems("earn doctorate")
    workplace = "Bruce Bagley, a professor of the drug trade at the University of Miami, said so."
    assert not shares_relation(asked, workplace)
    assert need("How many goals did striker Harry Kane score?").relation == content_stems(
        "goals score"
    )
    # A verb before a name is what is asked.
    assert "hire" in need("When did Apple hire Tim Cook?").relation


def test_what_year_is_answered_by_a_year() -> None:
    asked = need("In what year did Tim Cook become Apple's chief executive?")
    assert fact_strength(asked, "CEO Tim Cook said Tuesday that it would.") == 0
    assert fact_strength(asked, "Cook became chief executive in August 2011.") == 1
    assert 0 < fact_strength(asked, "Cook became chief executive two years ago.") < 1


def test_a_title_abbreviated_before_a_name_ends_no_sentence() -> None:
    text = (
        "Democrats beat incumbent Gov. Matt Bevin. Lt. Gov. Dan Patrick agreed. Sgt. Ann Lee ran."
    )
    assert [text[start:end] for start, end in sentence_spans(text)] == [
        "Democrats beat incumbent Gov. Matt Bevin.",
        "Lt. Gov. Dan Patrick agreed.",
        "Sgt. Ann Lee ran.",
    ]
    # Those that often end a sentence still do.
    road = "It closed on Mill Rd. Police said so."
    assert [road[start:end] for start, end in sentence_spans(road)] == [
        "It closed on Mill Rd.",
        "Police said so.",
    ]


def test_how_many_times_more_asks_a_multiple() -> None:
    asked = need("How many times more cost-effective than cash transfers is the grant?")
    assert not asked.money and asked.counted is None
    assert fact_strength(asked, "The grant is about ~9x as cost-effective as cash.") == 1
    assert fact_strength(asked, "It is 10-fold as cost-effective.") > 0
    # 'How many times over the past year...?' and '...faster than...?' are not the same.
    assert need("How many times over the past year did the Fed raise rates?").counted == "time"
    assert need("How many times faster than sound is it?").counted is None
    # How often is still a count of times.
    deported = need("How many times has Singh been deported?")
    assert fact_strength(deported, "This was the fourth time I have been deported.") == 1


def test_a_pronoun_after_an_opening_phrase_needs_the_sentence_before() -> None:
    assert leans_back("In November last year, he mocked Musk on X.")
    assert not leans_back("Musk said he would build it.")
    assert not leans_back("Altman, the chief executive, said so.")
    # Where the sentence before comes from is told after it, whatever it names.
    assert leans_back("That's according to a new survey from Piper Jaffray.")
    assert leans_back("That cranks out 300 kW, lasting for eight seconds.")
    assert not leans_back("That movie was a hit for Paramount.")
    # An organisation that speaks after a long opening phrase is named before it.
    statement = "In a statement released November 5, the day bids were due, it said it had bid."
    assert leans_back(statement)
    assert not leans_back("In 2019, it grew by 5% to $3 billion in sales at Boeing.")


def test_a_key_point_list_item_is_quotable_a_short_one_is_not() -> None:
    assert quotable("- Pending a $1 billion order from Musk's X for AI servers")
    assert not quotable("- Technology news and more")
    assert not quotable("Pending a $1 billion order from Musk's X for AI servers")


# The example questions of README.md, docs/*.md and docs/quickstart.ipynb, each with a phrase
# only a right answer quotes.
EXAMPLES = [
    ("How much did Musk offer for OpenAI?", "97.4 billion"),
    ("Who leads the Stargate project?", "Altman led the announcement"),
    ("What is Colossus?", "supercomputer"),
    ("How many H100s does Colossus have?", "100,000"),
    ("What is Grok 2?", "Grok2"),
    ("How much will the Stargate project invest?", "$100 billion"),
    ("Why did Musk leave OpenAI?", "opposed a merger with Tesla"),
    ("And what did Altman reply?", "he mocked Musk"),
    # docs/api.md: the standalone form of the follow-up 'And who are its partners?'
    ("And who are its partners? (Stargate)", "Oracle Chairman Larry Ellison"),
]


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize(("question", "phrase"), EXAMPLES)
def test_documented_example_questions_are_answered(
    service: RagService, question: str, phrase: str
) -> None:
    answer = service.ask(question)
    assert answer.answered
    assert phrase in answer.answer.split("[2]")[0]  # in the first quote


@pytest.mark.slow
@pytest.mark.integration
def test_documented_question_the_articles_do_not_answer_is_declined(service: RagService) -> None:
    assert not service.ask("What did Angela Merkel say about xAI?").answered


def texts(question: str) -> list[str]:
    return [part.text for part in question_parts(question)]


def test_a_question_word_sharing_the_rest_of_the_question_is_not_a_second_question() -> None:
    shared = "In what kind of court, and in which state, was the hearing scheduled?"
    assert texts(shared) == [shared]
    two = "Which firm led the talks, and how much did Musk offer?"
    assert texts(two) == ["Which firm led the talks", "how much did Musk offer?"]


def test_a_part_that_leans_on_the_first_is_asked_about_what_the_first_names() -> None:
    founded, when = question_parts("Who founded OpenAI, and when?")
    assert founded.asked == need("Who founded OpenAI") and not founded.leans
    assert when.leans and (when.asked.kind, when.asked.names, when.asked.relation) == (
        AnswerType.time,
        ("OpenAI",),
        content_stems("founded"),
    )
    # The part's own words say what it asks, whatever opens the first part.
    _, why = question_parts("After the vote, how much did the shares fall, and why?")
    assert why.asked.kind is AnswerType.reason
    _, when = question_parts("In Paris, who was arrested, and when?")
    assert (when.asked.kind, when.asked.names) == (AnswerType.time, ("Paris",))
    _, invest = question_parts("Who leads Stargate, and how much will it invest?")
    assert invest.leans and invest.asked.names == ("Stargate",)
    assert invest.asked.kind is AnswerType.amount
    # A part that names something of its own keeps to it, even with a pronoun in it.
    _, own = question_parts("How much did Musk give DeepMind, and how much did he give OpenAI?")
    assert not own.leans and own.asked == need("how much did he give OpenAI?")


def test_only_the_first_few_parts_that_name_something_are_searched_alone() -> None:
    many = ", and ".join(f"who founded Firm{n}" for n in range(8)) + "?"
    assert [p.text for p in searched_parts(question_parts(many))] == texts(many)[:3]
    nameless = question_parts("Who bought the ground, and how much did it cost?")
    assert searched_parts(nameless) == [] and nameless[1].asked.names == ()
    assert searched_parts(question_parts("Who founded OpenAI?")) == []


def test_a_follow_ups_and_does_not_hide_its_question_word() -> None:
    assert answer_type("And who are its partners? (Stargate)") is AnswerType.person
    assert answer_type("And how much will they invest?") is AnswerType.amount


def test_a_name_and_its_number_match_written_together_or_apart() -> None:
    assert content_stems("Grok2") <= content_stems("What is Grok 2?")
    assert content_stems("the iPhone 15") & content_stems("iPhone15 sales")


def test_what_something_cost_is_answered_by_money_not_by_another_figure() -> None:
    asked = need("How much did it cost to run the simulation on the supercomputer?")
    assert fact_strength(asked, "It used 16,000 cores and modelled 230 million light-years.") == 0
    assert fact_strength(asked, "The run cost €1.2 million in electricity.") == 1
    assert fact_strength(asked, "The run cost 1.2 million euros in electricity.") == 1
    assert answer_type("What will the site cost per megawatt?") is AnswerType.amount
    assert answer_type("What did critics say about the cost?") is AnswerType.statement
    # 'How many years' counts years even when the question speaks of money; a share is no sum.
    assert not need("Over how many years will the money be invested?").money
    assert not need("What percentage of its revenue does it pay in tax?").money
    # Pounds of weight and a year before 'won' are no money.
    assert fact_strength(asked, "Agents seized 1,500 pounds in 2019 won praise.") == 0
    assert fact_strength(asked, "The run cost 40 million won.") == 1
    # A figure the question gives is not the answer; a larger one that starts alike is.
    pledge = need("Beyond its $1 billion pledge, how much did Microsoft invest in OpenAI?")
    assert fact_strength(pledge, "Microsoft invested $13 billion in OpenAI.") == 1


def test_the_money_noun_a_question_names_asks_for_an_amount_of_money() -> None:
    asked = need("What is the budget of the new city museum?")
    assert asked.kind is AnswerType.amount and asked.money
    assert fact_strength(asked, "The museum will show 120 paintings on four floors.") == 0
    assert fact_strength(asked, "The museum has a budget of $190 million.") == 1
    assert answer_type("What was the retailer's total revenue in the third quarter?") is (
        AnswerType.amount
    )
    # A money noun that qualifies another noun asks for that other thing.
    assert answer_type("What is the price target?") is AnswerType.other
    assert answer_type("What is the revenue model of the start-up?") is AnswerType.other
    assert answer_type("What was the fee for?") is AnswerType.other
    fine = need("What was the fine for Meta?")
    assert fine.money and fact_strength(fine, "Three regulators met in 12 cities.") == 0
    assert need("What is the share price of Nvidia?").money
    # Currencies by name, with a country before them, by code, and a bare large sum in part.
    cost = need("How much did the new city museum cost?")
    for text in (
        "It cost 30 million US dollars.",
        "Meta was fined 500 million roubles.",
        "USD 30 million was paid.",
        "It cost 30m euros.",
    ):
        assert fact_strength(cost, text) == 1, text
    assert 0 < fact_strength(asked, "The museum has a budget of 30 million.") < 1


def test_a_country_is_only_part_of_an_answer_to_which_city() -> None:
    asked = need("In which city were the prisoners released?")
    country = fact_strength(asked, "They were sent to the United States on Monday.")
    assert 0 < country < fact_strength(asked, "They were released in Doha on Monday.") == 1
    # Countries by the names news gives them, and regions.
    for text in ("They met in Russia.", "They flew to Britain.", "It was in the Middle East."):
        assert fact_strength(asked, text) == country, text
    # A city named for its country, city-states and a country's city are cities.
    for text in (
        "They met in Mexico City.",
        "The summit was in Singapore.",
        "They landed in Germany's capital, Berlin.",
        "They camped at Turkey Creek.",
    ):
        assert fact_strength(asked, text) == 1, text
    # Asked for a place of any kind, a country answers in full.
    assert fact_strength(need("Where were they sent?"), "They were sent to Qatar.") == 1


def test_a_role_with_no_name_does_not_say_who() -> None:
    asked = need("Who runs Lancium?")
    assert 0 < fact_strength(asked, "Lancium's chief executive spoke at the site.") < 1
    assert not holds_fact(asked, "Lancium's chief executive spoke at the site.")
    assert holds_fact(asked, "Lancium's chief executive, Michael McNamara, spoke at the site.")


def test_a_share_counts_no_one() -> None:
    asked = need("How many people did the poll survey?")
    for text in ("Fifty-one percent say it was wrong.", "Some 44 per cent say it was wrong."):
        assert fact_strength(asked, text) == 0, text
    assert fact_strength(asked, "The poll reached 1,003 people.") == 1
    # Asked for a share, a share answers.
    assert fact_strength(need("What share of voters backed it?"), "Fifty-one percent did.") > 0


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What target number did he calculate he needed to retire?", AnswerType.amount),
        ("What interest rate does the bank charge?", AnswerType.amount),
        # 'Figure' may be a person.
        ("Which Labour figure was shown in the video?", AnswerType.other),
    ],
)
def test_an_amount_noun_may_follow_a_noun_that_qualifies_it(
    question: str, kind: AnswerType
) -> None:
    assert answer_type(question) is kind


def test_a_place_the_question_names_does_not_answer_where() -> None:
    asked = need("In which Louisiana city did Trump hold the rally?")
    assert fact_strength(asked, "Trump said at a rally in Louisiana last week.") == 0
    assert fact_strength(asked, "Trump held the rally in Monroe, Louisiana.") == 1
    # By whole words: 'Los Angeles' is not given by 'lose', nor 'OpenAI' by 'open'.
    lose = need("Where did the team lose?")
    assert fact_strength(lose, "The team lost 3-1 in Los Angeles.") == 1
    open_ = need("Where did they open the office?")
    assert fact_strength(open_, "They opened an office in OpenAI's home town.") == 1
    # Nor the team a game was lost to.
    game = need("In which city was the game between the Chargers and the Chiefs played?")
    assert fact_strength(game, "The Chargers lost to the Chiefs on Monday.") == 0


def test_which_country_is_answered_by_a_country() -> None:
    asked = need("In which country does the charity's program operate?")
    assert fact_strength(asked, "It gave a grant to Evidence Action last year.") == 0
    assert fact_strength(asked, "Its program runs in rural Bangladesh.") == 1
    assert fact_strength(asked, "The program began in the United Kingdom.") == 1
    # A city-state, a country's code and ISO's own spelling are countries; a nationality
    # says it in part.
    for text in ("It runs in Singapore.", "It runs in the U.S.", "It moved to Türkiye."):
        assert fact_strength(asked, text) == 1, text
    assert 0 < fact_strength(asked, "A French charity runs it.") < 1
    # A state or a city does not say which country.
    assert fact_strength(asked, "The program runs in Ohio and in Lyon.") == 0
    # The country the question names is no answer.
    named = need("In which country besides Kenya does the program run?")
    assert fact_strength(named, "The program runs in Kenya.") == 0


def test_a_state_that_answers_where_names_nothing_else() -> None:
    where = need("In which state was the hearing on Musk's request scheduled?")
    assert not names_others(where, "A hearing is set in a California federal court.")
    assert names_others(where, "A hearing is set in a Lisbon court.")
    # Asked for anything else, the state is another thing named.
    assert names_others(need("When was the hearing?"), "It is set in a California court.")


def test_an_age_or_a_street_number_is_no_amount_unless_an_age_is_asked() -> None:
    asked = need("How much methamphetamine did the police find?")
    assert fact_strength(asked, "Police stopped Jonathan P. Blair, 29, of 1909 Jolinda Drive.") == 0
    assert fact_strength(asked, "They arrested Ann Burton, 32, of 1119 Eighth St. on Monday.") == 0
    assert fact_strength(asked, "The search yielded nearly 30 grams of methamphetamine.") == 1
    assert fact_strength(need("How old is Jonathan Blair?"), "Jonathan P. Blair, 29, of Hope.") == 1
    # A count after a comma is a count: only the age of a named person, or of one a noun
    # for a person names, is skipped.
    assert fact_strength(asked, "The board, 12, voted for the search.") == 1
    score = need("What score did the judges give the final dance?")
    assert fact_strength(score, "The former star, 42, was voted off on Monday.") == 0
    old = need("How old is the reader?")
    assert fact_strength(old, "I’m 74 and was tempted to go.") == 1
    # A number with a unit is no age, whatever stands before it.
    assert fact_strength(old, "“I am 100 percent behind him,” she said.") == 0
    assert fact_strength(old, "“I’m 6 feet tall,” she said.") == 0


def test_a_state_or_province_is_a_place_wherever_it_stands() -> None:
    asked = need("Which state did Deval Patrick govern?")
    assert fact_strength(asked, "The former Massachusetts governor is eager to win.") == 1
    assert fact_strength(asked, "The Central bank's governor is eager to win.") == 0
    assert fact_strength(need("Which province was it?"), "It was Zābul's governor.") == 1
    # Asked for a city, a state is only the region of the answer.
    assert 0 < fact_strength(need("Which city was it?"), "The Texas plant is new.") < 1
    # Only as a whole name: a person, a newspaper or a university named after one is none,
    # and nor is a town or a district of the same name as an English word.
    for text in (
        "Victoria Beckham posted it.",
        "The Washington Post reported it.",
        "Paul Smith, a witness, saw it.",
        "Sale of the building was stopped.",
    ):
        assert fact_strength(asked, text) == 0, text
    # The name before a title is whole: 'Florida Gov. Ron DeSantis'.
    assert fact_strength(asked, "Florida Gov. Ron DeSantis signed the bill.") == 1


def test_a_country_before_a_noun_qualifies_it_and_is_not_required() -> None:
    state = need("In which US state is the data center being built?")
    assert (state.names, state.qualifiers) == ((), ("US",))
    assert not missing_names(state, "It is being built outside Abilene, Texas.")
    # After an auxiliary, or before a verb, the country is what the question asks about.
    assert need("What did the US say about the deal?").names == ("US",)
    assert need("Why will the UK leave the bloc?").names == ("UK",)


def test_an_acronym_is_named_by_the_name_it_spells() -> None:
    assert not missing_names(
        need("Which JPL scientist led it?"), "Lopes of NASA's Jet Propulsion Laboratory"
    )
    assert not missing_names(need("What did the FBI find?"), "The Federal Bureau of Investigation")
    assert not missing_names(need("What did the DOJ say?"), "The Department of Justice said so.")
    assert missing_names(need("What did the JPL say?"), "The Jet Lag Party said so.")
    assert not missing_names(
        need("What did the CDC report?"), "The Centers for Disease Control and Prevention"
    )
    # An acronym is a word in capitals: 'AI' is not in 'said', nor 'UK' in 'Ukraine'.
    assert missing_names(need("What did the AI find?"), "He said it was found.")
    assert missing_names(need("What did the UK say?"), "Ukraine said so.")
    assert not missing_names(need("What did the U.S. say?"), "The US said so.")
    # A person's title splits a name: 'Chief Dan Carter' spells no CDC, 'Interior Minister
    # Faeser' no IMF; the name before the title still spells its own.
    assert missing_names(need("What did the CDC say?"), "Chief Dan Carter said so.")
    assert missing_names(need("What did the IMF say?"), "Interior Minister Faeser said so.")
    assert not missing_names(
        need("What did the FBI say?"), "Federal Bureau of Investigation Director Wray said so."
    )
    # Initials are read within one line: a title, a publisher and an author spell nothing.
    assert missing_names(need("What did PJS say?"), "Fed Will Act\nAssociated Press\nJohn Smith")
    # A title before 'of' is part of a name: 'Director of National Intelligence' is the DNI.
    assert not missing_names(
        need("What did the DNI say?"), "The Director of National Intelligence said so."
    )
    # 'General' is no title inside a name: General Motors is GM.
    assert not missing_names(need("What did GM announce?"), "General Motors announced a recall.")


def test_on_what_date_wants_a_day_not_a_month() -> None:
    asked = need("On what date did the jury deliver its verdict?")
    assert fact_strength(asked, "In November last year, Musk filed a lawsuit.") == 0
    assert fact_strength(asked, "The jury returned its verdict on Nov. 9.") == 1
    assert fact_strength(asked, "The jury returned its verdict on the 9th.") == 1
    assert fact_strength(asked, "The jury was the first of the 20th century.") == 0
    assert fact_strength(need("When was the verdict?"), "It came in November.") > 0


def test_a_relative_time_answers_when_a_bare_since_does_not() -> None:
    asked = need("When were the data collected?")
    assert fact_strength(asked, "The data were collected two weeks ago.") > 0
    assert fact_strength(asked, "They will collect more data next year.") > 0
    assert fact_strength(asked, "The universe has evolved since the Big Bang.") == 0


def test_when_something_will_happen_is_answered_by_what_is_said_of_what_is_to_come() -> None:
    court = need("When will the six people arrested appear in court?")
    assert fact_strength(court, "Police arrested six people Monday.") == 0
    for ahead in (
        "They will appear in court on Dec. 5.",
        "They are due in court on Dec. 5.",
        "The six are scheduled to appear on Dec. 5.",
        "Their lawyer said they're appearing in court next week.",
        "Their trial begins Monday.",
        "The hearing is set for Dec. 5.",
    ):
        assert fact_strength(court, ahead) > 0
    # 'May' the month is no 'may' that looks ahead.
    assert fact_strength(need("When will the store open?"), "The store opened in May.") == 0
    # A question about the past is answered by a past event's day.
    assert fact_strength(need("When were they arrested?"), "Police arrested six people Monday.")


def test_what_someone_said_is_quoted_from_them_not_from_someone_else() -> None:
    asked = need("What did Novak Djokovic say about the new Davis Cup format?")
    assert asked.speakers == ("Novak Djokovic",)
    assert not attributes_speech(asked, '"The format is very hard," Nadal said.')
    assert not attributes_speech(asked, '"Djokovic is tired," Nadal said.')
    assert attributes_speech(
        asked, "Djokovic, the world No. 2, told reporters the format was hard."
    )
    # Said by him, but of something else: his words on his fitness are not his view of the format.
    assert not attributes_speech(asked, "Djokovic, the world No. 2, told reporters he was tired.")
    bezos = need("What did Jeff Bezos say about NASA's selection of Blue Origin?")
    assert not attributes_speech(
        bezos, "The lander is one that founder Jeff Bezos announced in May."
    )
    assert not attributes_speech(asked, "Djokovic will make his first appearance on Wednesday.")
    assert attributes_speech(asked, '"The format is very hard," Djokovic said.')
    assert attributes_speech(need("Who won the match?"), "Spain won the match.")
    assert attributes_speech(asked, "Djokovic announced that the format would change.")
    assert attributes_speech(asked, "Djokovic, of Serbia, said the format was too long.")
    hill = need("What did Fiona Hill call Sondland's role in Ukraine policy?")
    assert attributes_speech(hill, "Fiona Hill had dubbed Sondland's role 'the Gordon problem.'")
    # Not where another name says it, nor the name's possessive.
    tariffs = need("What did Trump say about the tariffs?")
    assert not attributes_speech(
        tariffs, "Trump, who set the tariffs, was criticised, with Grassley saying they hurt."
    )
    assert not attributes_speech(tariffs, "Trump's tariffs hurt farmers, said Chuck Grassley.")
    # However long the words between, and whatever the form of the saying verb.
    obama = need("What did Barack Obama warn the candidates against?")
    assert attributes_speech(
        obama,
        "Former President Barack Obama, the most popular Democrat in America, inserted himself "
        "into the primary in recent days by warning candidates against moving too far left.",
    )


def test_a_count_of_another_thing_or_a_names_number_is_no_count_of_the_thing_asked() -> None:
    troops = need("How many US troops are stationed in Jordan?")
    refugees = "Jordan has admitted more than 1.4 million Syrian refugees."
    assert fact_strength(troops, refugees) == 0
    assert fact_strength(troops, "Jordan said the number has stayed at about 3,000.") > 0
    # A noun alike in meaning (found by the answerer) counts the same thing.
    assert fact_strength(replace(troops, alike=frozenset({"refuge"})), refugees) == 1
    subscribers = need("How many subscribers did Stadia sign up?")
    for named in ("Destiny 2 is free at launch.", "It runs (Windows 10) games.", "It is Game 7."):
        assert fact_strength(subscribers, named) == 0
    # A day or a place before a number numbers nothing: 'By Sunday 230 had signed up.'
    assert fact_strength(subscribers, "By Sunday 230 had signed up.") > 0
    assert fact_strength(subscribers, "In Texas 40 signed up.") > 0
    assert fact_strength(subscribers, "About 40 were reported.") > 0
    # After more than one, only a plural is counted: '40 total' counts no totals.
    assert counted_nouns("It took 155 adult males and 3 dogs, 40 total, 1,200 in all.") == {
        "males",
        "dogs",
    }
    assert counted_nouns("It held 1 woman and 40 people.") == {"woman", "people"}


def test_a_text_that_names_what_is_counted_without_counting_it_holds_no_count() -> None:
    asked = need("How many votes did Patrick receive when he was first elected?")
    assert fact_strength(asked, "Patrick received 1.2 million votes that year.") == 1
    assert fact_strength(asked, "Patrick won in a landslide, by 20.") > 0  # in part
    assert fact_strength(asked, "With the first votes 100 days away, Patrick campaigned.") == 0


def test_a_reason_without_a_causal_word_must_speak_of_the_event_asked_about() -> None:
    asked = need("Why did McAleenan step down as acting Homeland Security chief?")
    letter = "In a letter to McAleenan, the acting director, doctors offered flu shots."
    assert not shares_relation(asked, letter)
    assert shares_relation(asked, "McAleenan stepped down as acting chief to join a company.")
    assert shares_relation(asked, "He was acting chief until he quit because of a dispute.")


def test_how_many_counts_the_noun_before_the_verb() -> None:
    assert counted("How many flu vaccine doses did the doctors offer?") == "doses"
    assert counted("How many of the Democrats on stage would serve as jurors?") == "Democrats"
    assert counted("How many of the company's 500 workers were laid off?") == "workers"
    assert counted("How many people watched the debate?") == "people"
    assert counted("Musk plans to grow it to how many GPUs?") == "GPUs"
    assert counted("How many students at Harvard were arrested?") == "students"
    assert counted("How many flu vaccine doses arrived?") == "doses"
    assert counted("How many were killed?") is None
    asked = need("How many flu vaccine doses did the doctors offer?")
    # A count of flu seasons is not a count of doses.
    assert fact_strength(asked, "Three children died in the 2018 flu season.") < 1
    assert fact_strength(asked, "They would provide 100 doses of the vaccine.") == 1


def test_the_person_asked_about_is_not_the_answer_after_a_role_either() -> None:
    asked = need("Which Swedish prosecutor dropped the Assange investigation?")
    asked_about = "Sweden dropped its case against WikiLeaks co-founder Julian Assange."
    assert fact_strength(asked, asked_about) < 1  # a role word alone, no other name
    assert fact_strength(asked, "Deputy chief prosecutor Eva-Marie Persson dropped it.") == 1


def test_a_count_the_question_gives_is_not_a_relation_word() -> None:
    assert need("Where did the two freed hostages work as professors?").relation == frozenset(
        content_stems("freed hostages work professors")
    )


def test_a_title_or_nationality_before_a_name_is_not_required_in_the_quote() -> None:
    assert need("What did Rep. McKinley claim about the border?").names == ("McKinley",)
    assert need("How old is the Australian WikiLeaks co-founder?").names == ("WikiLeaks",)
    assert need("What did President Trump say about the wall?").names == ("Trump",)
    assert need("What did President Trump say about the wall?").relation == {"wall"}
    assert need("What did Dr. Fauci say about masks?").names == ("Fauci",)
    # A nationality opening a name of ordinary words is part of it.
    assert need("How many seats did Korean Air add?").names == ("Korean Air",)


def test_whose_asks_for_a_name_and_what_something_was_worth_for_an_amount() -> None:
    assert answer_type("Whose figures did the fact-checkers borrow?") is AnswerType.person
    assert answer_type("What were the drugs seized at the border worth?") is AnswerType.amount


def test_how_long_far_heavy_or_old_is_answered_in_that_measure() -> None:
    testimony = need("How long did the testimony last?")
    assert fact_strength(testimony, "He never used the term 'three amigos'.") == 0
    assert fact_strength(testimony, "It lasted more than eight hours.") > 0
    assert fact_strength(need("How long is their unbeaten run?"), "They are 15 games unbeaten.")
    base = need("How far is the base from the border?")
    assert fact_strength(base, "It lies 55 kilometers away.") == 1
    assert fact_strength(base, "Three villages lie near it.") == 0
    # How far a value fell is told in money or in percent.
    fall = need("How far did the valuation fall?")
    assert fact_strength(fall, "It was cut from $47 billion to $8 billion.") == 1
    assert fact_strength(fall, "It fell 5% on Monday.") == 1
    # What lasts or takes a while is told in time: '13.3 inches' is no battery life.
    battery = need("How long does the battery last on one charge?")
    assert fact_strength(battery, "The display will remain 13.3 inches.") == 0
    assert fact_strength(battery, "It lasts up to 11 hours.") == 1
    assert fact_strength(need("How long is the bridge?"), "It is 3 miles long.") == 1
    heavy = need("How heavy is the lander?")
    assert fact_strength(heavy, "It weighs 2,000 pounds and carries 3 rovers.") == 1
    assert fact_strength(heavy, "It carries 3 rovers.") == 0
    # An age is written as one: in an aside, before '-year-old', after 'aged' or 'turned'.
    suspect = need("How old was the suspect?")
    assert fact_strength(suspect, "Police received 911 calls about two men.") == 0
    for aged in (
        "The man, 42, was arrested.",
        "A 42-year-old man was arrested.",
        "The suspect, aged 42, was held.",
        "Parise, who turned 35 on Monday, scored.",
        "Smith, now 42, lives in Ohio.",
        "Smith was 42 when he left.",
        "He died at 42.",
        "Smith (42) was held.",
        "The suspect was named as John Smith, 42.",
    ):
        assert fact_strength(suspect, aged) == 1, aged
    # A sum of money is no length ('$900m'); how far a price fell may be in cents.
    assert fact_strength(need("How long is the bridge?"), "The bridge cost $900m.") == 0
    assert fact_strength(need("How far did shares fall?"), "Shares fell 12 cents.") == 1


def test_the_name_asked_of_a_role_is_given_beside_the_role() -> None:
    # The role is the noun the name is asked of, not a word of the clause after it.
    aide = need("What is the name of the Zelenskiy aide Sondland spoke with in Warsaw?")
    assert (aide.kind, aide.named) == (AnswerType.person, {"aid"})
    assert need("What is the name of Van Der Beek's wife?").named == {"wife"}
    victim = need("What is the name of the stabbing victim?")
    chief = (
        "Police Chief Ed Alvarez told reporters at a news conference that officials received "
        "calls about a fight, and that the man found bleeding was the victim of a stabbing."
    )
    assert fact_strength(victim, chief) == 0
    assert fact_strength(victim, "The victim, John Smith, 34, died at the scene.") == 1
    members = need("What were the names of the two service members killed?")
    named = "The two service members were identified as Sgt. Ann Lee and Cpl. Tom Ray."
    assert fact_strength(members, named) == 1
    # A newspaper is no person: 'the San Francisco Chronicle says the victim...'.
    chronicle = "The San Francisco Chronicle says the victim tried to stop the suspect."
    assert fact_strength(victim, chronicle) == 0


def test_a_sum_asked_by_name_is_answered_by_money_stated_as_that_sum() -> None:
    salary = need("What is the ambassador's annual salary?")
    assert fact_strength(salary, "The ambassador has a net worth of $17 million.") == 0
    assert fact_strength(salary, "The ambassador earns $170,000 a year.") == 1
    revenue = need("What was Home Depot's total revenue in the third quarter?")
    assert fact_strength(revenue, "Home Depot reported $2.53 in per-share earnings.") == 0
    assert fact_strength(revenue, "Sales rose to $27.2 billion in the quarter.") == 1
    # Money asked without naming the sum is answered by any sum.
    assert fact_strength(need("How much did the house cost?"), "Austria paid $900,000.") == 1


def test_more_sums_asked_by_name_need_their_own_words() -> None:
    severance = need("How much severance will laid-off WeWork employees receive?")
    assert severance.money
    valuation = "The company had its valuation slashed from $47 billion to $8 billion."
    assert fact_strength(severance, valuation) == 0
    assert fact_strength(severance, "Staff will get severance of $10,000 each.") == 1
    bail = need("What was the suspect's bail?")
    assert fact_strength(bail, "The suspect stole $2,000 from the store.") == 0
    assert fact_strength(bail, "A judge set bail at $50,000.") == 1
    damages = need("How much did the company pay in damages?")
    assert fact_strength(damages, "It was ordered to pay $5 million.") == 1
    # Rents and taxes rise and fall in percent: they are not asked as money alone.
    assert fact_strength(need("How much did rents rise?"), "Rents rose 5 percent.") == 1


def test_what_is_spent_is_told_in_money_or_time() -> None:
    spend = need("How much did Audi spend developing the car?")
    assert fact_strength(spend, "The car should deliver around 215 miles on a charge.") == 0
    assert fact_strength(spend, "Audi spent $2 billion on it.") == 1
    assert fact_strength(spend, "Audi spent four years on it.") > 0
    assert fact_strength(need("How much did he spend?"), "He has spent Rs 24 lakh.") == 1


def test_the_name_asked_of_a_thing_is_a_name_given_beside_it() -> None:
    ship = need("What is the name of the surplus ship the US will hand to Vietnam's coast guard?")
    assert (
        fact_strength(ship, "The U.S. will give Vietnam's coast guard a surplus American ship.")
        == 0
    )
    assert fact_strength(ship, "The surplus ship, the USCGC Morgenthau, will sail in May.") == 1
    wife = need("What is the name of Van Der Beek's wife?")
    assert fact_strength(wife, "Van Der Beek and his wife, Kimberly, have five children.") == 1


def test_which_company_or_mall_is_answered_by_a_name_of_one() -> None:
    company = need("Which company supplies the battery for the Ford Mustang Mach E?")
    # 'Mach E' and 'SUV' name nothing new; nor is a lone letter a word of the relation.
    assert "e" not in company.relation
    assert fact_strength(company, "Ford’s Mustang Mach E SUV will go 300 miles a charge.") == 0
    assert fact_strength(company, "LG Chem supplies the Mach E’s cells.") == 1
    mall = need("Which mall in Delhi's Saket area houses the oxygen bar?")
    # Where the sentence says 'mall', the name stands beside it, not at its other end.
    far = (
        "News Nation tried to find out about this initiative and landed up on the webpage "
        "of the mall located in Delhi’s Saket area that offers this unique service."
    )
    assert fact_strength(mall, far) == 0
    assert fact_strength(mall, "The bar is at Select Citywalk, a mall in Saket.") == 1
    # A place is no company's name: 'their New York price'.
    banks = need("Which investment banks are underwriting Alibaba's share sale?")
    assert (
        fact_strength(banks, "Alibaba priced its shares at a discount to their New York price.")
        == 0
    )
    # Nor beside the question's own name, nor as a compound: 'New York-listed shares'.
    listed = "One of Alibaba’s New York-listed shares is worth eight of its Hong Kong shares."
    assert fact_strength(banks, listed) == 0
    assert fact_strength(banks, "Alibaba hired Credit Suisse-led banks for the sale.") == 1
    # Whoever a clause is attributed to is no name of the thing asked.
    mall = need("Which mall did the police evacuate?")
    for said in (
        "Police evacuated the mall on Friday, Sheriff John Smith said.",
        "The mall was evacuated, Reuters reported.",
        "Police evacuated the mall, said John Smith, a witness.",
        "Police evacuated the mall, spokesman John Smith told reporters.",
    ):
        assert fact_strength(mall, said) == 0, said
    assert fact_strength(mall, "Police evacuated the Westfield mall, police said.") == 1
    # The one that speaks may be the thing asked, or be called by its name.
    cut = need("Which company said it would cut jobs?")
    assert fact_strength(cut, "Boeing said it would cut 10% of its jobs.") == 1
    assert fact_strength(need("Which company makes the drug?"), "A firm called Acme makes it.") == 1
    assert fact_strength(need("Which news agency reported the deal?"), "Reuters reported it.") == 1
    # 'What label...?' asks for a word as often as for a record company.
    assert need("What label did Larry Page pin on Musk?").named == frozenset()
    assert need("What line of business was Sondland in?").named == frozenset()
    # A team is often known by its place's name.
    assert fact_strength(need("Which team won the game?"), "Minnesota beat Texas 4-1.") == 1
    # Asked for a person by 'which', the noun after it says nothing of the name's place.
    assert need("Which team of analysts found the flaw?").named == frozenset()


def test_the_name_asked_of_a_place_is_not_a_name_the_question_gives() -> None:
    restaurant = need(
        "What is the name of the restaurant where a waitress confronted the Dear Abby reader?"
    )
    assert restaurant.named == {"restaur"}
    letter = "DEAR ABBY: My husband and I were leaving a restaurant we’ve patronized for 15 years."
    assert fact_strength(restaurant, letter) == 0
    assert fact_strength(restaurant, "We were leaving Mario’s, a restaurant in town.") == 1


def test_another_model_of_the_thing_asked_does_not_name_it() -> None:
    asked = need("How much will the new 13-inch MacBook Pro cost?")
    assert missing_names(asked, "The 16-inch MacBook Pro starts at $2,400.") == ["MacBook Pro"]
    assert (
        missing_names(asked, "The 13-inch MacBook Pro will cost less than the 16-inch MacBook Pro.")
        == []
    )


def test_a_role_alone_does_not_answer_who_holds_the_role_asked() -> None:
    bishop = need("Who is the bishop who tried to talk to the protesters?")
    assert fact_strength(bishop, "A bishop and the former head of the council tried.") == 0
    assert 0 < fact_strength(need("Who runs Lancium?"), "Lancium's chief executive spoke.") < 1
    # A city-state is no person: 'Hong Kong's legislative council'.
    assert fact_strength(bishop, "The bishop met the head of Hong Kong's council.") == 0


def test_a_sentence_that_says_it_does_not_know_states_no_fact() -> None:
    back = need("When is Vernon expected back from his knee injury?")
    unknown = "Vernon would come back this week, but when he'll return is still a question mark."
    assert fact_strength(back, unknown) == 0
    assert fact_strength(back, "Vernon is expected back from his knee injury next week.") > 0
    price = need("How much did Google pay for CloudSimple?")
    unsaid = "Google declined to say how much it paid for the $1 billion company's unit."
    assert fact_strength(price, unsaid) == 0
    # What is not known is something else: the count still stands.
    dead = need("How many people died in the fire?")
    assert fact_strength(dead, "The cause was not known, but 12 people died.") == 1
    # An injury kept private is still the injury: 'undisclosed' says nothing of the sentence.
    injury = need("When did Dumba leave the game with an undisclosed injury?")
    assert fact_strength(injury, "Dumba left on Tuesday with an undisclosed injury.") == 1
