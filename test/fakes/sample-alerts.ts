/**
 * Hand-built alerts for adapter, end-to-end and benchmark tests: one of each
 * kind with realistic values, plus hostile ones whose feed-derived text tries
 * every trick a renderer must defuse. Builders take overrides so a test states
 * only what it cares about.
 */
import type { MoveAlert, NoticeAlert, StoryAlert } from '../../src/domain/alert.ts';
import type { Catalyst } from '../../src/domain/correlation.ts';
import type { Move } from '../../src/domain/moves.ts';

/** 2025-03-14T12:00:00Z: fixed so rendered durations never depend on the clock. */
export const SAMPLE_NOW = Date.UTC(2025, 2, 14, 12, 0, 0);
const HOUR = 3_600_000;

export function sampleMove(overrides: Partial<Move> = {}): Move {
  return {
    symbol: 'TAO',
    windowMinutes: 1440,
    direction: 'up',
    startedAt: SAMPLE_NOW - 20 * HOUR,
    endedAt: SAMPLE_NOW,
    fromPrice: 400,
    toPrice: 500,
    return: 0.25,
    benchmarkReturn: 0.04,
    abnormalVsBtc: 0.21,
    z: 4.1,
    reasons: ['|return| ≥ 8%', '|abnormal vs BTC| ≥ 6%'],
    ...overrides,
  };
}

export function sampleCatalyst(overrides: Partial<Catalyst> = {}): Catalyst {
  return {
    postId: 'post-1',
    storyId: 'story-1',
    url: 'https://decrypt.co/2025/03/14/bittensor-subnet-launch',
    title: 'Bittensor launches dynamic TAO for subnets',
    source: 'Decrypt',
    publishedAt: SAMPLE_NOW - 23 * HOUR,
    themes: ['decentralized-ai'],
    score: 0.82,
    reasons: ['mentions TAO', 'published 3h before the move'],
    ...overrides,
  };
}

export function sampleMoveAlert(overrides: Partial<MoveAlert> = {}): MoveAlert {
  return {
    kind: 'move',
    key: 'move:TAO:1440:2025-03-14',
    createdAt: SAMPLE_NOW,
    severity: 'high',
    reason: 'abnormal move with a catalyst',
    move: sampleMove(),
    catalysts: [
      sampleCatalyst(),
      sampleCatalyst({
        postId: 'post-2',
        storyId: 'story-2',
        url: 'https://www.coindesk.com/markets/2025/03/14/ai-tokens-rally',
        title: 'AI tokens rally as Nvidia earnings loom',
        source: 'CoinDesk',
        publishedAt: SAMPLE_NOW - 10 * HOUR,
        themes: ['ai-agents', 'compute'],
        score: 0.41,
        reasons: ['theme decentralized-ai links TAO'],
      }),
    ],
    ...overrides,
  };
}

export function sampleStoryAlert(overrides: Partial<StoryAlert> = {}): StoryAlert {
  return {
    kind: 'story',
    key: 'story:story-7',
    createdAt: SAMPLE_NOW,
    severity: 'medium',
    reason: 'new story on a tracked theme',
    story: {
      id: 'story-7',
      title: 'Render Network expands GPU marketplace to AI inference',
      url: 'https://cointelegraph.com/news/render-network-ai-inference',
      source: 'Cointelegraph',
      publishedAt: SAMPLE_NOW - HOUR,
      languages: ['en', 'pt'],
      sources: 3,
    },
    themes: [
      { id: 'compute', name: 'Decentralized compute', score: 0.9 },
      { id: 'ai-agents', name: 'AI agents', score: 0.4 },
    ],
    tokens: ['RENDER', 'AKT'],
    sentiment: { score: 0.55, label: 'positive' },
    ...overrides,
  };
}

export function sampleNoticeAlert(overrides: Partial<NoticeAlert> = {}): NoticeAlert {
  return {
    kind: 'notice',
    key: 'notice:feed-down:decrypt',
    createdAt: SAMPLE_NOW,
    severity: 'low',
    reason: 'feed health',
    title: 'Feed "Decrypt" failing',
    text: 'The feed returned HTTP 503 for 3 hours; it is retried every 15 minutes.',
    ...overrides,
  };
}

/** Feed text that tries to ping, format, inject links and break HTML. */
export const HOSTILE_TEXT =
  '@everyone @here <@123456789012345678> <@!123456789012345678> <@&987654321098765432> <#555555555555555555> ' +
  '<b>bold</b> **bold** __u__ ~~s~~ ||spoiler|| `code` > quote [click](javascript:alert(1)) ](javascript:alert(1)) & &amp; "quoted"';

/** A story whose title, source and themes all come from a hostile feed, with a javascript: link. */
export function hostileStoryAlert(overrides: Partial<StoryAlert> = {}): StoryAlert {
  const base = sampleStoryAlert();
  return sampleStoryAlert({
    story: { ...base.story, title: HOSTILE_TEXT, source: '<i>Evil</i> @everyone', url: 'javascript:alert(1)' },
    themes: [{ id: 'x', name: '# heading <@&1> [x](https://evil.example)', score: 1 }],
    ...overrides,
  });
}

/** A move alert whose catalyst has a 10,000-character title ending in emoji, and a notice of the same size. */
export function hugeMoveAlert(): MoveAlert {
  const title = 'Long headline with words and emoji 🤖👩‍👩‍👧‍👦 '.repeat(250).slice(0, 10_000);
  return sampleMoveAlert({
    catalysts: [1, 2, 3, 4].map((n) => sampleCatalyst({ postId: `p${n}`, title, url: `https://example.com/${'path/'.repeat(20)}${n}` })),
  });
}

export function hugeNoticeAlert(char = '🤖'): NoticeAlert {
  return sampleNoticeAlert({ title: char.repeat(5_000), text: `${char} & <b>`.repeat(2_000) });
}
