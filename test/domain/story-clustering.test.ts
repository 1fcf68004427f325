import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import { detectLanguage } from '../../src/domain/language.ts';
import { canonicalUrl, clusterStories, figures, matchStory, parseLocaleNumber, storyFeatures } from '../../src/domain/stories.ts';
import { compileTagger, tagPost, type Tagger } from '../../src/domain/tagging.ts';
import { nameSkeleton, romanize } from '../../src/domain/transliterate.ts';
import { AKASHML, OTHER_AKASH_NEWS, type StoryText } from './story-fixtures.ts';

const H = 3_600_000;
let tagger: Tagger;
beforeAll(async () => {
  tagger = compileTagger((await loadConfig(DEFAULT_CONFIG_DIR)).taxonomy);
});

/** Features as the bot computes them: detected language, tags, then story features. */
function featuresOf(post: Pick<StoryText, 'title' | 'text' | 'url' | 'lang'>): string[] {
  const { language } = detectLanguage(`${post.title}\n${post.text}`, { hint: post.lang });
  return storyFeatures({ ...post, language }, tagPost(tagger, post, { language }));
}

const item = (p: StoryText) => ({ id: p.id, publishedAt: p.hour * H, features: featuresOf(p) });

describe('clusterStories across languages', () => {
  it('GIVEN one story in nine languages and three other Akash stories THEN finds four stories', () => {
    const stories = clusterStories([...AKASHML, ...OTHER_AKASH_NEWS].map(item));
    const byStory = new Map<string, string[]>();
    for (const [id, a] of stories) byStory.set(a.storyId, [...(byStory.get(a.storyId) ?? []), id]);
    expect(Object.fromEntries(byStory)).toEqual({
      en: ['en', 'pt', 'it', 'id', 'fr', 'es', 'de', 'zh', 'ja'],
      'inflation-vote': ['inflation-vote'],
      advisory: ['advisory'],
      'unlock-pt': ['unlock-pt'],
    });
  });

  it.each(AKASHML.slice(1).map((p) => [p.lang, p] as const))('GIVEN the %s translation alone THEN it joins the English original', (_lang, post) => {
    const original = { id: 'en', features: featuresOf(AKASHML[0]!), lastAt: 0 };
    expect(matchStory(featuresOf(post), post.hour * H, [original])?.storyId).toBe('en');
  });

  it.each(OTHER_AKASH_NEWS.map((p) => [p.id, p] as const))(
    'GIVEN "%s", same token and theme as the story THEN it does not join it',
    (_id, post) => {
      const original = { id: 'en', features: featuresOf(AKASHML[0]!), lastAt: 0 };
      expect(matchStory(featuresOf(post), post.hour * H, [original])).toBeUndefined();
    },
  );

  it('GIVEN a translation THEN the match says which figures and names it shares', () => {
    const original = { id: 'en', features: featuresOf(AKASHML[0]!), lastAt: 0 };
    const match = matchStory(featuresOf(AKASHML.find((p) => p.lang === 'ja')!), 10 * H, [original])!;
    expect(match.reasons).toEqual(expect.arrayContaining(['pct:70', 'pct:12', 'amt:4200000', 'num:1200', 'brand:=h100']));
  });

  it('GIVEN two TAO stories on one day sharing the ticker, a theme and a percentage THEN they stay apart', () => {
    const etf = {
      title: 'Bittensor (TAO) jumps 10% as Grayscale files for a trust',
      text: 'Grayscale filed with the SEC on Monday for a Bittensor trust. TAO rose 10% as traders bet on decentralized inference.',
      url: 'https://news.example.com/grayscale-tao-trust',
      lang: 'en',
    };
    const halving = {
      title: 'Bittensor halving cuts TAO emissions by 50% in December',
      text: 'Subnet owners expect lower rewards after the halving. TAO fell 10% this week; miners on decentralized inference subnets plan upgrades.',
      url: 'https://other.example.com/bittensor-halving',
      lang: 'en',
    };
    expect(matchStory(featuresOf(halving), 5 * H, [{ id: 'etf', features: featuresOf(etf), lastAt: 0 }])).toBeUndefined();
  });

  it('GIVEN an essay and its translation sharing themes, projects and one figure THEN they are one story', () => {
    const en = {
      title: 'Decentralized inference, zkML and d/acc: how crypto can keep AI open',
      text:
        'Open models are only half of an open AI ecosystem. The other half is decentralized inference: networks such as Bittensor and Akash Network. ' +
        'zkML proofs, optimistic verification and crypto-economic incentives for honest inference check the providers. By 2027, 25% of inference demand could be served this way.',
      url: 'https://essays.example/decentralized-ai',
      lang: 'en',
    };
    const it_ = {
      title: "Inferenza decentralizzata, zkML e d/acc: come le cripto possono mantenere aperta l'IA",
      text:
        "I modelli aperti sono solo metà di un ecosistema di IA aperto. L'altra metà è l'inferenza decentralizzata: reti come Bittensor e Akash Network. " +
        "Prove zkML, verifica ottimistica e incentivi criptoeconomici per un'inferenza onesta. Entro il 2027 il 25% della domanda di inferenza potrebbe essere servito così.",
      url: 'https://notizie.example/inferenza-decentralizzata',
      lang: 'it',
    };
    expect(matchStory(featuresOf(it_), 4 * H, [{ id: 'en', features: featuresOf(en), lastAt: 0 }])?.storyId).toBe('en');
  });

  it('GIVEN a translation published after the window THEN it starts a new story', () => {
    const original = { id: 'en', features: featuresOf(AKASHML[0]!), lastAt: 0 };
    expect(matchStory(featuresOf(AKASHML[1]!), 100 * H, [original])).toBeUndefined();
  });
});

describe('story identity', () => {
  const post = (title: string, text: string, url: string) => featuresOf({ title, text, url, lang: 'en' });

  it('GIVEN the same article under a tracking URL THEN it is the same story outright', () => {
    const a = post('Bittensor halving explained', 'Short note.', 'https://www.example.com/bittensor-halving/');
    const b = post('Bittensor halving, explained', 'Other words.', 'https://example.com/bittensor-halving?utm_source=x#top');
    expect(matchStory(b, H, [{ id: 'a', features: a, lastAt: 0 }])).toMatchObject({ storyId: 'a', score: Number.POSITIVE_INFINITY });
  });

  it('GIVEN a syndicated copy that links to the original THEN it joins the original', () => {
    const a = post('Render Network partners with a studio', 'Details inside.', 'https://render.example.com/news/studio-deal');
    const b = post('Studio deal for Render', 'As first reported at https://render.example.com/news/studio-deal, the deal…', 'https://aggregator.example.net/123');
    expect(matchStory(b, H, [{ id: 'a', features: a, lastAt: 0 }])?.storyId).toBe('a');
  });

  it('GIVEN the same long title on two sites THEN it is the same story', () => {
    const title = 'Bittensor subnet Chutes passes 100 billion tokens served per day';
    const a = post(title, 'Site one.', 'https://one.example.com/a');
    const b = post(title, 'Site two.', 'https://two.example.com/b');
    expect(matchStory(b, H, [{ id: 'a', features: a, lastAt: 0 }])?.storyId).toBe('a');
  });

  it('GIVEN two short generic titles that are equal THEN the title alone proves nothing', () => {
    const a = post('Market update', 'TAO fell.', 'https://one.example.com/a');
    const b = post('Market update', 'NEAR rose.', 'https://two.example.com/b');
    expect(matchStory(b, H, [{ id: 'a', features: a, lastAt: 0 }])).toBeUndefined();
  });

  it.each([
    ['https://www.Example.com/a/b/', 'example.com/a/b'],
    ['http://m.example.com/a?utm=1#x', 'example.com/a'],
    ['https://example.com/a/amp/', 'example.com/a'],
    ['not a url', undefined],
  ])('GIVEN %s THEN the canonical URL is %s', (raw, expected) => {
    expect(canonicalUrl(raw)).toBe(expected);
  });
});

describe('figures across locales', () => {
  it.each([
    ['1,200', 1200],
    ['1.200', 1200],
    ['1.234,5', 1234.5],
    ['1,234.5', 1234.5],
    ['1.5', 1.5],
    ['1,5', 1.5],
    ['0,250', 0.25],
    ["1'200", 1200],
    ['1.200.000', 1_200_000],
    ['20.02.2025', undefined],
  ])('GIVEN "%s" THEN reads %s', (raw, expected) => {
    expect(parseLocaleNumber(raw)).toBe(expected);
  });

  it.each([
    ['25%', 'pct:25'],
    ['25 %', 'pct:25'],
    ['25\u00a0%', 'pct:25'],
    ['%25', 'pct:25'],
    ['yüzde 25', 'pct:25'],
    ['25 por cento', 'pct:25'],
    ['25 Prozent', 'pct:25'],
    ['25 persen', 'pct:25'],
    ['22,5 %', 'pct:22.5'],
    ['$20 million', 'amt:20000000'],
    ['20 milhões de dólares', 'amt:20000000'],
    ['20 milioni di dollari', 'amt:20000000'],
    ['US$ 20 juta', 'amt:20000000'],
    ['2000万美元', 'amt:20000000'],
    ['2000万ドル', 'amt:20000000'],
    ['2,000만 달러', 'amt:20000000'],
    ['$1.2B', 'amt:1200000000'],
    ['1,2 bilhão', 'amt:1200000000'],
    ['1,2 mil millones', 'amt:1200000000'],
    ['4,2 Millionen US-Dollar', 'amt:4200000'],
    ['1.200 GPUs', 'num:1200'],
    ['1\u202f200 GPU', 'num:1200'],
    ['in 2025', 'year:2025'],
  ])('GIVEN "%s" THEN the figure is %s', (text, expected) => {
    const found = featuresOf({ title: text, text: '', url: '', lang: 'en' }).filter((f) => /^(pct|amt|num|year):/.test(f));
    expect(found).toEqual([expected]);
  });

  it('GIVEN small counts and H100 THEN they are not figures', () => {
    expect(figures('5 subnets and 400 H100s')).toEqual([{ kind: 'num', value: '400' }]);
  });
});

describe('names across scripts', () => {
  it.each([
    ['Buterin', 'Бутерин', 'ブテリン', '부테린'],
    ['Vitalik', 'Виталик', 'ヴィタリック', '비탈릭'],
    ['Bittensor', 'Биттенсор', 'ビットテンサー', '비트텐서'],
    ['Worldcoin', 'Ворлдкоин', 'ワールドコイン', '월드코인'],
    ['Grayscale', 'Грейскейл', 'グレイスケール', '그레이스케일'],
  ])('GIVEN %s in Latin, Cyrillic, katakana and Hangul THEN they share one key', (latin, ...others) => {
    const key = (s: string) => nameSkeleton(romanize(s.toLowerCase()));
    expect(key(latin)).not.toBe('');
    for (const other of others) expect(key(other)).toBe(key(latin));
  });
});
