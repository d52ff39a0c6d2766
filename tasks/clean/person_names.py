"""People's names as bylines write them: surname first, or in capitals.

**Surname first.** Library catalogues, academic sites and many content systems write authors surname first:
"Doe, Jane", "García Márquez, Gabriel", "van der Berg, Anna", "Da Silva Santos, João". Bylines
also put a comma between a person and where they filed from or whom they work for: "Jane Doe,
London", "Anna Schmidt, Reuters". The shape alone cannot tell "García Márquez, Gabriel" from
"Jane Doe, London", so the words are looked up:

- the part after the comma must be given names: one or two capitalized words or initials, the
  first not a place (a country, or a city of the time zone database, in the CLDR's names of
  several languages);
- a one-word surname, or one that starts with a particle ("van", "da", "de la"), is enough;
- a surname of several capitalized words ("García Márquez") only when the part after the comma
  is a known given name and the surname's first word is not one: "Jane Doe, Washington" starts
  with a given name, so it is a person and a place.

**Capitals.** Wire services and some content systems write bylines in capitals ("TOM KRISHER");
a reader writes "Tom Krisher". A name of two to four words in capitals is written with initial
capitals only when its first word is a known given name, so "BBC NEWS" or "NASA JPL" stay as
they are; particles inside it are lowercase ("JOSÉ DE LA CRUZ" is "José de la Cruz").

Given names come from Faker's person providers (MIT) for the languages written in cased scripts;
places from Babel's CLDR territory and city names and the time zone database. Both are loaded
once per process, only when a byline has this shape.
"""

from __future__ import annotations

import importlib
import re
import zoneinfo
from functools import cache

from babel import Locale

# Lowercase or capitalized words a surname starts with: "van der Berg", "Da Silva", "de la Fuente".
SURNAME_PARTICLES = frozenset(
    "van von de der den da di du la le del della dos das ten ter al el bin ibn mac st".split()
)
_MAX_SURNAME_WORDS = 4
_MAX_GIVEN_WORDS = 2
_MIN_CAPITALS_WORDS = 2
# The parts of a word that each start with a capital: "O'BRIEN" is "O'Brien", "JEAN-LUC" "Jean-Luc".
_CAPITALIZED_PART = re.compile(r"[^\W\d_]+")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.-?)+$")
_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*$")
# Faker's person providers of languages in cased scripts, where "Surname, Given" is written.
_NAME_LOCALES = (
    "en_US en_GB en_IE en_IN de_DE de_AT de_CH fr_FR fr_CA es_ES es_MX es_AR es_CO pt_BR pt_PT it_IT "
    "nl_NL nl_BE pl_PL cs_CZ sk_SK ru_RU uk_UA bg_BG tr_TR sv_SE da_DK no_NO fi_FI is_IS hu_HU ro_RO "
    "hr_HR sl_SI lt_LT lv_LV et_EE el_GR id_ID vi_VN ga_IE"
).split()
_NAME_LISTS = ("first_names", "first_names_male", "first_names_female")
_PLACE_LANGUAGES = "en de fr es pt it nl pl cs ru tr sv da".split()


def is_inverted_name(surname: str, given: str) -> bool:
    """Whether `surname` and `given` (the parts of a byline before and after its one comma) are one
    person's name written surname first.

    >>> is_inverted_name("García Márquez", "Gabriel"), is_inverted_name("Jane Doe", "London")
    (True, False)
    """
    surname_words, given_words = surname.split(), given.split()
    if not _is_surname(surname_words) or not _are_given_names(given_words):
        return False
    if _key(given_words[0]) in _places():
        return False
    if len(surname_words) == 1 or surname_words[0].casefold() in SURNAME_PARTICLES:
        return True
    return _key(given_words[0]) in _given_names() and _key(surname_words[0]) not in _given_names()


def as_written_by_a_reader(name: str) -> str:
    """`name` with initial capitals only when it is a person's name written in capitals.

    >>> as_written_by_a_reader("TOM KRISHER"), as_written_by_a_reader("BBC NEWS")
    ('Tom Krisher', 'BBC NEWS')
    """
    words = name.split()
    if not _MIN_CAPITALS_WORDS <= len(words) <= _MAX_SURNAME_WORDS or not name.isupper():
        return name
    if not all(_WORD.match(word) or _INITIALS.match(word) for word in words) or _key(words[0]) not in _given_names():
        return name
    return " ".join(
        word.lower() if index and word.casefold() in SURNAME_PARTICLES else _CAPITALIZED_PART.sub(lambda m: m.group(0).capitalize(), word)
        for index, word in enumerate(words)
    )


def _is_surname(words: list[str]) -> bool:
    """One to four words, each capitalized or a particle."""
    return 0 < len(words) <= _MAX_SURNAME_WORDS and all(
        _WORD.match(word) and (word[0].isupper() or word.casefold() in SURNAME_PARTICLES) for word in words
    )


def _are_given_names(words: list[str]) -> bool:
    """Initials ("J. R. R."), or one or two capitalized words, the second a given name or an
    initial ("María R."): a second word that is neither may be another person's surname."""
    if not words or all(_INITIALS.match(word) for word in words):
        return bool(words)
    names = [word for word in words if not _INITIALS.match(word)]
    if len(names) > _MAX_GIVEN_WORDS or not all(_WORD.match(word) and word[0].isupper() for word in names):
        return False
    return len(names) == 1 or all(_key(word) in _given_names() for word in names)


def _key(word: str) -> str:
    """A word as looked up: without case and trailing punctuation."""
    return word.strip(".,").casefold()


@cache
def _given_names() -> frozenset[str]:
    """Given names of many languages (casefolded), from Faker's person providers."""
    names: set[str] = set()
    for locale in _NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in _NAME_LISTS:
            listed = getattr(provider, attribute, ())
            if isinstance(listed, (tuple, list, set, frozenset, dict)):
                names.update(name.casefold() for name in listed)
    return frozenset(names)


@cache
def _places() -> frozenset[str]:
    """Countries and major cities (casefolded) in several languages: CLDR's territory and time
    zone city names, and the cities the time zone database is named after."""
    places = {zone.rsplit("/", 1)[-1].replace("_", " ").casefold() for zone in zoneinfo.available_timezones() if "/" in zone}
    for language in _PLACE_LANGUAGES:
        locale = Locale.parse(language)
        places.update(name.casefold() for name in locale.territories.values())
        places.update(zone["city"].casefold() for zone in locale.time_zones.values() if "city" in zone)
    return frozenset(places)
