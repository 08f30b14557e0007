import { z } from "zod";
import { KilnError } from "../../../../lib/errors.ts";
import { parseJson, validate } from "../../../../lib/http/body.ts";
import { define } from "../../../../lib/http/route.ts";
import {
  BatchId,
  CallbackBody,
  preprocessModule,
  signatureHeader,
  verifySignature,
} from "../../../../lib/preprocess/mod.ts";
import type { Handlers } from "../../../../lib/web/manifest.ts";

const maxBytes = 256 * 1024;

export const handler: Handlers = {
  POST: define.post({
    summary: "External worker result (the seed's success/error payload), HMAC-signed",
    description:
      'Header `X-Kiln-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>" with PREPROCESS_CALLBACK_SECRET>`. Duplicates are no-ops.',
    tags: ["preprocess"],
    params: z.object({ batchId: BatchId, taskId: z.string().min(1).max(200) }),
    bodyLimit: maxBytes,
    responses: {
      200: { description: "`{applied}`: false for a duplicate or late callback (nothing changes)." },
      401: { description: "Missing or invalid `X-Kiln-Signature` (`bad_signature`)." },
      404: { description: "No such batch or task." },
      413: { description: "The body is over the callback limit." },
      422: { description: "Not the seed's success/error payload." },
    },
    async handle({ params, request, services }) {
      const preprocess = services.module(preprocessModule);
      // The signature covers the exact bytes, so the body is read here rather than pre-parsed (the
      // route layer already cut it off at bodyLimit, by Content-Length or while streaming).
      const text = await request.text();
      const signed = await verifySignature(
        preprocess.settings.callbackSecret,
        text,
        request.headers.get(signatureHeader),
      );
      if (!signed) {
        throw new KilnError("unauthorized", "bad_signature", "Missing or invalid X-Kiln-Signature.");
      }
      const body = validate(CallbackBody, parseJson(text), "body");
      const result = await preprocess.handleCallback(params.batchId, params.taskId, body);
      return { json: result };
    },
  }),
};
