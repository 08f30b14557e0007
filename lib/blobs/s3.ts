/**
 * S3-compatible blob store (Cloudflare R2, MinIO, AWS S3) over plain HTTP with SigV4 signatures
 * from `aws4fetch`. Path-style URLs (`{endpoint}/{bucket}/{key}`) work on every S3-compatible
 * server without DNS per bucket. Keys are validated exactly like the local store's.
 */
import { AwsClient } from "aws4fetch";
import { KilnError } from "../errors.ts";
import { type BlobInfo, type BlobStore, contentTypeOf, validateBlobKey } from "./types.ts";

export interface S3Options {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}

export function createS3BlobStore(options: S3Options): BlobStore {
  const client = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    region: options.region ?? "auto",
    service: "s3",
    retries: 2,
  });
  const base = `${options.endpoint.replace(/\/$/, "")}/${encodeURIComponent(options.bucket)}`;
  const urlOf = (key: string) =>
    `${base}/${validateBlobKey(key).split("/").map(encodeURIComponent).join("/")}`;

  /** `missingIsAnswer`: a 404 means "no such blob" (reads, deletes) rather than a failure. */
  const send = async (
    url: string,
    init: RequestInit,
    what: string,
    missingIsAnswer = true,
  ): Promise<Response> => {
    let response: Response;
    try {
      response = await client.fetch(url, init);
    } catch (error) {
      throw new KilnError("upstream", "blob_store_unreachable", `S3 ${what} failed: ${String(error)}`);
    }
    if ((missingIsAnswer && response.status === 404) || response.ok) return response;
    const detail = (await response.text()).match(/<Code>([^<]+)<\/Code>/)?.[1] ?? response.statusText;
    throw new KilnError("upstream", "blob_store_error", `S3 ${what} answered ${response.status} ${detail}`);
  };

  const infoFrom = (key: string, response: Response): BlobInfo => ({
    key,
    size: Number(response.headers.get("content-length") ?? 0),
    contentType: response.headers.get("content-type") ?? contentTypeOf(key),
    modifiedAt: Date.parse(response.headers.get("last-modified") ?? "") || 0,
  });

  async function head(key: string): Promise<BlobInfo | null> {
    const response = await send(urlOf(key), { method: "HEAD" }, "HEAD");
    await response.body?.cancel();
    return response.status === 404 ? null : infoFrom(key, response);
  }

  return {
    async put(key, body, putOptions = {}) {
      const bytes = body instanceof Uint8Array
        ? body
        : new Uint8Array(await new Response(body).arrayBuffer());
      const contentType = putOptions.contentType ?? contentTypeOf(key);
      const response = await send(
        urlOf(key),
        {
          method: "PUT",
          body: bytes as BodyInit,
          headers: { "content-type": contentType },
        },
        "PUT",
        false,
      );
      await response.body?.cancel();
      return { key, size: bytes.length, contentType, modifiedAt: Date.now() };
    },
    async get(key) {
      const response = await send(urlOf(key), { method: "GET" }, "GET");
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      return { info: infoFrom(key, response), body: response.body ?? new Blob([]).stream() };
    },
    head,
    async delete(key) {
      const response = await send(urlOf(key), { method: "DELETE" }, "DELETE");
      await response.body?.cancel();
    },
    async *list(prefix) {
      let token: string | undefined;
      do {
        const url = new URL(base);
        url.searchParams.set("list-type", "2");
        url.searchParams.set("prefix", prefix);
        if (token) url.searchParams.set("continuation-token", token);
        const response = await send(url.toString(), { method: "GET" }, "ListObjectsV2", false);
        const xml = await response.text();
        for (const [, item] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
          const key = decodeXml(item.match(/<Key>([\s\S]*?)<\/Key>/)?.[1] ?? "");
          yield {
            key,
            size: Number(item.match(/<Size>(\d+)<\/Size>/)?.[1] ?? 0),
            contentType: contentTypeOf(key),
            modifiedAt: Date.parse(item.match(/<LastModified>([^<]+)<\/LastModified>/)?.[1] ?? "") || 0,
          };
        }
        const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
        token = truncated ? decodeXml(xml.match(/<NextContinuationToken>([^<]+)</)?.[1] ?? "") : undefined;
      } while (token);
    },
  };
}

function decodeXml(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
