/**
 * Live updates: ordered per-topic events over Deno KV, served as SSE or WebSocket.
 * main.ts builds one feed (`createKvChangeFeed`) and closes it on shutdown; domains publish or
 * stage events on it; routes return `sseResponse(...)` or `serveWebSocket(...)`, two transports over
 * one live session (`session.ts`).
 */
export type { ChangeFeed, LiveEvent, LiveReset, SubscribeOptions, Subscription } from "./types.ts";
export { createKvChangeFeed, type KvChangeFeedOptions } from "./kv_feed.ts";
export { DEFAULT_HEAD_RETENTION_MS, DEFAULT_RETENTION_MS, liveKeys } from "./keys.ts";
export type { LiveEndReason, LiveSessionOptions } from "./session.ts";
export { formatSseMessage, parseLastEventId, type SseOptions, sseResponse } from "./sse.ts";
export {
  type ClientMessage,
  isWebSocketUpgrade,
  serveWebSocket,
  type ServeWebSocketOptions,
  type WebSocketContext,
} from "./websocket.ts";
