import { z } from "zod";
import { mediaType, readJsonBody, readMultipartBody, validate } from "../../lib/http/body.ts";
import { define } from "../../lib/http/route.ts";
import {
  acceptedBody,
  engineAuthKind,
  transcriptionModule,
  type TranscriptionSource,
  withSeedBadRequest,
  withTranscriptionToken,
} from "../../lib/transcription/mod.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

const requestIdSchema = z.string().min(1).max(200).optional();
const JsonBody = z.object({
  url: z.string().min(1).max(2048),
  requestId: requestIdSchema,
  authorizeDuration: z.boolean().optional(),
});
const UploadFields = z.object({ file: z.instanceof(File), requestId: requestIdSchema });

export const handler: Handlers = {
  POST: define.post({
    summary: "Start a transcription of a media URL or an uploaded audio/video file",
    description: "JSON `{url, requestId?}` or multipart/form-data with `file` (and optional `requestId`). " +
      "Needs `X-Engine-Auth`. With a `requestId`, the outcome is also sent as a signed webhook; " +
      "repeating a requestId returns the first transcription.",
    tags: ["transcription"],
    auth: engineAuthKind,
    // The body is read below: this route takes JSON or multipart, and the wrapper handles one of them.
    responses: {
      202: {
        description:
          'Accepted: `{id, requestId, request_id, status: "queued", submittedAt, estimatedProcessingTime, url, statusUrl, statusPollUrl, cached}`.',
      },
      400: { description: "No usable url in the body (the seed's status)." },
    },
    async handle({ request, services, clientIp }) {
      const transcription = services.module(transcriptionModule);
      const { value: accepted, headers } = await withTranscriptionToken(
        services.rateLimiter,
        transcription.rateLimitRule,
        { request, clientIp },
        () =>
          withSeedBadRequest(async () =>
            transcription.accept(await readTranscribeRequest(request, transcription.settings.maxMediaBytes))
          ),
      );
      return { status: 202, headers, json: acceptedBody(accepted, transcription.settings.publicUrl) };
    },
  }),
};

async function readTranscribeRequest(
  request: Request,
  maxMediaBytes: number,
): Promise<{ source: TranscriptionSource; requestId?: string; authorizeDuration?: boolean }> {
  if (mediaType(request) === "multipart/form-data") {
    const form = await readMultipartBody(request, maxMediaBytes + 64 * 1024);
    const fields = validate(UploadFields, {
      file: form.get("file") ?? undefined,
      requestId: form.get("requestId") ?? undefined,
    }, "body");
    return { source: { kind: "upload", file: fields.file }, requestId: fields.requestId };
  }
  const parsed = await readJsonBody(request, 16 * 1024);
  const body = validate(JsonBody, parsed.value ?? {}, "body");
  return {
    source: { kind: "url", url: body.url },
    requestId: body.requestId,
    authorizeDuration: body.authorizeDuration,
  };
}
