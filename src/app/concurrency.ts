/** Run `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  if (!(limit >= 1)) throw new RangeError(`mapLimit needs a limit of at least 1, got ${limit}`);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Serialises runs of a job: a run requested while one is in flight is folded into one follow-up run. */
export function singleFlight(job: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        // A failed run still owes its follow-up; callers get the outcome of the last run.
        let failure: { error: unknown } | undefined;
        do {
          again = false;
          try {
            await job();
            failure = undefined;
          } catch (error) {
            failure = { error };
          }
        } while (again);
        if (failure) throw failure.error;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return run;
}
