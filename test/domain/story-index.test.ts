import { describe, expect, it } from 'vitest';
import { mayJoin, SHARES_EVENT, SHARES_IDENTITY, storyKeys } from '../../src/domain/story-index.ts';
import { matchStory, NAMES_WITHOUT_EVENT } from '../../src/domain/stories.ts';

describe('storyKeys', () => {
  it('GIVEN features THEN evidence keys leave out tags, and events and identities are marked', () => {
    const keys = storyKeys(['quote:my techno optimism', 'name:vitalik', 'url:https://vitalik.eth.limo/a', 'token:tao', 'theme:dacc']);
    expect(keys.evidence.size).toBe(3);
    expect(keys.events.size).toBe(1);
    expect(keys.identities.size).toBe(1);
    expect([...keys.events].every((k) => keys.evidence.has(k))).toBe(true);
  });
});

describe('mayJoin', () => {
  it('GIVEN one shared quote and shared tags THEN the story may join, as matchStory lets it', () => {
    const story = { id: 'essay', features: ['quote:my techno optimism', 'token:tao', 'theme:dacc', 'theme:zkml', 'token:akt'], lastAt: 0 };
    const post = ['quote:my techno optimism', 'token:tao', 'theme:dacc', 'theme:zkml', 'name:lisboa'];
    expect(matchStory(post, 0, [story])?.storyId).toBe('essay');
    const [mine, theirs] = [storyKeys(post), storyKeys(story.features)];
    const shared = [...mine.evidence].filter((key) => theirs.evidence.has(key));
    const flags = shared.some((key) => mine.events.has(key) && theirs.events.has(key)) ? SHARES_EVENT : 0;
    expect(shared).toHaveLength(1);
    expect(mayJoin(shared.length, flags)).toBe(true);
  });

  it('GIVEN only names in common THEN it takes enough of them', () => {
    expect(mayJoin(NAMES_WITHOUT_EVENT - 1, 0)).toBe(false);
    expect(mayJoin(NAMES_WITHOUT_EVENT, 0)).toBe(true);
    expect(mayJoin(1, SHARES_IDENTITY)).toBe(true);
  });
});
