import { describe, expect, it } from 'vitest';
import { parseCommandText, splitArgs, type ParsedCommand } from '../../../src/app/commands/parse.ts';

describe('parseCommandText', () => {
  it.each<[string, string, ParsedCommand | undefined]>([
    ['price', 'TAO', { name: 'price', token: 'TAO' }],
    ['WHY', '$tao', { name: 'why', token: '$tao' }],
    ['why', '', { name: 'usage', command: 'why', problem: '/why needs one token, e.g. /why TAO' }],
    ['themes', 'ignored words', { name: 'themes' }],
    ['subscribe', '', { name: 'subscribe', changes: [] }],
    ['subscribe', 'TAO gpu-compute', { name: 'subscribe', changes: [{ set: 'topics', add: ['TAO', 'gpu-compute'] }] }],
    ['subscribe', 'severity HIGH', { name: 'subscribe', changes: [{ set: 'minSeverity', value: 'high' }] }],
    ['subscribe', 'stories silent', { name: 'subscribe', changes: [{ set: 'kind', kind: 'story', mode: 'silent' }] }],
    ['subscribe', 'digest 9:00', { name: 'subscribe', changes: [{ set: 'digestAt', value: '09:00' }] }],
    ['subscribe', 'digest off', { name: 'subscribe', changes: [{ set: 'kind', kind: 'digest', mode: 'off' }, { set: 'digestAt', value: null }] }],
    ['subscribe', 'tz Europe/Berlin', { name: 'subscribe', changes: [{ set: 'timeZone', value: 'Europe/Berlin' }] }],
    ['subscribe', 'language', { name: 'usage', command: 'subscribe', problem: 'language needs a language code such as en or pt' }],
    ['unsubscribe', 'all', { name: 'unsubscribe', topics: ['all'] }],
    ['alerts', '', { name: 'alerts', action: { op: 'show' } }],
    ['alerts', 'set cooldown 2h', { name: 'alerts', action: { op: 'set', setting: 'cooldown', value: '2h' } }],
    ['alerts', 'set threshold 24h 12%', { name: 'alerts', action: { op: 'set', setting: 'threshold:24h', value: '12%' } }],
    ['alerts', 'set cooldown', { name: 'usage', command: 'alerts', problem: 'set needs a setting and a value, e.g. /alerts set cooldown 4h' }],
    ['alerts', 'mute WLD', { name: 'alerts', action: { op: 'mute', target: 'WLD' } }],
    ['alerts', 'quiet 22:00-07:00', { name: 'alerts', action: { op: 'quiet', range: '22:00-07:00' } }],
    ['alerts', 'explode', { name: 'usage', command: 'alerts', problem: 'unknown action "explode"' }],
    ['feeds', '', { name: 'feeds', action: { op: 'list' } }],
    ['feeds', 'add https://blog.example.com/feed.xml my-blog "My Blog"', { name: 'feeds', action: { op: 'add', url: 'https://blog.example.com/feed.xml', id: 'my-blog', name: 'My Blog' } }],
    ['feeds', 'disable coindesk', { name: 'feeds', action: { op: 'disable', id: 'coindesk' } }],
    ['weather', 'Berlin', undefined],
  ])('GIVEN /%s %s THEN it parses to the expected command', (name, payload, expected) => {
    expect(parseCommandText(name, payload)).toEqual(expected);
  });

  it('GIVEN quoted phrases THEN they stay one argument', () => {
    expect(splitArgs('add  "GPU compute"  TAO')).toEqual(['add', 'GPU compute', 'TAO']);
  });
});
