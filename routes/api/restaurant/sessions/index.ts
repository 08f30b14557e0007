import { define } from "../../../../lib/http/route.ts";
import { CreateSessionBody } from "../../../../lib/restaurant/http_schemas.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Start a restaurant assistant session (display session + cart)",
    tags: ["conversation"],
    auth: "display-service",
    body: CreateSessionBody,
    idempotent: true,
    async handle({ body, services }) {
      const session = await services.conversation!.restaurant.createSession(body);
      // voiceUrl: the voice socket (Stonepot's `/ws/restaurant/:id`), authorised by the write token.
      const voiceUrl = services.voice?.voiceUrl(session.sessionId, session.writeToken!);
      return { status: 201, json: { ...session, voiceUrl } };
    },
  }),
};
