/** A promise the test settles by hand, to hold a job "in flight" for as long as it needs. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Let every pending promise callback and I/O callback run (one macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether a promise has settled yet, without waiting for it. */
export function tracked<T>(promise: Promise<T>): { readonly done: boolean; promise: Promise<T> } {
  const state = { done: false, promise };
  promise.then(
    () => void (state.done = true),
    () => void (state.done = true),
  );
  return state;
}
