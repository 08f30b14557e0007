/** A loopback Deno.serve for live tests, and a small SSE client that parses the wire format. */
import { deadline } from "./wait.ts";

export interface TestServer extends AsyncDisposable {
  url: string;
  port: number;
}

export function serve(handler: (request: Request) => Response | Promise<Response>): TestServer {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, handler);
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** One parsed SSE message; `comment` holds `: …` lines, `retry` the reconnect delay. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

/** Connects with fetch and parses messages as they stream in; `close()` aborts the request. */
export async function openSse(url: string, headers: HeadersInit = {}) {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const messages: SseMessage[] = [];
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  let ended = false;
  const wake = () => {
    for (const waiter of [...waiters]) {
      if (waiter.test()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          messages.push(parseBlock(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
          wake();
        }
      }
    } catch {
      // Aborted by close().
    }
    ended = true;
    wake();
  })();
  return {
    response,
    messages,
    /** Event messages only (those with data and not comments). */
    events: () => messages.filter((message) => message.data !== undefined),
    ids: () => messages.filter((message) => message.id !== undefined).map((message) => Number(message.id)),
    /** Resolves when `test(messages)` holds. */
    until(test: (messages: SseMessage[]) => boolean, what: string, ms?: number): Promise<void> {
      if (test(messages)) return Promise.resolve();
      const done = new Promise<void>((resolve) => waiters.push({ test: () => test(messages), resolve }));
      return deadline(done, () => `${what} (got ${JSON.stringify(messages)})`, ms);
    },
    /** Resolves when the server ends the stream. */
    ended(what = "the stream to end"): Promise<void> {
      const done = new Promise<void>((resolve) => waiters.push({ test: () => ended, resolve }));
      return deadline(ended ? Promise.resolve() : done, what);
    },
    async close() {
      abort.abort();
      await reading;
    },
  };
}

function parseBlock(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) message.comment = line.slice(1).trim();
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") message.data = message.data === undefined ? value : `${message.data}\n${value}`;
    else if (field === "id") message.id = value;
    else if (field === "event") message.event = value;
    else if (field === "retry") message.retry = Number(value);
  }
  return message;
}
