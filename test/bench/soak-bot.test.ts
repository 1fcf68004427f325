import { describe, expect, it } from 'vitest';
import { parseProcStatus, parsePrometheusText, parseStartScript } from '../../bench/soak-bot.ts';

describe('parseStartScript', () => {
  it.each([
    { script: 'node bin/radar.mjs start', env: {}, flags: [] },
    { script: 'node --max-old-space-size=160 --max-semi-space-size=1 bin/radar.mjs start', env: {}, flags: ['--max-old-space-size=160', '--max-semi-space-size=1'] },
    { script: 'MALLOC_ARENA_MAX=2 A_B= node --v8-pool-size=1 bin/radar.mjs start', env: { MALLOC_ARENA_MAX: '2', A_B: '' }, flags: ['--v8-pool-size=1'] },
  ])('GIVEN "$script" THEN the soak starts the bot with $env and $flags', ({ script, env, flags }) => {
    expect(parseStartScript(script)).toEqual({ env, nodeFlags: flags });
  });

  it.each(['tsx src/cli.ts start', 'node bin/radar.mjs demo', 'node --inspect foo.js bin/radar.mjs start', 'X=1 tsx bin/radar.mjs start', 'X=1'])(
    'GIVEN "%s" THEN it refuses, naming the shape it expects',
    (script) => {
      expect(() => parseStartScript(script)).toThrow(/expects "\[KEY=VALUE\]\.\.\. node \[--flags\] bin\/radar\.mjs start"/);
    },
  );
});

describe('parseProcStatus', () => {
  it('GIVEN /proc/PID/status THEN RSS and its high-water mark in MB', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1234567 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  153600 kB\nThreads:\t11\n';
    expect(parseProcStatus(status)).toEqual({ rssMB: 150, peakRssMB: 200 });
  });

  it('GIVEN a status without VmRSS THEN it says so', () => {
    expect(() => parseProcStatus('Name:\tnode\n')).toThrow(/no VmHWM|no VmRSS/);
  });
});

describe('parsePrometheusText', () => {
  it('GIVEN prom-client output THEN unlabelled samples by name; comments and labelled series are skipped', () => {
    const text = [
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      'process_resident_memory_bytes 157286400',
      'nodejs_heap_size_used_bytes 83886080',
      'nodejs_heap_space_size_used_bytes{space="old"} 50000000',
    ].join('\n');
    expect(Object.fromEntries(parsePrometheusText(text))).toEqual({ process_resident_memory_bytes: 157_286_400, nodejs_heap_size_used_bytes: 83_886_080 });
  });
});
