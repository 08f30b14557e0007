/**
 * A fleet of SSE clients for the live benchmark: `fetch` streams parsed incrementally, each
 * recording when every `bench` event reaches it. Used directly (clients on the server's thread) and
 * from `live_worker.ts` (clients on a thread of their own, like browsers on their own CPUs).
 *
 * Times are absolute — `performance.timeOrigin + performance.now()` — so a publish stamped on one
 * thread and a receipt stamped on another compare directly (both come from the same monotonic
 * clock; the origins agree to well under 0.1 ms).
 */

export const benchEventType = "bench";

/** Absolute high-resolution time in ms, comparable across this process's threads. */
export const now = () => performance.timeOrigin + performance.now();

export interface FleetOptions {
  url: string;
  clients: number;
  /** Events with index below this are not recorded (warm-up). */
  warmupEvents: number;
  totalEvents: number;
  connectConcurrency: number;
  /** Called once when event `i` has reached every client. */
  onArrived?(i: number): void;
}

/** Resolves once `add()` has been called `target` times. */
export class Countdown {
  count = 0;
  readonly done: Promise<void>;
  #resolve!: () => void;
  constructor(readonly target: number) {
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    if (target <= 0) this.#resolve();
  }
  add(): boolean {
    if (++this.count !== this.target) return false;
    this.#resolve();
    return true;
  }
}

export class SseFleet {
  /** Every client has the job's initial snapshot, i.e. its subscription is in place. */
  readonly connected: Countdown;
  readonly arrivals: Countdown[];
  /** publish→receipt (ms) of every measured (event, client) pair, in arrival order. */
  readonly latencies: Float64Array;
  latencyCount = 0;
  #aborts: AbortController[] = [];
  #readers: Promise<void>[] = [];
  #failures: string[] = [];

  constructor(readonly options: FleetOptions) {
    this.connected = new Countdown(options.clients);
    this.arrivals = Array.from({ length: options.totalEvents }, () => new Countdown(options.clients));
    this.latencies = new Float64Array(
      options.clients * Math.max(0, options.totalEvents - options.warmupEvents),
    );
  }

  /** Errors of clients whose stream failed (other than by `close()`). */
  get failures(): readonly string[] {
    return this.#failures;
  }

  /** Opens every connection (`connectConcurrency` at a time); resolves once all have response headers. */
  async connect(): Promise<void> {
    let opened = 0;
    await Promise.all(Array.from({ length: this.options.connectConcurrency }, async () => {
      while (opened < this.options.clients) {
        opened++;
        await this.#follow();
      }
    }));
  }

  async #follow(): Promise<void> {
    const abort = new AbortController();
    this.#aborts.push(abort);
    const response = await fetch(this.options.url, {
      signal: abort.signal,
      headers: { accept: "text/event-stream" },
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`GET ${this.options.url} answered ${response.status}`);
    }
    const body = response.body;
    this.#readers.push((async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      let greeted = false;
      try {
        for await (const chunk of body) {
          const received = now();
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!greeted && block.includes("event: job\n")) {
              greeted = true;
              this.connected.add();
            } else if (block.includes(`event: ${benchEventType}\n`)) {
              const { i, t } = JSON.parse(block.slice(block.indexOf("data: ") + 6)) as {
                i: number;
                t: number;
              };
              if (i >= this.options.warmupEvents) this.latencies[this.latencyCount++] = received - t;
              if (this.arrivals[i]?.add()) this.options.onArrived?.(i);
            }
          }
        }
      } catch (error) {
        if (!abort.signal.aborted) {
          this.#failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    })());
  }

  /** Aborts every stream and waits for the readers to finish. */
  async close(): Promise<void> {
    for (const abort of this.#aborts) abort.abort();
    await Promise.all(this.#readers);
  }
}
