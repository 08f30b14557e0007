/**
 * Finds the media behind a TikTok video page the way yt-dlp's TikTok extractor does: the page
 * embeds its state as JSON in `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">` (scope
 * `__DEFAULT_SCOPE__["webapp.video-detail"]`), older pages in `SIGI_STATE` (`ItemModule[id]`) or
 * Next.js `__NEXT_DATA__` (`props.pageProps.itemInfo.itemStruct`). The item's `video.bitrateInfo`
 * play addresses, `video.playAddr` and `video.downloadAddr` are the formats (slideshows have only
 * `music.playUrl`); `statusCode` says private (10216, 10222) or otherwise unavailable. The media
 * host also wants the cookies the page set (`tt_chain_token`) and the page as Referer — the caller
 * keeps those (cookie jar). Pure parsing: no network here.
 */

export type PageMedia =
  | {
    kind: "media";
    /** Candidate media URLs, best first (absolute). */
    urls: string[];
    videoId?: string;
    title?: string;
    /** Seconds, as the page states it (informational: billing uses the measured duration). */
    durationSeconds?: number;
  }
  | { kind: "private" }
  | { kind: "unavailable"; statusCode: number }
  /** A TikTok page whose item has no playable address. */
  | { kind: "no_media" }
  /** Not a page with TikTok's embedded state at all. */
  | { kind: "not_tiktok" };

const privateStatuses = new Set([10216, 10222]);

export function extractTikTokMedia(html: string, pageUrl: string): PageMedia {
  const found = findItem(html);
  if (!found) return { kind: "not_tiktok" };
  const { status, item } = found;
  if (privateStatuses.has(status)) return { kind: "private" };
  if (status !== 0) return { kind: "unavailable", statusCode: status };
  if (!item) return { kind: "no_media" };
  const urls = formatUrls(item, pageUrl);
  if (urls.length === 0) return { kind: "no_media" };
  const video = record(item.video);
  const duration = Number(video.duration) || Number(record(item.music).duration) || undefined;
  return {
    kind: "media",
    urls,
    videoId: typeof item.id === "string" ? item.id : undefined,
    title: typeof item.desc === "string" ? item.desc : undefined,
    durationSeconds: duration && duration > 0 ? duration : undefined,
  };
}

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return value && typeof value === "object" && !Array.isArray(value) ? value as Json : {};
}

function findItem(html: string): { status: number; item?: Json } | undefined {
  const universal = scriptJson(html, "__UNIVERSAL_DATA_FOR_REHYDRATION__");
  if (universal) {
    const detail = record(record(record(universal).__DEFAULT_SCOPE__)["webapp.video-detail"]);
    const item = record(record(detail.itemInfo).itemStruct);
    return { status: Number(detail.statusCode) || 0, item: Object.keys(item).length ? item : undefined };
  }
  const sigi = scriptJson(html, "SIGI_STATE") ?? scriptJson(html, "sigi-persisted-data");
  if (sigi) {
    const state = record(sigi);
    const items = Object.values(record(state.ItemModule)).map(record);
    return { status: Number(record(state.VideoPage).statusCode) || 0, item: items[0] };
  }
  const next = scriptJson(html, "__NEXT_DATA__");
  if (next) {
    const props = record(record(record(next).props).pageProps);
    const item = record(record(props.itemInfo).itemStruct);
    return { status: Number(props.statusCode) || 0, item: Object.keys(item).length ? item : undefined };
  }
  return undefined;
}

/** The JSON inside `<script id="ID" …>…</script>`, or undefined. */
function scriptJson(html: string, id: string): unknown {
  const open = new RegExp(`<script[^>]*\\bid=["']${id}["'][^>]*>`, "i").exec(html);
  if (!open) return undefined;
  const start = open.index + open[0].length;
  const end = html.indexOf("</script>", start);
  if (end < 0) return undefined;
  try {
    return JSON.parse(html.slice(start, end));
  } catch {
    return undefined;
  }
}

function formatUrls(item: Json, pageUrl: string): string[] {
  const video = record(item.video);
  const candidates: unknown[] = [];
  for (const bitrate of Array.isArray(video.bitrateInfo) ? video.bitrateInfo : []) {
    const list = record(record(bitrate).PlayAddr).UrlList;
    if (Array.isArray(list)) candidates.push(...list);
  }
  const play = video.playAddr;
  if (Array.isArray(play)) candidates.push(...play.map((entry) => record(entry).src));
  else candidates.push(play);
  candidates.push(video.downloadAddr, record(video.download).url);
  // An audio-only slideshow: the sound is the only media.
  if (!candidates.some((candidate) => typeof candidate === "string" && candidate)) {
    candidates.push(record(item.music).playUrl);
  }
  const seen = new Set<string>();
  const urls: string[] = [];
  for (const candidate of candidates) {
    if (typeof candidate !== "string" || !candidate) continue;
    let url: URL;
    try {
      url = new URL(candidate.startsWith("//") ? `https:${candidate}` : candidate, pageUrl);
    } catch {
      continue;
    }
    // yt-dlp drops formats served from the page host itself: they answer an HTML error page.
    if (url.hostname === "www.tiktok.com" || seen.has(url.href)) continue;
    seen.add(url.href);
    urls.push(url.href);
  }
  return urls;
}
