/**
 * Config hot reload: watch the config directory, and after a burst of saves
 * settles, load config/*.yaml again, re-apply the admin overrides stored in
 * the database (as startup does) and switch the running bot to the result.
 * An invalid edit is logged with file, line and key, and the config in force
 * stays in force.
 *
 * The directory is watched rather than each file: editors save by writing a
 * temp file and renaming it over the original (vim, JetBrains), Kubernetes
 * swaps a `..data` symlink, and a watch on a replaced file would go deaf.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { withStoredOverrides } from '../app/commands/config-overrides.ts';
import { diffConfig, feedsWithNewUrl, liveConfig, summarizeKeys } from '../app/config-changes.ts';
import type { Logger } from '../app/ports.ts';
import { applyConfig, type Runtime } from '../app/runtime.ts';
import { CONFIG_FILES, ConfigError, formatIssues, loadConfig, type AppConfig } from '../config/load-config.ts';

export const CONFIG_WATCH_DEFAULTS = {
  /** Quiet time after the last file event before reloading: one reload per save, however the editor writes. */
  debounceMs: 300,
  /** How often to try watching again while the directory is missing (replaced, unmounted). */
  rearmMs: 1_000,
} as const satisfies Record<string, number>;

export interface ConfigWatcherOptions {
  dir: string;
  runtime: Runtime;
  log: Logger;
  debounceMs?: number;
  rearmMs?: number;
  /**
   * After every successful load, once `runtime` has the new config: the YAML config without overrides
   * (what admin changes are applied onto).
   */
  onReload?: (yaml: AppConfig) => void;
}

export interface ConfigWatcher {
  close(): void;
}

/**
 * Switch `runtime` to a freshly loaded YAML config: stored admin overrides on
 * top, changes that only a restart applies held back or named in a warning,
 * feeds with a new URL starting afresh. Returns what changed.
 */
export function applyReloadedConfig(runtime: Runtime, yaml: AppConfig, log: Logger) {
  const before = runtime.config;
  const next = withStoredOverrides(yaml, runtime.store, log);
  const changes = diffConfig(before, next);
  if (changes.changed.length === 0) {
    log.debug({ dir: yaml.dir }, 'config files changed; the effective config is the same');
    return changes;
  }
  applyConfig(runtime, liveConfig(before, next));
  for (const feedId of feedsWithNewUrl(before, next)) {
    // ETag, Last-Modified and the failure backoff were earned by the old URL. An auto-disabled feed stays disabled until re-enabled.
    const state = runtime.store.getFeedState(feedId);
    if (state) runtime.store.saveFeedState({ ...state, etag: undefined, lastModified: undefined, failures: 0, nextPollAt: 0, lastError: undefined });
  }
  const { keys, more } = summarizeKeys(changes.changed);
  log.info({ dir: yaml.dir, changed: keys, ...(more ? { more } : {}), feeds: changes.feeds }, 'config reloaded');
  if (changes.needsRestart.length > 0) {
    log.warn({ keys: changes.needsRestart }, 'config reloaded, but these changes take effect only after a restart (destination wiring, the candle timeframe)');
  }
  return changes;
}

/** The config files' contents (undefined: missing), to tell a real edit from editor temp-file noise. */
async function readConfigFiles(dir: string): Promise<(string | undefined)[]> {
  return Promise.all(CONFIG_FILES.map((name) => readFile(path.join(dir, name), 'utf8').catch(() => undefined)));
}

const sameFiles = (a: readonly (string | undefined)[], b: readonly (string | undefined)[]) => a.every((text, i) => text === b[i]);

async function inodeOf(dir: string): Promise<number | undefined> {
  return stat(dir).then((s) => s.ino, () => undefined);
}

/** Watch `options.dir` and hot-reload the config into `options.runtime` until closed. */
export async function watchConfig(options: ConfigWatcherOptions): Promise<ConfigWatcher> {
  const { dir, runtime } = options;
  const log = options.log.child({ component: 'config-watcher' });
  const debounceMs = options.debounceMs ?? CONFIG_WATCH_DEFAULTS.debounceMs;
  const rearmMs = options.rearmMs ?? CONFIG_WATCH_DEFAULTS.rearmMs;
  let last = await readConfigFiles(dir);
  let watcher: FSWatcher | undefined;
  let watchedInode: number | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let rearm: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  /** While the directory is missing, retries are logged once, not every rearmMs. */
  let missing = false;

  const reload = async (): Promise<void> => {
    const inode = await inodeOf(dir);
    if (inode !== watchedInode) arm(); // the directory itself was replaced or removed
    const current = await readConfigFiles(dir);
    if (sameFiles(current, last)) return;
    const gone = CONFIG_FILES.filter((_, i) => last[i] !== undefined && current[i] === undefined);
    if (gone.length > 0) {
      // Mid-save (delete, then write) or a mistake: a missing file would load as defaults, e.g. no feeds at all.
      log.warn({ dir, files: gone }, 'config file disappeared; the config in force stays until it is back');
      return;
    }
    last = current;
    let yaml: AppConfig;
    try {
      yaml = await loadConfig(dir);
    } catch (err) {
      if (err instanceof ConfigError) {
        log.error({ dir, issues: err.issues.map((i) => formatIssues([i]).trim()) }, 'config reload rejected: fix the problems listed; the previous config stays in force');
      } else log.error({ dir, err }, 'config reload failed; the previous config stays in force');
      return;
    }
    applyReloadedConfig(runtime, yaml, log);
    options.onReload?.(yaml);
  };

  // One reload at a time; saves during a reload fold into one more.
  const run = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = reload()
      .catch((err: unknown) => log.error({ err, dir }, 'config reload failed (bug?); the previous config stays in force'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };

  const schedule = () => {
    clearTimeout(debounce);
    debounce = setTimeout(run, debounceMs);
    debounce.unref();
  };

  function arm(): void {
    watcher?.close();
    watcher = undefined;
    clearTimeout(rearm);
    if (closed) return;
    try {
      watcher = watch(dir, { persistent: false }, schedule);
      watcher.on('error', (err) => {
        log.warn({ dir, err }, 'config directory watch failed; watching again');
        arm();
      });
      watchedInode = statSync(dir).ino;
      if (missing) log.info({ dir }, 'watching the config directory again');
      missing = false;
    } catch (err) {
      watchedInode = undefined;
      if (!missing) log.warn({ dir, error: (err as Error).message, retryMs: rearmMs }, 'cannot watch the config directory; trying again until it is back');
      missing = true;
      rearm = setTimeout(() => {
        arm();
        schedule(); // files may have changed while nothing watched
      }, rearmMs);
      rearm.unref();
    }
  }

  arm();
  log.info({ dir, files: CONFIG_FILES }, 'watching config files for changes');
  return {
    close() {
      closed = true;
      clearTimeout(debounce);
      clearTimeout(rearm);
      watcher?.close();
    },
  };
}
