import { describe, expect, it } from 'vitest';
import { inDailyRange, localTime } from '../../../src/app/commands/local-time.ts';
import { defaultSubscription, shouldDeliver, subscriptionSchema, type DeliverDecision, type Subscription } from '../../../src/app/commands/subscription.ts';
import type { Alert, DigestAlert } from '../../../src/domain/alert.ts';
import { SAMPLE_NOW, sampleMoveAlert, sampleNoticeAlert, sampleStoryAlert } from '../../fakes/sample-alerts.ts';

const HOUR = 3_600_000;
const sub = (overrides: Partial<Subscription> = {}): Subscription => subscriptionSchema.parse({ ...defaultSubscription('chat'), ...overrides });
const links = new Map([
  ['gpu-compute', ['RENDER', 'AKT', 'IO']],
  ['decentralized-inference', ['TAO']],
]);

const move = sampleMoveAlert(); // TAO, high
const lowMove = sampleMoveAlert({ severity: 'low', move: { ...sampleMoveAlert().move, symbol: 'WLD' } });
const story = sampleStoryAlert(); // themes compute + ai-agents, tokens RENDER + AKT, medium
const notice = sampleNoticeAlert();
const scheduledDigest = sampleNoticeAlert({ key: 'scheduled-digest:chat:2025-03-14', reason: 'scheduled digest' });
const flood = (items: DigestAlert['items']): DigestAlert => ({ kind: 'digest', key: 'flood:chat:1', createdAt: SAMPLE_NOW, severity: 'high', reason: 'flood control', destination: 'chat', items });
const item = (kind: 'move' | 'story', severity: 'low' | 'medium' | 'high', tokens: string[]) => ({ kind, severity, tokens, key: `${kind}:${tokens.join()}`, createdAt: SAMPLE_NOW, title: 't' });

describe('shouldDeliver', () => {
  it.each<[string, Alert, Subscription | undefined, DeliverDecision]>([
    ['no subscription', move, undefined, { deliver: true, silent: false }],
    ['the default subscription', story, sub(), { deliver: true, silent: false }],
    ['moves off', move, sub({ kinds: { move: 'off' } }), { deliver: false, reason: 'kind-off', detail: 'move alerts are off here' }],
    ['stories silent', story, sub({ kinds: { story: 'silent' } }), { deliver: true, silent: true, reason: 'kind-silent' }],
    ['minimum severity high, a medium story', story, sub({ minSeverity: 'high' }), { deliver: false, reason: 'below-severity', detail: 'medium is below high' }],
    ['minimum severity high, a low notice', notice, sub({ minSeverity: 'high' }), { deliver: true, silent: false }],
    ['a token subscription, a move of that token', move, sub({ tokens: ['TAO'] }), { deliver: true, silent: false }],
    ['a token subscription, a move of another token', lowMove, sub({ tokens: ['TAO'] }), { deliver: false, reason: 'not-subscribed', detail: 'not about TAO' }],
    ['a theme subscription, a move of a token the theme moves', move, sub({ themes: ['decentralized-inference'] }), { deliver: true, silent: false }],
    ['a theme subscription, a story of that theme', story, sub({ themes: ['compute'] }), { deliver: true, silent: false }],
    ['a theme subscription, a story naming one of its tokens', story, sub({ themes: ['gpu-compute'] }), { deliver: true, silent: false }],
    ['a token subscription, a story of other tokens', story, sub({ tokens: ['WLD'] }), { deliver: false, reason: 'not-subscribed', detail: 'not about WLD' }],
    ['a topic subscription, an admin notice', notice, sub({ tokens: ['WLD'] }), { deliver: true, silent: false }],
    ['scheduled digests off, a scheduled digest', scheduledDigest, sub({ kinds: { digest: 'off' } }), { deliver: false, reason: 'kind-off', detail: 'digest alerts are off here' }],
    ['notices off, a scheduled digest', scheduledDigest, sub({ kinds: { notice: 'off' } }), { deliver: true, silent: false }],
    ['a flood digest with one wanted item', flood([item('move', 'low', ['WLD']), item('move', 'high', ['TAO'])]), sub({ tokens: ['TAO'] }), { deliver: true, silent: false }],
    ['a flood digest with no wanted item', flood([item('move', 'low', ['WLD'])]), sub({ tokens: ['TAO'] }), { deliver: false, reason: 'not-subscribed', detail: 'not about TAO' }],
    ['a flood digest of silent kinds', flood([item('story', 'high', ['TAO'])]), sub({ kinds: { story: 'silent' } }), { deliver: true, silent: true, reason: 'kind-silent' }],
  ])('GIVEN %s THEN %j', (_name, alert, subscription, expected) => {
    expect(shouldDeliver(alert, subscription, SAMPLE_NOW, links)).toEqual(expected);
  });

  it('GIVEN quiet hours 22:00–07:00 in Tokyo THEN 21:00 JST is loud and 22:00 JST silent, never skipped', () => {
    const s = sub({ quietHours: { from: '22:00', to: '07:00' }, timeZone: 'Asia/Tokyo' });
    expect(shouldDeliver(move, s, SAMPLE_NOW)).toEqual({ deliver: true, silent: false }); // 12:00Z = 21:00 JST
    expect(shouldDeliver(move, s, SAMPLE_NOW + HOUR)).toEqual({ deliver: true, silent: true, reason: 'quiet-hours' });
    expect(shouldDeliver(move, s, SAMPLE_NOW + 10 * HOUR)).toEqual({ deliver: true, silent: false }); // 07:00 JST: over
  });

  it('GIVEN quiet hours and a kind that is off THEN off wins (skipped, not silent)', () => {
    const s = sub({ quietHours: { from: '00:00', to: '23:59' }, kinds: { move: 'off' } });
    expect(shouldDeliver(move, s, SAMPLE_NOW)).toMatchObject({ deliver: false, reason: 'kind-off' });
  });
});

describe('subscription schema', () => {
  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'unknown time zone'],
    [{ quietHours: { from: '22:00', to: '22:00' } }, 'different start and end'],
    [{ digestAt: '25:00' }, 'HH:MM'],
    [{ language: 'tlh' }, 'language'],
    [{ kinds: { move: 'loud' } }, 'kinds.move'],
  ])('GIVEN %j THEN it is refused with a message an admin can act on', (change, message) => {
    const result = subscriptionSchema.safeParse({ ...defaultSubscription('chat'), ...change });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message.split('.').pop());
  });
});

describe('local time', () => {
  it('GIVEN a DST change THEN local time follows the zone', () => {
    // 2025-03-30 01:00Z: Berlin switches from 02:00 CET to 03:00 CEST.
    expect(localTime(Date.UTC(2025, 2, 30, 0, 30), 'Europe/Berlin')).toEqual({ date: '2025-03-30', minutes: 90 });
    expect(localTime(Date.UTC(2025, 2, 30, 1, 30), 'Europe/Berlin')).toEqual({ date: '2025-03-30', minutes: 210 });
  });

  it.each([
    [23 * 60, '22:00', '07:00', true],
    [6 * 60, '22:00', '07:00', true],
    [7 * 60, '22:00', '07:00', false],
    [12 * 60, '09:00', '17:00', true],
    [17 * 60, '09:00', '17:00', false],
  ])('GIVEN minute %i and range %s–%s THEN inside is %s', (minutes, from, to, inside) => {
    expect(inDailyRange(minutes, from, to)).toBe(inside);
  });
});
