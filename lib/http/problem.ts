/**
 * RFC 9457 problem+json: the only place a failure becomes an HTTP response. Domain code throws
 * KilnError with a kind; this file owns the kind → status table, so every route answers the same
 * failure the same way and never leaks a stack trace.
 */
import type { ErrorKind } from "../errors.ts";
import { KilnError, withoutServerPaths } from "../errors.ts";

export const statusOfKind: Record<ErrorKind, number> = {
  malformed: 400,
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported_media_type: 415,
  invalid: 422,
  rate_limited: 429,
  internal: 500,
  upstream: 502,
  unavailable: 503,
  timeout: 504,
};

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId?: string;
  error: string;
  message: string;
  ok: false;
  [member: string]: unknown;
}

/** Builds the problem document and headers for any thrown value. Unknown errors become a bare 500. */
export function toProblem(
  error: unknown,
  requestId?: string,
): { status: number; body: ProblemDocument; headers: Headers } {
  const known = error instanceof KilnError ? error : new KilnError(
    "internal",
    "internal_error",
    "An unexpected error occurred. Quote the request id when reporting it.",
  );
  const status = statusOfKind[known.kind];
  const headers = new Headers(known.headers);
  headers.set("content-type", "application/problem+json");
  headers.set("cache-control", "no-store");
  if (known.retryAfterSeconds !== undefined && !headers.has("retry-after")) {
    headers.set("retry-after", String(Math.max(1, Math.ceil(known.retryAfterSeconds))));
  }
  const detail = withoutServerPaths(known.message);
  const body: ProblemDocument = {
    ...known.details,
    type: `urn:kiln:problem:${known.code}`,
    title: titles[status] ?? "Error",
    status,
    detail,
    code: known.code,
    requestId,
    // The originals' clients read these: `error` (the short code), `message` (the detail), `ok`.
    error: known.code,
    message: detail,
    ok: false,
  };
  return { status, body, headers };
}

export function problemResponse(error: unknown, requestId?: string): Response {
  const { status, body, headers } = toProblem(error, requestId);
  return new Response(JSON.stringify(body), { status, headers });
}

/** Shorthands for the errors the HTTP layer itself raises. */
export const httpErrors = {
  notFound: (what = "No resource at this URL.") => new KilnError("not_found", "not_found", what),
  methodNotAllowed: (allow: string[]) =>
    new KilnError("method_not_allowed", "method_not_allowed", `Use ${allow.join(", ")} on this URL.`, {
      headers: { allow: allow.join(", ") },
      details: { allow },
    }),
  malformedJson: (reason: string) =>
    new KilnError("malformed", "malformed_json", `The body is not valid JSON: ${reason}`),
  bodyTimeout: () =>
    new KilnError("request_timeout", "body_timeout", "The request body stopped arriving; send it again.", {
      headers: { connection: "close" },
    }),
  tooLarge: (limit: number) =>
    new KilnError(
      "too_large",
      "body_too_large",
      `The body exceeds the limit of ${limit} bytes for this route.`,
      {
        details: { limitBytes: limit },
      },
    ),
  unsupportedMediaType: (expected: string[]) =>
    new KilnError(
      "unsupported_media_type",
      "unsupported_media_type",
      `Send the body as ${expected.join(" or ")}.`,
      {
        details: { expected },
      },
    ),
};
