/**
 * What grew between two V8 heap snapshots (the soak's `--heap-snapshots DIR`,
 * or any .heapsnapshot): objects grouped by constructor (strings, arrays,
 * closures and code by kind), with the change in count and in shallow size,
 * largest growth first. Shallow sizes need no dominator tree, so a 200 MB
 * snapshot is read in seconds; the constructor that grows is the lead to follow.
 *
 *   node --import tsx bench/soak-heap-diff.ts before.heapsnapshot after.heapsnapshot [--top 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

/** The parts of the .heapsnapshot JSON format this reads. */
export interface HeapSnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  count: number;
  /** Shallow (self) size, bytes. */
  bytes: number;
}

/** Node types whose names are contents (a string's text, a number's value), not kinds: grouped by type alone. */
const GROUPED_BY_TYPE = new Set(['string', 'concatenated string', 'sliced string', 'number', 'bigint', 'symbol', 'hidden', 'code']);

/** Objects by "type:name" (e.g. "object:Map", "closure:handle", "(string)"), with their count and shallow size. */
export function groupHeapSnapshot(json: HeapSnapshotJson): Map<string, HeapGroup> {
  const fields = json.snapshot.meta.node_fields;
  const types = json.snapshot.meta.node_types[0];
  const at = (name: string) => {
    const i = fields.indexOf(name);
    if (i < 0) throw new Error(`heap snapshot without a "${name}" node field: not a V8 .heapsnapshot?`);
    return i;
  };
  if (!Array.isArray(types)) throw new Error('heap snapshot meta.node_types[0] is not the list of node types');
  const [typeAt, nameAt, sizeAt] = [at('type'), at('name'), at('self_size')];
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < json.nodes.length; i += fields.length) {
    const type = String(types[json.nodes[i + typeAt]!]);
    const key = GROUPED_BY_TYPE.has(type) ? `(${type})` : `${type}:${json.strings[json.nodes[i + nameAt]!] ?? '?'}`;
    const group = groups.get(key);
    const bytes = json.nodes[i + sizeAt]!;
    if (group) {
      group.count++;
      group.bytes += bytes;
    } else groups.set(key, { count: 1, bytes });
  }
  return groups;
}

export interface HeapGroupChange {
  group: string;
  countBefore: number;
  countAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  bytesDelta: number;
}

/** Groups whose shallow size changed most, growth first (then the largest shrinkage). */
export function diffHeapGroups(before: ReadonlyMap<string, HeapGroup>, after: ReadonlyMap<string, HeapGroup>, top: number): HeapGroupChange[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  const changes: HeapGroupChange[] = [];
  for (const group of keys) {
    const b = before.get(group) ?? { count: 0, bytes: 0 };
    const a = after.get(group) ?? { count: 0, bytes: 0 };
    if (a.bytes === b.bytes && a.count === b.count) continue;
    changes.push({ group, countBefore: b.count, countAfter: a.count, bytesBefore: b.bytes, bytesAfter: a.bytes, bytesDelta: a.bytes - b.bytes });
  }
  return changes.sort((x, y) => y.bytesDelta - x.bytesDelta).slice(0, top);
}

const total = (groups: ReadonlyMap<string, HeapGroup>) => [...groups.values()].reduce((sum, g) => sum + g.bytes, 0);

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({ args: argv, options: { top: { type: 'string', default: '30' } }, allowPositionals: true });
  const top = Number(values.top);
  if (positionals.length !== 2 || !Number.isInteger(top) || top < 1) {
    console.error('usage: node --import tsx bench/soak-heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--top N]');
    process.exitCode = 2;
    return;
  }
  const [before, after] = positionals.map((file) => groupHeapSnapshot(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotJson));
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 100) / 100;
  console.log(JSON.stringify({ totalMBBefore: mb(total(before!)), totalMBAfter: mb(total(after!)) }));
  for (const c of diffHeapGroups(before!, after!, top)) {
    console.log(JSON.stringify({ group: c.group, count: `${c.countBefore} → ${c.countAfter}`, mb: `${mb(c.bytesBefore)} → ${mb(c.bytesAfter)}`, deltaMB: mb(c.bytesDelta) }));
  }
}

// Run as a script; imported (by its test), only the functions.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
