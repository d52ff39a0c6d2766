"""A synthetic article corpus with planted duplicates, for the dedup benchmark.

Articles are ~300 words drawn from a Zipf-distributed vocabulary of pseudo-words (like the word
frequencies of real text), each with a site header and footer. Articles share a topic with
others: a topic boosts its own words and lends a few stock sentences (a quote, a boilerplate
line) to its articles, so unrelated articles on one topic overlap a little, as real same-topic
news does. A share of articles is written in a script without spaces (Han characters), which
dedup shingles by characters.

Planted duplicates, each a copy of an earlier article:
- near: another site's header and footer, and a few sentences edited (one or two words
  replaced, or a word dropped), like a syndicated story with a corrected typo;
- exact: the same text with different whitespace, punctuation spacing and letter case.

The ground truth is the list of planted clusters (an original with all its copies).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa

_SYLLABLES = (
    "ka to ri mo sen lar vi que po dan mi el su ter no ga bre lin os ur fa ze chi wu han "
    "pel dro ma ne sto vel ar ik on ul be ta gor mi ru sal ven do ke lu pra zo "
).split()
_HAN_FIRST = 0x4E00


@dataclass(frozen=True)
class Corpus:
    """Articles (Arrow table, the columns dedup reads) and the planted duplicate clusters."""

    articles: pa.Table
    clusters: list[list[str]]
    kinds: dict[str, str]  # article_id of a planted copy -> "near" or "exact"


class _Writer:
    """Draws words, sentences and articles from one seeded generator."""

    def __init__(self, seed: int, vocabulary: int = 50_000, topics: int = 300) -> None:
        self.rng = np.random.default_rng(seed)
        words = set()
        while len(words) < vocabulary:
            count = int(self.rng.integers(1, 5))
            words.add("".join(self.rng.choice(_SYLLABLES, size=count)))
        self.words = np.array(sorted(words))
        self.rng.shuffle(self.words)
        weights = 1.0 / np.arange(1, vocabulary + 1) ** 1.07
        self.cumulative = np.cumsum(weights / weights.sum())
        han_weights = 1.0 / np.arange(1, 3_001) ** 0.9
        self.han_cumulative = np.cumsum(han_weights / han_weights.sum())
        self.topic_words = [self.rng.integers(200, vocabulary, size=40) for _ in range(topics)]
        self.topic_sentences = [[self._sentence(None, False) for _ in range(6)] for _ in range(topics)]
        self.topic_han = [[self._sentence(None, True) for _ in range(6)] for _ in range(topics)]
        self.sites = ["".join(self.rng.choice(_SYLLABLES, size=3)).capitalize() for _ in range(400)]
        self.names = ["".join(self.rng.choice(_SYLLABLES, size=2)).capitalize() + " " + "".join(self.rng.choice(_SYLLABLES, size=3)).capitalize() for _ in range(2000)]

    def _words(self, count: int, topic: int | None) -> list[str]:
        picks = np.searchsorted(self.cumulative, self.rng.random(count))
        if topic is not None:
            from_topic = self.rng.random(count) < 0.2
            picks[from_topic] = self.rng.choice(self.topic_words[topic], size=int(from_topic.sum()))
        return self.words[picks].tolist()

    def _sentence(self, topic: int | None, han: bool) -> str:
        if han:
            count = int(self.rng.integers(12, 40))
            chars = np.searchsorted(self.han_cumulative, self.rng.random(count)) + _HAN_FIRST
            return "".join(map(chr, chars)) + "。"
        words = self._words(int(self.rng.integers(6, 26)), topic)
        if self.rng.random() < 0.3:
            words.insert(int(self.rng.integers(1, len(words))), str(int(self.rng.integers(2, 5000))))
        text = " ".join(words)
        if self.rng.random() < 0.3:
            cut = int(self.rng.integers(2, len(words)))
            text = " ".join(words[:cut]) + ", " + " ".join(words[cut:])
        return text[0].upper() + text[1:] + "."

    def body(self, topic: int, han: bool) -> list[str]:
        """About 300 words (or 600 Han characters) of sentences, with 0-2 stock sentences.

        The words of a whole article are drawn in one call: drawing per sentence made corpus
        generation slower than the dedup it feeds."""
        stock = self.topic_han[topic] if han else self.topic_sentences[topic]
        rng = self.rng
        if han:
            sentences: list[str] = []
            size = 0
            while size < 600:
                sentence = stock[int(rng.integers(len(stock)))] if rng.random() < 0.08 else self._sentence(topic, True)
                sentences.append(sentence)
                size += len(sentence)
            return sentences
        lengths = rng.integers(6, 26, size=40)
        count = int(np.searchsorted(np.cumsum(lengths), 300)) + 1
        lengths = lengths[:count].tolist()
        words = self._words(sum(lengths), topic)
        use_stock = (rng.random(count) < 0.08).tolist()
        numbers = [str(x) if r < 0.3 else None for x, r in zip(rng.integers(2, 5000, size=count).tolist(), rng.random(count).tolist())]
        commas = [c if r < 0.3 else 0 for c, r in zip(rng.integers(2, 6, size=count).tolist(), rng.random(count).tolist())]
        sentences = []
        start = 0
        for i, n in enumerate(lengths):
            part = words[start : start + n]
            start += n
            if use_stock[i]:
                sentences.append(stock[i % len(stock)])
                continue
            if numbers[i]:
                part.insert(1 + i % (n - 1), numbers[i])
            if commas[i]:
                part[commas[i] - 1] += ","
            text = " ".join(part)
            sentences.append(text[0].upper() + text[1:] + ".")
        return sentences

    def header(self, site: str, when: datetime) -> str:
        name = self.names[int(self.rng.integers(len(self.names)))]
        return f"{site} | {when:%B %d, %Y} | By {name}"

    def footer(self, site: str, when: datetime) -> str:
        return f"Copyright {when.year} {site}. All rights reserved. Read more stories at {site.lower()}.example"

    def edit(self, sentence: str, han: bool) -> str:
        """A small correction: replace one or two words (characters), or drop one."""
        if han:
            chars = list(sentence)
            for _ in range(int(self.rng.integers(1, 3))):
                i = int(self.rng.integers(0, max(len(chars) - 1, 1)))
                chars[i] = chr(int(np.searchsorted(self.han_cumulative, self.rng.random())) + _HAN_FIRST)
            return "".join(chars)
        words = sentence.split(" ")
        if self.rng.random() < 0.3 and len(words) > 3:
            del words[int(self.rng.integers(1, len(words) - 1))]
        else:
            for _ in range(int(self.rng.integers(1, 3))):
                words[int(self.rng.integers(0, len(words)))] = self._words(1, None)[0]
        return " ".join(words)


def _article_id(seed: int, index: int) -> str:
    return hashlib.sha256(f"bench-{seed}-{index}".encode()).hexdigest()[:32]


def generate_corpus(
    n: int,
    near_fraction: float = 0.1,
    exact_fraction: float = 0.02,
    no_space_fraction: float = 0.1,
    edited_sentences: int = 3,
    seed: int = 0,
) -> Corpus:
    """`n` articles of which `near_fraction` are near copies and `exact_fraction` exact copies
    of earlier articles (an original may get several copies)."""
    writer = _Writer(seed)
    rng = writer.rng
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    ids, texts, languages, published = [], [], [], []
    # per original: its body sentences, topic, script, and the cluster it heads
    bodies: list[tuple[list[str], bool]] = []
    cluster_of: dict[int, list[str]] = {}
    kinds: dict[str, str] = {}
    position: dict[str, int] = {}
    copies = rng.random(n)
    for i in range(n):
        article_id = _article_id(seed, i)
        when = start + timedelta(minutes=int(rng.integers(0, 60 * 24 * 365)))
        kind = None
        if bodies and copies[i] < near_fraction:
            kind = "near"
        elif bodies and copies[i] < near_fraction + exact_fraction:
            kind = "exact"
        if kind is None:
            han = rng.random() < no_space_fraction
            sentences = writer.body(int(rng.integers(len(writer.topic_words))), han)
            site = writer.sites[int(rng.integers(len(writer.sites)))]
            text = "\n\n".join([writer.header(site, when), " ".join(sentences), writer.footer(site, when)])
            bodies.append((sentences, han))
            cluster_of[len(bodies) - 1] = [article_id]
        else:
            original = int(rng.integers(len(bodies)))
            sentences, han = bodies[original]
            first = cluster_of[original][0]
            if kind == "exact":
                text = _respace(texts[position[first]], rng)
            else:
                edited = list(sentences)
                for j in rng.choice(len(edited), size=min(edited_sentences, len(edited)), replace=False):
                    edited[j] = writer.edit(edited[j], han)
                site = writer.sites[int(rng.integers(len(writer.sites)))]
                text = "\n\n".join([writer.header(site, when), " ".join(edited), writer.footer(site, when)])
            cluster_of[original].append(article_id)
            kinds[article_id] = kind
        ids.append(article_id)
        texts.append(text)
        languages.append("zh" if (han if kind else bodies[-1][1]) else "xx")
        position[article_id] = i
        published.append(when)
    articles = pa.table(
        {
            "article_id": ids,
            "content_sha256": [hashlib.sha256(t.encode()).hexdigest() for t in texts],
            "language": languages,
            "published_at": pa.array(published, type=pa.timestamp("us", tz="UTC")),
            "text": pa.array(texts, type=pa.large_string()),
        }
    )
    clusters = [members for members in cluster_of.values() if len(members) > 1]
    return Corpus(articles, clusters, kinds)


def _respace(text: str, rng: np.random.Generator) -> str:
    """The same words with other whitespace, spacing before punctuation, and letter case."""
    out = text.replace(". ", ".  ").replace(", ", " , ").replace("\n\n", "\n \n")
    return out.upper() if rng.random() < 0.5 else out.lower()
