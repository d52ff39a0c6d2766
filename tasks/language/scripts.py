"""The writing system of a text, as an ISO 15924 code, from Unicode script properties.

Every character's Unicode `Script` property (via the `regex` module's `\\p{sc=...}`) is counted;
characters of the Common and Inherited scripts (digits, punctuation, spaces, most combining
marks) are not letters of any script and are ignored. Han, kana and Hangul are then combined the
way ISO 15924 names whole writing systems: Han with kana is Japanese (`Jpan`), Hangul (with or
without Han) is Korean (`Kore`), and Han alone is Simplified (`Hans`) or Traditional (`Hant`)
Chinese when the characters that exist in only one of the two systems (after CC-CEDICT, shipped
by `zhon`) say so, else plain `Hani`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex
from zhon import cedict

# ISO 15924 codes of every script in Unicode 16 (the `regex` module accepts them as `sc=` values).
_SCRIPT_CODES = (
    "Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Bopo Brah Brai Bugi Buhd "
    "Cakm Cans Cari Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym "
    "Ethi Gara Geor Glag Gong Gonm Goth Gran Grek Gujr Gukh Guru Hang Hani Hano Hatr Hebr Hira "
    "Hluw Hmng Hmnp Hung Ital Java Kali Kana Kawi Khar Khmr Khoj Kits Knda Krai Kthi Lana Laoo "
    "Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero Mlym "
    "Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya "
    "Osge Osma Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur "
    "Sgnw Shaw Shrd Sidd Sind Sinh Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu "
    "Taml Tang Tavt Tayo Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Todr Tols Toto Tutg Ugar Vaii "
    "Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb"
).split()


def _script_pattern() -> regex.Pattern[str]:
    """One alternation with a named group per script this `regex` build knows."""
    known = []
    for code in _SCRIPT_CODES:
        try:
            regex.compile(rf"\p{{sc={code}}}")
        except regex.error:
            continue  # an older Unicode database in `regex` lacks the newest scripts
        known.append(rf"(?P<{code}>\p{{sc={code}}})")
    return regex.compile("|".join(known))


_SCRIPT_OF_CHAR = _script_pattern()
_SIMPLIFIED_ONLY = frozenset(cedict.simplified) - frozenset(cedict.traditional)
_TRADITIONAL_ONLY = frozenset(cedict.traditional) - frozenset(cedict.simplified)
_KANA = ("Hira", "Kana")
# Share of kana among Han + kana above which Han text is Japanese (Japanese prose runs at 30-60%
# kana; a Chinese text quoting one Japanese name stays far below).
_JAPANESE_KANA_SHARE = 0.1
# Share of Hangul among Han + Hangul above which the text is Korean.
_KOREAN_HANGUL_SHARE = 0.5

NO_LETTERS = "Zyyy"  # ISO 15924 "Common": the text has digits or punctuation but no letters


@lru_cache(maxsize=1 << 16)
def script_of(char: str) -> str | None:
    """The ISO 15924 code of one character's Unicode script, or None for Common/Inherited."""
    match = _SCRIPT_OF_CHAR.match(char)
    return match.lastgroup if match else None


@dataclass(frozen=True)
class ScriptCounts:
    """How many characters of a text belong to each script (letters only)."""

    by_script: dict[str, int]
    simplified_only: int
    traditional_only: int

    def __add__(self, other: ScriptCounts) -> ScriptCounts:
        return ScriptCounts(
            dict(Counter(self.by_script) + Counter(other.by_script)),
            self.simplified_only + other.simplified_only,
            self.traditional_only + other.traditional_only,
        )

    @property
    def letters(self) -> int:
        """Characters that belong to some script."""
        return sum(self.by_script.values())

    def dominant(self) -> str:
        """The ISO 15924 code of the writing system most of the letters belong to."""
        counts = Counter(self.by_script)
        if not counts:
            return NO_LETTERS
        han, hangul = counts.pop("Hani", 0), counts.pop("Hang", 0)
        kana = sum(counts.pop(code, 0) for code in _KANA)
        if kana and kana >= _JAPANESE_KANA_SHARE * (han + kana):
            counts["Jpan"] += han + kana
            han = 0
        elif kana:
            counts["Hira"] += kana
        if hangul and hangul >= _KOREAN_HANGUL_SHARE * (han + hangul):
            counts["Kore"] += hangul + han
            han = 0
        elif hangul:
            counts["Hang"] += hangul
        if han:
            counts[self._han_variant()] += han
        # Highest count wins; ties go to the alphabetically first code so the answer is stable.
        return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]

    def _han_variant(self) -> str:
        if self.simplified_only > self.traditional_only:
            return "Hans"
        if self.traditional_only > self.simplified_only:
            return "Hant"
        return "Hani"


def count_scripts(text: str) -> ScriptCounts:
    """Count the letters of `text` per Unicode script, and its Simplified/Traditional-only Han."""
    by_script: Counter[str] = Counter()
    simplified = traditional = 0
    # Counting distinct characters first keeps the per-character Python work to the alphabet size.
    for char, n in Counter(text).items():
        code = script_of(char)
        if code is None:
            continue
        by_script[code] += n
        if code == "Hani":
            if char in _SIMPLIFIED_ONLY:
                simplified += n
            elif char in _TRADITIONAL_ONLY:
                traditional += n
    return ScriptCounts(dict(by_script), simplified, traditional)


def text_script(text: str) -> str:
    """The ISO 15924 code of the writing system `text` is mostly written in (`Zyyy` if none)."""
    return count_scripts(text).dominant()
