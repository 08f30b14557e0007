/**
 * The one error type domain code throws. Domain code names *what* went wrong (`kind`) and a stable
 * machine `code`; `lib/http/problem.ts` is the only place that turns a kind into an HTTP status, so
 * `lib/` never depends on HTTP and every route reports failures the same way.
 */
export type ErrorKind =
  | "malformed" // 400: the request could not be parsed at all
  | "unauthorized" // 401
  | "payment_required" // 402
  | "forbidden" // 403
  | "not_found" // 404
  | "method_not_allowed" // 405
  | "request_timeout" // 408: the request body stopped arriving
  | "conflict" // 409
  | "gone" // 410
  | "too_large" // 413
  | "unsupported_media_type" // 415
  | "invalid" // 422: well-formed but fails validation or a business rule
  | "rate_limited" // 429
  | "internal" // 500
  | "upstream" // 502
  | "unavailable" // 503
  | "timeout"; // 504

export interface KilnErrorOptions {
  /** Extra members for the problem document (must be safe to show the caller). */
  details?: Record<string, unknown>;
  /** Seconds a client should wait before retrying (429, 503). */
  retryAfterSeconds?: number;
  /** Response headers the HTTP layer adds (Allow, WWW-Authenticate, RateLimit-*). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class KilnError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details?: Record<string, unknown>;
  readonly retryAfterSeconds?: number;
  readonly headers?: Record<string, string>;

  constructor(kind: ErrorKind, code: string, message: string, options: KilnErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "KilnError";
    this.kind = kind;
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers;
  }
}

export function isKilnError(error: unknown): error is KilnError {
  return error instanceof KilnError;
}

/**
 * An absolute filesystem path (two or more segments) that is not part of a URL: what a tool's
 * stderr or a file-system error carries (`/srv/kiln/data/blobs/…`, `/tmp/tttranscribe-x/media`).
 */
const serverPath = /(?<![\w:/.%~-])\/(?:[\w.@+~-]+\/)+[\w.@+~-]*/g;

/**
 * `text` with every server path cut to its last segment (`/srv/kiln/data/blobs/x/media` → `media`,
 * `/opt/bin/ffmpeg` → `ffmpeg`): error messages reach callers, webhooks and status pages, and where
 * the server keeps its files is nobody's business. URLs (`https://host/a/b`) are kept whole.
 */
export function withoutServerPaths(text: string): string {
  return text.replace(serverPath, (path) => path.slice(path.lastIndexOf("/") + 1) || "[server path]");
}
