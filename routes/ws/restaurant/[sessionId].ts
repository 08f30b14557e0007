import { define } from "../../../lib/http/route.ts";
import { bearerToken } from "../../../lib/http/auth.ts";
import { VoiceSocketParams, VoiceSocketQuery } from "../../../lib/voice/mod.ts";
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
    handle({ params, query, request, services }) {
      return services.voice!.connect(request, params.sessionId, bearerToken(request) ?? query.token);
    },
  }),
};
