"""What a question asks about and for: its names and key terms, and the kind of answer it
wants. Read by the decline check, the quote scorer and follow-up questions alike."""

import re
from enum import StrEnum
from functools import lru_cache

from rag.text import PERSON_NOUNS, a_noun, a_verb, inflected_verb, noun_lemma, only_a_verb

# Numbers, runs of two or more capitalised words (a person, a company, an event) and single
# words that only a name has: digits or capitals inside ('H100', 'xAI', 'FIFA').
_KEY_TERM = re.compile(
    r"(?<![\w$])(?:\$?\d[\d,.]*\d|\d"
    r"|[A-Z][\w'’&.-]*[A-Za-z0-9](?:\s+[A-Z][\w'’&.-]*[A-Za-z0-9])+"
    r"|[A-Za-z]*(?:[a-z][A-Z]|[A-Z]{2}|[A-Za-z]\d)[\w-]*)"
)
_QUOTED = re.compile(r"[\"“]([^\"”]{2,60})[\"”]")
# What a multiple is of: 'How many times more...?', '...as large as?', '...faster than?'
# (not 'How many times over the past year...?').
COMPARED = r"(?:more|less|as|\w+er\s+than)\b"
_COMPARED = re.compile(COMPARED, re.IGNORECASE)
# 'How many of the Democrats on stage...?' counts Democrats, 'How many of the company's 500
# workers...?' workers.
_HOW_MANY = re.compile(
    r"\bhow many (?:of (?:(?:the|its|their|his|her|these|those) )?(?:[\w.-]+['’]s )?"
    r"(?:\d[\d,.]* )?)?"
    r"([a-z][\w.-]*(?:\s+[\w.-]+){0,4})",
    re.IGNORECASE,
)
POSSESSIVE = re.compile(r"['’]s$")
# A possessive ends a name: "Musk's AI company" names Musk, then AI.
_POSSESSIVE_END = re.compile(r"(?<=['’]s)\s+")
# Digits or capitals inside a word: a name wherever it stands ('H100', 'xAI', 'OpenAI').
INNER_CAPITAL = re.compile(r"^\$?\d|[a-z][A-Z]|[A-Z]{2}|[A-Za-z]\d")
# A capitalised word that does not open the question: 'Colossus' in 'What is Colossus?', with
# the number of a model or an edition: 'Grok 2', 'Windows 11'.
# After a title's full stop too: 'Fauci' in 'What did Dr. Fauci say?'.
_INNER_NAME = re.compile(
    r"(?:(?<=[\w,;:]\s)|(?<=\b(?:Dr|Mr|Ms|St)\.\s)|(?<=\b(?:Mrs|Rep|Sen|Gov|Col|Gen)\.\s)"
    r"|(?<=\bLt\.\s))[A-Z][\w'’-]*\w(?:(?<!['’]s)\s\d{1,3}(?![\w,.]))?"
)
# The verbs a question's verb leans on: 'did' of 'What did the US say?'.
AUXILIARIES = frozenset(
    [
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
    ]
)
# Where the thing counted ends: an auxiliary, a preposition ('students at Harvard').
_AFTER_COUNTED = AUXILIARIES | set(
    [
        "at",
        "in",
        "of",
        "on",
        "from",
        "for",
        "with",
        "by",
        "to",
        "into",
        "over",
        "under",
        "across",
        "per",
    ]
)
# Capitalised without being names: question words and a sentence's usual first words.
_NOT_NAMES = AUXILIARIES | set(
    [
        "what",
        "who",
        "whom",
        "when",
        "where",
        "which",
        "why",
        "how",
        "according",
        "in",
        "on",
        "the",
        "a",
        "an",
        "and",
        "of",
        "i",
        "name",
        "tell",
        "list",
        "give",
        "after",
        "before",
        "by",
        "for",
        "as",
        "at",
    ]
)


# Words that point back to what was asked before: 'How much did he invest there?'
POINTS_BACK = re.compile(
    r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there)\b", re.I
)


ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_SMALL_WORDS = r"of|for|and|the|on|de"
# Capitalised words in a row on one line, with the short words a name may hold between them;
# a run starts only where no word or hyphen precedes it, so a long hyphen chain is read once.
_NAME_RUN = re.compile(
    rf"(?<![\w'’-])[A-Z][\w'’-]*(?:[ \t]+(?:(?:{_SMALL_WORDS})[ \t]+)*[A-Z][\w'’-]*)+"
)
_SMALL_WORD = re.compile(rf"^(?:{_SMALL_WORDS})$")
# Capitalised only as a sentence's first word: 'The New York Times' is 'NYT'.
OPENERS = frozenset(["the", "a", "an", "in", "on", "at", "for", "by", "after", "before", "when"])


def spells(acronym: str, text: str) -> bool:
    """A name in text whose initials are the acronym: 'JPL' of 'NASA's Jet Propulsion
    Laboratory', 'FBI' of 'the Federal Bureau of Investigation', 'DOJ' of 'the Department of
    Justice', 'CDC' of 'the Centers for Disease Control and Prevention'. The name is read on
    one line (a title, a publisher and an author spell nothing): whole, up to an 'and', or
    after the possessive of another name."""
    return acronym in _spelled_out(text)


@lru_cache(maxsize=8192)
def _spelled_out(text: str) -> frozenset[str]:
    found = set()
    for run in _NAME_RUN.finditer(text):
        words = run.group().split()
        while words and words[0].lower() in OPENERS:
            words.pop(0)
        for name in _names_around_titles(words):
            owners = [n for n, word in enumerate(name[:-1]) if POSSESSIVE.search(word)]
            joined = name.index("and") if "and" in name else len(name)
            for spelled in [name, name[:joined]] + [name[n + 1 :] for n in owners]:
                # 'FBI' skips the 'of' of its name, 'DOJ' keeps it.
                found.add("".join(w[0] for w in spelled if not _SMALL_WORD.match(w)))
                found.add("".join(w[0].upper() for w in spelled))
    return frozenset(found)


def _names_around_titles(words: list[str]) -> list[list[str]]:
    """The names a run of capitalised words holds on either side of a person's title: 'FBI
    Director Christopher Wray' holds 'FBI' and 'Christopher Wray'; 'Interior Minister Nancy
    Faeser' spells no 'IMNF', nor 'Chief Dan Carter' a 'CDC'; 'Director of National
    Intelligence' still spells 'DNI'."""
    names, current = [], []
    for word, after in zip(words, [*words[1:], ""], strict=True):
        # 'Director of National Intelligence' is a name: a title before 'of' is part of one.
        if word.lower() in TITLES and not _SMALL_WORD.match(after):
            names.append(current)
            current = []
        else:
            current.append(word)
    return [name for name in [*names, current] if name]


class AnswerType(StrEnum):
    amount = "amount"
    person = "person"
    time = "time"
    place = "place"
    statement = "statement"
    reason = "reason"
    other = "other"


ROLES = "|".join(re.escape(noun) for noun in sorted(PERSON_NOUNS))
# Titles written before a name: what follows is a person, not part of a name to spell.
TITLES = frozenset(
    [
        "president",
        "minister",
        "secretary",
        "chancellor",
        "governor",
        "senator",
        "judge",
        "mayor",
        "chief",
        "director",
        "chairman",
        "chairwoman",
        "commissioner",
        "ambassador",
        "attorney",
        "sheriff",
        "detective",
        "spokesman",
        "spokeswoman",
        "ceo",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "coach",
        "captain",
        "professor",
        "lieutenant",
        "sergeant",
        "colonel",
        "premier",
        "rabbi",
        "pastor",
    ]
)
# Nouns for the places a question may ask for: 'In which city...?', 'At which hotel...?'.
PLACE_NOUNS = frozenset(
    [
        "town",
        "city",
        "country",
        "state",
        "region",
        "village",
        "county",
        "province",
        "nation",
        "island",
        "port",
        "capital",
        "hotel",
        "airport",
        "stadium",
        "arena",
        "hospital",
        "prison",
        "jail",
        "neighborhood",
        "neighbourhood",
        "district",
        "suburb",
    ]
)
# 'What did X say...?': who is asked to have said something is the group.
SPEAKER = re.compile(
    r"\bwhat (?:did|does|do|has|have|had) ([\w\s'’.&-]{1,60}?) (?:say|said|tell|told|write|wrote"
    r"|think|claim|argue|warn|add|mean|call|reply|respond|answer|react)\b"
    # "What was Solomonidou's view of...?" asks what she said.
    r"|\bwhat (?:is|was|are|were) ([\w\s'’.&-]{1,60}?)['’]s? (?:view|views|reaction|response"
    r"|opinion|verdict|take|position|stance|assessment)s? (?:of|on|to|about)\b",
    re.IGNORECASE,
)
# Words of a question up to what it asks, never across a saying verb: 'What did critics say
# about the cost?' asks what they said.
_NOT_SAYING = r"(?:(?!\b(?:say|said|tell|told|think|about)\b)[\w\s'’.-])"
# 'What kind of officer...?' asks for a kind, not for an officer's name.
_KIND_OF = frozenset(["kind", "type", "sort", "kinds", "types", "sorts"])
# Nouns for an amount, right after 'what': 'What score did...?', not 'What figure skater...?'.
_AMOUNT_NOUNS = frozenset(
    [
        "amount",
        "price",
        "valuation",
        "sum",
        "share",
        "percentage",
        "proportion",
        "number",
        "rate",
        "score",
        "figure",
        "distance",
        "speed",
        "temperature",
        "weight",
        "height",
        "population",
        "age",
        "cost",
        "size",
        "total",
        "horsepower",
        "length",
        "width",
        "depth",
        "mileage",
        "duration",
        "attendance",
        "turnout",
        "margin",
    ]
)
# An amount noun may follow a noun that qualifies it ('What target number...?'), but not
# 'figure', which may be a person ('Which Labour figure...?').
_QUALIFIED_AMOUNT_NOUNS = _AMOUNT_NOUNS - {"figure"}
# Sums of money asked for by name ('What was the film's budget?'), with the words news states
# each with: 'What is her salary?' is not answered by 'a net worth of $17 million', nor 'What
# was the revenue?' by per-share earnings, nor 'How much severance...?' by a valuation. Not
# rents, taxes or debts, which rise and fall in percent too.
SUMS_AND_WORDS = {
    "budget": "budget cost spend funding allocated",
    "revenue": "revenue sales turnover",
    "salary": "salary pay earn compensation wage income",
    "fee": "fee charge cost",
    "fine": "fine fined penalty",
    "ransom": "ransom pay demand",
    "severance": "severance",
    "bonus": "bonus",
    "bail": "bail bond",
    "settlement": "settlement settle pay",
    "damages": "damages award pay",
    "compensation": "compensation compensate damages award pay",
    "pension": "pension",
    "tuition": "tuition",
    "profit": "profit earnings income",
    "dividend": "dividend",
    "donation": "donation donate gift give",
    "grant": "grant award",
    "loan": "loan lend borrow",
    "subsidy": "subsidy",
    "reward": "reward",
    "prize": "prize award",
    "valuation": "valuation value valued worth",
}
_SUMS = frozenset(SUMS_AND_WORDS)
# The words after 'how' that ask for an amount ('how old' an age); read by `rag.answering.
# support` too, as they say what kind of amount is asked, not what the answer speaks of.
HOW_MEASURES = (
    "big",
    "large",
    "long",
    "far",
    "old",
    "tall",
    "high",
    "deep",
    "wide",
    "heavy",
    "fast",
    "often",
)
# 'What made Maroon leave...?' asks why; 'made' is no word of what happened.
CAUSE_ASKED = re.compile(
    r"^\s*what (?:made|makes|make|prompted|prompts|caused|causes|drove|drives|led|leads)\b",
    re.IGNORECASE,
)
_TYPE_CUES = (
    (AnswerType.amount, re.compile(rf"\bhow (much|many|{'|'.join(HOW_MEASURES)})\b"
                                   rf"|\bwhat (did|does|do|will|would) {_NOT_SAYING}{{1,100}}?"
                                   r" (?<!the )(cost|charge"
                                   r"|pay(?! (?:tribute|attention|homage|respects?|a visit)))\b"
                                   rf"|\bwhat (is|was|are|were) {_NOT_SAYING}{{1,60}}?"
                                   r" (worth|paid)\b"
                                   rf"|\bwhat (is|was|are|were|will be) (the|its|their|his|her"
                                   rf"|[\w.&-]+(?: [\w.&-]+){{0,3}}['’]s)( [\w-]+)?"
                                   rf" ({'|'.join(sorted(_AMOUNT_NOUNS | _SUMS))})s?"
                                   r"(?=\s*[?,]|\s+(of|for|in|on|at|from|per|to|by|during|when"
                                   r"|after|before)\s+\w)",
                                   re.I)),
    (AnswerType.person, re.compile(r"^\s*who(se)?\b|\bwho (is|was|are|were|led|leads|said)\b"
                                   r"|\bwhat (is|was|are|were) (the|their|its|his|her)"
                                   r" names?\b(?! of\b)"
                                   r"|\bwhat is it called\b", re.I)),
    (AnswerType.time, re.compile(r"^\s*when\b|\b(what|which) (year|month|day|date|time)s?\b",
                                 re.I)),
    (AnswerType.statement, SPEAKER),
    (AnswerType.reason, re.compile(r"^\s*why\b|\bwhat (was|is|were|are) the reasons? "
                                   rf"(for|why|behind)\b|{CAUSE_ASKED.pattern}", re.I)),
    (AnswerType.place, re.compile(r"^\s*where\b", re.I)),
)  # fmt: skip


# What opens a question before the question proper: a follow-up's 'And', or a clause ('When
# asked about X, what did Y say?').
_OPENING_CLAUSE = re.compile(
    r"^\s*(?:(?:and|but|so|also)\s+|(?:when|if|after|before|while|as|once)\b[^,?]{1,100},\s*"
    r"(?=(?:what|which|who|whom|whose|where|when|why|how)\b))",
    re.IGNORECASE,
)


# Nouns that ask for their kind of answer after 'which' or 'what': 'Which judge...?'.
_KIND_NOUNS = {AnswerType.person: PERSON_NOUNS, AnswerType.place: PLACE_NOUNS}
_WHICH = re.compile(r"\b(?:which|what)\b", re.IGNORECASE)
_NAME_OF = re.compile(r"\bwhat (?:is|was|are|were) (?:the|their|its|his|her) names? of\b", re.I)
_WORD_OR_MARK = re.compile(r"[\w'’-]+|[^\w\s]")
# What may follow the noun a question asks for, besides a verb: 'Which judge in the case...?'
_AFTER_HEAD = _AFTER_COUNTED | {
    "who",
    "that",
    "whose",
    "whom",
    "which",
    "where",
    "when",
    "during",
    "after",
    "about",
}
# Nouns for things known by a proper name: 'Which company supplies the battery?' asks for a
# company's name, as 'What is the name of the company...?' does.
_NAMED_KINDS = frozenset(
    [
        "company",
        "firm",
        "corporation",
        "bank",
        "airline",
        "carrier",
        "manufacturer",
        "maker",
        "automaker",
        "carmaker",
        "supplier",
        "retailer",
        "store",
        "mall",
        "restaurant",
        "brand",
        "factory",
        "plant",
        "studio",
        "publisher",
        "broadcaster",
        "network",
        "channel",
        "newspaper",
        "magazine",
        "website",
        "app",
        "agency",
        "organization",
        "organisation",
        "charity",
        "university",
        "college",
        "school",
        "party",
        "team",
        "club",
        "band",
        "film",
        "movie",
        "show",
        "book",
        "album",
        "song",
        "ship",
        "vessel",
        "model",
        "festival",
        "tournament",
        "league",
    ]
)


# 'What will the starting price of X be?' asks what 'What is the starting price of X?' does.
_WHAT_WILL_BE = re.compile(
    r"\bwhat (?:will|would|could|might|should|may|must) ((?:the|its|his|her|their|a|an) "
    r"[^?]*?)\s+be\b",
    re.IGNORECASE,
)


def answer_type(question: str) -> AnswerType:
    question = _WHAT_WILL_BE.sub(r"what is \1", _OPENING_CLAUSE.sub("", question))
    for kind, cue in _TYPE_CUES:
        if cue.search(question) or _asks_by_noun(question, kind):
            return kind
    return AnswerType.other


def _asks_by_noun(question: str, kind: AnswerType) -> bool:
    if kind is AnswerType.amount:
        return bool(
            _asks_for(question, _AMOUNT_NOUNS, gap=0)
            or _asks_for(question, _QUALIFIED_AMOUNT_NOUNS, gap=1)
        )
    if kind is AnswerType.person and noun_lemma(named_thing(question) or "") in PERSON_NOUNS:
        return True  # 'What is the name of the stabbing victim?', not '...of the ship?'
    return kind in _KIND_NOUNS and _asks_for(question, _KIND_NOUNS[kind]) is not None


_DETERMINERS = frozenset(["the", "a", "an", "its", "his", "her", "their", "this", "that"])


def named_thing(question: str) -> str | None:
    """What a name is asked of: 'ship' of 'What is the name of the surplus ship the US will
    hand over?', 'wife' of "What is the name of Van Der Beek's wife?"."""
    asked = _NAME_OF.search(question)
    if not asked:
        return None
    head = None
    for token in _WORD_OR_MARK.findall(question[asked.end() :]):
        word = token.lower()
        if POSSESSIVE.search(token):
            head = None  # the owner's name, not the thing: "Van Der Beek's wife"
        elif word in _DETERMINERS:
            if head:
                break  # 'the US will hand over': a clause about it
        elif not token[0].isalnum() or word in _AFTER_HEAD or only_a_verb(word):
            break
        elif head and head.islower() and token[0].isupper():
            break  # 'the aide Sondland spoke with': a clause about it, by its subject's name
        else:
            head = token
    return head.lower() if head else None


def named_kind(question: str) -> str | None:
    """The kind of thing known by a name that a question asks for: 'company' of 'Which
    company supplies the battery?'."""
    return _asks_for(question, _NAMED_KINDS)


def _asks_for(question: str, nouns: frozenset[str], gap: int = 3) -> str | None:
    """'Which' or 'what', up to `gap` words, then one of the nouns as the
    head of what is asked: 'Which Australian hostage did...?', 'Which of the two players
    scored?', 'In which city...?'. A noun before another noun only qualifies it ('Which
    refugee camp...?', 'What hospital policy...?'); a verb before it asks something else
    ('What happened to victims...?'), and 'what kind of' asks for a kind."""
    for which in _WHICH.finditer(question):
        tokens = _WORD_OR_MARK.findall(question[which.end() :])[: gap + 2]
        for at, token in enumerate(tokens[: gap + 1]):
            word = POSSESSIVE.sub("", token.lower())
            if noun_lemma(word) in nouns:
                # A possessive asks for its owner: 'Which investor's data centers...?'
                after = tokens[at + 1] if at + 1 < len(tokens) else None
                if word != token.lower() or _heads(after, plural=noun_lemma(word) != word):
                    return word
            elif (
                not token[0].isalnum()
                or word in AUXILIARIES
                or word in _KIND_OF
                or only_a_verb(word)
            ):
                break
    return None


def _heads(after: str | None, plural: bool) -> bool:
    """Whether a noun followed by `after` heads its phrase: at the end, before a mark, an
    auxiliary, a preposition, an adverb, a verb's inflected form ('sentenced', 'hosts', 'led'),
    or after a plural a verb's base form ('Which lawmakers oppose...?'); not before another
    noun ('Which refugee camp...?')."""
    if after is None or not after[0].isalnum():
        return True
    word = after.lower()
    return (
        word in _AFTER_HEAD or inflected_verb(word) or not a_noun(word) or (plural and a_verb(word))
    )


def key_terms(question: str) -> list[str]:
    """Names, numbers and quoted phrases: what the answer must be about."""
    terms = [m.strip() for m in _QUOTED.findall(question)]
    for match in _KEY_TERM.finditer(question):
        for position, run in enumerate(_POSSESSIVE_END.split(match.group())):
            words_in_term = [POSSESSIVE.sub("", w) for w in run.split()]
            # Question words are capitalised without being names...
            opening = len(words_in_term)
            while words_in_term and words_in_term[0].lower() in _NOT_NAMES:
                words_in_term.pop(0)
            # ...and so is the first word of the question, when it is not one of those.
            if (
                match.start() == 0
                and position == 0
                and len(words_in_term) == opening > 1
                and not INNER_CAPITAL.search(words_in_term[0])
            ):
                words_in_term.pop(0)
            if len(words_in_term) > 1 or (words_in_term and INNER_CAPITAL.search(words_in_term[0])):
                terms.append(" ".join(words_in_term).rstrip(".,"))
    return [t for t in terms if t]


def names(question: str) -> list[str]:
    """Key terms plus single capitalised words, each once, none inside another."""
    found = key_terms(question) + [POSSESSIVE.sub("", w) for w in _INNER_NAME.findall(question)]
    unique = list(dict.fromkeys(found))
    return [t for t in unique if not any(t != other and t in other for other in unique)]


def counted(question: str) -> str | None:
    """What 'how many' counts: the last word before the verb or a preposition ('doses' of 'How
    many flu vaccine doses arrived?', 'students' of 'How many students at Harvard...?'). If
    the corpus never names it, it cannot count it."""
    match = _HOW_MANY.search(question)
    if not match:
        return None
    phrase = match.group(1).split()
    if phrase[:1] == ["times"] and _COMPARED.match(" ".join(phrase[1:3])):
        return None  # 'How many times more cost-effective...?' asks a multiple: '~9x'
    end = next(
        (
            i
            for i, word in enumerate(phrase)
            if word.lower() in _AFTER_COUNTED
            or (only_a_verb(word) and not _modifies(phrase, i))
            or _verb_after_plural(phrase, i)
        ),
        len(phrase),
    )
    return phrase[end - 1] if end else None


def _verb_after_plural(phrase: list[str], at: int) -> bool:
    """A word that may be a verb, in its plural form, right after a plural noun: 'use' of 'How
    many businesses use Facebook?' (a noun may be a verb too: 'use', 'work')."""
    if at == 0 or not a_verb(phrase[at]):
        return False
    if at + 1 == len(phrase) or phrase[at + 1].lower() in AUXILIARIES:
        return False  # 'How many sales staff does it employ?' counts staff
    before = phrase[at - 1].lower()
    plural = before == "people" or (before.endswith("s") and noun_lemma(before) != before)
    return plural and not phrase[at].endswith("s")


def _modifies(phrase: list[str], at: int) -> bool:
    """A participle right after 'how many' that qualifies the noun after it: 'paying' of 'How
    many paying subscribers...?', not 'died' of 'How many died in...?'."""
    return at == 0 and at + 1 < len(phrase) and a_noun(phrase[at + 1])
