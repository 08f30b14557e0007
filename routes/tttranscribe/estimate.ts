import { z } from "zod";
import { readJsonBody, validate } from "../../lib/http/body.ts";
import { define } from "../../lib/http/route.ts";
import {
  engineAuthKind,
  transcriptionModule,
  withSeedBadRequest,
  withTranscriptionToken,
} from "../../lib/transcription/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

const EstimateBody = z.object({ url: z.string().min(1).max(2048) });

export const handler: Handlers = {
  POST: define.post({
    summary: "Estimate duration and credits for a media URL",
    description:
      "Needs `X-Engine-Auth`. Body `{url}`. Uses the cached result when there is one, else the file size.",
    tags: ["transcription"],
    auth: engineAuthKind,
    // Read below, not by a body schema: a body without a usable url is the seed's 400, not a 422.
    responses: {
      200: { description: "`{estimatedDurationSeconds, estimatedCredits, …}`." },
      400: { description: "No usable url in the body (the seed's status)." },
      422: {
        description: "Not an http(s) URL, or a private address (`url_not_allowed`, `url_unresolvable`).",
      },
      429: { description: "The client's token bucket is empty (`Retry-After`)." },
    },
    async handle({ request, services, clientIp }) {
      const transcription = services.module(transcriptionModule);
      const { value, headers } = await withTranscriptionToken(
        services.rateLimiter,
        transcription.rateLimitRule,
        { request, clientIp },
        () =>
          withSeedBadRequest(async () => {
            const parsed = await readJsonBody(request, 16 * 1024);
            return transcription.estimate(validate(EstimateBody, parsed.value ?? {}, "body").url);
          }),
      );
      return { json: value, headers };
    },
  }),
};
