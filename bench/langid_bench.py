"""Language-ID benchmark: accuracy on a labelled corpus, throughput against a bare lingua loop,
and peak memory of the process tree.

Run from the project root (no network needed):

    .venv/bin/python -m bench.langid_bench [--copies 60] [--repeats 3] [--workers 2]

Accuracy runs the stage in this process over `bench.langid_corpus`: full sentences, short
snippets, ~4 KB articles and two-language texts. Throughput tags copies of the corpus's eight
long articles (~4 KB of text that does not repeat itself, in eight languages and four scripts)
three ways in one run: a bare single-threaded `detect_language_of` loop over the whole texts (the
baseline), the stage in this process (sampling alone), and the stage on a process pool (sampling
and all workers). Each is timed `--repeats` times; the median is reported and judged. Results are
printed as a table and written as JSON to `bench/results/`.
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

from lingua import Language

from bench import langid_corpus as corpus
from bench.memory import PeakTreeRss
from config.language import LanguageSettings
from tasks.executors import worker_pool
from tasks.language.detect import (
    DETECTOR_VERSION,
    LanguageInput,
    LanguageTag,
    detector_for,
    preload_detector,
    sample_windows,
    tag_languages,
    tagger_name,
)

RESULTS = Path(__file__).resolve().parent / "results"
BARS = {"sentence_accuracy": 0.98, "pool_speedup": 3.0, "peak_rss_mb": 2048}


def _inputs(samples: list[corpus.Sample]) -> list[LanguageInput]:
    return [LanguageInput(f"{s.kind}-{i}", f"sha-{i}", None, None, s.text) for i, s in enumerate(samples)]


def _tag(samples: list[corpus.Sample], settings: LanguageSettings) -> list[LanguageTag]:
    output = tag_languages(_inputs(samples), settings)
    assert not output.quarantined, output.quarantined
    return output.items


def _code(language: Language | None) -> str:
    return language.iso_code_639_1.name.lower() if language else "und"


def accuracy(settings: LanguageSettings) -> dict:
    """Accuracy of the stage (and, for reference, of bare lingua) on each kind of text."""
    detector = detector_for(settings)
    script_of_language = {lang: script for (lang, script) in corpus.SENTENCES if (lang, script) != ("zh", "Hant")}
    report: dict = {}

    def single(name: str, samples: list[corpus.Sample]) -> None:
        tags = _tag(samples, settings)
        right = sum(t.language == s.language for t, s in zip(tags, samples))
        undetermined = sum(t.language == "und" for t in tags)
        wrong = Counter(f"{s.language}->{t.language}" for t, s in zip(tags, samples)
                        if t.language not in (s.language, "und"))
        bare = [_code(detector.detect_language_of(s.text)) for s in samples]
        report[name] = {
            "texts": len(samples),
            "mean_chars": round(statistics.mean(len(s.text) for s in samples), 1),
            "accuracy": round(right / len(samples), 4),
            "und": undetermined,
            "wrong": sum(wrong.values()),
            "confusions": dict(wrong.most_common()),
            "script_accuracy": round(sum(t.script == s.script for t, s in zip(tags, samples)) / len(samples), 4),
            "false_secondary": sum(t.secondary_language is not None for t in tags),
            "bare_lingua_accuracy": round(sum(b == s.language for b, s in zip(bare, samples)) / len(samples), 4),
        }

    single("sentences", corpus.sentences())
    single("snippets_2_words", corpus.snippets(words=2, spaceless_chars=6))
    single("snippets_4_words", corpus.snippets(words=4, spaceless_chars=12))
    single("articles_stitched", corpus.articles(per_language=2))
    single("articles_long", corpus.long_articles(copies=1))

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
            "methods": mixed_methods(samples, settings),
        }
    return report


def mixed_methods(samples: list[corpus.Sample], settings: LanguageSettings) -> dict:
    """Which lingua call finds both languages of a two-language text, and at what cost per text.

    `windows`: the stage's sampled windows. `detect_multiple`: the second language is among the
    two with most characters in `detect_multiple_languages_of`'s sections. `confidence_values`:
    the second language gets a confidence of at least 0.01 on the whole text.
    """
    detector = detector_for(settings)
    results = {}

    def run(name: str, finds_both: Callable[[corpus.Sample], bool]) -> None:
        started = time.perf_counter()
        found = sum(finds_both(s) for s in samples)
        results[name] = {"both_found": found, "ms_per_text": round((time.perf_counter() - started) * 1000 / len(samples), 2)}

    def by_windows(s: corpus.Sample) -> bool:
        tag = _tag([s], settings)[0]
        return {tag.language, tag.secondary_language} == {s.language, s.secondary}

    def by_multiple(s: corpus.Sample) -> bool:
        chars: Counter[str] = Counter()
        for section in detector.detect_multiple_languages_of(s.text):
            chars[_code(section.language)] += section.end_index - section.start_index
        return {code for code, _ in chars.most_common(2)} == {s.language, s.secondary}

    def by_confidences(s: corpus.Sample) -> bool:
        values = {_code(v.language): v.value for v in detector.compute_language_confidence_values(s.text)}
        return min(values.get(s.language, 0), values.get(s.secondary, 0)) >= 0.01

    run("windows", by_windows)
    run("detect_multiple", by_multiple)
    run("confidence_values", by_confidences)
    return results


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
    """Articles per second: bare lingua loop vs the stage in-process vs the stage on a pool.

    The three methods take turns within each repeat, so a change in the machine's load during
    the run hits all of them alike.
    """
    samples = corpus.long_articles(copies=copies)
    texts = [s.text for s in samples]
    inputs = _inputs(samples)
    batches = [inputs[i : i + batch_size] for i in range(0, len(inputs), batch_size)]
    detector = detector_for(settings)
    pool_name = f"stage_pool_{workers}_workers"

    def bare() -> None:
        for text in texts:
            detector.detect_language_of(text)

    def stage(executor: object = None) -> None:
        for batch in batches:
            tag_languages(batch, settings, executor=executor)  # type: ignore[arg-type]

    started = time.perf_counter()
    with worker_pool(workers, preload_detector, (settings,), start_now=True) as pool:
        # Several chunks, so every worker has loaded its detector and served work before timing.
        tag_languages(inputs[: workers * 64], settings, executor=pool)
        pool_start = time.perf_counter() - started
        methods: dict[str, Callable[[], None]] = {
            "bare_lingua_1_thread": bare,
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

    bare_median = statistics.median(wall["bare_lingua_1_thread"])
    bare_cpu = statistics.median(cpu["bare_lingua_1_thread"])

    def row(name: str) -> dict:
        median = statistics.median(wall[name])
        return {
            "seconds_median": round(median, 3),
            "seconds_all": [round(t, 3) for t in wall[name]],
            "articles_per_s": round(len(texts) / median, 1),
            "speedup_vs_bare": round(bare_median / median, 2),
            "cpu_ms_per_article": round(statistics.median(cpu[name]) * 1000 / len(texts), 3),
            "cpu_saving_vs_bare": round(bare_cpu / statistics.median(cpu[name]), 2),
            # CPU seconds per wall second: how many cores the method actually got on this machine.
            "cores_used": round(statistics.median(c / w for c, w in zip(cpu[name], wall[name])), 2),
        }

    windows = [sample_windows(t, settings.window_chars, settings.window_count) for t in texts]
    return {
        "articles": len(texts),
        "mean_bytes": round(statistics.mean(len(t.encode()) for t in texts)),
        "mean_chars": round(statistics.mean(len(t) for t in texts)),
        "mean_chars_in_windows": round(statistics.mean(sum(map(len, w)) for w in windows)),
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
        f"{'texts':<20}{'n':>5}{'chars':>7}{'acc':>8}{'und':>5}{'wrong':>6}{'script':>8}{'2nd?':>5}{'bare':>8}",
    ]
    for name in ("sentences", "snippets_2_words", "snippets_4_words", "articles_stitched", "articles_long"):
        r = acc[name]
        lines.append(
            f"{name:<20}{r['texts']:>5}{r['mean_chars']:>7.0f}{r['accuracy']:>8.1%}{r['und']:>5}{r['wrong']:>6}"
            f"{r['script_accuracy']:>8.1%}{r['false_secondary']:>5}{r['bare_lingua_accuracy']:>8.1%}"
        )
    lines.append("")
    for name in ("mixed_1200_chars", "mixed_4096_chars"):
        r = acc[name]
        methods = "  ".join(f"{m} {v['both_found']}/{r['texts']} ({v['ms_per_text']} ms)" for m, v in r["methods"].items())
        lines.append(f"{name:<20} both reported {r['both_reported']}/{r['texts']}   {methods}")
    lines += [
        "",
        f"throughput on {thr['articles']} articles of ~{thr['mean_bytes']} bytes ({thr['mean_chars']} chars; "
        f"windows cover ~{thr['mean_chars_in_windows']}; two are read when they agree), median of {results['repeats']}:",
    ]
    for name in ("bare_lingua_1_thread", "stage_in_process", f"stage_pool_{thr['workers']}_workers"):
        r = thr[name]
        lines.append(
            f"  {name:<24}{r['articles_per_s']:>8.1f} articles/s {r['speedup_vs_bare']:>6.2f}x   "
            f"cpu {r['cpu_ms_per_article']:>5.2f} ms/article on {r['cores_used']:.2f} cores   wall s {r['seconds_all']}"
        )
    lines += [
        f"  pool start (spawn + detector load): {thr['pool_start_seconds']} s",
        f"peak RSS of the process tree: {results['peak_rss_mb']} MB",
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
    parser.add_argument("--accuracy", choices=("low", "high"), default="low", help="lingua accuracy mode")
    args = parser.parse_args()

    settings = LanguageSettings(accuracy=args.accuracy)
    load_start = os.getloadavg()
    with PeakTreeRss(lambda: [os.getpid()]) as memory:
        accuracy_report = accuracy(settings)
        throughput_report = throughput(settings, args.copies, args.repeats, args.workers, args.batch_size)
    peak_mb = round(memory.peak_bytes / 2**20)
    pool_key = f"stage_pool_{args.workers}_workers"
    results = {
        "bench": "langid",
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tagger": tagger_name(settings),
        "lingua": DETECTOR_VERSION,
        "settings": settings.model_dump(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "repeats": args.repeats,
        "accuracy": accuracy_report,
        "throughput": throughput_report,
        "peak_rss_mb": peak_mb,
        "bars": {
            "sentence accuracy >= 98%": accuracy_report["sentences"]["accuracy"] >= BARS["sentence_accuracy"],
            "pool >= 3x bare loop": throughput_report[pool_key]["speedup_vs_bare"] >= BARS["pool_speedup"],
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
