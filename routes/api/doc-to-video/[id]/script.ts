import { z } from "zod";
import { docToVideoModule, JobParams, ScriptSections } from "../../../../lib/doc_to_video/mod.ts";
import { define } from "../../../../lib/http/route.ts";
import { ipRateLimitKey } from "../../../../lib/http/client_ip.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  PUT: define.put({
    summary: "Confirm a reviewed script (edited, reordered or trimmed sections) and start rendering it",
    description:
      "Only for jobs uploaded with review=true while their status is awaiting_review (409 otherwise). " +
      "The sections are checked by the same rules as a written script (422 with the problem); the answer is " +
      "the job's status, now following the render.",
    tags: ["doc-to-video"],
    params: JobParams,
    body: z.object({ sections: ScriptSections }).passthrough(),
    bodyLimit: 256 * 1024,
    responses: { 202: { description: "Rendering started." } },
    async handle({ params, body, services, clientIp, log }) {
      const service = services.module(docToVideoModule);
      await service.confirmScript(params.id, body, ipRateLimitKey(clientIp), log);
      return { status: 202, json: await service.status(params.id) };
    },
  }),
};
