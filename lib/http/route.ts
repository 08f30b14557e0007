/**
 * `define.get/post/…` — how a route states its HTTP contract: auth kinds, input schemas, body
 * limit, rate limit and idempotency. The wrapper enforces all of it in a fixed order (auth → rate
 * limit → body → idempotency → handler) so routes stay a few lines of "parse, call lib/, shape the
 * response", and the same spec feeds the OpenAPI document.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { KilnError } from "../errors.ts";
import { sha256Hex } from "../hmac.ts";
import type { Logger } from "../log.ts";
import type { Services } from "../services.ts";
import { forbidden, type Principal, unauthorized } from "./auth.ts";
import { ipRateLimitKey } from "./client_ip.ts";
import { assertNotCrossSite } from "./cors.ts";
import { readFormBody, readJsonBody, readMultipartBody, validate, withGuardedBody } from "./body.ts";
import type { AppEnv } from "./env.ts";
import { keepInProcessMark } from "./in_process.ts";
import { fingerprintRequest, type StoredResponse, validateIdempotencyKey } from "./idempotency.ts";
import { problemResponse } from "./problem.ts";
import { rateLimitError, rateLimitHeaders, type RateLimitRule } from "./rate_limit.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type AnySchema = z.ZodType;
/** A plain JSON Schema object (or `{$ref}`) for the OpenAPI document. */
export type JsonSchema = Record<string, unknown>;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<P, Q, B> {
  request: Request;
  url: URL;
  params: P;
  query: Q;
  body: B;
  /** Set when the route requires auth (or optional auth found credentials). */
  principal?: Principal;
  services: Services;
  requestId: string;
  clientIp: string;
  log: Logger;
  /** Renders this route's page (page routes only). */
  render(data?: unknown, init?: { status?: number; headers?: Record<string, string> }): Response;
  /** The underlying Hono context, for streaming and WebSocket responses. */
  hono: Context<AppEnv>;
}

export type RouteResult = Response | { status?: number; json: unknown; headers?: Record<string, string> };

export interface RouteSpec<
  P extends AnySchema | undefined,
  Q extends AnySchema | undefined,
  B extends AnySchema | undefined,
> {
  summary: string;
  description?: string;
  tags?: string[];
  /** Auth kinds accepted, tried in order. "public" (default) needs none; "optional" resolves if present. */
  auth?: string | string[];
  /** Scopes the principal must hold (e.g. "ttt:transcribe"). */
  scopes?: string[];
  params?: P;
  query?: Q;
  body?: B;
  /**
   * json (default), form (an HTML form post) or multipart; form and multipart fields are validated
   * by the body schema too (files as File values). Multipart without a schema arrives as FormData.
   */
  bodyType?: "json" | "form" | "multipart";
  /**
   * Bytes, or a function of the services when a setting decides it; default KILN_MAX_BODY_BYTES.
   * Applies to raw bodies a handler reads itself as well.
   */
  bodyLimit?: number | ((services: Services) => number);
  /** Replays the stored response for a repeated Idempotency-Key (or the key `idempotencyKeyFrom` finds in the body). */
  idempotent?: boolean;
  idempotencyKeyFrom?: (body: Out<B>) => string | undefined;
  rateLimit?: { rule: RateLimitRule; by: "ip" | "principal" };
  /** Documented responses for OpenAPI (status → description and a zod or JSON Schema). */
  responses?: Record<number, { description: string; schema?: AnySchema | JsonSchema }>;
  /** OpenAPI only: what the schemas above cannot say. */
  openapi?: {
    /** JSON Schema of the body, when the validating schema is deliberately looser (a union checked later). */
    body?: JsonSchema;
    /** Documented failures, status → when (each a problem+json response). */
    errors?: Record<number, string>;
  };
  handle(
    context: RouteContext<Out<P>, Out<Q>, B extends AnySchema ? Out<B> : FormData | undefined>,
  ): Promise<RouteResult> | RouteResult;
}

/** A method handler as the router registers it; `spec` is kept for OpenAPI. */
export interface MethodHandler {
  (c: Context<AppEnv>): Promise<Response>;
  spec?: RouteSpec<AnySchema | undefined, AnySchema | undefined, AnySchema | undefined>;
  method?: Method;
}

function defineMethod(method: Method) {
  return <
    P extends AnySchema | undefined = undefined,
    Q extends AnySchema | undefined = undefined,
    B extends AnySchema | undefined = undefined,
  >(
    spec: RouteSpec<P, Q, B>,
  ): MethodHandler => {
    const handler: MethodHandler = (c) =>
      runRoute(c, method, spec as RouteSpec<AnySchema, AnySchema, AnySchema>);
    handler.spec = spec as MethodHandler["spec"];
    handler.method = method;
    return handler;
  };
}

export const define = {
  get: defineMethod("GET"),
  post: defineMethod("POST"),
  put: defineMethod("PUT"),
  patch: defineMethod("PATCH"),
  delete: defineMethod("DELETE"),
};

async function runRoute(
  c: Context<AppEnv>,
  method: Method,
  spec: RouteSpec<AnySchema, AnySchema, AnySchema>,
): Promise<Response> {
  const services = c.get("services");
  let request = c.req.raw;
  const url = new URL(request.url);
  const extraHeaders: Record<string, string> = {};
  try {
    const params = spec.params ? validate(spec.params, c.req.param(), "params") : undefined;
    const query = spec.query
      ? validate(spec.query, Object.fromEntries(url.searchParams), "query")
      : undefined;
    const principal = await authenticate(request, spec, services);
    if (method !== "GET" && spec.bodyType === "multipart") {
      assertNotCrossSite(request, services.config.publicUrl, services.config.corsOrigins);
    }

    if (spec.rateLimit) {
      const key = spec.rateLimit.by === "principal" && principal
        ? `${principal.kind}:${principal.id}`
        : `ip:${ipRateLimitKey(c.get("clientIp"))}`;
      const decision = await services.rateLimiter.consume(spec.rateLimit.rule, key);
      Object.assign(extraHeaders, rateLimitHeaders(decision));
      if (!decision.allowed) throw rateLimitError(decision);
    }

    const limit = typeof spec.bodyLimit === "function"
      ? spec.bodyLimit(services)
      : spec.bodyLimit ?? services.config.maxBodyBytes;
    const timeoutMs = services.config.bodyTimeoutMs;
    let body: unknown;
    let bodyText = "";
    if (method !== "GET" && spec.bodyType === "multipart") {
      const form = await readMultipartBody(request, limit, timeoutMs);
      body = spec.body ? validate(spec.body, Object.fromEntries(form), "body") : form;
      // An idempotent upload is fingerprinted by its fields and file contents (not its bytes: the
      // multipart boundary differs on every send), so the same key with another file is a 422.
      if (spec.idempotent) bodyText = await formFingerprint(form);
    } else if (method !== "GET" && spec.body && spec.bodyType === "form") {
      body = validate(spec.body, await readFormBody(request, limit, timeoutMs), "body");
    } else if (method !== "GET" && spec.body) {
      const parsed = await readJsonBody(request, limit, timeoutMs);
      bodyText = parsed.text;
      body = validate(spec.body, parsed.value ?? {}, "body");
    } else {
      // A handler that reads the raw body (a signed callback, a blob upload) gets it limited too.
      request = keepInProcessMark(request, withGuardedBody(request, limit, timeoutMs));
    }

    const execute = async (): Promise<Response> => {
      const result = await spec.handle({
        request,
        url,
        params,
        query,
        body,
        principal,
        services,
        requestId: c.get("requestId"),
        clientIp: c.get("clientIp"),
        log: c.get("log"),
        render: (data, init) => {
          const render = c.get("render");
          if (!render) throw new Error("render() called on a route without a page");
          return render(data, init);
        },
        hono: c,
      });
      return result instanceof Response
        ? result
        : Response.json(result.json, { status: result.status ?? 200, headers: result.headers });
    };

    const idempotencyKey = spec.idempotent
      ? validateIdempotencyKey(request.headers.get("idempotency-key")) ?? spec.idempotencyKeyFrom?.(body)
      : undefined;
    const response = idempotencyKey
      ? await runIdempotent(c, principal, idempotencyKey, method, url.pathname, bodyText, execute)
      : await execute();
    return withHeaders(response, extraHeaders);
  } catch (error) {
    if (!(error instanceof KilnError)) throw error;
    return withHeaders(problemResponse(error, c.get("requestId")), extraHeaders);
  }
}

async function authenticate(
  request: Request,
  spec: RouteSpec<AnySchema, AnySchema, AnySchema>,
  services: Services,
): Promise<Principal | undefined> {
  const kinds = [spec.auth ?? "public"].flat();
  if (kinds.includes("public")) return undefined;
  for (const kind of kinds.filter((kind) => kind !== "optional")) {
    const resolver = services.auth[kind];
    if (!resolver) throw new Error(`No auth resolver registered for "${kind}"`);
    const principal = await resolver(request);
    if (!principal) continue;
    const missing = (spec.scopes ?? []).filter((scope) => !principal.scopes?.includes(scope));
    if (missing.length > 0) throw forbidden(`Missing scope ${missing.join(", ")}.`);
    return principal;
  }
  if (kinds.includes("optional")) return undefined;
  throw unauthorized();
}

/**
 * Scope = who is calling + method + path, so one caller's key never replays for another: the
 * principal the route authenticated; else (a route that checks credentials in its handler) a digest
 * of the credentials presented, so an anonymous request and the token holder never share a record;
 * else the client address.
 */
async function runIdempotent(
  c: Context<AppEnv>,
  principal: Principal | undefined,
  key: string,
  method: Method,
  path: string,
  bodyText: string,
  execute: () => Promise<Response>,
): Promise<Response> {
  const owner = principal ? `${principal.kind}:${principal.id}` : await presentedCredentials(c.req.raw) ??
    `ip:${c.get("clientIp")}`;
  const fingerprint = await fingerprintRequest(method, path, bodyText);
  const { response, replayed } = await c.get("services").idempotency.run(
    `${owner} ${method} ${path}`,
    key,
    fingerprint,
    async () => {
      let live: Response;
      try {
        live = await execute();
      } catch (error) {
        if (!(error instanceof KilnError)) throw error;
        live = problemResponse(error, c.get("requestId"));
      }
      return toStored(live);
    },
  );
  const headers = new Headers(response.headers);
  if (replayed) headers.set("idempotent-replayed", "true");
  return new Response(response.body, { status: response.status, headers });
}

/** A digest of the Authorization / X-API-Key headers, or undefined when neither is sent. */
async function presentedCredentials(request: Request): Promise<string | undefined> {
  const authorization = request.headers.get("authorization");
  const apiKey = request.headers.get("x-api-key");
  if (authorization === null && apiKey === null) return undefined;
  return `credentials:${await sha256Hex(`${authorization ?? ""}\n${apiKey ?? ""}`)}`;
}

async function toStored(response: Response): Promise<StoredResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  return { status: response.status, headers, body: await response.text() };
}

async function formFingerprint(form: FormData): Promise<string> {
  const parts: string[] = [];
  for (const [name, value] of form) {
    if (typeof value === "string") parts.push(`${name}=${value}`);
    else {
      parts.push(`${name}=file:${value.name}:${await sha256Hex(await value.arrayBuffer())}`);
    }
  }
  return JSON.stringify(parts);
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  return response;
}
