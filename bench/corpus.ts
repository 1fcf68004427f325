/**
 * Deterministic, realistic-looking crypto news text in the twelve languages
 * of the default taxonomy: filler prose with the taxonomy's own phrases,
 * project names, tickers and market moves mixed in, so tagging and sentiment
 * do real work (most posts match something, many match several themes, some
 * match nothing, as in a real news stream).
 */
import type { Taxonomy } from '../src/domain/taxonomy.ts';
import { pick } from './support.ts';

export const LANGUAGES = ['en', 'pt', 'it', 'fr', 'id', 'es', 'de', 'zh', 'ko', 'ja', 'ru', 'tr'] as const;
export type Language = (typeof LANGUAGES)[number];

interface LanguageKit {
  /** Neutral news prose with slots: {person}, {firm}, {place}, {month}, {num}. */
  filler: string[];
  /** The sentence that opens a post: {codename}, {person}, {firm}. */
  lead: string;
  /** Sentences carrying a theme phrase ({phrase}) and a project ({name}). */
  carriers: string[];
  /** Market-move sentences: {ticker}, {pct}. */
  up: string[];
  down: string[];
  /** Headlines: {phrase} (a theme phrase or a neutral topic) and {name}. */
  titles: string[];
  /** Neutral headline topics for posts about no theme. */
  topics: string[];
  months: string[];
}

const KITS: Record<Language, LanguageKit> = {
  en: {
    lead: 'The launch of {codename} was confirmed by {person} of {firm}.',
    filler: [
      '{person}, an analyst at {firm}, said the announcement came after weeks of speculation on social media.',
      'The team did not disclose the size of the round, but people familiar with the matter put it at about {num} million dollars.',
      'Trading volume on major exchanges rose by {num}% in the hours that followed, according to {firm}.',
      'Critics argue that the roadmap leaves key questions about governance unanswered.',
      'The foundation plans to publish a detailed technical report before {month}.',
      'Several validators in {place} reported delays during the upgrade, which were resolved within an hour.',
      'Regulators in {place} are watching the sector closely.',
      'Developers can already test the new features on the public testnet.',
      'According to {firm}, large holders have been accumulating over the past {num} days.',
      'Market makers warned that liquidity remains thin outside of peak hours.',
      'The company said it would share more details at its developer conference in {place} in {month}.',
      'A spokesperson for {firm} declined to comment on the timing of the next release.',
      '{person} of {firm} called the move a test for the whole sector.',
      'Speaking at an event in {place}, {person} said usage had doubled since {month}.',
      'The proposal passed with {num}% of votes after a discussion that lasted {num} days.',
    ],
    carriers: [
      'The project describes its approach as {phrase}.',
      'Supporters say {phrase} could change how {name} competes with centralised providers.',
      '{name} is one of the best-known names in {phrase}, and the update builds on that.',
      'Researchers at {name} have published a paper on {phrase} with benchmark results.',
    ],
    up: ['{ticker} surged {pct}% after the news.', 'The {ticker} token rallied {pct}% on heavy volume.'],
    down: ['{ticker} plunged {pct}% as traders took profits.', 'The {ticker} price fell {pct}% amid broader market weakness.'],
    titles: ['{Phrase}: {name} unveils its next step', 'Why {phrase} matters for {name}', '{name} bets on {phrase} as the market shifts', '{name} and the rise of {phrase}'],
    topics: ['governance', 'treasury management', 'the new roadmap', 'exchange listings', 'quarterly results', 'the developer conference'],
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  },
  pt: {
    lead: 'O lançamento do {codename} foi confirmado por {person}, da {firm}.',
    filler: [
      '{person}, analista da {firm}, afirmou que o anúncio veio após semanas de especulação nas redes sociais.',
      'A equipe não divulgou o valor da rodada, mas fontes próximas falam em cerca de {num} milhões de dólares.',
      'O volume de negociação nas principais corretoras aumentou {num}% nas horas seguintes, segundo a {firm}.',
      'Críticos dizem que o roteiro deixa questões de governança sem resposta.',
      'A fundação pretende publicar um relatório técnico detalhado antes de {month}.',
      'Segundo a {firm}, grandes investidores acumularam ao longo dos últimos {num} dias.',
      'Desenvolvedores já podem testar os novos recursos na rede de testes pública.',
      'Reguladores em {place} acompanham o setor de perto.',
      'Em um evento em {place}, {person} disse que o uso dobrou desde {month}.',
    ],
    carriers: ['O projeto descreve sua abordagem como {phrase}.', 'Apoiadores dizem que a {phrase} pode mudar a forma como a {name} compete.', 'A {name} é um dos nomes mais conhecidos em {phrase}.'],
    up: ['{ticker} disparou {pct}% após a notícia.', 'O preço do {ticker} subiu {pct}% com volume forte.'],
    down: ['{ticker} caiu {pct}% com a realização de lucros.', 'O token {ticker} despencou {pct}% em meio à queda do mercado.'],
    titles: ['{Phrase}: {name} revela próximo passo', 'Por que a {phrase} importa para a {name}', '{name} aposta em {phrase}'],
    topics: ['governança', 'o novo roteiro', 'listagens em corretoras', 'resultados trimestrais'],
    months: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
  },
  it: {
    lead: 'Il lancio di {codename} è stato confermato da {person} di {firm}.',
    filler: [
      "{person}, analista di {firm}, ha detto che l'annuncio è arrivato dopo settimane di speculazioni sui social.",
      'Il team non ha reso nota la dimensione del round, ma fonti vicine parlano di circa {num} milioni di dollari.',
      'I volumi di scambio sui principali exchange sono aumentati del {num}% nelle ore successive, secondo {firm}.',
      'I critici sostengono che la roadmap lascia aperte questioni di governance.',
      'La fondazione pubblicherà un rapporto tecnico dettagliato entro {month}.',
      'Secondo {firm}, i grandi detentori hanno accumulato negli ultimi {num} giorni.',
      'Gli sviluppatori possono già provare le nuove funzioni sulla testnet pubblica.',
      'Le autorità di {place} seguono il settore da vicino.',
      'Durante un evento a {place}, {person} ha detto che l’utilizzo è raddoppiato da {month}.',
    ],
    carriers: ['Il progetto descrive il suo approccio come {phrase}.', 'I sostenitori dicono che la {phrase} può cambiare il modo in cui {name} compete.', '{name} è uno dei nomi più noti nella {phrase}.'],
    up: ['{ticker} è salito del {pct}% dopo la notizia.', 'Il prezzo di {ticker} in rialzo del {pct}%.'],
    down: ['{ticker} è sceso del {pct}% tra le prese di profitto.', 'Crollo del {pct}% per il token {ticker}.'],
    titles: ['{Phrase}: {name} svela il prossimo passo', 'Perché la {phrase} conta per {name}', '{name} punta sulla {phrase}'],
    topics: ['governance', 'la nuova roadmap', 'quotazioni sugli exchange', 'risultati trimestrali'],
    months: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  },
  fr: {
    lead: 'Le lancement de {codename} a été confirmé par {person}, de {firm}.',
    filler: [
      "{person}, analyste chez {firm}, estime que l'annonce intervient après des semaines de spéculation sur les réseaux sociaux.",
      "L'équipe n'a pas précisé le montant de la levée, mais des sources évoquent environ {num} millions de dollars.",
      "Les volumes d'échange sur les principales plateformes ont augmenté de {num} % dans les heures suivantes, selon {firm}.",
      'Les critiques jugent que la feuille de route laisse des questions de gouvernance sans réponse.',
      'La fondation publiera un rapport technique détaillé avant {month}.',
      'Selon {firm}, les gros détenteurs accumulent depuis {num} jours.',
      'Les développeurs peuvent déjà tester les nouvelles fonctions sur le réseau de test public.',
      'Les régulateurs de {place} suivent le secteur de près.',
      "Lors d'un événement à {place}, {person} a indiqué que l'usage avait doublé depuis {month}.",
    ],
    carriers: ["Le projet présente son approche comme de l'{phrase}.", "Ses partisans estiment que l'{phrase} peut changer la façon dont {name} se positionne.", '{name} est un acteur connu de la {phrase}.'],
    up: ["{ticker} bondit de {pct}% après l'annonce.", 'Le jeton {ticker} en hausse de {pct}%.'],
    down: ['{ticker} chute de {pct}% sous la pression des vendeurs.', 'Le prix du {ticker} en baisse de {pct}%.'],
    titles: ['{Phrase} : {name} dévoile sa prochaine étape', "Pourquoi l'{phrase} compte pour {name}", '{name} mise sur la {phrase}'],
    topics: ['la gouvernance', 'la nouvelle feuille de route', 'les cotations', 'les résultats trimestriels'],
    months: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  },
  id: {
    lead: 'Peluncuran {codename} dikonfirmasi oleh {person} dari {firm}.',
    filler: [
      '{person}, analis di {firm}, mengatakan pengumuman itu muncul setelah berminggu-minggu spekulasi di media sosial.',
      'Tim tidak mengungkapkan nilai pendanaan, tetapi sumber menyebut angka sekitar {num} juta dolar.',
      'Volume perdagangan di bursa utama meningkat {num}% dalam beberapa jam berikutnya, menurut {firm}.',
      'Kritikus menilai peta jalan tersebut belum menjawab pertanyaan soal tata kelola.',
      'Yayasan berencana menerbitkan laporan teknis lengkap sebelum {month}.',
      'Menurut {firm}, pemegang besar terus mengakumulasi selama {num} hari terakhir.',
      'Pengembang sudah dapat mencoba fitur baru di testnet publik.',
      'Regulator di {place} mengawasi sektor ini dengan cermat.',
      'Dalam sebuah acara di {place}, {person} mengatakan penggunaan naik dua kali lipat sejak {month}.',
    ],
    carriers: ['Proyek ini menyebut pendekatannya sebagai {phrase}.', 'Pendukungnya mengatakan {phrase} dapat mengubah cara {name} bersaing.', '{name} adalah salah satu nama terkenal dalam {phrase}.'],
    up: ['{ticker} melonjak {pct}% setelah kabar tersebut.', 'Harga {ticker} naik {pct}% dengan volume tinggi.'],
    down: ['{ticker} anjlok {pct}% karena aksi ambil untung.', 'Harga koin {ticker} turun {pct}%.'],
    titles: ['{Phrase}: {name} umumkan langkah berikutnya', 'Mengapa {phrase} penting bagi {name}', '{name} bertaruh pada {phrase}'],
    topics: ['tata kelola', 'peta jalan baru', 'pencatatan di bursa', 'hasil kuartalan'],
    months: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  },
  es: {
    lead: 'El lanzamiento de {codename} fue confirmado por {person}, de {firm}.',
    filler: [
      '{person}, analista de {firm}, señaló que el anuncio llegó tras semanas de especulación en redes sociales.',
      'El equipo no reveló el tamaño de la ronda, pero fuentes cercanas hablan de unos {num} millones de dólares.',
      'El volumen de negociación en los principales exchanges aumentó un {num}% en las horas siguientes, según {firm}.',
      'Los críticos sostienen que la hoja de ruta deja sin respuesta cuestiones de gobernanza.',
      'La fundación publicará un informe técnico detallado antes de {month}.',
      'Según {firm}, los grandes tenedores han acumulado durante los últimos {num} días.',
      'Los desarrolladores ya pueden probar las nuevas funciones en la red de pruebas pública.',
      'Los reguladores de {place} siguen de cerca el sector.',
      'En un evento en {place}, {person} dijo que el uso se ha duplicado desde {month}.',
    ],
    carriers: ['El proyecto describe su enfoque como {phrase}.', 'Sus defensores dicen que la {phrase} puede cambiar la forma en que {name} compite.', '{name} es uno de los nombres más conocidos en {phrase}.'],
    up: ['{ticker} se dispara un {pct}% tras la noticia.', 'El precio de {ticker} sube un {pct}%.'],
    down: ['{ticker} se desploma un {pct}% por la toma de beneficios.', 'El token {ticker} cae un {pct}%.'],
    titles: ['{Phrase}: {name} presenta su próximo paso', 'Por qué la {phrase} importa para {name}', '{name} apuesta por la {phrase}'],
    topics: ['la gobernanza', 'la nueva hoja de ruta', 'los listados en exchanges', 'los resultados trimestrales'],
    months: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  },
  de: {
    lead: 'Den Start von {codename} bestätigte {person} von {firm}.',
    filler: [
      '{person}, Analyst bei {firm}, zufolge kam die Ankündigung nach wochenlangen Spekulationen in sozialen Netzwerken.',
      'Das Team nannte keine Summe, Insider sprechen jedoch von rund {num} Millionen Dollar.',
      'Das Handelsvolumen an den großen Börsen nahm laut {firm} in den folgenden Stunden um {num} % zu.',
      'Kritiker bemängeln, dass die Roadmap zentrale Fragen der Governance offenlässt.',
      'Die Stiftung will bis {month} einen ausführlichen technischen Bericht veröffentlichen.',
      'Laut {firm} haben große Anleger in den vergangenen {num} Tagen zugekauft.',
      'Entwickler können die neuen Funktionen bereits im öffentlichen Testnetz ausprobieren.',
      'Aufseher in {place} beobachten den Sektor genau.',
      'Auf einer Veranstaltung in {place} sagte {person}, die Nutzung habe sich seit {month} verdoppelt.',
    ],
    carriers: ['Das Projekt beschreibt seinen Ansatz als {phrase}.', 'Befürworter meinen, {phrase} könne verändern, wie {name} konkurriert.', '{name} gilt als bekannter Name im Bereich {phrase}.'],
    up: ['{ticker} steigt nach der Nachricht um {pct} %.', 'Kurssprung bei {ticker}: plus {pct} %.'],
    down: ['{ticker} fällt um {pct} % nach Gewinnmitnahmen.', 'Einbruch bei {ticker}: minus {pct} %.'],
    titles: ['{Phrase}: {name} stellt den nächsten Schritt vor', 'Warum {phrase} für {name} zählt', '{name} setzt auf {phrase}'],
    topics: ['Governance', 'die neue Roadmap', 'Börsennotierungen', 'Quartalszahlen'],
    months: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  },
  zh: {
    lead: '{firm} 的 {person} 确认了 {codename} 的发布。',
    filler: [
      '{firm} 分析师 {person} 表示，这一消息是在社交媒体上数周的猜测之后公布的。',
      '团队没有披露融资规模，但知情人士称金额约为 {num} 百万美元。',
      '据 {firm} 统计，随后几个小时内主要交易所的交易量增加了 {num}%。',
      '批评者认为，路线图在治理方面仍有许多问题没有回答。',
      '基金会计划在 {month} 之前发布详细的技术报告。',
      '{firm} 的链上数据显示，大户在过去 {num} 天持续增持。',
      '开发者已经可以在公共测试网上试用新功能。',
      '{place} 的监管机构正在密切关注这一领域。',
      '{person} 在 {place} 的一场活动上表示，自 {month} 以来使用量翻了一番。',
    ],
    carriers: ['该项目将其方案称为{phrase}。', '支持者认为{phrase}可能改变 {name} 的竞争方式。', '{name} 是{phrase}领域最知名的项目之一。'],
    up: ['消息公布后，{ticker} 上涨 {pct}%。', '{ticker} 价格大涨 {pct}%。'],
    down: ['{ticker} 下跌 {pct}%，交易者获利了结。', '{ticker} 价格暴跌 {pct}%。'],
    titles: ['{phrase}：{name} 公布新路线图', '为什么{phrase}对 {name} 很重要', '{name} 押注{phrase}'],
    topics: ['治理', '新路线图', '交易所上市', '季度业绩'],
    months: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
  },
  ko: {
    lead: '{firm} 의 {person} 은 {codename} 출시를 확인했다.',
    filler: [
      '{firm} 의 애널리스트 {person} 은 이번 발표가 소셜 미디어에서 수주간 이어진 추측 끝에 나왔다고 말했다.',
      '팀은 투자 규모를 공개하지 않았지만 관계자들은 약 {num} 백만 달러 규모라고 전했다.',
      '{firm} 에 따르면 이후 몇 시간 동안 주요 거래소의 거래량이 {num}% 늘었다.',
      '비판론자들은 로드맵이 거버넌스 문제에 대한 답을 내놓지 못했다고 지적한다.',
      '재단은 {month} 이전에 상세한 기술 보고서를 발표할 계획이다.',
      '{firm} 의 온체인 데이터에 따르면 대형 보유자들이 지난 {num} 일간 물량을 늘려 왔다.',
      '개발자들은 공개 테스트넷에서 새 기능을 이미 시험해 볼 수 있다.',
      '{place} 의 규제 당국은 이 분야를 면밀히 지켜보고 있다.',
    ],
    carriers: ['이 프로젝트는 자신들의 접근 방식을 {phrase} 이라고 설명한다.', '지지자들은 {phrase} 이 {name} 의 경쟁 방식을 바꿀 수 있다고 말한다.', '{name} 은 {phrase} 분야에서 가장 잘 알려진 이름 중 하나다.'],
    up: ['{ticker} 가격이 소식 이후 {pct}% 급등했다.', '{ticker} 코인이 {pct}% 상승했다.'],
    down: ['{ticker} 가격이 {pct}% 하락했다.', '{ticker} 코인이 {pct}% 급락했다.'],
    titles: ['{phrase}: {name}, 다음 단계 공개', '{phrase} 이 {name} 에 중요한 이유', '{name}, {phrase} 에 승부수'],
    topics: ['거버넌스', '새 로드맵', '거래소 상장', '분기 실적'],
    months: ['1월', '2월', '3월', '4월', '5월', '6월', '7월', '8월', '9월', '10월', '11월', '12월'],
  },
  ja: {
    lead: '{firm} の {person} が {codename} の公開を認めた。',
    filler: [
      '{firm} のアナリスト {person} によると、今回の発表はソーシャルメディアで数週間にわたる憶測の末に行われた。',
      'チームは調達額を明らかにしていないが、関係者によれば約 {num} 百万ドル規模だという。',
      '{firm} によると、その後の数時間で主要取引所の取引高は {num}% 増加した。',
      '批判的な見方をする人々は、ロードマップがガバナンスの課題に答えていないと指摘する。',
      '財団は {month} までに詳細な技術レポートを公開する予定だ。',
      '{firm} のオンチェーンデータによれば、大口保有者は過去 {num} 日にわたり買い増しを続けている。',
      '開発者は公開テストネットで新機能をすでに試すことができる。',
      '{place} の規制当局はこの分野を注視している。',
    ],
    carriers: ['このプロジェクトは自らの手法を{phrase}と説明している。', '支持者は{phrase}が {name} の競争のあり方を変えうると話す。', '{name} は{phrase}の分野で最もよく知られた名前の一つだ。'],
    up: ['{ticker} はニュースを受けて {pct}% 上昇した。', '{ticker} の価格が {pct}% 急騰した。'],
    down: ['{ticker} は利益確定売りで {pct}% 下落した。', '{ticker} の価格が {pct}% 急落した。'],
    titles: ['{phrase}：{name} が次の一手を公表', 'なぜ{phrase}が {name} にとって重要なのか', '{name}、{phrase}に注力'],
    topics: ['ガバナンス', '新ロードマップ', '取引所上場', '四半期決算'],
    months: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
  },
  ru: {
    lead: 'Запуск {codename} подтвердил {person} из {firm}.',
    filler: [
      'По словам {person}, аналитика {firm}, объявление последовало после нескольких недель слухов в социальных сетях.',
      'Команда не раскрыла размер раунда, но источники говорят примерно о {num} млн долларов.',
      'По данным {firm}, в следующие несколько часов объём торгов на крупных биржах вырос на {num}%.',
      'Критики считают, что дорожная карта оставляет вопросы управления без ответа.',
      'Фонд планирует опубликовать подробный технический отчёт до {month}.',
      'По данным {firm}, крупные держатели наращивали позиции последние {num} дней.',
      'Разработчики уже могут опробовать новые функции в публичной тестовой сети.',
      'Регуляторы в {place} внимательно следят за сектором.',
    ],
    carriers: ['Проект описывает свой подход как {phrase}.', 'Сторонники считают, что {phrase} может изменить то, как {name} конкурирует.', '{name} — одно из самых известных имён в теме «{phrase}».'],
    up: ['{ticker} вырос на {pct}% после новости.', 'Цена {ticker} подскочила на {pct}%.'],
    down: ['{ticker} упал на {pct}% на фиксации прибыли.', 'Цена {ticker} обвалилась на {pct}%.'],
    titles: ['{Phrase}: {name} раскрывает следующий шаг', 'Почему {phrase} важен для {name}', '{name} делает ставку на {phrase}'],
    topics: ['управление', 'новая дорожная карта', 'листинги на биржах', 'квартальные результаты'],
    months: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'],
  },
  tr: {
    lead: '{codename} lansmanını {firm} şirketinden {person} doğruladı.',
    filler: [
      '{firm} analisti {person}, duyurunun sosyal medyada haftalarca süren spekülasyonların ardından geldiğini söyledi.',
      'Ekip yatırım turunun büyüklüğünü açıklamadı, ancak kaynaklar yaklaşık {num} milyon dolardan söz ediyor.',
      '{firm} verilerine göre sonraki saatlerde büyük borsalardaki işlem hacmi yüzde {num} arttı.',
      'Eleştirmenler yol haritasının yönetişimle ilgili soruları yanıtsız bıraktığını savunuyor.',
      'Vakıf {month} ayından önce ayrıntılı bir teknik rapor yayımlamayı planlıyor.',
      '{firm} verilerine göre büyük yatırımcılar son {num} günde alım yapmayı sürdürdü.',
      'Geliştiriciler yeni özellikleri şimdiden herkese açık test ağında deneyebiliyor.',
      '{place} düzenleyicileri sektörü yakından izliyor.',
    ],
    carriers: ['Proje yaklaşımını {phrase} olarak tanımlıyor.', 'Destekçiler {phrase} konusunun {name} rekabetini değiştirebileceğini söylüyor.', '{name}, {phrase} alanının en bilinen isimlerinden biri.'],
    up: ['{ticker} haberin ardından yüzde {pct} yükseldi.', '{ticker} fiyatı yüzde {pct} arttı.'],
    down: ['{ticker} kâr satışlarıyla yüzde {pct} düştü.', '{ticker} fiyatı yüzde {pct} geriledi.'],
    titles: ['{Phrase}: {name} bir sonraki adımı açıkladı', '{phrase} neden {name} için önemli', '{name}, {phrase} alanına yöneliyor'],
    topics: ['yönetişim', 'yeni yol haritası', 'borsa listelemeleri', 'çeyrek sonuçları'],
    months: ['Ocak', 'Şubat', 'Mart', 'Nisan', 'Mayıs', 'Haziran', 'Temmuz', 'Ağustos', 'Eylül', 'Ekim', 'Kasım', 'Aralık'],
  },
};

/**
 * Proper nouns are what keeps one story apart from another (names survive
 * translation; the story matcher keys on them), so every news event gets its
 * own, generated from syllables: "Valisko", "Dorena Kuthal", "Renvi Labs".
 */
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'to', 'va', 'sel', 'dor', 'ni', 'qua', 'ri', 'zen', 'bel', 'tor', 'ma', 'lin', 'cor', 'vi', 'sa', 'ur', 'el', 'po', 'den', 'fa', 'gri', 'ho', 'ja', 'ku', 'ne', 'ost', 'thal', 'wen'];
const PLACES = ['Singapore', 'Zurich', 'Lisbon', 'Milan', 'Paris', 'Jakarta', 'Madrid', 'Berlin', 'Shanghai', 'Seoul', 'Tokyo', 'Istanbul', 'Dubai', 'London', 'Toronto', 'Nairobi', 'Bangalore', 'Buenos Aires', 'Warsaw', 'Sydney'];

/** A made-up proper noun of `syllables` syllables, e.g. "Valisko". */
export function properNoun(random: () => number, syllables: number): string {
  let word = '';
  for (let i = 0; i < syllables; i++) word += pick(random, SYLLABLES);
  return capitalise(word);
}

/** One piece of news; every post about it, in any language, names the same people, firm, product and amount. */
export interface NewsEvent {
  codename: string;
  persons: string[];
  firm: string;
  place: string;
  amount: string;
  /** Theme the event is about (index into the source's themes), or -1 for off-topic news. */
  theme: number;
  /** Project and ticker involved. */
  name: string;
  ticker: string;
  /** Percent move reported with it, signed; 0 for none. */
  move: number;
}

/** A new event: about a third are off-topic (markets, governance), the rest about one theme. */
export function createEvent(random: () => number, source: CorpusSource): NewsEvent {
  const token = Math.floor(random() * source.names.length);
  const move = random();
  return {
    codename: properNoun(random, 3),
    persons: [`${properNoun(random, 2)} ${properNoun(random, 3)}`, `${properNoun(random, 2)} ${properNoun(random, 2)}`],
    firm: `${properNoun(random, 2)} ${pick(random, ['Labs', 'Capital', 'Research', 'Digital', 'Analytics'])}`,
    place: pick(random, PLACES),
    amount: `${2 + Math.floor(random() * 900)}`,
    theme: random() < 0.33 ? -1 : Math.floor(random() * source.themes.length),
    name: source.names[token]!,
    ticker: source.tickers[token % source.tickers.length]!,
    move: move < 0.3 ? 2 + Math.floor(random() * 30) : move < 0.5 ? -(2 + Math.floor(random() * 30)) : 0,
  };
}

export interface GeneratedPost {
  title: string;
  /** Paragraphs separated by blank lines. */
  paragraphs: string[];
  lang: Language;
  /** Theme phrases mixed in (empty for an off-topic post). */
  phrases: string[];
}

export interface CorpusSource {
  /** Per theme: its phrases by language ("any" terms are offered to every language). */
  themes: Map<string, string[]>[];
  names: string[];
  tickers: string[];
}

/** Index a taxonomy for generation: each theme's phrases by language, project names and their tickers. */
export function corpusSource(taxonomy: Taxonomy): CorpusSource {
  const themes = taxonomy.themes.map((theme) => {
    const byLang = new Map<string, string[]>();
    for (const k of theme.keywords) {
      // "descentraliz*" is a stem: write a word that starts with it.
      const phrase = k.term.endsWith('*') ? `${k.term.slice(0, -1)}ada` : k.term;
      byLang.set(k.lang, [...(byLang.get(k.lang) ?? []), phrase]);
    }
    return byLang;
  });
  const names: string[] = [];
  const tickers: string[] = [];
  for (const token of taxonomy.tokens) {
    for (const name of token.names.slice(0, 3)) {
      names.push(name);
      tickers.push(token.symbol);
    }
  }
  return { themes, names, tickers };
}

const capitalise = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = values[key.toLowerCase()];
    if (value === undefined) return whole;
    return key.charAt(0) === key.charAt(0).toUpperCase() ? capitalise(value) : value;
  });
}

/**
 * One post about `event` in `lang`, with about `paragraphs` paragraphs of 1–3 filler
 * sentences: filler prose naming the event's people, firm and place, 1–4 of
 * its theme's phrases, and the price move when there is one.
 */
export function generatePost(random: () => number, source: CorpusSource, event: NewsEvent, lang: Language, paragraphs: number): GeneratedPost {
  const kit = KITS[lang];
  const theme = source.themes[event.theme];
  const pool = theme ? [...(theme.get(lang) ?? []), ...(theme.get('any') ?? [])] : [];
  const phrases = pool.length > 0 ? Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(random, pool)) : [];
  const name = event.name;
  const title = fill(pick(random, kit.titles), { phrase: phrases[0] ?? pick(random, kit.topics), name });
  const slots = () => ({ person: pick(random, event.persons), firm: event.firm, place: event.place, codename: event.codename, month: pick(random, kit.months), num: event.amount });

  const sentences: string[] = [];
  const total = paragraphs * (1 + Math.floor(random() * 3));
  for (let i = 0; i < total; i++) sentences.push(fill(pick(random, kit.filler), slots()));
  for (const phrase of phrases) {
    sentences.splice(Math.floor(random() * (sentences.length + 1)), 0, fill(pick(random, kit.carriers), { phrase, name }));
  }
  const pct = String(Math.abs(event.move));
  if (event.move > 0) sentences.splice(Math.floor(random() * sentences.length), 0, fill(pick(random, kit.up), { ticker: event.ticker, pct }));
  else if (event.move < 0) sentences.splice(Math.floor(random() * sentences.length), 0, fill(pick(random, kit.down), { ticker: event.ticker, pct }));
  sentences.unshift(fill(kit.lead, slots()));

  const perParagraph = Math.max(1, Math.ceil(sentences.length / Math.max(1, paragraphs)));
  const joiner = lang === 'zh' || lang === 'ja' ? '' : ' ';
  const out: string[] = [];
  for (let i = 0; i < sentences.length; i += perParagraph) out.push(sentences.slice(i, i + perParagraph).join(joiner));
  return { title, paragraphs: out, lang, phrases };
}

/** Languages weighted like the default feed list: mostly English, every other language present. */
export function pickLanguage(random: () => number): Language {
  return random() < 0.45 ? 'en' : pick(random, LANGUAGES);
}
