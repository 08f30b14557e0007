import { define } from "../lib/http/route.ts";
import { modulePages } from "../lib/web/module_pages.ts";
import type { Handlers, PageProps } from "../lib/web/manifest.ts";
import { credentialOf } from "../components/docs/curl.ts";
import { Operation, operationAnchor, type OperationDoc, Prose } from "../components/docs/Operation.tsx";
import { resolverFor, type Schema } from "../components/docs/schema.ts";

export const title = "API documentation";

interface Document {
  info: { version: string; description?: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, OperationDoc>>;
  components: { securitySchemes: Record<string, Schema>; schemas: Record<string, Schema> };
}

export const handler: Handlers = {
  GET: define.get({
    summary: "API documentation page (the OpenAPI document, readable; no JavaScript)",
    tags: ["operations"],
    handle: ({ services, render }) => render(services.openApi()),
  }),
};

const tagTitles: Record<string, string> = {
  // Several pages may share a tag (the display and voice ordering): the first module names it.
  ...Object.fromEntries(modulePages.toReversed().map((module) => [module.apiTag, module.name])),
  jobs: "Jobs",
  admin: "Admin console",
  operations: "Operations",
};
const tagOrder = [...new Set(modulePages.map((module) => module.apiTag)), "jobs", "admin", "operations"];

const errors: [number, string, string][] = [
  [400, "malformed_json", "The body is not JSON."],
  [401, "unauthorized", "Credentials missing or wrong (see WWW-Authenticate)."],
  [402, "insufficient_credits", "Not enough credits (required, available, heldCredits)."],
  [
    403,
    "forbidden · csrf_token_invalid",
    "Credentials without the right scope; console request without its CSRF token.",
  ],
  [404, "not_found", "No such resource — or not yours: ids cannot be probed."],
  [405, "method_not_allowed", "Wrong method; Allow lists the right ones."],
  [409, "conflict", "The state does not allow it (e.g. retrying a job that has not failed)."],
  [413, "body_too_large", "Over the route's body limit, refused before it is read."],
  [415, "unsupported_media_type", "Another content type than the route takes."],
  [422, "validation_failed", "Every invalid field in issues[] (path, message, code)."],
  [429, "rate_limited", "Slow down: Retry-After and RateLimit-* say when."],
  [502, "upstream_error", "A provider answered badly; 503 / 504 when it is down or slow."],
];

/** The OpenAPI document as a page: how to call, then every operation grouped by module, with tables. */
export default function Docs({ data }: PageProps<Document>) {
  const resolve = resolverFor(data as unknown as Record<string, unknown>);
  const schemes = data.components.securitySchemes;
  const byTag = new Map<string, { method: string; path: string; operation: OperationDoc }[]>();
  const pages: { path: string; operation: OperationDoc }[] = [];
  for (const [path, operations] of Object.entries(data.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (operation["x-kiln-page"]) pages.push({ path, operation });
      else {
        const tag = operation.tags?.[0] ?? "other";
        byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, operation }]);
      }
    }
  }
  const tags = [...byTag.keys()].sort((a, b) =>
    (tagOrder.indexOf(a) + 1 || 99) - (tagOrder.indexOf(b) + 1 || 99) || a.localeCompare(b)
  );
  const setup = [
    `KILN=${data.servers[0]?.url ?? "http://localhost:8000"}`,
    ...Object.entries(schemes).map(([name, scheme]) => {
      const variable = credentialOf(name, scheme).variable;
      return scheme["x-kiln-secret"]
        ? `${variable}=$(./deno task -q secret ${scheme["x-kiln-secret"]})`
        : `${variable}=…   # ${scheme["x-kiln-obtain"] ?? scheme.description ?? name}`;
    }),
  ];
  return (
    <div class="docs">
      <h1>API documentation</h1>
      <p class="lead">
        Version {data.info.version}. Every page's data is also a JSON route; the machine-readable document is
        {" "}
        <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
      </p>
      <p>
        The voice ordering WebSocket (<code>/ws/restaurant/:sessionId</code>) has{" "}
        <a href="/docs/voice">its own page</a>.
      </p>
      <nav class="docs-toc" aria-label="Modules">
        {tags.map((tag) => (
          <a key={tag} href={`#tag-${tag}`}>{tagTitles[tag] ?? tag} ({byTag.get(tag)!.length})</a>
        ))}
        <a href="#pages">Pages ({pages.length})</a>
      </nav>

      <section class="card stack" id="start">
        <h2>Calling the API</h2>
        <p>
          Set these once in your shell (run from the Kiln folder: generated secrets are read from its data);
          every example below then works as written. Each credential is sent as the header the operation
          shows.
        </p>
        <pre><code>{setup.join("\n")}</code></pre>
        <table class="stacked-table docs-fields">
          <caption>Credentials</caption>
          <thead>
            <tr>
              <th>Name</th>
              <th>Header</th>
              <th>What it is</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(schemes).map(([name, scheme]) => {
              const credential = credentialOf(name, scheme);
              return (
                <tr key={name}>
                  <td data-label="Name">
                    <code>{name}</code>
                  </td>
                  <td data-label="Header">
                    <code>{credential.header}: {credential.prefix}${credential.variable}</code>
                  </td>
                  <td data-label="What it is">{String(scheme.description ?? "")}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <p>
          POSTs that create or spend accept{" "}
          <code>Idempotency-Key</code>: a replay returns the first answer (with{" "}
          <code>Idempotent-Replayed: true</code>). Every response carries <code>X-Request-Id</code>.
        </p>
      </section>

      <section class="card stack" id="errors">
        <h2>Errors</h2>
        <p>
          Every error is <code>application/problem+json</code>:{" "}
          <code>{"{type, title, status, detail, code, requestId}"}</code>, with a stable <code>code</code>
          {" "}
          to branch on. Each operation lists the ones it can answer.
        </p>
        <table class="stacked-table docs-fields">
          <thead>
            <tr>
              <th>Status</th>
              <th>Code</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {errors.map(([status, code, when]) => (
              <tr key={status}>
                <td data-label="Status">{status}</td>
                <td data-label="Code">
                  <code>{code}</code>
                </td>
                <td data-label="When">{when}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {tags.map((tag) => (
        <section key={tag} id={`tag-${tag}`} class="stack">
          <h2>{tagTitles[tag] ?? tag}</h2>
          {modulePages.find((module) => module.apiTag === tag) && (
            <p class="muted">{modulePages.find((module) => module.apiTag === tag)!.summary}</p>
          )}
          {byTag.get(tag)!.map(({ method, path, operation }) => (
            <Operation
              method={method}
              path={path}
              operation={operation}
              resolve={resolve}
              schemes={schemes}
            />
          ))}
        </section>
      ))}

      <section id="pages" class="stack">
        <h2>Pages</h2>
        <p class="muted">The HTML pages, and where their data comes from.</p>
        <ul class="docs-pages">
          {pages.map(({ path, operation }) => (
            <li key={path} id={operationAnchor("get", path)}>
              <code>{path}</code> — <Prose text={operation.summary} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
