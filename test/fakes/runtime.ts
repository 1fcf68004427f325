import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createRuntime, type Runtime } from '../../src/app/runtime.ts';
import type { Store } from '../../src/app/store.ts';
import { loadConfig, type AppConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import type { DestinationRule } from '../../src/domain/routing.ts';
import { FixedClock } from './clock.ts';
import { recordingLogger } from './silent-logger.ts';

let bundled: Promise<AppConfig> | undefined;

/** The bundled config, with overrides applied per section. */
export async function testConfig(edit?: (c: AppConfig) => void): Promise<AppConfig> {
  bundled ??= loadConfig(DEFAULT_CONFIG_DIR);
  const config = structuredClone(await bundled);
  edit?.(config);
  return config;
}

export interface TestRuntime extends Runtime {
  clock: FixedClock;
  log: ReturnType<typeof recordingLogger>;
}

export async function testRuntime(options: { now: number; store?: Store; destinations?: DestinationRule[]; edit?: (c: AppConfig) => void }): Promise<TestRuntime> {
  return createRuntime({
    config: await testConfig(options.edit),
    store: options.store ?? openSqliteStore(':memory:'),
    clock: new FixedClock(options.now),
    log: recordingLogger(),
    destinations: options.destinations ?? [{ id: 'chat', minSeverity: 'low' }],
  }) as TestRuntime;
}
