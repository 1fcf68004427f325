import { describe, expect, it } from 'vitest';
import { slopeMBPerMin, summarizeSoak, tallyDestination, type DestinationLedger } from '../../bench/soak-report.ts';

const ledger = (over: Partial<DestinationLedger>): DestinationLedger => ({ queued: [], pending: [], arrivals: [], digests: new Map(), unidentified: 0, ...over });

describe('tallyDestination', () => {
  it('GIVEN every queued alert arrived once THEN none is lost or duplicated', () => {
    expect(tallyDestination(ledger({ queued: [1, 2, 3], arrivals: [3, 1, 2] }))).toEqual({
      produced: 3,
      delivered: 3,
      pending: 0,
      lost: 0,
      duplicates: 0,
      viaDigest: 0,
      unidentified: 0,
      lostIds: [],
    });
  });

  it('GIVEN an alert neither arrived nor pending THEN it is lost, by id', () => {
    const t = tallyDestination(ledger({ queued: [1, 2, 3, 4], arrivals: [1], pending: [2] }));
    expect(t).toMatchObject({ delivered: 1, pending: 1, lost: 2, lostIds: [3, 4] });
  });

  it('GIVEN a digest arrived THEN each alert it stands for is delivered, and the digest itself is not an alert', () => {
    const digests = new Map([[10, [2, 3, 4]]]);
    const t = tallyDestination(ledger({ queued: [1, 2, 3, 4], arrivals: [1, 10], digests }));
    expect(t).toMatchObject({ produced: 4, delivered: 4, lost: 0, duplicates: 0, viaDigest: 3, unidentified: 0 });
  });

  it('GIVEN a digest still pending after the drain THEN its members are pending, not lost', () => {
    const digests = new Map([[10, [2, 3]]]);
    const t = tallyDestination(ledger({ queued: [1, 2, 3], arrivals: [1], pending: [10], digests }));
    expect(t).toMatchObject({ delivered: 1, pending: 2, lost: 0 });
  });

  it('GIVEN an alert that arrived twice, and once more inside a digest THEN it counts two duplicates', () => {
    const digests = new Map([[10, [1, 2]]]);
    const t = tallyDestination(ledger({ queued: [1, 2], arrivals: [1, 1, 10], digests }));
    expect(t).toMatchObject({ delivered: 2, duplicates: 2, lost: 0 });
  });

  it('GIVEN an arrival of an id never queued THEN it is unidentified, not a delivery', () => {
    const t = tallyDestination(ledger({ queued: [1], arrivals: [99], unidentified: 1 }));
    expect(t).toMatchObject({ delivered: 0, lost: 1, unidentified: 2 });
  });

  it('GIVEN more than 20 lost alerts THEN lostIds lists the first 20 and lost counts all', () => {
    const queued = Array.from({ length: 30 }, (_, i) => i + 1);
    const t = tallyDestination(ledger({ queued }));
    expect(t.lost).toBe(30);
    expect(t.lostIds).toEqual(queued.slice(0, 20));
  });
});

describe('slopeMBPerMin', () => {
  it.each([
    { name: 'flat', samples: [0, 1, 2, 3].map((m) => ({ tMs: m * 60_000, mb: 150 })), warmupMs: 0, slope: 0 },
    { name: 'growing 2 MB/min', samples: [0, 1, 2, 3].map((m) => ({ tMs: m * 60_000, mb: 100 + 2 * m })), warmupMs: 0, slope: 2 },
    {
      name: 'a warm-up jump is ignored',
      samples: [
        { tMs: 0, mb: 80 },
        { tMs: 30_000, mb: 300 },
        { tMs: 60_000, mb: 180 },
        { tMs: 120_000, mb: 180 },
        { tMs: 180_000, mb: 180 },
      ],
      warmupMs: 60_000,
      slope: 0,
    },
  ])('GIVEN $name samples THEN the fitted slope is $slope', ({ samples, warmupMs, slope }) => {
    expect(slopeMBPerMin(samples, warmupMs)).toBeCloseTo(slope, 6);
  });

  it('GIVEN fewer than two samples after the warm-up THEN there is no slope', () => {
    expect(slopeMBPerMin([{ tMs: 0, mb: 1 }, { tMs: 10_000, mb: 2 }], 5_000)).toBeNaN();
  });

  it('GIVEN noisy samples THEN it is the least-squares fit, not end minus start', () => {
    // y = 10, 14, 12, 16 at x = 0..3 minutes: slope 1.6, while (end − start) / 3 would be 2.
    const samples = [10, 14, 12, 16].map((mb, m) => ({ tMs: m * 60_000, mb }));
    expect(slopeMBPerMin(samples, 0)).toBeCloseTo(1.6, 6);
  });
});

describe('summarizeSoak', () => {
  const samples = [0, 1, 2, 3].map((m) => ({ tMs: m * 60_000, mb: 150 + m }));

  it('GIVEN no loss and RSS under 200 MB THEN it is within target, with figures per destination', () => {
    const s = summarizeSoak({
      minutes: 3,
      samples,
      warmupMs: 0,
      alertsProduced: 2,
      destinations: { discord: ledger({ queued: [1, 2], arrivals: [1, 2] }), telegram: ledger({ queued: [1, 2], arrivals: [1, 2, 2] }) },
    });
    expect(s).toMatchObject({
      rssStartMB: 150,
      rssMaxMB: 153,
      rssEndMB: 153,
      rssPeakMB: 153,
      slopeMBPerMin: 1,
      alertsDelivered: { discord: 2, telegram: 2 },
      lost: 0,
      duplicates: 1,
      withinTarget: true,
    });
  });

  it.each([
    { name: 'one alert lost', arrivals: [1], rss: 150 },
    { name: 'RSS above 200 MB', arrivals: [1, 2], rss: 201 },
    { name: 'a peak above 200 MB between samples', arrivals: [1, 2], rss: 150, peak: 230 },
  ])('GIVEN $name THEN it is not within target', ({ arrivals, rss, peak }) => {
    const s = summarizeSoak({
      minutes: 1,
      samples: [{ tMs: 0, mb: rss }],
      rssPeakMB: peak,
      warmupMs: 0,
      alertsProduced: 2,
      destinations: { discord: ledger({ queued: [1, 2], arrivals }) },
    });
    expect(s.withinTarget).toBe(false);
    expect(s.slopeMBPerMin).toBeNull();
  });
});
