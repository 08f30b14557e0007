/**
 * Server-Sent Events over a ChangeFeed topic. The SSE `id` is the event's seq, so a browser's
 * EventSource resumes by itself: it reconnects (after `retry`) with `Last-Event-ID`, the route passes
 * `parseLastEventId(...)` back as `afterSeq`, and the feed replays exactly what was missed.
 *
 * Messages on the wire:
 * - `retry: 3000` first (reconnect delay);
 * - `event: snapshot` (no id) when `initial` returns a plain value: the current state;
 * - `id: <seq>` / `event: <type>` / `data: <json>` per event;
 * - `event: reset` (no id) with `{reason, afterSeq, …}` when the requested history is gone (see
 *   `LiveReset`): the client should refetch the full state, then keep reading;
 * - `: heartbeat` comments, so proxies keep the connection and clients notice a dead one.
 * The stream ends when the client goes away, the feed shuts down, or the client is too slow (it
 * then reconnects and resumes from its last id instead of the server buffering without bound).
 */
import { errorMessage, silentLogger } from "../log.ts";
import { type LiveSessionOptions, type LiveTransport, openLiveSession } from "./session.ts";
import type { LiveEvent } from "./types.ts";

export interface SseOptions extends LiveSessionOptions {
  /**
   * Ends the stream when aborted (e.g. server shutdown). Not needed for client disconnects: Deno.serve
   * cancels the body stream, which tears down too. Note that merely reading `request.signal` under
   * Deno 2.9 prints a one-time "legacy abort" warning; prefer not passing it.
   */
  signal?: AbortSignal;
  /** Shapes an event's `data` for this client (e.g. a public view); `undefined` skips the event. */
  map?: (event: LiveEvent) => unknown;
  /** Chunks allowed to pile up for a slow client before the stream is ended (default 1000). */
  maxQueued?: number;
  /**
   * Ends the stream once an event it returns true for is sent (a job's terminal state): nothing can
   * follow it, so holding the connection open would only cost the server a socket. The route
   * answers a reconnect that already has that event with 204, which stops EventSource for good.
   */
  endAfter?: (event: LiveEvent) => boolean;
}

const encoder = new TextEncoder();

/** One SSE message. `data` is JSON (one line); any line breaks still become separate data lines. */
export function formatSseMessage(message: { id?: number; event?: string; data: unknown }): string {
  let out = "";
  if (message.id !== undefined) out += `id: ${message.id}\n`;
  if (message.event !== undefined) out += `event: ${message.event.replace(/[\r\n]/g, "")}\n`;
  const text = typeof message.data === "string" ? message.data : JSON.stringify(message.data) ?? "null";
  for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + "\n";
}

/** Streams `options.topic` as `text/event-stream` (the live session in `session.ts` over SSE). */
export function sseResponse(options: SseOptions): Response {
  const { topic, signal, map } = options;
  const maxQueued = options.maxQueued ?? 1_000;
  const log = options.log ?? silentLogger;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let finished = false;

  function finish() {
    if (finished) return;
    finished = true;
    session.close();
    signal?.removeEventListener("abort", finish);
    try {
      controller.close();
    } catch {
      // Already closed or cancelled by the client.
    }
  }

  function write(text: string) {
    enqueueBytes(encoder.encode(text));
  }

  function enqueueBytes(bytes: Uint8Array) {
    if (finished) return;
    if ((controller.desiredSize ?? 0) < -maxQueued) {
      log.warn("live.sse_slow_client", { topic });
      finish();
      return;
    }
    controller.enqueue(bytes);
  }

  const transport: LiveTransport = {
    event(event) {
      send(event);
      if (options.endAfter?.(event)) finish();
    },
    snapshot: (value) => write(formatSseMessage({ event: "snapshot", data: value })),
    reset: (reset) => write(formatSseMessage({ event: "reset", data: reset })),
    heartbeat: () => write(": heartbeat\n\n"),
    end(reason) {
      if (reason === "snapshot_failed") write(formatSseMessage({ event: "error", data: { code: reason } }));
      finish();
    },
  };

  function send(event: LiveEvent) {
    // Without a per-client map every subscriber sends the same bytes: encode them once per event,
    // not once per client (1,000 clients on a topic would otherwise stringify 1,000 times).
    if (!map) return event.data === undefined ? undefined : enqueueBytes(encodedEvent(event));
    let data: unknown;
    try {
      data = map(event);
    } catch (error) {
      // A broken map must not leave a stream that silently stops: end it and say so in the log.
      log.error("live.sse_map_failed", { topic, seq: event.seq, error: errorMessage(error) });
      return finish();
    }
    if (data === undefined) return;
    write(formatSseMessage({ id: event.seq, event: event.type, data }));
  }

  const session = openLiveSession(options, transport);

  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      if (signal?.aborted) return finish();
      signal?.addEventListener("abort", finish, { once: true });
      write("retry: 3000\n\n");
      void session.start();
    },
    cancel: finish,
  });

  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}

/**
 * The resume point of an SSE request: the `Last-Event-ID` header (sent by EventSource on reconnect)
 * or a `lastEventId` query parameter (EventSource polyfills, first connects from a saved id).
 * Anything that is not a plain non-negative safe integer counts as absent: 0.
 */
export function parseLastEventId(request: Request, url: URL = new URL(request.url)): number {
  for (const raw of [request.headers.get("last-event-id"), url.searchParams.get("lastEventId")]) {
    const value = raw?.trim();
    if (value && /^\d{1,16}$/.test(value)) {
      const seq = Number(value);
      if (Number.isSafeInteger(seq)) return seq;
    }
  }
  return 0;
}

const encodedEvents = new WeakMap<LiveEvent, Uint8Array>();

/** The wire bytes of an unmapped event, shared by every stream that sends it. */
function encodedEvent(event: LiveEvent): Uint8Array {
  let bytes = encodedEvents.get(event);
  if (!bytes) {
    bytes = encoder.encode(formatSseMessage({ id: event.seq, event: event.type, data: event.data }));
    encodedEvents.set(event, bytes);
  }
  return bytes;
}
