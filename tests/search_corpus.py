"""A small multilingual warehouse for the search tests: short news articles written for this
project in eight languages, with judged queries (the article each query is meant to find)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from warehouse.catalog import ensure_catalog
from warehouse.schemas import ARTICLES, LANGUAGES
from warehouse.writer import append_new_rows

# (key, language, site, published, title, text)
ARTICLES_BY_KEY: list[tuple[str, str, str, str, str, str]] = [
    ("en-heat", "en", "dailywire.example", "2026-07-14", "Heatwave breaks temperature records across southern Europe",
     "Thermometers in Seville and Athens climbed past 45 degrees on Sunday, breaking temperature records that had stood "
     "since 2003. Firefighters battled wildfires near the coast while hospitals reported a rise in heat stroke cases. "
     "Meteorologists expect the heat to last until the end of the week."),
    ("en-rates", "en", "dailywire.example", "2026-03-02", "Central bank raises interest rates to curb inflation",
     "The central bank raised its main interest rate by a quarter point on Thursday, the fourth increase this year, "
     "saying inflation remained well above its target. Mortgage holders will feel the rise within weeks, economists said, "
     "while savers may finally see better returns. Record borrowing costs worry small businesses."),
    ("en-malaria", "en", "health.example", "2026-05-20", "New vaccine trial shows promise against malaria",
     "Researchers reported that a new malaria vaccine prevented three out of four infections among children in a "
     "trial across four countries. The vaccine needs two doses and can be stored in an ordinary refrigerator, which makes "
     "it easier to deliver to rural clinics."),
    ("en-festival", "en", "culture.example", "2026-07-10", "Record crowds at the summer music festival",
     "Organisers said a record crowd of 80,000 people attended the three-day festival despite the heat. "
     "Water stations were added after several visitors fainted in front of the main stage."),
    ("de-strike", "de", "nachrichten.example", "2026-02-11", "Bahnstreik legt den Fernverkehr in ganz Deutschland lahm",
     "Die Gewerkschaft der Lokführer hat zu einem zweitägigen Streik aufgerufen. Die meisten Züge im Fernverkehr fallen aus, "
     "Pendler müssen auf Busse und Fahrgemeinschaften ausweichen. Die Bahn spricht von einem unverhältnismäßigen Streik."),
    ("de-wind", "de", "nachrichten.example", "2026-04-03", "Neue Windparks in der Nordsee sollen Millionen Haushalte versorgen",
     "Vor der Küste Schleswig-Holsteins entstehen drei neue Windparks. Die Windkraftanlagen sollen ab 2028 Strom für "
     "rund zwei Millionen Haushalte liefern. Netzbetreiber bauen dafür neue Leitungen nach Süden."),
    ("fr-milk", "fr", "journal.example", "2026-01-28", "Les agriculteurs manifestent contre la baisse des prix du lait",
     "Des centaines d'agriculteurs ont bloqué les routes autour de Rennes pour protester contre la baisse du prix du lait. "
     "Les éleveurs affirment vendre à perte depuis six mois et demandent une intervention du gouvernement."),
    ("fr-louvre", "fr", "journal.example", "2026-06-05", "Le musée du Louvre rouvre ses salles égyptiennes après rénovation",
     "Après deux ans de travaux, les salles consacrées aux antiquités égyptiennes accueillent de nouveau le public. "
     "Les sarcophages ont été restaurés et un nouvel éclairage met en valeur les statues."),
    ("es-drought", "es", "diario.example", "2026-08-01", "La sequía obliga a restringir el agua en Barcelona",
     "Las autoridades catalanas han limitado el consumo de agua tras el tercer año consecutivo de sequía. Los embalses "
     "están al veinte por ciento de su capacidad y se prohíbe regar jardines y llenar piscinas."),
    ("es-football", "es", "deportes.example", "2026-07-19", "El equipo nacional gana la final del campeonato de fútbol",
     "La selección ganó la final por dos goles a uno en una noche de tensión. Miles de aficionados celebraron en las "
     "calles hasta la madrugada el primer campeonato en doce años."),
    ("zh-sea", "zh", "xinwen.example", "2026-03-22", "全球气候变化导致海平面上升",
     "科学家表示，由于冰川融化，全球海平面在过去十年上升速度加快。沿海城市正在加固防洪堤，以应对更频繁的风暴潮。"),
    ("zh-ev", "zh", "xinwen.example", "2026-09-09", "电动汽车销量创历史新高",
     "今年前八个月，国内电动汽车销量同比增长三成，创历史新高。充电桩数量也在快速增加，多家车企宣布降价。"),
    ("th-flood", "th", "khao.example", "2026-09-15", "น้ำท่วมหนักในภาคเหนือของประเทศไทย",
     "ฝนตกหนักต่อเนื่องทำให้เกิดน้ำท่วมในหลายจังหวัดภาคเหนือ ชาวบ้านต้องอพยพออกจากบ้านเรือน เจ้าหน้าที่เร่งส่งความช่วยเหลือ"),
    ("th-diesel", "th", "khao.example", "2026-04-18", "รัฐบาลประกาศลดราคาน้ำมันดีเซล",
     "กระทรวงพลังงานประกาศลดราคาน้ำมันดีเซลลงลิตรละหนึ่งบาท เพื่อช่วยลดภาระค่าครองชีพของประชาชนและผู้ประกอบการขนส่ง"),
    ("ja-sakura", "ja", "nihon.example", "2026-03-18", "東京で桜の開花が例年より早まる",
     "気象庁は東京都心で桜が開花したと発表した。平年より九日早く、暖かい日が続いたことが原因とみられる。"),
    ("ja-rail", "ja", "nihon.example", "2026-10-01", "新しい高速鉄道の建設計画が発表された",
     "政府は大阪と福岡を結ぶ新しい高速鉄道の建設計画を発表した。完成すれば移動時間は一時間以上短縮される。"),
    ("ru-frost", "ru", "novosti.example", "2026-01-15", "Морозы в Сибири побили рекорд столетия",
     "В Якутии и на севере Красноярского края температура опустилась ниже минус пятидесяти пяти градусов. "
     "Школы закрыты, а власти просят жителей не выходить из дома без необходимости."),
    ("ru-bank", "ru", "novosti.example", "2026-06-20", "Центральный банк снизил ключевую ставку",
     "Банк России снизил ключевую ставку на один процентный пункт, сославшись на замедление инфляции. "
     "Аналитики ожидают, что кредиты для бизнеса подешевеют к концу года."),
]

# (query, the key of the article it should find in the top 3)
JUDGED: list[tuple[str, str]] = [
    ("record temperatures", "en-heat"),
    ("interest rate inflation", "en-rates"),
    ("malaria vaccines", "en-malaria"),
    ("music festival crowd", "en-festival"),
    ("Streik Zug", "de-strike"),
    ("Windkraft Nordsee", "de-wind"),
    ("prix du lait agriculteurs", "fr-milk"),
    ("musee egyptien", "fr-louvre"),
    ("sequía agua", "es-drought"),
    ("final futbol", "es-football"),
    ("海平面", "zh-sea"),
    ("电动汽车", "zh-ev"),
    ("น้ำท่วม", "th-flood"),
    ("น้ำมันดีเซล", "th-diesel"),
    ("桜の開花", "ja-sakura"),
    ("高速鉄道", "ja-rail"),
    ("морозы Сибирь", "ru-frost"),
    ("ключевая ставка", "ru-bank"),
]


def article_id(key: str, version: int = 1) -> str:
    return f"{key}-v{version}"


def store_articles(
    root: Path, entries: list[tuple[str, str, str, str, str, str]], version: int = 1, fetched: datetime | None = None
) -> None:
    """Store the entries as article versions (doc_id = key) with their language tags, as the
    ingest and language flows would."""
    ensure_catalog(root)
    fetched = fetched or datetime(2026, 11, 1, tzinfo=timezone.utc)
    articles, tags = [], []
    for key, language, site, published, title, text in entries:
        row = {name: None for name in ARTICLES.schema.names}
        row.update(
            article_id=article_id(key, version), doc_id=key, content_sha256=f"{key}-{version}", source="test", site=site,
            uri=f"https://{site}/{key}", url=f"https://{site}/{key}", title=title, text=text,
            published_at=datetime.fromisoformat(published).replace(tzinfo=timezone.utc), fetched_at=fetched, run_id="r1",
        )
        articles.append(row)
        tags.append({"article_id": article_id(key, version), "content_sha256": f"{key}-{version}", "language": language,
                     "confidence": 1.0, "script": None, "secondary_language": None, "secondary_share": None,
                     "tagger": "test", "tagged_at": fetched, "run_id": "r1"})
    append_new_rows(root, ARTICLES, pa.Table.from_pylist(articles, ARTICLES.schema))
    append_new_rows(root, LANGUAGES, pa.Table.from_pylist(tags, LANGUAGES.schema))
