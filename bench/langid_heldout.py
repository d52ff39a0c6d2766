"""Held-out single sentences for the language-ID benchmark, written for this project.

Five everyday sentences (weather, cooking, travel, health, work and school) in each of 30
languages, on topics unlike the news items of `bench.langid_corpus`, written separately from it
and never used by the tests or to tune the stage: the benchmark reports accuracy on them apart,
as a check that the stage's thresholds were not fitted to the sentences it was tuned on. Close
pairs are in on purpose (da/nb, id/ms, hi/mr, ru/uk, cs/pl, es/pt). From them the benchmark also
builds four-sentence documents (each sentence with the three after it, wrapping round).
"""

from __future__ import annotations

from bench.langid_corpus import Sample

HELD_OUT: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "Latn"): (
        "If the fog does not lift by noon, the morning flights to the islands will be cancelled again.",
        "My grandmother never measured anything when she baked bread; she said the dough would tell her when it was ready.",
        "We missed the last train home and spent the night on a bench at the station, eating biscuits.",
        "The doctor told him to walk for half an hour every day and to stop adding salt to his food.",
        "Our new manager wants everyone back in the office on Mondays and Thursdays.",
    ),
    ("de", "Latn"): (
        "Wenn sich der Nebel bis Mittag nicht lichtet, fallen die Morgenflüge zu den Inseln wieder aus.",
        "Meine Großmutter hat beim Brotbacken nie etwas abgewogen, sie meinte, der Teig sage ihr schon, wann er fertig sei.",
        "Wir haben den letzten Zug verpasst und die Nacht auf einer Bank im Bahnhof verbracht.",
        "Der Arzt riet ihm, jeden Tag eine halbe Stunde spazieren zu gehen und weniger Salz zu essen.",
        "Unsere neue Chefin möchte, dass montags und donnerstags alle wieder ins Büro kommen.",
    ),
    ("fr", "Latn"): (
        "Si le brouillard ne se lève pas avant midi, les vols du matin vers les îles seront encore annulés.",
        "Ma grand-mère ne pesait jamais rien quand elle faisait son pain : elle disait que la pâte lui dirait quand elle serait prête.",
        "Nous avons raté le dernier train et passé la nuit sur un banc de la gare à manger des biscuits.",
        "Le médecin lui a conseillé de marcher une demi-heure par jour et de mettre moins de sel dans ses plats.",
        "Notre nouvelle directrice veut que tout le monde revienne au bureau le lundi et le jeudi.",
    ),
    ("es", "Latn"): (
        "Si la niebla no se levanta antes del mediodía, volverán a cancelar los vuelos de la mañana a las islas.",
        "Mi abuela nunca pesaba nada cuando hacía pan; decía que la masa le avisaba cuando estaba lista.",
        "Perdimos el último tren y pasamos la noche en un banco de la estación comiendo galletas.",
        "El médico le dijo que caminara media hora al día y que dejara de echarle tanta sal a la comida.",
        "Nuestra nueva jefa quiere que todos volvamos a la oficina los lunes y los jueves.",
    ),
    ("pt", "Latn"): (
        "Se o nevoeiro não levantar até ao meio-dia, os voos da manhã para as ilhas voltam a ser cancelados.",
        "A minha avó nunca pesava nada quando fazia pão; dizia que a massa lhe avisava quando estava pronta.",
        "Perdemos o último comboio e passámos a noite num banco da estação a comer bolachas.",
        "O médico disse-lhe para caminhar meia hora por dia e deixar de pôr tanto sal na comida.",
        "A nossa nova chefe quer que toda a gente volte ao escritório às segundas e quintas-feiras.",
    ),
    ("it", "Latn"): (
        "Se la nebbia non si alza entro mezzogiorno, i voli del mattino per le isole saranno di nuovo cancellati.",
        "Mia nonna non pesava mai niente quando faceva il pane: diceva che era l'impasto a dirle quando era pronto.",
        "Abbiamo perso l'ultimo treno e abbiamo passato la notte su una panchina della stazione mangiando biscotti.",
        "Il medico gli ha detto di camminare mezz'ora al giorno e di smettere di aggiungere sale ai piatti.",
        "La nostra nuova responsabile vuole che il lunedì e il giovedì tutti tornino in ufficio.",
    ),
    ("nl", "Latn"): (
        "Als de mist voor het middaguur niet optrekt, worden de ochtendvluchten naar de eilanden opnieuw geschrapt.",
        "Mijn oma woog nooit iets af als ze brood bakte; ze zei dat het deeg haar wel vertelde wanneer het klaar was.",
        "We hebben de laatste trein gemist en de nacht op een bankje in het station doorgebracht met koekjes.",
        "De dokter zei dat hij elke dag een halfuur moest wandelen en minder zout in zijn eten moest doen.",
        "Onze nieuwe leidinggevende wil dat iedereen op maandag en donderdag weer naar kantoor komt.",
    ),
    ("sv", "Latn"): (
        "Om dimman inte lättar före lunch blir morgonflygen till öarna inställda igen.",
        "Min mormor vägde aldrig någonting när hon bakade bröd, hon sa att degen själv talade om när den var färdig.",
        "Vi missade sista tåget hem och tillbringade natten på en bänk på stationen och åt kex.",
        "Läkaren sa åt honom att promenera en halvtimme varje dag och sluta salta maten så mycket.",
        "Vår nya chef vill att alla ska vara på kontoret på måndagar och torsdagar.",
    ),
    ("da", "Latn"): (
        "Hvis tågen ikke letter inden middag, bliver morgenflyene til øerne aflyst igen.",
        "Min mormor vejede aldrig noget af, når hun bagte brød, hun sagde, at dejen selv fortalte hende, hvornår den var klar.",
        "Vi nåede ikke det sidste tog hjem og tilbragte natten på en bænk på banegården, hvor vi spiste kiks.",
        "Lægen sagde, at han skulle gå en tur på en halv time hver dag og holde op med at komme så meget salt i maden.",
        "Vores nye chef vil have, at alle møder ind på kontoret om mandagen og torsdagen.",
    ),
    ("nb", "Latn"): (
        "Hvis tåka ikke letter før lunsj, blir morgenflyene til øyene innstilt igjen.",
        "Mormoren min veide aldri noe når hun bakte brød, hun sa at deigen selv fortalte henne når den var klar.",
        "Vi rakk ikke det siste toget hjem og ble sittende hele natta på en benk på stasjonen og spise kjeks.",
        "Legen sa at han måtte gå en tur på en halvtime hver dag og slutte å ha så mye salt i maten.",
        "Den nye sjefen vår vil at alle skal være på kontoret på mandager og torsdager.",
    ),
    ("fi", "Latn"): (
        "Jos sumu ei hälvene puoleenpäivään mennessä, aamulennot saarille perutaan taas.",
        "Isoäitini ei koskaan punninnut mitään leipoessaan, vaan sanoi taikinan kertovan itse, milloin se on valmis.",
        "Myöhästyimme viimeisestä junasta ja vietimme yön aseman penkillä keksejä syöden.",
        "Lääkäri käski häntä kävelemään puoli tuntia joka päivä ja vähentämään suolaa ruoassa.",
        "Uusi esimiehemme haluaa, että kaikki tulevat toimistolle maanantaisin ja torstaisin.",
    ),
    ("pl", "Latn"): (
        "Jeśli mgła nie opadnie do południa, poranne loty na wyspy znowu zostaną odwołane.",
        "Moja babcia nigdy niczego nie ważyła, kiedy piekła chleb, mówiła, że ciasto samo da jej znać, kiedy jest gotowe.",
        "Spóźniliśmy się na ostatni pociąg i spędziliśmy noc na ławce na dworcu, jedząc herbatniki.",
        "Lekarz kazał mu codziennie spacerować przez pół godziny i przestać tak bardzo solić jedzenie.",
        "Nasza nowa kierowniczka chce, żeby w poniedziałki i czwartki wszyscy przychodzili do biura.",
    ),
    ("cs", "Latn"): (
        "Pokud se mlha do poledne nezvedne, ranní lety na ostrovy budou znovu zrušeny.",
        "Moje babička nikdy nic nevážila, když pekla chleba, říkala, že těsto jí samo řekne, kdy je hotové.",
        "Ujel nám poslední vlak domů a noc jsme strávili na lavičce na nádraží, kde jsme jedli sušenky.",
        "Lékař mu řekl, aby každý den chodil půl hodiny na procházku a přestal tolik solit jídlo.",
        "Naše nová vedoucí chce, aby v pondělí a ve čtvrtek všichni chodili do kanceláře.",
    ),
    ("hu", "Latn"): (
        "Ha a köd délig nem oszlik fel, a szigetekre induló reggeli járatokat ismét törlik.",
        "A nagymamám sosem mért le semmit, amikor kenyeret sütött, azt mondta, a tészta majd megmondja, mikor kész.",
        "Lekéstük az utolsó vonatot, és az állomáson egy padon töltöttük az éjszakát, kekszet majszolva.",
        "Az orvos azt mondta neki, hogy sétáljon naponta fél órát, és ne sózza annyira az ételt.",
        "Az új főnökünk azt szeretné, ha hétfőn és csütörtökön mindenki bejönne az irodába.",
    ),
    ("ro", "Latn"): (
        "Dacă ceața nu se ridică până la prânz, zborurile de dimineață spre insule vor fi din nou anulate.",
        "Bunica mea nu cântărea niciodată nimic când făcea pâine, spunea că aluatul îi arată singur când e gata.",
        "Am pierdut ultimul tren spre casă și am petrecut noaptea pe o bancă în gară, mâncând biscuiți.",
        "Medicul i-a spus să meargă pe jos o jumătate de oră pe zi și să nu mai pună atâta sare în mâncare.",
        "Noua noastră șefă vrea ca toată lumea să vină la birou lunea și joia.",
    ),
    ("tr", "Latn"): (
        "Sis öğlene kadar kalkmazsa adalara giden sabah uçuşları yine iptal edilecek.",
        "Anneannem ekmek yaparken hiçbir şeyi tartmazdı, hamurun ne zaman hazır olduğunu kendisinin söyleyeceğini derdi.",
        "Eve giden son treni kaçırdık ve geceyi istasyonda bir bankta bisküvi yiyerek geçirdik.",
        "Doktor ona her gün yarım saat yürümesini ve yemeklerine bu kadar çok tuz koymamasını söyledi.",
        "Yeni müdürümüz pazartesi ve perşembe günleri herkesin ofiste olmasını istiyor.",
    ),
    ("ru", "Cyrl"): (
        "Если туман не рассеется к полудню, утренние рейсы на острова снова отменят.",
        "Моя бабушка никогда ничего не взвешивала, когда пекла хлеб, она говорила, что тесто само подскажет, когда оно готово.",
        "Мы опоздали на последний поезд и провели ночь на скамейке на вокзале, жуя печенье.",
        "Врач велел ему каждый день гулять по полчаса и перестать так сильно солить еду.",
        "Наша новая начальница хочет, чтобы по понедельникам и четвергам все приходили в офис.",
    ),
    ("uk", "Cyrl"): (
        "Якщо туман не розвіється до полудня, ранкові рейси на острови знову скасують.",
        "Моя бабуся ніколи нічого не зважувала, коли пекла хліб, вона казала, що тісто саме підкаже, коли воно готове.",
        "Ми запізнилися на останній потяг і провели ніч на лавці на вокзалі, їдячи печиво.",
        "Лікар порадив йому щодня гуляти пів години й перестати так сильно солити їжу.",
        "Наша нова керівниця хоче, щоб щопонеділка й щочетверга всі приходили до офісу.",
    ),
    ("el", "Grek"): (
        "Αν η ομίχλη δεν διαλυθεί μέχρι το μεσημέρι, οι πρωινές πτήσεις για τα νησιά θα ακυρωθούν ξανά.",
        "Η γιαγιά μου δεν ζύγιζε ποτέ τίποτα όταν έφτιαχνε ψωμί, έλεγε ότι το ζυμάρι θα της έλεγε πότε ήταν έτοιμο.",
        "Χάσαμε το τελευταίο τρένο και περάσαμε τη νύχτα σε ένα παγκάκι στον σταθμό τρώγοντας μπισκότα.",
        "Ο γιατρός του είπε να περπατάει μισή ώρα κάθε μέρα και να βάζει λιγότερο αλάτι στο φαγητό.",
        "Η νέα μας προϊσταμένη θέλει όλοι να έρχονται στο γραφείο Δευτέρα και Πέμπτη.",
    ),
    ("ar", "Arab"): (
        "إذا لم ينقشع الضباب قبل الظهر، فستُلغى رحلات الصباح إلى الجزر مرة أخرى.",
        "لم تكن جدتي تزن أي شيء عندما تخبز الخبز، وكانت تقول إن العجين هو من يخبرها متى يصبح جاهزًا.",
        "فاتنا القطار الأخير إلى البيت فقضينا الليل على مقعد في المحطة نأكل البسكويت.",
        "نصحه الطبيب بأن يمشي نصف ساعة كل يوم وأن يقلل من الملح في طعامه.",
        "تريد مديرتنا الجديدة أن يعود الجميع إلى المكتب يومي الاثنين والخميس.",
    ),
    ("he", "Hebr"): (
        "אם הערפל לא יתפזר עד הצהריים, טיסות הבוקר לאיים יבוטלו שוב.",
        "סבתא שלי אף פעם לא שקלה שום דבר כשאפתה לחם, היא אמרה שהבצק כבר יגיד לה מתי הוא מוכן.",
        "פספסנו את הרכבת האחרונה הביתה ובילינו את הלילה על ספסל בתחנה ואכלנו ביסקוויטים.",
        "הרופא אמר לו ללכת חצי שעה בכל יום ולהפסיק להוסיף כל כך הרבה מלח לאוכל.",
        "המנהלת החדשה שלנו רוצה שכולם יגיעו למשרד בימי שני וחמישי.",
    ),
    ("hi", "Deva"): (
        "अगर दोपहर तक कोहरा नहीं छँटा, तो द्वीपों के लिए सुबह की उड़ानें फिर से रद्द कर दी जाएँगी।",
        "मेरी दादी रोटी बनाते समय कभी कुछ नहीं तौलती थीं, वे कहती थीं कि आटा खुद बता देता है कि वह कब तैयार है।",
        "हमारी आख़िरी ट्रेन छूट गई और हमने पूरी रात स्टेशन की एक बेंच पर बिस्कुट खाते हुए बिताई।",
        "डॉक्टर ने उनसे कहा कि वे रोज़ आधा घंटा टहलें और खाने में इतना नमक डालना बंद करें।",
        "हमारी नई मैनेजर चाहती हैं कि सोमवार और गुरुवार को सब लोग दफ़्तर आएँ।",
    ),
    ("mr", "Deva"): (
        "दुपारपर्यंत धुके निवळले नाही, तर बेटांकडे जाणारी सकाळची विमाने पुन्हा रद्द केली जातील.",
        "माझी आजी भाकरी करताना कधीच काही मोजत नसे, ती म्हणायची की पीठच सांगते ते कधी तयार झाले ते.",
        "आमची शेवटची गाडी चुकली आणि आम्ही संपूर्ण रात्र स्टेशनवरच्या एका बाकावर बिस्किटे खात काढली.",
        "डॉक्टरांनी त्यांना रोज अर्धा तास चालायला आणि जेवणात इतके मीठ घालणे थांबवायला सांगितले.",
        "आमच्या नव्या व्यवस्थापिकेला वाटते की सोमवारी आणि गुरुवारी सगळ्यांनी कार्यालयात यावे.",
    ),
    ("th", "Thai"): (
        "ถ้าหมอกไม่จางลงก่อนเที่ยง เที่ยวบินช่วงเช้าไปยังเกาะต่าง ๆ จะถูกยกเลิกอีกครั้ง",
        "ยายของฉันไม่เคยชั่งอะไรเลยเวลาอบขนมปัง ท่านบอกว่าแป้งจะบอกเองว่าเมื่อไหร่พร้อม",
        "พวกเราตกรถไฟขบวนสุดท้ายและต้องนอนบนม้านั่งที่สถานีทั้งคืนพลางกินขนมปังกรอบ",
        "หมอบอกให้เขาเดินวันละครึ่งชั่วโมงและเลิกใส่เกลือในอาหารมากขนาดนั้น",
        "หัวหน้าคนใหม่ของเราอยากให้ทุกคนเข้าออฟฟิศทุกวันจันทร์และวันพฤหัสบดี",
    ),
    ("zh", "Hans"): (
        "如果中午之前雾还不散，飞往海岛的早班航班又要取消了。",
        "我奶奶做馒头从来不称面粉，她说面团自己会告诉她什么时候好了。",
        "我们错过了回家的末班火车，只好在车站的长椅上一边吃饼干一边熬了一夜。",
        "医生让他每天散步半小时，做菜的时候别再放那么多盐了。",
        "新来的经理希望大家每周一和周四都回办公室上班。",
    ),
    ("ja", "Jpan"): (
        "昼までに霧が晴れなければ、島へ向かう午前の便はまた欠航になる。",
        "祖母はパンを焼くときに何も量らず、生地がいつできあがるか自分で教えてくれると言っていた。",
        "終電に乗り遅れた私たちは、駅のベンチでビスケットを食べながら一晩を過ごした。",
        "医者は彼に、毎日三十分歩いて、料理に塩を入れすぎないようにと言った。",
        "新しい上司は、月曜日と木曜日には全員に出社してほしいと考えている。",
    ),
    ("ko", "Kore"): (
        "정오까지 안개가 걷히지 않으면 섬으로 가는 오전 항공편이 또 결항된다.",
        "우리 할머니는 빵을 구울 때 아무것도 재지 않으셨고, 반죽이 다 되었는지는 반죽이 알려 준다고 하셨다.",
        "우리는 집에 가는 막차를 놓쳐서 역 벤치에서 과자를 먹으며 밤을 보냈다.",
        "의사는 그에게 매일 삼십 분씩 걷고 음식에 소금을 그렇게 많이 넣지 말라고 했다.",
        "새로 온 팀장은 월요일과 목요일에는 모두 사무실에 나오기를 바란다.",
    ),
    ("vi", "Latn"): (
        "Nếu sương mù không tan trước buổi trưa, các chuyến bay buổi sáng ra đảo sẽ lại bị hủy.",
        "Bà tôi không bao giờ cân đo gì khi làm bánh mì, bà bảo bột sẽ tự cho biết khi nào nó sẵn sàng.",
        "Chúng tôi lỡ chuyến tàu cuối cùng và phải ngủ cả đêm trên ghế ở nhà ga, vừa ăn bánh quy.",
        "Bác sĩ dặn ông ấy mỗi ngày đi bộ nửa tiếng và đừng cho quá nhiều muối vào thức ăn nữa.",
        "Chị quản lý mới muốn mọi người lên văn phòng vào thứ Hai và thứ Năm.",
    ),
    ("id", "Latn"): (
        "Kalau kabutnya belum hilang sampai siang, penerbangan pagi ke pulau-pulau itu akan dibatalkan lagi.",
        "Nenek saya tidak pernah menimbang apa pun waktu membuat roti, katanya adonannya sendiri yang akan memberi tahu kapan sudah siap.",
        "Kami ketinggalan kereta terakhir dan terpaksa menghabiskan malam di bangku stasiun sambil makan biskuit.",
        "Dokter menyuruhnya jalan kaki setengah jam setiap hari dan berhenti menaruh terlalu banyak garam di makanannya.",
        "Manajer baru kami ingin semua karyawan masuk kantor setiap hari Senin dan Kamis.",
    ),
    ("ms", "Latn"): (
        "Jika kabus tidak hilang sebelum tengah hari, penerbangan pagi ke pulau-pulau itu akan dibatalkan sekali lagi.",
        "Nenek saya tidak pernah menimbang apa-apa semasa membuat roti, katanya doh itu sendiri akan memberitahunya bila ia sudah siap.",
        "Kami terlepas kereta api terakhir dan terpaksa bermalam di atas bangku di stesen sambil makan biskut.",
        "Doktor menasihatinya supaya berjalan kaki selama setengah jam setiap hari dan berhenti meletakkan garam yang begitu banyak dalam makanannya.",
        "Pengurus baharu kami mahu semua kakitangan datang ke pejabat pada hari Isnin dan Khamis.",
    ),
}


def held_out_sentences() -> list[Sample]:
    """Every held-out sentence, labelled."""
    return [Sample("held_out_sentence", s, lang, script) for (lang, script), group in HELD_OUT.items() for s in group]


def held_out_documents(sentences_per_document: int = 4) -> list[Sample]:
    """Documents of `sentences_per_document` consecutive held-out sentences (wrapping round),
    one starting at each sentence of each language."""
    out = []
    for (lang, script), group in HELD_OUT.items():
        for start in range(len(group)):
            picked = [group[(start + i) % len(group)] for i in range(sentences_per_document)]
            out.append(Sample("held_out_document", " ".join(picked), lang, script))
    return out
