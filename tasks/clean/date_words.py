"""The words pages write around dates, in the languages the pipeline meets: one table of each.

Month and weekday names, the small words inside a written date (`le 12 mars à 10h30`), time zone
abbreviations with their offsets, and the labels before a date (`Updated:`, `Publié le`,
`发布时间`). `tasks.clean.plain_text` reads them to tell a dateline from a sentence;
`tasks.clean.dates` to strip labels and resolve zones. All names are lowercase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MONTH_NAMES = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    januar februar märz mai juni juli oktober dezember jänner mrz okt dez
    janvier février mars avril juin juillet août septembre octobre novembre décembre
    janv févr avr juil sept déc
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
    ene abr ago dic
    gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre gen mag giu lug ott
    janeiro fevereiro março maio junho julho setembro outubro novembro dezembro fev
    januari februari maart mei augustus
    januar februar mars april juni juli august oktober desember december maj
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    """.split()
)
WEEKDAY_NAMES = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    montag dienstag mittwoch donnerstag freitag samstag sonntag mo di mi do fr sa so
    lundi mardi mercredi jeudi vendredi samedi dimanche
    lunes martes miércoles jueves viernes sábado domingo
    lunedì martedì mercoledì giovedì venerdì sabato domenica
    segunda terça quarta quinta sexta feira
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    """.split()
)
# Words between the parts of a written date or before its time: "on", "le", "am", "um", "alle".
DATE_CONNECTORS = frozenset(
    """
    on at of the de del à a le el il am um den der op kl klo om o às ore alle h uhr godz dne
    """.split()
)
AM_PM = frozenset({"am", "pm", "a.m", "p.m", "a.m.", "p.m."})

# Zone abbreviations dateutil does not know by itself, with their offsets in hours: the RFC 822
# US zones plus common ones seen on news sites.
ZONE_HOURS: dict[str, float] = {
    "est": -5, "edt": -4, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "akst": -9, "akdt": -8, "hst": -10, "cet": 1, "cest": 2, "mez": 1, "mesz": 2, "eet": 2,
    "eest": 3, "wet": 0, "west": 1, "bst": 1, "msk": 3, "jst": 9, "kst": 9, "hkt": 8, "sgt": 8,
    "awst": 8, "acst": 9.5, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
}
# US news sites write "10:30 a.m. ET" whatever the season: the region's zone knows its DST.
ZONE_REGIONS = {"et": "America/New_York", "ct": "America/Chicago", "mt": "America/Denver", "pt": "America/Los_Angeles"}
# Abbreviations a date may end with that name no single offset (IST is India, Israel or
# Ireland; CST is US Central or China), and the ones dateutil knows itself.
AMBIGUOUS_ZONES = frozenset({"ist", "cst"})
UNIVERSAL_ZONES = frozenset({"utc", "gmt", "z"})
ZONE_NAMES = frozenset(ZONE_HOURS) | frozenset(ZONE_REGIONS) | AMBIGUOUS_ZONES | UNIVERSAL_ZONES


def _labels(text: str) -> frozenset[str]:
    """Labels written one after another, separated by `|` (they hold spaces)."""
    return frozenset(label.strip() for label in text.split("|") if label.strip())


# Labels before the date of a change, and before the date of publication.
UPDATED_LABELS = _labels(
    """
    last updated|last modified|updated on|updated|modified|zuletzt aktualisiert|aktualisiert am|
    aktualisiert|stand|mis à jour le|mis à jour|mise à jour|actualizado el|actualizado|
    actualización|aggiornato il|aggiornato|atualizado em|atualizado|bijgewerkt op|bijgewerkt|
    uppdaterad|oppdatert|opdateret|päivitetty|zaktualizowano|обновлено|更新时间|更新時間|更新于|更新
    """
)
PUBLISHED_LABELS = _labels(
    """
    first published|published on|published|posted on|posted|publication date|released|created|
    dated|date|veröffentlicht am|veröffentlicht|erschienen am|erschienen|datum|publié le|publié|
    publicado el|publicado em|publicado|fecha|pubblicato il|pubblicato|data|gepubliceerd op|
    gepubliceerd|publicerad|publisert|udgivet|julkaistu|opublikowano|опубликовано|发布时间|
    發佈時間|发布日期|发表时间|发表于|发布于|发布|日期|时间|時間|公開日|投稿日|掲載日
    """
)
DATE_LABELS = UPDATED_LABELS | PUBLISHED_LABELS


def alternation(words: Iterable[str]) -> str:
    """A regular expression matching any of `words`, longest first (`updated on` before `updated`)."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda w: (-len(w), w)))
