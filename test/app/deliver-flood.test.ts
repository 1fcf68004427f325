import { describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/app/deliver.ts';
import { queueAlert } from '../../src/app/runtime.ts';
import { viewAlert, type DigestAlert, type NoticeAlert } from '../../src/domain/alert.ts';
import { buildFloodDigest, canCoalesce, FLOOD_DIGEST_KEY_PREFIX } from '../../src/domain/flood-digest.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';
import { testRuntime } from '../fakes/runtime.ts';
import { SAMPLE_NOW, sampleMove, sampleMoveAlert, sampleNoticeAlert, sampleStoryAlert } from '../fakes/sample-alerts.ts';

const NOW = SAMPLE_NOW;
const story = (n: number) =>
  sampleStoryAlert({
    key: `story:${n}`,
    createdAt: NOW - (100 - n) * 60_000,
    severity: n === 7 ? 'high' : 'low',
    story: { ...sampleStoryAlert().story, id: `s${n}`, title: `Story number ${n}`, url: `https://news.example/${n}` },
  });
const notice = (key: string): NoticeAlert => sampleNoticeAlert({ key, createdAt: NOW });

describe('buildFloodDigest', () => {
  it('GIVEN moves and stories THEN one digest, oldest first, with the highest severity and a chart of the moves', () => {
    const digest = buildFloodDigest({
      id: '1-3:3',
      destination: 'tg',
      alerts: [story(2), sampleMoveAlert({ key: 'm', createdAt: NOW - 200 * 60_000, severity: 'medium', move: sampleMove({ symbol: 'FET', return: -0.1, direction: 'down' }) }), story(1)],
      backlog: 30,
      threshold: 20,
      now: NOW,
    });
    expect(digest).toMatchObject({
      kind: 'digest',
      key: `${FLOOD_DIGEST_KEY_PREFIX}tg:1-3:3`,
      severity: 'medium',
      destination: 'tg',
      reason: 'flood control: 30 alerts were waiting for tg (more than 20)',
      chart: { type: 'bars', bars: [{ label: 'FET 24h', value: -10 }] },
    });
    expect(digest.items.map((i) => [i.kind, i.title, i.url, i.tokens])).toEqual([
      ['move', 'FET −10.0% in 24h, abnormal +21.0% vs BTC (z 4.1)', 'https://decrypt.co/2025/03/14/bittensor-subnet-launch', ['FET']],
      ['story', 'Story number 1', 'https://news.example/1', ['RENDER', 'AKT']],
      ['story', 'Story number 2', 'https://news.example/2', ['RENDER', 'AKT']],
    ]);
  });

  it('GIVEN stories only THEN no chart', () => {
    expect(buildFloodDigest({ id: 'x', destination: 'd', alerts: [story(1), story(2)], backlog: 2, threshold: 1, now: NOW }).chart).toBeUndefined();
  });

  it.each([
    { alert: sampleMoveAlert(), expected: true },
    { alert: sampleStoryAlert(), expected: true },
    { alert: sampleNoticeAlert(), expected: false },
  ])('GIVEN a $alert.kind THEN coalescible is $expected', ({ alert, expected }) => {
    expect(canCoalesce(alert)).toBe(expected);
  });

  it('GIVEN a digest THEN its view lists every alert as a link and counts them by kind', () => {
    const view = viewAlert(buildFloodDigest({ id: 'x', destination: 'd', alerts: [story(1), story(2), sampleMoveAlert()], backlog: 3, threshold: 2, now: NOW }));
    expect(view).toMatchObject({
      kind: 'digest',
      severity: 'high',
      title: expect.stringMatching(/^Catch-up digest: 3 alerts over \d+h$/),
      fields: [
        { name: 'Alerts', value: '1 move, 2 stories' },
        { name: 'Tokens', value: 'RENDER, AKT, TAO' },
      ],
      createdAt: NOW,
    });
    expect(view.links).toHaveLength(3);
  });
});

describe('deliverDue flood control', () => {
  it('GIVEN a backlog of 100 over a threshold of 20 THEN one digest stands for all of them and nothing is lost', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'tg', minSeverity: 'low' }] });
    const sink = new RecordingSink('tg');
    for (let n = 0; n < 100; n++) queueAlert(rt, story(n));
    const result = await deliverDue(rt, { sinks: new Map([['tg', sink]]) });

    expect(result).toMatchObject({ coalesced: 100, sent: 1, failed: 0 });
    expect(sink.sent).toHaveLength(1);
    const digest = sink.sent[0]!.alert as DigestAlert;
    expect(digest.kind).toBe('digest');
    expect(digest.items.map((i) => i.key)).toEqual(Array.from({ length: 100 }, (_, n) => `story:${n}`));
    expect(digest.severity).toBe('high');
    expect(rt.store.deliveryCounts()).toEqual({ pending: 0, sent: 101, dead: 0 });
    expect(rt.store.destinationStates()).toEqual([expect.objectContaining({ destination: 'tg', sent: 101, viaDigest: 100, pending: 0 })]);
    expect(rt.log.records.some((r) => r.level === 'warn' && r.msg?.includes('coalesced into one digest'))).toBe(true);
  });

  it('GIVEN a backlog of 1,200 THEN digests of at most 500, nothing left to go one by one', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'tg', minSeverity: 'low' }] });
    const sink = new RecordingSink('tg');
    for (let n = 0; n < 1200; n++) queueAlert(rt, story(n));
    const result = await deliverDue(rt, { sinks: new Map([['tg', sink]]) });
    expect(result).toMatchObject({ coalesced: 1200, sent: 3 });
    expect(sink.sent.map((s) => (s.alert as DigestAlert).items.length)).toEqual([500, 500, 200]);
    expect(sink.sent.flatMap((s) => (s.alert as DigestAlert).items.map((i) => i.key))).toEqual(Array.from({ length: 1200 }, (_, n) => `story:${n}`));
  });

  it('GIVEN a backlog at the threshold THEN alerts go one by one', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'tg', minSeverity: 'low' }], edit: (c) => (c.alerts.delivery.digestAfter = 5) });
    const sink = new RecordingSink('tg');
    for (let n = 0; n < 5; n++) queueAlert(rt, story(n));
    await deliverDue(rt, { sinks: new Map([['tg', sink]]) });
    expect(sink.sent.map((s) => s.alert.kind)).toEqual(['story', 'story', 'story', 'story', 'story']);
  });

  it('GIVEN flood control off THEN a backlog goes one by one', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'tg', minSeverity: 'low' }], edit: (c) => (c.alerts.delivery.digestAfter = 0) });
    const sink = new RecordingSink('tg');
    for (let n = 0; n < 30; n++) queueAlert(rt, story(n));
    await deliverDue(rt, { sinks: new Map([['tg', sink]]) });
    expect(sink.sent).toHaveLength(30);
  });

  it('GIVEN admin notices in the backlog THEN they stay individual messages', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'tg', minSeverity: 'low' }], edit: (c) => (c.alerts.delivery.digestAfter = 3) });
    const sink = new RecordingSink('tg');
    for (let n = 0; n < 5; n++) queueAlert(rt, story(n));
    queueAlert(rt, notice('admin-1'));
    await deliverDue(rt, { sinks: new Map([['tg', sink]]) });
    expect(sink.sent.map((s) => s.alert.kind).sort()).toEqual(['digest', 'notice']);
  });

  it('GIVEN one destination flooded THEN the other still gets its alerts one by one', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'a', minSeverity: 'low' }], edit: (c) => (c.alerts.delivery.digestAfter = 3) });
    for (let n = 0; n < 5; n++) queueAlert(rt, story(n));
    rt.destinations.push({ id: 'b', minSeverity: 'low' });
    queueAlert(rt, story(50));
    const a = new RecordingSink('a');
    const b = new RecordingSink('b');
    await deliverDue(rt, { sinks: new Map([['a', a], ['b', b]]) });
    expect(a.sent.map((s) => s.alert.kind)).toEqual(['digest']);
    expect(b.sent.map((s) => s.alert.key)).toEqual(['story:50']);
  });

  it('GIVEN a deactivated or unwired destination THEN its backlog is not coalesced yet', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'gone', minSeverity: 'low' }, { id: 'unwired', minSeverity: 'low' }], edit: (c) => (c.alerts.delivery.digestAfter = 3) });
    for (let n = 0; n < 5; n++) queueAlert(rt, story(n));
    rt.store.deactivateDestination('gone', 'test', NOW);
    const result = await deliverDue(rt, { sinks: new Map([['gone', new RecordingSink('gone')]]) });
    expect(result.coalesced).toBe(0);
    expect(rt.store.deliveryCounts().pending).toBe(10);
  });

  it('GIVEN the same coalescing replayed THEN it is refused and nothing changes', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'tg', minSeverity: 'low' }] });
    for (let n = 0; n < 3; n++) queueAlert(rt, story(n));
    const pending = rt.store.pendingDeliveriesFor('tg', 10);
    const digest = buildFloodDigest({ id: 'same', destination: 'tg', alerts: pending.map((d) => d.alert).filter(canCoalesce), backlog: 3, threshold: 2, now: NOW });
    expect(rt.store.coalesceDeliveries('tg', pending.map((d) => d.id), digest, NOW)).toBe(true);
    expect(rt.store.coalesceDeliveries('tg', pending.map((d) => d.id), digest, NOW)).toBe(false);
    const other = { ...digest, key: `${digest.key}-2` };
    // Already coalesced deliveries are not pending any more: the whole transaction rolls back.
    expect(rt.store.coalesceDeliveries('tg', pending.map((d) => d.id), other, NOW)).toBe(false);
    expect(rt.store.deliveryCounts()).toEqual({ pending: 1, sent: 3, dead: 0 });
  });
});
