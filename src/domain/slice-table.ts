/**
 * String-keyed tables looked up by a slice of a text (open addressing on an
 * FNV-1a hash), shared by the tagger and sentiment: the words of a post need
 * no string of their own to be looked up.
 */
export interface SliceTable<V> {
  keys: string[];
  values: V[];
  /** Index into keys + 1, or 0 for an empty slot. */
  slots: Int32Array;
  mask: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/** FNV-1a of text[start, end). */
export function hashSlice(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * FNV-1a of text[start, end) lower-cased, for ASCII letters and digits
 * (`| 0x20` lower-cases letters and leaves digits as they are): equal to
 * {@link hashSlice} of the lower-case key.
 */
export function lowerAsciiHash(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (text.charCodeAt(i) | 0x20), FNV_PRIME);
  return h;
}

/** A table of `entries`, keyed by {@link hashSlice} of each key; a third of the slots used at most. */
export function createSliceTable<V>(entries: readonly (readonly [string, V])[]): SliceTable<V> {
  let size = 16;
  while (size < entries.length * 3) size *= 2;
  const table: SliceTable<V> = { keys: [], values: [], slots: new Int32Array(size), mask: size - 1 };
  for (const [key, value] of entries) {
    table.keys.push(key);
    table.values.push(value);
    placeKey(table, table.keys.length - 1);
  }
  return table;
}

/**
 * A {@link SliceTable} filled while texts are read: answers computed for a
 * word once, then found by the word's letters in later texts without making
 * its string again. Holds at most `maxKeys` keys (the first ones seen).
 */
export interface SliceMemo<V> extends SliceTable<V> {
  readonly maxKeys: number;
}

export function createSliceMemo<V>(maxKeys: number): SliceMemo<V> {
  return { keys: [], values: [], slots: new Int32Array(64), mask: 63, maxKeys };
}

/** Add `key` (absent from the memo) with its value; ignored once the memo is full. */
export function rememberSlice<V>(memo: SliceMemo<V>, key: string, value: V): void {
  if (memo.keys.length >= memo.maxKeys) return;
  memo.keys.push(key);
  memo.values.push(value);
  // A third of the slots used at most, as in createSliceTable.
  if (memo.keys.length * 3 > memo.slots.length) {
    memo.slots = new Int32Array(memo.slots.length * 2);
    memo.mask = memo.slots.length - 1;
    for (let k = 0; k < memo.keys.length; k++) placeKey(memo, k);
  } else placeKey(memo, memo.keys.length - 1);
}

function placeKey<V>(table: SliceTable<V>, k: number): void {
  const key = table.keys[k]!;
  let slot = hashSlice(key, 0, key.length) & table.mask;
  while (table.slots[slot] !== 0) slot = (slot + 1) & table.mask;
  table.slots[slot] = k + 1;
}
