/**
 * Calls into this same app without a socket: one module using another module's HTTP API when both
 * run in this process (the engine and its own transcription service, the transcription service and
 * its own webhook receiver). The real routes run, with auth, body limits and validation, but a
 * request dispatched this way is marked — by object identity, which no header can forge — so a
 * route can tell "this process" from an outside caller and not spend an outside caller's
 * per-address rate limit on it.
 */
export type SelfFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

const dispatched = new WeakSet<Request>();

/** True when `request` was dispatched in-process by `createSelfFetch`. */
export function isInProcess(request: Request): boolean {
  return dispatched.has(request);
}

/** `copy` (a request rebuilt from `original`, e.g. with a guarded body) keeps `original`'s mark. */
export function keepInProcessMark(original: Request, copy: Request): Request {
  if (dispatched.has(original)) dispatched.add(copy);
  return copy;
}

/**
 * `fetch` that serves URLs under `publicUrl`'s origin with `handle` (once it is set: the app is
 * built after the modules that call it) and sends everything else to the network.
 */
export function createSelfFetch(
  publicUrl: string,
  handle: () => ((request: Request) => Response | Promise<Response>) | undefined,
): SelfFetch {
  const origin = new URL(publicUrl).origin;
  return async (input, init) => {
    const app = handle();
    if (!app || new URL(input).origin !== origin) return await fetch(input, init);
    const request = new Request(input, init);
    dispatched.add(request);
    const response = await app(request);
    // Honour the caller's abort like a socket would: stop waiting for a body nobody reads.
    init?.signal?.throwIfAborted();
    return response;
  };
}
