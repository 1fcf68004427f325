import { describe, expect, it } from 'vitest';
import { mentionedRoles, type MentionRule } from '../../../src/adapters/discord/mentions.ts';
import { buildFloodDigest } from '../../../src/domain/flood-digest.ts';
import { sampleMove, sampleMoveAlert, sampleNoticeAlert, sampleStoryAlert } from '../../fakes/sample-alerts.ts';

const TRADERS = '111111111111111111';
const AI = '222222222222222222';
const ALL_HIGH = '333333333333333333';
const RULES: MentionRule[] = [
  { role: TRADERS, minSeverity: 'high', tokens: ['TAO'], kinds: ['move'] },
  { role: AI, minSeverity: 'medium', tokens: ['RENDER', 'FET'] },
  { role: ALL_HIGH, minSeverity: 'high' },
];

describe('mentionedRoles', () => {
  it.each([
    { name: 'a high TAO move', alert: sampleMoveAlert(), roles: [TRADERS, ALL_HIGH] },
    { name: 'a medium TAO move', alert: sampleMoveAlert({ severity: 'medium' }), roles: [] },
    { name: 'a high FET move', alert: sampleMoveAlert({ move: sampleMove({ symbol: 'FET' }) }), roles: [AI, ALL_HIGH] },
    { name: 'a medium RENDER story', alert: sampleStoryAlert(), roles: [AI] },
    { name: 'a low RENDER story', alert: sampleStoryAlert({ severity: 'low' }), roles: [] },
    { name: 'a high TAO story (not a move)', alert: sampleStoryAlert({ severity: 'high', tokens: ['TAO'] }), roles: [ALL_HIGH] },
    { name: 'a low notice', alert: sampleNoticeAlert(), roles: [] },
  ])('GIVEN $name THEN $roles.length role(s)', ({ alert, roles }) => {
    expect(mentionedRoles(alert, RULES)).toEqual(roles);
  });

  it('GIVEN a digest THEN a rule matches when any alert it lists would', () => {
    const digest = buildFloodDigest({ id: 'x', destination: 'd', alerts: [sampleStoryAlert({ severity: 'low' }), sampleMoveAlert()], backlog: 2, threshold: 1, now: 0 });
    expect(mentionedRoles(digest, RULES)).toEqual([TRADERS, ALL_HIGH]);
  });

  it('GIVEN no rules, duplicate roles or a malformed id THEN no extra pings', () => {
    expect(mentionedRoles(sampleMoveAlert())).toEqual([]);
    expect(mentionedRoles(sampleMoveAlert(), [RULES[2]!, RULES[2]!, { role: '@everyone', minSeverity: 'low' }])).toEqual([ALL_HIGH]);
  });
});
