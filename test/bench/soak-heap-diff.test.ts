import { describe, expect, it } from 'vitest';
import { diffHeapGroups, groupHeapSnapshot, type HeapSnapshotJson } from '../../bench/soak-heap-diff.ts';

/** A snapshot in V8's layout: flat node records of [type, name, id, self_size, edge_count]. */
function snapshot(nodes: [type: number, name: string, size: number][]): HeapSnapshotJson {
  const strings: string[] = [];
  const index = (s: string) => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  return {
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure'], 'string'] } },
    nodes: nodes.flatMap(([type, name, size], id) => [type, index(name), id, size, 0]),
    strings,
  };
}

const STRING = 2;
const OBJECT = 3;
const CLOSURE = 5;

describe('groupHeapSnapshot', () => {
  it('GIVEN objects, closures and strings THEN objects group by constructor and strings by kind, with counts and shallow bytes', () => {
    const groups = groupHeapSnapshot(
      snapshot([
        [OBJECT, 'Map', 40],
        [OBJECT, 'Map', 40],
        [OBJECT, 'Story', 64],
        [CLOSURE, 'handle', 32],
        [STRING, 'some text', 24],
        [STRING, 'other text', 28],
      ]),
    );
    expect(Object.fromEntries(groups)).toEqual({
      'object:Map': { count: 2, bytes: 80 },
      'object:Story': { count: 1, bytes: 64 },
      'closure:handle': { count: 1, bytes: 32 },
      '(string)': { count: 2, bytes: 52 },
    });
  });

  it('GIVEN a file without a self_size field THEN it says what it expected', () => {
    const bad = snapshot([[OBJECT, 'Map', 40]]);
    bad.snapshot.meta.node_fields = ['type', 'name', 'id'];
    expect(() => groupHeapSnapshot(bad)).toThrow(/"self_size" node field/);
  });
});

describe('diffHeapGroups', () => {
  it('GIVEN a constructor that grew THEN it leads, unchanged groups are left out, shrinkage comes last', () => {
    const before = groupHeapSnapshot(snapshot([[OBJECT, 'Map', 40], [OBJECT, 'Story', 64], [OBJECT, 'Buffer', 500]]));
    const after = groupHeapSnapshot(snapshot([[OBJECT, 'Map', 40], [OBJECT, 'Story', 64], [OBJECT, 'Story', 64], [OBJECT, 'Story', 64], [OBJECT, 'Buffer', 100]]));
    expect(diffHeapGroups(before, after, 10)).toEqual([
      { group: 'object:Story', countBefore: 1, countAfter: 3, bytesBefore: 64, bytesAfter: 192, bytesDelta: 128 },
      { group: 'object:Buffer', countBefore: 1, countAfter: 1, bytesBefore: 500, bytesAfter: 100, bytesDelta: -400 },
    ]);
  });

  it('GIVEN a group only in the later snapshot THEN it counts from zero, and top limits the list', () => {
    const before = groupHeapSnapshot(snapshot([[OBJECT, 'Map', 40]]));
    const after = groupHeapSnapshot(snapshot([[OBJECT, 'Map', 40], [OBJECT, 'Timeout', 120], [OBJECT, 'Socket', 300]]));
    expect(diffHeapGroups(before, after, 1)).toEqual([{ group: 'object:Socket', countBefore: 0, countAfter: 1, bytesBefore: 0, bytesAfter: 300, bytesDelta: 300 }]);
  });
});
