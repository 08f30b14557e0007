/**
 * Downloads a media file into the blob store with the address guard (lib/net) applied to the first
 * URL and to every redirect, a byte cap enforced while streaming (Content-Length can lie), and a
 * time limit.
 */
import type { BlobStore } from "../blobs/types.ts";
import { KilnError } from "../errors.ts";
import { fetchPublic, type UrlPolicy } from "../net/public_url.ts";
import { parseMediaUrl } from "./url_policy.ts";

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

const maxRedirects = 5;

/** Stores the body under `key`; returns its size and content type. Refusals are KilnError "invalid". */
export async function fetchMediaToBlob(
  rawUrl: string,
  key: string,
  dependencies: { blobs: BlobStore; policy: UrlPolicy; limits: FetchLimits; signal: AbortSignal },
): Promise<{ size: number; contentType: string }> {
  const { blobs, policy, limits } = dependencies;
  const signal = AbortSignal.any([dependencies.signal, AbortSignal.timeout(limits.timeoutMs)]);
  let response: Response;
  try {
    response = await fetchPublic(parseMediaUrl(rawUrl), { policy, maxRedirects, signal });
  } catch (error) {
    if (error instanceof KilnError) throw error;
    if (signal.aborted && !dependencies.signal.aborted) {
      throw new KilnError(
        "timeout",
        "media_fetch_timeout",
        `Downloading the media took longer than ${limits.timeoutMs} ms.`,
      );
    }
    if (dependencies.signal.aborted) throw error;
    throw new KilnError(
      "upstream",
      "media_fetch_failed",
      `The media could not be downloaded: ${String(error)}`,
    );
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    // A 4xx (other than 408/429) will not change on retry: fail for good; 5xx may be transient.
    const permanent = response.status >= 400 && response.status < 500 &&
      ![408, 429].includes(response.status);
    throw new KilnError(
      permanent ? "invalid" : "upstream",
      "media_fetch_failed",
      `The media server answered ${response.status}.`,
      {
        details: { upstreamStatus: response.status },
      },
    );
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limits.maxBytes) {
    await response.body.cancel();
    throw tooLarge(limits.maxBytes);
  }
  let size = 0;
  const capped = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > limits.maxBytes) controller.error(tooLarge(limits.maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  const contentType = response.headers.get("content-type") ?? "application/octet-stream";
  try {
    await blobs.put(key, capped, { contentType });
  } catch (error) {
    if (error instanceof KilnError) throw error;
    if (size > limits.maxBytes) throw tooLarge(limits.maxBytes);
    if (signal.aborted && !dependencies.signal.aborted) {
      throw new KilnError(
        "timeout",
        "media_fetch_timeout",
        `Downloading the media took longer than ${limits.timeoutMs} ms.`,
      );
    }
    throw error;
  }
  return { size, contentType };
}

function tooLarge(maxBytes: number): KilnError {
  return new KilnError("too_large", "media_too_large", `The media is larger than ${maxBytes} bytes.`);
}
