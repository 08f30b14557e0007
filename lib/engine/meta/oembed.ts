/**
 * TikTok oEmbed adapter: `GET {endpoint}?url=<video url>` → `{title, author_name, author_url,
 * thumbnail_url, …}` (https://developers.tiktok.com/doc/embed-videos). Failures are 502/504
 * problems; the fields the URL already gives are kept when oEmbed omits them.
 */
import { z } from "zod";
import { KilnError } from "../../errors.ts";
import { localMetadataProvider, type MetadataProvider } from "./mod.ts";

const OEmbedResponse = z.looseObject({
  title: z.string().optional(),
  author_name: z.string().optional(),
  author_unique_id: z.string().optional(),
  author_url: z.string().optional(),
  thumbnail_url: z.string().optional(),
  embed_product_id: z.string().optional(),
});

export function createOEmbedProvider(endpoint: string, timeoutMs = 10_000): MetadataProvider {
  return {
    name: "oembed",
    async lookup(url) {
      const base = await localMetadataProvider.lookup(url);
      const target = new URL(endpoint);
      target.searchParams.set("url", url.canonicalUrl);
      let response: Response;
      try {
        response = await fetch(target, {
          signal: AbortSignal.timeout(timeoutMs),
          headers: { accept: "application/json" },
        });
      } catch (error) {
        const timedOut = error instanceof DOMException && error.name === "TimeoutError";
        throw new KilnError(
          timedOut ? "timeout" : "upstream",
          timedOut ? "oembed_timeout" : "oembed_unreachable",
          "TikTok oEmbed could not be reached.",
        );
      }
      const text = await response.text();
      if (response.status === 400 || response.status === 404) {
        throw new KilnError("not_found", "video_not_found", "TikTok does not know this video.", {
          details: { upstreamStatus: response.status },
        });
      }
      if (!response.ok) {
        throw new KilnError("upstream", "oembed_error", `TikTok oEmbed answered ${response.status}.`, {
          details: { upstreamStatus: response.status },
        });
      }
      const parsed = OEmbedResponse.safeParse(safeJson(text));
      if (!parsed.success) {
        throw new KilnError("upstream", "oembed_malformed", "TikTok oEmbed returned an unexpected body.");
      }
      const data = parsed.data;
      return {
        ...base,
        videoId: base.videoId ?? data.embed_product_id ?? null,
        author: data.author_unique_id ? `@${data.author_unique_id}` : base.author,
        authorUrl: data.author_url ?? base.authorUrl,
        title: data.title ?? null,
        thumbnailUrl: data.thumbnail_url ?? null,
        source: "oembed",
      };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
