"""The language stage: tag each article with its language, script and tagger version.

lingua-language-detector does the detection. The detector is built once per process and kept
in a module-level cache keyed by the settings that shape it, so a worker of a process pool
(`tasks.executors.worker_pool` with `preload_detector`) loads its models once, not once per batch.

How one article is tagged (algorithm `ALGORITHM_VERSION`):

- The body text is used alone when it has enough letters (`min_chars`); a shorter body gets the
  title and description added, and a text still short of `min_chars` keeps a confidence scaled
  down in proportion, so it becomes `und` rather than a guess.
- A few windows (`window_count` x `window_chars`) spread evenly over the text are detected
  separately, so the cost stops growing with the text's length and text in two languages shows
  up as windows that disagree. The first and last windows are read first: when lingua is sure
  (confidence >= 0.95) of the same language in both, the windows between are skipped, so a
  single-language article costs two windows.
- Each window's lingua confidence values, weighted by its letters, vote for the primary
  language. A second language that clearly wins (lingua confidence >= 0.95) windows holding at
  least `min_secondary_share` of the sampled letters is reported with that share. The
  confidence is the letter-weighted lingua confidence of the primary language over the windows
  not given to the second language, times the length factor.
- The script is the dominant ISO 15924 writing system (`tasks.language.scripts`) of the windows whose
  language is the primary one, so a mixed text gets the script of its primary language.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import defaultdict
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from importlib.metadata import version

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from config.language import LanguageSettings, iso_code, language_from_code
from tasks.language.scripts import NO_LETTERS, ScriptCounts, count_scripts
from tasks.records import Rejected
from tasks.stage import StageOutput, run_stage

STAGE = "language"
UNDETERMINED = "und"
# Bump when the way a tag is computed from lingua's output changes: every article is retagged.
ALGORITHM_VERSION = "v1"
DETECTOR_VERSION = version("lingua-language-detector")

# A Han, kana or Hangul character carries about as much evidence as a short word; an alphabetic
# letter about a fifth of one. Weighting them keeps `min_chars` meaningful across scripts.
_IDEOGRAPHIC = frozenset({"Hani", "Hira", "Kana", "Hang"})
_IDEOGRAPHIC_WEIGHT = 3
# lingua's confidence values are sorted; values below this add nothing to the vote.
_NEGLIGIBLE_CONFIDENCE = 1e-3
# A window counts for a second language only when lingua is this sure of it: close relatives
# (Indonesian/Malay, Danish/Bokmål) split a window's confidence, two languages in one text don't.
_DECISIVE_WINDOW = 0.95
# A custom language set longer than this is named in the tagger by a hash, not spelled out.
_SPELLED_OUT_LANGUAGES = 8
_SPACE = re.compile(r"\s")


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
    """The name and version of the tagger these settings make, e.g. `lingua-2.1.1/low/all/v1`.

    It changes with the lingua version, the accuracy mode, the language set, the algorithm
    version, and (as a `+hash` suffix) any tuning parameter moved from its default, so a flow
    can retag exactly the articles tagged by something else.
    """
    if not settings.languages:
        language_set = "all"
    elif len(settings.languages) <= _SPELLED_OUT_LANGUAGES:
        language_set = "-".join(settings.languages)
    else:
        digest = hashlib.sha256(",".join(settings.languages).encode()).hexdigest()[:8]
        language_set = f"{len(settings.languages)}langs-{digest}"
    name = f"lingua-{DETECTOR_VERSION}/{settings.accuracy}/{language_set}/{ALGORITHM_VERSION}"
    tuning = settings.model_dump(exclude={"languages", "accuracy"})
    if tuning != LanguageSettings().model_dump(exclude={"languages", "accuracy"}):
        name += "+" + hashlib.sha256(json.dumps(tuning, sort_keys=True).encode()).hexdigest()[:8]
    return name


_DETECTORS: dict[tuple[str, tuple[str, ...]], LanguageDetector] = {}
_DETECTORS_LOCK = threading.Lock()


def detector_for(settings: LanguageSettings) -> LanguageDetector:
    """This process's lingua detector for the settings' accuracy and language set (built once)."""
    key = (settings.accuracy, tuple(settings.languages))
    detector = _DETECTORS.get(key)
    if detector is None:
        with _DETECTORS_LOCK:
            detector = _DETECTORS.get(key)
            if detector is None:
                if settings.languages:
                    builder = LanguageDetectorBuilder.from_languages(
                        *(language_from_code(code) for code in settings.languages)
                    )
                else:
                    builder = LanguageDetectorBuilder.from_all_languages()
                if settings.accuracy == "low":
                    builder = builder.with_low_accuracy_mode()
                detector = builder.with_preloaded_language_models().build()
                _DETECTORS[key] = detector
    return detector


def preload_detector(settings: LanguageSettings) -> None:
    """Process-pool initializer: build the detector before the first batch arrives."""
    detector_for(settings)


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


def _cut(text: str, start: int, end: int) -> str:
    """`text[start:end]` without the partial words at either edge (kept if it has no spaces)."""
    window = text[start:end]
    slack = max(1, len(window) // 4)
    if start > 0:
        space = _SPACE.search(window, 0, slack)
        if space:
            window = window[space.end():]
    if end < len(text):
        tail = window[-slack:]
        spaces = [m.start() for m in _SPACE.finditer(tail)]
        if spaces:
            window = window[: len(window) - slack + spaces[-1]]
    return window


def _next_space(text: str, at: int) -> int:
    """The first whitespace at or after `at` if one is near, else `at` (scripts without spaces)."""
    space = _SPACE.search(text, at, at + 40)
    return space.start() if space else at


def sample_windows(text: str, window_chars: int, window_count: int) -> list[str]:
    """Up to `window_count` windows of about `window_chars` characters spread over `text`.

    A text that fits in the windows is cut into consecutive pieces (all of it is read);
    a longer one is sampled at evenly spaced offsets from its start to its end.
    """
    text = text.strip()
    length = len(text)
    if length <= window_chars:
        return [text] if text else []
    if length <= window_chars * window_count:
        pieces = -(-length // window_chars)
        bounds = [0, *(_next_space(text, round(i * length / pieces)) for i in range(1, pieces)), length]
        return [piece for a, b in zip(bounds, bounds[1:]) if (piece := text[a:b].strip())]
    if window_count == 1:
        start = (length - window_chars) // 2
        spans = [(start, start + window_chars)]
    else:
        stride = (length - window_chars) / (window_count - 1)
        spans = [(round(i * stride), round(i * stride) + window_chars) for i in range(window_count)]
    windows = [_cut(text, start, end).strip() for start, end in spans]
    return [window for window in windows if window]


@dataclass
class _Window:
    """One sampled window: its letters per script and lingua's confidences for it."""

    scripts: ScriptCounts
    confidences: dict[Language, float]  # the non-negligible ones

    @property
    def letters(self) -> int:
        return self.scripts.letters

    @property
    def top(self) -> Language:
        return max(self.confidences, key=self.confidences.__getitem__)

    @property
    def decisive(self) -> bool:
        return self.confidences[self.top] >= _DECISIVE_WINDOW


def _read_windows(detector: LanguageDetector, windows: list[str]) -> list[_Window]:
    """Count each window's scripts and ask lingua for its language confidences.

    The first and the last window are read first; when lingua is sure of the same language in
    both, the text is taken to be in that one language and the windows between are skipped.
    """
    order = [0, len(windows) - 1, *range(1, len(windows) - 1)] if len(windows) > 2 else range(len(windows))
    verdicts: list[_Window] = []
    for read, index in enumerate(order):
        if read == 2 and len(verdicts) == 2 and all(v.decisive for v in verdicts) and verdicts[0].top == verdicts[1].top:
            break
        window = windows[index]
        scripts = count_scripts(window)
        if not scripts.letters:
            continue
        try:
            values = detector.compute_language_confidence_values(window)
        except UnicodeEncodeError as exc:
            raise Rejected("invalid_unicode", f"text cannot be encoded as UTF-8: {exc.reason}") from exc
        confidences: dict[Language, float] = {}
        for value in values:
            if value.value < _NEGLIGIBLE_CONFIDENCE:
                break
            confidences[value.language] = value.value
        if confidences:
            verdicts.append(_Window(scripts, confidences))
    return verdicts


def _decide(
    verdicts: list[_Window], settings: LanguageSettings
) -> tuple[Language, float, Language | None, float | None]:
    """Primary language, its confidence, and the second language with its share, if any.

    Votes and shares are weighted by letters (the share of the text a language holds);
    the length factor uses `_evidence`, which weights ideographs up.
    """
    votes: dict[Language, float] = defaultdict(float)
    won: dict[Language, int] = defaultdict(int)  # letters of the windows a language clearly tops
    for verdict in verdicts:
        for language, confidence in verdict.confidences.items():
            votes[language] += verdict.letters * confidence
        if verdict.decisive:
            won[verdict.top] += verdict.letters
    total = sum(verdict.letters for verdict in verdicts)
    primary = max(votes, key=votes.__getitem__)
    secondary = max((lang for lang in won if lang != primary), key=won.__getitem__, default=None)
    share = won[secondary] / total if secondary is not None else None
    if share is not None and share < settings.min_secondary_share:
        secondary = share = None

    # The second language's windows say nothing about how sure the primary tag is.
    kept = [v for v in verdicts if secondary is None or not (v.decisive and v.top == secondary)]
    confidence = sum(v.letters * v.confidences.get(primary, 0.0) for v in kept) / sum(v.letters for v in kept)
    evidence = sum(_evidence(v.scripts) for v in verdicts)
    confidence *= min(1.0, evidence / settings.min_chars)
    return primary, confidence, secondary, share


def _script(windows: list[str], verdicts: list[_Window], language: Language | None) -> str:
    """The writing system of the windows in `language` (of all windows when there is none)."""
    own = [v.scripts for v in verdicts if v.top == language]
    counted = own or [count_scripts(window) for window in windows]
    return sum(counted, ScriptCounts({}, 0, 0)).dominant()


def tag_language(item: LanguageInput, settings: LanguageSettings, tagger: str | None = None) -> LanguageTag:
    """Tag one article version (see the module docstring for how).

    `tagger` is `tagger_name(settings)`, passed in by batch callers so it is computed once.
    """
    if not isinstance(item.text, (str, type(None))):
        raise Rejected("invalid_text", f"text is {type(item.text).__name__}, not str")
    windows = sample_windows(_source_text(item, settings.min_chars), settings.window_chars, settings.window_count)
    verdicts = _read_windows(detector_for(settings), windows)
    tag = LanguageTag(
        article_id=item.article_id,
        content_sha256=item.content_sha256,
        language=UNDETERMINED,
        confidence=0.0,
        script=NO_LETTERS,
        secondary_language=None,
        secondary_share=None,
        tagger=tagger or tagger_name(settings),
    )
    if not verdicts:
        tag.script = _script(windows, verdicts, None)
        return tag
    primary, confidence, secondary, share = _decide(verdicts, settings)
    tag.script = _script(windows, verdicts, primary)
    tag.confidence = round(confidence, 4)
    if confidence >= settings.min_confidence:
        tag.language = iso_code(primary)
        if secondary is not None and share is not None:
            tag.secondary_language = iso_code(secondary)
            tag.secondary_share = round(share, 4)
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
