import { define } from "../../lib/http/route.ts";
import type { ServicePrincipal } from "../../lib/engine/auth.ts";
import { MediaUrlBody } from "../../lib/engine/schemas.ts";
import { serviceScope } from "../../lib/engine/tokens.ts";
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
    async handle({ principal, body, services }) {
      const caller = principal as ServicePrincipal;
      const answer = await services.engine!.proxyTranscribe(
        { userId: caller.id, tokenId: caller.tokenId },
        body.url,
      );
      return { status: answer.status, json: answer.json };
    },
  }),
};
