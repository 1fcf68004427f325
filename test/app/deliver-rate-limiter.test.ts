import { describe, expect, it } from 'vitest';
import { createRateLimiter, type RateRule } from '../../src/app/rate-limiter.ts';
import { FixedClock } from '../fakes/clock.ts';

const T0 = Date.UTC(2025, 3, 10, 12);
const DISCORD_CHANNEL: RateRule = { scope: 'discord:channel:1', limit: 5, windowMs: 5_000 };

/** Send as fast as the limiter allows, jumping the clock to each slot; the send times. */
function drain(count: number, rules: RateRule[], cost = 1): number[] {
  const clock = new FixedClock(T0);
  const limiter = createRateLimiter(clock);
  limiter.setRules('d', rules);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    clock.set(limiter.nextSendAt('d', cost));
    limiter.recordSend('d', cost);
    times.push(clock.now() - T0);
  }
  return times;
}

/** The most sends in any window of `windowMs` (half-open, as the platforms count). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= windowMs) i++;
    max = Math.max(max, j - i + 1);
  }
  return max;
}

describe('createRateLimiter', () => {
  it.each([
    { name: 'Discord channel 5 per 5 s', rules: [DISCORD_CHANNEL], expected: [0, 0, 0, 0, 0, 5000, 5000, 5000, 5000, 5000, 10000] },
    { name: 'Telegram chat 1 per s', rules: [{ scope: 'c', limit: 1, windowMs: 1000 }], expected: [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000] },
    {
      name: 'Telegram group: 1/s and 20/min together',
      rules: [
        { scope: 'c', limit: 1, windowMs: 1000 },
        { scope: 'c', limit: 20, windowMs: 60_000 },
      ],
      expected: [...Array.from({ length: 20 }, (_, i) => i * 1000), 60_000],
    },
  ])('GIVEN $name THEN sends go out exactly at the earliest allowed times', ({ rules, expected }) => {
    expect(drain(expected.length, rules)).toEqual(expected);
  });

  it.each([
    { rules: [DISCORD_CHANNEL], window: 5_000, limit: 5 },
    { rules: [{ scope: 'g', limit: 20, windowMs: 60_000 }], window: 60_000, limit: 20 },
    { rules: [{ scope: 'b', limit: 30, windowMs: 1_000 }], window: 1_000, limit: 30 },
  ])('GIVEN $limit per $window ms THEN no window of 1,000 sends ever holds more', ({ rules, window, limit }) => {
    expect(maxInWindow(drain(1000, rules), window)).toBe(limit);
  });

  it('GIVEN a shared scope THEN two destinations together stay within it', () => {
    const clock = new FixedClock(T0);
    const limiter = createRateLimiter(clock);
    const bot: RateRule = { scope: 'telegram:bot:x', limit: 30, windowMs: 1000 };
    limiter.setRules('a', [{ scope: 'a', limit: 100, windowMs: 1000 }, bot]);
    limiter.setRules('b', [{ scope: 'b', limit: 100, windowMs: 1000 }, bot]);
    for (let i = 0; i < 30; i++) limiter.recordSend(i % 2 === 0 ? 'a' : 'b');
    expect(limiter.nextSendAt('a')).toBe(T0 + 1000);
    expect(limiter.nextSendAt('b')).toBe(T0 + 1000);
  });

  it('GIVEN a pause (a 429) THEN nothing before it ends, even with room in every window', () => {
    const clock = new FixedClock(T0);
    const limiter = createRateLimiter(clock);
    limiter.setRules('d', [DISCORD_CHANNEL]);
    limiter.pause('d', T0 + 7_000);
    limiter.pause('d', T0 + 3_000); // a shorter pause never shortens a longer one
    expect(limiter.nextSendAt('d')).toBe(T0 + 7_000);
    clock.advance(7_000);
    expect(limiter.nextSendAt('d')).toBe(T0 + 7_000);
  });

  it('GIVEN a paused scope (a bot-wide 429) THEN every destination under it waits; others do not', () => {
    const clock = new FixedClock(T0);
    const limiter = createRateLimiter(clock);
    const bot: RateRule = { scope: 'discord:bot:x', limit: 50, windowMs: 1000 };
    limiter.setRules('a', [{ scope: 'discord:channel:a', limit: 5, windowMs: 5000 }, bot]);
    limiter.setRules('b', [{ scope: 'discord:channel:b', limit: 5, windowMs: 5000 }, bot]);
    limiter.setRules('c', [{ scope: 'discord:channel:c', limit: 5, windowMs: 5000 }]);
    limiter.pauseScope('discord:bot:x', T0 + 4_000);
    limiter.pauseScope('discord:bot:x', T0 + 1_000); // a shorter pause never shortens a longer one
    expect(['a', 'b', 'c'].map((d) => limiter.nextSendAt(d) - T0)).toEqual([4_000, 4_000, 0]);
  });

  it('GIVEN a send costing two messages THEN it needs room for both', () => {
    expect(drain(3, [{ scope: 'g', limit: 3, windowMs: 60_000 }], 2)).toEqual([0, 60_000, 120_000]);
  });

  it('GIVEN a cost above the limit THEN it is paced as a full window instead of never', () => {
    expect(drain(2, [{ scope: 'c', limit: 1, windowMs: 1000 }], 3)).toEqual([0, 1000]);
  });

  it('GIVEN a destination without rules THEN it is never held', () => {
    const clock = new FixedClock(T0);
    const limiter = createRateLimiter(clock);
    for (let i = 0; i < 100; i++) limiter.recordSend('console');
    expect(limiter.nextSendAt('console')).toBe(T0);
  });

  it('GIVEN rules replaced THEN the new limits apply at once', () => {
    const clock = new FixedClock(T0);
    const limiter = createRateLimiter(clock);
    limiter.setRules('d', [{ scope: 'x', limit: 1, windowMs: 1000 }]);
    limiter.recordSend('d');
    expect(limiter.nextSendAt('d')).toBe(T0 + 1000);
    limiter.setRules('d', [{ scope: 'x', limit: 2, windowMs: 1000 }]);
    expect(limiter.nextSendAt('d')).toBe(T0);
  });
});

describe('createRateLimiter in-flight sends', () => {
  it('GIVEN a send still in flight THEN it counts until it ends, and then from its end', () => {
    const clock = new FixedClock(T0);
    const limiter = createRateLimiter(clock);
    limiter.setRules('d', [{ scope: 's', limit: 1, windowMs: 1000 }]);
    const end = limiter.beginSend('d');
    clock.advance(5_000);
    // Started long ago but not ended: it may arrive at any moment, so it still counts.
    expect(limiter.nextSendAt('d')).toBeGreaterThan(T0 + 5_000);
    end();
    expect(limiter.nextSendAt('d')).toBe(T0 + 6_000);
    clock.advance(1_000);
    expect(limiter.nextSendAt('d')).toBe(T0 + 6_000);
  });

  it('GIVEN an end reported twice THEN it is counted once', () => {
    const clock = new FixedClock(T0);
    const limiter = createRateLimiter(clock);
    limiter.setRules('d', [{ scope: 's', limit: 2, windowMs: 1000 }]);
    const end = limiter.beginSend('d');
    end();
    end();
    expect(limiter.nextSendAt('d')).toBe(T0);
  });
});
