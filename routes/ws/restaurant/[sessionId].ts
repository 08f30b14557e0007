import { define } from "../../../lib/http/route.ts";
import { bearerToken } from "../../../lib/http/auth.ts";
import { voiceModule, VoiceSocketParams, VoiceSocketQuery } from "../../../lib/voice/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary:
      "Voice ordering WebSocket: stream 16 kHz PCM16 audio or text, get transcripts, speech and tool calls",
    description: "Authorised by the session's write token or DISPLAY_SERVICE_TOKEN (`?token=` or Bearer). " +
      "Protocol: /docs/voice. Every final transcript and tool call also updates the session's display.",
    tags: ["conversation"],
    params: VoiceSocketParams,
    query: VoiceSocketQuery,
    responses: {
      101: { description: "Switching to the WebSocket protocol described on /docs/voice." },
      400: { description: "Not a WebSocket upgrade (`websocket_upgrade_required`)." },
      401: {
        description: "Neither the session's write token nor the service token (also for unknown sessions).",
      },
      503: { description: "Too many voice conversations on this instance (`too_many_conversations`)." },
    },
    handle({ params, query, request, services }) {
      return services.module(voiceModule).connect(
        request,
        params.sessionId,
        bearerToken(request) ?? query.token,
      );
    },
  }),
};
