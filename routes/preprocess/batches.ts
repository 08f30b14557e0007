import { define } from "../../lib/http/route.ts";
import { preprocessModule, QueueMessage, writerAuth } from "../../lib/preprocess/mod.ts";
import { PageQuery } from "../../lib/store/page.ts";
import type { Handlers } from "../../lib/web/manifest.ts";

/** The seed's queue message as an HTTP call; also mounted at /preprocess/test (the seed's local alias). */
export const submitBatch = define.post({
  summary: "Submit a batch: one TIFF→JPEG task per .tif/.tiff file, the rest pass through (202)",
  description: "Any form of Arke's queue message: `{batch_id, files}`, `{batch_id, directories: " +
    "[{directory_path, processing_config, files}]}` or `{batch_id, manifest_r2_key, root_pi, node_pis, …}` " +
    "(the manifest is read from the blob store; a missing or malformed one is a 422 naming the key). " +
    "Re-posting the same batch_id with the same files returns the existing batch.",
  tags: ["preprocess"],
  auth: writerAuth,
  body: QueueMessage,
  bodyLimit: 4 * 1024 * 1024,
  idempotent: true,
  responses: {
    202: {
      description:
        '`{batch_id, status: "TIFF_CONVERSION", progress, …, status_url, page_url, events_url}`; ' +
        "the existing batch when the same message is posted again.",
    },
  },
  openapi: {
    errors: {
      409: "`batch_exists`: the batch id was used with other files.",
      422: "`validation_failed`, `batch_empty`, `batch_too_large`, `manifest_not_found`, " +
        "`manifest_invalid`, `manifest_mismatch` or `invalid_blob_key` (manifest errors name the key).",
    },
  },
  async handle({ body, services }) {
    const { body: response } = await services.module(preprocessModule).submit(body);
    return { status: 202, json: response };
  },
});

export const handler: Handlers = {
  GET: define.get({
    summary: "Every batch with its status and links, in batch-id order (admin or ingest service)",
    tags: ["preprocess"],
    auth: writerAuth,
    query: PageQuery,
    responses: {
      200: { description: "`{items: [status + status_url, page_url, events_url], nextCursor}`." },
      401: { description: "No admin or PREPROCESS_SERVICE_TOKEN credentials." },
    },
    async handle({ query, services }) {
      return {
        headers: { "cache-control": "no-store" },
        json: await services.module(preprocessModule).list(query),
      };
    },
  }),
  POST: submitBatch,
};
