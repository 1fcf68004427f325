/**
 * One piece of news as it is published in nine languages (written for these
 * tests, in the style of each language's crypto press), and unrelated news
 * about the same token and theme from the same days.
 */
export interface StoryText {
  id: string;
  lang: string;
  title: string;
  text: string;
  url: string;
  /** Hours after the English original. */
  hour: number;
}

/** Akash launches AkashML: the story every translation below tells. */
export const AKASHML: StoryText[] = [
  {
    id: 'en',
    lang: 'en',
    hour: 0,
    url: 'https://news.example.com/akash-network-launches-akashml',
    title: 'Akash Network launches AkashML to cut AI inference costs by 70%',
    text:
      'Akash Network on Tuesday launched AkashML, a managed service for open models running on its decentralized GPU marketplace. ' +
      'Greg Osuri, founder of Overclock Labs, said developers can serve Llama and DeepSeek models at up to 70% lower cost than on AWS. ' +
      'The network now has more than 1,200 GPUs, including 400 NVIDIA H100s, and processed $4.2 million in compute leases in 2025. ' +
      '“Inference is where the demand is going,” Osuri said. AKT rose 12% after the announcement.',
  },
  {
    id: 'pt',
    lang: 'pt',
    hour: 3,
    url: 'https://br.example.com/akash-network-lanca-akashml',
    title: 'Akash Network lança AkashML para reduzir em 70% o custo de inferência de IA',
    text:
      'A Akash Network lançou nesta terça-feira o AkashML, um serviço gerenciado para modelos abertos que roda em seu mercado descentralizado de GPUs. ' +
      'Greg Osuri, fundador da Overclock Labs, afirmou que desenvolvedores podem servir modelos Llama e DeepSeek com custo até 70% menor do que na AWS. ' +
      'A rede já conta com mais de 1.200 GPUs, incluindo 400 NVIDIA H100, e processou US$ 4,2 milhões em contratos de computação em 2025. ' +
      '“A demanda está indo para a inferência”, disse Osuri. O AKT subiu 12% após o anúncio.',
  },
  {
    id: 'it',
    lang: 'it',
    hour: 4,
    url: 'https://it.example.com/akash-network-lancia-akashml',
    title: 'Akash Network lancia AkashML: costi di inferenza ridotti del 70%',
    text:
      'Martedì Akash Network ha lanciato AkashML, un servizio gestito per modelli aperti che gira sul suo mercato decentralizzato di GPU. ' +
      'Secondo Greg Osuri, fondatore di Overclock Labs, gli sviluppatori possono servire i modelli Llama e DeepSeek con costi fino al 70% inferiori rispetto ad AWS. ' +
      'La rete conta oggi oltre 1.200 GPU, tra cui 400 NVIDIA H100, e nel 2025 ha elaborato 4,2 milioni di dollari in contratti di calcolo. ' +
      "«La domanda si sta spostando verso l'inferenza», ha detto Osuri. AKT è salito del 12% dopo l'annuncio.",
  },
  {
    id: 'id',
    lang: 'id',
    hour: 5,
    url: 'https://id.example.com/akash-network-luncurkan-akashml',
    title: 'Akash Network luncurkan AkashML, pangkas biaya inferensi AI hingga 70%',
    text:
      'Akash Network pada hari Selasa meluncurkan AkashML, layanan terkelola untuk model terbuka yang berjalan di pasar GPU terdesentralisasi miliknya. ' +
      'Greg Osuri, pendiri Overclock Labs, mengatakan pengembang dapat menjalankan model Llama dan DeepSeek dengan biaya hingga 70% lebih rendah dibandingkan AWS. ' +
      'Jaringan ini kini memiliki lebih dari 1.200 GPU, termasuk 400 NVIDIA H100, dan memproses sewa komputasi senilai US$4,2 juta pada 2025. ' +
      '“Permintaan sedang bergeser ke inferensi,” kata Osuri. AKT naik 12% setelah pengumuman tersebut.',
  },
  {
    id: 'fr',
    lang: 'fr',
    hour: 6,
    url: 'https://fr.example.com/akash-network-lance-akashml',
    title: "Akash Network lance AkashML et réduit de 70\u00a0% le coût de l'inférence IA",
    text:
      'Akash Network a lancé mardi AkashML, un service géré pour les modèles ouverts qui fonctionne sur sa place de marché décentralisée de GPU. ' +
      "Selon Greg Osuri, fondateur d'Overclock Labs, les développeurs peuvent servir les modèles Llama et DeepSeek pour un coût jusqu'à 70\u00a0% inférieur à celui d'AWS. " +
      'Le réseau compte désormais plus de 1\u202f200 GPU, dont 400 NVIDIA H100, et a traité 4,2 millions de dollars de locations de calcul en 2025. ' +
      "«\u00a0La demande se déplace vers l'inférence\u00a0», a déclaré Osuri. L'AKT a progressé de 12\u00a0% après l'annonce.",
  },
  {
    id: 'es',
    lang: 'es',
    hour: 7,
    url: 'https://es.example.com/akash-network-lanza-akashml',
    title: 'Akash Network lanza AkashML y recorta un 70% el costo de la inferencia de IA',
    text:
      'Akash Network lanzó el martes AkashML, un servicio gestionado para modelos abiertos que funciona sobre su mercado descentralizado de GPU. ' +
      'Greg Osuri, fundador de Overclock Labs, afirmó que los desarrolladores pueden servir modelos Llama y DeepSeek con un costo hasta un 70% menor que en AWS. ' +
      'La red ya cuenta con más de 1.200 GPU, incluidas 400 NVIDIA H100, y procesó 4,2 millones de dólares en contratos de cómputo en 2025. ' +
      '«La demanda se está moviendo hacia la inferencia», dijo Osuri. AKT subió un 12% tras el anuncio.',
  },
  {
    id: 'de',
    lang: 'de',
    hour: 8,
    url: 'https://de.example.com/akash-network-startet-akashml',
    title: 'Akash Network startet AkashML und senkt Inferenzkosten um 70 Prozent',
    text:
      'Akash Network hat am Dienstag AkashML gestartet, einen verwalteten Dienst für offene Modelle auf dem dezentralen GPU-Marktplatz des Netzwerks. ' +
      'Greg Osuri, Gründer von Overclock Labs, sagte, Entwickler könnten Llama- und DeepSeek-Modelle bis zu 70 % günstiger betreiben als bei AWS. ' +
      'Das Netzwerk verfügt inzwischen über mehr als 1.200 GPUs, darunter 400 NVIDIA H100, und hat 2025 Rechenmieten im Wert von 4,2 Millionen US-Dollar abgewickelt. ' +
      '„Die Nachfrage verlagert sich zur Inferenz“, sagte Osuri. AKT stieg nach der Ankündigung um 12 %.',
  },
  {
    id: 'zh',
    lang: 'zh',
    hour: 9,
    url: 'https://zh.example.com/news/20250218-akashml',
    title: 'Akash Network 推出 AkashML，AI 推理成本最高降低 70%',
    text:
      'Akash Network 周二推出 AkashML，这是一项运行在其去中心化 GPU 市场上的开源模型托管服务。' +
      'Overclock Labs 创始人 Greg Osuri 表示，开发者运行 Llama 和 DeepSeek 模型的成本可比 AWS 低 70%。' +
      '该网络目前拥有超过 1,200 块 GPU，其中包括 400 块 NVIDIA H100，2025 年处理了价值 420 万美元的算力租赁。' +
      'Osuri 说：“需求正在转向推理。”消息公布后，AKT 上涨 12%。',
  },
  {
    id: 'ja',
    lang: 'ja',
    hour: 10,
    url: 'https://jp.example.com/news/akashml-launch',
    title: 'Akash Network、AkashMLを発表　AI推論コストを最大70%削減',
    text:
      'Akash Networkは火曜日、分散型GPUマーケットプレイス上で動くオープンモデル向けのマネージドサービス「AkashML」を発表した。' +
      'Overclock Labsの創業者グレッグ・オスリ氏によると、開発者はLlamaやDeepSeekのモデルをAWSより最大70%安く運用できるという。' +
      '同ネットワークには現在、NVIDIA H100の400基を含む1,200基超のGPUがあり、2025年には420万ドル相当の計算リースを処理した。' +
      '「需要は推論へと移っている」とオスリ氏は述べた。発表後、AKTは12%上昇した。',
  },
];

/** Other Akash news of the same days: same token, same theme, same people, different stories. */
export const OTHER_AKASH_NEWS: StoryText[] = [
  {
    id: 'inflation-vote',
    lang: 'en',
    hour: 2,
    url: 'https://news.example.com/akash-inflation-vote',
    title: 'Akash community votes on cutting AKT staking inflation',
    text:
      'The Akash Network community opened a governance proposal on Thursday to lower AKT staking inflation from 13% to 8%. ' +
      'Validators have 14 days to vote. Overclock Labs said the change would make the decentralized GPU marketplace more sustainable.',
  },
  {
    id: 'unlock-pt',
    lang: 'pt',
    hour: 6,
    url: 'https://br.example.com/akt-cai-apos-desbloqueio',
    title: 'AKT cai 9% após desbloqueio de tokens',
    text:
      'O token AKT, da Akash Network, caiu 9% nesta quarta-feira após o desbloqueio de 5 milhões de tokens destinados a investidores. ' +
      'Analistas da Kaiko apontam que a liquidez do mercado descentralizado de GPUs continua baixa.',
  },
  {
    id: 'advisory',
    lang: 'en',
    hour: 5,
    url: 'https://news.example.com/osuri-joins-render-board',
    title: "Akash founder Greg Osuri joins Render Network's advisory board",
    text:
      'Greg Osuri, founder of Overclock Labs and Akash, has joined the advisory board of the Render Foundation, the organisation said on Wednesday. ' +
      'Osuri will advise on decentralized GPU compute partnerships.',
  },
];
