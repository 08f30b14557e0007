/**
 * Reading request input safely: bodies are refused by Content-Length or cut off while streaming
 * once they pass the route's limit (never buffered whole first), must keep arriving (a deadline
 * between chunks and one for the whole body, so a trickling sender cannot hold a handler forever),
 * the media type is checked before parsing, JSON nesting and multipart part counts are bounded
 * before a parser sees them, and zod issues become one 422 shape for every route.
 */
import type { z } from "zod";
import { KilnError } from "../errors.ts";
import { httpErrors } from "./problem.ts";

/** Default gap allowed between body chunks (KILN_BODY_TIMEOUT_MS). */
export const defaultBodyTimeoutMs = 30_000;
/** The whole body may take the gap plus one second per this many bytes of the route's limit. */
const minimumBytesPerSecond = 32 * 1024;
/** Deeper JSON is refused before JSON.parse and zod recurse into it. */
export const maxJsonDepth = 64;
/** Parts one multipart body may have. */
export const maxMultipartParts = 200;

/** Reads one body chunk by chunk within its limits; `next()` is undefined at the end. */
interface GuardedReader {
  next(): Promise<Uint8Array<ArrayBuffer> | undefined>;
  cancel(reason?: unknown): Promise<void>;
}

/**
 * The request's body as chunks that enforce `limit` (413, by Content-Length before reading, then
 * by the running total) and the arrival deadlines (408): the gap allowed before the next chunk,
 * capped by the deadline for the whole body. A plain timer per read cancels the reader when time
 * runs out (which ends the pending read): no promise race per chunk on the hot path.
 * Null when there is no body.
 */
function guardedReader(
  request: Pick<Request, "headers" | "body">,
  limit: number,
  timeoutMs: number,
): GuardedReader | null {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw httpErrors.tooLarge(limit);
  if (!request.body) return null;
  const reader = request.body.getReader();
  const deadline = performance.now() + timeoutMs + (limit / minimumBytesPerSecond) * 1000;
  let total = 0;
  return {
    async next() {
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        reader.cancel().catch(() => {});
      }, Math.max(0, Math.min(timeoutMs, deadline - performance.now())));
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } finally {
        clearTimeout(timer);
      }
      if (expired) throw httpErrors.bodyTimeout();
      if (next.done) return undefined;
      total += next.value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw httpErrors.tooLarge(limit);
      }
      return next.value as Uint8Array<ArrayBuffer>;
    },
    cancel: (reason) => reader.cancel(reason),
  };
}

/**
 * The request's body as a stream that enforces `limit` (413) and the arrival deadlines (408);
 * null when there is no body. For handlers that stream the body.
 */
export function guardedBody(
  request: Pick<Request, "headers" | "body">,
  limit: number,
  timeoutMs = defaultBodyTimeoutMs,
): ReadableStream<Uint8Array<ArrayBuffer>> | null {
  const reader = guardedReader(request, limit, timeoutMs);
  if (!reader) return null;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      try {
        const chunk = await reader.next();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** `request` with its body guarded by `guardedBody`, for handlers that read the raw body themselves. */
export function withGuardedBody(request: Request, limit: number, timeoutMs?: number): Request {
  const body = guardedBody(request, limit, timeoutMs);
  return body ? new Request(request, { body, duplex: "half" } as RequestInit) : request;
}

/**
 * Reads at most `limit` bytes of the body; a longer body is a 413 before or while it streams, a
 * stalled one a 408. Every route's parsed body is read through this.
 */
export async function readBodyLimited(
  request: Pick<Request, "headers" | "body">,
  limit: number,
  timeoutMs = defaultBodyTimeoutMs,
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = guardedReader(request, limit, timeoutMs);
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let chunk; (chunk = await reader.next());) {
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The media type without parameters, lower-cased ("" when absent). */
export function mediaType(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

export function isJsonMediaType(type: string): boolean {
  return type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type);
}

/** Parses a JSON body: 415 for another media type, 400 for bytes that are not JSON. */
export async function readJsonBody(
  request: Request,
  limit: number,
  timeoutMs?: number,
): Promise<{ value: unknown; text: string }> {
  const bytes = await readBodyLimited(request, limit, timeoutMs);
  const type = mediaType(request);
  if (bytes.byteLength > 0 && !isJsonMediaType(type)) {
    throw httpErrors.unsupportedMediaType(["application/json"]);
  }
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") return { value: undefined, text };
  return { value: parseJson(text), text };
}

/** JSON.parse behind a nesting limit: 400 for bytes that are not JSON or nest deeper than allowed. */
export function parseJson(text: string): unknown {
  if (jsonDepth(text) > maxJsonDepth) {
    throw new KilnError("malformed", "json_too_deep", `The JSON nests deeper than ${maxJsonDepth} levels.`, {
      details: { maxDepth: maxJsonDepth },
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw httpErrors.malformedJson(error instanceof Error ? error.message : "unreadable");
  }
}

/** The deepest nesting of arrays and objects in a JSON text, counted outside strings. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 92) i++; // backslash: skip the escaped character
      else if (char === 34) inString = false;
    } else if (char === 34) inString = true;
    else if (char === 91 || char === 123) deepest = Math.max(deepest, ++depth);
    else if (char === 93 || char === 125) depth--;
  }
  return deepest;
}

/** Parses a multipart/form-data body within the limit (415 for another media type). */
export async function readMultipartBody(
  request: Request,
  limit: number,
  timeoutMs?: number,
): Promise<FormData> {
  if (mediaType(request) !== "multipart/form-data") {
    throw httpErrors.unsupportedMediaType(["multipart/form-data"]);
  }
  const bytes = await readBodyLimited(request, limit, timeoutMs);
  const boundary = /boundary="?([^";]+)"?/i.exec(request.headers.get("content-type") ?? "")?.[1];
  if (boundary && countOccurrences(bytes, `--${boundary}`) > maxMultipartParts + 1) {
    throw new KilnError(
      "too_large",
      "too_many_parts",
      `A form may have at most ${maxMultipartParts} parts.`,
      {
        details: { maxParts: maxMultipartParts },
      },
    );
  }
  try {
    return await new Response(bytes, { headers: { "content-type": request.headers.get("content-type")! } })
      .formData();
  } catch {
    throw new KilnError("malformed", "malformed_multipart", "The multipart body could not be parsed.");
  }
}

function countOccurrences(bytes: Uint8Array, needle: string): number {
  const pattern = new TextEncoder().encode(needle);
  let count = 0;
  for (
    let at = bytes.indexOf(pattern[0]);
    at >= 0 && at <= bytes.length - pattern.length;
    at = bytes.indexOf(pattern[0], at + 1)
  ) {
    let match = true;
    for (let j = 1; j < pattern.length && match; j++) match = bytes[at + j] === pattern[j];
    if (match) count++;
  }
  return count;
}

/** Parses an HTML form post (application/x-www-form-urlencoded) into its string fields. */
export async function readFormBody(
  request: Request,
  limit: number,
  timeoutMs?: number,
): Promise<Record<string, string>> {
  if (mediaType(request) !== "application/x-www-form-urlencoded") {
    throw httpErrors.unsupportedMediaType(["application/x-www-form-urlencoded"]);
  }
  const text = new TextDecoder().decode(await readBodyLimited(request, limit, timeoutMs));
  return Object.fromEntries(new URLSearchParams(text));
}

/** One reason input was refused: where (`body.items.0.qty`), why, and zod's (or our) issue code. */
export interface ValidationIssue {
  path: string;
  message: string;
  code: string;
}

export interface ValidationErrorOptions {
  /** The problem's stable code (default `validation_failed`), e.g. `invalid_tool_args`. */
  code?: string;
  /** More members for the problem document, beside `issues`. */
  details?: Record<string, unknown>;
}

/**
 * The one way refused input is reported: a 422 listing every issue with its location, whose
 * message names the first. Every zod failure goes through `validate`; rules zod cannot express
 * (an unknown update type) build their issues by hand and call this directly.
 */
export function validationError(issues: ValidationIssue[], options: ValidationErrorOptions = {}): KilnError {
  const first = issues[0];
  return new KilnError(
    "invalid",
    options.code ?? "validation_failed",
    `Invalid ${first.path}: ${first.message}`,
    {
      details: { ...options.details, issues },
    },
  );
}

/**
 * Validates `value` against `schema`; a failure is `validationError` with every issue's path under
 * `where` (`body`, `query`, `params`, or a deeper place such as `body.sections` or `args`).
 */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  where: string,
  options?: ValidationErrorOptions,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((issue) => ({
      path: [where, ...issue.path.map(String)].join("."),
      message: issue.message,
      code: issue.code,
    })),
    options,
  );
}
