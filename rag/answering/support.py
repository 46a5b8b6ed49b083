"""Whether a piece of text states what a question asks.

A question asks about some names ('Lancium', 'Larry Page'), wants a kind of fact (a person
for 'who', an amount for 'how much') and relates them ('runs', 'said about'). Text supports an
answer when it names what the question names, holds a fact of the wanted kind that the
question does not already give, and speaks of the same relation. Extractive answers choose and
check their quotes with this; a passage that is merely on topic does not pass.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from itertools import chain, takewhile

import pycountry

from rag.answering.question import (
    ACRONYM,
    AUXILIARIES,
    CAUSE_ASKED,
    COMPARED,
    HOW_MEASURES,
    INNER_CAPITAL,
    OPENERS,
    PLACE_NOUNS,
    POINTS_BACK,
    POSSESSIVE,
    ROLES,
    SPEAKER,
    SUMS_AND_WORDS,
    TITLES,
    AnswerType,
    answer_type,
    counted,
    named_kind,
    named_thing,
    names,
    spells,
)
from rag.text import (
    CALENDAR,
    MONTHS,
    NAME_NUMBER,
    PERSON_NOUNS,
    SAYING_VERBS,
    WEEKDAYS,
    a_first_name,
    a_noun,
    a_thing_noun,
    a_verb,
    an_english_word,
    content_stems,
    inflected_verb,
    noun_lemma,
)

_DAY = (
    rf"\b(?:{MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{{1,2}}"
    rf"(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\b|\b(?:{WEEKDAYS})\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\bthe \d{1,2}(?:st|nd|rd|th)(?=\s+of\b|[.,;)]|\s*$)"
)
_UNITS = r"one|two|three|four|five|six|seven|eight|nine"
_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety|hundred|dozen|dozens|hundreds|thousands|millions"
)
# A count and what it counts, a few words apart: '10 data center buildings', 'four years',
# 'a four-game streak', 'the fourth time' and 'a third straight season' (a fourth time is four
# times; 'the first votes' are not one vote).
_ORDINALS = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
    r"(?=\s+(?:times?|straight|consecutive)\b)"
)
# (The noun may be quoted: '140 million monthly active “businesses”'.)
_COUNT = re.compile(
    rf"\b(?:\d[\d,.]*|{_NUMBER_WORDS}|{_ORDINALS})(?:\s+(?:million|billion|thousand))?"
    r"((?:[\s-]+[“\"‘']?(?!\d)[\w-]+[”\"’']?){1,4})",
    re.IGNORECASE,
)
# A count told the other way round: 'the number of H100s owned by Korea's AI companies was
# only 1,961'.
_NUMBER_OF = re.compile(
    rf"\bnumber of ((?:[\w-]+\s+){{0,2}}[\w-]+)\b[^.;]{{0,100}}?\b(?:is|was|are|were|stood at"
    rf"|reached|rose to|fell to|hit|totall?ed)\s+(?:only\s+|just\s+|about\s+|nearly\s+"
    rf"|more than\s+|around\s+)?(?:\d|(?:{_NUMBER_WORDS})\b)",
    re.IGNORECASE,
)
# How fully another amount answers 'how many X' when no count of X is found.
_OTHER_COUNT = 0.5
# A country, asked for a city: only the region of the answer.
_OTHER_PLACE = 0.5
# An amount of money: a currency's sign or code before it, or its name or code after it ('40
# million won', '30 million US dollars', 'USD 30 million', '30m euros'). Words that are also
# other English words ('won', 'pounds', 'real') count only after a magnitude, as '2019 won'
# and '1,500 pounds' are no money.
_CURRENCIES = (
    r"dollars?|euros?|yen|yuan|renminbi|rupees?|francs?|pesos?|roubles?|rubles?|lira|lire|reais"
    r"|riyals?|rials?|dirhams?|dinars?|kronor|kroner|kron[ae]|shekels?|naira|baht|ringgit"
    r"|rupiah|zloty|forint|hryvnias?|cents|pence"
)
_CURRENCIES_AFTER_MAGNITUDE = r"won|pounds|real|rand|sterling"
_CURRENCY_CODE = r"(?-i:USD|EUR|GBP|JPY|CNY|CHF|INR|CAD|AUD|HKD|KRW|RUB|BRL|SEK|NOK|DKK)"
_MAGNITUDE = r"billion|million|trillion|thousand|crore|lakh|bn"
_MONEY = re.compile(
    # ('N500m' is 500 million naira: a capital N before a sum with its magnitude)
    rf"(?:[$€£¥₩₹₦]|\bRs\.?|\b{_CURRENCY_CODE}|\b(?-i:N)(?=\d[\d,.]*\s?(?:{_MAGNITUDE}|m|bn|tn|k)\b(?!-)))"
    rf"\s?\d[\d,.]*(?:\s?(?:{_MAGNITUDE}|m|k)\b)?"
    rf"|\d[\d,.]*\s?(?:(?:{_MAGNITUDE})\s?(?-i:[A-Z][\w.]*\s){{0,2}}"
    rf"(?:{_CURRENCIES_AFTER_MAGNITUDE}|{_CURRENCIES}|{_CURRENCY_CODE})"
    rf"|(?:m|bn|k)?\s?(?-i:[A-Z][\w.]*\s){{0,2}}(?:{_CURRENCIES}|{_CURRENCY_CODE}))\b",
    re.IGNORECASE,
)
# A large sum without its currency ('a budget of 30 million.'), money only in part: followed by
# another noun ('230 million light-years') it counts something else.
_BARE_SUM = re.compile(
    rf"\b\d[\d,.]*\s?(?:{_MAGNITUDE})\b(?=\s*(?:[.,;:)]|$)|\s+(?:in|for|on|to|from|and|or"
    r"|per|each|a|this|last|over|by|with|after|before)\b)",
    re.IGNORECASE,
)
_BARE_SUM_STRENGTH = 0.5
# Words that make 'how much' ask for money, and only money: a count of processor cores does
# not say what a run cost. ('Spend' and 'raise' also ask for years and limits.)
_MONEY_WORDS = re.compile(
    r"\b(?:cost|costs|costing|pay|paid|pays|invest|invested|worth|prices?|priced|valued"
    rf"|{'|'.join(sorted(SUMS_AND_WORDS))}|fined|salaries|bonuses|sell for|sold for)s?\b"
    r"(?!-)",  # 'cost-effective' asks no sum
    re.IGNORECASE,
)
_SPEND = re.compile(r"\bspen(?:d|ds|t|ding)\b", re.IGNORECASE)
# A share, a rate, a time or a distance: asked about money, answered in other units.
_NOT_MONEY = re.compile(
    r"\b(?:percentage|percent|share(?! price)|rate|how long|how far|how old|how often"
    rf"|how many times {COMPARED})\b",
    re.IGNORECASE,
)
# Capitalised words in a row: a person's name, unless they name a place, an event or a body
# (`_no_one`).
_PERSON_RUN = re.compile(
    r"(?<!the )(?<!The )"  # 'the United States' names no one
    r"\b(?!(?:On|In|At|The|A|An|For|But|And|As|By|When|After|Before|This|That|Last"
    r"|Next|Former|Mr|Mrs|Ms|Dr|If|While|During|Since|Until|With|From|To)\b)"
    r"[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.\s*)?[A-Z][a-z'’-]+)+\b"
)
_THE_RUN_BEFORE = re.compile(r"\b[Tt]he\s+(?:[A-Z][\w'’.-]*\s+)+$")


def _inside_a_name(text: str, match: re.Match[str]) -> bool:
    """A name after 'the' names no one, nor a run found inside it ('Kong Stock Exchange' of
    'the Hong Kong Stock Exchange'), but for an office ('the New York State Attorney
    General', who is investigating)."""
    return bool(_THE_RUN_BEFORE.search(text, 0, match.start())) and not any(
        _a_title(word) for word in match.group().split()
    )


# A role without the name of whoever holds it: part of an answer to 'Who runs X?', none to
# 'Who is the bishop...?', which gives the role itself.
_BARE_ROLE = re.compile(
    r"\b(?:chief executive|ceo|president|chairman|chairwoman|founder|director"
    r"|minister|spokesman|spokeswoman|spokesperson|governor|mayor|head|leader"
    # or one who is no office holder: 'A family friend found the car and called 911'
    r"|friend|neighbou?r|witness|relative|bystander|passer-?by|resident)\b",
    re.IGNORECASE,
)
# The question names a role ('Who will replace the CEO?'), not as an owner ('Who spotted the
# suspect's car?').
_ROLE_ASKED = re.compile(rf"\b(?:{ROLES})s?\b(?!['’]s\b)", re.IGNORECASE)
# A sentence that says what it does not know.
_NOT_KNOWN = re.compile(
    r"\b(?:(?:is|are|was|were|remains?|still) (?:unclear|not clear|unknown|not known)"
    r"|(?:still )?a question mark|remains to be seen|declined to (?:say|comment|disclose)"
    r"|(?:did|would) not say|(?:didn['’]t|wouldn['’]t) say|(?:have|has|had) not disclosed"
    r"|(?:has|have) not been (?:announced|disclosed|set))\b",
    re.IGNORECASE,
)
# What a fact of each kind looks like in news text, with how fully it answers: a day answers
# 'when' better than a bare year.
# How much a role with no name says of who: 'the chief executive' for 'Who runs X?'.
_ROLE_ONLY = 0.5
_FACTS: dict[AnswerType, list[tuple[re.Pattern[str], float]]] = {
    AnswerType.amount: [
        (
            re.compile(
                r"[$€£¥₩₹₦]\s?\d[\d,.]*(?:\s?(?:billion|million|trillion|thousand|bn|m|k)\b)?"
                r"|\d[\d,.]*\s?(?:%|percent|per cent|billion|million|trillion|thousand|dollars"
                r"|euros|pounds|won|yen)\b"
                r"|\b\d{1,3}(?:,\d{3})+\b|\b(?!(?:1[89]|20)\d{2}\b)(?<!:)\d+(?:\.\d+)?\b(?!:\d)"
                r"|\b\d+(?:\.\d+)?(?:[x×]|-fold)(?!\w)",  # a multiple: '~9x as cost-effective'
                re.IGNORECASE,
            ),
            1.0,
        ),
        (
            # Not in a compound: 'a two-state solution' counts nothing ('twenty-one' does).
            re.compile(
                rf"\b(?:{_NUMBER_WORDS}|once|twice)\b(?!-(?!(?:{_UNITS})\b))", re.IGNORECASE
            ),
            0.6,
        ),
    ],
    AnswerType.person: [
        (_PERSON_RUN, 1.0),
        (
            # The name after the role that names it: 'its investor, Amazon', 'CEO Nadella'
            # ('co-founder Julian Assange' is the person asked about, by surname).
            re.compile(
                # (The lookahead spares trying every role at each word.)
                rf"\b(?=[A-Za-z][\w-]*,?\s+(?:[A-Z]\.\s*)?[A-Z])(?i:{ROLES})s?,?\s+(?!{CALENDAR})"
                r"(?:[A-Z]\.\s*)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*"
            ),
            1.0,
        ),
        (
            # A person named by surname where news names people so: 'Peschorn said', 'said
            # Peschorn' (not 'told Ruptly', who listened).
            re.compile(
                r"(?<=\s)[A-Z][a-z'’-]{2,}(?=,? (?:said|says|told|added|wrote|announced))"
                rf"|\b(?:said|says|added|wrote|announced) (?!{CALENDAR})[A-Z][a-z'’-]{{2,}}\b"
            ),
            0.8,
        ),
        (_BARE_ROLE, _ROLE_ONLY),
    ],
    AnswerType.time: [
        (re.compile(_DAY), 1.0),
        (
            re.compile(rf"\b(?:1[89]|20)\d{{2}}\b|\b(?:{MONTHS})\b"),
            0.7,
        ),
        (
            # A time told relative to the story's: 'last week', 'two years ago', 'tomorrow'.
            re.compile(
                r"\b(?:yesterday|today|tonight|tomorrow)\b"
                r"|\b(?:last|next|this|earlier this|later this) (?:week|weekend|month|year|season"
                r"|spring|summer|fall|autumn|winter|morning|afternoon|evening|night|decade)\b"
                r"|\b(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|few)"
                r" (?:days?|weeks?|months?|years?|decades?) (?:ago|earlier|later)\b",
                re.IGNORECASE,
            ),
            0.4,
        ),
    ],
    AnswerType.statement: [
        (re.compile(r"[\"“”]"), 1.0),
        (
            re.compile(rf"\b(?:{SAYING_VERBS}|according to)\b"),
            1.0,
        ),
    ],
    AnswerType.reason: [
        (
            re.compile(
                r"\b(?:because|due to|owing to|as a result|result of|in order to|so that|therefore"
                r"|reasons?|why|opposed|objected|conflicted|disagreed|refused|rejected|frustrated"
                r"|concerns? (?:about|over|that)|led to|caused|blamed|citing|prompting|prompted"
                r"|stems? from|stemmed from|in response to|in a bid to|in an effort to|aimed at)\b",
                re.IGNORECASE,
            ),
            1.0,
        ),
        (re.compile(r"\b(?:after|amid|over|following|since)\b", re.IGNORECASE), 0.5),
        (re.compile(r"\w"), 0.3),  # a reason may be stated without a marker: ranked lower
    ],
    AnswerType.place: [
        (
            re.compile(
                r"\b(?:in|at|outside|near|from|to)\s+(?:(?:the|a|an)\s+)?"
                rf"(?!{CALENDAR})[A-Z][a-z]+\w*"
                r"|\b[A-Z][a-z]+,\s+[A-Z][a-z]+\b|\b[A-Z][a-z]+-based\b"
            ),
            1.0,
        )
    ],
}
# What a rate is asked per: 'share' of 'at what price per share', 'month' of 'how much a
# month' (not 'per cent').
_PER_ASKED = re.compile(
    r"\bper\s+(?!cent\b)([a-z]+)\b|\bhow much\b.*?(?<!\bin )(?<!\bfrom )(?<!\bover )\ba\s+"
    r"(year|month|week|day|night|hour|head|share|unit|person)\b(?!\s+(?:ago|earlier|before|later))",
    re.IGNORECASE,
)
# A rate written without 'per': 'annually', 'daily', '$25 each', '$40/hr'.
_RATE_WORDS = {
    "year": r"annual(?:ly)?|yearly|per annum",
    "month": r"monthly",
    "week": r"weekly",
    "day": r"daily",
    "hour": r"hourly|/\s?hr",
}
# Words any question may use that name no relation: 'What did X say about Y?' asks about Y.
_GENERIC = content_stems(
    "what which who whom whose when where why how many much did does do is are was were "
    "according article articles report reported say said says tell told speak spoke talk talked "
    "mention mentioned reply "
    "respond answer react "
    "describe described happen happened thing things people one ones new also kind type "
    "name named give given number amount total year month week day time last next ago "
    "two three four five six seven eight nine ten"  # counts the question gives, as figures
)


# The word after 'how' says what kind of amount is asked ('How old is X?' asks an age), not
# what the answer must speak of: 'X, 42, was voted off' answers it.
_MEASURE = re.compile(rf"(?<=\bhow )(?:{'|'.join(HOW_MEASURES)})\b", re.IGNORECASE)
_FAR_IN_TIME = re.compile(r"\bhow far (?:ahead|in advance|back|before)\b", re.IGNORECASE)
_SETTLEMENT = re.compile(r"\b(?:city|town|village)\b", re.IGNORECASE)
_COUNTRY_ASKED = re.compile(r"\b(?:which|what)\s+(?:country|countries|nation)\b", re.IGNORECASE)
# The units an amount of each measure is told in: 'How long did the testimony last?' is not
# answered by 'three amigos', nor 'How old was the suspect?' by '911 calls'.
_TIME_UNITS = r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|century|centuries"
_LENGTH_UNITS = (
    r"inch(?:es)?|feet|foot|ft|yards?|miles?|(?:kilo|centi|milli)?met(?:er|re)s?|km|cm|mm|m"
)
_UNITS_OF = {
    "long": rf"{_TIME_UNITS}|games?|match(?:es)?|{_LENGTH_UNITS}",
    "far": rf"{_LENGTH_UNITS}|%|percent|per cent|points",  # or money: 'How far did it fall?'
    "ahead": rf"{_TIME_UNITS}|{_LENGTH_UNITS}|%|percent|per cent|points",
    "tall": _LENGTH_UNITS,
    "deep": _LENGTH_UNITS,
    "wide": _LENGTH_UNITS,
    "heavy": r"pounds?|lbs?|ounces?|oz|grams?|g|kilo(?:gram)?s?|kg|tons?|tonnes?",
}
# One of a unit, as news writes it: 'one millimeter', 'a minute of silence'; not a rate ('$3 a
# day', '80 miles an hour'), nor a time something came ('a year ago', 'one day after').
_ONE_IN_UNITS = {
    measure: re.compile(
        rf"\bone\s+(?:{units})(?!\w)(?!\s+(?:ago|after|before|earlier|later)\b)"
        rf"|\ban?\s+(?:{units})\s+of\b",
        re.IGNORECASE,
    )
    for measure, units in _UNITS_OF.items()
}
_IN_UNITS = {
    measure: re.compile(rf"(?:\s+(?:{_MAGNITUDE}))?(?:\s*|-)(?:{units})(?!\w)", re.IGNORECASE)
    for measure, units in _UNITS_OF.items()
}
# 'How long did it last?' asks a time, 'How long is the bridge?' a length or a time.
_DURATION_VERB = re.compile(
    r"\b(?:last(?:s|ed)?|takes?|took|taken|wait(?:s|ed)?|stay(?:s|ed)?|serve[sd]?|spen[dt]s?"
    r"|remain(?:s|ed)?|live[sd]?)\b",
    re.IGNORECASE,
)
_IN_TIME = re.compile(rf"(?:\s*|-)(?:{_TIME_UNITS}|games|matches)(?!\w)", re.IGNORECASE)
# An age as news writes one: 'Parise, 35,' (`_AGE`), 'a 42-year-old', 'aged 42', 'turned 42'.
_AGE_AFTER = re.compile(r"-years?-old\b|\s+years?\s+old\b|[,.)]", re.IGNORECASE)
# A number with a unit or a magnitude after it is no age, whatever stands before it.
_NOT_AN_AGE = re.compile(
    r"\s*(?:%|(?:percent|per cent|feet|foot|ft|inch|inches|pounds|lbs|kg|kilos|miles|km"
    r"|kilometers|kilometres|meters|metres|degrees|points|times|million|billion|thousand"
    r"|hundred|dollars|cents)\b)",
    re.IGNORECASE,
)
_AGE_BEFORE = re.compile(
    r"\b(?:aged?|age of|turn(?:s|ed|ing)?|now|who is|is|was|at|am)\s+$|\b['’]m\s+$|\($",
    re.IGNORECASE,
)
_ASKS_DAY = re.compile(r"\b(?:what|which)(?: exact)? (?:date|day)s?\b", re.IGNORECASE)
_ASKS_YEAR = re.compile(r"\b(?:what|which) year\b", re.IGNORECASE)
# 'What time...?' asks a time of day, or a time a race was run in.
_ASKS_CLOCK = re.compile(r"\b(?:what|which) time\b(?! of (?:the )?year)", re.IGNORECASE)
_CLOCK_TIMES = [
    (
        re.compile(
            r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:\s*[ap]\.?m\b\.?)?|\b\d{1,2}\s*[ap]\.?m\b\.?"
            rf"|\b(?:\d{{1,2}}|{_UNITS}|ten|eleven|twelve)\s+o['’]clock\b"
            r"|\b(?:noon|midnight|dawn|dusk)\b|\b\d+(?:\.\d+)?\s*seconds\b",
            re.IGNORECASE,
        ),
        1.0,
    ),
    # '47.12', a race time with no unit; not a sum, a share or a score
    (
        re.compile(
            r"(?<![$€£¥\d.])\b\d{1,3}\.\d{1,2}\b"
            r"(?!\s*(?:%|percent|per cent|points|million|billion))",
            re.IGNORECASE,
        ),
        0.5,
    ),
]
# A year, as a number or from the story's own: 'in 2011', 'last year', 'two years ago'.
_YEARS = [
    (re.compile(r"\b(?:1[89]|20)\d{2}s?\b"), 1.0),
    (
        re.compile(
            rf"\b(?:last|next|this) year\b|\b(?:\d+|an?|{_UNITS}|ten|several|few) years? ago\b",
            re.IGNORECASE,
        ),
        0.4,
    ),
]
# A time told as past from the story's own: no answer to 'When will...?'.
_PAST_TIME = re.compile(r"\b(?:yesterday|last|ago|earlier)\b", re.IGNORECASE)
# A question about what is still to come ('When will...?', 'When is X expected to...?'), and
# what a sentence about what is to come says: a past event's day ('Police arrested six people
# Monday') does not say when they will appear in court.
_ASKS_AHEAD = re.compile(
    r"\b(?:will|going to|expected|expects?|scheduled|due to|set to|plans? to|planned)\b",
    re.IGNORECASE,
)
_AHEAD = re.compile(
    r"\b(?:will|would|shall|could|should|(?-i:may)|might|can|going to|expect(?:s|ed|ing)?"
    r"|schedul\w+|due|set (?:to|for)|slated|plan(?:s|ned|ning)?|aims?|intends?|targeted"
    r"|next|upcoming|coming|soon|(?:is|are) \w+ing|(?:postponed|delayed|moved) (?:to|until)"
    # what is timetabled is told in the present: 'The store opens Friday.'
    r"|(?:opens|begins|starts|launches|arrives|ends|closes|resumes|takes effect|goes on sale))"
    r"\b|['’]ll\b",
    re.IGNORECASE,
)


_QUESTION_WORD = re.compile(r"\b(?:when|where|who|whom|whose|why|how|what|which)\b", re.I)
# A model told by a figure and its unit before its name: '16-inch MacBook Pro', '5-door Golf'.
_MODEL = re.compile(r"\b(\d+(?:\.\d+)?)-([a-z]+)\s+([A-Z][\w'’-]*)")


@dataclass(frozen=True)
class Need:
    """What a question asks for."""

    question: str
    names: tuple[str, ...]
    kind: AnswerType
    relation: frozenset[str]
    # Countries that qualify a noun ('US' of 'Which US state'): a quote need not name them,
    # but one that does is closer to the question.
    qualifiers: tuple[str, ...] = ()
    # Stems of nouns that count the same thing as the one asked ('males' where men are
    # counted), found by meaning among the passages' counts (`counted_nouns`).
    alike: frozenset[str] = frozenset()

    @cached_property
    def speakers(self) -> tuple[str, ...]:
        """Who is asked to have said something: 'Djokovic' of 'What did Novak Djokovic say
        about the format?'."""
        match = SPEAKER.search(self.question) if self.kind is AnswerType.statement else None
        if not match:
            return ()
        speaker = next(group for group in match.groups() if group)
        return tuple(n for n in self.names if re.search(rf"\b{re.escape(n)}\b", speaker))

    @cached_property
    def money(self) -> bool:
        """'How much did it cost?' asks for money; 'Over how many years was it invested?' does
        not."""
        return (
            self.kind is AnswerType.amount
            and self.counted is None
            and bool(_MONEY_WORDS.search(self.question))
            and not _NOT_MONEY.search(self.question)
        )

    @cached_property
    def spending(self) -> bool:
        """'How much did Audi spend developing it?' asks for money or a time, not miles."""
        return (
            self.kind is AnswerType.amount
            and self.counted is None
            and not self.money
            and bool(_SPEND.search(self.question))
        )

    @cached_property
    def named(self) -> frozenset[str]:
        """What a name is asked of, as stems: 'victim' of 'What is the name of the victim?',
        'ship' of 'What is the name of the ship?', 'company' of 'Which company supplies the
        battery?'."""
        thing = named_thing(self.question)
        if thing is None and self.kind is AnswerType.other:
            thing = named_kind(self.question)
        return content_stems(thing) if thing else frozenset()

    @cached_property
    def name_anywhere(self) -> bool:
        """'Which company supplies it?' is answered by a name in a sentence that does not say
        'company' ('LG Chem supplies it'); 'What is the name of the ship?' only beside 'ship'."""
        return named_thing(self.question) is None

    @cached_property
    def measure(self) -> str | None:
        """What 'how' asks the measure of: 'long' of 'How long did it last?'; 'ahead' of 'How
        far ahead (in advance, back) ...?', which a time answers as well as a lead does."""
        found = _MEASURE.search(self.question)
        if found and _FAR_IN_TIME.search(self.question):
            return "ahead"
        return found.group().lower() if found else None

    @cached_property
    def models(self) -> dict[tuple[str, str], str]:
        """The models the question names by a figure: '16' of ('inch', 'MacBook') for 'the
        16-inch MacBook Pro'."""
        return {(unit, name): figure for figure, unit, name in _MODEL.findall(self.question)}

    @cached_property
    def question_word(self) -> re.Pattern[str] | None:
        """The word the question asks with ('when', 'how'), to find it where a sentence says
        it does not know."""
        word = _QUESTION_WORD.search(self.question)
        return re.compile(rf"\b{word.group().lower()}\b", re.IGNORECASE) if word else None

    @cached_property
    def ahead(self) -> bool:
        """The question asks about what is still to come."""
        return bool(_ASKS_AHEAD.search(self.question))

    @cached_property
    def sum_words(self) -> frozenset[str]:
        """The words a sum asked for by name is stated with ('pay' and 'earn' for a
        salary), as stems; none where money is asked otherwise ('How much did it cost?')."""
        if not self.money:
            return frozenset()
        named = (
            words for sum_, words in SUMS_AND_WORDS.items() if content_stems(sum_) <= self.stems
        )
        return content_stems(next(named, ""))

    @cached_property
    def per(self) -> re.Pattern[str] | None:
        """A rate asked for ('At what price per share...?', 'How much a month...?'): only an
        amount told per the same thing answers it, not a total."""
        if self.kind is not AnswerType.amount:
            return None
        found = _PER_ASKED.search(self.question)
        if not found:
            return None
        unit = (found.group(1) or found.group(2)).lower()
        written = _RATE_WORDS.get(unit, "")
        # A word may say which share: 'per diluted share', 'an adjusted share'.
        return re.compile(
            rf"\b(?:per|a|an|each|every)[\s-]+(?:(?:diluted|adjusted|basic)[\s-]+)?"
            rf"{re.escape(unit)}\b"
            rf"|/\s?{re.escape(unit)}\b"
            rf"|\beach\b{'|' if written else ''}{written}",
            re.IGNORECASE,
        )

    @cached_property
    def settlement(self) -> bool:
        """'In which city...?' is not answered by a country."""
        return self.kind is AnswerType.place and bool(_SETTLEMENT.search(self.question))

    @cached_property
    def country(self) -> bool:
        """'In which country...?' is answered by a country, not by 'to Evidence'."""
        return self.kind is AnswerType.place and bool(_COUNTRY_ASKED.search(self.question))

    @cached_property
    def stems(self) -> frozenset[str]:
        return content_stems(self.question)

    @cached_property
    def counted_noun(self) -> str | None:
        """What 'how many' counts, as the question writes it: 'years' of 'Over how many
        years...?'."""
        return counted(self.question)

    @cached_property
    def counted(self) -> str | None:
        """What 'how many' counts, as a stem."""
        noun = self.counted_noun
        return next(iter(content_stems(noun)), None) if noun else None


# Last words that name no one in particular: 'Stargate Project' is known by 'Stargate'.
_GENERIC_NOUNS = frozenset(
    [
        "project",
        "company",
        "group",
        "inc",
        "corp",
        "corporation",
        "co",
        "ltd",
        "llc",
        "university",
        "college",
        "school",
        "agency",
        "party",
        "council",
        "committee",
        "commission",
        "foundation",
        "institute",
        "bank",
        "fund",
        "summit",
        "conference",
        "league",
        "club",
        "association",
        "union",
        "department",
        "ministry",
        "office",
        "board",
        "court",
        "administration",
        "times",
        "news",
        "post",
        "journal",
        "daily",
        "network",
    ]
)
# A figure the question gives ('Nadella's $80 billion') is context, not a name to carry.
_FIGURE_NAME = re.compile(r"^[$€£¥₩]?\d[\d,.]*$")

# Capitalised without naming what the evidence must name: months, days, nationalities.
_CALENDAR_NAME = re.compile(rf"^(?:{MONTHS}|{WEEKDAYS})$")
_DEMONYM = re.compile(r"^([A-Z][a-z]{2,}?)(?:ian|ean|an|ese|ish|i)$")


@cache
def _country_prefixes() -> frozenset[str]:
    """The first three and four letters of each word of the world's country names
    (ISO 3166)."""
    found = set()
    for country in pycountry.countries:
        for field in ("name", "official_name", "common_name"):
            for word in re.findall(r"[a-z]{4,}", getattr(country, field, "").lower()):
                found |= {word[:3], word[:4]}
    return frozenset(found)


# Countries as English news names them, beside ISO 3166's names; and names ISO 3166 lists that
# are cities too, so that 'in Singapore' answers 'which city'.
_COUNTRY_ALIASES = (
    "russia",
    "turkey",
    "britain",
    "great britain",
    "england",
    "scotland",
    "wales",
    "northern ireland",
    "palestine",
    "kosovo",
    "ivory coast",
    "burma",
    "holland",
    "america",
    "brunei",
    "east timor",
    "cape verde",
    "swaziland",
)
_CITY_STATES = frozenset({"SG", "HK", "MO", "MC", "VA"})
_REGIONS = frozenset(
    [
        "europe",
        "asia",
        "africa",
        "north america",
        "south america",
        "latin america",
        "central america",
        "middle east",
        "oceania",
        "scandinavia",
        "balkans",
        "caribbean",
        "southeast asia",
        "east asia",
        "south asia",
        "central asia",
        "west africa",
        "east africa",
        "north africa",
    ]
)
_PLACE_OPENING = re.compile(r"\W*(?:in|at|outside|near|from|to)\s+(?:the\s+)?", re.IGNORECASE)
_PLACE_WORDS = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'-]*){0,4}")


@cache
def _country_names() -> frozenset[str]:
    listed = {
        getattr(country, field).lower()
        for country in pycountry.countries
        if country.alpha_2 not in _CITY_STATES
        for field in ("name", "official_name", "common_name")
        if hasattr(country, field)
    }
    return frozenset(listed | set(_COUNTRY_ALIASES))


@cache
def _city_states() -> frozenset[str]:
    """'Hong Kong', 'Singapore': places, though a city answers 'which city' with them."""
    return frozenset(
        _folded(getattr(country, field))
        for country in pycountry.countries
        if country.alpha_2 in _CITY_STATES
        for field in ("name", "common_name")
        if hasattr(country, field)
    )


@cache
def _countries_and_regions() -> frozenset[str]:
    return _country_names() | _REGIONS


def _country(text: str, start: int) -> bool:
    """The place named from start, after its preposition, is a whole country or a region
    ('to Qatar', 'in the United States', 'in Europe'): only where a city asked for lies.
    'Mexico City', 'Turkey Creek' and 'Germany's capital, Berlin' name more than that."""
    opening = _PLACE_OPENING.match(text, start, start + 80)
    words = _PLACE_WORDS.match(text, opening.end() if opening else start)
    if not words or POSSESSIVE.search(words.group()):
        return False
    return words.group().lower() in _countries_and_regions()


def _folded(name: str) -> str:
    """Lower case without accents: 'Zābul' is written 'Zabul' in English news."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# The ISO 3166-2 subdivisions news names as a place on their own: states, provinces, regions
# and their kin, not districts and municipalities ('Paul', 'Mary', 'Meta', 'Ba').
_REGION_TYPES = frozenset(
    [
        "State",
        "Province",
        "Region",
        "Prefecture",
        "Governorate",
        "Emirate",
        "Canton",
        "Land",
        "Voivodship",
        "Oblast",
        "Republic",
        "Country",
        "Territory",
        "Union territory",
        "Regional state",
        "Autonomous region",
        "Autonomous community",
        "Autonomous province",
        "Autonomous republic",
        "Administrative region",
    ]
)


@cache
def place_names() -> frozenset[str]:
    """Countries, regions, city-states and the states and provinces of ISO 3166-2, by the
    names it gives them (often the local ones: 'Bayern', not 'Bavaria'), not those named by an
    English word ('Central', 'Salé'). Read as the service starts (some 50 ms), not on a
    question."""
    folded = (
        _folded(subdivision.name)
        for subdivision in pycountry.subdivisions
        if subdivision.type in _REGION_TYPES
    )
    subdivisions = {name for name in folded if " " in name or not an_english_word(name)}
    return frozenset(subdivisions | _countries_and_regions() | _city_states())


_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
# Capitalised only as a sentence's first word: 'But Texas officials', 'The Texas plant'.
_OPENING_WORDS = OPENERS | {"from", "but", "and", "so", "yet", "or"}


def _named_place(question: str, text: str, places: frozenset[str] | None = None) -> float:
    """1 if text names a country, a region, a state or a province the question does not,
    wherever it stands: 'the former Massachusetts governor' says which state he governed,
    'Florida Gov. Ron DeSantis' and 'Texas Attorney General Ken Paxton' which state they serve.
    The place is the whole name before any title: 'Victoria Beckham' and 'Georgia Tech' name
    none, and a word in capitals ('BA') is an acronym."""
    for run in _CAPITALISED_RUN.finditer(text):
        words = POSSESSIVE.sub("", run.group()).split()
        while words and words[0].lower() in _OPENING_WORDS:
            words.pop(0)
        titled = (n for n, word in enumerate(words) if _TITLE.match(word) or word.lower() in TITLES)
        name = " ".join(words[: next(titled, len(words))])
        if (
            name
            and not name.isupper()
            and _folded(name) in (places or place_names())
            and not re.search(rf"\b{re.escape(name.lower())}\b", question)
        ):
            return 1.0
    return 0.0


@cache
def _countries() -> frozenset[str]:
    return frozenset(map(_folded, _country_names())) | _city_states()


# A word in capitals, dotted or not: 'the U.S.', 'UK'.
_CAPITALS = re.compile(r"(?<![\w.])[A-Z](?:\.?[A-Z])+\.?(?!\w)")
# How much a nationality says of the country asked: 'a French national', 'Iranian forces'.
_NATIONALITY_STRENGTH = 0.5


def _country_codes(text: str) -> set[str]:
    return {_undotted(word) for word in _CAPITALS.findall(text)} & (_COUNTRY_CODES - {"EU"})


def _named_country(question: str, text: str) -> float:
    """A country, a city-state or a country's code the question does not name answers 'which
    country' ('Bangladesh', 'Singapore', 'the U.S.', 'Türkiye'); a nationality does in part."""
    if _named_place(question.lower(), text, _countries()):
        return 1.0
    if _country_codes(text) - _country_codes(question):
        return 1.0
    asked_words = set(question.split())
    found = (w for w in _CAPITALISED_WORD.findall(text) if w not in asked_words)
    return _NATIONALITY_STRENGTH if any(map(_nationality, found)) else 0.0


# Nouns for a kind of place: 'the Kharkiv region', 'the Swat valley', 'the Sinai desert', 'San
# Francisco Bay Area' (not 'Bay', 'Hill', 'Lake' nor 'Park', which end people's names too).
_PLACE_KINDS = PLACE_NOUNS | {
    "area",
    "valley",
    "desert",
    "coast",
    "peninsula",
    "border",
    "basin",
    "delta",
    "square",
    "campus",
    "bridge",
    "islands",
    "harbor",
    "harbour",
}
# Last words of names that are events, bodies, buildings, streets or places, never people: 'Davis
# Cup Finals', 'World Cup-style', 'White House', 'Seventh Street' (not 'Court', 'Union' or 'Post',
# which end people's names too: 'Margaret Court').
_NO_ONE_LAST = (
    (_GENERIC_NOUNS - {"court", "union", "post"})
    | {
        "cup",
        "final",
        "finals",
        "championship",
        "championships",
        "series",
        "games",
        "awards",
        "festival",
        "tournament",
        "olympics",
        "house",
        "street",
        "avenue",
        "road",
        "airport",
        "station",
        "hotel",
        "county",
        # newspapers: 'the San Francisco Chronicle says'
        "chronicle",
        "times",
        "journal",
        "herald",
        "tribune",
        "gazette",
        "news",
        "telegraph",
        "examiner",
        "inquirer",
    }
    | _PLACE_KINDS
)
_COUNTED_WORD = re.compile(rf"^(?:{_NUMBER_WORDS}|one)$", re.IGNORECASE)


def _no_one(run: str) -> bool:
    """Words the person patterns find that name no person: a count before one word ('Two
    Americans'), a place ('Two United States service members', 'South Korea', 'Texas said'),
    an event, a body or a building by its last word ('White House said'), or English words
    that read as no person's name ('Homeland Security', 'No Lean Season')."""
    words = POSSESSIVE.sub("", run).split()
    counted = False
    while words and _COUNTED_WORD.match(words[0]):
        words.pop(0)
        counted = True
    if not words or (counted and len(words) < 2):
        return True
    last = words[-1].lower().split("-")
    place = _folded(" ".join(words))
    # A place of two words or more opens no name, but for one after a title: 'San Francisco
    # Bay Area', 'New York Times', not 'New York Attorney General Letitia James' ('Jordan
    # Peterson' and 'Paris Hilton' open on one word).
    opens_on_place = not any(_a_title(word) for word in words) and any(
        _folded(" ".join(words[:end])) in place_names() for end in range(2, len(words))
    )
    return (
        opens_on_place
        or place in place_names()
        or place in _city_states()
        or any(w in _NO_ONE_LAST for w in last)
        # 'New York-listed', 'Seattle-based': a word that says how something is ('Jae-in' is
        # a name's)
        or (len(last) > 1 and inflected_verb(last[-1]))
        or _english_words_only(words)
    )


def _english_words_only(words: list[str]) -> bool:
    """Capitalised English words with no first name or title before them ('Homeland
    Security'; not 'Bill Gates' nor 'President Trump'; a lone surname, 'Trump said', is left
    be)."""
    first = words[0]
    return (
        len(words) > 1
        and all(word[:1].isupper() and an_english_word(word) for word in words)
        and not (a_first_name(first) or _a_title(first))
    )


def _a_title(word: str) -> bool:
    """'President', 'Sen.', 'Rabbi': a word written before a person's name."""
    return word.lower() in TITLES or bool(_TITLE.match(word))


# Nationalities that do not end like a demonym on their country's name.
_IRREGULAR_NATIONALITIES = frozenset(
    ["French", "Dutch", "Greek", "Swiss", "Thai", "Czech", "Welsh", "Filipino", "Argentine"]
)


def _nationality(word: str) -> bool:
    """'Korean', 'Swedish', 'Israeli', 'French': a country's name with a demonym's ending, or
    one of the few that have none. 'Altman' and 'Morgan' only end like one."""
    match = _DEMONYM.match(word)
    return word in _IRREGULAR_NATIONALITIES or (
        bool(match) and match.group(1)[:4].lower() in _country_prefixes()
    )


# Titles written before a name: 'Rep. McKinley' is named 'McKinley' in most of a story.
_TITLE = re.compile(
    r"^(?:Rep|Sen|Gov|Lt|Col|Gen|Sgt|Capt|Dr|Mr|Mrs|Ms|Prof|President|Senator|Governor"
    r"|Judge|Mayor|Chancellor)\.?$"
)


# Capitals that name a kind of thing, not a thing: 'Which TV series', 'the CEO of OpenAI'. They
# stay relation words.
_COMMON_ACRONYMS = frozenset(
    ["TV", "CEO", "CFO", "COO", "CTO", "GDP", "IPO", "DNA", "PC", "ID", "IQ", "HQ", "VP", "SUV"]
)


def _required(name: str) -> str | None:
    """The part of a name evidence must carry: 'Musk' of 'Musk-led', 'WikiLeaks' of 'Australian
    WikiLeaks', 'McKinley' of 'Rep. McKinley'; none for 'February' or a year, which the
    article's date often gives instead of its text, for a figure the question gives, for a
    title alone, or for a nationality ('Swedish prosecutors' may be 'Sweden's prosecutors')."""
    words = name.split()
    while len(words) > 1 and (
        _TITLE.match(words[0])
        # 'Korean Air' and 'Australian Open' are names whole; 'Australian WikiLeaks' is not.
        or (_nationality(words[0]) and (len(words) > 2 or INNER_CAPITAL.search(words[1])))
    ):
        words.pop(0)
    name = " ".join(words)
    # 'Musk' of 'Musk-led' and of 'Musk-Altman rivalry'; 'T-Mobile' is a name whole.
    first, _, rest = name.partition("-")
    compound = rest and " " not in name and (len(first) > 1 or rest[:1].islower())
    head = first if compound else name
    if (
        _TITLE.match(head)
        or head in _COMMON_ACRONYMS
        or len(head) < 2
        or _CALENDAR_NAME.match(head)
        or _nationality(head)
        or _FIGURE_NAME.match(head)
    ):
        return None
    return head


# Where a question asks a second thing: '..., and how much did he invest in OpenAI?'
_SECOND_QUESTION = re.compile(
    r"\s*,\s*and\s+(?=(?:how|what|which|where|who|whom|when|why|in what|in which)\b)",
    re.IGNORECASE,
)


# A question word and a few words before a comma: 'in which state,' of 'In what court, and in
# which state, was X heard?' shares the rest of the question with the part before it.
_SHARED_REST = re.compile(r"^[\w\s'’-]{1,40},")


@dataclass(frozen=True)
class Part:
    """One question of a question that asks several: what to search for it alone, what it
    asks, and whether it leans on the first part ('..., and when?')."""

    text: str
    asked: Need
    leans: bool = False


def question_parts(question: str) -> list[Part]:
    """The questions a question asks, each to be answered with its own evidence."""
    texts = [part for part in _SECOND_QUESTION.split(question) if part.strip()]
    if any(_SHARED_REST.match(part) for part in texts[1:]):
        texts = [question]
    first = Part(texts[0], need(texts[0]))
    return [first] + [_part(text, first) for text in texts[1:]]


# Parts searched alone at most: a long list of questions is not a list of searches.
_SEARCHED_PARTS = 3


def searched_parts(parts: list[Part]) -> list[Part]:
    """The parts worth a search of their own: of a question of several, the first few that
    name something to search for."""
    return [part for part in parts[:_SEARCHED_PARTS] if part.asked.names] if len(parts) > 1 else []


def _part(text: str, first: Part) -> Part:
    """A part that leans on the first asks about what the first names: 'when?' of 'Who
    founded OpenAI, and when?' asks when OpenAI was founded (the first part's names and
    relation), 'how much will it invest?' after 'Who leads Stargate' asks about Stargate (its
    names). Its own words say what kind of fact it wants. A part that names something of its
    own keeps to it: 'he' in 'how much did he invest in OpenAI?' names no one the answer can
    be checked for."""
    earlier = first.asked
    if not content_stems(text) - _GENERIC:
        return Part(f"{text} {first.text}", need(text, leaning_on=earlier), leans=True)
    if names(text) or not POINTS_BACK.search(text):
        return Part(text, need(text))
    carried = replace(earlier, relation=frozenset())
    return Part(f"{text} {' '.join(earlier.names)}", need(text, carried), leans=True)


# Countries as their codes name them, beside their names.
_COUNTRY_CODES = frozenset(["US", "USA", "UK", "EU", "UAE"])


def _qualifies(name: str, question: str) -> bool:
    """A country before a noun qualifies it, as a nationality does: 'Which US state...?' is
    answered by 'Abilene, Texas'. After an auxiliary ('did the US say') it is the subject."""
    if name.replace(".", "") not in _COUNTRY_CODES and name.lower() not in _country_names():
        return False
    around = re.search(rf"(\w+)?\s+(?:the\s+)?{re.escape(name)}\s+([a-z]+)\b", question)
    if not around or (around.group(1) or "").lower() in AUXILIARIES:
        return False
    return a_noun(around.group(2))


def _described_as(question: str, name: str) -> str:
    """The words right before a name that say who or what it is ('drug-trade scholar' of
    'Where did drug-trade scholar Bruce Bagley earn his doctorate?'): they pick the name out,
    they are not what is asked of it. The last of them is a noun for a person or a noun that
    is never a verb, so 'When did Apple hire Tim Cook?' keeps 'hire'."""
    before = re.search(rf"((?:\b[a-z][\w'’-]*\s+){{1,3}}){re.escape(name)}\b", question)
    if not before:
        return ""
    words = before.group(1).split()
    head = words[-1]
    if not (noun_lemma(head) in PERSON_NOUNS or (a_noun(head) and not a_verb(head))):
        return ""
    kept = list(takewhile(lambda w: content_stems(w) and not a_verb(w), reversed(words[:-1])))
    return " ".join([*reversed(kept), head])


def need(question: str, leaning_on: Need | None = None) -> Need:
    """What `question` asks; `leaning_on` (an earlier part of the same question) adds the
    names and relation words it leans on, never the kind of fact."""
    named = names(question)
    qualifiers = tuple(name for name in named if _qualifies(name, question))
    required = (_required(name) for name in named if name not in qualifiers)
    asked = tuple(dict.fromkeys(filter(None, required)))
    # A title before a name ('President Trump') is part of it, not of the relation; nor is a
    # country that qualifies a noun.
    titles = " ".join(word for name in named for word in name.split() if _TITLE.match(word))
    described = (_described_as(question, name) for name in asked)
    relation = content_stems(question) - content_stems(" ".join(asked)) - _GENERIC
    relation -= content_stems(
        " ".join(
            [
                titles,
                *described,
                *qualifiers,
                *_MEASURE.findall(question),
                *CAUSE_ASKED.findall(question),
            ]
        )
    )
    # A lone letter is part of a name ('Mach E', 'e-tron'), not a word of the relation.
    relation = frozenset(stem for stem in relation if len(stem) > 1)
    if leaning_on:
        asked = tuple(dict.fromkeys(asked + leaning_on.names))
        relation = (relation | leaning_on.relation) - content_stems(" ".join(asked))
    return Need(question, asked, answer_type(question), relation, qualifiers)


_JOINED = re.compile(r"[\s‐‑–-]+")


@lru_cache(maxsize=8192)
def _comparable(text: str) -> tuple[str, str]:
    """Text lower-cased without full stops, and that again without spaces and hyphens: worked
    out once per text, as every name of every question is looked for in it."""
    lowered = text.lower().replace(".", "")
    return lowered, _JOINED.sub("", lowered)


@lru_cache(maxsize=8192)
def _undotted(text: str) -> str:
    return text.replace(".", "")


@lru_cache(maxsize=1024)
def _as_word(acronym: str) -> re.Pattern[str]:
    return re.compile(rf"\b{acronym}s?\b")


def _name_in(name: str, text: str) -> bool:
    """The whole name (or its singular: 'H100' for 'H100s'), a part of it that only a name has
    ('H100' of 'H100 GPU'), or, for a name of capitalised words, its last word as written
    ('Altman' for 'Sam Altman'; 'Stargate' for 'Stargate Project')."""
    lowered, joined = _comparable(text)
    name = name.replace(".", "")
    if ACRONYM.match(name):
        # As a word, in capitals: 'AI' is not in 'said', nor 'UK' in 'Ukraine'; or spelled out.
        return bool(_as_word(name).search(_undotted(text))) or spells(name, text)
    if name.lower() in lowered or (name.endswith("s") and name[:-1].lower() in lowered):
        return True
    if _JOINED.sub("", name.lower()) in joined:
        return True  # written with or without a space or hyphen: 'Grok 2', 'Grok2', 'Grok-2'
    parts = name.split()
    if len(parts) < 2:
        return _by_its_people(name, text)
    if any(INNER_CAPITAL.search(p) and p.lower().rstrip("s") in lowered for p in parts):
        return True
    if all(p[:1].isupper() for p in parts) and re.search(
        r"\b" + r"\.?".join(p[0] for p in parts) + r"\b", text
    ):
        return True  # its initials: 'U.S.' for 'United States', 'EU' for 'European Union'
    last = parts[-1] if parts[-1].lower() not in _GENERIC_NOUNS else parts[0]
    if ACRONYM.match(last):
        return _name_in(last, text)  # 'Michigan EEE' in 'Eastern Equine Encephalitis'
    return len(last) >= 3 and bool(re.search(rf"\b{re.escape(last)}\b", text))


_CAPITALISED_WORD = re.compile(r"\b[A-Z][\w'’-]+")


def _by_its_people(country: str, text: str) -> bool:
    """A country named by its people's adjective, made of its own name less at most two
    letters: 'Ukrainian president' names Ukraine, 'Swedish prosecutors' Sweden; 'Australian'
    names no Austria, nor 'Nigerian' Niger, whose longer namesake it is made of."""
    folded = _folded(country)
    if folded not in place_names() or any(f"{folded}{end}" in place_names() for end in ("a", "ia")):
        return False
    stems = (_DEMONYM.match(word) for word in _CAPITALISED_WORD.findall(text))
    return any(
        stem and country.startswith(stem.group(1)) and len(stem.group(1)) >= len(country) - 2
        for stem in stems
    )


def names_others(asked: Need, text: str) -> bool:
    """Text names something the question does not: a capitalised word English has no other use
    for ('Lisbon', not 'Look' or 'Monday'), other than a state or country that answers where
    ('in a California federal court')."""
    asked_words = set(re.findall(r"[\w'’-]+", asked.question.lower()))
    answers = place_names() if asked.kind is AnswerType.place else frozenset()
    return any(
        not an_english_word(word)
        and not _CALENDAR_NAME.match(word)
        and POSSESSIVE.sub("", word).lower() not in asked_words
        and _folded(word) not in answers
        for word in _CAPITALISED_WORD.findall(text)
    )


def missing_names(asked: Need, text: str, wanted: tuple[str, ...] | None = None) -> list[str]:
    """The names (by default those the question requires) that text does not carry: none, if
    it speaks only of another model of the thing asked ('the 13-inch MacBook Pro' for the
    16-inch one)."""
    names_wanted = asked.names if wanted is None else wanted
    if asked.models and _another_model(asked.models, text):
        return list(names_wanted)
    return [name for name in names_wanted if not _name_in(name, text)]


def _another_model(asked: dict[tuple[str, str], str], text: str) -> bool:
    found = {(unit, name, figure) for figure, unit, name in _MODEL.findall(text)}
    return any(
        (unit, name) in asked and (unit, name, asked[unit, name]) not in found
        for unit, name, _ in found
    )


def _surname(name: str) -> str:
    return re.sub(r"['’]s$", "", name).split()[-1]


# Numbers news writes beside a person or a place, which no 'how much' asks for unless it asks
# an age: 'Jonathan P. Blair, 29, of 1909 Jolinda Drive', 'Ms. Burton, 32, said', 'the former
# star, 42, was'. An age follows a whole name, a title and a surname, or a noun for a person;
# 'The board, 12, voted' is a count.
_AGE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr)\.?\s+[A-Z][\w'’-]+|\b[A-Z][\w'’-]+(?:\s+[A-Z]\.)?\s+[A-Z][\w'’-]+"
    rf"|\b(?:{ROLES}|star))"
    r",\s(\d{1,3})(?=,\s)"
)
_STREET_NUMBER = re.compile(
    r"(\d+)\s+(?:[NSEW]\.?\s+)?(?:[A-Z][\w.]*\s+){1,3}"
    r"(?:St|Street|Ave|Avenue|Rd|Road|Dr|Drive|Blvd|Boulevard|Lane|Ln)\b"
)
_ASKS_AGE = re.compile(r"\bhow old\b|\bage\b|\baged\b", re.IGNORECASE)
_DATE = re.compile(_DAY)


def _amounts_not_asked(asked: Need, text: str) -> list[tuple[int, int]]:
    """Where text's numbers that cannot answer an amount question stand, read once per text:
    days of the month ('on July 25'), ages and street numbers unless an age is asked, and sums
    of money where a count is asked ('$6.99 a month' counts no subscribers)."""
    if asked.kind is not AnswerType.amount:
        return []
    found = [match.span() for match in _DATE.finditer(text)]
    if not _ASKS_AGE.search(asked.question):
        found += [
            match.span(1) for pattern in (_AGE, _STREET_NUMBER) for match in pattern.finditer(text)
        ]
    if asked.counted:
        found += [match.span() for match in _MONEY.finditer(text)]
    return found


_NEXT_WORD = re.compile(r"\s+([a-z]+)")
_ARTICLE_BEFORE = re.compile(r"(?:^|\W)(?:the|a|an)\s+$", re.IGNORECASE)


def _nationality_not_a_name(text: str, match: re.Match[str]) -> bool:
    """'Several Israeli officials said', 'said American officials', 'the Palestinian said': a
    nationality before a noun or after an article, where a surname would stand. 'Michael
    Jordan donated' and 'by Mark Cuban.' name people."""
    if not _nationality(match.group().split()[-1]):
        return False
    after = _NEXT_WORD.match(text, match.end())
    before_a_noun = bool(after) and a_noun(after.group(1))
    return before_a_noun or bool(
        _ARTICLE_BEFORE.search(text[max(0, match.start() - 5) : match.start()])
    )


def fact_strength(asked: Need, text: str) -> float:
    """How fully text holds a fact of the wanted kind that the question does not already give:
    1 for a full one, less for a partial one (a year for 'what date'), 0 for none (nor in a
    sentence that says the very thing asked is not known: 'when he'll return is still a
    question mark' for 'When is he expected back?')."""
    if _not_known(asked, text):
        return 0.0
    if asked.country:
        return _named_country(asked.question, text)
    kinds = _FACTS.get(asked.kind)
    if kinds is None:
        return 1.0 if not asked.named or _new_name_beside(asked, text) else 0.0
    question = asked.question.lower()
    asked_words = set(re.findall(r"\w+", question))
    if asked.counted:
        # 'How many years?' is answered by a count of years: another amount only in part.
        counts = chain(_COUNT.finditer(text), _NUMBER_OF.finditer(text))
        # Counts of the very thing, each marked if its clause tells of another fate.
        other_fate = [
            _another_outcome(asked, _clause_around(text, m.start()))
            for m in counts
            if content_stems(m.group(1)) & (asked.alike | {asked.counted})
        ]
        if not all(other_fate):
            return 1.0
        if asked.counted in content_stems(text) and not other_fate:
            return 0.0  # it speaks of votes without counting them: its number counts another thing
        kinds = [(pattern, strength * _OTHER_COUNT) for pattern, strength in kinds]
    if asked.per and not asked.per.search(text):
        return 0.0
    if asked.money:
        if asked.sum_words and not asked.sum_words & content_stems(text):
            return 0.0
        kinds = [(_MONEY, 1.0), (_BARE_SUM, _BARE_SUM_STRENGTH)]
    elif asked.kind is AnswerType.time and _ASKS_CLOCK.search(asked.question):
        kinds = _CLOCK_TIMES
    elif asked.kind is AnswerType.time and _ASKS_DAY.search(asked.question):
        kinds = kinds[:1]  # 'On what date...?' is not answered by a month
    elif asked.kind is AnswerType.time and _ASKS_YEAR.search(asked.question):
        kinds = _YEARS  # nor 'In what year...?' by a weekday
    if asked.measure in _ONE_IN_UNITS:
        kinds = [*kinds, (_ONE_IN_UNITS[asked.measure], 1.0)]
    if asked.kind is AnswerType.time and asked.ahead and not _AHEAD.search(text):
        return 0.0
    best = 0.0
    not_asked = _amounts_not_asked(asked, text)
    money = _money_spans(text) if asked.measure or asked.spending else ()
    for pattern, strength in kinds:
        for match in pattern.finditer(text):
            found = match.group().lower()
            if _given(found, question) or any(s <= match.start() < e for s, e in not_asked):
                continue
            if asked.counted and _counts_another(text, match):
                continue
            if asked.ahead and _PAST_TIME.search(found):
                continue  # 'last year' does not say when something will be
            if asked.measure and not _in_measure(asked.measure, asked.question, text, match, money):
                continue
            if asked.spending and not (
                _in_spans(match.start(), money) or _IN_TIME.match(text, match.end())
            ):
                continue
            # The person asked about is not the answer; a title before a name ('Interior
            # Minister Wolfgang Peschorn') may repeat the question's words.
            if pattern is _BARE_ROLE and _ROLE_ASKED.search(asked.question):
                continue
            if asked.kind is AnswerType.person and (
                _surname(found) in asked_words
                or _nationality_not_a_name(text, match)
                or _no_one(match.group())
                or _inside_a_name(text, match)
                or not _beside_named(asked, text, match)
            ):
                continue
            if asked.kind is AnswerType.place and (
                _a_named_thing(text, match) or _a_list_of_names(text, match)
            ):
                continue
            if asked.settlement and _country(text, match.start()):
                best = max(best, strength * _OTHER_PLACE)
                continue
            return strength
    if asked.kind is AnswerType.place and not best:
        return _named_place(question, text) * (_OTHER_PLACE if asked.settlement else 1.0)
    return best


_THE_NAME = re.compile(r"\s(?:the|a|an)\s+(\w+)$")
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b")


def _a_named_thing(text: str, match: re.Match[str]) -> bool:
    """'in the Chrome browser', 'at the Disney company': a thing of a kind, by its name, and
    no place ('in the Netherlands market' is one)."""
    name = _THE_NAME.search(match.group())
    after = _NEXT_WORD.match(text, match.end())
    return bool(
        name
        and after
        and a_thing_noun(after.group(1))
        and noun_lemma(after.group(1)) not in _PLACE_KINDS
        and _folded(name.group(1)) not in place_names()
    )


_CITY_AND_REGION = re.compile(r"^[A-Z][a-z]+,\s+([A-Z][a-z]+)$")
_NAME_GOES_ON = re.compile(r"\s+[A-Z]")


def _a_list_of_names(text: str, match: re.Match[str]) -> bool:
    """'Astrobotic, Intuitive Machines' lists names: the second word opens a longer one that
    is no place. 'Austin, Texas', 'Austin, Tex.' and 'Munich, Bavaria-based' place a city in
    its region."""
    pair = _CITY_AND_REGION.match(match.group())
    return (
        bool(pair)
        and bool(_NAME_GOES_ON.match(text, match.end()))
        and _folded(pair.group(1)) not in place_names()
    )


def _given(found: str, question: str) -> bool:
    """The question already says it: 'in louisiana' of 'In which Louisiana city...?' (a
    place by whole words: 'in los' of 'in Los Angeles' is not given by 'lose')."""
    opening = _PLACE_OPENING.match(found)
    if not opening:
        return found in question
    return bool(re.search(rf"\b{re.escape(found[opening.end() :])}\b", question))


# The nouns a number counts, past its magnitude: 'Syrian' and 'refugees' of '1.4 million
# Syrian refugees'.
_COUNTED_NOUNS = re.compile(
    r"(?:\s+(?:million|billion|thousand|hundred))?\s+(?:([a-zA-Z][\w-]*)\s+)?([a-z][\w-]*)"
)
_SHARE = re.compile(
    r"(?:-[a-z]+)?\s?(?:%|percent\b|per cent\b|percentage points?\b)", re.IGNORECASE
)
# Nouns that are plural as they stand.
_PLURALS = frozenset(["people", "police", "staff", "personnel"])
# A capitalised noun or name right before a number names what it numbers: 'Destiny 2',
# 'Windows 11', 'Game 7' ('About 40' and 'Nearly 40' count).
_WORD_BEFORE_NUMBER = re.compile(r"(?<![\w'’.-])([A-Z][\w'’.-]*)\s$")
_NAME_REACH = 40


def _nouns_counted(text: str, number: re.Match[str]) -> list[str]:
    """The nouns a number counts, up to a word such as 'in' ('1,200 in all' counts nothing):
    after more than one, only plurals ('40 total' and '500 last year' count no totals)."""
    after = _COUNTED_NOUNS.match(text, number.end())
    words = list(takewhile(content_stems, filter(None, after.groups()))) if after else []
    one = number.group().lower() in ("1", "one")
    return [
        word.lower()
        for word in words
        if a_noun(word) and (one or noun_lemma(word) != word.lower() or word.lower() in _PLURALS)
    ]


def _names_a_number(word: str) -> bool:
    """'Destiny 2', 'Game 7'; not 'By Sunday 230 had died' nor 'in Texas 40 died'."""
    if _CALENDAR_NAME.match(word) or _folded(word) in place_names():
        return False
    return bool(content_stems(word)) and (a_noun(word) or not an_english_word(word))


def counted_nouns(text: str) -> frozenset[str]:
    """What text's numbers count, to be weighed by meaning against what a question counts."""
    return frozenset(
        noun
        for pattern, _ in _FACTS[AnswerType.amount]
        for match in pattern.finditer(text)
        for noun in _nouns_counted(text, match)
    )


# What befell those a news story counts: '100 protesters killed' counts no one arrested.
_OUTCOMES = tuple(
    content_stems(words)
    for words in [
        "killed dead died deaths fatalities slain",
        "injured wounded hurt injuries",
        "arrested detained jailed",
        "missing",
        "displaced evacuated homeless",
        "rescued",
    ]
)


# Where a clause ends: not at the comma of a thousand ('1,441').
_CLAUSE_BREAK = re.compile(r"[;:]|,(?!\d)|\.(?:\s|$)")


def _clause_around(text: str, at: int) -> str:
    """The clause a count stands in: '106 protesters in 21 cities have been killed', 'the
    deaths of at least four members of the security forces'."""
    before = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, at)]
    after = _CLAUSE_BREAK.search(text, at)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


def _another_outcome(asked: Need, clause: str) -> bool:
    """The count is of those who met another fate than the one asked about."""
    counted_words = content_stems(clause)
    asked_fates = [fates for fates in _OUTCOMES if fates & asked.relation]
    return (
        bool(asked_fates)
        and any(fates & counted_words for fates in _OUTCOMES if fates not in asked_fates)
        and not any(fates & counted_words for fates in asked_fates)
    )


def _counts_another(text: str, match: re.Match[str]) -> bool:
    """Where no count of the thing asked is found, a number that counts another noun ('1.4
    million Syrian refugees' for troops) or numbers a name ('Destiny 2') answers nothing;
    one that stands alone ('estimated at around 40,000.', 'only once') may, but not a share
    ('Fifty-one percent say' counts no one)."""
    before = _WORD_BEFORE_NUMBER.search(text[max(0, match.start() - _NAME_REACH) : match.start()])
    if before and _names_a_number(before.group(1)):
        return True
    share = _SHARE.search(match.group()) or _SHARE.match(text, match.end())
    return bool(share or _nouns_counted(text, match))


# How far from what a name is asked of the name may be written: 'The victim, John Smith,',
# 'the two service members were identified as Sgt. Ann Lee and Cpl. Tom Ray'.
_NAMED_REACH = 60


def _beside_named(asked: Need, text: str, name: re.Match[str]) -> bool:
    """The name is given beside what it is asked of: 'What is the name of the victim?' is
    not answered by 'Police Chief Ed Alvarez told reporters at a news conference that
    officials received calls about a fight, and that the man found bleeding was the victim',
    where the role is far from the only name."""
    if not asked.named:
        return True
    around = text[max(0, name.start() - _NAMED_REACH) : name.end() + _NAMED_REACH]
    return asked.named <= content_stems(around)


# Whoever a clause is attributed to, the verb ending the clause ('..., Sheriff John Smith
# said.', 'Reuters reported.') or opening it after a break ('..., said John Smith'), or after
# a title ('Pentagon spokesman John Kirby'): no name of a thing. 'Boeing said it would cut
# jobs' and 'a company called Acme' still name one.
_ATTRIBUTION = r"(?:said|says|told|reported|reports|added|wrote)"
_SAID_AFTER = re.compile(rf",?\s+{_ATTRIBUTION}\s*(?:[.,;\"”]|$)")
_SAID_BEFORE = re.compile(rf"[,;\"”]\s*{_ATTRIBUTION}\s+$")
_TITLE_BEFORE = re.compile(rf"\b(?:{'|'.join(sorted(TITLES))})\s+$", re.IGNORECASE)


def _a_speaker(text: str, run: re.Match[str], words: list[str]) -> bool:
    """A person by their title, or whoever a clause is attributed to."""
    before = text[max(0, run.start() - _NAMED_REACH) : run.start()]
    return (
        _a_title(words[0])
        or bool(_SAID_AFTER.match(text, run.end()))
        or bool(_SAID_BEFORE.search(before))
        or bool(_TITLE_BEFORE.search(before))
    )


# What is often known by a place's name: 'Minnesota beat Texas', 'France won'.
_PLACE_NAMED = content_stems("team club side")
_SENTENCE_OPENS = re.compile(r"(?:^|[.!?:;\"“”(])\s*$")


# The end of a compound adjective made of a name: 'York-listed', 'Paris-based'.
_COMPOUND_END = re.compile(r"-[a-z]+$")


# Words after a company's name that make it no other company: 'SoftBank Group Corp'.
_COMPANY_SUFFIXES = frozenset(
    ["group", "inc", "corp", "corporation", "co", "ltd", "llc", "plc", "holdings", "ag", "sa"]
)


def _without_spelled(words: list[str], asked: Need) -> list[str]:
    """The words of a run less those that spell an acronym the question gives: 'Volatiles
    Investigating Polar Exploration Rover' is VIPER, and 'European Central Bank President
    Christine Lagarde' still names Lagarde for 'Which official did the ECB send?'."""
    for acronym in (name for name in asked.names if ACRONYM.match(name)):
        for start in range(len(words)):
            initials = ""
            for end in range(start, len(words)):
                initials += words[end][0]
                if initials == acronym:
                    return words[:start] + words[end + 1 :]
                if not acronym.startswith(initials):
                    break
    return words


def _new_name_beside(asked: Need, text: str) -> bool:
    """A name the question does not give stands beside the thing asked ('NASA's rover,
    VIPER,'; 'a surplus American ship' has none): a run of capitalised words that is no
    country or region (but a team's), nor a speaker, and has a word that is no day, month,
    nationality or common acronym ('SUV'), nor an English word opening a sentence. Any such
    name counts, so 'The Navy will hand over a surplus ship' passes too; where a 'which'
    question's noun is not in the text, a name anywhere in it does ('LG Chem supplies the
    batteries')."""
    question = asked.question.lower()
    asked_words = {POSSESSIVE.sub("", w) for w in re.findall(r"[\w'’&.-]+", question)}
    # A model written either way is the question's: 'LC500' of 'LC 500'.
    asked_words |= {word + number for word, number in NAME_NUMBER.findall(question)}
    says_it = asked.named <= content_stems(text)
    if not says_it and not asked.name_anywhere:
        return False
    for run in _CAPITALISED_RUN.finditer(text):
        words = [POSSESSIVE.sub("", word) for word in run.group().split()]
        if _SENTENCE_OPENS.search(text, 0, run.start()) and an_english_word(words[0]):
            words = words[1:]
        words = _without_spelled(words, asked)
        # 'Alibaba's New York-listed shares' names a place beside the question's own name.
        new = [_COMPOUND_END.sub("", word) for word in words if word.lower() not in asked_words]
        if (
            not words
            or _a_speaker(text, run, words)
            or (says_it and not _beside_named(asked, text, run))
            or (_folded(" ".join(new)) in place_names() and not asked.named & _PLACE_NAMED)
        ):
            continue
        if any(
            not (
                len(word) < 2
                or word.lower() in asked_words
                or word.lower().rstrip(".") in _COMPANY_SUFFIXES
                # 'EUS' of 'Exploration Upper Stage'
                or (ACRONYM.match(word) and spells(word, asked.question))
                or word in _COMMON_ACRONYMS
                or _CALENDAR_NAME.match(word)
                or _nationality(word)
            )
            # 'a South Dakota-sized share' names the question's South Dakota
            for word in (_COMPOUND_END.sub("", word) for word in words)
        ):
            return True
    return False


# Kinds of fact that belong to whom a sentence is about: '27 saves' in a sentence about
# Varlamov is no count of Murray's.
_OF_SOMEONE = frozenset([AnswerType.amount, AnswerType.time, AnswerType.place])


def of_someone_else(asked: Need, text: str, title: str = "") -> bool:
    """The question asks a fact of a person it names in full ('Marcus Childers'), and text
    names none of them: its figures, dates and places are someone else's. (A sentence that
    says 'he' is quoted with the one that names him.) Not a fact of something of theirs
    ("Noah Hawley's film"), nor an age, which news gives after any noun for them ('the former
    star, 42,'). Nor where text names no one at all and its story's title names them: 'The
    48-year-old Australian ... He is held at Belmarsh' under 'Julian Assange: Sweden drops
    rape investigation'."""
    if asked.kind not in _OF_SOMEONE or asked.measure == "old":
        return False
    people = [name for name in asked.names if _a_person_asked_of(name, asked.question)]
    if not people or any(_names_person(name, text) for name in people):
        return False
    return _names_someone(text) or not any(_names_person(name, title) for name in people)


_CAPITALISED_PAIR = re.compile(r"\b([A-Z][\w'’.-]*)\s+[A-Z][\w'’-]+")
# A name as the subject of a verb ('Manning is being held'), or someone of theirs ('his
# mother', 'her lawyer').
_NAME_BEFORE_VERB = re.compile(
    r"\b([A-Z][a-z'’-]+)\s+(?:is|was|has|had|said|says|told|will|would)\b"
)
_SENTENCE_OPENERS = frozenset(
    ["He", "She", "It", "They", "The", "This", "That", "These", "Those", "There", "Its"]
)
_SOMEONE_OF_THEIRS = re.compile(
    r"\b(?i:his|her|their)\s+(?:[a-z]+\s+)?(?:mother|father|wife|husband|son|daughter|brother"
    r"|sister|parents?|children|lawyer|attorney|friend|partner)\b"
)


def _names_someone(text: str) -> bool:
    """Text names a person: a first name or a title before a capitalised word ('Sonya A.
    Zoghlin', 'Dr. Dempsey'), a name before a verb ('Manning is', not 'The 48-year-old
    Australian was'), or someone of theirs ('his mother')."""
    return (
        bool(_SOMEONE_OF_THEIRS.search(text))
        or any(
            word not in _SENTENCE_OPENERS and not _nationality(word)
            for word in _NAME_BEFORE_VERB.findall(text)
        )
        or any(a_first_name(first) or _a_title(first) for first in _CAPITALISED_PAIR.findall(text))
    )


# A year the question sets its fact in: 'in 2019', 'as of 2016', 'by the end of 2023' (not
# 'the 2016 film' nor 'Euro 2020', which name things).
_SETS_IN = r"in|during|as of|(?:start|end|beginning|middle) of"
_IN_YEAR = re.compile(
    rf"\b(?:{_SETS_IN}|for|since|by|through|until)\s+((?:19|20)\d{{2}})\b(?!\s*[-–]?\s*\w*\d)",
    re.IGNORECASE,
)
_A_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# A year a text sets its figures in; not one a span starts from ('since 1981', 'from 2018').
_SET_IN_YEAR = re.compile(rf"\b(?:{_SETS_IN})\s+((?:19|20)\d{{2}})\b", re.IGNORECASE)
_RELATIVE_YEAR = re.compile(
    r"\b(?:last|this|that|next|the previous|the same) year\b|\ba year (?:earlier|ago|before)\b",
    re.IGNORECASE,
)


def of_another_year(asked: Need, text: str) -> bool:
    """The question sets what it asks in a year and text sets its figures in other years,
    never that one: they are of another time ('In 2015, there were 9 million deaths' for 'How
    many died in 2019?'). Not where text also tells a year from its own ('last year'), nor
    a year a span starts from ('since 1981', 'from 2018 to 2019')."""
    if asked.kind is AnswerType.time or _RELATIVE_YEAR.search(text):
        return False
    years = set(_IN_YEAR.findall(asked.question))
    set_in = set(_SET_IN_YEAR.findall(text))
    return bool(years and set_in) and not years & set(_A_YEAR.findall(text))


def _a_person_asked_of(name: str, question: str) -> bool:
    """A first name, or a role before the name ("Austria's interior minister Wolfgang
    Peschorn"), then a surname that is no English word ('Walter Reed' may be a hospital,
    'Davis Cup' is none); not as an owner ("Noah Hawley's film")."""
    words = name.split()
    return (
        len(words) > 1
        and (a_first_name(words[0]) or bool(_after_role(name).search(question)))
        and not an_english_word(words[-1])
        and not re.search(rf"\b{re.escape(name)}['’]s\b", question)
    )


@lru_cache(maxsize=1024)
def _after_role(name: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{ROLES})\s+{re.escape(name)}\b", re.IGNORECASE)


_SUFFIX = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii"])


def _names_person(name: str, text: str) -> bool:
    """Text names the person by any word of their name but a suffix: 'Childers' of 'Marcus
    Childers', 'Moon' of 'Moon Jae-in', 'King' of 'Martin Luther King Jr.'."""
    words = [word for word in name.split() if word.lower() not in _SUFFIX]
    return any(re.search(rf"\b{re.escape(word)}\b", text) for word in words)


@lru_cache(maxsize=8192)
def _money_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where sums of money (and large sums without a currency) stand in text."""
    return tuple(m.span() for m in chain(_MONEY.finditer(text), _BARE_SUM.finditer(text)))


def _in_spans(at: int, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(start <= at < end for start, end in spans)


def _in_measure(
    measure: str,
    asked_question: str,
    text: str,
    number: re.Match[str],
    money: tuple[tuple[int, int], ...],
) -> bool:
    """An amount told in the measure asked: in its units, or as an age for 'how old'."""
    if measure == "old":
        if not number.group().isdigit() or _NOT_AN_AGE.match(text, number.end()):
            return False  # "'I'm 100 percent behind him'", 'is 6 feet tall'
        before = text[max(0, number.start() - len("who is ")) : number.start()]
        after = _AGE_AFTER.match(text, number.end())
        # Punctuation after it makes an age only in an aside: 'The man, 42, was held.'
        aside = bool(after) and (len(after.group()) > 1 or before.endswith((", ", "(")))
        return aside or bool(_AGE_BEFORE.search(before))
    units = _IN_UNITS.get(measure)
    if measure == "long" and _DURATION_VERB.search(asked_question):
        units = _IN_TIME
    if units is None:
        return True
    if _in_spans(number.start(), money):
        return measure == "far"  # '$900m' is no length; 'How far did it fall?' may be money
    return bool(units.search(number.group()) or units.match(text, number.end()))


# How near a word asking what (when, how many...) a sentence says it does not know stands.
_UNKNOWN_REACH = 40


def _not_known(asked: Need, text: str) -> bool:
    """Text says it does not know what is asked, in the question's own word for it: 'it is
    not clear how many have converted' for 'How many...?'; 'The cause was not known, but 12
    people died' still counts the dead."""
    unknown = _unknown_spans(text)
    if not unknown or not asked.question_word:
        return False
    return any(
        asked.question_word.search(text, max(0, start - _UNKNOWN_REACH), end + _UNKNOWN_REACH)
        for start, end in unknown
    )


@lru_cache(maxsize=8192)
def _unknown_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(found.span() for found in _NOT_KNOWN.finditer(text))


def holds_fact(asked: Need, text: str) -> bool:
    """Text holds a fact of the kind asked, if only in part, but for two parts that answer
    nothing alone: a country for 'which city', a role with no name for 'who'."""
    strength = fact_strength(asked, text)
    if asked.kind is AnswerType.person:
        return strength > _ROLE_ONLY
    return strength == 1.0 if asked.settlement else strength > 0


def attributes_speech(asked: Need, text: str) -> bool:
    """Text that quotes someone names who is asked about in it, and speaks in the question's
    words of what was asked about: Nadal's words are not what Djokovic said, nor 'Bezos
    announced the lander' what he made of NASA's choice of it. (Near in meaning is not
    enough here: the speaker's and the company's names alone make it so.)"""
    if not asked.speakers:
        return True
    return shares_relation(asked, text) and all(
        _speaks(_surname(name), text, _a_person_asked_of(name, asked.question))
        for name in asked.speakers
    )


# The word right before a saying verb: a name there is the speaker's ('with Grassley saying').
_WORD_BEFORE = re.compile(r"([\w'’.-]+)\W*$")
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i"])


def _speaks(surname: str, text: str, person: bool) -> bool:
    """'Djokovic said', '..., Djokovic, the No. 1, told reporters', 'according to Djokovic':
    the name (not its possessive: 'Trump's tariffs hurt, said Grassley') and its saying verb,
    with no quotation and no other name (a place's aside) right before the verb between them
    ('"Djokovic is tired," Nadal said' quotes Nadal, 'Trump was criticised, with Grassley
    saying' Grassley). 'It said' is a company's or a body's words, not a `person`'s."""
    name = re.escape(surname)
    for match in re.finditer(rf"\b{name}\b(?!['’]s)([^\"“”!?]{{0,120}}?)\b{SAYING_VERBS}\b", text):
        before = _WORD_BEFORE.search(match.group(1))
        speaker = before.group(1) if before else ""
        if person and speaker.lower() == "it":
            continue
        if (
            not speaker[:1].isupper()
            or speaker.lower() in _PRONOUNS
            or _folded(speaker) in place_names()
        ):
            return True  # 'Djokovic, of Serbia, said' and '...Djokovic. He said' are his
    return bool(
        re.search(rf"\b(?:{SAYING_VERBS}|according to)\s+(?:[\w.’'-]+\s+){{0,3}}?{name}\b", text)
    )


# How strongly a reason must be marked ('because', 'opposed') to need only one relation word:
# 'after' and 'following' mark what came before as often as a cause.
_MARKED_REASON = 1.0
# Capitalised words before a role that say which role it is, not whose: 'Interior Minister',
# 'Head Coach', 'Defense Secretary'.
_RANKS = (
    "head|assistant|interim|acting|former|deputy|vice|chief|senior|executive|managing|general"
    "|special|associate|athletic|defensive|offensive|prime|press|foreign|interior|home|defen[cs]e"
    "|health|finance|financial|justice|education|energy|labou?r|commerce|trade|treasury"
    "|environment|agriculture|transport|transportation|culture|economy|security|intelligence"
    "|state|national|federal|district|county|city|police|team|club|party"
)
# A role and the name it belongs to: 'Wild coach Bruce Boudreau', 'the Commodores' coach'.
_OWNED_ROLE = re.compile(
    rf"(?<![\w'’.-])(?!(?i:{_RANKS})\b)([A-Z][\w'’.&-]*?)(?:['’]s?)?\s+(?:(?i:{_RANKS})\s+)*"
    rf"((?i:{ROLES}))s?\b"
)
_OPENS_TEXT = re.compile(r"[\s\"“‘'(]*")


def _owner(match: re.Match[str], text: str, asked_words: set[str]) -> bool:
    """Whether the capitalised word before a role names another owner than the question's:
    not a nationality, a country code or a day ('French President', 'U.S. Attorney', 'said
    Tuesday President'), nor a sentence's first word that English has another use for."""
    word = match.group(1)
    opens = _OPENS_TEXT.fullmatch(text, 0, match.start()) is not None
    return not (
        _undotted(word.lower()) in asked_words
        or _nationality(word)
        or _undotted(word) in _COUNTRY_CODES
        or _CALENDAR_NAME.match(word)
        or (opens and an_english_word(word.lower()))
    )


def _roles_of_others(asked: Need, text: str) -> frozenset[str]:
    """The question's role words that text uses only for another's role: 'Wild coach Bruce
    Boudreau' does not say who the Sabres' coach is, nor 'Tesla CEO' who SpaceX's CEO is."""
    if not asked.names:
        return frozenset()  # 'Who is the president?' names no owner to tell another from
    asked_words = set(re.findall(r"[\w&-]+", _undotted(asked.question.lower())))
    owned = Counter(
        match.group(2).lower()
        for match in _OWNED_ROLE.finditer(text)
        if _owner(match, text, asked_words)
    )
    return frozenset(
        stem
        for role, count in owned.items()
        if count == len(re.findall(rf"\b{role}s?\b", text, re.IGNORECASE))
        for stem in content_stems(role) & asked.relation
    )


def shares_relation(asked: Need, text: str) -> bool:
    """The text uses one of the question's relation words (a role only as the role of what is
    asked about); two for a reason given without a causal word, which is only a reason if it
    speaks of the very event asked about."""
    if not asked.relation:
        return True
    shared = len(asked.relation & (content_stems(text) - _roles_of_others(asked, text)))
    return shared >= (min(2, len(asked.relation)) if unmarked_reason(asked, text) else 1)


def unmarked_reason(asked: Need, text: str) -> bool:
    """A reason asked for, and text gives none with a causal word ('because', 'opposed')."""
    return asked.kind is AnswerType.reason and fact_strength(asked, text) < _MARKED_REASON


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def claim_supported(claim: str, sources: list[str]) -> bool:
    """A model's sentence is supported when the passages it cites state every figure and every
    name in it: a figure or a name they do not hold came from somewhere else."""
    text = "\n".join(sources)
    digits = {f.replace(",", "") for f in _FIGURE.findall(text)}
    if any(f.replace(",", "") not in digits for f in _FIGURE.findall(claim)):
        return False
    return not any(not _name_in(name, text) for name in names(claim))
