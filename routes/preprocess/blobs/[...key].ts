import { KilnError } from "../../../lib/errors.ts";
import { contentTypeOf, validateBlobKey } from "../../../lib/blobs/types.ts";
import { define } from "../../../lib/http/route.ts";
import { maxBlobUploadBytes } from "../../../lib/preprocess/mod.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

const prefix = "/preprocess/blobs/";

/** The key is the rest of the path (dot segments and bad percent-encoding never get here: path_guard). */
function keyOf(url: URL): string {
  return validateBlobKey(decodeURIComponent(url.pathname.slice(prefix.length)));
}

export const handler: Handlers = {
  PUT: define.put({
    summary: "Upload a blob (admin; raw body; key = the rest of the path, e.g. staging/b1/x.tif)",
    tags: ["preprocess"],
    auth: "admin",
    bodyLimit: maxBlobUploadBytes,
    responses: {
      201: { description: "`{key, size, contentType, etag?}`." },
      413: { description: "Over 512 MB." },
      422: { description: "A key with `..`, an empty segment or a leading `/` (`invalid_blob_key`)." },
    },
    async handle({ url, request, services }) {
      const key = keyOf(url);
      if (!request.body) throw new KilnError("invalid", "empty_body", "Send the file as the request body.");
      const info = await services.blobs.put(key, request.body, {
        contentType: request.headers.get("content-type") ?? contentTypeOf(key),
      });
      return { status: 201, json: info };
    },
  }),
  GET: define.get({
    summary: "Download a blob (admin)",
    tags: ["preprocess"],
    auth: "admin",
    responses: {
      200: { description: "The blob's bytes, with its content type." },
      404: { description: "No blob with that key (`blob_not_found`)." },
    },
    async handle({ url, services }) {
      const blob = await services.blobs.get(keyOf(url));
      if (!blob) throw new KilnError("not_found", "blob_not_found", "No blob with that key.");
      return new Response(blob.body, {
        headers: { "content-type": blob.info.contentType, "content-length": String(blob.info.size) },
      });
    },
  }),
};
