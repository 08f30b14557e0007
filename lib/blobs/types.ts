/**
 * Large binary data (PDFs, audio, images, videos) lives in a blob store, never in KV values
 * (≤ 64 KiB). A key is a relative, slash-separated path; the local directory store and the
 * S3-compatible store (R2, MinIO) both implement this interface, chosen in main.ts.
 */
import { KilnError } from "../errors.ts";

export interface BlobInfo {
  key: string;
  size: number;
  contentType: string;
  /** Epoch milliseconds. */
  modifiedAt: number;
}

export interface StoredBlob {
  info: BlobInfo;
  body: ReadableStream<Uint8Array>;
}

export interface BlobStore {
  /** Stores `body` under `key`, replacing any previous blob atomically (readers see old or new, never half). */
  put(
    key: string,
    body: Uint8Array | ReadableStream<Uint8Array>,
    options?: { contentType?: string },
  ): Promise<BlobInfo>;
  get(key: string): Promise<StoredBlob | null>;
  head(key: string): Promise<BlobInfo | null>;
  /** Removes the blob; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Blobs whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** A filesystem path for tools such as ffmpeg — only for local stores. */
  localPath?(key: string): string;
}

const maxKeyLength = 1024;
/** File systems refuse longer names (ext4, APFS: 255 bytes); S3 would take them, but keys must suit both. */
const maxSegmentBytes = 255;

/**
 * Returns the key if it is a safe relative path: no empty, `.` or `..` segments, no segment longer
 * than a file name may be, no leading slash, no backslashes or control characters. Keys come from API callers, so one that could escape the
 * store's root is refused, not normalised.
 */
export function validateBlobKey(key: string): string {
  const invalid = key.length === 0 || key.length > maxKeyLength || key.startsWith("/") ||
    key.includes("\\") ||
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f]/.test(key) ||
    key.split("/").some((segment) =>
      segment === "" || segment === "." || segment === ".." ||
      new TextEncoder().encode(segment).length > maxSegmentBytes
    );
  if (invalid) {
    throw new KilnError(
      "invalid",
      "invalid_blob_key",
      "A blob key is a relative path like staging/b1/page.tif, without '..', empty or over-long segments.",
    );
  }
  return key;
}

const contentTypes: Record<string, string> = {
  pdf: "application/pdf",
  mp4: "video/mp4",
  vtt: "text/vtt; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  json: "application/json",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  tif: "image/tiff",
  tiff: "image/tiff",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  webm: "video/webm",
};

/** The media type implied by a key's extension (application/octet-stream when unknown). */
export function contentTypeOf(key: string): string {
  const extension = key.slice(key.lastIndexOf(".") + 1).toLowerCase();
  return contentTypes[extension] ?? "application/octet-stream";
}
