"""Author names from bylines: one grammar for every place a page names its authors.

JSON-LD `author`, meta tags, trafilatura's finding, front matter `author(s)` and the byline
lines of copied text all go through the same rules:

- a label before the names is dropped: "By", "Written by", "Von", "Par", "Por", "Di", "Door",
  "Av", "Af", "Przez", "Author:", "Autorin:", "Texte :", "Redaktion:", "A cura di", "Автор:",
  "Yazan:", "oprac.", "بقلم", "מאת", "Oleh:", "Szerző:", "作者：", "本报记者", "新华社记者", "文/图";
- names are listed between `;`, `、`, `|`, ` / `, ` · `, the middle dot of Korean bylines, a
  Chinese role ("张三 通讯员 李四"), line breaks, commas ("A, B, and C"), and the conjunctions
  "and", "&", "und", "et", "og", "och", "en", "и", "ve", "và"; "y", "e" and "i" also join
  Spanish, Portuguese and Catalan surnames ("Ortega y Gasset"), so they only split two names
  of two words or more;
- "Doe, Jane", "García Márquez, Gabriel", "Da Silva Santos, João" are one inverted name, "Jane
  Doe, London" and "Anna Schmidt, Reuters" a person and a place or an agency
  (`tasks.clean.person_names`); "Jr.", "Sr.", "III", "PhD" after a comma stay with the name before;
- e-mail addresses, handles ("@jane"), links, bracketed affiliations ("(Reuters)"), job titles
  ("Staff Writer", "Redakteurin", "AP Auto Writer", "admin"), a place after the name ("Jane Doe
  in London"), the outlet it was written for ("for The New York Times"), the kind of piece
  before the label ("Ein Gastbeitrag von", "Une chronique de"), photo and video credits
  ("Photo: John Roe") and the name of a character reference a broken decoding left ("Oacute")
  are not names;
- a label after one word ("Capital Von Jemima Kelly") starts the names; a name written twice,
  once as a URL slug ("Chuck Ross", "Chuck-Ross"), is one name; a person's name in capitals
  ("TOM KRISHER") is written as a reader writes it ("Tom Krisher").

`people_first` then keeps the people when any is named, the organizations otherwise: a name is
an organization's when the page says so (JSON-LD `@type` Organization, the publisher's or the
site's name) or when it is written like one (a legal form such as "GmbH", "Ltd", "SA"; a newsroom
or agency word such as "Redaktion", "Newsroom", "Press", "PAP"; a web address "www.haufe.de"; "Copyright ...").
Beside a person's full name a single capitalized word is a place the byline was filed from
("London", "Frankfurt"): no list of places is needed, and a lone name ("ZAKER") is kept.

`split_authors` reads a field that is meant to hold names; `read_byline` decides whether a line
of text is a byline at all (it must start with a label and name only people).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.entities import name2codepoint

from tasks.clean.person_names import as_written_by_a_reader, is_inverted_name
from tasks.clean.values import clean_list, clean_text, fold

_MAX_AUTHOR_CHARS = 100
_MAX_PERSON_CHARS = 50
_MAX_PERSON_WORDS = 5
# A name in a script without letter case is a word of a few characters: 张三, 山田太郎, 김철수,
# محمد; Chinese and Japanese write no spaces, so a longer run is a phrase.
_MAX_UNCASED_WORD_CHARS = 12

_EMAIL = re.compile(r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<!\S)@[\w.]+")  # a social media handle beside or instead of the name
_WEB_ADDRESS = re.compile(r"https?://\S+")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|（[^（）]*）")

_LABEL_END = r"(?:\s*[:：/｜|]\s*|\s+)"
_GENRES = (
    "article artikel beitrag gastbeitrag kommentar analyse analysis analisi análisis essay interview review "
    "chronique tribune reportage crónica columna opinión editorial commento rubrica column"
).split()
# A label before the names. "Von", "Di" and the label words written without a colon also start
# surnames or ordinary words ("Von Miller", "Von der Leyen", "Di Maio", "Text Mining"), so they
# only count before two words or more, not the first of them a particle.
_LABEL = re.compile(
    # a kind of piece before the label: "Ein Gastbeitrag von", "Une chronique de", "Crónica de"
    rf"^(?:(?:ein|eine|un|une|una|uno|a|an)\s+)?(?:{'|'.join(_GENRES)})\s+(?:von|de|by|par|por|di|door|af|av)\s+|"
    r"^(?:(?:written|posted|reported|story|words|photos?)\s+)?(?:by|par|por|door|av|af|przez)(?:\s*[:：]\s*|\s+)"
    r"|^(?:von|di)(?:\s*[:：]\s*|\s+(?=(?!(?:der|den|dem|des|zu|zum|zur|la|lo)\s)\S+\s+\S))"
    r"|^(?:authors?|autor(?:in|en|zy)?|auteurs?|autore|autori|text|texto|texte|tekst|автор|авторы|текст"
    r"|yazan|yazar|muhabir|oprac\.?|opracowanie|بقلم|كتب|लेखक|筆者)(?:\s*[:：/｜|]\s*|\s+(?=\S+\s+\S))"
    r"|^(?:redaktion|reportagem|reportaje|reportage|oleh|penulis|teksti|kirjoittaja|szerző|نویسنده)\s*[:：]\s*"
    r"|^a\s+cura\s+di\s+|^מאת\s+"
    # Chinese newspapers name the newsroom before the reporter: "本报记者", "新华社记者"
    rf"|^(?:(?:本报|本報|新华社|新華社|中新社|中新网|央视)?(?:特约|首席|实习)?(?:记者|記者)|作者|撰文|文/图|图/文|文){_LABEL_END}",
    re.IGNORECASE,
)
# Between names: `;`, `|`, `、`, line breaks, ` / `, ` · `, the middle dot between Korean names
# ("김철수·이영희"; not inside a Catalan "l·l"), a Chinese role between two names ("通讯员").
_SEPARATORS = re.compile(
    r"\s*(?:[;；、|｜\n]|\s/\s|\s·\s|(?<=[\uac00-\ud7a3])·(?=[\uac00-\ud7a3]))\s*"
    r"|\s+(?:通讯员|通訊員|记者|記者|实习生|實習生)\s+"
)
_COMMA = re.compile(r"\s*[,，]\s*")
_ALWAYS_JOINS = re.compile(r"\s+(?:and|&|und|et|og|och|en|и|ve|và)\s+", re.IGNORECASE)
# written in lowercase after a comma; a capitalized "En", "Ve" or "Und" may start a name
_LEADING_JOIN = re.compile(r"^(?:and|&|und|et|og|och|en|и|ve|và)\s+")
_NAME_JOINS = re.compile(r"\s+(?:y|e|i)\s+")
_NAME_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv|phd|ph\.d|md)\.?$", re.IGNORECASE)
# A label after one word: "Capital Von Jemima Kelly" (a section name, then the byline); not a
# particle ("Ursula Von der Leyen") and only before a full name.
_LABEL_INSIDE = re.compile(
    r"^[^\W\d_][\w'-]*\s+(?:von|by|par|por|door)\s+(?!(?:der|den|dem|des|zu|zum|zur|la|le|del)\s)"
    r"(?=[^\W\d_]*[A-ZÀ-ÖØ-Þ][\w'-]*\s+[A-ZÀ-ÖØ-Þ])",
    re.IGNORECASE,
)
# Where a byline was filed from: "Jane Doe in London", "Anna Schmidt aus Frankfurt".
_PLACE_AFTER_NAME = re.compile(
    r"(?<=\S)\s+(?:in|from|aus|à|depuis|desde)\s+[A-ZÀ-ÖØ-Þ][\w'-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'-]*)?$"
)
# Whom the piece was written for: "Jane Doe for The New York Times", "Anna Schmidt für den Spiegel".
_OUTLET_AFTER_NAME = re.compile(r"(?<=\S)\s+(?i:for|für|pour|para)\s+(?:(?i:the|den|die|das|le|la|el)\s+)?[A-ZÀ-ÖØ-Þ].*$")
# Who took the photos or made the video or graphics is named beside the authors, not as one.
_OTHER_CONTRIBUTOR = re.compile(r"^(?:photos?|fotos?|video|bild(?:er)?|grafik|graphics?|illustrations?)\s*[:：]", re.IGNORECASE)
# News agencies: part of a job title ("AP Auto Writer"), an organization beside a person.
_AGENCIES = frozenset(
    """
    ap afp dpa efe ansa upi apa kna epd reuters xinhua tass anp ntb tt pap čtk ctk mti lusa belga anadolu
    kyodo jiji yonhap interfax ria pti ians ani antara bernama sda
    """.split()
)
# Words that make a name an organization's: legal forms, newsrooms, agencies, web addresses.
_ORGANIZATION_WORDS = frozenset(
    """
    gmbh ag kg mbh ltd limited inc llc llp plc corp corporation sa sas sarl srl spa bv nv oy
    redaktion rédaction redacción redaccion redazione redactie redakcja newsroom newsdesk agency
    press presse prensa news
    agentur agence agencia agenzia verlag publishing media medien group gruppe editorial staff
    copyright www
    """.split()
) | _AGENCIES
_WEB_HOST = re.compile(r"\b[\w-]+\.(?:com|org|net|de|fr|es|it|nl|at|ch|co|uk|ru|pl|cz|in|jp|cn|br|au|ca)\b", re.IGNORECASE)
# What is left of a half-decoded character reference ("Redacci&Oacute;n" split at "&" and ";").
_ENTITY_NAMES = frozenset(name.casefold() for name in name2codepoint)
# Korean and Japanese bylines put the job title after the name: "홍길동 기자" (reporter), "특파원"
# (correspondent), "山田太郎 記者".
_TITLE_AFTER_NAME = re.compile(r"\s+(?:기자|특파원|선임기자|논설위원|記者|记者|特派員|編集委員|論説委員)$")
# Lowercase words inside a person's name: "van der Berg", "da Silva", "bin Salman", "Puig i Cadafalch".
_NAME_PARTICLES = frozenset("van von de der den da di du la le del dos das bin al ibn zu ten ter y e i".split())
_ROLE_WORDS = frozenset(
    """
    staff writer writers reporter reporters correspondent correspondents editor editors
    contributor contributing columnist photographer photographers journalist journalists senior
    chief political special associate managing deputy news desk producer analyst intern freelance
    foreign economics business sports science health technology tech opinion guest international
    national bureau redakteur redakteurin korrespondent korrespondentin journaliste rédacteur
    rédactrice envoyé envoyée spécial spéciale corresponsal periodista redactor redactora
    giornalista corrispondente writer auto markets climate entertainment travel food medical
    education legal religion energy admin administrator webmaster gastautor gastautorin
    """.split()
)


def split_authors(value: Iterable[str] | str | None) -> list[str]:
    """Author names from bylines as written: "By A, B and C", "A & B", "Von A", "A; B", "A (Reuters)".

    Labels, e-mail addresses, links, bracketed affiliations and job titles are removed;
    duplicates (case-insensitive) dropped, order kept. A single name, a person's or an
    organization's ("ZAKER"), stays one entry. Splitting its own result changes nothing.

    >>> split_authors("By Jane Doe, John Smith and Li Wei")
    ['Jane Doe', 'John Smith', 'Li Wei']
    """
    if value is None:
        return []
    bylines = [value] if isinstance(value, str) else list(value)
    names: dict[str, str] = {}
    for name in clean_list(piece for byline in bylines for piece in _pieces(byline)):
        if (
            len(name) <= _MAX_AUTHOR_CHARS
            and any(char.isalpha() for char in name)
            and not _is_role(name)
            and name.casefold() not in _ENTITY_NAMES
        ):
            names.setdefault(fold(name) or name, as_written_by_a_reader(name))
    return list(names.values())


def people_first(sources: Iterable[list[str]], organizations: Iterable[str] = ()) -> list[str]:
    """The people named by the first of `sources` (author lists in order of trust) that names
    any; when none does, the first non-empty list as it is (organizations only).

    `organizations` are names the page gives to organizations (its publisher, its site, JSON-LD
    authors typed Organization). Beside a person's full name, a single capitalized word is the
    place the story was filed from, and a name not written like a person's (with digits, in
    lowercase: "g1 SP", the outlet and its region) an outlet or desk: both are dropped.

    >>> people_first([["Monika Bolliger", "Frankfurter Allgemeine Zeitung GmbH", "Frankfurt"]])
    ['Monika Bolliger']
    """
    known = {key for name in organizations if (key := fold(name))}
    lists = [names for names in sources if names]
    for names in lists:
        people = [name for name in names if not _is_organization(name, known)]
        if any(len(name.split()) > 1 for name in people):
            people = [name for name in people if _is_person(name) and (len(name.split()) > 1 or not name[0].isupper())]
        if people:
            return people
    return lists[0] if lists else []


def names_a_person(names: Iterable[str], organizations: Iterable[str] = ()) -> bool:
    """Whether any of `names` is a person's rather than an organization's (`organizations` as
    for `people_first`): a list that does is the one `people_first` chooses before later ones."""
    known = {key for name in organizations if (key := fold(name))}
    return any(not _is_organization(name, known) for name in names)


def read_byline(line: str) -> list[str] | None:
    """The people a line of text names if it is a byline ("By Jane Doe and John Roe"), else None.

    A byline starts with a label and lists only people's names and job titles ("By Staff
    Reporter" is a byline naming nobody: []). "By the way, the library reopens" is no byline.
    """
    if not _LABEL.match(line):
        return None
    pieces = _pieces(line)
    if not pieces or not all(_is_role(piece) or _is_person(piece) for piece in pieces):
        return None
    return [name for name in clean_list(pieces) if not _is_role(name)]


def _pieces(byline: str) -> list[str]:
    """Every part of one byline that stands where a name stands (job titles included), in order."""
    text = clean_text(byline)
    if not text:
        return []
    text = " ".join(_BRACKETED.sub(" ", _WEB_ADDRESS.sub(" ", _HANDLE.sub(" ", _EMAIL.sub(" ", text)))).split())
    pieces: list[str] = []
    for chunk in _SEPARATORS.split(_strip_labels(text)):
        for listed in _split_commas(_strip_labels(chunk)):
            pieces.extend(_strip_labels(name) for name in _split_conjunctions(listed))
    pieces = [piece for piece in pieces if piece and not _OTHER_CONTRIBUTOR.match(piece)]
    return [_OUTLET_AFTER_NAME.sub("", _PLACE_AFTER_NAME.sub("", _TITLE_AFTER_NAME.sub("", piece))) for piece in pieces]


def _strip_labels(text: str) -> str:
    """A name without the "By"/"Von"/"Author:" words written before it (also "Written by: By ...")."""
    previous = None
    while previous != text:
        previous = text
        text = _LABEL_INSIDE.sub("", _LABEL.sub("", text)).strip(" ,:-–—")
    return text


def _is_organization(name: str, known: set[str]) -> bool:
    """Whether `name` is an organization's: one the page names (`known`, folded), or written
    like one (a legal form, a newsroom word, a web address)."""
    words = {word.strip(".,©()").casefold() for word in name.split()}
    return fold(name) in known or bool(words & _ORGANIZATION_WORDS) or bool(_WEB_HOST.search(name)) or "©" in name


def _is_role(part: str) -> bool:
    """Whether a byline fragment is a job title ("Staff Writer") rather than a name."""
    words = {word.strip(".") for word in part.casefold().replace("-", " ").split()}
    return bool(words & _ROLE_WORDS) and words <= _ROLE_WORDS | _AGENCIES


def _is_person(name: str) -> bool:
    """Whether `name` is written like a person's: one to five words, each capitalized unless a
    particle (`van`, `de`, `y`), or short words of a script without letter case."""
    words = name.split()
    if not 0 < len(words) <= _MAX_PERSON_WORDS or len(name) > _MAX_PERSON_CHARS or any(ch.isdigit() for ch in name):
        return False
    uncased = [w for w in words if not w[0].isupper() and not w[0].islower()]
    if any(len(w) > _MAX_UNCASED_WORD_CHARS or not w[0].isalpha() for w in uncased):
        return False
    cased = [w for w in words if w[0].isupper() or w[0].islower()]
    capitalized = [w for w in cased if w[0].isupper()]
    return all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in cased) and bool(uncased or capitalized)


def _split_commas(text: str) -> list[str]:
    """Comma-separated names; "Doe, Jane" (surname, given names) is one inverted name, kept
    whole, and a suffix ("Jr.") stays with the name before it."""
    # the conjunction after the last comma of a list ("A, B, and C") starts no name
    parts = [part.strip() for part in _COMMA.split(text) if part.strip()]
    parts = parts[:1] + [_LEADING_JOIN.sub("", part) for part in parts[1:]]
    inverted = len(parts) == 2 and is_inverted_name(*parts)
    if inverted and not _NAME_SUFFIX.match(parts[-1]) and not any(_is_role(part) or _is_organization(part, set()) for part in parts):
        return [text]
    names: list[str] = []
    for part in parts:
        if names and _NAME_SUFFIX.match(part):
            names[-1] = f"{names[-1]} {part}"
        else:
            names.append(part)
    return names


def _split_conjunctions(text: str) -> list[str]:
    """Names joined by "and", "&", "und", "et", ... ("y", "e", "i" only between full names)."""
    names: list[str] = []
    for part in _ALWAYS_JOINS.split(text):
        pieces = _NAME_JOINS.split(part)
        if len(pieces) > 1 and all(len(piece.split()) >= 2 for piece in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    return names
