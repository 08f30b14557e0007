import { define } from "../../lib/http/route.ts";
import { engineModule, MediaUrlBody, type ServicePrincipal, serviceScope } from "../../lib/engine/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Start a transcription with a vended service token (proxied to the transcription service)",
    description:
      "One service token starts one transcription. Timeout 10 min, retries 1/2/4 s on 5xx/429/timeouts, circuit breaker (503 + Retry-After when open).",
    tags: ["engine"],
    auth: "service",
    scopes: [serviceScope],
    body: MediaUrlBody,
    responses: {
      202: { description: "`{id, status, statusUrl}` from the transcription service." },
      409: { description: "This service token already started a transcription (`token_already_used`)." },
      502: {
        description:
          "The service kept failing (`upstream_error`); 503 unavailable or circuit open, 504 timeout.",
      },
    },
    async handle({ principal, body, services }) {
      const caller = principal as ServicePrincipal;
      const answer = await services.module(engineModule).proxyTranscribe(
        { userId: caller.id, tokenId: caller.tokenId },
        body.url,
      );
      return { status: answer.status, json: answer.json };
    },
  }),
};
