/**
 * The OpenAPI 3.1 document, generated from the same `define.*` specs that validate requests, so
 * the docs cannot drift from the code. zod 4 converts the schemas to JSON Schema itself.
 */
import { z } from "zod";
import type { MethodHandler } from "./http/route.ts";
import { impliedErrors } from "./openapi_errors.ts";
import type { Manifest, RouteModule } from "./web/manifest.ts";
import { routePattern } from "./web/manifest.ts";

type JsonObject = Record<string, unknown>;

const problemSchema: JsonObject = {
  type: "object",
  description:
    "RFC 9457 problem details. `code` is stable and machine-readable; `error` (= code), `message` (= detail) and `ok: false` are there for the original services' clients.",
  required: ["type", "title", "status", "detail", "code", "error", "message", "ok"],
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    code: { type: "string" },
    requestId: { type: "string" },
    error: { type: "string" },
    message: { type: "string" },
    ok: { type: "boolean", const: false },
    issues: {
      type: "array",
      items: {
        type: "object",
        properties: { path: { type: "string" }, message: { type: "string" }, code: { type: "string" } },
      },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonObject {
  try {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
      io,
      unrepresentable: "any",
    }) as JsonObject;
    return rest;
  } catch {
    return {};
  }
}

function parametersOf(pattern: string, handler: MethodHandler): JsonObject[] {
  const path = [...pattern.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = handler.spec?.query ? jsonSchema(handler.spec.query, "input") : undefined;
  const queryProperties = (query?.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((query?.required ?? []) as string[]);
  return [
    ...path,
    ...Object.entries(queryProperties).map(([name, schema]) => ({
      name,
      in: "query",
      required: required.has(name),
      schema,
    })),
  ];
}

const problemContent = {
  "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
};

function operationOf(pattern: string, handler: MethodHandler, page: boolean): JsonObject {
  const spec = handler.spec!;
  const auth = [spec.auth ?? "public"].flat().filter((kind) => kind !== "public" && kind !== "optional");
  const responses: JsonObject = {};
  const documented = spec.responses ??
    { 200: { description: page ? "The HTML page." : "OK" } };
  for (const [status, response] of Object.entries(documented)) {
    const schema = response.schema instanceof z.ZodType
      ? jsonSchema(response.schema, "output")
      : response.schema;
    const html = page && status === "200";
    responses[status] = {
      description: response.description,
      ...(schema && Number(status) < 400 ? { content: { "application/json": { schema } } } : {}),
      ...(html ? { content: { "text/html": { schema: { type: "string" } } } } : {}),
      ...(Number(status) >= 400 ? { content: problemContent } : {}),
    };
  }
  for (const [status, description] of Object.entries(spec.openapi?.errors ?? {})) {
    responses[status] = { description, content: problemContent };
  }
  for (const [status, description] of Object.entries(impliedErrors(spec, pattern))) {
    responses[status] ??= { description, content: problemContent };
  }
  responses.default = { description: "Any other error, as problem+json.", content: problemContent };
  const operation: JsonObject = {
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags,
    parameters: parametersOf(pattern, handler),
    responses,
  };
  if (page) operation["x-kiln-page"] = true;
  // `{}` is OpenAPI's "no credentials also accepted" (optional auth: e.g. capability ids).
  const anonymous = [spec.auth ?? "public"].flat().includes("optional") ? [{}] : [];
  if (auth.length) operation.security = [...auth.map((kind) => ({ [kind]: [] })), ...anonymous];
  if (spec.idempotent) {
    (operation.parameters as JsonObject[]).push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      schema: { type: "string", maxLength: 255 },
    });
  }
  if (spec.bodyType === "multipart") {
    const schema = spec.body ? jsonSchema(spec.body, "input") : { type: "object" };
    operation.requestBody = { required: true, content: { "multipart/form-data": { schema } } };
  } else if (spec.body) {
    const type = spec.bodyType === "form" ? "application/x-www-form-urlencoded" : "application/json";
    operation.requestBody = {
      required: true,
      content: { [type]: { schema: spec.openapi?.body ?? jsonSchema(spec.body, "input") } },
    };
  }
  return operation;
}

export interface OpenApiOptions {
  version: string;
  serverUrl: string;
  /** Auth kinds → OpenAPI security schemes. */
  securitySchemes: Record<string, JsonObject>;
  /** Named schemas routes refer to with `$ref` (e.g. the display update union). */
  schemas?: Record<string, JsonObject>;
}

export function buildOpenApi(manifest: Manifest, options: OpenApiOptions): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const [file, module] of Object.entries(manifest.routes)) {
    const pattern = routePattern(file);
    const handlers = (module as RouteModule).handler;
    if (!pattern || !handlers) continue;
    const openApiPath = pattern.replace(/:(\w+)/g, "{$1}").replace(/\*$/, "{path}");
    for (const [method, handler] of Object.entries(handlers)) {
      if (!handler?.spec) continue;
      paths[openApiPath] ??= {};
      const page = method === "GET" && Boolean((module as RouteModule).default);
      paths[openApiPath][method.toLowerCase()] = operationOf(pattern, handler, page);
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Kiln API",
      version: options.version,
      description:
        "Every page's data is also a JSON route. Errors are RFC 9457 problem+json with a stable `code`.",
    },
    servers: [{ url: options.serverUrl }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: { Problem: problemSchema, ...options.schemas },
      securitySchemes: options.securitySchemes,
    },
  };
}
