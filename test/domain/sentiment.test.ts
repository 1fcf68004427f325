import { describe, expect, it } from 'vitest';
import { scoreSentiment, type SentimentLabel } from '../../src/domain/sentiment.ts';

const label = (title: string, lang?: string, text = ''): SentimentLabel => scoreSentiment({ title, text, lang }).label;

describe('scoreSentiment: market tone per language', () => {
  it.each<[string, string, SentimentLabel]>([
    ['en', 'Bittensor TAO surges 22% as AI tokens rally', 'positive'],
    ['en', 'Lending protocol drained of $12 million in flash-loan exploit', 'negative'],
    ['en', 'Akash Network launches GPU marketplace on mainnet', 'neutral'],
    ['en', 'Coinbase announces partnership with Visa', 'neutral'],
    ['pt', 'Bitcoin dispara e renova máxima histórica', 'positive'],
    ['pt', 'Ethereum despenca após ataque hacker a corretora', 'negative'],
    ['pt', 'Bittensor lança nova sub-rede de inferência', 'neutral'],
    ['it', 'Bitcoin vola sopra i 100.000 dollari', 'positive'],
    ['it', 'Crollo delle criptovalute, Ether perde il 12%', 'negative'],
    ['it', 'Render Network presenta la roadmap per il 2025', 'neutral'],
    ['fr', "Le bitcoin s'envole vers un nouveau sommet historique", 'positive'],
    ['fr', "Piratage d'une plateforme DeFi : 20 millions dérobés", 'negative'],
    ['fr', 'Akash Network annonce une conférence à Paris', 'neutral'],
    ['id', 'Harga Bitcoin melonjak ke rekor tertinggi', 'positive'],
    ['id', 'Bursa kripto diretas, dana pengguna dicuri', 'negative'],
    ['id', 'Bittensor luncurkan subnet baru', 'neutral'],
    ['es', 'Bitcoin se dispara a un nuevo máximo histórico', 'positive'],
    ['es', 'Ethereum se desploma tras el hackeo de un exchange', 'negative'],
    ['es', 'Akash Network presenta su mercado de GPU', 'neutral'],
    ['de', 'Bitcoin steigt auf neues Allzeithoch', 'positive'],
    ['de', 'Hackerangriff auf Krypto-Börse: 40 Millionen gestohlen', 'negative'],
    ['de', 'Render Network stellt Pläne für 2025 vor', 'neutral'],
    ['zh', '比特币暴涨，创历史新高', 'positive'],
    ['zh', '某DeFi协议遭黑客攻击，损失1200万美元', 'negative'],
    ['zh', 'Bittensor发布新的去中心化推理子网', 'neutral'],
    ['ko', '비트코인 급등, 사상 최고가 경신', 'positive'],
    ['ko', '거래소 해킹으로 가상자산 유출', 'negative'],
    ['ko', '아카시 네트워크, GPU 마켓플레이스 출시', 'neutral'],
    ['ja', 'ビットコインが急騰、過去最高値を更新', 'positive'],
    ['ja', 'イーサリアムが急落、大規模な清算が発生', 'negative'],
    ['ja', 'Bittensor、新しいサブネットを発表', 'neutral'],
    ['ru', 'Биткоин обновил исторический максимум', 'positive'],
    ['ru', 'Эфир рухнул на 15% после взлома биржи', 'negative'],
    ['ru', 'Akash Network представила новую платформу', 'neutral'],
    ['tr', 'Bitcoin yeni rekor kırdı', 'positive'],
    ['tr', 'Kripto borsası hacklendi, 20 milyon dolar çalındı', 'negative'],
    ['tr', 'Render Network 2025 yol haritasını açıkladı', 'neutral'],
  ])('GIVEN a %s headline "%s" THEN it is %s', (lang, title, expected) => {
    expect(label(title, lang)).toBe(expected);
  });

  it.each<[string, string, SentimentLabel]>([
    ['Binance delists three tokens', undefined as unknown as string, 'negative'],
    ['SEC não aprova ETF de Solana', undefined as unknown as string, 'negative'],
    ['以太坊暴跌10%', undefined as unknown as string, 'negative'],
  ])('GIVEN "%s" without a language THEN every lexicon reads it (%s → %s)', (title, lang, expected) => {
    expect(label(title, lang)).toBe(expected);
  });

  it('GIVEN a regional language tag THEN its language lexicon applies', () => {
    expect(label('Bitcoin sobe 5% e renova máxima', 'pt-BR')).toBe('positive');
  });

  it('GIVEN a false friend THEN it counts only in its own language', () => {
    expect(label('Token sale opens for Render holders', 'en')).toBe('neutral');
    expect(label('Il prezzo di Bitcoin sale ancora', 'it')).toBe('positive');
  });
});

describe('scoreSentiment: negation, intensity and phrase rules', () => {
  it.each<[string, SentimentLabel]>([
    ['Spot Solana ETF not approved', 'negative'],
    ['SEC has not yet approved the staking ETF', 'negative'],
    ['Spot XRP ETF fails to win approval', 'negative'],
    ['Worldcoin fails to hold $2', 'negative'],
    ['Fetch.ai falls short of analyst targets', 'negative'],
    ['SEC drops lawsuit against Coinbase', 'positive'],
    ['Court dismisses class action against Uniswap Labs', 'positive'],
    ['Ethereum rebounds after Bybit hack', 'positive'],
    ['NEAR climbs despite hack at ecosystem wallet', 'positive'],
    ['Bitcoin drops despite record ETF inflows', 'negative'],
    ['Exchange denies insolvency rumors', 'positive'],
    ['Ether slips as staking unlocks weigh on sentiment', 'negative'],
    ['Outflows from TAO funds spike as whales sell', 'negative'],
    ['Bitcoin gives up gains after Fed minutes', 'negative'],
    ['Is this the end of the AI token bull run?', 'negative'],
    ['NEAR Protocol hosts AI agent hackathon', 'neutral'],
    ['Pump.fun launches its own exchange', 'neutral'],
    ['Users urged to revoke token approvals', 'neutral'],
    ['SEC não aprova ETF de Solana', 'negative'],
    ["La SEC n'approuve pas l'ETF Solana", 'negative'],
    ['ETF-Antrag für Solana nicht genehmigt', 'negative'],
    ['SEC未批准Solana现货ETF', 'negative'],
    ['SEC、ソラナETFを承認せず', 'negative'],
    ['Solana ETF başvurusu onaylanmadı', 'negative'],
    ['La SEC abandonne les poursuites contre Coinbase', 'positive'],
    ['SEC zieht Klage gegen Coinbase zurück', 'positive'],
    ["SEC, Coinbase'e açtığı davayı düşürdü", 'positive'],
    ['尽管遭遇黑客攻击，该代币价格仍然反弹', 'positive'],
    ['ハッキング被害にもかかわらず、トークン価格は反発', 'positive'],
    ['SEC, 솔라나 현물 ETF 승인 거부', 'negative'],
    ['How to protect your wallet from phishing', 'neutral'],
    ['What is a rug pull? A guide for beginners', 'neutral'],
    ['Bitcoin miners sell record amount of BTC', 'negative'],
    ['Arbitrum sees record transactions', 'positive'],
    ['Bitcoin ETFs record $500 million in net outflows', 'negative'],
    ['Shorts liquidated as bitcoin breaks $70K', 'positive'],
    ['Bitcoin hits three-month low', 'negative'],
  ])('GIVEN "%s" THEN it is %s', (title, expected) => {
    expect(label(title)).toBe(expected);
  });

  it('GIVEN an intensifier THEN the same cue scores stronger', () => {
    const plain = scoreSentiment({ title: 'Bitcoin falls', text: '' }).score;
    const sharp = scoreSentiment({ title: 'Bitcoin falls sharply', text: '' }).score;
    const intensified = scoreSentiment({ title: 'Bitcoin sees massive outflows', text: '' }).score;
    const slight = scoreSentiment({ title: 'Bitcoin slightly falls', text: '' }).score;
    expect({ plain, sharpStronger: sharp <= plain, intensified: intensified < 0, slightWeaker: slight > plain }).toEqual({
      plain: expect.any(Number) as number,
      sharpStronger: true,
      intensified: true,
      slightWeaker: true,
    });
  });

  it('GIVEN a question headline THEN it scores weaker than the statement', () => {
    const statement = scoreSentiment({ title: 'Bitcoin crashes', text: '' }).score;
    const question = scoreSentiment({ title: 'Bitcoin crashes?', text: '' }).score;
    expect(question).toBeGreaterThan(statement);
    expect(question).toBeLessThan(0);
  });
});

describe('scoreSentiment: market tone, not the tone of the prose', () => {
  it('GIVEN an essay warning about AI monopolies while TAO rallied THEN it is bullish', () => {
    const s = scoreSentiment({
      title: 'The case against AI monopolies',
      text:
        'In a long essay the author warns that a handful of labs could control AI, calls centralization a danger and a ' +
        'threat to open research, and fears censorship. Meanwhile TAO rallied 18% this week as traders bet on decentralized inference.',
      lang: 'en',
    });
    expect(s).toEqual({ score: expect.any(Number) as number, label: 'positive', cues: ['rallied'] });
  });

  it('GIVEN an essay that says regulators are failing while tokens rose THEN prose failure does not outweigh the market', () => {
    const s = scoreSentiment({
      title: 'Why AI monopolies should worry everyone',
      text: 'The essay argues that concentrated control of AI is dangerous and that regulators are failing. Markets disagreed: TAO jumped 14% and AKT gained 9%.',
      lang: 'en',
    });
    expect(s.label).toBe('positive');
    expect(s.cues).toEqual(['jumped', 'gained']);
  });

  it('GIVEN a calm report of an exploit THEN it is bearish', () => {
    const s = scoreSentiment({
      title: 'Post-mortem: how the pool exploit unfolded, step by step',
      text: 'The team published a detailed timeline. Attackers drained roughly $4 million from two pools before the contracts were paused.',
      lang: 'en',
    });
    expect(s.label).toBe('negative');
    expect(s.cues).toEqual(expect.arrayContaining(['exploit', 'drained']));
  });

  it('GIVEN only prose tone THEN the label stays near neutral', () => {
    expect(label('Why optimism about decentralized AI is growing', 'en')).toBe('neutral');
  });

  it('GIVEN a neutral headline and a bearish body THEN the body decides', () => {
    expect(label('Incident report', 'en', 'An attacker exploited a bug and withdrew 3,000 ETH from the bridge.')).toBe('negative');
  });
});

describe('scoreSentiment: result shape', () => {
  it.each([
    { title: '', text: '' },
    { title: 'Bitcoin crashes, plunges, collapses and tanks in a bloodbath', text: '' },
    { title: 'TAO surges, soars, rallies and skyrockets to a record high', text: 'Massive gains. Huge rally. All-time high.' },
  ])('GIVEN $title THEN the score is in [-1, 1] with a matching label', (post) => {
    const s = scoreSentiment(post);
    expect(s.score).toBeGreaterThanOrEqual(-1);
    expect(s.score).toBeLessThanOrEqual(1);
    expect(s.label).toBe(s.score >= 0.25 ? 'positive' : s.score <= -0.25 ? 'negative' : 'neutral');
  });

  it('GIVEN nothing market-related THEN the score is exactly 0 with no cues', () => {
    expect(scoreSentiment({ title: 'Bittensor co-founder to speak at Consensus', text: '', lang: 'en' })).toEqual({ score: 0, label: 'neutral', cues: [] });
  });

  it('GIVEN a negated cue THEN the cue is shown with its negation as written', () => {
    expect(scoreSentiment({ title: 'ETF Not Approved', text: '', lang: 'en' }).cues).toEqual(['Not Approved']);
  });
});
