/**
 * A ChangeFeed topic over WebSocket, for clients that also talk back (voice/display sessions) or
 * cannot use EventSource. JSON text frames both ways:
 *
 * server → client: `{type, seq, data}` per event (seq is the resume point);
 *   `{type:"reset", reason, afterSeq, …}` when the requested history is gone (refetch state);
 *   `{type:"ping", at}` heartbeats (browsers cannot see protocol-level pings);
 *   `{type:"pong", at}`; `{type:"error", code}`.
 * client → server: `{type:"ping"}`; `{type:"resume", after}` to restart delivery after a seq;
 *   `{type:"pong"}` (ignored); anything else with a string `type` goes to `onMessage`.
 *
 * A bad client frame never closes the socket: it gets an error message, so one buggy message does
 * not cost the client its stream. The subscription ends with the socket.
 */
import { z } from "zod";
import { isKilnError, KilnError } from "../errors.ts";
import { errorMessage, type Logger, silentLogger } from "../log.ts";
import type { ChangeFeed, LiveEvent, Subscription } from "./types.ts";

/** A client message that is not a built-in one, passed to the module. */
export type ClientMessage = { type: string } & Record<string, unknown>;

export interface WebSocketContext {
  topic: string;
  /** Sends a JSON message to this client (dropped if the socket is no longer open). */
  send(message: unknown): void;
  close(code?: number, reason?: string): void;
}

export interface ServeWebSocketOptions {
  request: Request;
  feed: ChangeFeed;
  topic: string;
  afterSeq: number;
  onMessage?: (message: ClientMessage, context: WebSocketContext) => void | Promise<void>;
  /** Interval of `{type:"ping"}` heartbeats (default 30 s). */
  heartbeatMs?: number;
  /** Shapes an event's `data` for this client; `undefined` skips the event. */
  map?: (event: LiveEvent) => unknown;
  /**
   * Shapes the whole message of an event, for clients of another protocol (default
   * `{type, seq, data}`, with `data` from `map`); `undefined` skips the event.
   */
  frame?: (event: LiveEvent) => unknown;
  /**
   * Called once when the socket opens, as in `sseResponse`: LiveEvents (e.g. a state snapshot
   * carrying the record's seq) are sent as ordinary events and delivery continues after the highest
   * of their seqs; any other value is sent as `{type:"snapshot", data}`; `undefined` sends nothing.
   */
  initial?: () => Promise<LiveEvent[] | unknown>;
  log?: Logger;
  /** Bytes allowed to queue behind a slow client before it is closed (1013) to resume later. */
  maxBufferedBytes?: number;
}

const ClientFrame = z.looseObject({ type: z.string().min(1).max(64) });
const Resume = z.object({
  type: z.literal("resume"),
  after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** True when the request asks for a WebSocket upgrade (routes serving SSE and WS on one URL). */
export function isWebSocketUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/** Upgrades `request` and streams `topic` over the socket. Returns the 101 response to send. */
export function serveWebSocket(options: ServeWebSocketOptions): Response {
  const { request, feed, topic, onMessage, map } = options;
  const frame = options.frame ?? ((event: LiveEvent) => {
    const data = map ? map(event) : event.data;
    return data === undefined ? undefined : { type: event.type, seq: event.seq, data };
  });
  const log = options.log ?? silentLogger;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  if (!isWebSocketUpgrade(request)) {
    throw new KilnError(
      "malformed",
      "websocket_upgrade_required",
      "this endpoint expects a WebSocket upgrade",
    );
  }
  const { socket, response } = Deno.upgradeWebSocket(request);
  let subscription: Subscription | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let ended = false;

  function send(message: unknown) {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > maxBufferedBytes) {
      log.warn("live.ws_slow_client", { topic });
      close(1013, "slow consumer; resume later");
      return;
    }
    socket.send(JSON.stringify(message));
  }

  function close(code?: number, reason?: string) {
    teardown();
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      socket.close(code, reason);
    }
  }

  const context: WebSocketContext = { topic, send, close };

  function subscribe(after: number) {
    subscription?.close();
    subscription = feed.subscribe(topic, after, (event) => {
      let message: unknown;
      try {
        message = frame(event);
      } catch (error) {
        // A broken map or frame must not leave a silent socket behind: close so the client sees it.
        log.error("live.ws_map_failed", { topic, seq: event.seq, error: errorMessage(error) });
        return close(1011, "internal error");
      }
      if (message !== undefined) send(message);
    }, {
      onReset: (reset) => send({ type: "reset", ...reset }),
      onClose: () => close(1012, "service restarting"),
    });
  }

  function teardown() {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    subscription?.close();
  }

  /** Subscribes from `after`; a feed that is shutting down closes the socket instead of throwing. */
  function startSubscription(after: number): boolean {
    try {
      subscribe(after);
      return true;
    } catch (error) {
      log.warn("live.ws_subscribe_failed", { topic, error: errorMessage(error) });
      close(1011, "unavailable");
      return false;
    }
  }

  /** Sends `initial()` (if any) and returns the seq to subscribe after; undefined when it failed. */
  async function sendInitial(): Promise<number | undefined> {
    let after = options.afterSeq;
    if (!options.initial) return after;
    try {
      const value = await options.initial();
      if (isEventList(value)) {
        for (const event of value) {
          const message = frame(event);
          if (message !== undefined) send(message);
          after = Math.max(after, event.seq);
        }
      } else if (value !== undefined) send({ type: "snapshot", data: value });
      return after;
    } catch (error) {
      log.error("live.ws_initial_failed", { topic, error: errorMessage(error) });
      send({ type: "error", code: "snapshot_failed" });
      close(1011, "snapshot failed");
      return undefined;
    }
  }

  socket.onopen = async () => {
    const after = await sendInitial();
    if (after === undefined || ended) return;
    if (!startSubscription(after)) return;
    heartbeat = setInterval(() => send({ type: "ping", at: Date.now() }), heartbeatMs);
  };

  socket.onmessage = (frame) => {
    if (ended) return;
    let parsed: unknown;
    try {
      if (typeof frame.data !== "string") throw new TypeError("binary frame");
      parsed = JSON.parse(frame.data);
    } catch {
      return send({ type: "error", code: "malformed_message" });
    }
    const message = ClientFrame.safeParse(parsed);
    if (!message.success) return send({ type: "error", code: "invalid_message" });
    switch (message.data.type) {
      case "ping":
        return send({ type: "pong", at: Date.now() });
      case "pong":
        return;
      case "resume": {
        const resume = Resume.safeParse(parsed);
        if (!resume.success) return send({ type: "error", code: "invalid_message" });
        return startSubscription(resume.data.after);
      }
    }
    if (!onMessage) return;
    Promise.resolve()
      .then(() => onMessage(message.data, context))
      .catch((error) => {
        log.warn("live.ws_message_failed", { topic, type: message.data.type, error: errorMessage(error) });
        send({ type: "error", code: isKilnError(error) ? error.code : "message_failed" });
      });
  };

  socket.onclose = teardown;
  socket.onerror = teardown;
  return response;
}

function isEventList(value: unknown): value is LiveEvent[] {
  return Array.isArray(value) &&
    value.every((item) =>
      typeof item === "object" && item !== null && Number.isSafeInteger(item.seq) &&
      typeof item.type === "string" && "data" in item
    );
}
