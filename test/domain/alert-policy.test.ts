import { describe, expect, it } from 'vitest';
import { decideMove, decideStory, strongestMove, type MovePolicy, type StoryPolicy } from '../../src/domain/alert-policy.ts';
import type { AnalyzedPost } from '../../src/domain/correlation.ts';
import type { Move } from '../../src/domain/moves.ts';
import { routeAlert } from '../../src/domain/routing.ts';
import type { NoticeAlert } from '../../src/domain/alert.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const MIN = 60_000;
const move = (r: number, windowMinutes = 1440, z = 3): Move => ({
  symbol: 'TAO', windowMinutes, direction: r >= 0 ? 'up' : 'down', startedAt: NOW - 5 * 60 * MIN, endedAt: NOW,
  fromPrice: 100, toPrice: 100 * (1 + r), return: r, z, reasons: ['|return| ≥ 15%'],
});
const movePolicy: MovePolicy = { cooldownMinutes: 240, escalationFactor: 1.5, rearmFraction: 0.5, mutedTokens: [] };
const prior = (minutesAgo: number, r: number, windowMinutes = 1440) => ({ at: NOW - minutesAgo * MIN, windowMinutes, return: r });

describe('decideMove', () => {
  it.each([
    ['no prior alert', { rearmed: true }, { send: true, severity: 'medium' }],
    ['prior alert inside cooldown', { last: prior(60, 0.2), sameWindow: prior(60, 0.2), rearmed: false }, { send: false, reason: 'cooldown' }],
    ['prior alert after cooldown, move fell back since', { last: prior(300, 0.2), sameWindow: prior(300, 0.2), rearmed: true }, { send: true }],
    ['prior alert after cooldown, still the same trend', { last: prior(300, 0.2), sameWindow: prior(300, 0.2), rearmed: false }, { send: false, reason: 'not-rearmed' }],
    ['escalation over the same window inside cooldown', { last: prior(60, 0.1), sameWindow: prior(60, 0.1), rearmed: false }, { send: true, escalation: true }],
    ['a bigger number over another window inside cooldown', { last: prior(60, 0.06, 60), rearmed: true }, { send: false, reason: 'cooldown' }],
    ['another window after cooldown', { last: prior(300, 0.06, 60), rearmed: true }, { send: true, escalation: false }],
  ])('GIVEN %s', (_case, history, expected) => {
    expect(decideMove(move(0.22), 0.15, history, movePolicy, NOW)).toMatchObject(expected);
  });

  it('GIVEN a muted token THEN skips with the reason', () => {
    expect(decideMove(move(0.5), 0.15, { rearmed: true }, { ...movePolicy, mutedTokens: ['TAO'] }, NOW)).toMatchObject({ send: false, reason: 'muted' });
  });

  it('GIVEN twice the threshold THEN high severity', () => {
    expect(decideMove(move(0.31, 1440, 1), 0.15, { rearmed: true }, movePolicy, NOW)).toMatchObject({ send: true, severity: 'high' });
  });

  it('strongestMove prefers the most unusual window', () => {
    const moves = [move(0.06, 60, 1), move(0.25, 1440, 4.1)];
    expect(strongestMove(moves, new Map([[60, 0.05], [1440, 0.15]]))?.windowMinutes).toBe(1440);
  });
});

const storyPolicy: StoryPolicy = { minThemeScore: 2, alertOnTokenWithTheme: true, maxAgeHours: 48, mutedThemes: [] };
const post = (over: Partial<AnalyzedPost>): AnalyzedPost => ({
  id: 'p', url: 'https://x', title: 't', source: 's', sourceWeight: 1, publishedAt: NOW - 60 * MIN, storyId: 's1',
  storyLanguages: ['en'], storySources: 1, themes: [{ id: 'zkml', name: 'zkML', score: 3 }], tokens: [], sentiment: { score: 0, label: 'neutral' }, ...over,
});

describe('decideStory', () => {
  it.each([
    ['a strong theme', post({}), false, { send: true, severity: 'medium' }],
    ['a story already told', post({}), true, { send: false, reason: 'duplicate-story' }],
    ['a weak theme alone', post({ themes: [{ id: 'zkml', name: 'zkML', score: 1 }] }), false, { send: false, reason: 'below-threshold' }],
    ['a weak theme with a token', post({ themes: [{ id: 'zkml', name: 'zkML', score: 1 }], tokens: [{ symbol: 'TAO', score: 1 }] }), false, { send: true, severity: 'low' }],
    ['no theme', post({ themes: [] }), false, { send: false, reason: 'below-threshold' }],
    ['an old post (first poll)', post({ publishedAt: NOW - 72 * 60 * MIN }), false, { send: false, reason: 'too-old' }],
  ])('GIVEN %s', (_case, p, alerted, expected) => {
    expect(decideStory(p, alerted, storyPolicy, NOW)).toMatchObject(expected);
  });

  it('GIVEN a muted theme THEN skips as muted', () => {
    expect(decideStory(post({}), false, { ...storyPolicy, mutedThemes: ['zkml'] }, NOW)).toMatchObject({ send: false, reason: 'muted' });
  });
});

describe('routeAlert', () => {
  const notice: NoticeAlert = { kind: 'notice', key: 'n', createdAt: NOW, severity: 'low', reason: 'r', title: 't', text: 'x' };
  it('routes by kind and severity; notices ignore severity', () => {
    const rules = [
      { id: 'all', minSeverity: 'low' as const },
      { id: 'moves-only', kinds: ['move' as const], minSeverity: 'low' as const },
      { id: 'high-only', minSeverity: 'high' as const },
    ];
    expect(routeAlert(notice, rules)).toEqual(['all', 'high-only']);
  });
});
