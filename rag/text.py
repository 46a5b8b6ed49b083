"""Text rules every stage shares: words and their stems, sentences and which can be quoted.

Words are compared by dictionary form, then stem, so 'leads', 'led' and 'leading' meet; a noun
for a doer also counts as its verb ('founder', 'found').

News text mixes sentences with lines that only look like them: headings, photo captions and
credits, bylines, calls to subscribe or follow. A quote must be a sentence that states
something, and one that opens with a pronoun ('He announced...') only makes sense with the
sentence before it.
"""

import re
from functools import cache, lru_cache
from pathlib import Path

import Stemmer
from lemminflect import getAllInflections, getAllLemmas
from llama_index.core.utils import globals_helper
from nltk.tokenize.punkt import PunktTokenizer

# Part of the index fingerprint: a change to how sentences are cut or given their vectors
# re-indexes an article when it is next ingested (2: vectors from the passage's own run, int8;
# 3: a name ending in '!' ends no sentence).
SENTENCE_RULES = 3

_MIN_WORDS = 4
# How a sentence ends; a line that ends otherwise is a heading, a label or a menu item.
_TERMINAL = re.compile(r"[.!?:;…][\"'”’)\]]*$|[\"”’]$")
# A list item: a bullet and a space. One of a few words is a menu entry, not a key point.
_LIST_ITEM = re.compile(r"^[-–•*]\s+\w")
_MIN_LIST_ITEM_WORDS = 6
# Captions, credits, bylines and page furniture, as English news sites write them.
_FURNITURE = re.compile(
    r"^(?:image|photo|media|video|picture)\s+(?:caption|credit|source)"
    r"|^(?:photo|image|picture|credit|source|caption|file|pictured|above|top|left|right)s?\s*:"
    r"|\b(?:getty images|shutterstock|afp via getty|ap photo|file photo|photo by|photograph by"
    r"|image by|illustration by|photo illustration)\b"
    r"|,\s(?:left|right|center|centre|second from (?:left|right)|from left),\s"
    r"|\((?:left|right|center|centre|pictured|file)\)"
    r"|^(?:by|reporting by|written by|edited by|editing by|additional reporting|compiled by)\b"
    r"|^(?:follow|contact|email|subscribe|sign up|click|read more|related|advertisement"
    r"|listen to|watch|share this|copyright)\b"
    r"|^(?:©|\(c\)\s)",
    re.IGNORECASE,
)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
CALENDAR = rf"(?:{MONTHS}|{WEEKDAYS})\b"
# The verbs news reports speech with.
SAYING_VERBS = (
    r"(?:said|says|say|told|tells|wrote|writes|posted|tweeted|added|stated|argued|warned|claimed"
    r"|replied|responded|answered|called|calls|described|asserted|noted|explained|insisted"
    r"|joked|mocked|announced|announces|promised|pledged|vowed|continued"
    r"|dubbed|dubs|branded|labeled|labelled|nicknamed"
    r"|saying|telling|writing|adding|arguing|warning|claiming|noting|explaining|insisting"
    r"|calling|describing|announcing|promising|vowing)"
)
# Words that stand for a subject named earlier: such a sentence is quoted with the one before.
# Also after an opening phrase: 'In November last year, he mocked...', and an organisation
# that speaks: 'In a statement released November 5, the day bids were due, it said...'.
_PERSONAL = re.compile(
    r"^[\"“‘']?(?:[^,\"“”]{1,40},\s+|[^\"“”]{1,80}?,\s+(?=it\b))?"
    rf"(?:he|she|they|his|her|their|him|them|it\s+(?:{SAYING_VERBS}))\b",
    re.IGNORECASE,
)
# 'It was at this point that Microsoft invested...' names its subject; 'It grew' does not.
_IMPERSONAL = re.compile(r"^[\"“‘']?(?:it|its|this|that|these|those)\b", re.IGNORECASE)
# Says where the sentence before comes from, whatever it names: 'That's according to a survey
# from Piper Jaffray.'
_SOURCE_OF_BEFORE = re.compile(
    r"^[\"“‘']?(?:that|this|it)(?:['’]s|\s+is|\s+was)\s+(?:according to|what|why|because)\b",
    re.IGNORECASE,
)
_NAMES_SOMETHING = re.compile(r"(?<=\s)[A-Z][\w’'-]*[a-z0-9]")
# A fragment that continues the sentence before it (a quotation split by the splitter).
_CONTINUES = re.compile(r"^[\"“”'’]?[a-z]")
_OPENS_QUOTATION = re.compile(r"^[\"“]")
_QUOTATION_MARK = re.compile(r"[\"“”]")
# After a quotation closes: the words that say it was said.
_SPEECH_AFTER = re.compile(rf"[”\"]([^”\"“]*\b{SAYING_VERBS}\b[^”\"“]*)$")
# Who said it, by name: 'said U.S. Attorney Nealy Cox', 'Smith warned' (not 'he told
# Reuters' or 'he said Tuesday').
_NAMED_SPEAKER = re.compile(
    rf"\b(?!told\b|tells\b){SAYING_VERBS}\s+(?!{CALENDAR})[A-Z]"
    rf"|[A-Z][\w'’.-]*,?\s+{SAYING_VERBS}\b"
)
_NAMED_EXCLAMATION = re.compile(r"\b(?:by|on|to|told|from|with|at|of|for|in)\s+[A-Z]\w{0,9}!$")
_NAME_REACH = 24  # characters before a '!' that `_NAMED_EXCLAMATION` can match


# Abbreviations news writes before a name or a number that Punkt's English model does not
# know, so that 'beat incumbent Gov. Matt Bevin' is one sentence. Not those that often end
# one ('no.', 'etc.', 'Rd.', 'Dept.').
_ABBREVIATIONS = frozenset(
    [
        "gov",
        "capt",
        "sgt",
        "cpl",
        "pvt",
        "cmdr",
        "supt",
        "det",
        "insp",
        "atty",
        "pres",
        "amb",
        "rev",
        "msgr",
        "hon",
        "esq",
        "univ",
        "assn",
        "blvd",
        "mt",
        "approx",
        "e.g",
        "i.e",
        "fig",
        "apr",
        "jun",
        "jul",
    ]
)


@cache
def _punkt() -> PunktTokenizer:
    globals_helper.stopwords  # noqa: B018 -- points nltk at the data llama-index ships
    tokenizer = PunktTokenizer("english")
    tokenizer._params.abbrev_types.update(_ABBREVIATIONS)  # Punkt has no public setter
    return tokenizer


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a line break always ends one (headings, list items). A
    name with an exclamation mark after a preposition ('a report by E! News', 'told Yahoo!
    Finance') ends no sentence."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        line_spans: list[tuple[int, int]] = []
        for start, end in _punkt().span_tokenize(line):
            if line_spans and _name_goes_on(line, line_spans[-1][1], line[start:end]):
                line_spans[-1] = (line_spans[-1][0], end)
            else:
                line_spans.append((start, end))
        spans += [(offset + line_start + s, offset + line_start + e) for s, e in line_spans]
        line_start += len(line) + 1
    return spans


def _name_goes_on(line: str, previous_end: int, sentence: str) -> bool:
    """The sentence carries on a name that ends the one before in an exclamation mark: 'by
    E!' then 'News.', not 'Welcome to Wimbledon!' then 'The crowd cheered.'. Only the end of
    the sentence before is read, so a long line costs no more per sentence."""
    first = words(sentence)[:1]
    before = line[max(0, previous_end - _NAME_REACH) : previous_end]
    return bool(first) and first[0] not in _stopwords() and bool(_NAMED_EXCLAMATION.search(before))


def quotable(sentence: str) -> bool:
    """A sentence that states something: not a question, heading, caption, byline or menu.
    A key-point list item ('- Pending a $1 billion order from X') states something without
    closing punctuation."""
    sentence = sentence.strip()
    closed = bool(_TERMINAL.search(sentence)) or (
        bool(_LIST_ITEM.match(sentence)) and len(sentence.split()) > _MIN_LIST_ITEM_WORDS
    )
    return (
        len(sentence.split()) >= _MIN_WORDS
        and not sentence.rstrip("\"”’' ").endswith("?")
        and closed
        and not _FURNITURE.search(sentence)
    )


def leans_back(sentence: str) -> bool:
    """Opens with a pronoun whose subject it does not name, says where the sentence before
    comes from, or continues a quotation: it needs the sentence before it."""
    return bool(
        _PERSONAL.match(sentence)
        or (_IMPERSONAL.match(sentence) and not _NAMES_SOMETHING.search(sentence))
        or _SOURCE_OF_BEFORE.match(sentence)
        or _CONTINUES.match(sentence)
    )


def unattributed_quotation(sentence: str, inside: bool) -> bool:
    """Quoted words that do not name whose they are ('"It is a sign," he said.', or a quotation
    going on from the sentence before): that is told in a sentence before them."""
    if not (inside or _OPENS_QUOTATION.match(sentence)):
        return False
    speech = _SPEECH_AFTER.search(sentence)
    return not (speech and _NAMED_SPEAKER.search(speech.group(1)))


def quotation_open_after(sentence: str, open_before: bool) -> bool:
    """Whether a quotation is still open where the sentence ends: it opens one and has no
    other mark ('“We believe justice has been served.'), or it has none inside an open one. A
    mark left open inside a sentence ('called the report “misleading.') opens nothing."""
    marks = _QUOTATION_MARK.findall(sentence)
    if not marks:
        return open_before
    return len(marks) == 1 and bool(_OPENS_QUOTATION.match(sentence.lstrip()))


def closes_with_speaker(sentence: str) -> bool:
    """Closes a quotation with the words that say it was said: '...again," said U.S.
    Attorney Nealy Cox.', '...," he said.'"""
    return bool(_SPEECH_AFTER.search(sentence))


def leads_in(sentence: str) -> bool:
    """Ends with a colon: what it announces is in the sentence after it."""
    return sentence.rstrip().endswith(":")


_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-case word tokens, the unit the corpus vocabulary is kept in."""
    return _WORD.findall(text.lower())


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(globals_helper.stopwords)


@lru_cache(maxsize=65_536)
def _lemma(word: str) -> str:
    """The dictionary form, a verb's first: a stemmer alone keeps 'led' apart from 'leads'
    and 'ran' from 'runs'."""
    lemmas = getAllLemmas(word)
    return next((lemmas[pos][0] for pos in ("VERB", "NOUN", "ADJ", "ADV") if pos in lemmas), word)


@lru_cache(maxsize=8192)
def only_a_verb(word: str) -> bool:
    """A word English uses as a verb and never as a noun: 'arrived', not 'doses'."""
    lemmas = getAllLemmas(word.lower())
    return "VERB" in lemmas and "NOUN" not in lemmas


@lru_cache(maxsize=8192)
def a_noun(word: str) -> bool:
    """A word English uses as a noun and never as an auxiliary: 'state', not 'will'."""
    lemmas = getAllLemmas(word.lower())
    return "NOUN" in lemmas and "AUX" not in lemmas


@lru_cache(maxsize=8192)
def a_thing_noun(word: str) -> bool:
    """A noun English never uses as an adjective or adverb: 'browser', 'market'; not 'last'
    ('in the Bronx last year')."""
    lemmas = getAllLemmas(word.lower())
    return "NOUN" in lemmas and not {"ADJ", "ADV", "AUX"} & lemmas.keys()


_CLITIC = re.compile(r"['’](?:s|m|re|ve|ll|d|t)$|n['’]t$")
# Words English has beside its nouns, verbs, adjectives and adverbs (which the word tables
# hold) and its stop words: 'Although', 'Despite' and 'Thirty-two' name nothing.
_FUNCTION_WORDS = frozenset(
    [
        "although",
        "though",
        "despite",
        "amid",
        "amidst",
        "among",
        "amongst",
        "upon",
        "unless",
        "toward",
        "towards",
        "whereas",
        "whether",
        "within",
        "without",
        "across",
        "along",
        "around",
        "beyond",
        "throughout",
        "via",
        "per",
        "onto",
    ]
)
_NUMBER_WORD = re.compile(
    r"^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty"
    r"|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion)s?$"
)


@lru_cache(maxsize=8192)
def an_english_word(word: str) -> bool:
    """A word of English's dictionary, in any case, with a clitic ending or hyphens: 'Central',
    'The', "I'm", 'Thirty-two' and 'Although' are; 'Zabul' and "O'Brien" are not."""
    lowered = _CLITIC.sub("", word.lower())
    return all(
        part in _stopwords()
        or part in _FUNCTION_WORDS
        or bool(_NUMBER_WORD.match(part))
        or bool(getAllLemmas(part))
        for part in lowered.split("-")
        if part
    )


_FIRST_NAMES = Path(__file__).parent / "data" / "first_names.txt"


@cache
def _first_names() -> frozenset[str]:
    lines = _FIRST_NAMES.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def a_first_name(word: str) -> bool:
    """A first name people are given ('Bill', 'Grant'), so 'Bill Gates' may be a person
    though both its words are English ones, and 'Homeland Security' may not."""
    return word.lower() in _first_names()


def load_word_tables() -> None:
    """lemminflect reads its lemma and inflection tables on first use (a third of a second,
    a hundred questions' worth): the service reads them, and the first names, as it
    starts, not on a question."""
    getAllLemmas("led")
    getAllInflections("lead")
    _first_names()


# Nouns for people, as news names them: 'Which hostage...?' and 'Who is the captain...?' ask
# for a person's name, and 'founder' names one who founded. Not 'opponent', 'winner',
# 'producer' or 'driver' (a team, a company, a country or a cause may be one), nor 'host'
# ('Which country hosts...?').
PERSON_NOUNS = frozenset(
    [
        "person",
        "people",
        "man",
        "men",
        "woman",
        "women",
        "boy",
        "girl",
        "child",
        "teenager",
        "executive",
        "ceo",
        "chairman",
        "chairwoman",
        "founder",
        "co-founder",
        "president",
        "director",
        "manager",
        "owner",
        "investor",
        "billionaire",
        "entrepreneur",
        "banker",
        "trader",
        "shareholder",
        "heir",
        "prosecutor",
        "judge",
        "lawyer",
        "attorney",
        "defendant",
        "plaintiff",
        "witness",
        "juror",
        "detective",
        "sheriff",
        "officer",
        "official",
        "minister",
        "secretary",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "diplomat",
        "ambassador",
        "envoy",
        "senator",
        "lawmaker",
        "legislator",
        "congressman",
        "congresswoman",
        "governor",
        "mayor",
        "chancellor",
        "premier",
        "commissioner",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "bishop",
        "priest",
        "cleric",
        "imam",
        "rabbi",
        "leader",
        "politician",
        "candidate",
        "nominee",
        "adviser",
        "advisor",
        "aide",
        "deputy",
        "administrator",
        "member",
        "driver",
        "firefighter",
        "goalie",
        "defenseman",
        "winger",
        "survivor",
        "passenger",
        "resident",
        "worker",
        "employee",
        "activist",
        "protester",
        "coach",
        "player",
        "captain",
        "goalkeeper",
        "striker",
        "quarterback",
        "pitcher",
        "referee",
        "umpire",
        "athlete",
        "boxer",
        "golfer",
        "swimmer",
        "cyclist",
        "jockey",
        "pilot",
        "astronaut",
        "sailor",
        "soldier",
        "commander",
        "general",
        "lieutenant",
        "sergeant",
        "colonel",
        "admiral",
        "actor",
        "actress",
        "singer",
        "rapper",
        "musician",
        "comedian",
        "dancer",
        "filmmaker",
        "artist",
        "photographer",
        "author",
        "writer",
        "novelist",
        "poet",
        "editor",
        "columnist",
        "reporter",
        "journalist",
        "presenter",
        "scientist",
        "researcher",
        "professor",
        "teacher",
        "student",
        "intern",
        "engineer",
        "architect",
        "designer",
        "inventor",
        "doctor",
        "surgeon",
        "physician",
        "nurse",
        "patient",
        "economist",
        "analyst",
        "victim",
        "suspect",
        "gunman",
        "attacker",
        "shooter",
        "killer",
        "hostage",
        "prisoner",
        "inmate",
        "fugitive",
        "refugee",
        "migrant",
        "hacker",
        "whistleblower",
        "spy",
    ]
)


@lru_cache(maxsize=8192)
def noun_lemma(word: str) -> str:
    """A noun's singular: 'witnesses' of 'witness', 'children' of 'child'."""
    return getAllLemmas(word.lower()).get("NOUN", (word.lower(),))[0]


@lru_cache(maxsize=8192)
def inflected_verb(word: str) -> bool:
    """A verb's inflected form ('sentenced', 'hosts', 'led'), not its base ('care')."""
    lemmas = getAllLemmas(word.lower())
    return "VERB" in lemmas and word.lower() not in lemmas["VERB"]


@lru_cache(maxsize=8192)
def a_verb(word: str) -> bool:
    lemmas = getAllLemmas(word)
    return "VERB" in lemmas and "AUX" not in lemmas


# Nouns for those who do something, beside the people: 'Who developed X?' meets 'its developer'.
_DOERS = PERSON_NOUNS | {
    "partner",
    "voter",
    "buyer",
    "seller",
    "supplier",
    "employer",
    "operator",
    "creator",
    "organizer",
    "organiser",
    "developer",
    "publisher",
    "distributor",
    "manufacturer",
    "producer",
    "provider",
    "lender",
    "borrower",
    "donor",
}


@lru_cache(maxsize=65_536)
def _doer_of(noun: str) -> str | None:
    """The verb a noun for its doer comes from: 'founder' of 'found', 'governor' of 'govern',
    'voter' of 'vote'; through '-ship' too ('leadership', 'partnership'), so 'Who founded X?'
    meets 'X's founder'. Only for nouns known to name doers: 'career' and 'user' are not
    'care' and 'use'."""
    doer = noun.removesuffix("ship")
    if doer not in _DOERS:
        return None
    if doer != noun and a_verb(doer):
        return doer  # 'partnership' of 'partner'
    forms = (doer[:-2], doer[:-1], doer[:-2] + "e")  # 'invest', 'vote', 'create'
    verb = next((v for v in forms if doer.endswith(("er", "or")) and a_verb(v)), None)
    return verb if verb and len(verb) > 2 and verb not in _stopwords() else None


# A chief's title and its initials are one word: 'CEO' asks what 'chief executive' answers,
# and 'executives of both companies' does not say who the chief executive is.
_CHIEF_TITLES = {"executive": "ceo", "financial": "cfo", "operating": "coo", "technology": "cto"}
_CHIEF = re.compile(rf"\bchief ({'|'.join(_CHIEF_TITLES)})(?: officer)?\b")
NAME_NUMBER = re.compile(r"\b([a-z][\w-]*)[\s-](\d{1,3})\b")
# A role under another is a role of its own: 'deputy associate administrator' does not say who
# the administrator is, nor 'vice president' who the president is.
_RANKED = sorted(PERSON_NOUNS | set(_CHIEF_TITLES.values()), key=len, reverse=True)
_SECOND_RANK = re.compile(
    rf"\b((?:(?:vice|deputy|assistant|associate)[\s-]+)+)((?:{'|'.join(_RANKED)})s?)\b"
)


@lru_cache(maxsize=8192)
def content_stems(text: str) -> frozenset[str]:
    """Stemmed dictionary forms of the words that carry meaning (no stop words). A word and
    the short number after it are also one word, as names of models and editions are written
    either way: 'Grok 2' and 'Grok2', 'iPhone 15' and 'iPhone15'. A chief's title is its
    initials, and a role under another one word ('vicepresident'). Kept for the most recent
    texts: the sentences of often-retrieved passages are scored against every question."""
    lowered = _CHIEF.sub(lambda m: _CHIEF_TITLES[m.group(1)], text.lower())
    lowered = _SECOND_RANK.sub(
        lambda m: "".join(m.group(1).split()).replace("-", "") + m.group(2), lowered
    )
    kept = [_lemma(w) for w in words(lowered) if w not in _stopwords()]
    kept += [verb for w in kept if (verb := _doer_of(w))]
    kept += [word + number for word, number in NAME_NUMBER.findall(lowered)]
    return frozenset(_stemmer().stemWords(kept))
