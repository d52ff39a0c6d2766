"""A labelled multilingual corpus for the language-ID benchmark, written for this project.

Eight news-style sentences per language, 34 languages written in 13 ISO 15924 scripts
(Chinese twice: Simplified and Traditional). The sentences were written for pressroom (not
copied from a data set) as parallel translations of the same eight short news items, so every
language gets the same topics and no language is helped by easier content. From them the benchmark builds full
sentences, short snippets (the first few words), ~4 KB articles and two-language texts;
`LONG_TEXTS` adds one ~4 KB article of its own in eight of the languages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SENTENCES: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "Latn"): (
        "The city council voted on Tuesday to expand the bus network, adding twelve new routes that will connect the northern suburbs with the hospital district.",
        "Scientists at the university have found that the river's water quality improved sharply after the old paper mill closed three years ago.",
        "Despite heavy rain, thousands of people gathered in the main square to celebrate the football team's first championship in half a century.",
        "The company said it would cut prices on most of its products next month, citing lower energy costs and stronger demand from overseas customers.",
        "Farmers in the region are worried that another dry summer could ruin the harvest and push many small family farms out of business.",
        "The museum will reopen in May with a new wing devoted to photography, after a renovation that took nearly four years.",
        "Parents and teachers have asked the government to provide more money for school libraries, which many say are running out of books.",
        "A small earthquake shook the coastal town early this morning, but officials reported no injuries and only minor damage to older buildings.",
    ),
    ("de", "Latn"): (
        "Der Stadtrat hat am Dienstag beschlossen, das Busnetz auszubauen und zwölf neue Linien einzurichten, die die nördlichen Vororte mit dem Krankenhausviertel verbinden.",
        "Forscher der Universität haben herausgefunden, dass sich die Wasserqualität des Flusses deutlich verbessert hat, seit die alte Papierfabrik vor drei Jahren geschlossen wurde.",
        "Trotz des starken Regens versammelten sich Tausende Menschen auf dem Marktplatz, um den ersten Meistertitel der Mannschaft seit einem halben Jahrhundert zu feiern.",
        "Das Unternehmen kündigte an, im nächsten Monat die Preise für die meisten seiner Produkte zu senken, weil die Energiekosten gesunken sind.",
        "Die Landwirte in der Region befürchten, dass ein weiterer trockener Sommer die Ernte zerstören und viele kleine Familienbetriebe in den Ruin treiben könnte.",
        "Das Museum wird im Mai mit einem neuen Flügel für Fotografie wiedereröffnet, nachdem die Renovierung fast vier Jahre gedauert hat.",
        "Eltern und Lehrer fordern von der Regierung mehr Geld für die Schulbibliotheken, denen nach eigenen Angaben allmählich die Bücher ausgehen.",
        "Ein leichtes Erdbeben erschütterte heute früh die Küstenstadt, doch die Behörden meldeten keine Verletzten und nur geringe Schäden an älteren Gebäuden.",
    ),
    ("fr", "Latn"): (
        "Le conseil municipal a voté mardi l'extension du réseau de bus, avec douze nouvelles lignes qui relieront la banlieue nord au quartier de l'hôpital.",
        "Des chercheurs de l'université ont constaté que la qualité de l'eau de la rivière s'est nettement améliorée depuis la fermeture de l'ancienne papeterie il y a trois ans.",
        "Malgré une pluie battante, des milliers de personnes se sont rassemblées sur la place principale pour fêter le premier titre de l'équipe depuis un demi-siècle.",
        "L'entreprise a annoncé qu'elle baisserait le mois prochain les prix de la plupart de ses produits, en raison de la baisse des coûts de l'énergie.",
        "Les agriculteurs de la région craignent qu'un nouvel été sec ne détruise les récoltes et ne pousse de nombreuses petites exploitations familiales à la faillite.",
        "Le musée rouvrira ses portes en mai avec une nouvelle aile consacrée à la photographie, après des travaux qui ont duré près de quatre ans.",
        "Les parents et les enseignants demandent au gouvernement davantage de moyens pour les bibliothèques scolaires, qui manquent de plus en plus de livres.",
        "Un léger tremblement de terre a secoué la ville côtière tôt ce matin, mais les autorités n'ont signalé aucun blessé et seulement quelques dégâts mineurs.",
    ),
    ("es", "Latn"): (
        "El ayuntamiento aprobó el martes la ampliación de la red de autobuses, con doce nuevas líneas que unirán los barrios del norte con la zona del hospital.",
        "Investigadores de la universidad han comprobado que la calidad del agua del río mejoró notablemente desde que cerró la antigua fábrica de papel hace tres años.",
        "A pesar de la lluvia, miles de personas se reunieron en la plaza mayor para celebrar el primer campeonato del equipo en medio siglo.",
        "La empresa anunció que el mes que viene bajará los precios de la mayoría de sus productos, debido a la caída de los costes de la energía.",
        "Los agricultores de la región temen que otro verano seco arruine la cosecha y obligue a muchas pequeñas explotaciones familiares a cerrar.",
        "El museo volverá a abrir sus puertas en mayo con una nueva sala dedicada a la fotografía, tras unas obras que han durado casi cuatro años.",
        "Padres y profesores piden al gobierno más dinero para las bibliotecas escolares, que según ellos se están quedando sin libros.",
        "Un pequeño terremoto sacudió esta madrugada la ciudad costera, pero las autoridades no informaron de heridos y solo de daños leves en edificios antiguos.",
    ),
    ("pt", "Latn"): (
        "A câmara municipal aprovou na terça-feira a ampliação da rede de autocarros, com doze novas linhas que vão ligar os subúrbios do norte à zona do hospital.",
        "Investigadores da universidade descobriram que a qualidade da água do rio melhorou muito desde que a velha fábrica de papel fechou, há três anos.",
        "Apesar da chuva forte, milhares de pessoas juntaram-se na praça principal para festejar o primeiro título da equipa em meio século.",
        "A empresa anunciou que vai baixar no próximo mês os preços da maioria dos seus produtos, por causa da descida dos custos da energia.",
        "Os agricultores da região temem que mais um verão seco destrua a colheita e leve muitas pequenas explorações familiares à falência.",
        "O museu vai reabrir em maio com uma nova ala dedicada à fotografia, depois de obras que demoraram quase quatro anos.",
        "Pais e professores pedem ao governo mais dinheiro para as bibliotecas escolares, que dizem estar a ficar sem livros.",
        "Um pequeno sismo abalou a cidade costeira esta madrugada, mas as autoridades não registaram feridos e apenas danos ligeiros em edifícios antigos.",
    ),
    ("it", "Latn"): (
        "Il consiglio comunale ha approvato martedì l'ampliamento della rete degli autobus, con dodici nuove linee che collegheranno la periferia nord con la zona dell'ospedale.",
        "I ricercatori dell'università hanno scoperto che la qualità dell'acqua del fiume è migliorata molto da quando la vecchia cartiera ha chiuso tre anni fa.",
        "Nonostante la pioggia, migliaia di persone si sono radunate nella piazza principale per festeggiare il primo scudetto della squadra dopo mezzo secolo.",
        "L'azienda ha annunciato che il mese prossimo abbasserà i prezzi della maggior parte dei suoi prodotti, grazie al calo dei costi dell'energia.",
        "Gli agricoltori della zona temono che un'altra estate secca possa rovinare il raccolto e costringere molte piccole aziende familiari a chiudere.",
        "Il museo riaprirà a maggio con una nuova ala dedicata alla fotografia, dopo lavori di restauro durati quasi quattro anni.",
        "Genitori e insegnanti chiedono al governo più fondi per le biblioteche scolastiche, che secondo loro stanno rimanendo senza libri.",
        "Una lieve scossa di terremoto ha colpito stamattina la città costiera, ma le autorità non hanno segnalato feriti e solo danni lievi ad alcuni edifici vecchi.",
    ),
    ("nl", "Latn"): (
        "De gemeenteraad heeft dinsdag besloten het busnet uit te breiden met twaalf nieuwe lijnen die de noordelijke wijken met het ziekenhuisterrein verbinden.",
        "Onderzoekers van de universiteit hebben vastgesteld dat de waterkwaliteit van de rivier sterk is verbeterd sinds de oude papierfabriek drie jaar geleden dichtging.",
        "Ondanks de harde regen kwamen duizenden mensen op het marktplein bijeen om het eerste kampioenschap van de club in een halve eeuw te vieren.",
        "Het bedrijf maakte bekend dat het volgende maand de prijzen van de meeste producten verlaagt, omdat de energiekosten zijn gedaald.",
        "Boeren in de regio vrezen dat nog een droge zomer de oogst zal verwoesten en veel kleine familiebedrijven failliet zal laten gaan.",
        "Het museum gaat in mei weer open met een nieuwe vleugel voor fotografie, na een verbouwing die bijna vier jaar heeft geduurd.",
        "Ouders en leraren vragen de regering om meer geld voor schoolbibliotheken, waar volgens hen steeds minder boeken te vinden zijn.",
        "Een lichte aardbeving deed vanochtend vroeg de kustplaats schudden, maar de autoriteiten meldden geen gewonden en slechts kleine schade aan oude gebouwen.",
    ),
    ("sv", "Latn"): (
        "Kommunfullmäktige beslutade i tisdags att bygga ut busstrafiken med tolv nya linjer som ska förbinda de norra förorterna med sjukhusområdet.",
        "Forskare vid universitetet har visat att vattenkvaliteten i älven har blivit mycket bättre sedan det gamla pappersbruket lades ner för tre år sedan.",
        "Trots det kraftiga regnet samlades tusentals människor på stortorget för att fira lagets första mästerskap på ett halvt sekel.",
        "Företaget meddelade att det sänker priserna på de flesta av sina produkter nästa månad, eftersom energikostnaderna har gått ner.",
        "Bönderna i regionen är oroliga för att ännu en torr sommar kan förstöra skörden och tvinga många små familjejordbruk att lägga ner.",
        "Museet öppnar igen i maj med en ny flygel för fotografi, efter en renovering som har pågått i nästan fyra år.",
        "Föräldrar och lärare kräver att regeringen satsar mer pengar på skolbiblioteken, som enligt dem håller på att få slut på böcker.",
        "Ett lätt jordskalv skakade kuststaden tidigt i morse, men myndigheterna rapporterade inga skadade och bara små skador på äldre byggnader.",
    ),
    ("da", "Latn"): (
        "Byrådet besluttede tirsdag at udvide busnettet med tolv nye ruter, som skal forbinde de nordlige forstæder med området omkring hospitalet.",
        "Forskere fra universitetet har påvist, at vandkvaliteten i åen er blevet markant bedre, siden den gamle papirfabrik lukkede for tre år siden.",
        "Trods den kraftige regn samledes tusindvis af mennesker på torvet for at fejre holdets første mesterskab i et halvt århundrede.",
        "Virksomheden meddelte, at den sænker priserne på de fleste af sine varer i næste måned, fordi energiudgifterne er faldet.",
        "Landmændene i området frygter, at endnu en tør sommer vil ødelægge høsten og tvinge mange små familiebrug til at lukke.",
        "Museet genåbner i maj med en ny fløj helliget fotografi efter en ombygning, der har varet næsten fire år.",
        "Forældre og lærere opfordrer regeringen til at give flere penge til skolebibliotekerne, som efter deres mening er ved at løbe tør for bøger.",
        "Et mindre jordskælv rystede kystbyen tidligt i morges, men myndighederne meldte ikke om tilskadekomne og kun om små skader på ældre bygninger.",
    ),
    ("nb", "Latn"): (
        "Bystyret vedtok tirsdag å utvide bussnettet med tolv nye ruter som skal knytte de nordlige forstedene til området rundt sykehuset.",
        "Forskere ved universitetet har funnet ut at vannkvaliteten i elva er blitt mye bedre etter at den gamle papirfabrikken ble lagt ned for tre år siden.",
        "Til tross for kraftig regn samlet tusenvis av mennesker seg på torget for å feire lagets første seriegull på et halvt århundre.",
        "Selskapet opplyste at det vil sette ned prisene på de fleste produktene sine neste måned, fordi strømkostnadene har gått ned.",
        "Bøndene i distriktet frykter at enda en tørr sommer kan ødelegge avlingene og tvinge mange små familiebruk til å legge ned driften.",
        "Museet åpner igjen i mai med en ny fløy viet til fotografi, etter en ombygging som har tatt nesten fire år.",
        "Foreldre og lærere ber regjeringen om mer penger til skolebibliotekene, som ifølge dem snart går tomme for bøker.",
        "Et lite jordskjelv rystet kystbyen tidlig i morges, men politiet meldte ikke om personskader og bare om mindre skader på eldre bygninger.",
    ),
    ("fi", "Latn"): (
        "Kaupunginvaltuusto päätti tiistaina laajentaa bussiverkkoa kahdellatoista uudella linjalla, jotka yhdistävät pohjoiset lähiöt sairaala-alueeseen.",
        "Yliopiston tutkijat ovat havainneet, että joen veden laatu on parantunut selvästi sen jälkeen, kun vanha paperitehdas suljettiin kolme vuotta sitten.",
        "Rankkasateesta huolimatta tuhannet ihmiset kokoontuivat torille juhlimaan joukkueen ensimmäistä mestaruutta puoleen vuosisataan.",
        "Yhtiö ilmoitti laskevansa useimpien tuotteidensa hintoja ensi kuussa, koska energian hinta on laskenut.",
        "Alueen viljelijät pelkäävät, että uusi kuiva kesä voi tuhota sadon ja ajaa monet pienet perhetilat konkurssiin.",
        "Museo avataan uudelleen toukokuussa lähes neljä vuotta kestäneen remontin jälkeen, ja siihen on rakennettu valokuvaukselle omistettu uusi siipi.",
        "Vanhemmat ja opettajat vaativat hallitukselta lisää rahaa koulujen kirjastoille, joista heidän mukaansa alkavat kirjat loppua.",
        "Pieni maanjäristys ravisteli rannikkokaupunkia varhain tänä aamuna, mutta viranomaisten mukaan kukaan ei loukkaantunut ja vahingot jäivät vähäisiksi.",
    ),
    ("is", "Latn"): (
        "Borgarstjórn samþykkti á þriðjudag að stækka strætisvagnakerfið með tólf nýjum leiðum sem tengja norðurhverfin við svæðið í kringum sjúkrahúsið.",
        "Vísindamenn við háskólann hafa komist að því að vatnsgæði árinnar hafa batnað mikið síðan gamla pappírsverksmiðjan lokaði fyrir þremur árum.",
        "Þrátt fyrir mikla rigningu söfnuðust þúsundir manna saman á aðaltorginu til að fagna fyrsta meistaratitli liðsins í hálfa öld.",
        "Fyrirtækið tilkynnti að það myndi lækka verð á flestum vörum sínum í næsta mánuði vegna lægri orkukostnaðar.",
        "Bændur á svæðinu óttast að enn eitt þurrt sumar geti eyðilagt uppskeruna og neytt mörg lítil fjölskyldubú til að hætta rekstri.",
        "Safnið verður opnað aftur í maí með nýrri álmu sem helguð er ljósmyndun, eftir endurbætur sem stóðu í nærri fjögur ár.",
        "Foreldrar og kennarar hvetja ríkisstjórnina til að veita meira fé til skólabókasafna, sem þeir segja að séu að verða uppiskroppa með bækur.",
        "Lítill jarðskjálfti skók bæinn snemma í morgun en lögreglan segir að enginn hafi slasast og aðeins minniháttar skemmdir hafi orðið á eldri húsum.",
    ),
    ("pl", "Latn"): (
        "Rada miasta zdecydowała we wtorek o rozbudowie sieci autobusowej o dwanaście nowych linii, które połączą północne dzielnice z okolicą szpitala.",
        "Naukowcy z uniwersytetu ustalili, że jakość wody w rzece wyraźnie się poprawiła, odkąd trzy lata temu zamknięto starą papiernię.",
        "Mimo ulewnego deszczu tysiące ludzi zebrały się na rynku, aby świętować pierwsze od pół wieku mistrzostwo drużyny.",
        "Firma zapowiedziała, że w przyszłym miesiącu obniży ceny większości swoich produktów, ponieważ spadły koszty energii.",
        "Rolnicy w regionie obawiają się, że kolejne suche lato zniszczy plony i doprowadzi wiele małych gospodarstw rodzinnych do bankructwa.",
        "Muzeum zostanie ponownie otwarte w maju z nowym skrzydłem poświęconym fotografii, po remoncie, który trwał prawie cztery lata.",
        "Rodzice i nauczyciele domagają się od rządu więcej pieniędzy na biblioteki szkolne, w których ich zdaniem zaczyna brakować książek.",
        "Niewielkie trzęsienie ziemi wstrząsnęło dziś rano nadmorskim miastem, ale władze nie zgłosiły rannych, a jedynie drobne uszkodzenia starszych budynków.",
    ),
    ("cs", "Latn"): (
        "Městské zastupitelstvo v úterý schválilo rozšíření autobusové sítě o dvanáct nových linek, které propojí severní předměstí s areálem nemocnice.",
        "Vědci z univerzity zjistili, že kvalita vody v řece se výrazně zlepšila od doby, kdy byla před třemi lety uzavřena stará papírna.",
        "Navzdory hustému dešti se na náměstí sešly tisíce lidí, aby oslavily první titul týmu za posledního půl století.",
        "Společnost oznámila, že příští měsíc sníží ceny většiny svých výrobků, protože klesly náklady na energii.",
        "Zemědělci v regionu se obávají, že další suché léto zničí úrodu a přivede mnoho malých rodinných farem ke krachu.",
        "Muzeum se v květnu znovu otevře s novým křídlem věnovaným fotografii, a to po rekonstrukci, která trvala téměř čtyři roky.",
        "Rodiče a učitelé žádají vládu o více peněz pro školní knihovny, kterým podle nich začínají docházet knihy.",
        "Slabé zemětřesení dnes brzy ráno otřáslo přímořským městem, úřady však nehlásí žádná zranění, jen drobné škody na starších budovách.",
    ),
    ("hu", "Latn"): (
        "A városi közgyűlés kedden megszavazta a buszhálózat bővítését tizenkét új járattal, amelyek összekötik az északi külvárosokat a kórház környékével.",
        "Az egyetem kutatói megállapították, hogy a folyó vízminősége jelentősen javult, amióta három évvel ezelőtt bezárt a régi papírgyár.",
        "A szakadó eső ellenére emberek ezrei gyűltek össze a főtéren, hogy megünnepeljék a csapat fél évszázad óta első bajnoki címét.",
        "A vállalat bejelentette, hogy a jövő hónaptól csökkenti a legtöbb termékének árát, mivel csökkentek az energiaköltségek.",
        "A térség gazdái attól tartanak, hogy egy újabb száraz nyár tönkreteszi a termést, és sok kis családi gazdaság csődbe megy.",
        "A múzeum májusban nyit újra egy fotográfiának szentelt új szárnnyal, a csaknem négy évig tartó felújítás után.",
        "A szülők és a tanárok több pénzt kérnek a kormánytól az iskolai könyvtárakra, amelyekből szerintük lassan elfogynak a könyvek.",
        "Kisebb földrengés rázta meg ma kora reggel a tengerparti várost, de a hatóságok sérültekről nem tudnak, csak a régebbi épületekben keletkezett kisebb kár.",
    ),
    ("ro", "Latn"): (
        "Consiliul local a aprobat marți extinderea rețelei de autobuze cu douăsprezece linii noi, care vor lega cartierele din nord de zona spitalului.",
        "Cercetătorii universității au descoperit că în ultimii trei ani, de când vechea fabrică de hârtie a fost închisă, calitatea apei din râu s-a îmbunătățit considerabil.",
        "În ciuda ploii puternice, mii de oameni s-au adunat în piața centrală pentru a sărbători primul titlu al echipei din ultima jumătate de secol.",
        "Compania a anunțat că luna viitoare va reduce prețurile majorității produselor sale, deoarece costurile energiei au scăzut.",
        "Fermierii din regiune se tem că încă o vară secetoasă ar putea distruge recolta și ar împinge multe ferme mici de familie spre faliment.",
        "Muzeul se va redeschide în mai cu o aripă nouă dedicată fotografiei, după lucrări de renovare care au durat aproape patru ani.",
        "Părinții și profesorii cer guvernului mai mulți bani pentru bibliotecile școlare, în care, spun ei, cărțile sunt tot mai puține.",
        "Un cutremur slab a zguduit orașul de pe litoral în această dimineață, însă autoritățile nu au raportat răniți, ci doar mici pagube la clădirile vechi.",
    ),
    ("tr", "Latn"): (
        "Belediye meclisi salı günü otobüs ağının genişletilmesine karar verdi; on iki yeni hat kuzeydeki semtleri hastane bölgesine bağlayacak.",
        "Üniversitedeki araştırmacılar, eski kâğıt fabrikası üç yıl önce kapandığından beri nehir suyunun kalitesinin belirgin şekilde iyileştiğini tespit etti.",
        "Şiddetli yağmura rağmen binlerce kişi, takımın yarım asırdır kazandığı ilk şampiyonluğu kutlamak için ana meydanda toplandı.",
        "Şirket, enerji maliyetlerinin düşmesi nedeniyle gelecek ay ürünlerinin çoğunda fiyat indirimine gideceğini açıkladı.",
        "Bölgedeki çiftçiler, bir kurak yazın daha hasadı mahvedebileceğinden ve pek çok küçük aile işletmesini iflasa sürükleyebileceğinden endişe ediyor.",
        "Müze, yaklaşık dört yıl süren yenileme çalışmalarının ardından mayıs ayında fotoğrafa ayrılmış yeni bir bölümle yeniden açılacak.",
        "Veliler ve öğretmenler, hükümetten okul kütüphaneleri için daha fazla kaynak ayırmasını istiyor; onlara göre raflardaki kitaplar giderek azalıyor.",
        "Bu sabah erken saatlerde sahil kasabasında hafif bir deprem meydana geldi, ancak yetkililer yaralı olmadığını ve eski binalarda yalnızca küçük hasar oluştuğunu bildirdi.",
    ),
    ("ru", "Cyrl"): (
        "Городской совет во вторник одобрил расширение автобусной сети: двенадцать новых маршрутов свяжут северные районы с больничным городком.",
        "Учёные университета выяснили, что качество воды в реке заметно улучшилось с тех пор, как три года назад закрылась старая бумажная фабрика.",
        "Несмотря на проливной дождь, тысячи людей собрались на главной площади, чтобы отпраздновать первый за полвека чемпионский титул команды.",
        "Компания объявила, что в следующем месяце снизит цены на большинство своих товаров, поскольку расходы на электроэнергию сократились.",
        "Фермеры региона опасаются, что ещё одно засушливое лето погубит урожай и разорит многие небольшие семейные хозяйства.",
        "Музей вновь откроется в мае с новым крылом, посвящённым фотографии, после ремонта, который длился почти четыре года.",
        "Родители и учителя просят правительство выделить больше денег школьным библиотекам, в которых, по их словам, заканчиваются книги.",
        "Сегодня рано утром в приморском городе произошло небольшое землетрясение, но власти сообщили, что пострадавших нет, а старые здания получили лишь мелкие повреждения.",
    ),
    ("uk", "Cyrl"): (
        "Міська рада у вівторок схвалила розширення автобусної мережі: дванадцять нових маршрутів з'єднають північні райони з лікарняним містечком.",
        "Науковці університету з'ясували, що якість води в річці помітно покращилася відтоді, як три роки тому закрилася стара паперова фабрика.",
        "Попри сильну зливу, тисячі людей зібралися на головній площі, щоб відсвяткувати перший за пів століття чемпіонський титул команди.",
        "Компанія оголосила, що наступного місяця знизить ціни на більшість своїх товарів, оскільки витрати на енергію зменшилися.",
        "Фермери регіону побоюються, що ще одне посушливе літо знищить урожай і призведе до банкрутства багатьох невеликих сімейних господарств.",
        "Музей знову відкриється у травні з новим крилом, присвяченим фотографії, після ремонту, який тривав майже чотири роки.",
        "Батьки та вчителі просять уряд виділити більше коштів на шкільні бібліотеки, у яких, за їхніми словами, бракує книжок.",
        "Сьогодні вранці в приморському місті стався невеликий землетрус, однак влада повідомила, що постраждалих немає, а старі будинки зазнали лише незначних пошкоджень.",
    ),
    ("el", "Grek"): (
        "Το δημοτικό συμβούλιο ενέκρινε την Τρίτη την επέκταση του δικτύου λεωφορείων με δώδεκα νέες γραμμές που θα συνδέουν τα βόρεια προάστια με την περιοχή του νοσοκομείου.",
        "Ερευνητές του πανεπιστημίου διαπίστωσαν ότι η ποιότητα του νερού του ποταμού βελτιώθηκε σημαντικά από τότε που έκλεισε το παλιό χαρτοποιείο πριν από τρία χρόνια.",
        "Παρά τη δυνατή βροχή, χιλιάδες άνθρωποι συγκεντρώθηκαν στην κεντρική πλατεία για να γιορτάσουν τον πρώτο τίτλο της ομάδας μετά από μισό αιώνα.",
        "Η εταιρεία ανακοίνωσε ότι τον επόμενο μήνα θα μειώσει τις τιμές των περισσότερων προϊόντων της, επειδή μειώθηκε το κόστος της ενέργειας.",
        "Οι αγρότες της περιοχής φοβούνται ότι ένα ακόμη ξερό καλοκαίρι θα καταστρέψει τη σοδειά και θα οδηγήσει πολλές μικρές οικογενειακές φάρμες σε χρεοκοπία.",
        "Το μουσείο θα ανοίξει ξανά τον Μάιο με μια νέα πτέρυγα αφιερωμένη στη φωτογραφία, μετά από εργασίες ανακαίνισης που κράτησαν σχεδόν τέσσερα χρόνια.",
        "Γονείς και εκπαιδευτικοί ζητούν από την κυβέρνηση περισσότερα χρήματα για τις σχολικές βιβλιοθήκες, οι οποίες, όπως λένε, μένουν χωρίς βιβλία.",
        "Ένας μικρός σεισμός ταρακούνησε νωρίς το πρωί την παραθαλάσσια πόλη, όμως οι αρχές δεν ανέφεραν τραυματίες παρά μόνο μικρές ζημιές σε παλιά κτίρια.",
    ),
    ("ar", "Arab"): (
        "وافق المجلس البلدي يوم الثلاثاء على توسيع شبكة الحافلات بإضافة اثني عشر خطا جديدا تربط الأحياء الشمالية بمنطقة المستشفى.",
        "توصل باحثون في الجامعة إلى أن جودة مياه النهر تحسنت بشكل ملحوظ منذ إغلاق مصنع الورق القديم قبل ثلاث سنوات.",
        "رغم الأمطار الغزيرة، تجمع آلاف الأشخاص في الساحة الرئيسية للاحتفال بأول بطولة يحرزها الفريق منذ نصف قرن.",
        "أعلنت الشركة أنها ستخفض في الشهر المقبل أسعار معظم منتجاتها بسبب انخفاض تكاليف الطاقة.",
        "يخشى المزارعون في المنطقة أن يؤدي صيف جاف آخر إلى تدمير المحصول ودفع كثير من المزارع العائلية الصغيرة إلى الإفلاس.",
        "سيعاد افتتاح المتحف في شهر مايو بجناح جديد مخصص للتصوير الفوتوغرافي، بعد أعمال ترميم استمرت قرابة أربع سنوات.",
        "يطالب أولياء الأمور والمعلمون الحكومة بتخصيص مزيد من الأموال للمكتبات المدرسية التي يقولون إنها باتت تفتقر إلى الكتب.",
        "ضرب زلزال خفيف المدينة الساحلية في وقت مبكر من صباح اليوم، لكن السلطات لم تبلغ عن وقوع إصابات، واقتصرت الأضرار على المباني القديمة.",
    ),
    ("fa", "Arab"): (
        "شورای شهر روز سه‌شنبه با گسترش شبکه اتوبوسرانی موافقت کرد و دوازده خط جدید محله‌های شمالی را به منطقه بیمارستان وصل خواهد کرد.",
        "پژوهشگران دانشگاه دریافته‌اند که کیفیت آب رودخانه از زمان تعطیلی کارخانه قدیمی کاغذسازی در سه سال پیش به طور چشمگیری بهتر شده است.",
        "با وجود باران شدید، هزاران نفر در میدان اصلی شهر گرد آمدند تا نخستین قهرمانی تیم پس از نیم قرن را جشن بگیرند.",
        "این شرکت اعلام کرد که ماه آینده قیمت بیشتر محصولات خود را کاهش می‌دهد، زیرا هزینه‌های انرژی پایین آمده است.",
        "کشاورزان منطقه نگران‌اند که یک تابستان خشک دیگر محصول را از بین ببرد و بسیاری از مزرعه‌های کوچک خانوادگی را ورشکست کند.",
        "موزه پس از نزدیک به چهار سال بازسازی، در ماه مه با بخش تازه‌ای که به عکاسی اختصاص دارد دوباره بازگشایی می‌شود.",
        "پدران و مادران و معلمان از دولت می‌خواهند بودجه بیشتری به کتابخانه‌های مدارس بدهد، چون به گفته آنها کتاب‌ها رو به تمام شدن است.",
        "زمین‌لرزه‌ای خفیف صبح زود امروز شهر ساحلی را لرزاند، اما مسئولان از مصدوم شدن کسی خبر ندادند و تنها به ساختمان‌های قدیمی آسیب جزئی رسید.",
    ),
    ("he", "Hebr"): (
        "מועצת העיר אישרה ביום שלישי את הרחבת רשת האוטובוסים, ושנים עשר קווים חדשים יחברו את השכונות הצפוניות לאזור בית החולים.",
        "חוקרים מהאוניברסיטה מצאו כי איכות המים בנהר השתפרה מאוד מאז שנסגר מפעל הנייר הישן לפני שלוש שנים.",
        "למרות הגשם העז, אלפי אנשים התאספו בכיכר המרכזית כדי לחגוג את האליפות הראשונה של הקבוצה מזה חצי מאה.",
        "החברה הודיעה כי בחודש הבא תוריד את המחירים של רוב מוצריה, בעקבות הירידה בעלויות האנרגיה.",
        "החקלאים באזור חוששים שקיץ יבש נוסף יהרוס את היבול ויוביל משקים משפחתיים קטנים רבים לפשיטת רגל.",
        "המוזיאון ייפתח מחדש במאי עם אגף חדש המוקדש לצילום, לאחר עבודות שיפוץ שנמשכו כמעט ארבע שנים.",
        "הורים ומורים דורשים מהממשלה להקצות יותר כסף לספריות בבתי הספר, שלדבריהם נותרות בלי ספרים.",
        "רעידת אדמה קלה הרעידה הבוקר את העיר שלחוף הים, אך הרשויות לא דיווחו על נפגעים אלא רק על נזק קל למבנים ישנים.",
    ),
    ("hi", "Deva"): (
        "नगर परिषद ने मंगलवार को बस नेटवर्क के विस्तार को मंज़ूरी दी, जिसके तहत बारह नए रूट उत्तरी इलाकों को अस्पताल क्षेत्र से जोड़ेंगे।",
        "विश्वविद्यालय के शोधकर्ताओं ने पाया है कि तीन साल पहले पुरानी कागज़ मिल बंद होने के बाद से नदी के पानी की गुणवत्ता में काफ़ी सुधार हुआ है।",
        "भारी बारिश के बावजूद हज़ारों लोग मुख्य चौक पर इकट्ठा हुए ताकि आधी सदी में टीम की पहली चैंपियनशिप का जश्न मना सकें।",
        "कंपनी ने घोषणा की है कि ऊर्जा की लागत घटने के कारण वह अगले महीने अपने ज़्यादातर उत्पादों के दाम कम करेगी।",
        "इलाके के किसानों को डर है कि एक और सूखी गर्मी फ़सल को बर्बाद कर देगी और कई छोटे पारिवारिक खेतों को दिवालिया बना देगी।",
        "लगभग चार साल चले मरम्मत के काम के बाद संग्रहालय मई में फ़ोटोग्राफ़ी को समर्पित एक नए हिस्से के साथ फिर से खुलेगा।",
        "माता-पिता और शिक्षक सरकार से स्कूल पुस्तकालयों के लिए ज़्यादा पैसे की माँग कर रहे हैं, क्योंकि उनके अनुसार वहाँ किताबें कम पड़ रही हैं।",
        "आज सुबह तटीय शहर में हल्का भूकंप आया, लेकिन अधिकारियों ने बताया कि कोई घायल नहीं हुआ और केवल पुरानी इमारतों को मामूली नुकसान पहुँचा।",
    ),
    ("mr", "Deva"): (
        "नगर परिषदेने मंगळवारी बस सेवेच्या विस्ताराला मंजुरी दिली असून बारा नवे मार्ग उत्तरेकडील उपनगरांना रुग्णालयाच्या परिसराशी जोडतील.",
        "विद्यापीठातील संशोधकांना असे आढळले आहे की तीन वर्षांपूर्वी जुनी कागद गिरणी बंद झाल्यापासून नदीच्या पाण्याची गुणवत्ता बरीच सुधारली आहे.",
        "मुसळधार पावसातही हजारो लोक मुख्य चौकात जमले आणि त्यांनी संघाच्या पन्नास वर्षांतील पहिल्या विजेतेपदाचा आनंद साजरा केला.",
        "ऊर्जेचा खर्च कमी झाल्यामुळे पुढील महिन्यात आपल्या बहुतेक उत्पादनांच्या किमती कमी करणार असल्याचे कंपनीने जाहीर केले.",
        "आणखी एक कोरडा उन्हाळा पिकांचे नुकसान करेल आणि अनेक लहान कौटुंबिक शेतकऱ्यांना कर्जबाजारी करेल, अशी भीती या भागातील शेतकऱ्यांना वाटते.",
        "जवळपास चार वर्षे चाललेल्या दुरुस्तीनंतर संग्रहालय मे महिन्यात छायाचित्रणाला वाहिलेल्या नव्या दालनासह पुन्हा खुले होणार आहे.",
        "शाळांच्या ग्रंथालयांसाठी सरकारने अधिक निधी द्यावा, अशी मागणी पालक आणि शिक्षकांनी केली आहे, कारण तिथे पुस्तकांची कमतरता भासत आहे.",
        "आज पहाटे किनारपट्टीवरील शहराला भूकंपाचा सौम्य धक्का बसला, मात्र कोणीही जखमी झाले नसून केवळ जुन्या इमारतींचे किरकोळ नुकसान झाल्याचे अधिकाऱ्यांनी सांगितले.",
    ),
    ("bn", "Beng"): (
        "পৌরসভা মঙ্গলবার বাস পরিষেবা সম্প্রসারণের অনুমোদন দিয়েছে, যার ফলে বারোটি নতুন রুট উত্তরের এলাকাগুলোকে হাসপাতাল এলাকার সঙ্গে যুক্ত করবে।",
        "বিশ্ববিদ্যালয়ের গবেষকেরা দেখেছেন যে তিন বছর আগে পুরোনো কাগজকল বন্ধ হওয়ার পর থেকে নদীর পানির মান অনেক ভালো হয়েছে।",
        "প্রবল বৃষ্টির মধ্যেও হাজার হাজার মানুষ প্রধান চত্বরে জড়ো হয়ে অর্ধশতাব্দীর মধ্যে দলের প্রথম শিরোপা উদযাপন করেন।",
        "জ্বালানির খরচ কমে যাওয়ায় আগামী মাসে বেশিরভাগ পণ্যের দাম কমানো হবে বলে কোম্পানিটি জানিয়েছে।",
        "এলাকার কৃষকেরা আশঙ্কা করছেন যে আরেকটি শুকনো গ্রীষ্ম ফসল নষ্ট করে দেবে এবং অনেক ছোট পারিবারিক খামারকে দেউলিয়া করে দেবে।",
        "প্রায় চার বছর ধরে সংস্কারের পর জাদুঘরটি মে মাসে আলোকচিত্রের জন্য নিবেদিত একটি নতুন অংশসহ আবার খুলবে।",
        "অভিভাবক ও শিক্ষকেরা স্কুলের গ্রন্থাগারের জন্য সরকারের কাছে আরও অর্থ চেয়েছেন, কারণ তাঁদের মতে সেখানে বইয়ের অভাব দেখা দিচ্ছে।",
        "আজ ভোরে উপকূলীয় শহরটিতে একটি মৃদু ভূমিকম্প অনুভূত হয়, তবে কর্তৃপক্ষ জানিয়েছে কেউ আহত হয়নি এবং কেবল পুরোনো ভবনগুলোর সামান্য ক্ষতি হয়েছে।",
    ),
    ("ta", "Taml"): (
        "நகராட்சி மன்றம் செவ்வாய்க்கிழமை பேருந்து சேவையை விரிவுபடுத்த ஒப்புதல் அளித்தது; பன்னிரண்டு புதிய வழித்தடங்கள் வடக்குப் பகுதிகளை மருத்துவமனைப் பகுதியுடன் இணைக்கும்.",
        "மூன்று ஆண்டுகளுக்கு முன்பு பழைய காகித ஆலை மூடப்பட்டதிலிருந்து ஆற்று நீரின் தரம் பெரிதும் மேம்பட்டுள்ளதாகப் பல்கலைக்கழக ஆய்வாளர்கள் கண்டறிந்துள்ளனர்.",
        "கனமழை பெய்தபோதிலும், அணியின் அரை நூற்றாண்டில் முதல் சாம்பியன் பட்டத்தைக் கொண்டாட ஆயிரக்கணக்கான மக்கள் பிரதான சதுக்கத்தில் கூடினர்.",
        "எரிசக்திச் செலவு குறைந்துள்ளதால் அடுத்த மாதம் தனது பெரும்பாலான பொருட்களின் விலையைக் குறைக்கப் போவதாக அந்த நிறுவனம் அறிவித்துள்ளது.",
        "இன்னொரு வறண்ட கோடைக்காலம் பயிர்களை அழித்து, பல சிறிய குடும்பப் பண்ணைகளை நஷ்டத்தில் தள்ளிவிடும் என்று அப்பகுதி விவசாயிகள் அஞ்சுகின்றனர்.",
        "ஏறக்குறைய நான்கு ஆண்டுகள் நடந்த புனரமைப்புப் பணிகளுக்குப் பிறகு, அருங்காட்சியகம் மே மாதம் புகைப்படக் கலைக்கான புதிய பிரிவுடன் மீண்டும் திறக்கப்படும்.",
        "பள்ளி நூலகங்களில் புத்தகங்கள் குறைந்து வருவதால், அவற்றுக்கு அரசு கூடுதல் நிதி ஒதுக்க வேண்டும் என்று பெற்றோரும் ஆசிரியர்களும் கோருகின்றனர்.",
        "இன்று அதிகாலை கடலோர நகரில் லேசான நிலநடுக்கம் ஏற்பட்டது; ஆனால் யாரும் காயமடையவில்லை என்றும் பழைய கட்டடங்களுக்கு மட்டும் சிறிய சேதம் ஏற்பட்டது என்றும் அதிகாரிகள் தெரிவித்தனர்.",
    ),
    ("th", "Thai"): (
        "สภาเทศบาลอนุมัติการขยายเครือข่ายรถประจำทางเมื่อวันอังคาร โดยจะเพิ่มเส้นทางใหม่สิบสองสายเพื่อเชื่อมชานเมืองทางเหนือกับย่านโรงพยาบาล",
        "นักวิจัยของมหาวิทยาลัยพบว่าคุณภาพน้ำในแม่น้ำดีขึ้นอย่างเห็นได้ชัด นับตั้งแต่โรงงานกระดาษเก่าปิดตัวลงเมื่อสามปีก่อน",
        "แม้ฝนจะตกหนัก แต่ประชาชนหลายพันคนก็มารวมตัวกันที่ลานกลางเมืองเพื่อฉลองแชมป์ครั้งแรกของทีมในรอบครึ่งศตวรรษ",
        "บริษัทประกาศว่าจะลดราคาสินค้าส่วนใหญ่ในเดือนหน้า เนื่องจากต้นทุนพลังงานลดลง",
        "เกษตรกรในพื้นที่กังวลว่าฤดูร้อนที่แห้งแล้งอีกครั้งจะทำให้ผลผลิตเสียหาย และทำให้ฟาร์มครอบครัวขนาดเล็กจำนวนมากต้องล้มละลาย",
        "พิพิธภัณฑ์จะกลับมาเปิดอีกครั้งในเดือนพฤษภาคม พร้อมอาคารส่วนใหม่ที่อุทิศให้กับการถ่ายภาพ หลังการปรับปรุงที่ใช้เวลาเกือบสี่ปี",
        "ผู้ปกครองและครูเรียกร้องให้รัฐบาลจัดสรรงบประมาณเพิ่มขึ้นสำหรับห้องสมุดโรงเรียน ซึ่งพวกเขาบอกว่ากำลังขาดแคลนหนังสือ",
        "เกิดแผ่นดินไหวขนาดเล็กในเมืองชายฝั่งเมื่อเช้าตรู่วันนี้ แต่เจ้าหน้าที่รายงานว่าไม่มีผู้ได้รับบาดเจ็บ และอาคารเก่าได้รับความเสียหายเพียงเล็กน้อย",
    ),
    ("zh", "Hans"): (
        "市议会周二批准扩建公交网络，新增十二条线路，把北部郊区与医院片区连接起来。",
        "大学的研究人员发现，自从三年前那家老造纸厂关闭以来，河水的水质明显改善。",
        "尽管下着大雨，仍有数千人聚集在中心广场，庆祝球队半个世纪以来的第一个冠军。",
        "该公司宣布，由于能源成本下降，下个月将下调大部分产品的价格。",
        "当地农民担心，再来一个干旱的夏天会毁掉收成，让许多小型家庭农场破产。",
        "博物馆经过将近四年的翻修，将于五月重新开放，并增设一个专门展示摄影作品的新展厅。",
        "家长和教师呼吁政府为学校图书馆增加经费，他们说那里的书越来越少了。",
        "今天清晨，这座沿海城市发生了一次轻微地震，但当局表示没有人员受伤，只有一些老旧建筑受到轻微损坏。",
    ),
    ("zh", "Hant"): (
        "市議會週二批准擴建公車路網，新增十二條路線，把北部郊區與醫院一帶連接起來。",
        "大學的研究人員發現，自從三年前那家老造紙廠關閉以來，河水的水質明顯改善。",
        "儘管下著大雨，仍有數千人聚集在中心廣場，慶祝球隊半個世紀以來的第一座冠軍。",
        "該公司宣布，由於能源成本下降，下個月將調降大部分產品的價格。",
        "當地農民擔心，再來一個乾旱的夏天會毀掉收成，讓許多小型家庭農場破產。",
        "博物館經過將近四年的整修，將於五月重新開放，並增設一個專門展示攝影作品的新展廳。",
        "家長和教師呼籲政府為學校圖書館增加經費，他們說那裡的書越來越少了。",
        "今天清晨，這座沿海城市發生了一次輕微地震，但當局表示沒有人員受傷，只有一些老舊建築受到輕微損壞。",
    ),
    ("ja", "Jpan"): (
        "市議会は火曜日、バス路線網の拡大を承認し、北部の郊外と病院地区を結ぶ新しい路線が十二本設けられることになった。",
        "大学の研究者たちは、三年前に古い製紙工場が閉鎖されて以来、川の水質が大きく改善したことを明らかにした。",
        "激しい雨にもかかわらず、数千人が中央広場に集まり、チームにとって半世紀ぶりとなる優勝を祝った。",
        "同社は、エネルギー価格の下落を受けて、来月からほとんどの製品を値下げすると発表した。",
        "地元の農家は、また乾燥した夏が来れば収穫が台無しになり、多くの小さな家族経営の農場が倒産しかねないと心配している。",
        "博物館は約四年にわたる改修工事を終え、写真専用の新しい展示棟を加えて五月に再開する予定だ。",
        "保護者と教師は、学校図書館の本が足りなくなっているとして、政府に予算の増額を求めている。",
        "今朝早く、海沿いの町で小さな地震があったが、けが人はなく、古い建物に軽い被害が出ただけだと当局は発表した。",
    ),
    ("ko", "Kore"): (
        "시의회는 화요일 버스 노선망 확대를 승인했으며, 새로 생기는 열두 개 노선이 북부 교외 지역과 병원 일대를 연결하게 된다.",
        "대학 연구진은 3년 전 오래된 제지 공장이 문을 닫은 이후 강물의 수질이 크게 개선되었다는 사실을 확인했다.",
        "거센 비에도 불구하고 수천 명의 시민이 중앙 광장에 모여 팀이 반세기 만에 차지한 첫 우승을 축하했다.",
        "회사는 에너지 비용이 줄어들면서 다음 달부터 대부분의 제품 가격을 내리겠다고 발표했다.",
        "지역 농민들은 또다시 가뭄이 든 여름이 오면 농사를 망치고 많은 소규모 가족 농장이 문을 닫게 될까 봐 걱정하고 있다.",
        "박물관은 약 4년에 걸친 보수 공사를 마치고 사진 전용 전시관을 새로 갖춰 5월에 다시 문을 연다.",
        "학부모와 교사들은 학교 도서관에 책이 부족하다며 정부에 예산을 늘려 달라고 요구하고 있다.",
        "오늘 새벽 해안 도시에서 약한 지진이 발생했지만, 당국은 다친 사람은 없고 오래된 건물 몇 채만 가벼운 피해를 입었다고 밝혔다.",
    ),
    ("vi", "Latn"): (
        "Hội đồng thành phố hôm thứ Ba đã thông qua việc mở rộng mạng lưới xe buýt với mười hai tuyến mới nối các khu ngoại ô phía bắc với khu vực bệnh viện.",
        "Các nhà nghiên cứu của trường đại học nhận thấy chất lượng nước sông đã được cải thiện rõ rệt kể từ khi nhà máy giấy cũ đóng cửa cách đây ba năm.",
        "Bất chấp mưa lớn, hàng nghìn người đã tập trung tại quảng trường chính để ăn mừng chức vô địch đầu tiên của đội bóng sau nửa thế kỷ.",
        "Công ty thông báo sẽ giảm giá phần lớn sản phẩm vào tháng tới do chi phí năng lượng đã giảm.",
        "Nông dân trong vùng lo ngại rằng thêm một mùa hè khô hạn nữa có thể làm hỏng mùa màng và khiến nhiều trang trại gia đình nhỏ phá sản.",
        "Bảo tàng sẽ mở cửa trở lại vào tháng Năm với một khu trưng bày mới dành riêng cho nhiếp ảnh, sau đợt cải tạo kéo dài gần bốn năm.",
        "Phụ huynh và giáo viên kêu gọi chính phủ tăng ngân sách cho thư viện trường học, nơi mà theo họ sách đang ngày càng thiếu.",
        "Một trận động đất nhẹ đã làm rung chuyển thành phố ven biển vào sáng sớm nay, nhưng chính quyền cho biết không có ai bị thương và chỉ một số tòa nhà cũ bị hư hại nhẹ.",
    ),
    ("id", "Latn"): (
        "Dewan kota pada hari Selasa menyetujui perluasan jaringan bus dengan dua belas rute baru yang akan menghubungkan pinggiran kota bagian utara dengan kawasan rumah sakit.",
        "Para peneliti dari universitas menemukan bahwa kualitas air sungai membaik secara nyata sejak pabrik kertas tua itu ditutup tiga tahun lalu.",
        "Meskipun hujan deras, ribuan orang berkumpul di alun-alun utama untuk merayakan gelar juara pertama tim itu dalam setengah abad.",
        "Perusahaan tersebut mengumumkan akan menurunkan harga sebagian besar produknya bulan depan karena biaya energi sudah turun.",
        "Para petani di daerah itu khawatir musim kemarau berikutnya akan merusak panen dan membuat banyak usaha tani keluarga kecil bangkrut.",
        "Museum itu akan dibuka kembali pada bulan Mei dengan sayap baru yang khusus untuk fotografi, setelah renovasi yang berlangsung hampir empat tahun.",
        "Orang tua dan guru meminta pemerintah menambah anggaran untuk perpustakaan sekolah, yang menurut mereka semakin kekurangan buku.",
        "Gempa bumi ringan mengguncang kota pesisir itu pagi ini, tetapi pihak berwenang menyatakan tidak ada korban luka dan hanya kerusakan ringan pada bangunan tua.",
    ),
    ("sw", "Latn"): (
        "Baraza la jiji limeidhinisha Jumanne upanuzi wa mtandao wa mabasi, ambapo njia kumi na mbili mpya zitaunganisha vitongoji vya kaskazini na eneo la hospitali.",
        "Watafiti wa chuo kikuu wamegundua kwamba ubora wa maji ya mto umeimarika sana tangu kiwanda cha zamani cha karatasi kilipofungwa miaka mitatu iliyopita.",
        "Licha ya mvua kubwa, maelfu ya watu walikusanyika katika uwanja mkuu kusherehekea ubingwa wa kwanza wa timu hiyo katika kipindi cha nusu karne.",
        "Kampuni hiyo imetangaza kwamba itapunguza bei za bidhaa zake nyingi mwezi ujao kwa sababu gharama za nishati zimeshuka.",
        "Wakulima katika eneo hilo wana wasiwasi kwamba kiangazi kingine kikavu kitaharibu mavuno na kusababisha mashamba mengi madogo ya familia kufilisika.",
        "Makumbusho hayo yatafunguliwa tena mwezi Mei yakiwa na sehemu mpya maalumu kwa ajili ya upigaji picha, baada ya ukarabati uliodumu karibu miaka minne.",
        "Wazazi na walimu wanaiomba serikali kuongeza fedha kwa ajili ya maktaba za shule, ambazo wanasema zinakosa vitabu.",
        "Tetemeko dogo la ardhi lilitikisa mji wa pwani mapema leo asubuhi, lakini mamlaka zimesema hakuna aliyejeruhiwa na majengo ya zamani yamepata uharibifu mdogo tu.",
    ),
}


@dataclass(frozen=True)
class Sample:
    """One labelled text: its language and script, and the second language of a mixed text."""

    kind: str
    text: str
    language: str
    script: str
    secondary: str | None = None


def sentences() -> list[Sample]:
    """Every sentence of the corpus, labelled."""
    return [Sample("sentence", s, lang, script) for (lang, script), group in SENTENCES.items() for s in group]


def snippets(words: int = 2, spaceless_chars: int = 6) -> list[Sample]:
    """The first `words` words of every sentence (`spaceless_chars` characters for scripts
    written without spaces): the headline-fragment case where a guess is often wrong."""
    out = []
    for sample in sentences():
        first = " ".join(sample.text.split()[:words])
        if len(first) > 4 * spaceless_chars:
            first = sample.text[:spaceless_chars]
        out.append(Sample("snippet", first, sample.language, sample.script))
    return out


def _paragraphs(group: tuple[str, ...], rng: random.Random, target_bytes: int, unit: str = "bytes") -> str:
    """Shuffled sentences of one language, three to a paragraph, until `target_bytes` is reached
    (counted in characters instead when `unit` is "chars")."""
    parts: list[str] = []
    size = 0
    while size < target_bytes:
        order = list(group)
        rng.shuffle(order)
        for i in range(0, len(order), 3):
            paragraph = " ".join(order[i : i + 3])
            parts.append(paragraph)
            size += (len(paragraph.encode()) if unit == "bytes" else len(paragraph)) + 2
            if size >= target_bytes:
                break
    return "\n\n".join(parts)


def articles(per_language: int, target_bytes: int = 4096, seed: int = 15924) -> list[Sample]:
    """`per_language` articles of about `target_bytes` UTF-8 bytes for every corpus language.

    The eight sentences are reshuffled per article and repeat within it: the articles measure
    long-text accuracy and throughput, not vocabulary.
    """
    rng = random.Random(seed)
    return [
        Sample("article", _paragraphs(group, rng, target_bytes), lang, script)
        for (lang, script), group in SENTENCES.items()
        for _ in range(per_language)
    ]


# Pairs for mixed-language texts: neighbours in script and family as well as distant ones.
MIXED_PAIRS: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    (("en", "Latn"), ("es", "Latn")),
    (("es", "Latn"), ("en", "Latn")),
    (("en", "Latn"), ("de", "Latn")),
    (("fr", "Latn"), ("it", "Latn")),
    (("de", "Latn"), ("nl", "Latn")),
    (("sv", "Latn"), ("fi", "Latn")),
    (("pt", "Latn"), ("es", "Latn")),
    (("pl", "Latn"), ("cs", "Latn")),
    (("ru", "Cyrl"), ("en", "Latn")),
    (("uk", "Cyrl"), ("ru", "Cyrl")),
    (("zh", "Hans"), ("en", "Latn")),
    (("ja", "Jpan"), ("en", "Latn")),
    (("ar", "Arab"), ("fr", "Latn")),
    (("hi", "Deva"), ("en", "Latn")),
    (("id", "Latn"), ("en", "Latn")),
    (("tr", "Latn"), ("de", "Latn")),
)


def mixed(target_chars: int, seed: int = 639) -> list[Sample]:
    """Texts whose first half (in characters) is in one language and second half in another."""
    rng = random.Random(seed)
    out = []
    for first, second in MIXED_PAIRS:
        halves = (_paragraphs(SENTENCES[lang], rng, target_chars // 2, unit="chars") for lang in (first, second))
        text = "\n\n".join(halves)
        out.append(Sample("mixed", text, first[0], first[1], secondary=second[0]))
    return out


# One long article per language, each with its own story, written for this project: ~4 KB of
# text that does not repeat itself, as a real article doesn't. (lingua scores each distinct
# n-gram once, so an article stitched from repeated sentences costs it far less than a real one:
# throughput must be measured on text like this.)
LONG_TEXTS: dict[tuple[str, str], str] = {
    ("en", "Latn"): """The town of Eastwick opened its new public library on Saturday in the building that for almost ninety years served as the ferry terminal, ending a debate that divided residents for most of the past decade. More than two thousand people queued along the harbour wall before the doors opened at nine, many of them carrying books they had borrowed from the temporary library in the school gymnasium and never returned.

The terminal closed in 2009 when the ferry company moved its last route to the deeper port twenty miles to the south. For years the building stood empty, its windows boarded up and its clock stopped at twenty past four. Several developers proposed turning it into flats or a hotel, and one plan for a casino reached the council chamber before it was rejected by a single vote.

The library project began almost by accident. A group of retired teachers, who met every Thursday in the café next door, started collecting signatures for a petition asking the council to keep the building in public hands. Within a month they had gathered more signatures than the town has voters, because, as one of them admitted with a laugh, people from the neighbouring villages signed as well.

Restoring the terminal proved harder and more expensive than anyone had expected. Engineers discovered that the wooden piles beneath the waiting hall had been eaten away by shipworms, and the whole structure had to be supported on steel columns driven deep into the seabed. The final bill came to just under eleven million pounds, roughly a third more than the original estimate. Most of the money came from a national heritage fund, while the rest was raised through local donations, a share of the harbour fees and a long series of jumble sales, quiz nights and sponsored swims.

Inside, the architects kept as much of the old building as they could. The departure boards now list opening hours and upcoming events instead of sailing times, and the former ticket counters have become the lending desk. The large waiting hall, with its curved glass roof, holds the main reading room, where long oak tables face the water. Children have their own floor in what used to be the customs office, complete with a reading nook built inside a retired lifeboat.

The library will also host the town archive, which until now was kept in the basement of the town hall, where damp had begun to damage some of the oldest records. Volunteers spent eighteen months cataloguing maps, ship registers, photographs and letters, some of them dating back to the seventeenth century. A small permanent exhibition on the ground floor tells the story of the ferry service and the families who worked on it.

Not everyone is convinced that the money was well spent. Some shop owners on the high street argue that the town needed a new car park far more than a library, and a few residents complain that the building's modern extension spoils the view of the harbour. The council leader said she understood the criticism but believed the library would bring visitors back to the waterfront, which has struggled since the ferry left.

Early signs suggest she may be right. The café next door reported its busiest day in years, and the bookshop across the road ran out of local history titles before lunchtime. By the afternoon, the librarians had registered more than six hundred new members, including a ninety-three-year-old former ferry captain who said he had not held a library card since he was a boy.

The clock on the tower, repaired by a volunteer who spent two winters rebuilding its mechanism, now keeps the correct time. When it struck noon on Saturday, the crowd on the quay broke into applause.

Next month the library plans to start evening classes in navigation, knot tying and local history, taught by former crew members of the ferry. The first course was fully booked within an hour of being announced, and the librarians now hope to lend out fishing rods, telescopes and sewing machines as well, following the example of towns in Scandinavia where such collections have become popular.""",
    ("de", "Latn"): """In dem kleinen Dorf Hohenfeld im Schwarzwald hat sich in den vergangenen zwei Jahren etwas verändert, das viele Bewohner noch vor kurzem für unmöglich gehalten hätten. Nachdem der letzte Laden im Ort, eine Bäckerei mit angeschlossenem Lebensmittelgeschäft, im Herbst vor drei Jahren geschlossen hatte, mussten die rund achthundert Einwohner für jedes Brot und jede Packung Milch mit dem Auto in die nächste Kleinstadt fahren. Für ältere Menschen ohne Führerschein bedeutete das, auf Nachbarn oder den Bus angewiesen zu sein, der nur dreimal am Tag fährt.

Heute liegt in dem alten Gebäude wieder Brot in den Regalen. Eine Genossenschaft aus hundertvierzig Dorfbewohnern hat das Haus gekauft, renoviert und den Laden neu eröffnet. Jedes Mitglied hat mindestens einen Anteil von zweihundert Euro gezeichnet, manche deutlich mehr. Ein pensionierter Bankkaufmann übernahm die Buchhaltung, eine Schreinerin baute die Theke und die Regale aus Holz aus dem Gemeindewald, und die Kinder der Grundschule bemalten die Wände mit Bildern von Kühen, Tannen und dem Kirchturm.

„Am Anfang haben uns viele ausgelacht“, erzählt die Vorsitzende der Genossenschaft, die früher als Krankenschwester gearbeitet hat. „Man hat uns gesagt, dass sich ein Dorfladen heute nicht mehr rechnet und dass die Leute ohnehin lieber im Supermarkt einkaufen. Aber wir wollten es wenigstens versuchen.“ Inzwischen schreibt der Laden schwarze Zahlen, wenn auch knapp. Vier Teilzeitkräfte sind fest angestellt, dazu kommen etwa dreißig Ehrenamtliche, die abwechselnd an der Kasse stehen oder Waren auspacken.

Das Sortiment ist bewusst klein gehalten. Brot und Brötchen kommen jeden Morgen von einem Bäcker aus dem Nachbartal, Käse und Milch von zwei Höfen am Ortsrand, Eier von einer Familie, die ihre Hühner auf einer Streuobstwiese hält. Dazu gibt es Nudeln, Konserven, Waschmittel und alles, was man im Alltag sonst noch braucht. Wer etwas Bestimmtes sucht, kann es auf eine Liste schreiben; was oft genug gewünscht wird, kommt ins Regal.

Noch wichtiger als die Waren ist für viele Kunden allerdings etwas anderes. In einer Ecke des Ladens stehen drei Tische und eine Kaffeemaschine, und vor allem vormittags sitzen dort Menschen zusammen, die sich früher kaum gesehen haben. Ein Witwer, der seit dem Tod seiner Frau allein auf einem abgelegenen Hof lebt, kommt jeden Tag um zehn Uhr, trinkt zwei Tassen Kaffee und liest die Zeitung. Er sagt, der Laden habe ihm die Gewohnheit zurückgegeben, morgens aus dem Haus zu gehen.

Auch die Gemeindeverwaltung sieht das Projekt inzwischen als Gewinn. Der Bürgermeister, der anfangs skeptisch war, verweist darauf, dass zwei junge Familien im vergangenen Jahr ausdrücklich wegen des Ladens in das Dorf gezogen seien. Im Gemeinderat wird nun darüber beraten, ob im Obergeschoss des Hauses eine Sprechstunde für einen Hausarzt eingerichtet werden kann, der an zwei Nachmittagen pro Woche aus der Stadt kommen würde.

Ganz ohne Sorgen ist die Genossenschaft freilich nicht. Die Energiepreise haben die Kosten für die Kühltheken spürbar erhöht, und im Winter, wenn weniger Wanderer und Feriengäste durch das Tal kommen, gehen die Umsätze zurück. Außerdem werden die Ehrenamtlichen nicht jünger; die meisten sind über sechzig. Die Vorsitzende hofft deshalb, dass sich mehr junge Leute beteiligen, etwa Schüler, die sich in den Ferien etwas dazuverdienen wollen.

Andere Dörfer in der Region beobachten das Experiment genau. Allein in diesem Jahr haben Delegationen aus elf Gemeinden den Laden besucht, um sich die Satzung, die Kalkulation und die Dienstpläne erklären zu lassen. Zwei von ihnen haben bereits eigene Genossenschaften gegründet.

Im kommenden Frühjahr will die Genossenschaft außerdem einen kleinen Lieferdienst aufbauen. Zweimal pro Woche sollen Freiwillige mit einem elektrischen Lastenrad Einkäufe zu Menschen bringen, die nicht mehr selbst in den Laden kommen können, und dabei gleich nachsehen, ob bei ihnen alles in Ordnung ist.""",
    ("fr", "Latn"): """Après plus de quarante ans d'absence, le train est revenu dimanche dans la petite gare de Saint-Aubin-sur-Loire. Une foule d'environ mille cinq cents personnes, venues parfois de plusieurs dizaines de kilomètres, attendait sur le quai le premier convoi régulier, un autorail rouge et blanc qui est entré en gare à neuf heures douze sous les applaudissements et le son d'une fanfare locale.

La ligne, fermée aux voyageurs en 1982 faute de rentabilité, relie de nouveau la vallée au chef-lieu du département. Pendant des décennies, seuls quelques trains de marchandises chargés de céréales l'ont empruntée, puis les herbes ont envahi les rails et les maisons de garde-barrière ont été vendues à des particuliers. Sa réouverture est le résultat d'un long combat mené par une association d'usagers, soutenue par les maires des communes traversées.

« Au début, on nous prenait pour des nostalgiques », raconte le président de l'association, un ancien cheminot de soixante-dix ans. « On nous répétait que tout le monde avait une voiture et que le car suffisait largement. Mais les jeunes qui vont au lycée, les personnes âgées qui doivent consulter un spécialiste à l'hôpital et tous ceux qui n'ont pas les moyens de payer l'essence avaient besoin d'autre chose. »

Les travaux ont duré trois ans et coûté près de soixante millions d'euros, financés principalement par la région et par l'État dans le cadre d'un plan de sauvetage des petites lignes. Il a fallu remplacer l'intégralité des traverses, consolider deux ponts métalliques au-dessus de la rivière et installer une signalisation moderne. La gare elle-même, un bâtiment de briques du dix-neuvième siècle, a été restaurée et abrite désormais une salle d'attente chauffée, un guichet ouvert le matin et un petit espace de travail partagé.

Dix allers-retours seront proposés chaque jour en semaine, et six le week-end. Le trajet jusqu'au chef-lieu prendra trente-huit minutes, contre près d'une heure en car lorsque la route départementale est encombrée. Les horaires ont été pensés pour correspondre à ceux des lycées et des principaux employeurs de la zone, et un abonnement mensuel à tarif réduit est prévu pour les étudiants et les demandeurs d'emploi.

Tout le monde n'applaudit pas pour autant. Certains habitants des hameaux situés loin de la gare estiment que l'argent aurait été mieux utilisé pour améliorer le réseau de cars, qui dessert davantage de villages. Des agriculteurs se plaignent aussi des nouveaux passages à niveau automatiques, qui obligent leurs tracteurs à attendre plus longtemps qu'avant.

La région affirme pourtant que l'expérience sera suivie de près. Si la fréquentation atteint les objectifs fixés, soit environ huit cents voyageurs par jour au bout de deux ans, d'autres lignes fermées pourraient à leur tour être rouvertes. Trois projets similaires sont déjà à l'étude dans le département voisin.

Dimanche, en tout cas, l'ambiance était à la fête. Les enfants agitaient des drapeaux, les anciens se souvenaient des trains à vapeur de leur jeunesse et le boulanger du village avait préparé une brioche en forme de locomotive, longue de près de deux mètres, partagée entre tous les voyageurs.

En attendant, la mairie a déjà commandé des bancs et des arceaux pour les vélos devant la gare, et un café associatif devrait ouvrir au printemps dans l'ancienne lampisterie. Plusieurs habitants envisagent même de créer un marché hebdomadaire sur le parvis, le samedi matin, pour profiter du passage des voyageurs qui descendent vers la vallée.""",
    ("es", "Latn"): """La ciudad de Almería ha puesto en marcha este verano el mayor plan de ahorro de agua de su historia, después de que los embalses que abastecen a la provincia cayeran por debajo del quince por ciento de su capacidad. Las medidas, aprobadas por unanimidad en el pleno municipal, incluyen la reducción de la presión nocturna en la red, la prohibición de llenar piscinas privadas y el cierre temporal de las duchas de las playas.

Los vecinos llevan meses acostumbrándose a pequeños cambios en su rutina. En muchos edificios del centro se han instalado contadores individuales que permiten a cada familia consultar su consumo desde el teléfono móvil, y el ayuntamiento envía avisos cuando detecta un gasto anormalmente alto, que suele deberse a fugas ocultas en cisternas o tuberías viejas. Según los técnicos municipales, solo la reparación de esas averías ha ahorrado el equivalente a trescientas piscinas olímpicas desde enero.

La situación es especialmente delicada en el campo. La agricultura intensiva bajo plástico, que da trabajo a decenas de miles de personas y abastece de tomates, pimientos y pepinos a media Europa, consume la mayor parte del agua disponible. Las comunidades de regantes han aceptado recortes del veinte por ciento, aunque advierten de que una reducción mayor pondría en peligro las cosechas de otoño y muchos empleos temporales.

Una parte de la solución podría llegar del mar. La desaladora situada al este de la ciudad, inaugurada hace quince años y que durante mucho tiempo funcionó a medio gas por su elevado coste energético, trabaja ahora a pleno rendimiento. El gobierno regional ha anunciado una ampliación que duplicará su producción antes de 2027 y que se alimentará en parte con una planta solar construida en unos terrenos abandonados junto a la autovía.

Los ecologistas reconocen que la desalación es necesaria, pero recuerdan que no resuelve el problema de fondo. La salmuera que devuelven las plantas al mar puede dañar las praderas de posidonia si no se diluye correctamente, y el precio del agua desalada sigue siendo demasiado alto para muchos pequeños agricultores. A su juicio, la provincia debería apostar también por reutilizar las aguas residuales depuradas, algo que hoy solo se hace con una fracción de las que se tratan.

En los colegios, la sequía se ha convertido en una asignatura más. Los alumnos de primaria miden cada semana el agua que se gasta en su centro y compiten con otros colegios por reducirla. Una escuela del barrio de La Chanca ganó el concurso del curso pasado después de que los niños convencieran al conserje de cambiar todos los grifos por modelos con temporizador y de regar el huerto escolar solo al amanecer.

Los mayores, por su parte, recuerdan otras sequías. Una vecina de ochenta y cuatro años cuenta que, de niña, acompañaba a su madre a la fuente del barrio con dos cántaros y que el agua de lavar los platos servía después para fregar el suelo y regar los geranios del patio. «Ahora la gente se asusta porque un día no sale agua caliente», dice entre risas. «Nosotros sabíamos lo que valía cada gota».

Los meteorólogos no son optimistas. Las lluvias del otoño pasado fueron escasas y las previsiones apuntan a otro invierno seco. El alcalde ha pedido paciencia y ha asegurado que, si la situación empeora, se estudiarán cortes programados por barrios, una medida que la ciudad no aplica desde los años noventa.

Mientras tanto, la empresa municipal de aguas ha lanzado una campaña en la radio y las redes sociales con consejos sencillos, como cerrar el grifo mientras uno se cepilla los dientes o poner la lavadora solo cuando está llena. Sus responsables calculan que, si cada hogar ahorrara diez litros al día, la ciudad podría retrasar varias semanas la llegada de las restricciones más duras.""",
    ("ru", "Cyrl"): """В небольшом городе на Урале после пятнадцати лет простоя снова открылась старая обсерватория. Здание с белым куполом, построенное на холме над рекой ещё в конце девятнадцатого века, долгое время стояло заброшенным: крыша протекала, окна были разбиты, а главный телескоп, по слухам, давно увезли в Москву. Однако оказалось, что прибор всё это время хранился в подвале местного краеведческого музея, разобранный и аккуратно упакованный в деревянные ящики.

Возродить обсерваторию решили несколько энтузиастов — учитель физики, инженер с металлургического завода и двое студентов, изучающих астрономию в университете. Сначала они просто убирали мусор и латали крышу по выходным, а потом создали некоммерческую организацию и начали собирать деньги. Помогли и жители города: кто-то перечислял по сто рублей, кто-то приносил старые доски и краску, а владелец строительной фирмы бесплатно заменил прогнившие перекрытия.

Самой сложной задачей стала реставрация телескопа. Линзы объектива оказались целыми, но механизм, который поворачивает трубу вслед за движением звёзд, сильно заржавел. Инженер почти год восстанавливал его в своей мастерской, изготавливая недостающие детали по чертежам, найденным в областном архиве. Когда прибор наконец собрали и установили под куполом, выяснилось, что он работает почти так же точно, как сто лет назад.

Теперь обсерватория открыта для посетителей три вечера в неделю. В ясную погоду каждый желающий может посмотреть на кольца Сатурна, кратеры Луны или двойные звёзды, а в пасмурные дни сотрудники читают лекции и показывают фильмы о космосе. Особой популярностью пользуются ночные экскурсии для школьников: за первый месяц работы их посетили более семисот детей из города и окрестных сёл.

Учитель физики говорит, что именно ради детей всё и затевалось. По его словам, многие ребята впервые в жизни увидели Млечный Путь не на картинке, а собственными глазами, и после этого стали иначе относиться к урокам. Несколько старшеклассников уже записались в астрономический кружок и ведут наблюдения за переменными звёздами, отправляя результаты в международную базу данных.

У проекта есть и трудности. Городская подсветка с каждым годом становится ярче, и небо над холмом уже не такое тёмное, как прежде. Организаторы обратились в администрацию с просьбой заменить фонари на ближайших улицах на модели, которые светят только вниз. Кроме того, для нормальной работы нужен постоянный сотрудник, а денег на его зарплату пока нет.

Тем не менее энтузиасты полны планов. Следующим летом они хотят установить на территории небольшую метеостанцию и открыть летний лагерь для юных астрономов. А на стене в холле уже висит табличка с именами всех, кто помог вернуть обсерваторию к жизни, — в списке больше тысячи фамилий.""",
    ("zh", "Hans"): """在西南山区的一个小镇上，一家开了四十多年的老书店最近迎来了新的生机。这家书店位于镇中心的老街上，木制的门窗已经斑驳，店里的书架一直顶到天花板。几年前，由于网购的普及和年轻人外出打工，店里的顾客越来越少，店主一度打算把店面转租出去，回老家养老。

转机出现在店主的女儿大学毕业回到家乡之后。她在大学里学的是设计，毕业后在城里的一家广告公司工作了两年，但始终放不下父亲的书店。回来以后，她先是把店里的旧书重新分类，在二楼腾出一个小小的阅读角，摆上几张桌椅和一台咖啡机，然后开始在网上用短视频介绍店里的书和小镇的故事。

没想到，这些视频很快吸引了不少关注。视频里，年过七旬的老店主用带着口音的普通话讲述他年轻时背着书走村串户卖书的经历，讲他如何在雨天用塑料布把书包好，翻过两座山送到村小学。许多网友留言说，看了视频想起了自己小时候的书店，还有人专门从外省赶来，只为了在店里坐一个下午。

如今，书店每个周末都会举办活动。有时是本地作家的读书会，有时是给孩子们讲故事，有时是教老人使用智能手机。镇上的中学生放学后喜欢来这里写作业，因为这里安静，而且有免费的热水。店主说，以前店里一天只有几个客人，现在周末常常坐满了人，连楼梯上都坐着看书的孩子。

书店的变化也带动了整条老街。隔壁原本关门多年的茶馆重新开张，对面的手工豆腐坊开始接待游客参观，几家民宿也陆续开了起来。镇政府看到了其中的机会，拨出专款修缮老街的石板路和排水沟，还在街口设立了一个小小的游客服务点。

当然，书店的经营并不轻松。纸质书的利润很薄，房租和水电费每年都在上涨，网上的订单虽然增加了，但物流成本也不低。店主的女儿坦言，书店现在主要靠咖啡、文创产品和活动收入来维持，卖书本身几乎不赚钱。她正在尝试与附近的学校合作，为学生提供课外阅读书目和借阅服务。

对于未来，父女俩都很乐观。老店主说，书店能不能赚大钱并不重要，重要的是镇上的孩子们能有一个安静读书的地方。他的女儿则希望，有一天能把书店开到更多的山区小镇，让更多的人重新爱上阅读。

书店的故事还引起了县里文化部门的注意。去年秋天，县图书馆与书店签订了合作协议，在店里设立了一个流动借阅点，读者可以在这里免费借阅图书馆的新书，也可以把看完的书还到这里。合作开始后的三个月里，借阅量比过去整个乡镇一年的总和还要多。

一些在外地工作的年轻人也因为书店重新关注起了家乡。有人利用假期回来做志愿者，帮忙整理书架、拍摄视频；有人捐出自己收藏的旧书和杂志；还有一位在省城开设计工作室的年轻人，主动为书店重新设计了招牌和包装袋。店主的女儿说，看到这么多人愿意为一家小书店出力，她觉得自己回乡的决定是对的。

每到傍晚，老街上的灯笼陆续亮起，书店门口总会聚集一些散步的居民。老人们坐在门口的长凳上聊天，孩子们在一旁翻看绘本，空气里飘着咖啡和桂花的香味。对很多镇上的人来说，这家老书店已经不只是一个买书的地方，而是小镇生活的一部分。

店主说，他最大的心愿是书店能一直开下去。他打算把自己几十年来记录的卖书笔记整理出版，书里写满了各个村庄的地名、孩子们的名字和他们最喜欢的书。他笑着说，这本书出版以后，一定要放在店里最显眼的位置。""",
    ("ar", "Arab"): """في قرية صغيرة على أطراف الصحراء جنوب المغرب، أسست مجموعة من النساء قبل ست سنوات تعاونية لإنتاج زيت الأركان، وأصبحت اليوم واحدة من أنجح المشاريع في المنطقة. بدأت التعاونية بإحدى عشرة امرأة كن يجتمعن في بيت إحداهن لكسر ثمار الأركان يدويا، أما اليوم فيبلغ عدد عضواتها أكثر من تسعين امرأة من القرية والقرى المجاورة.

تقول رئيسة التعاونية، وهي أرملة في الخمسين من عمرها، إن الفكرة جاءت بعد سنوات من العمل لحساب تجار كانوا يشترون الثمار بأسعار زهيدة ثم يبيعون الزيت في المدن بأضعاف ثمنه. وتضيف أن النساء قررن أن يحتفظن بقيمة عملهن، فاقترضن مبلغا صغيرا من جمعية محلية واشترين أول آلة لعصر الزيت.

لم يكن الطريق سهلا. فقد واجهت التعاونية في البداية صعوبات في الحصول على شهادات الجودة اللازمة للتصدير، كما كانت الطرق المؤدية إلى القرية غير معبدة، مما جعل نقل المنتجات إلى الأسواق مكلفا وبطيئا. غير أن دعم إحدى المنظمات الدولية ساعد النساء على تحسين طرق الإنتاج والتعبئة، وتعلمت عدد منهن استخدام الحاسوب لإدارة الطلبات والحسابات.

اليوم تبيع التعاونية زيتها في الأسواق المحلية وفي متاجر بمدينتي مراكش وأكادير، كما تصدر جزءا منه إلى فرنسا وألمانيا. وتستقبل ورشة القرية كل أسبوع مجموعات من السياح الذين يأتون لمشاهدة مراحل الإنتاج التقليدية، من جمع الثمار وتجفيفها إلى طحن اللوز وعجنه باليد، ثم يشترون الزيت ومستحضرات التجميل المصنوعة منه.

لكن أهم ما تغير، بحسب العضوات، ليس الدخل وحده. فكثير منهن لم يكن يعرفن القراءة والكتابة، وقد نظمت التعاونية دروسا لمحو الأمية في المساء، تخرجت منها حتى الآن أكثر من خمسين امرأة. وتقول إحدى العضوات إنها أصبحت قادرة على قراءة رسائل ابنها الذي يعمل في الدار البيضاء، وعلى مساعدة ابنتها الصغرى في واجباتها المدرسية.

ومع ذلك، تواجه التعاونية تحديات جديدة. فالجفاف المتكرر في السنوات الأخيرة قلل من إنتاج أشجار الأركان، وارتفعت أسعار الثمار بشكل كبير. كما أن المنافسة مع الشركات الكبيرة التي تستخدم آلات حديثة تجعل من الصعب الحفاظ على الأسعار. وتفكر الرئيسة حاليا في زراعة أشجار جديدة على أرض تبرعت بها البلدية، رغم أن شجرة الأركان تحتاج إلى سنوات طويلة قبل أن تثمر.

وتحلم النساء بأن يبنين مقرا جديدا يضم ورشة أوسع وقاعة للدروس وحضانة صغيرة للأطفال، حتى تتمكن الأمهات الشابات من العمل دون قلق. وقد بدأن بالفعل في ادخار جزء من الأرباح لهذا الغرض، على أمل أن يفتتح المقر خلال عامين.""",
    ("hi", "Deva"): """राजस्थान के एक छोटे से गाँव में पिछले तीन साल में खेती का तरीका पूरी तरह बदल गया है। पहले यहाँ के किसान सिंचाई के लिए डीज़ल से चलने वाले पंपों पर निर्भर थे, जिनका खर्च हर साल बढ़ता जा रहा था। कई परिवारों को डीज़ल खरीदने के लिए कर्ज़ लेना पड़ता था, और सूखे के सालों में यह कर्ज़ चुकाना लगभग नामुमकिन हो जाता था।

अब गाँव के ज़्यादातर खेतों में सौर ऊर्जा से चलने वाले पंप लगे हैं। सरकार की एक योजना के तहत किसानों को इन पंपों की कीमत का बड़ा हिस्सा अनुदान के रूप में मिला, और बाकी रकम उन्होंने एक सहकारी बैंक से कम ब्याज पर उधार ली। गाँव के सरपंच बताते हैं कि शुरुआत में लोग इस नई तकनीक पर भरोसा करने से हिचकिचा रहे थे, लेकिन जब पहले दस किसानों की फ़सल अच्छी हुई, तो बाकी लोग भी आगे आए।

सौर पंपों का सबसे बड़ा फ़ायदा यह है कि एक बार लगने के बाद इन्हें चलाने का लगभग कोई खर्च नहीं है। दिन में जब धूप तेज़ होती है, तब पंप पूरी ताकत से पानी खींचते हैं। कई किसानों ने अपने खेतों में टपक सिंचाई भी शुरू कर दी है, जिससे पानी की बचत होती है और पौधों की जड़ों तक सीधे नमी पहुँचती है। इससे गेहूँ और सरसों के साथ-साथ अब सब्ज़ियाँ और अनार भी उगाए जा रहे हैं।

गाँव की महिलाओं के जीवन में भी बदलाव आया है। पहले उन्हें कई किलोमीटर दूर से पानी भरकर लाना पड़ता था, लेकिन अब कुछ पंपों से पीने का पानी भी गाँव की टंकी तक पहुँचाया जाता है। एक महिला किसान कहती हैं कि जो समय पहले पानी ढोने में जाता था, उसमें अब वे सिलाई का काम करती हैं और बच्चों को पढ़ाती हैं।

हालाँकि, विशेषज्ञ कुछ खतरों की ओर भी इशारा करते हैं। उनका कहना है कि मुफ़्त बिजली मिलने से कुछ किसान ज़रूरत से ज़्यादा पानी निकाल सकते हैं, जिससे भूजल का स्तर और नीचे जा सकता है। इस समस्या से निपटने के लिए गाँव की पंचायत ने एक नियम बनाया है कि हर किसान को अपने खेत में बारिश का पानी जमा करने के लिए एक छोटा तालाब बनाना होगा।

पड़ोसी गाँवों के किसान भी अब इस मॉडल को अपनाना चाहते हैं। हर महीने कई समूह यहाँ आकर पंपों को देखते हैं और किसानों से उनके अनुभव सुनते हैं। सरपंच को उम्मीद है कि अगले कुछ वर्षों में पूरे इलाके में डीज़ल पंप इतिहास बन जाएँगे।""",
}


def long_articles(copies: int, max_bytes: int = 4096) -> list[Sample]:
    """`copies` of each long article, cut at the last word that fits in `max_bytes` of UTF-8,
    the languages taking turns (as in a real batch) rather than each repeated in a row."""
    articles = []
    for (lang, script), text in LONG_TEXTS.items():
        cut = text.encode()[:max_bytes].decode("utf-8", "ignore")
        if len(cut) < len(text) and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        articles.append(Sample("long_article", cut, lang, script))
    return articles * copies
