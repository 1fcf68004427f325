import { describe, expect, it } from 'vitest';
import { createSliceMemo, createSliceTable, hashSlice, rememberSlice, type SliceTable } from '../../src/domain/slice-table.ts';

/** The value of text[start, end) in a table, compared unit by unit as the tagger and sentiment do. */
function lookup<V>(table: SliceTable<V>, text: string, start: number, end: number): V | undefined {
  for (let slot = hashSlice(text, start, end) & table.mask; ; slot = (slot + 1) & table.mask) {
    const k = table.slots[slot]! - 1;
    if (k < 0) return undefined;
    if (table.keys[k] === text.slice(start, end)) return table.values[k];
  }
}

describe('createSliceTable', () => {
  it('GIVEN keys THEN finds each by a slice of a text, and no other slice', () => {
    const table = createSliceTable([['rally', 1], ['surge', 2], ['ai', 3]]);
    const text = 'an ai rally, then a surge';
    expect([lookup(table, text, 3, 5), lookup(table, text, 6, 11), lookup(table, text, 20, 25), lookup(table, text, 0, 2)]).toEqual([3, 1, 2, undefined]);
  });
});

describe('createSliceMemo', () => {
  it('GIVEN more keys than its first slots hold THEN grows and still finds every key', () => {
    const memo = createSliceMemo<number>(10_000);
    const words = Array.from({ length: 1000 }, (_, i) => `word${i}`);
    words.forEach((word, i) => rememberSlice(memo, word, i));
    const text = words.join(' ');
    let at = 0;
    const found = words.map((word) => {
      const value = lookup(memo, text, at, at + word.length);
      at += word.length + 1;
      return value;
    });
    expect(found).toEqual(words.map((_, i) => i));
    expect(memo.slots.length).toBeGreaterThanOrEqual(3 * words.length);
  });

  it('GIVEN a full memo THEN keeps the keys it has and ignores new ones', () => {
    const memo = createSliceMemo<string>(2);
    rememberSlice(memo, 'ai', 'first');
    rememberSlice(memo, 'gpu', 'second');
    rememberSlice(memo, 'tao', 'third');
    expect({ keys: memo.keys, ai: lookup(memo, 'ai', 0, 2), tao: lookup(memo, 'tao', 0, 3) }).toEqual({ keys: ['ai', 'gpu'], ai: 'first', tao: undefined });
  });
});
