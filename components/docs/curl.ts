/**
 * A curl line for an operation that works as written once the variables at the top of the docs
 * page are set: the base URL, the credential the route asks for, path parameters as shell
 * variables (`{batchId}` → `$BATCH_ID`), required query parameters and an example body.
 */
import { exampleOf, type Resolver, type Schema } from "./schema.ts";

export interface Credential {
  /** Shell variable holding it, e.g. KILN_ADMIN_TOKEN. */
  variable: string;
  /** The request header it travels in. */
  header: string;
  /** Prefix of the header value ("Bearer " or ""). */
  prefix: string;
}

/** How each security scheme is sent; the variable is the env var it comes from when it names one. */
export function credentialOf(name: string, scheme: Schema): Credential {
  const variable = String(
    scheme["x-kiln-secret"] ?? `${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_TOKEN`,
  );
  if (scheme.type === "apiKey" && scheme.in === "header") {
    return { variable, header: String(scheme.name).toLowerCase(), prefix: "" };
  }
  return { variable, header: "authorization", prefix: "Bearer " };
}

const shellVariable = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/** Single-quoted for the shell (a ' inside becomes '\''). */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export interface CurlInput {
  method: string;
  path: string;
  parameters: { name: string; in: string; required?: boolean; schema?: Schema }[];
  security?: Record<string, unknown>[];
  body?: { type: string; schema: Schema };
  schemes: Record<string, Schema>;
  resolve: Resolver;
  /** An SSE route: curl must not buffer (-N) and asks for the stream. */
  stream?: boolean;
}

export function curlOf(input: CurlInput): string {
  const path = input.path.replace(/\{(\w+)\}/g, (_, name: string) => `$${shellVariable(name)}`);
  const query = input.parameters.filter((parameter) => parameter.in === "query" && parameter.required)
    .map((parameter) =>
      `${parameter.name}=${
        encodeURIComponent(String(exampleOf(parameter.schema ?? {}, input.resolve, parameter.name)))
      }`
    );
  const url = `"$KILN${path}${query.length ? `?${query.join("&")}` : ""}"`;
  const lines = [
    `curl${input.stream ? " -N" : " -s"}${
      input.method === "get" ? "" : ` -X ${input.method.toUpperCase()}`
    } ${url}`,
  ];
  const schemeName = input.security?.map((entry) => Object.keys(entry)[0]).find((name) => name !== undefined);
  if (schemeName) {
    const credential = credentialOf(schemeName, input.schemes[schemeName] ?? {});
    lines.push(`-H "${credential.header}: ${credential.prefix}$${credential.variable}"`);
  }
  if (input.stream) lines.push(`-H 'accept: text/event-stream'`);
  if (input.body?.type === "multipart/form-data") lines.push("-F file=@document.pdf");
  else if (input.body?.type === "application/x-www-form-urlencoded") {
    const fields = exampleOf(input.body.schema, input.resolve) as Record<string, unknown>;
    for (const [name, value] of Object.entries(fields ?? {})) {
      lines.push(`--data-urlencode ${quote(`${name}=${value}`)}`);
    }
  } else if (input.body) {
    lines.push(`-H 'content-type: application/json'`);
    lines.push(`-d ${quote(JSON.stringify(exampleOf(input.body.schema, input.resolve)))}`);
  }
  return lines.join(" \\\n  ");
}
