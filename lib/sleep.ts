/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts (at once if it already has),
 * so a job handler or a provider retry loop stops waiting when its job is cancelled or shut down.
 * The abort listener is removed when the wait ends, so a long-lived signal does not collect one
 * listener per wait.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** What `within` resolves with when the time ran out first. */
export const late: unique symbol = Symbol("late");

/** `promise`'s value, or `late` once `ms` pass first (the timer never outlives the race). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof late> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<typeof late>((
    resolve,
  ) => (timer = setTimeout(() => resolve(late), Math.max(0, ms))));
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
