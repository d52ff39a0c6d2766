"""The one byline grammar: labels in many languages, lists of names, names that only look like lists."""

from __future__ import annotations

import pytest

from tasks.clean.bylines import people_first, read_byline, split_authors

LABELLED = [
    ("By Jane Doe", ["Jane Doe"]),
    ("Written by: Jane Doe", ["Jane Doe"]),
    ("Von Katrin Albers und Jonas Weber", ["Katrin Albers", "Jonas Weber"]),
    ("Autorin: Katrin Albers", ["Katrin Albers"]),
    ("Par Marie Dupont et Luc Martin", ["Marie Dupont", "Luc Martin"]),
    ("Texte : Marie Dupont", ["Marie Dupont"]),
    ("Por María López y Juan Pérez", ["María López", "Juan Pérez"]),
    ("Di Mario Rossi e Giulia Bianchi", ["Mario Rossi", "Giulia Bianchi"]),
    ("Door Jan de Vries en Piet Jansen", ["Jan de Vries", "Piet Jansen"]),
    ("Av Anna Svensson och Erik Johansson", ["Anna Svensson", "Erik Johansson"]),
    ("Przez Jan Kowalski i Anna Nowak", ["Jan Kowalski", "Anna Nowak"]),
    ("作者：张三、李四", ["张三", "李四"]),
    ("记者 王小明", ["王小明"]),
    ("文/李四", ["李四"]),
    ("Автор: Иван Петров", ["Иван Петров"]),
    ("Yazan: Ayşe Yılmaz", ["Ayşe Yılmaz"]),
    ("oprac. Anna Nowak", ["Anna Nowak"]),
    ("Autorzy: Jan Kowalski i Anna Nowak", ["Jan Kowalski", "Anna Nowak"]),
    ("بقلم: محمد علي", ["محمد علي"]),
    ("Redaktion: Anna Schmidt", ["Anna Schmidt"]),
    ("Reportagem: Ana Souza", ["Ana Souza"]),
    ("A cura di Mario Rossi", ["Mario Rossi"]),
    ("מאת יוסי כהן", ["יוסי כהן"]),
    ("Oleh: Budi Santoso", ["Budi Santoso"]),
    ("Szerző: Nagy Anna", ["Nagy Anna"]),
    ("本报记者 王小明", ["王小明"]),
    ("新华社记者 王小明", ["王小明"]),
    ("记者 张三 通讯员 李四", ["张三", "李四"]),
    ("文/图 李四", ["李四"]),
    ("山田太郎 記者", ["山田太郎"]),
    ("김철수·이영희 기자", ["김철수", "이영희"]),
    ("Jane Doe, John Smith, and Li Wei", ["Jane Doe", "John Smith", "Li Wei"]),
    ("Anna Schmidt · Peter Müller", ["Anna Schmidt", "Peter Müller"]),
]


@pytest.mark.parametrize(("value", "expected"), LABELLED)
def test_labels_in_many_languages(value: str, expected: list[str]) -> None:
    assert split_authors(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # surnames that start like a label or hold a conjunction
        ("Von der Leyen", ["Von der Leyen"]),
        ("Ursula von der Leyen", ["Ursula von der Leyen"]),
        ("Von Miller", ["Von Miller"]),
        ("Di Maio", ["Di Maio"]),
        ("Oleh Petrenko", ["Oleh Petrenko"]),
        ("José Ortega y Gasset", ["José Ortega y Gasset"]),
        ("Marcel·lí Puig i Cadafalch", ["Marcel·lí Puig i Cadafalch"]),
        # "Surname, Given" is one person; two of them are two
        ("Doe, Jane", ["Doe, Jane"]),
        ("van der Berg, Jan", ["van der Berg, Jan"]),
        ("Tolkien, J. R. R.", ["Tolkien, J. R. R."]),
        ("Doe, Jane; Roe, Richard", ["Doe, Jane", "Roe, Richard"]),
        # surnames of several words, in several languages
        ("García Márquez, Gabriel", ["García Márquez, Gabriel"]),
        ("Da Silva Santos, João", ["Da Silva Santos, João"]),
        ("van der Berg, Anna", ["van der Berg, Anna"]),
        ("de la Fuente, María José", ["de la Fuente, María José"]),
        ("Hernández, Juan Carlos", ["Hernández, Juan Carlos"]),
        ("Петров-Водкин, Кузьма", ["Петров-Водкин, Кузьма"]),
        ("Vargas Llosa, Mario; Cortázar, Julio", ["Vargas Llosa, Mario", "Cortázar, Julio"]),
        # but a name and an agency or a place after a comma are two entries, and so are two people
        ("Jane Doe, Reuters", ["Jane Doe", "Reuters"]),
        ("Anna Schmidt, Reuters", ["Anna Schmidt", "Reuters"]),
        ("Jane Doe, London", ["Jane Doe", "London"]),
        ("Monika Bolliger, Beirut", ["Monika Bolliger", "Beirut"]),
        ("Schmidt, Berlin", ["Schmidt", "Berlin"]),
        ("Jane Doe, Washington", ["Jane Doe", "Washington"]),
        ("Jane Doe, John Smith", ["Jane Doe", "John Smith"]),
        ("Li Wei, Zhang San", ["Li Wei", "Zhang San"]),
        ("Ana Souza, g1 SP", ["Ana Souza", "g1 SP"]),
        # initials keep their periods; suffixes stay with the name
        ("By J.K. Rowling", ["J.K. Rowling"]),
        ("E. B. White and H. L. Mencken", ["E. B. White", "H. L. Mencken"]),
        ("Martin Luther King, Jr.", ["Martin Luther King Jr."]),
        # entities decoded before splitting, bare ampersands between names split
        ("Agn&egrave;s Varda &amp; Jean-Luc Godard", ["Agnès Varda", "Jean-Luc Godard"]),
        ("O&#39;Brien, Conan", ["O'Brien, Conan"]),
        ("Jane Doe & John Smith", ["Jane Doe", "John Smith"]),
        # a Korean byline's job title comes after the name
        ("김철수 기자", ["김철수"]),
        ("https://www.facebook.com/janedoe", []),
    ],
)
def test_names_that_only_look_like_lists_or_labels(value: str, expected: list[str]) -> None:
    assert split_authors(value) == expected


@pytest.mark.parametrize("value", [value for value, _ in LABELLED] + ["Doe, Jane", "John Smith, Jr.", "Jane Doe &amp;amp; John Roe"])
def test_splitting_twice_changes_nothing(value: str) -> None:
    # the extract stage splits each source's names, the metadata stage splits whatever it is given
    once = split_authors(value)
    assert split_authors(once) == once


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("Par Marie Dupont et Luc Martin", ["Marie Dupont", "Luc Martin"]),
        ("Von Anna Schmidt", ["Anna Schmidt"]),
        ("作者： 张三、李四", ["张三", "李四"]),
        ("By Jane Doe, Staff Writer", ["Jane Doe"]),
        ("By Jane Doe (Reuters)", ["Jane Doe"]),
        ("Przez Jan Kowalski", ["Jan Kowalski"]),
        ("By Staff Reporter", []),  # a byline, naming nobody
    ],
)
def test_byline_lines(line: str, expected: list[str]) -> None:
    assert read_byline(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Jane Doe",  # no label: a name, not a byline
        "By the way, the library reopens",
        "By 2 p.m. the roads were closed",
        "Von der Leyen",
        "Par ailleurs, le musée reste fermé",
    ],
)
def test_lines_that_are_no_byline(line: str) -> None:
    assert read_byline(line) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a label after a section name, a place the story was filed from, a job title with an agency
        ("Capital Von Jemima Kelly", ["Jemima Kelly"]),
        ("Ursula Von Der Leyen", ["Ursula Von Der Leyen"]),
        ("By Jane Doe in London", ["Jane Doe"]),
        ("Anna Schmidt aus Frankfurt", ["Anna Schmidt"]),
        ("Maria in der Beek", ["Maria in der Beek"]),
        ("Tom Krisher, AP Auto Writer", ["Tom Krisher"]),
        ("AP", ["AP"]),
        # one person written twice, once as the slug of their author page
        ("Chuck Ross, Chuck-Ross", ["Chuck Ross"]),
        # what a broken decoding leaves of "Redacci&Oacute;n"
        ("Redacci; Oacute", ["Redacci"]),
        # initials keep their period, an inverted name stays one person
        ("Sahuquillo, María R.", ["Sahuquillo, María R."]),
        ("María R. Sahuquillo", ["María R. Sahuquillo"]),
    ],
)
def test_what_is_not_a_name(value: str, expected: list[str]) -> None:
    assert split_authors(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("By TOM KRISHER, AP Auto Writer", ["Tom Krisher"]),
        ("JOSÉ DE LA CRUZ", ["José de la Cruz"]),
        ("MARÍA R. SAHUQUILLO", ["María R. Sahuquillo"]),
        ("Von ANNA SCHMIDT", ["Anna Schmidt"]),
        ("JEAN-LUC GODARD", ["Jean-Luc Godard"]),
        # capitals that are no person's name stay as written
        ("BBC NEWS", ["BBC NEWS"]),
        ("ZAKER", ["ZAKER"]),
        ("AFP", ["AFP"]),
    ],
)
def test_names_in_capitals_as_a_reader_writes_them(value: str, expected: list[str]) -> None:
    assert split_authors(value) == expected


@pytest.mark.parametrize(
    ("sources", "organizations", "expected"),
    [
        ([["Monika Bolliger", "Frankfurter Allgemeine Zeitung GmbH"]], [], ["Monika Bolliger"]),
        ([["Jeanette Seiffert", "Deutsche Welle"]], ["Deutsche Welle"], ["Jeanette Seiffert"]),
        ([["Le Monde", "Philippe Ricard"]], ["Le Monde"], ["Philippe Ricard"]),
        ([["Www Haufe De"], ["Michael Schmidt", "Copyright Haufe-Lexware GmbH"]], [], ["Michael Schmidt"]),
        ([["Jane Doe", "London"]], [], ["Jane Doe"]),
        ([split_authors("Anna Schmidt, Reuters")], [], ["Anna Schmidt"]),
        ([split_authors("García Márquez, Gabriel")], [], ["García Márquez, Gabriel"]),
        ([["Katrin Albers", "Frankfurt", "Germany"]], [], ["Katrin Albers"]),
        ([["Redaktion"], []], [], ["Redaktion"]),
        ([["ZAKER"]], [], ["ZAKER"]),
        ([["AFP", "Jean Dupont"]], [], ["Jean Dupont"]),
        ([split_authors("By Jane Doe and John Roe, Associated Press")], [], ["Jane Doe", "John Roe"]),
        ([split_authors("Przez Anna Nowak, PAP")], [], ["Anna Nowak"]),
        ([split_authors("di Mario Rossi, nostro inviato a Kiev")], [], ["Mario Rossi"]),
        # an outlet and its region beside the person ("Por Ana Souza, g1 SP")
        ([["Ana Souza", "g1 SP"]], [], ["Ana Souza"]),
        ([["张三", "李四"]], [], ["张三", "李四"]),
        ([[], []], [], []),
    ],
)
def test_people_first(sources: list[list[str]], organizations: list[str], expected: list[str]) -> None:
    assert people_first(sources, organizations) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the kind of piece before the label
        ("Ein Gastbeitrag von Anna Schmidt", ["Anna Schmidt"]),
        ("Une chronique de Marie Dupont", ["Marie Dupont"]),
        ("Un análisis de Juan Pérez", ["Juan Pérez"]),
        ("Marie de La Fayette", ["Marie de La Fayette"]),
        # whom it was written for, handles, photographers, a content system's default user
        ("Jane Doe for The New York Times", ["Jane Doe"]),
        ("Anna Schmidt für den Spiegel", ["Anna Schmidt"]),
        ("Lars Per Olsson", ["Lars Per Olsson"]),
        ("Anna Schmidt @anna_schmidt", ["Anna Schmidt"]),
        ("Jane Doe, Photo: John Roe", ["Jane Doe"]),
        ("admin", []),
    ],
)
def test_what_stands_around_a_name(value: str, expected: list[str]) -> None:
    assert people_first([split_authors(value)]) == expected
