import { bearerToken } from "../../../lib/http/auth.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";
import { AnyUpdateBody, SessionIdParams } from "../../../lib/conversation/http_schemas.ts";

export const handler: Handlers = {
  POST: define.post({
    summary: "Post one display update (envelope {type, data} or legacy flat shape)",
    description:
      "Service token or the session's write token. Unknown types and bad fields → 422 listing the problems.",
    tags: ["conversation"],
    params: SessionIdParams,
    idempotent: true,
    body: AnyUpdateBody,
    bodyLimit: 16_384,
    async handle({ params, body, request, services }) {
      const [update] = await services.conversation!.display.write(params.id, bearerToken(request), [body]);
      return { status: 201, json: { seq: update.seq, update } };
    },
  }),
};
