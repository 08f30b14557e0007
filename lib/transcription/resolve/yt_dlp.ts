/**
 * yt-dlp as the page resolver when its binary is installed: it knows many more sites and keeps up
 * with TikTok's changes. It only resolves (`--dump-single-json`, nothing downloaded): Kiln fetches
 * the media itself through its URL policy, with the headers and cookies yt-dlp reports for the
 * chosen format, so the byte cap, time limit and private-address guard apply to every media byte.
 */
import { KilnError, withoutServerPaths } from "../../errors.ts";
import { MissingToolError, runTool, ToolFailedError } from "../../media/tools.ts";

export interface ResolvedMedia {
  url: string;
  /** Request headers the media host expects (Referer, User-Agent …). */
  headers: Record<string, string>;
  /** `Set-Cookie`-style cookies for the media host. */
  cookies: string[];
  durationSeconds?: number;
}

const resolveTimeoutMs = 60_000;

export async function resolveWithYtDlp(
  binary: string,
  pageUrl: string,
  signal: AbortSignal,
): Promise<ResolvedMedia> {
  let stdout: Uint8Array;
  try {
    stdout = await runTool(binary, [
      "--dump-single-json",
      "--no-playlist",
      "--no-warnings",
      "--format",
      "ba/b",
      "--",
      pageUrl,
    ], { signal: AbortSignal.any([signal, AbortSignal.timeout(resolveTimeoutMs)]) });
  } catch (error) {
    if (error instanceof MissingToolError) {
      throw new KilnError("unavailable", "media_resolver_missing", `${binary} is not installed.`);
    }
    if (error instanceof ToolFailedError) {
      const reason = error.stderr.trim().split("\n").filter(Boolean).pop() ?? "no output";
      throw new KilnError(
        "invalid",
        "media_not_found",
        `The page could not be resolved to media: ${
          withoutServerPaths(reason.replace(/^ERROR:\s*/, "")).slice(0, 300)
        }`,
      );
    }
    throw error;
  }
  // deno-lint-ignore no-explicit-any
  let info: any;
  try {
    info = JSON.parse(new TextDecoder().decode(stdout));
  } catch {
    throw new KilnError("upstream", "media_resolver_failed", "yt-dlp printed no readable JSON.");
  }
  const format = info?.requested_downloads?.[0] ?? info?.requested_formats?.[0] ?? info;
  const url = typeof format?.url === "string" ? format.url : typeof info?.url === "string" ? info.url : "";
  if (!url) {
    throw new KilnError("invalid", "media_not_found", "The page has no video or audio to transcribe.");
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(format?.http_headers ?? info?.http_headers ?? {})) {
    if (typeof value === "string") headers[name.toLowerCase()] = value;
  }
  const cookieText = typeof format?.cookies === "string" ? format.cookies : info?.cookies;
  return {
    url,
    headers,
    cookies: typeof cookieText === "string" ? splitCookies(cookieText) : [],
    durationSeconds: typeof info?.duration === "number" ? info.duration : undefined,
  };
}

const attributeNames = new Set(["domain", "path", "expires", "max-age", "secure", "httponly", "samesite"]);

/**
 * yt-dlp's `cookies` field joins every cookie with its attributes by "; "
 * (`a=1; Domain=.x.com; Path=/; b=2; Domain=.x.com; Path=/`): split it back into one
 * `Set-Cookie` string per cookie.
 */
export function splitCookies(text: string): string[] {
  const cookies: string[][] = [];
  for (const part of text.split(";").map((token) => token.trim()).filter(Boolean)) {
    const name = part.split("=")[0].trim().toLowerCase();
    if (attributeNames.has(name) && cookies.length > 0) cookies[cookies.length - 1].push(part);
    else cookies.push([part]);
  }
  return cookies.map((parts) => parts.join("; "));
}
