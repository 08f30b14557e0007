import { define } from "../../../lib/http/route.ts";
import { bearerToken } from "../../../lib/http/auth.ts";
import { serveWebSocket } from "../../../lib/live/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import {
  conversationModule,
  SessionIdParams,
  stonepotFrame,
  TokenQuery,
  updateDocs,
} from "../../../lib/conversation/mod.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Live display in Stonepot's protocol (its DisplayWebSocket.ts): WebSocket only",
    description: 'Sends `{type:"initial_state", state, timestamp}`, then `{type:"update", update, ' +
      'timestamp}` per update; answers `{type:"ping"}` with a pong. Needs the session\'s display token ' +
      "(`?token=`, as in the display URL), like GET /conversation/:id/display.",
    tags: ["conversation"],
    params: SessionIdParams,
    query: TokenQuery,
    openapi: { errors: { 400: "`websocket_upgrade_required`", ...updateDocs.readErrors } },
    responses: { 101: { description: "Switching to the WebSocket protocol" } },
    async handle({ params, query, request, services, log }) {
      const { display } = services.module(conversationModule);
      await display.authorizeRead(params.id, bearerToken(request) ?? query.token);
      return serveWebSocket({
        request,
        feed: services.live,
        topic: display.topic(params.id),
        afterSeq: 0,
        heartbeatMs: services.config.liveHeartbeatMs,
        log,
        initial: () => display.store.snapshotEvent(params.id),
        frame: stonepotFrame,
        onMessage: (message, socket) => {
          // Stonepot's page sends button clicks for its backend; Kiln's display is read-only.
          if (message.type === "user_action") {
            socket.send({
              type: "action_error",
              action: message.action,
              error: "Display actions are not forwarded; ask the voice assistant instead.",
              timestamp: Date.now(),
            });
          }
        },
      });
    },
  }),
};
