/**
 * The bundled config/themes.yaml and config/tokens.yaml, checked the way
 * posts in each language are written: one table per theme family, tokens,
 * and the ordinary words that must not tag anything.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import { detectLanguage } from '../../src/domain/language.ts';
import { compileTagger, tagPost, type Tagger } from '../../src/domain/tagging.ts';

let tagger: Tagger;
beforeAll(async () => {
  tagger = compileTagger((await loadConfig(DEFAULT_CONFIG_DIR)).taxonomy);
});

/** Tag as the bot does: with the detected language. */
function tag(title: string, text = '') {
  const { language } = detectLanguage(`${title}\n${text}`);
  return tagPost(tagger, { title, text }, { language });
}

describe('default themes', () => {
  it('GIVEN the bundled config THEN every pattern compiles', () => {
    expect(tagger.problems).toEqual([]);
  });

  it.each([
    ['en', 'Why decentralized inference matters for open AI'],
    ['pt', 'Por que a inferência descentralizada importa para a IA aberta'],
    ['pt plural', 'As inferências descentralizadas chegaram'],
    ['it', "Perché l'inferenza decentralizzata conta per l'IA aperta"],
    ['it plural', 'Le inferenze decentralizzate crescono'],
    ['fr', "Pourquoi l'inférence décentralisée compte pour l'IA ouverte"],
    ['fr plural', 'Les inférences décentralisées se multiplient'],
    ['id', 'Mengapa penalaran terdesentralisasi penting bagi AI terbuka'],
    ['id affixes', 'Kini inferensinya terdesentralisasi sepenuhnya'],
    ['id with yang', 'Jaringan AI yang terdesentralisasi mulai tumbuh'],
    ['es', 'Por qué importa la inferencia descentralizada para la IA abierta'],
    ['de', 'Warum dezentrale Inferenz für offene KI wichtig ist'],
    ['de dative', 'Die Zukunft der dezentralen Inferenz'],
    ['zh', '为什么去中心化推理对开放AI很重要'],
    ['zh traditional', '去中心化人工智慧的未來'],
    ['ko', '탈중앙화 추론이 개방형 AI에 중요한 이유'],
    ['ja', '分散型推論がオープンなAIにとって重要な理由'],
    ['ru', 'Почему децентрализованный инференс важен для открытого ИИ'],
    ['ru genitive', 'Рынок децентрализованного инференса растёт'],
    ['tr', 'Merkeziyetsiz çıkarım açık yapay zeka için neden önemli'],
    ['tr suffix', 'Merkeziyetsiz çıkarımın geleceği'],
    ['hashtag', 'Thread 🧵 #DecentralizedAI'],
  ])('GIVEN decentralized inference in %s THEN tags it', (_lang, title) => {
    expect(tag(title).themes.map((t) => t.id)).toContain('decentralized-inference');
  });

  it.each([
    ['en', 'zkML: verifiable inference for on-chain agents', 'verifiable-inference'],
    ['pt', 'Inferência verificável com provas de conhecimento zero', 'verifiable-inference'],
    ['zh', '零知识机器学习与可验证推理', 'verifiable-inference'],
    ['en', 'Vitalik on d/acc and defensive acceleration', 'd-acc'],
    ['fr', "L'accélération défensive selon Vitalik", 'd-acc'],
    ['ja', '防御的加速とは何か', 'd-acc'],
    ['en', 'Akash expands its decentralized GPU marketplace', 'gpu-compute'],
    ['es', 'Akash amplía su mercado descentralizado de GPU', 'gpu-compute'],
    ['id', 'Akash memperluas jaringan GPU terdesentralisasi', 'gpu-compute'],
    ['ru', 'Akash расширяет децентрализованные вычисления', 'gpu-compute'],
    ['en', 'Subnet 64 tops the Bittensor subnets by emissions', 'model-marketplaces'],
    ['de', 'Das Bittensor-Subnetz Chutes wächst', 'model-marketplaces'],
    ['en', 'AI agents get wallets: the agent economy arrives', 'ai-agents'],
    ['it', 'Gli agenti IA autonomi arrivano on-chain', 'ai-agents'],
    ['ko', 'AI 에이전트 경제가 온다', 'ai-agents'],
    ['tr', 'Otonom ajanlar zincir üstünde', 'ai-agents'],
    ['en', 'ERC-8004 brings identity to on-chain agents', 'ai-agents'],
    ['pt', 'Resistência à censura e monopólios de IA', 'anti-censorship'],
    ['de', 'Zensurresistente Infrastruktur gegen KI-Monopole', 'anti-censorship'],
    ['it', 'Sovranità dei dati e IA privata', 'data-sovereignty'],
    ['es', 'El costo de la inferencia cae un 70%', 'training-to-inference'],
    ['de', 'Inferenzkosten sinken deutlich', 'training-to-inference'],
  ])('GIVEN a %s headline THEN tags %s', (_lang, title, theme) => {
    expect(tag(title).themes.map((t) => t.id)).toContain(theme);
  });

  it.each([
    ['statistics', 'Bayesian inference in clinical trials'],
    ['networking', 'How to configure a subnet mask'],
    ['a generic AI safety story', 'OpenAI publishes its AI safety framework'],
    ['Spanish prose', 'La red de metro de Madrid amplía su horario'],
    ['German prose', 'Die Bahn verteilt neue Züge'],
    ['Italian prose', 'Io e te al mercato di Roma'],
  ])('GIVEN %s THEN tags no theme', (_case, title) => {
    expect(tag(title).themes).toEqual([]);
  });
});

describe('default tokens', () => {
  it.each([
    ['Bittensor', 'Bittensor adds a new subnet', 'TAO'],
    ['Akash Network', 'Akash Network hits a record', 'AKT'],
    ['AkashML', 'AkashML now serves Llama', 'AKT'],
    ['Render Network', 'Render Network onboards studios', 'RENDER'],
    ['RNDR alias', 'RNDR holders complete the migration to RENDER', 'RENDER'],
    ['NEAR Protocol', 'NEAR Protocol launches NEAR AI', 'NEAR'],
    ['Fetch.ai', 'Fetch.ai and the ASI Alliance', 'FET'],
    ['AGIX alias', '$AGIX swaps into FET', 'FET'],
    ['Korean NEAR', '니어프로토콜 급등', 'NEAR'],
    ['Japanese Worldcoin', 'ワールドコインが急騰', 'WLD'],
    ['Chinese Worldcoin', '世界币上涨', 'WLD'],
    ['NEAR in Portuguese market news', 'NEAR sobe 8% após anúncio', 'NEAR'],
    ['NEAR in Italian market news', 'NEAR sale del 8% dopo l’annuncio', 'NEAR'],
    ['NEAR in French market news', 'NEAR bondit de 8 %', 'NEAR'],
    ['NEAR in Spanish market news', 'NEAR sube un 8% tras el anuncio', 'NEAR'],
    ['NEAR in German market news', 'NEAR steigt um 8 Prozent', 'NEAR'],
    ['NEAR in Indonesian market news', 'NEAR naik 8% hari ini', 'NEAR'],
    ['NEAR in Turkish market news', 'NEAR yüzde 8 yükseldi', 'NEAR'],
    ['NEAR in Russian market news', 'NEAR вырос на 8%', 'NEAR'],
    ['NEAR in Chinese market news', 'NEAR 价格上涨 8%', 'NEAR'],
    ['NEAR in Japanese market news', 'NEARが8%上昇', 'NEAR'],
    ['IO with a price', 'IO jumps 12% as io.net grows', 'IO'],
    ['THETA with context', 'THETA price rebounds', 'THETA'],
  ])('GIVEN %s THEN tags %s', (_case, title, symbol) => {
    expect(tag(title).tokens.map((t) => t.symbol)).toContain(symbol);
  });

  it.each([
    ['near in English', 'The launch is near and the team is ready'],
    ['Near at a sentence start', 'Near the end of the year, volumes fell'],
    ['render in English', 'GPUs render frames faster than CPUs'],
    ['io in Italian', 'Io credo che il mercato salirà'],
    ['fet in Catalan', 'El fet és que el mercat ha caigut'],
    ['ai in Italian', 'Ai giovani piace la crypto'],
    ['theta in maths', 'The angle theta is small'],
    ['virtual in prose', 'A virtual event about AI agents'],
    ['world id in prose', 'your world id badge'],
    ['the graph in prose', 'the graph network of friends'],
  ])('GIVEN %s THEN tags no token', (_case, title) => {
    expect(tag(title).tokens).toEqual([]);
  });
});
