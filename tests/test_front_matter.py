"""Front matter: finding the block, parsing YAML and TOML, and mapping each generator's keys."""

from __future__ import annotations

import pytest

from tasks.clean.front_matter import MAX_BLOCK_CHARS, front_matter_metadata, split_front_matter
from tasks.records import Rejected


def test_yaml_after_bom_and_blank_lines_keeps_dates_as_written() -> None:
    text = "\ufeff\n\n---\ntitle: 'Flood warning lifted'\ndate: 2023-04-11 09:20:00 +0200\nupdated: 2023-04-12\n---\n\nBody here.\n"
    front = split_front_matter(text)
    assert front is not None and front.syntax == "yaml"
    assert front.fields["date"] == "2023-04-11 09:20:00 +0200"
    assert front.fields["updated"] == "2023-04-12"
    assert front.body == "Body here.\n"
    assert front_matter_metadata(front.fields).date == "2023-04-11 09:20:00 +0200"


def test_hexo_keys_map_onto_metadata() -> None:
    text = (
        "---\ntitle: '选举结果公布'\ncategories:\n - 新闻\n - [国际, 亚洲]\nheadimg: 'https://img.example/a.jpg'\n"
        "thumbnail: 'https://img.example/b.jpg'\nauthor: 新华社\ncomments: false\ndate: Fri, 06 Aug 2021 00:07:04 GMT\n"
        "excerpt: <b>摘要</b> &amp; 说明\n---\n<p>正文</p>"
    )
    front = split_front_matter(text)
    assert front is not None
    meta = front_matter_metadata(front.fields)
    assert meta.title == "选举结果公布"
    assert meta.authors == ["新华社"]
    assert meta.categories == ["新闻", "国际", "亚洲"]
    assert meta.image == "https://img.example/a.jpg"
    assert meta.date == "Fri, 06 Aug 2021 00:07:04 GMT"
    assert meta.description == "摘要 & 说明"
    assert front.body == "<p>正文</p>"


def test_toml_front_matter_with_hugo_keys() -> None:
    text = (
        '+++\ntitle = "Ice sheet loses record mass"\ndate = 2023-05-02T08:15:00Z\n'
        'authors = ["Priya Raman", "Tomás Ferreira"]\ntags = ["climate", "arctic"]\nsummary = "A short summary."\n'
        'canonicalURL = "https://example.org/ice"\nlanguage = "en"\n[cover]\nimage = "/img/ice.jpg"\n+++\n# Heading\n'
    )
    front = split_front_matter(text)
    assert front is not None and front.syntax == "toml"
    meta = front_matter_metadata(front.fields)
    assert meta.date == "2023-05-02T08:15:00+00:00"
    assert meta.authors == ["Priya Raman", "Tomás Ferreira"]
    assert meta.tags == ["climate", "arctic"]
    assert meta.image == "/img/ice.jpg"
    assert meta.url == "https://example.org/ice"
    assert meta.description == "A short summary."
    assert meta.language == "en"
    assert front.body == "# Heading\n"


def test_author_objects_keywords_string_and_image_lists() -> None:
    fields = {
        "Author": [{"name": "Lucía Romero"}, {"name": "Andrés Gil"}],
        "keywords": "sequía, agua , embalses",
        "images": [{"src": "https://cdn.example/1.jpg"}, "https://cdn.example/2.jpg"],
        "permalink": "/andalucia/sequia/",
    }
    meta = front_matter_metadata(fields)
    assert meta.authors == ["Lucía Romero", "Andrés Gil"]
    assert meta.tags == ["sequía", "agua", "embalses"]
    assert meta.image == "https://cdn.example/1.jpg"
    assert meta.url == "/andalucia/sequia/"


def test_yaml_a_strict_parser_refuses_is_read_line_by_line() -> None:
    text = "---\ntitle: Breaking: bridge closed\n\tauthor: Sam Lee\ntags:\n- traffic\n- city\n---\nText.\n"
    front = split_front_matter(text)
    assert front is not None
    meta = front_matter_metadata(front.fields)
    assert meta.title == "Breaking: bridge closed"
    assert meta.authors == ["Sam Lee"]
    assert meta.tags == ["traffic", "city"]
    assert front.body == "Text.\n"


def test_markdown_rules_and_prose_are_not_front_matter() -> None:
    assert split_front_matter("---\nSome prose under a rule.\nNote: it goes on here.\n---\nMore text.") is None
    assert split_front_matter("---\njust a sentence\n---\n") is None
    assert split_front_matter("---\ntitle: never closed\n\nBody") is None
    assert split_front_matter("Intro line\n---\ntitle: x\n---\n") is None
    assert split_front_matter("+++\nnot = [valid toml\n+++\n") is None


def _billion_laughs() -> str:
    """YAML front matter of ~0.5 KB whose aliases expand to 9^9 (387 million) strings."""
    lines = ["title: Laughs", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines.append("tags: [" + ", ".join(["*i"] * 9) + "]")
    return "---\n" + "\n".join(lines) + "\n---\nThe body of the post.\n"


@pytest.mark.timeout(20)  # unbounded, this took a minute of CPU; bounded, milliseconds
def test_yaml_alias_bomb_is_refused_as_too_complex() -> None:
    text = _billion_laughs()
    assert len(text) < 1024
    with pytest.raises(Rejected) as refused:
        split_front_matter(text)
    assert refused.value.error == "front_matter_too_complex"


def test_yaml_aliases_within_the_budget_are_read() -> None:
    text = "---\ntitle: Shared tags\ncommon: &common [alpha, beta]\ntags: *common\n---\nBody.\n"
    front = split_front_matter(text)
    assert front is not None
    assert front_matter_metadata(front.fields).tags == ["alpha", "beta"]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("fence, opening", [("---", "x: "), ("+++", "x = ")])
def test_front_matter_nested_too_deeply_is_refused(fence: str, opening: str) -> None:
    text = f"{fence}\n{opening}{'[' * 5000}{']' * 5000}\n{fence}\nBody.\n"
    with pytest.raises(Rejected) as refused:
        split_front_matter(text)
    assert refused.value.error == "front_matter_too_complex"


@pytest.mark.parametrize("fence, line", [("---", "key{}: value\n"), ("+++", 'key{} = "value"\n')])
def test_front_matter_over_the_size_limit_is_refused(fence: str, line: str) -> None:
    block = "".join(line.format(i) for i in range(MAX_BLOCK_CHARS // 12))
    assert len(block) > MAX_BLOCK_CHARS
    with pytest.raises(Rejected) as refused:
        split_front_matter(f"{fence}\n{block}{fence}\nBody.\n")
    assert refused.value.error == "front_matter_too_large"
