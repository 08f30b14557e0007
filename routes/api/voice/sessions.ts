import { define } from "../../../lib/http/route.ts";
import { StartVoiceSessionBody, voiceModule } from "../../../lib/voice/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Start a voice ordering session for a tenant's menu (the Order by voice page)",
    description:
      "Public, like a restaurant's own ordering page: any tenant with a menu; without `tenantId`, " +
      "the demo curry house. Returns the voice socket URL (with the session's write token) and the display URL.",
    tags: ["conversation"],
    body: StartVoiceSessionBody,
    responses: {
      201: {
        description:
          "The session: `voiceUrl` (the voice socket with its write token), `displayUrl` and the tenant.",
      },
    },
    rateLimit: {
      rule: { name: "voice_sessions", algorithm: "fixed_window", limit: 10, windowMs: 60_000 },
      by: "ip",
    },
    async handle({ body, services }) {
      return { status: 201, json: await services.module(voiceModule).startSession(body) };
    },
  }),
};
