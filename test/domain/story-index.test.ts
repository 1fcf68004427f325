import { describe, expect, it } from 'vitest';
import { createStoryIndex } from '../../src/domain/story-index.ts';
import { matchStory, type StoryCandidate } from '../../src/domain/stories.ts';

const H = 3_600_000;
const KINDS = ['url', 'link', 'title', 'quote', 'pct', 'amt', 'num', 'year', 'brand', 'name', 'xname', 'kname', 'subj', 'token', 'theme'];

describe('createStoryIndex', () => {
  it('GIVEN posts clustered one by one THEN the index picks exactly what matchStory picks over every story', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const feature = () => `${KINDS[Math.floor(random() * KINDS.length)]}:v${Math.floor(random() * 40)}`;
    const stories: StoryCandidate[] = [];
    const index = createStoryIndex();
    let joined = 0;
    for (let i = 0; i < 600; i++) {
      const features = [...new Set(Array.from({ length: 2 + Math.floor(random() * 14) }, feature))];
      const at = Math.floor(random() * 200) * H;
      const expected = matchStory(features, at, stories);
      expect(index.match(features, at)).toEqual(expected);
      const story = expected ? stories.find((s) => s.id === expected.storyId)! : undefined;
      const next = story
        ? { id: story.id, features: [...new Set([...story.features, ...features])].slice(0, 200), lastAt: Math.max(story.lastAt, at) }
        : { id: `s${i}`, features, lastAt: at };
      if (story) {
        joined++;
        stories[stories.indexOf(story)] = next;
      } else stories.push(next);
      index.put(next);
    }
    expect(joined).toBeGreaterThan(20); // the check means something only if posts do join
  });

  it('GIVEN a post sharing one quote and its tags with a story THEN the index offers that story as matchStory would', () => {
    const story = { id: 'essay', features: ['quote:my techno optimism', 'token:tao', 'theme:dacc', 'theme:zkml', 'token:akt'], lastAt: 0 };
    const post = ['quote:my techno optimism', 'token:tao', 'theme:dacc', 'theme:zkml', 'name:lisboa'];
    const expected = matchStory(post, H, [story]);
    expect(expected?.storyId).toBe('essay');
    expect(createStoryIndex([story]).match(post, H)).toEqual(expected);
  });

  it('GIVEN stories older than the cut-off THEN prune forgets them', () => {
    const post = ['pct:25', 'name:btrn', 'amt:20000000'];
    const index = createStoryIndex([
      { id: 'old', features: post, lastAt: 0 },
      { id: 'new', features: post, lastAt: 10 * H },
    ]);
    expect(index.match(post, 5 * H)?.storyId).toBe('old'); // a tie goes to the story indexed first
    index.prune(5 * H);
    expect(index.size).toBe(1);
    expect(index.match(post, 5 * H)?.storyId).toBe('new');
  });
});
