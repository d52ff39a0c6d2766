"""Writes the two encoding cases of the sample corpus from known original strings.

- `fr_cp1252_declared_utf8.html`: a French page whose bytes are windows-1252 while its
  `<meta charset>` says utf-8. Decoding with the declared charset fails (the bytes are not valid
  UTF-8), so a pipeline must detect the real charset.
- `pt_double_encoded_mojibake.html`: a Portuguese page that is valid UTF-8 and correctly declared,
  but whose article fields were double-encoded by the publishing system (UTF-8 bytes read as
  windows-1252 and stored again as UTF-8: "São" became "SÃ£o"), while the site template around
  them is clean. ftfy repairs this.

The original strings stay here so tests can compare what the pipeline recovers with what was
written. Run from anywhere with `python examples/make_encoding_cases.py`; the output bytes depend
only on this file.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

ENCODING_DIR = Path(__file__).resolve().parent / "corpus" / "encoding"

CP1252_FILE = "fr_cp1252_declared_utf8.html"
MOJIBAKE_FILE = "pt_double_encoded_mojibake.html"


@dataclass(frozen=True)
class OriginalArticle:
    """The strings an encoding case was written from: what a correct pipeline recovers."""

    title: str
    author: str
    site: str
    published: str
    url: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """The article body as plain text, one paragraph per line."""
        return "\n".join(self.paragraphs)


CP1252_ARTICLE = OriginalArticle(
    title="Flambée du beurre : les boulangers de Saint-Aubin-des-Prés augmentent le prix du croissant",
    author="Béatrice Lemaître",
    site="L’Écho des Prés",
    published="2022-11-08T06:30:00+01:00",
    url="https://www.echodespres.example/economie/2022/11/08/flambee-du-beurre-boulangers/",
    paragraphs=(
        "Le croissant passera de 1,10 € à 1,30 € dès le 15 novembre dans la plupart des "
        "boulangeries de Saint-Aubin-des-Prés. Les artisans de la commune, réunis lundi soir à la "
        "chambre des métiers, disent n’avoir « plus le choix » face à la hausse du prix du beurre, "
        "qui a presque doublé en un an.",
        "« En septembre 2021, je payais le beurre de tourage 5,80 € le kilo. Aujourd’hui, c’est "
        "10,90 € », explique Jérôme Ferrière, installé rue de l’Église depuis dix-huit ans. À cela "
        "s’ajoutent les œufs, dont le prix a augmenté de 25 %, et surtout l’électricité : la facture "
        "de son four a été multipliée par trois depuis le renouvellement de son contrat en octobre.",
        "Sur les onze boulangeries que compte la commune, neuf appliqueront la hausse. Le pain au "
        "chocolat passera à 1,40 €, mais la baguette tradition restera à 1,15 €. « La baguette, "
        "c’est le cœur du métier, on ne veut pas y toucher », assure Catherine Dufresne, "
        "présidente de l’association des artisans boulangers du canton.",
        "Les clients rencontrés mardi matin se montraient plutôt compréhensifs. « Tout augmente, je "
        "ne vais pas en vouloir à mon boulanger », sourit Gérard, retraité, une baguette sous le "
        "bras. D’autres annoncent qu’ils réserveront désormais les viennoiseries au week-end.",
        "Pour les professionnels, l’inquiétude porte surtout sur les mois à venir. Plusieurs "
        "artisans envisagent de fermer un jour de plus par semaine ou de réduire leurs horaires "
        "d’ouverture afin de limiter leur consommation d’énergie. La chambre des métiers a ouvert "
        "une permanence chaque jeudi pour les aider à renégocier leurs contrats d’électricité et à "
        "monter des dossiers d’aide.",
        "« Nous avons traversé des crises, mais jamais avec des hausses aussi rapides sur tous les "
        "postes à la fois », résume Jérôme Ferrière, qui espère une accalmie des cours au printemps.",
    ),
)

MOJIBAKE_ARTICLE = OriginalArticle(
    title="Feira de artesanato de São João da Serra bate recorde com 42 mil visitantes",
    author="João Conceição",
    site="Gazeta da Serra",
    published="2023-06-26T19:45:00-03:00",
    url="https://www.gazetadaserra.example/cultura/2023/06/26/feira-de-artesanato-recorde/",
    paragraphs=(
        "A 31ª Feira de Artesanato de São João da Serra terminou no domingo com um público recorde "
        "de 42 mil visitantes em quatro dias, segundo a organização. O número é 35% maior que o da "
        "edição do ano passado e superou a previsão mais otimista da prefeitura.",
        "Ao todo, 260 artesãos de 38 municípios expuseram peças de cerâmica, renda, tecelagem, "
        "madeira e couro. A comissão organizadora estima que as vendas tenham movimentado cerca de "
        "R$ 3,2 milhões, valor que inclui os restaurantes e as barracas de comida típica instaladas "
        "na praça da igreja matriz.",
        "\"Foi a melhor feira da minha vida. Vendi em três dias o que costumo vender em dois meses\", "
        "contou a rendeira Maria das Dores Conceição, de 67 anos, que participa do evento desde a "
        "primeira edição. Ela levou 140 peças de renda de bilro e voltou para casa com menos de vinte.",
        "A secretária municipal de Cultura, Luíza Brandão, atribui o sucesso à nova estrutura de "
        "transporte: ônibus gratuitos ligaram a rodoviária ao centro histórico a cada quinze minutos, "
        "e o estacionamento foi transferido para fora das ruas de paralelepípedo. \"Conseguimos que "
        "as pessoas circulassem sem trânsito e sem pressa\", afirmou.",
        "Nem tudo, porém, funcionou bem. Moradores reclamaram do barulho dos shows até depois da "
        "meia-noite e da falta de banheiros químicos no sábado — quando a praça ficou lotada. A "
        "prefeitura prometeu rever o horário das apresentações na próxima edição.",
        "A 32ª edição já tem data marcada: de 20 a 23 de junho do ano que vem. As inscrições para "
        "expositores serão abertas em março.",
    ),
)


def double_encode(text: str) -> str:
    """`text` as it reads after its UTF-8 bytes were wrongly decoded as windows-1252.

    Strict decoding, so a character whose UTF-8 bytes hit one of the five bytes windows-1252
    leaves undefined (e.g. "Á" = C3 81) fails loudly instead of silently writing another case.
    """
    return text.encode("utf-8").decode("cp1252")


def _paragraphs_html(paragraphs: tuple[str, ...]) -> str:
    return "\n".join(f"      <p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def cp1252_page() -> bytes:
    """The French page: windows-1252 bytes under a `<meta charset="utf-8">` declaration."""
    a = CP1252_ARTICLE
    title = html.escape(a.title)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "datePublished": a.published,
            "author": a.author,
            "publisher": {"@type": "Organization", "name": a.site},
        },
        ensure_ascii=False,
    )
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>{title} – {html.escape(a.site)}</title>
<meta name="author" content="{html.escape(a.author)}">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{html.escape(a.site)}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{a.published}">
<meta property="article:section" content="Économie">
<link rel="canonical" href="{a.url}">
<script type="application/ld+json">{ld}</script>
</head>
<body>
<div class="bandeau-cookies">
  <p>Ce site utilise des cookies pour mesurer l’audience et vous proposer des publicités adaptées. En poursuivant votre navigation, vous acceptez leur utilisation.</p>
  <a href="#" class="ok">J’accepte</a> <a href="/cookies/">Paramétrer</a>
</div>
<header>
  <div class="logo"><a href="/">L’Écho des Prés</a></div>
  <ul class="menu">
    <li><a href="/">Accueil</a></li><li><a href="/actualite/">Actualité</a></li><li><a href="/economie/">Économie</a></li>
    <li><a href="/sports/">Sports</a></li><li><a href="/loisirs/">Loisirs</a></li><li><a href="/annonces/">Petites annonces</a></li>
  </ul>
</header>
<div class="fil-ariane"><a href="/">Accueil</a> › <a href="/economie/">Économie</a> › Commerce</div>
<div class="page">
  <div class="article">
    <h1>{title}</h1>
    <p class="signature">Par {html.escape(a.author)} – Publié le 8 novembre 2022 à 6 h 30</p>
    <div class="texte">
{_paragraphs_html(a.paragraphs)}
    </div>
    <div class="a-lire-aussi">
      <h3>À lire aussi</h3>
      <ul>
        <li><a href="/economie/2022/10/20/factures-energie-commercants/">Factures d’énergie : les commerçants appellent à l’aide</a></li>
        <li><a href="/actualite/2022/10/02/marche-de-noel/">Le marché de Noël reviendra place de la Mairie</a></li>
      </ul>
    </div>
  </div>
  <div class="colonne">
    <h3>Les plus lus</h3>
    <ol>
      <li><a href="/sports/2022/11/07/derby/">Football : le derby tourne à l’avantage de Saint-Aubin</a></li>
      <li><a href="/actualite/2022/11/06/travaux-pont/">Travaux sur le pont : déviation jusqu’à fin décembre</a></li>
      <li><a href="/loisirs/2022/11/05/cinema/">Le cinéma Le Rex rouvre après rénovation</a></li>
    </ol>
    <div class="newsletter">
      <h3>Notre newsletter</h3>
      <p>Recevez chaque matin l’essentiel de l’actualité locale.</p>
      <a href="/newsletter/">Je m’inscris</a>
    </div>
  </div>
</div>
<footer>
  <a href="/mentions-legales/">Mentions légales</a> | <a href="/contact/">Nous contacter</a> | <a href="/publicite/">Publicité</a> | <a href="/cgu/">CGU</a>
  <p>© 2022 L’Écho des Prés – Tous droits réservés – Reproduction interdite sans autorisation.</p>
</footer>
</body>
</html>
"""
    return page.encode("cp1252")


def mojibake_page() -> bytes:
    """The Portuguese page: clean UTF-8 template, article fields double-encoded."""
    a = MOJIBAKE_ARTICLE
    title = double_encode(a.title)
    author = double_encode(a.author)
    paragraphs = tuple(double_encode(p) for p in a.paragraphs)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": a.published,
            "author": [{"@type": "Person", "name": author}],
            "publisher": {"@type": "Organization", "name": a.site},
            "image": "https://www.gazetadaserra.example/fotos/2023/06/feira-artesanato.jpg",
        },
        ensure_ascii=False,
    )
    page = f"""<!DOCTYPE html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} | {a.site}</title>
<meta name="author" content="{html.escape(author)}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{a.site}">
<meta property="og:type" content="article">
<meta property="og:image" content="https://www.gazetadaserra.example/fotos/2023/06/feira-artesanato.jpg">
<meta property="article:published_time" content="{a.published}">
<link rel="canonical" href="{a.url}">
<script type="application/ld+json">{ld}</script>
</head>
<body>
<div id="aviso-cookies">Usamos cookies para melhorar sua experiência. Ao continuar navegando, você concorda com a nossa <a href="/privacidade/">Política de Privacidade</a>. <button>Entendi</button></div>
<header class="topo">
  <a class="marca" href="/">Gazeta da Serra</a>
  <nav><a href="/">Início</a> <a href="/cidade/">Cidade</a> <a href="/politica/">Política</a> <a href="/cultura/">Cultura</a> <a href="/esportes/">Esportes</a> <a href="/classificados/">Classificados</a></nav>
</header>
<div class="migalhas"><a href="/">Início</a> / <a href="/cultura/">Cultura</a> / Eventos</div>
<div class="conteudo">
  <article>
    <h1>{html.escape(title, quote=False)}</h1>
    <p class="autor">Por {html.escape(author, quote=False)} · 26/06/2023 19h45</p>
    <img src="/fotos/2023/06/feira-artesanato.jpg" alt="Barracas da feira na praça da igreja matriz">
    <div class="materia">
{_paragraphs_html(paragraphs)}
    </div>
    <div class="leia-tambem">
      <h3>Leia também</h3>
      <ul>
        <li><a href="/cultura/2023/06/20/programacao-feira/">Veja a programação completa da Feira de Artesanato</a></li>
        <li><a href="/cidade/2023/06/18/onibus-gratuitos/">Prefeitura oferece ônibus gratuitos durante a feira</a></li>
      </ul>
    </div>
  </article>
  <aside>
    <h3>Mais lidas</h3>
    <ol>
      <li><a href="/cidade/2023/06/25/chuva-estrada/">Chuva interdita trecho da estrada velha</a></li>
      <li><a href="/esportes/2023/06/24/serrano-vence/">Serrano vence e assume a liderança</a></li>
      <li><a href="/politica/2023/06/23/camara-aprova/">Câmara aprova reforma da praça central</a></li>
    </ol>
    <div class="newsletter"><h3>Receba a Gazeta no seu e-mail</h3><p>As principais notícias da região, todas as manhãs.</p><a href="/newsletter/">Quero receber</a></div>
  </aside>
</div>
<footer>
  <p><a href="/quem-somos/">Quem somos</a> · <a href="/fale-conosco/">Fale conosco</a> · <a href="/anuncie/">Anuncie</a> · <a href="/privacidade/">Privacidade</a></p>
  <p>© 2023 Gazeta da Serra. Todos os direitos reservados.</p>
</footer>
</body>
</html>
"""
    return page.encode("utf-8")


ORIGINALS: dict[str, OriginalArticle] = {CP1252_FILE: CP1252_ARTICLE, MOJIBAKE_FILE: MOJIBAKE_ARTICLE}


def build_pages() -> dict[str, bytes]:
    """File name to bytes for both encoding cases."""
    return {CP1252_FILE: cp1252_page(), MOJIBAKE_FILE: mojibake_page()}


def main() -> None:
    """Write both pages into `examples/corpus/encoding/`."""
    ENCODING_DIR.mkdir(parents=True, exist_ok=True)
    for name, data in build_pages().items():
        (ENCODING_DIR / name).write_bytes(data)
        print(f"wrote {ENCODING_DIR / name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
