/** Waiting on conditions in tests: every wait has a deadline that fails with what was awaited. */

/**
 * Resolves with `promise`, or fails naming `what` once `ms` pass (the timer never outlives it).
 * `what` may be a function, so the failure describes the state at the deadline, not at the start.
 */
export async function deadline<T>(
  promise: Promise<T>,
  what: string | (() => string),
  ms = 3_000,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const described = typeof what === "function" ? what() : what;
      reject(new Error(`timed out after ${ms} ms waiting for ${described}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until `condition()` holds, re-checking every few ms. Only for state that has no event to
 * wait on (e.g. a server noticing a disconnect); fails with `what` at the deadline.
 */
export async function until(condition: () => boolean, what: string, ms = 3_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Polls `probe` until it returns a value other than undefined/false; fails with `what` after the deadline. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 4_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  while (performance.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    last = value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}
