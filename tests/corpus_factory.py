"""Realistic article files generated for tests: many distinct HTML pages with boilerplate."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = (
    "council budget river harbour election minister school hospital railway festival museum "
    "farmers drought vaccine research university court police storm bridge market energy solar "
    "wind contract teachers nurses parliament mayor district village tourism export import"
).split()


def article_html(i: int, rng: random.Random) -> str:
    """One news page: navigation, a headline, dated byline, 5 paragraphs, and a footer."""
    title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} report number {i}"
    paragraphs = "\n".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 70))) + f" (item {i}.{p}).</p>"
        for p in range(5)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example Gazette</title>
<meta property="og:site_name" content="Example Gazette">
<meta name="author" content="Reporter {i % 7}">
<meta property="article:published_time" content="2024-03-{1 + i % 28:02d}T08:30:00+02:00">
<link rel="canonical" href="https://gazette.example/news/{i}?utm_source=feed">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="cookie">We use cookies. <button>Accept</button></div>
<article><h1>{title}</h1><p class="byline">By Reporter {i % 7}</p>
{paragraphs}
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Other story</a></li><li><a href="/b">Another story</a></li></ul></aside>
<footer>Copyright 2024 Example Gazette. <a href="/privacy">Privacy</a></footer>
</body></html>
"""


def write_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """Write `n` distinct article pages into `folder`; returns their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"article-{i:04d}.html"
        path.write_text(article_html(i, rng), encoding="utf-8")
        paths.append(path)
    return paths
