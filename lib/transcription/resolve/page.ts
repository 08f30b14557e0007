/**
 * From a web page to the media it shows: yt-dlp when it is installed (MEDIA_RESOLVER=auto) or
 * required (yt-dlp), else Kiln's own reading of TikTok's embedded page state (tiktok_page.ts). A
 * page with nothing to transcribe fails with its own code, never as "unreadable media".
 */
import { KilnError } from "../../errors.ts";
import { toolAvailable } from "../../media/tools.ts";
import { extractTikTokMedia } from "./tiktok_page.ts";
import { resolveWithYtDlp } from "./yt_dlp.ts";

export interface PageResolverSettings {
  mode: "auto" | "builtin" | "yt-dlp";
  ytDlpBinary: string;
}

export interface PageMediaResolution {
  /** Candidate media URLs, best first. */
  urls: string[];
  headers: Record<string, string>;
  cookies: string[];
  resolver: "builtin" | "yt-dlp";
}

const availability = new Map<string, { at: number; value: Promise<boolean> }>();
const availabilityCacheMs = 60_000;

/** Whether the yt-dlp binary runs (remembered for a minute: probing spawns a process). */
export function ytDlpAvailable(binary: string): Promise<boolean> {
  const known = availability.get(binary);
  if (known && Date.now() - known.at < availabilityCacheMs) return known.value;
  const value = toolAvailable(binary, "--version");
  availability.set(binary, { at: Date.now(), value });
  return value;
}

export async function resolvePage(
  pageUrl: string,
  html: string,
  settings: PageResolverSettings,
  signal: AbortSignal,
): Promise<PageMediaResolution> {
  const useYtDlp = settings.mode === "yt-dlp" ||
    (settings.mode === "auto" && await ytDlpAvailable(settings.ytDlpBinary));
  if (useYtDlp) {
    try {
      const media = await resolveWithYtDlp(settings.ytDlpBinary, pageUrl, signal);
      return { urls: [media.url], headers: media.headers, cookies: media.cookies, resolver: "yt-dlp" };
    } catch (error) {
      // Required: its refusal is the answer. Preferred: Kiln still reads the page it already has.
      if (settings.mode === "yt-dlp" || signal.aborted) throw error;
    }
  }
  const found = extractTikTokMedia(html, pageUrl);
  switch (found.kind) {
    case "media":
      return { urls: found.urls, headers: {}, cookies: [], resolver: "builtin" };
    case "private":
      throw new KilnError("invalid", "media_private", "The video is private or needs a login to watch.");
    case "unavailable":
      throw new KilnError(
        "invalid",
        "media_unavailable",
        `The video is not available (the page reports status ${found.statusCode}).`,
      );
    default:
      throw new KilnError(
        "invalid",
        "media_not_found",
        "The URL is a web page with no video or audio to transcribe.",
      );
  }
}
