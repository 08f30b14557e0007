/**
 * Serving a job's files with single-range support: browsers' <video> elements ask for byte ranges
 * and Safari will not play without them. Files are small (a few MB), so a range is cut in memory.
 */
import type { StoredBlob } from "../blobs/types.ts";

export async function fileResponse(
  stored: StoredBlob,
  range: string | null,
  name: string,
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": stored.info.contentType,
    "accept-ranges": "bytes",
    "cache-control": "private, max-age=1800",
    "content-disposition": `inline; filename="${name}"`,
  };
  const size = stored.info.size;
  const match = range?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === "" && match[2] === "")) {
    return new Response(stored.body, { headers: { ...headers, "content-length": String(size) } });
  }
  const start = match[1] === "" ? Math.max(0, size - Number(match[2])) : Number(match[1]);
  const end = match[1] === "" || match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start > end || start >= size) {
    await stored.body.cancel();
    return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}` } });
  }
  const bytes = new Uint8Array(await new Response(stored.body).arrayBuffer()).slice(start, end + 1);
  return new Response(bytes, {
    status: 206,
    headers: {
      ...headers,
      "content-range": `bytes ${start}-${end}/${size}`,
      "content-length": String(bytes.length),
    },
  });
}
