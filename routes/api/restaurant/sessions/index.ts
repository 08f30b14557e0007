import { define } from "../../../../lib/http/route.ts";
import { conversationModule, CreateSessionBody } from "../../../../lib/conversation/mod.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";
import { voiceModule } from "../../../../lib/voice/mod.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Start a restaurant assistant session (display session + cart)",
    tags: ["conversation"],
    auth: "display-service",
    body: CreateSessionBody,
    idempotent: true,
    async handle({ body, services }) {
      const session = await services.module(conversationModule).restaurant.createSession(body);
      // voiceUrl: the voice socket (Stonepot's `/ws/restaurant/:id`), authorised by the write token.
      const voiceUrl = services.module(voiceModule).voiceUrl(session.sessionId, session.writeToken!);
      return { status: 201, json: { ...session, voiceUrl } };
    },
  }),
};
