import { docToVideoModule, FileParams, fileResponse } from "../../../../../lib/doc_to_video/mod.ts";
import { define } from "../../../../../lib/http/route.ts";
import type { Handlers } from "../../../../../lib/web/manifest.ts";

export const handler: Handlers = {
  GET: define.get({
    summary: "Download a job's video.mp4, captions.vtt or script.txt (supports Range for players)",
    tags: ["doc-to-video"],
    params: FileParams,
    responses: {
      200: { description: "The file (video/mp4, text/vtt or text/plain)." },
      206: { description: "The requested byte range (`Range: bytes=…`)." },
      404: { description: "No such job or file (not rendered yet, or expired)." },
      416: { description: "A range outside the file." },
    },
    async handle({ params, services, request }) {
      const stored = await services.module(docToVideoModule).file(params.id, params.name);
      return await fileResponse(stored, request.headers.get("range"), params.name);
    },
  }),
};
