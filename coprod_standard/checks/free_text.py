"""What in free text may point to one person: a given name without a title, a quote
attributed to a person, and a health or offence detail about a named or singled-out person.

Rules over a bundled given-name list (``given-names.txt``: the US 1990 census first names,
public domain, with given names common in the UK added; see benchmarks/free_text_names.py),
measured on the labelled sentences in tests/fixtures/free-text/ by benchmarks/free_text.py.
No model is loaded: a text costs tens of microseconds, and a record whose text holds no
given name, no quotation mark and no health or offence word costs one split into words.

Each finder returns the spans it matched (start, end); the privacy checks hand the matched
text to the validator as personal data, so it is withheld wherever it would be repeated.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .text_words import screen_words, words

Span = tuple[int, int]
NAMES_FILE = Path(__file__).resolve().parent / "given-names.txt"


# Words that name a people, a nation, an ethnic group or a faith ("White: Irish", "Irish
# Traveller", "Christian"): read as a name only with strong evidence ("Christian said")
PEOPLES = frozenset("""
irish scottish welsh english british cornish ulster manx african caribbean asian indian
pakistani bangladeshi chinese arab jewish muslim sikh hindu buddhist christian catholic
gypsy roma romany traveller black white mixed german latina latino""".split())


@lru_cache(maxsize=1)
def given_names() -> dict[str, bool]:
    """Each given name (lower case) -> whether it is also a word, a month or a place (a
    word of PEOPLES or of a codelist's titles counts as a word)."""
    names: dict[str, bool] = {}
    for line in NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            names[line.lstrip("~").lower()] = line.startswith("~")
    for word in PEOPLES | codelist_words():
        if word in names:
            names[word] = True
    return names


@lru_cache(maxsize=1)
def codelist_words() -> frozenset[str]:
    """The words (lower case) of every title in every version's codelists: "Irish" in
    "White: Irish" is a word of the standard, not a person's name."""
    from ..codelists import load_codelists
    from ..schemas import version_names

    return frozenset(word.lower() for version in version_names()
                     for codelist in load_codelists(version).values()
                     for code in codelist.codes for word in words(code.title))


@lru_cache(maxsize=1)
def title_names() -> frozenset[str]:
    """The given names as written at the start of a name ("Margaret"), for the screen."""
    return frozenset(name.capitalize() for name in given_names()
                     if name.capitalize() not in OPENERS)


def mentions_name(text: str, split: set[str] | None = None) -> bool:
    """Whether TEXT (or its ``screen_words`` SPLIT) holds a given name: a cheap screen for
    ``names``."""
    return not title_names().isdisjoint(screen_words(words(text)) if split is None else split)


def _known(word: str) -> bool | None:
    """Whether WORD, as written, is a given name that is also a word or a place (True), one
    that is not (False), or no given name (None)."""
    if word in OPENERS or not word[1:].islower():
        return None
    return given_names().get(word.lower())


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A word after which a capitalised word belongs to a place or an organisation
ORG_WORDS = _words("""
street road lane avenue way close crescent drive park gardens square green hill field fields
bridge station line estate ward hospital hospice surgery practice clinic college school academy
university library church chapel cathedral mosque temple gurdwara synagogue trust foundation fund
society association alliance council institute award prize lecture campaign charity partnership
ltd limited plc llp cic uk nhs cafe café club group project programme forum network board panel
service services centre center hub house home homes hall court room building tower place terrace
row walk market arms inn hotel theatre museum gallery unit team friends support research appeal
memorial day week month year report framework scheme fellowship lodge farm wood woods common
""")
# Places and organisations that read as a person's name
ORG_PHRASES = ("marie curie", "sue ryder", "leonard cheshire", "joseph rowntree",
               "florence nightingale", "mary seacole", "ronald mcdonald", "john lewis",
               "paul hamlyn", "esmée fairbairn", "esmee fairbairn", "guy's", "guy’s")
BEFORE_PLACE = _words("st st. saint lake mount port fort queen king prince princess lady lord "
                      "sir dame mr mrs ms miss mx dr prof upper lower north south east west")
# Capitalised words that start a sentence and do not begin a name after them
OPENERS = _words("The A An And But So Then When After Before Today Yesterday Thanks Our As "
                 "We Members Staff Everyone Since While Once If At In On By For With From "
                 "Even Only Also Like Every Each Both Later Now This That These Those It Her "
                 "His Their My Its Some Many Most All Until Because Although Though Where Why "
                 "How What Who Whether To Of Dear Hi Hello Last Next Every Later Sadly Finally")
ROLE = (r"(?:member|carer|participant|volunteer|resident|attendee|man|woman|person|father|"
        r"mother|dad|mum|parent|user|client|gentleman|lady|co-producer|befriender|mentor|"
        r"student|grandmother|grandfather|grandparent|son|daughter|wife|husband|partner|"
        r"neighbour|tenant|patient|veteran|widow|widower|boy|girl|pensioner|lad|chair|"
        r"treasurer|secretary|trustee|founder|facilitator|nurse|worker)")
# one person picked out of a group: "one member", "the only wheelchair user", "a man who"
SINGLED = re.compile(
    rf"\b(?:(?:one|another)\s+of\s+(?:the|our)\s+[\w-]+|(?:one|another)(?:\s+[\w-]+){{0,2}}?"
    rf"\s+{ROLE}(?:['’]s)?\b|(?:the|our|group['’]s)\s+(?:[\w-]+\s+)?(?:only|oldest|youngest|"
    rf"eldest|newest|new)(?:\s+[\w-]+){{0,2}}?\s+{ROLE}\b(?!s)|\b(?:a|an)(?:\s+[\w-]+){{0,2}}?"
    rf"\s+{ROLE}\s+(?:who|with|whose|in\s+the\s+group)\b|\b(?:he|she|his|her|him)\b)",
    re.IGNORECASE)

_TOKEN = re.compile(r"\b[A-Z][\w'’-]*")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n(\[\"“‘—–]|\s-)\s*[\"“‘]?\s*$")
# after a name: what a person does or is
AFTER_STRONG = re.compile(
    r"^(?:\s*,\s*(?:\d{1,3}\b|aged\s+\d|who\b|whose\b|(?:a|an|the|our|my)\s+(?:[\w-]+\s+){0,3}?"
    rf"{ROLE}\b)|\s*\(\d{{1,3}}\)|\s+(?:said|says|told|explained|added|recalled|asked|wrote|"
    r"remembered|shared|put\s+it|joined|chairs|chaired|who|and\s+(?:his|her)\b))")
AFTER_PERSON = re.compile(
    r"^(?:['’]s\b|\s+(?:has|had|was|is|lives|lived|uses|used|attends|attended|came|comes|felt|"
    r"feels|helped|led|leads|ran|runs|set|still|now|also|and|drove|designed|built|painted|"
    r"rang|translated|organised|checked|read|stayed|suggested|tested|served|joins)\b)")
# after a word: it names a people, a language or a culture ("Roma communities")
AFTER_PEOPLE = re.compile(r"^\s+(?:communit|people|famil|speak|language|women|men\b|group|"
                          r"culture|heritage|background|origin|descent|traveller|cuisine)",
                          re.IGNORECASE)
BEFORE_STRONG = re.compile(
    rf"(?:\b(?:called|named|thank(?:ed|s)?|by|with|asked|told|elected|meet|met)|\b{ROLE}s?,?)"
    r"\s*$", re.IGNORECASE)


def _sentence_start(text: str, start: int) -> bool:
    return _SENTENCE_END.search(text[max(0, start - 4):start]) is not None


def _word(token: str) -> str:
    """A capitalised word without trailing punctuation or "'s"."""
    word = token.rstrip("'’-")
    for tail in ("'s", "’s"):
        word = word.removesuffix(tail)
    return word


def _tokens(text: str) -> list[tuple[int, int, str, int]]:
    """Capitalised words: (start, end without "'s", the word, end)."""
    out = []
    for m in _TOKEN.finditer(text):
        word = _word(m.group(0))
        out.append((m.start(), m.start() + len(word), word, m.end()))
    return out


def _runs(text: str, tokens: list[tuple[int, int, str, int]]
          ) -> list[list[tuple[int, int, str, int]]]:
    """Capitalised words one space apart, as one proper noun: "King George's Field"."""
    runs: list[list[tuple[int, int, str, int]]] = []
    for token in tokens:
        if runs and text[runs[-1][-1][3]:token[0]] == " ":
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def name_words(distinct: set[str]) -> frozenset[str]:
    """The words among DISTINCT (``screen_words`` of a text) that are given names as
    written: a text holding none of them has no names (``names`` of it is empty)."""
    return frozenset(_name_forms().intersection(distinct))


@lru_cache(maxsize=1)
def _name_forms() -> frozenset[str]:
    """Every word starting A to Z that ``_known`` takes for a given name: the names'
    capitalised forms (a word is one of them exactly when it is such a name: tested)."""
    forms = (name.capitalize() for name in given_names())
    return frozenset(form for form in forms if "A" <= form[:1] <= "Z"
                     and _known(form) is not None)


def names(text: str) -> list[Span]:
    """Spans of what looks like a person's given name (with a surname if one follows), each
    with a word either side of it, so that the span withheld is specific."""
    known = given_names()
    tokens = _tokens(text)
    if not any(_known(token[2]) is not None for token in tokens):
        return []  # most texts: found in one pass
    found: list[Span] = []
    for run in _runs(text, tokens):
        lower = [token[2].lower() for token in run]
        joined = " ".join(lower)
        if any(w in ORG_WORDS for w in lower) or any(p in joined for p in ORG_PHRASES):
            continue
        before_run = text[:run[0][0]].split()
        if before_run and before_run[-1].lower().rstrip(".") in BEFORE_PLACE:
            continue
        for i, (start, end, word, _) in enumerate(run):
            ambiguous = _known(word)
            if ambiguous is None:
                continue
            if i > 0 and not (i == 1 and run[0][2] in OPENERS) and \
                    run[i - 1][2].lower() not in known:
                break  # inside a proper noun: "Healthwatch Kingston"
            if i > 0 and run[i - 1][2].lower().rstrip(".") in BEFORE_PLACE:
                break
            if AFTER_PEOPLE.match(text[end:end + 60]):
                break  # "Irish Traveller", "Roma communities"
            surname = i + 1 < len(run) and known.get(run[i + 1][2].lower()) is not True
            last = run[-1][1] if surname else end
            after, before = text[last:last + 60], text[max(0, start - 40):start]
            strong = surname or AFTER_STRONG.match(after) or BEFORE_STRONG.search(before)
            if (ambiguous and not strong) or AFTER_PEOPLE.match(after):
                break
            if not ambiguous and not strong and not AFTER_PERSON.match(after) and \
                    _sentence_start(text, start) and len(run) == 1 and \
                    not re.match(r"^\s*(?:,|and\b|$)", after):
                break
            found.append(_widen(text, start, last))
            break
    return merged(found)


def merged(spans: list[Span]) -> list[Span]:
    """Spans that overlap or touch, joined: each is withheld whole, so none may hide part
    of another ("Ian and" and "and Mandy ran" are "Ian and Mandy ran")."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _widen(text: str, start: int, end: int) -> Span:
    """The span with the word before and after it, within the sentence."""
    left = re.search(r"[\w'’,-]+\s+$", text[max(0, start - 30):start])
    right = re.match(r"^[,'’]?\s+[\w'’-]+", text[end:end + 30])
    return (start - len(left.group(0)) if left else start,
            end + len(right.group(0)) if right else end)


QUOTED = re.compile(r"\"[^\"]{3,}\"|“[^”]{3,}”|‘[^’]{3,}’|(?<![\w'])'[^'\n]{3,}?'(?!\w)")
SPEECH = (r"(?:said|says|explained|added|recalled|commented|remembered|wrote|shared|"
          r"told(?:\s+(?:us|me|the\s+\w+))?|put\s+it)")


def _who(group: str) -> str:
    """A speaker: a singled-out person ("one member", "a young carer") or a capitalised
    word, kept as GROUP to be looked up among the given names."""
    return (rf"(?:(?:one|another|a|an|the)(?:\s+[\w-]+){{0,3}}?\s+{ROLE}(?:\s+[\w-]+){{0,4}}?"
            rf"|(?P<{group}>[A-Z][\w'’-]+))")


AFTER_QUOTE = re.compile(
    rf"\s*[,.!?]?\s*(?:{SPEECH}\s+{_who('name')}|{_who('n2')}(?:,\s+[^,]{{1,40}},)?\s+{SPEECH}\b|"
    rf"[—–-]\s*(?P<dash>[A-Z][\w'’-]+))")
BEFORE_QUOTE = re.compile(
    rf"(?:^|[.!?]\s+|\b(?:in\s+the\s+words\s+of|as)\s+){_who('name')}(?:,\s+[^,]{{1,40}},)?"
    rf"(?:\s+{SPEECH}\b[^.!?]*?|\s*[,:]\s*)$", re.IGNORECASE)
_REST = re.compile(r"[^.!?\n\"“‘]*")
PUT_IT = re.compile(rf"\bas\s+(?:(?:one|a|an)\s+{ROLE}(?:,\s+(?P<n2>[A-Z]\w+),)?|(?P<name>"
                    r"[A-Z]\w+))\s+put\s+it\b", re.IGNORECASE)


def _person(match: re.Match, *groups: str) -> bool:
    """Whether the speaker matched is a person: a role, or a word in the given names."""
    for group in groups:
        word = match.groupdict().get(group)
        if word:
            return word.rstrip("'’s").lower() in given_names()
    return True


def mentions_quote(text: str) -> bool:
    """Whether TEXT may hold a quote: a cheap screen for ``quotes``."""
    if '"' in text or "“" in text or "‘" in text or "put" in text.lower():
        return True
    at = text.find("'")
    while at != -1:  # a straight single quote that opens a quote, not an apostrophe
        if at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_'"):
            return True
        at = text.find("'", at + 1)
    return False


def quotes(text: str) -> list[Span]:
    """Spans of quotes attributed to a person (the quote and its attribution)."""
    found: list[Span] = []
    if not mentions_quote(text):
        return found
    for q in QUOTED.finditer(text):
        after = AFTER_QUOTE.match(text, q.end(), q.end() + 80)
        if after and _person(after, "name", "n2", "dash"):  # to the end of the sentence,
            found.append((q.start(), _REST.match(text, after.end()).end()))  # its age too
            continue
        before = BEFORE_QUOTE.search(text, max(0, q.start() - 120), q.start())
        if before and before.group(0).strip() and _person(before, "name"):
            found.append((before.start(), q.end()))
    for m in PUT_IT.finditer(text):
        if _person(m, "name", "n2"):
            found.append(m.span())
    return merged(found)


# Health and offence words, in every form looked for, and phrases with the word of each
# that is among them: a text holding none of these words is passed in one scan
HEALTH_WORDS = frozenset("""
schizophrenia schizophrenic bipolar dementia alzheimer alzheimers parkinson parkinsons
depression depressed psychosis psychotic sectioned psychiatric cancer tumour chemotherapy hiv
hepatitis stroke diabetes diabetic epilepsy epileptic seizure seizures autism autistic
asperger aspergers adhd dialysis amputation amputee amputated blind suicide suicidal overdose
overdosed addict addicted addiction alcoholic alcoholism heroin cocaine anorexia anorexic
bulimia bulimic ocd ptsd palliative prison prisoner jail jailed gaol custody convicted
conviction convictions offence offences offender offending probation arrest arrested
cautioned sentenced assault assaulted shoplifting theft burglary parole self-harm
self-harming addicts offenders prisoners convicts strokes tumours cancers alcoholics overdoses
amputees diabetics epileptics arrests assaults""".split())
HEALTH_PHRASES = (r"multiple\s+sclerosis", r"motor\s+neurone",
                  r"heart\s+(?:attack|failure|disease)", r"sight\s+loss",
                  r"learning\s+disabilit(?:y|ies)", r"down['’]?s\s+syndrome",
                  r"cerebral\s+palsy", r"brain\s+injury", r"self\s+harm(?:ing)?",
                  r"eating\s+disorder", r"terminally\s+ill", r"mental\s+illness",
                  r"criminal\s+record")
_SCREEN_WORDS = HEALTH_WORDS | frozenset(
    "sclerosis neurone heart sight disability disabilities syndrome palsy injury harm "
    "harming disorder terminally illness record self".split())
HEALTH = re.compile(r"\b(?:" + "|".join([*HEALTH_PHRASES, *sorted(
    (re.escape(w) for w in HEALTH_WORDS), key=len, reverse=True)]) + r")(?:['’]s)?\b",
    re.IGNORECASE)
_CLAUSE = re.compile(r"[^.!?]+[.!?]*")
# as written: in lower case, with a capital, or in capitals (HIV, Dementia)
HEALTH_SCREEN = frozenset(form for word in _SCREEN_WORDS
                          for form in (word, word.capitalize(), word.upper()))


def mentions_health(text: str, split: set[str] | None = None) -> bool:
    """Whether TEXT (or its ``screen_words`` SPLIT) may hold a health or offence term: a
    cheap screen for ``HEALTH`` (every match of it holds one of these words, in one of
    these forms)."""
    return not HEALTH_SCREEN.isdisjoint(screen_words(words(text)) if split is None else split)


def health(text: str, named: list[Span] | None = None) -> list[Span]:
    """Spans from a named or singled-out person to a health or offence detail in the same
    sentence ("Tom, who has schizophrenia"; "one member, recently released from prison")."""
    found: list[Span] = []
    if not mentions_health(text):
        return found
    named = names(text) if named is None else named
    if not named and SINGLED.search(text) is None:
        return found  # no one named or singled out (a sentence's match is the text's too)
    for sentence in _CLAUSE.finditer(text):
        s, e = sentence.span()
        terms = [m for m in HEALTH.finditer(text, s, e) if not _in_org(text, m)]
        if not terms:
            continue
        people = [span for span in named if s <= span[0] < e]
        people += [m.span() for m in SINGLED.finditer(text, s, e)]
        if people:
            first = min(p[0] for p in people)
            found.append((min(first, terms[0].start()),
                          max(terms[-1].end(), max(p[1] for p in people))))
    return merged(found)


def _in_org(text: str, term: re.Match) -> bool:
    """A capitalised health word naming a charity or programme: "Stroke Association"."""
    if not term.group(0)[:1].isupper():
        return False
    after = re.match(r"^['’]?s?\s+([A-Z]\w+)", text[term.end():term.end() + 30])
    return after is not None and (after.group(1).lower() in ORG_WORDS or
                                  after.group(1) in ("Cancer", "Support", "Friends"))


def labels(text: str) -> set[str]:
    """The labels of the labelled set that the detector gives a text: name, quote, health."""
    named = names(text)
    found = set()
    if named:
        found.add("name")
    if quotes(text):
        found.add("quote")
    if health(text, named):
        found.add("health")
    return found
