/**
 * Reading request input safely: bodies are refused by Content-Length or cut off while streaming
 * once they pass the route's limit (never buffered whole first), the media type is checked before
 * parsing, and zod issues become one 422 shape for every route.
 */
import type { z } from "zod";
import { KilnError } from "../errors.ts";
import { httpErrors } from "./problem.ts";

/** Reads at most `limit` bytes of the body; a longer body is a 413 before or while it streams. */
export async function readBodyLimited(
  request: Pick<Request, "headers" | "body">,
  limit: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw httpErrors.tooLarge(limit);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw httpErrors.tooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
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
): Promise<{ value: unknown; text: string }> {
  const bytes = await readBodyLimited(request, limit);
  const type = mediaType(request);
  if (bytes.byteLength > 0 && !isJsonMediaType(type)) {
    throw httpErrors.unsupportedMediaType(["application/json"]);
  }
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") return { value: undefined, text };
  try {
    return { value: JSON.parse(text), text };
  } catch (error) {
    throw httpErrors.malformedJson(error instanceof Error ? error.message : "unreadable");
  }
}

/** Parses a multipart/form-data body within the limit (415 for another media type). */
export async function readMultipartBody(request: Request, limit: number): Promise<FormData> {
  if (mediaType(request) !== "multipart/form-data") {
    throw httpErrors.unsupportedMediaType(["multipart/form-data"]);
  }
  const bytes = await readBodyLimited(request, limit);
  try {
    return await new Response(bytes, { headers: { "content-type": request.headers.get("content-type")! } })
      .formData();
  } catch {
    throw new KilnError("malformed", "malformed_multipart", "The multipart body could not be parsed.");
  }
}

/** Parses an HTML form post (application/x-www-form-urlencoded) into its string fields. */
export async function readFormBody(request: Request, limit: number): Promise<Record<string, string>> {
  if (mediaType(request) !== "application/x-www-form-urlencoded") {
    throw httpErrors.unsupportedMediaType(["application/x-www-form-urlencoded"]);
  }
  const text = new TextDecoder().decode(await readBodyLimited(request, limit));
  return Object.fromEntries(new URLSearchParams(text));
}

export interface ValidationIssue {
  path: string;
  message: string;
  code: string;
}

/** Validates `value` against `schema`; failure is a 422 listing every issue with its location. */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  where: "body" | "query" | "params" | "input",
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.message,
    code: issue.code,
  }));
  const first = issues[0];
  throw new KilnError("invalid", "validation_failed", `Invalid ${where}: ${first.path}: ${first.message}`, {
    details: { issues },
  });
}
