/**
 * A fleet of SSE clients for the live benchmark, each parsing its stream incrementally and recording
 * when every `bench` event reaches it. Used directly (clients on the server's thread) and from
 * `live_worker.ts` (clients on a thread of their own, like browsers on their own CPUs).
 *
 * Two transports:
 * - `fetch`: `fetch()` + the response body's reader — what a Deno/JS client does;
 * - `socket`: a raw `Deno.connect` HTTP/1.1 GET, chunked decoding and SSE parsing by hand — close to
 *   "bytes arrived on the client's socket", without the cost of the fetch client itself.
 *
 * Times are absolute — `performance.timeOrigin + performance.now()` — so a publish stamped on one
 * thread and a receipt stamped on another compare directly (both come from the same monotonic
 * clock; the origins agree to well under 0.1 ms).
 */

export const benchEventType = "bench";

/** Absolute high-resolution time in ms, comparable across this process's threads. */
export const now = () => performance.timeOrigin + performance.now();

export type Transport = "fetch" | "socket";

export interface FleetOptions {
  url: string;
  clients: number;
  transport: Transport;
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
  /** True on the call that reaches the target. */
  add(): boolean {
    if (++this.count !== this.target) return false;
    this.#resolve();
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Pure parsers (unit-tested)
// ---------------------------------------------------------------------------------------------

export interface SseMessage {
  event?: string;
  data?: string;
  id?: string;
}

/** Incremental SSE parser: feed it text as it arrives, get the messages completed so far. */
export class SseParser {
  #buffer = "";

  push(text: string): SseMessage[] {
    this.#buffer += text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
    const messages: SseMessage[] = [];
    let end: number;
    while ((end = this.#buffer.indexOf("\n\n")) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const message: SseMessage = {};
      let fields = 0;
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue; // comments (": heartbeat") and bare field names
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") message.data = message.data === undefined ? value : `${message.data}\n${value}`;
        else if (field === "event") message.event = value;
        else if (field === "id") message.id = value;
        else continue;
        fields++;
      }
      if (fields > 0) messages.push(message);
    }
    return messages;
  }
}

/**
 * Incremental HTTP/1.1 response reader for a socket: the status line and headers, then the body,
 * de-chunked when `transfer-encoding: chunked`. `push` returns the body bytes completed so far.
 */
export class HttpResponseReader {
  status = 0;
  headers = new Map<string, string>();
  /** True once the terminating zero-size chunk was read. */
  ended = false;
  #head = true;
  #chunked = false;
  #pending = new Uint8Array(0);
  /** Bytes still to read of the current chunk's data; -1 when a size line comes next. */
  #remaining = -1;

  push(bytes: Uint8Array): Uint8Array[] {
    let input = this.#pending.length ? concat(this.#pending, bytes) : bytes;
    this.#pending = new Uint8Array(0);
    if (this.#head) {
      const end = indexOfCrlfCrlf(input);
      if (end < 0) {
        this.#pending = input.slice();
        return [];
      }
      this.#parseHead(new TextDecoder().decode(input.subarray(0, end)));
      this.#head = false;
      input = input.subarray(end + 4);
    }
    if (!this.#chunked) return input.length ? [input.slice()] : [];
    const out: Uint8Array[] = [];
    let at = 0;
    while (at < input.length && !this.ended) {
      if (this.#remaining === -1) {
        const lineEnd = indexOfCrlf(input, at);
        if (lineEnd < 0) break;
        const size = parseInt(new TextDecoder().decode(input.subarray(at, lineEnd)).split(";")[0].trim(), 16);
        if (!Number.isFinite(size)) throw new Error("malformed chunk size");
        at = lineEnd + 2;
        if (size === 0) {
          this.ended = true;
          break;
        }
        this.#remaining = size;
      }
      const take = Math.min(this.#remaining, input.length - at);
      if (take > 0) out.push(input.slice(at, at + take));
      at += take;
      this.#remaining -= take;
      if (this.#remaining > 0) break;
      // The chunk's data is complete: skip its CRLF (possibly not here yet).
      if (input.length - at < 2) {
        this.#remaining = 0;
        break;
      }
      at += 2;
      this.#remaining = -1;
    }
    if (at < input.length && !this.ended) this.#pending = input.slice(at);
    return out;
  }

  #parseHead(head: string) {
    const [statusLine, ...lines] = head.split("\r\n");
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!match) throw new Error(`not an HTTP/1.1 response: ${statusLine}`);
    this.status = Number(match[1]);
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon > 0) {
        this.headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
    }
    this.#chunked = /\bchunked\b/i.test(this.headers.get("transfer-encoding") ?? "");
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function indexOfCrlf(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) if (bytes[i] === 13 && bytes[i + 1] === 10) return i;
  return -1;
}

function indexOfCrlfCrlf(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// The fleet
// ---------------------------------------------------------------------------------------------

/** One open stream: yields body bytes until the server ends it; `close()` ends it from our side. */
interface BodySource {
  read(): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

export class SseFleet {
  /** Every client has the job's initial snapshot, i.e. its subscription is in place. */
  readonly connected: Countdown;
  readonly arrivals: Countdown[];
  /** publish→receipt (ms) of every measured (event, client) pair, in arrival order. */
  readonly latencies: Float64Array;
  latencyCount = 0;
  #aborts: AbortController[] = [];
  #sources: BodySource[] = [];
  #readers: Promise<void>[] = [];
  #failures: string[] = [];
  #closing = false;

  constructor(readonly options: FleetOptions) {
    this.connected = new Countdown(options.clients);
    this.arrivals = Array.from({ length: options.totalEvents }, () => new Countdown(options.clients));
    this.latencies = new Float64Array(
      options.clients * Math.max(0, options.totalEvents - options.warmupEvents),
    );
  }

  /** Errors of clients whose stream failed or ended before `close()`. */
  get failures(): readonly string[] {
    return this.#failures;
  }

  /** Opens every connection (`connectConcurrency` at a time); resolves once all have response headers. */
  async connect(): Promise<void> {
    let opened = 0;
    await Promise.all(Array.from({ length: this.options.connectConcurrency }, async () => {
      while (opened < this.options.clients && !this.#closing) {
        opened++;
        const source = this.options.transport === "socket"
          ? await this.#openSocket()
          : await this.#openFetch();
        this.#sources.push(source);
        this.#readers.push(this.#consume(source));
      }
    }));
  }

  async #openFetch(): Promise<BodySource> {
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
    // Ended with reader.cancel(): on Deno 2.9.6, aborting the signals of several streaming fetches
    // errors only the last body, and the other readers would wait forever.
    const reader = response.body.getReader();
    return {
      read: async () => {
        const { done, value } = await reader.read();
        return done ? null : value;
      },
      close: () => reader.cancel().catch(() => {}),
    };
  }

  async #openSocket(): Promise<BodySource> {
    const url = new URL(this.options.url);
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port || 80) });
    const request =
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\naccept: text/event-stream\r\n\r\n`;
    await conn.write(new TextEncoder().encode(request));
    const http = new HttpResponseReader();
    const buffer = new Uint8Array(64 * 1024);
    let queued: Uint8Array[] = [];
    let closed = false;
    const read = async (): Promise<Uint8Array | null> => {
      while (queued.length === 0) {
        if (http.ended || closed) return null;
        const n = await conn.read(buffer);
        if (n === null) return null;
        queued = http.push(buffer.subarray(0, n));
        if (http.status !== 0 && http.status !== 200) {
          throw new Error(`GET ${this.options.url} answered ${http.status}`);
        }
      }
      if (queued.length === 1) return queued.pop()!;
      const all = queued.reduce(concat);
      queued = [];
      return all;
    };
    return {
      read,
      close: () => {
        closed = true;
        try {
          conn.close();
        } catch { /* already closed */ }
        return Promise.resolve();
      },
    };
  }

  async #consume(source: BodySource): Promise<void> {
    const decoder = new TextDecoder();
    const parser = new SseParser();
    let greeted = false;
    try {
      while (true) {
        const bytes = await source.read();
        if (bytes === null) break;
        const received = now();
        for (const message of parser.push(decoder.decode(bytes, { stream: true }))) {
          if (!greeted && message.event === "job") {
            greeted = true; // the job's initial snapshot: this client's subscription is in place
            this.connected.add();
          } else if (message.event === benchEventType && message.data !== undefined) {
            const { i, t } = JSON.parse(message.data) as { i: number; t: number };
            if (i >= this.options.warmupEvents) this.latencies[this.latencyCount++] = received - t;
            if (this.arrivals[i]?.add()) this.options.onArrived?.(i);
          }
        }
      }
      if (!this.#closing) this.#failures.push("the server ended the stream");
    } catch (error) {
      if (!this.#closing) this.#failures.push(error instanceof Error ? error.message : String(error));
    }
  }

  /** Ends every stream (and any connection still being opened) and waits for the readers. */
  async close(): Promise<void> {
    this.#closing = true;
    for (const abort of this.#aborts) abort.abort();
    await Promise.all(this.#sources.map((source) => source.close()));
    await Promise.all(this.#readers);
  }
}
