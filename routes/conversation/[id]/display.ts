import { define } from "../../../lib/http/route.ts";
import { bearerToken } from "../../../lib/http/auth.ts";
import { isWebSocketUpgrade, parseLastEventId, serveWebSocket, sseResponse } from "../../../lib/live/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import {
  conversationModule,
  SessionIdParams,
  TokenQuery,
  updateDocs,
} from "../../../lib/conversation/mod.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Live display stream: WebSocket, or SSE with `Accept: text/event-stream`",
    description: "First a `state` event (whole state, id = its seq), then one `update` event per update. " +
      "Reconnect with Last-Event-ID (or `?lastEventId=`) to get exactly the missed updates. " +
      'Over WebSocket, `{"type":"ping"}` is answered with a pong.',
    tags: ["conversation"],
    params: SessionIdParams,
    query: TokenQuery,
    openapi: { errors: updateDocs.readErrors },
    responses: {
      200: { description: "SSE stream (`state` event, then `update` events whose data is a DisplayUpdate)" },
      101: { description: "WebSocket: JSON frames `{type, seq, data}`" },
    },
    async handle({ params, query, request, url, services, log }) {
      const { display } = services.module(conversationModule);
      await display.authorizeRead(params.id, bearerToken(request) ?? query.token);
      const afterSeq = parseLastEventId(request, url);
      const options = {
        feed: services.live,
        topic: display.topic(params.id),
        afterSeq,
        heartbeatMs: services.config.liveHeartbeatMs,
        log,
        // A fresh client gets the whole state; a resuming one only what it missed.
        initial: afterSeq > 0 ? undefined : () => display.store.snapshotEvent(params.id),
      };
      if (isWebSocketUpgrade(request)) return serveWebSocket({ ...options, request });
      return sseResponse(options);
    },
  }),
};
