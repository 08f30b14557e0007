import { z } from "zod";
import { define } from "../../lib/http/route.ts";
import { engineAuthKind } from "../../lib/transcription/auth.ts";
import { withTranscriptionToken } from "../../lib/transcription/limit.ts";
import { transcriptionOf } from "../../lib/transcription/require.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Estimate duration and credits for a media URL",
    description: "Needs `X-Engine-Auth`. Uses the cached result when there is one, else the file size.",
    tags: ["transcription"],
    auth: engineAuthKind,
    body: z.object({ url: z.string().min(1).max(2048) }),
    responses: {
      200: { description: "`{estimatedDurationSeconds, estimatedCredits, …}`." },
      422: {
        description: "Not an http(s) URL, or a private address (`url_not_allowed`, `url_unresolvable`).",
      },
      429: { description: "The client's token bucket is empty (`Retry-After`)." },
    },
    async handle({ body, services, clientIp }) {
      const transcription = transcriptionOf(services);
      const { value, headers } = await withTranscriptionToken(
        services.rateLimiter,
        transcription.rateLimitRule,
        clientIp,
        () => transcription.estimate(body.url),
      );
      return { json: value, headers };
    },
  }),
};
