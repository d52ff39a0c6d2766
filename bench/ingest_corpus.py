"""A varied corpus of generated news pages for the ingest benchmark.

Each page is one article from one of several site templates (semantic `<article>` markup or
nested `<div>`s, JSON-LD or meta tags only, comments or none), in one of eleven languages and
five scripts (Latin, Cyrillic, Greek, Arabic, Han), 300 to 3,000 words long (log-uniform, so
most are short as in real news), with subheadings, a quote, and on some pages lists, a table
and a figure, among the page furniture real pages carry: navigation, cookie banner, inline
script and style, related links, footer.
The text is random words of the page's language, so no two pages share paragraphs.
Everything is UTF-8; most pages declare it, some do not (decoding then checks the bytes).
"""

from __future__ import annotations

import html
import json
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MIN_WORDS = 300
MAX_WORDS = 3000

# Common news words per language (keyed by its `<html lang>`): words, sentence end, word separator.
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "en": (
        "council budget river harbour election minister school hospital railway festival museum farmers "
        "drought vaccine research university court police storm bridge market energy contract teachers "
        "nurses parliament mayor district village tourism export the of and to in that said would year "
        "people government new report local plans week officials residents",
        ".", " ",
    ),
    "de": (
        "Stadtrat Haushalt Fluss Hafen Wahl Minister Schule Krankenhaus Bahn Museum Landwirte Dürre "
        "Impfstoff Forschung Universität Gericht Polizei Sturm Brücke Markt Energie Vertrag Lehrer "
        "Bürgermeister Bezirk Dorf der die und das nicht mit für auf sagte werden Jahr Menschen Regierung "
        "neue Bericht örtlichen Pläne Woche Behörden Einwohner über größere",
        ".", " ",
    ),
    "fr": (
        "conseil budget fleuve port élection ministre école hôpital chemin fer festival musée agriculteurs "
        "sécheresse vaccin recherche université tribunal police tempête pont marché énergie contrat "
        "enseignants infirmières maire quartier village le la les des et que dans pour été année "
        "gouvernement nouveau rapport projets semaine habitants à où déjà",
        ".", " ",
    ),
    "es": (
        "consejo presupuesto río puerto elección ministro escuela hospital ferrocarril festival museo "
        "agricultores sequía vacuna investigación universidad tribunal policía tormenta puente mercado "
        "energía contrato maestros alcalde distrito pueblo el la los las y que en para año gobierno "
        "nuevo informe planes semana vecinos también según después",
        ".", " ",
    ),
    "it": (
        "consiglio bilancio fiume porto elezioni ministro scuola ospedale ferrovia festival museo "
        "agricoltori siccità vaccino ricerca università tribunale polizia tempesta ponte mercato energia "
        "contratto insegnanti sindaco quartiere paese il la che di e per è anno governo nuovo rapporto "
        "progetti settimana cittadini più già perché",
        ".", " ",
    ),
    "pl": (
        "rada budżet rzeka port wybory minister szkoła szpital kolej festiwal muzeum rolnicy susza "
        "szczepionka badania uniwersytet sąd policja burza most rynek energia umowa nauczyciele "
        "burmistrz dzielnica wieś i w na że się nie z do roku rząd nowy raport plany tydzień mieszkańcy "
        "powiedział będzie przez także",
        ".", " ",
    ),
    "tr": (
        "belediye bütçe nehir liman seçim bakan okul hastane demiryolu festival müze çiftçiler kuraklık "
        "aşı araştırma üniversite mahkeme polis fırtına köprü pazar enerji sözleşme öğretmenler başkan "
        "ilçe köy ve bir bu için ile da yıl hükümet yeni rapor planlar hafta sakinler dedi olarak "
        "göre çok",
        ".", " ",
    ),
    "ru": (
        "совет бюджет река порт выборы министр школа больница железная фестиваль музей фермеры засуха "
        "вакцина исследование университет суд полиция буря мост рынок энергия контракт учителя мэр "
        "район деревня и в на что не с по год правительство новый доклад планы неделя жители сказал "
        "будет также после",
        ".", " ",
    ),
    "el": (
        "συμβούλιο προϋπολογισμός ποτάμι λιμάνι εκλογές υπουργός σχολείο νοσοκομείο σιδηρόδρομος "
        "φεστιβάλ μουσείο αγρότες ξηρασία εμβόλιο έρευνα πανεπιστήμιο δικαστήριο αστυνομία καταιγίδα "
        "γέφυρα αγορά ενέργεια σύμβαση δάσκαλοι δήμαρχος περιοχή χωριό και το να της του με για "
        "είναι χρόνο κυβέρνηση νέο έκθεση σχέδια εβδομάδα κάτοικοι",
        ".", " ",
    ),
    "ar": (
        "مجلس ميزانية نهر ميناء انتخابات وزير مدرسة مستشفى سكة مهرجان متحف مزارعون جفاف لقاح بحث "
        "جامعة محكمة شرطة عاصفة جسر سوق طاقة عقد معلمون رئيس حي قرية في من على أن إلى مع هذا عام "
        "الحكومة جديد تقرير خطط أسبوع السكان وقال كما بعد",
        ".", " ",
    ),
    "zh": (
        "议会 预算 河流 港口 选举 部长 学校 医院 铁路 节日 博物馆 农民 干旱 疫苗 研究 大学 法院 警方 "
        "风暴 大桥 市场 能源 合同 教师 护士 市长 地区 村庄 旅游 出口 政府 新的 报告 计划 本周 居民 "
        "表示 今年 已经 我们 他们 这个 进行 发展",
        "。", "",
    ),
}

SITES = (
    ("Example Gazette", "gazette.example"),
    ("Daily Courier", "courier.example"),
    ("Regional Herald", "herald.example.org"),
    ("Metro Post", "metropost.example.net"),
    ("The Observer Online", "observer.example.com"),
)


@dataclass
class Page:
    """One generated page and what went into it."""

    name: str
    html: str
    language: str
    words: int
    template: str
    has_table: bool
    has_list: bool


@dataclass
class CorpusStats:
    """What a written corpus holds."""

    pages: int = 0
    bytes: int = 0
    words: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    templates: Counter[str] = field(default_factory=Counter)
    with_table: int = 0
    with_list: int = 0
    min_bytes: int = 0
    max_bytes: int = 0

    def as_dict(self) -> dict:
        return {
            "pages": self.pages,
            "bytes": self.bytes,
            "mean_bytes": round(self.bytes / self.pages) if self.pages else 0,
            "min_bytes": self.min_bytes,
            "max_bytes": self.max_bytes,
            "mean_words": round(self.words / self.pages) if self.pages else 0,
            "languages": dict(sorted(self.languages.items())),
            "templates": dict(sorted(self.templates.items())),
            "with_table": self.with_table,
            "with_list": self.with_list,
        }


class _Writer:
    """Random text in one language."""

    def __init__(self, language: str, rng: random.Random) -> None:
        words, self.end, self.sep = LANGUAGES[language]
        self.words = words.split()
        self.rng = rng
        self.used = 0

    def phrase(self, n: int) -> str:
        self.used += n
        return self.sep.join(self.rng.choice(self.words) for _ in range(n))

    def sentence(self) -> str:
        text = self.phrase(self.rng.randint(6, 22))
        return text[:1].upper() + text[1:] + self.end

    def paragraph(self) -> str:
        return self.sep.join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def title(self) -> str:
        text = self.phrase(self.rng.randint(5, 11))
        return text[:1].upper() + text[1:]


def _log_uniform_words(rng: random.Random) -> int:
    return round(math.exp(rng.uniform(math.log(MIN_WORDS), math.log(MAX_WORDS))))


def _extra_block(kind: str, w: _Writer, rng: random.Random) -> str:
    """A quote, a list or a table of random content."""
    if kind == "quote":
        return f"<blockquote><p>{html.escape(w.sentence())}</p></blockquote>"
    if kind == "list":
        tag = rng.choice(("ul", "ol"))
        items = "".join(f"<li>{html.escape(w.phrase(rng.randint(3, 12)))}</li>" for _ in range(rng.randint(3, 8)))
        return f"<{tag}>{items}</{tag}>"
    cols = rng.randint(2, 5)
    head = "".join(f"<th>{html.escape(w.phrase(1))}</th>" for _ in range(cols))
    rows = "".join(
        "<tr>" + f"<td>{html.escape(w.phrase(2))}</td>"
        + "".join(f"<td>{rng.randint(0, 99999):,}</td>" for _ in range(cols - 1)) + "</tr>"
        for _ in range(rng.randint(3, 12))
    )
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _body_blocks(w: _Writer, target: int, rng: random.Random, with_list: bool, with_table: bool) -> list[str]:
    """The article's blocks: paragraphs with subheadings, a quote, maybe a list and a table."""
    blocks: list[str] = []
    extras = ["quote"] + (["list"] if with_list else []) + (["table"] if with_table else [])
    since_heading = 0
    while w.used < target:
        if extras and rng.random() < 0.15:
            blocks.append(_extra_block(extras.pop(rng.randrange(len(extras))), w, rng))
            continue
        if since_heading >= 4 and rng.random() < 0.3:
            blocks.append(f"<h2>{html.escape(w.title())}</h2>")
            since_heading = 0
        blocks.append(f"<p>{html.escape(w.paragraph())}</p>")
        since_heading += 1
    # a short article may end before every extra found its place: they go before the last paragraph
    blocks[-1:-1] = [_extra_block(kind, w, rng) for kind in extras]
    return blocks


def _furniture(site: str, rng: random.Random) -> dict[str, str]:
    """Boilerplate around the article, in English as many multilingual sites' chrome is."""
    sections = ["World", "Politics", "Business", "Science", "Sport", "Culture", "Opinion", "Travel", "Video", "Local"]
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in rng.sample(sections, rng.randint(5, 10)))
    related = "".join(
        f'<li><a href="/news/{rng.randint(1000, 99999)}">{" ".join(rng.choice(sections) for _ in range(4))} story</a></li>'
        for _ in range(rng.randint(4, 10))
    )
    footer = " | ".join(f'<a href="/{p}">{p.title()}</a>' for p in ("about", "contact", "privacy", "terms", "advertise", "careers"))
    script = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());" * rng.randint(1, 4)
    style = ".nav{display:flex}.article p{line-height:1.6}.cookie{position:fixed;bottom:0}" * rng.randint(1, 6)
    return {
        "nav": f'<nav class="main-nav"><ul>{nav}</ul></nav>',
        "cookie": '<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button> <a href="/privacy">Learn more</a></div>',
        "related": f'<aside class="related"><h3>Most read</h3><ul>{related}</ul></aside>',
        "footer": f"<footer><p>© 2024 {site}. All rights reserved.</p><p>{footer}</p></footer>",
        "script": f"<script>{script}</script>",
        "style": f"<style>{style}</style>",
    }


def _comments(w: _Writer, rng: random.Random) -> str:
    items = "".join(
        f'<li class="comment"><span class="user">reader{rng.randint(1, 999)}</span><p>{html.escape(w.sentence())}</p></li>'
        for _ in range(rng.randint(2, 8))
    )
    return f'<section id="comments"><h3>Comments</h3><ol>{items}</ol></section>'


def page(i: int, rng: random.Random) -> Page:
    """Page number `i` of the corpus (its content depends on `rng`'s state)."""
    language = rng.choice(list(LANGUAGES))
    w = _Writer(language, rng)
    target = _log_uniform_words(rng)
    site, domain = rng.choice(SITES)
    template = rng.choice(("article", "div", "article-comments", "div-jsonld"))
    with_list, with_table = rng.random() < 0.35, rng.random() < 0.25
    title = w.title()
    author = f"{w.phrase(1).title()} {w.phrase(1).title()}"
    description = w.sentence()
    date = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
    url = f"https://{domain}/{language}/news/{i}-{rng.randint(100000, 999999)}"
    w.used = 0  # only the body's words count towards the article's length
    blocks = "\n".join(_body_blocks(w, target, rng, with_list, with_table))
    words = w.used
    f = _furniture(site, rng)
    esc_title, esc_author = html.escape(title), html.escape(author)
    charset = '<meta charset="utf-8">' if rng.random() < 0.85 else ""
    head = [
        charset,
        f"<title>{esc_title} | {html.escape(site)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{html.escape(description)}">',
        f'<meta property="og:site_name" content="{html.escape(site)}">',
        f'<meta property="og:title" content="{esc_title}">',
        f'<link rel="canonical" href="{url}">',
        f["style"],
    ]
    if template == "div-jsonld":
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "author": [{"@type": "Person", "name": author}],
            "datePublished": date,
            "publisher": {"@type": "Organization", "name": site},
            "inLanguage": language,
            "url": url,
        }
        head.append(f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>')
    else:
        head += [f'<meta name="author" content="{esc_author}">', f'<meta property="article:published_time" content="{date}">']
    figure = (
        f'<figure><img src="/img/{i}.jpg" alt="{html.escape(w.phrase(4))}"><figcaption>{html.escape(w.sentence())}</figcaption></figure>'
        if rng.random() < 0.5 else ""
    )
    byline = f'<p class="byline">{esc_author} · <time datetime="{date}">{date[:10]}</time></p>'
    if template.startswith("article"):
        main = f"<article><header><h1>{esc_title}</h1>{byline}</header>{figure}\n{blocks}\n</article>"
    else:
        main = (
            f'<div id="main"><div class="story"><div class="story-header"><h1 class="headline">{esc_title}</h1>{byline}</div>'
            f'<div class="story-body">{figure}\n{blocks}\n</div></div></div>'
        )
    comments = _comments(w, rng) if template == "article-comments" else ""
    document = (
        f'<!DOCTYPE html>\n<html lang="{language}"><head>{"".join(head)}</head>\n<body>'
        f'<header class="site-header"><a class="logo" href="/">{html.escape(site)}</a>{f["nav"]}</header>'
        f'{f["cookie"]}\n<main>{main}\n{comments}</main>\n{f["related"]}\n{f["footer"]}{f["script"]}</body></html>\n'
    )
    return Page(f"page-{i:05d}.html", document, language, words, template, with_table, with_list)


def write_corpus(folder: Path, n: int, seed: int = 2024) -> CorpusStats:
    """Write `n` pages into `folder` (created) and return what they hold."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    stats = CorpusStats()
    sizes = []
    for i in range(n):
        p = page(i, rng)
        data = p.html.encode("utf-8")
        (folder / p.name).write_bytes(data)
        sizes.append(len(data))
        stats.pages += 1
        stats.bytes += len(data)
        stats.words += p.words
        stats.languages[p.language] += 1
        stats.templates[p.template] += 1
        stats.with_table += p.has_table
        stats.with_list += p.has_list
    stats.min_bytes, stats.max_bytes = (min(sizes), max(sizes)) if sizes else (0, 0)
    return stats
