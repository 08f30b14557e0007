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
import { errorMessage, silentLogger } from "../log.ts";
import {
  type LiveEndReason,
  type LiveSessionOptions,
  type LiveTransport,
  openLiveSession,
} from "./session.ts";
import type { LiveEvent } from "./types.ts";

/** A client message that is not a built-in one, passed to the module. */
export type ClientMessage = { type: string } & Record<string, unknown>;

export interface WebSocketContext {
  topic: string;
  /** Sends a JSON message to this client (dropped if the socket is no longer open). */
  send(message: unknown): void;
  close(code?: number, reason?: string): void;
}

export interface ServeWebSocketOptions extends LiveSessionOptions {
  request: Request;
  onMessage?: (message: ClientMessage, context: WebSocketContext) => void | Promise<void>;
  /** Shapes an event's `data` for this client; `undefined` skips the event. */
  map?: (event: LiveEvent) => unknown;
  /**
   * Shapes the whole message of an event, for clients of another protocol (default
   * `{type, seq, data}`, with `data` from `map`); `undefined` skips the event.
   */
  frame?: (event: LiveEvent) => unknown;
  /** Bytes allowed to queue behind a slow client before it is closed (1013) to resume later. */
  maxBufferedBytes?: number;
}

const ClientFrame = z.looseObject({ type: z.string().min(1).max(64) });
const Resume = z.object({
  type: z.literal("resume"),
  after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** How a session that ended on its own closes the socket. */
const endings: Record<LiveEndReason, { code: number; reason: string }> = {
  snapshot_failed: { code: 1011, reason: "snapshot failed" },
  unavailable: { code: 1011, reason: "unavailable" },
  feed_closed: { code: 1012, reason: "service restarting" },
};

/** True when the request asks for a WebSocket upgrade (routes serving SSE and WS on one URL). */
export function isWebSocketUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/**
 * Upgrades `request` and streams `topic` over the socket (the live session in `session.ts` over
 * WebSocket). Returns the 101 response to send.
 */
export function serveWebSocket(options: ServeWebSocketOptions): Response {
  const { request, topic, onMessage, map } = options;
  const frame = options.frame ?? ((event: LiveEvent) => {
    const data = map ? map(event) : event.data;
    return data === undefined ? undefined : { type: event.type, seq: event.seq, data };
  });
  const log = options.log ?? silentLogger;
  const maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  if (!isWebSocketUpgrade(request)) {
    throw new KilnError(
      "malformed",
      "websocket_upgrade_required",
      "this endpoint expects a WebSocket upgrade",
    );
  }
  const { socket, response } = Deno.upgradeWebSocket(request);
  /** False once either side closed: later client frames are ignored. */
  let open = true;

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

  const transport: LiveTransport = {
    event(event) {
      let message: unknown;
      try {
        message = frame(event);
      } catch (error) {
        // A broken map or frame must not leave a silent socket behind: close so the client sees it.
        log.error("live.ws_map_failed", { topic, seq: event.seq, error: errorMessage(error) });
        return close(1011, "internal error");
      }
      if (message !== undefined) send(message);
    },
    snapshot: (value) => send({ type: "snapshot", data: value }),
    reset: (reset) => send({ type: "reset", ...reset }),
    heartbeat: () => send({ type: "ping", at: Date.now() }),
    end(reason) {
      if (reason === "snapshot_failed") send({ type: "error", code: reason });
      close(endings[reason].code, endings[reason].reason);
    },
  };
  const session = openLiveSession(options, transport);
  const context: WebSocketContext = { topic, send, close };

  function teardown() {
    open = false;
    session.close();
  }

  socket.onopen = () => void session.start();

  socket.onmessage = (frame) => {
    if (!open) return;
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
        return session.resume(resume.data.after);
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
