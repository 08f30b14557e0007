import { z } from "zod";
import { KilnError } from "../../../lib/errors.ts";
import { define } from "../../../lib/http/route.ts";
import { studioRateLimit, transcriptionModule } from "../../../lib/transcription/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

const StudioForm = z.object({
  url: z.string().trim().max(2048).optional().describe("A media URL or a TikTok video link."),
  file: z.instanceof(File).optional().describe("An audio or video file (instead of `url`)."),
});

export const handler: Handlers = {
  POST: define.post({
    summary: "Transcribe a media or TikTok link, or an uploaded audio/video file (the studio page)",
    description: "multipart/form-data with `url` or `file`; no credentials. At most 10 per 10 minutes per " +
      "client address and TTT_MAX_MEDIA_BYTES per file. The returned id is the capability: follow it at " +
      "`events_url` (SSE) and read it at `status_url`.",
    tags: ["transcription"],
    bodyType: "multipart",
    body: StudioForm,
    bodyLimit: (services) => services.module(transcriptionModule).settings.maxMediaBytes + 64 * 1024,
    rateLimit: { rule: studioRateLimit, by: "ip" },
    responses: {
      202: {
        description: "Accepted. `cached: true` when the link was transcribed before (the result is ready).",
        schema: z.object({
          id: z.string(),
          cached: z.boolean(),
          status_url: z.string(),
          events_url: z.string(),
        }),
      },
      422: { description: "Neither `url` nor `file`, an empty file, or a link that is not public http(s)." },
    },
    async handle({ body, services }) {
      const source = body.file && body.file.size > 0
        ? { kind: "upload" as const, file: body.file }
        : body.url
        ? { kind: "url" as const, url: body.url }
        : undefined;
      if (!source) {
        throw new KilnError("invalid", "source_missing", "Send a link (`url`) or a file (`file`).");
      }
      const accepted = await services.module(transcriptionModule).studio.submit(source);
      return {
        status: 202,
        json: {
          id: accepted.id,
          cached: accepted.cached,
          status_url: `/api/transcription/${accepted.id}`,
          events_url: `/api/transcription/${accepted.id}/events`,
        },
      };
    },
  }),
};
