"""How articles are tagged with their language, and the language codes the stage accepts."""

from __future__ import annotations

from typing import Literal

from lingua import IsoCode639_1, IsoCode639_3, Language
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


def language_from_code(code: str) -> Language:
    """The lingua `Language` for an ISO 639-1 or 639-3 code, with a one-line error otherwise."""
    cleaned = code.strip().lower()
    try:
        if len(cleaned) == 2:
            return Language.from_iso_code_639_1(IsoCode639_1.from_str(cleaned))
        if len(cleaned) == 3:
            return Language.from_iso_code_639_3(IsoCode639_3.from_str(cleaned))
    except ValueError:
        pass
    raise ValueError(f"unknown or unsupported language code {code!r} (use ISO 639-1 like 'en' or 639-3 like 'eng')")


def iso_code(language: Language) -> str:
    """ISO 639-1 where the language has one, else ISO 639-3."""
    code = language.iso_code_639_1 or language.iso_code_639_3
    return code.name.lower()


class LanguageSettings(BaseModel):
    """How articles are tagged with their language (a flow parameter; renders as a form)."""

    model_config = ConfigDict(extra="forbid")

    languages: list[str] = Field(
        default_factory=list,
        description="ISO 639-1 (`en`) or 639-3 (`eng`) codes of the languages to choose among; "
        "empty means every language fastText and lingua know. A smaller set is more accurate "
        "when you know what your sources publish (tags outside it are never given).",
    )
    accuracy: Literal["low", "high"] = Field(
        "high",
        description="lingua's mode for its second opinion on short texts (under `short_chars`; "
        "longer texts always use `low`, as accurate there). `high`: 1- to 5-gram models, the most "
        "accurate on short texts; a worker loads them for each language it meets in short texts, "
        "so its memory grows with the number of languages (bench/README has the sizes). `low`: "
        "trigram models only, a small memory per worker whatever the languages.",
    )
    short_chars: int = Field(
        300,
        ge=0,
        le=100_000,
        description="Texts with fewer characters of prose always get lingua's second opinion (in "
        "the `accuracy` mode), choosing among fastText's top guesses and their close relatives.",
    )
    sure_confidence: float = Field(
        0.9,
        ge=0.0,
        le=1.0,
        description="fastText's probability at or above which a longer text is tagged by fastText "
        "alone (unless fastText also gives a close relative of that language a share).",
    )
    min_chars: int = Field(
        40,
        ge=1,
        le=10_000,
        description="Letters (a Han, kana or Hangul character counts as 3) a text needs for a "
        "confident tag. A shorter body is joined with the title and description; what is still "
        "shorter gets its confidence scaled down in proportion.",
    )
    min_confidence: float = Field(
        0.5, ge=0.0, le=1.0, description="Tags with a lower confidence are stored as `und` (undetermined)."
    )
    window_chars: int = Field(
        300, ge=50, le=100_000, description="Characters in each window sampled from a long text that may hold two "
        "languages; lingua's second opinion on a long text reads its first and last window."
    )
    window_count: int = Field(
        5,
        ge=1,
        le=100,
        description="Windows sampled, spread evenly from start to end. Texts longer than "
        "window_chars x window_count cost no more than that to tag.",
    )
    min_secondary_share: float = Field(
        0.25,
        gt=0.0,
        le=0.5,
        description="Share of the sampled text a second language must hold to be reported as "
        "`secondary_language`.",
    )

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, codes: list[str]) -> list[str]:
        """Normalize to sorted, distinct ISO 639-1 codes; reject codes lingua does not know."""
        normalized = {iso_code(language_from_code(code)) for code in codes}
        return sorted(normalized)

    @model_validator(mode="after")
    def _at_least_two(self) -> LanguageSettings:
        if len(self.languages) == 1:
            raise ValueError("languages: give at least two languages to choose among, or none for all")
        return self
