import { KilnError } from "../../../lib/errors.ts";
import { contentTypeOf, validateBlobKey } from "../../../lib/blobs/types.ts";
import { define } from "../../../lib/http/route.ts";
import type { Handlers } from "../../../lib/web/manifest.ts";

const prefix = "/preprocess/blobs/";
const maxUploadBytes = 512 * 1024 * 1024;

/** The key is the rest of the path (dot segments and bad percent-encoding never get here: path_guard). */
function keyOf(url: URL): string {
  return validateBlobKey(decodeURIComponent(url.pathname.slice(prefix.length)));
}

export const handler: Handlers = {
  PUT: define.put({
    summary: "Upload a blob (admin; raw body; key = the rest of the path, e.g. staging/b1/x.tif)",
    tags: ["preprocess"],
    auth: "admin",
    bodyLimit: maxUploadBytes,
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
    async handle({ url, services }) {
      const blob = await services.blobs.get(keyOf(url));
      if (!blob) throw new KilnError("not_found", "blob_not_found", "No blob with that key.");
      return new Response(blob.body, {
        headers: { "content-type": blob.info.contentType, "content-length": String(blob.info.size) },
      });
    },
  }),
};
