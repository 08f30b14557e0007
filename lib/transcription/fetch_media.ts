/**
 * Downloads a media file into the blob store with the URL policy applied to the first URL and to
 * every redirect, a byte cap enforced while streaming (Content-Length can lie), and a time limit.
 * A URL that answers a web page (a TikTok video page, a `vm.tiktok.com` short link once redirected)
 * is resolved to the media it shows (resolve/page.ts) and that media is fetched the same guarded
 * way, with the cookies the page set (a cookie jar across every hop) and the page as Referer.
 */
import { CookieJar } from "tough-cookie";
import type { BlobStore } from "../blobs/types.ts";
import { KilnError } from "../errors.ts";
import { readBodyLimited } from "../http/body.ts";
import { type PageResolverSettings, resolvePage } from "./resolve/page.ts";
import { assertPublicUrl, parseMediaUrl, type UrlPolicy } from "./url_policy.ts";

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

export interface FetchDependencies {
  blobs: BlobStore;
  policy: UrlPolicy;
  limits: FetchLimits;
  resolver: PageResolverSettings;
  signal: AbortSignal;
}

const maxRedirects = 5;
/** A video page is HTML of a few hundred KiB; more than this is not a page worth parsing. */
const maxPageBytes = 5 * 1024 * 1024;
/** Page hosts serve their embedded state to browsers (yt-dlp sends the same minimal agent). */
const browserHeaders = { "user-agent": "Mozilla/5.0", accept: "*/*" };

/** Stores the media under `key`; returns its size and content type. Refusals are KilnError "invalid". */
export async function fetchMediaToBlob(
  rawUrl: string,
  key: string,
  dependencies: FetchDependencies,
): Promise<{ size: number; contentType: string }> {
  const { blobs, limits } = dependencies;
  const signal = AbortSignal.any([dependencies.signal, AbortSignal.timeout(limits.timeoutMs)]);
  const guarded: Guarded = {
    policy: dependencies.policy,
    jar: new CookieJar(),
    signal,
    jobSignal: dependencies.signal,
    timeoutMs: limits.timeoutMs,
  };
  let target = await openFollowingRedirects(parseMediaUrl(rawUrl), browserHeaders, guarded);
  if (isWebPage(target.response)) {
    const pageUrl = target.url.href;
    const html = await readPage(target.response);
    const media = await resolvePage(pageUrl, html, dependencies.resolver, signal);
    for (const cookie of media.cookies) {
      await guarded.jar.setCookie(cookie, media.urls[0], { ignoreError: true });
    }
    target = await openFirstMedia(
      media.urls,
      { ...browserHeaders, referer: pageUrl, ...media.headers },
      guarded,
    );
  }
  const { response } = target;
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    // A 4xx (other than 408/429) will not change on retry: fail for good; 5xx may be transient.
    const permanent = response.status >= 400 && response.status < 500 &&
      ![408, 429].includes(response.status);
    throw new KilnError(
      permanent ? "invalid" : "upstream",
      "media_fetch_failed",
      `The media server answered ${response.status}.`,
      { details: { upstreamStatus: response.status } },
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
    throw failure(error, guarded);
  }
  return { size, contentType };
}

interface Guarded {
  policy: UrlPolicy;
  jar: CookieJar;
  /** The job's signal and the download's time limit together. */
  signal: AbortSignal;
  jobSignal: AbortSignal;
  timeoutMs: number;
}

/** GET with the policy checked before every hop and the jar's cookies sent and updated on each. */
async function openFollowingRedirects(
  start: URL,
  headers: Record<string, string>,
  guarded: Guarded,
): Promise<{ url: URL; response: Response }> {
  let url = start;
  try {
    for (let hop = 0; hop <= maxRedirects; hop++) {
      await assertPublicUrl(url, guarded.policy);
      const cookie = await guarded.jar.getCookieString(url.href);
      const response = await fetch(url, {
        redirect: "manual",
        signal: guarded.signal,
        headers: cookie ? { ...headers, cookie } : headers,
      });
      for (const set of response.headers.getSetCookie()) {
        await guarded.jar.setCookie(set, url.href, { ignoreError: true });
      }
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { url, response };
      await response.body?.cancel();
      url = parseMediaUrl(new URL(location, url).toString());
    }
  } catch (error) {
    if (error instanceof KilnError) throw error;
    throw failure(error, guarded);
  }
  throw new KilnError("upstream", "too_many_redirects", "The media URL redirected too often.");
}

/** The first candidate that answers media (not another page, not an error), else the last answer. */
async function openFirstMedia(
  urls: string[],
  headers: Record<string, string>,
  guarded: Guarded,
): Promise<{ url: URL; response: Response }> {
  let last: { url: URL; response: Response } | undefined;
  for (const candidate of urls.slice(0, 3)) {
    if (last) await last.response.body?.cancel();
    last = await openFollowingRedirects(parseMediaUrl(candidate), headers, guarded);
    if (last.response.ok && !isWebPage(last.response)) return last;
  }
  if (last && isWebPage(last.response)) {
    await last.response.body?.cancel();
    throw new KilnError("invalid", "media_not_found", "The page's media address answered another web page.");
  }
  return last!;
}

function isWebPage(response: Response): boolean {
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  return response.ok && (type === "text/html" || type === "application/xhtml+xml");
}

async function readPage(response: Response): Promise<string> {
  try {
    return new TextDecoder().decode(await readBodyLimited(response, maxPageBytes));
  } catch (error) {
    if (!(error instanceof KilnError && error.kind === "too_large")) throw error;
    throw new KilnError(
      "invalid",
      "media_not_found",
      "The URL is a web page too large to look for media in.",
    );
  }
}

/** What a failed fetch means: the job's own abort passes through, else a timeout or a download failure. */
function failure(error: unknown, guarded: Guarded): unknown {
  if (guarded.jobSignal.aborted) return error;
  if (guarded.signal.aborted) {
    return new KilnError(
      "timeout",
      "media_fetch_timeout",
      `Downloading the media took longer than ${guarded.timeoutMs} ms.`,
    );
  }
  return new KilnError(
    "upstream",
    "media_fetch_failed",
    `The media could not be downloaded: ${String(error)}`,
  );
}

function tooLarge(maxBytes: number): KilnError {
  return new KilnError("too_large", "media_too_large", `The media is larger than ${maxBytes} bytes.`);
}
