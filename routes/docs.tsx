import { define } from "../lib/http/route.ts";
import type { Handlers, PageProps } from "../lib/web/manifest.ts";

export const title = "API documentation";

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, unknown>[];
  requestBody?: { content: Record<string, { schema: unknown }> };
}
type Document = { paths: Record<string, Record<string, Operation>>; info: { version: string } };

export const handler: Handlers = {
  GET: define.get({
    summary: "API documentation page",
    tags: ["operations"],
    handle: ({ services, render }) => render(services.openApi()),
  }),
};

/** Server-rendered API reference grouped by tag; no JavaScript needed. */
export default function Docs({ data }: PageProps<Document>) {
  const byTag = new Map<string, { method: string; path: string; operation: Operation }[]>();
  for (const [path, operations] of Object.entries(data.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, operation }]);
    }
  }
  return (
    <>
      <h1>API documentation</h1>
      <p class="lead">
        Version {data.info.version}. Machine-readable:{" "}
        <a href="/openapi.json">/openapi.json</a>. Every error is <code>application/problem+json</code>{" "}
        with a stable <code>code</code>; send <code>Idempotency-Key</code> on POSTs that create or spend.
      </p>
      <p>
        The voice ordering WebSocket (<code>/ws/restaurant/:sessionId</code>) has{" "}
        <a href="/docs/voice">its own page</a>.
      </p>
      <section id="problems" class="card">
        <h2>Errors</h2>
        <p>
          400 malformed JSON · 401 missing credentials (<code>WWW-Authenticate</code>) · 403 forbidden · 404
          not found · 405 wrong method (<code>Allow</code>) · 409 conflict · 413 body too large · 415
          unsupported media type · 422 validation (<code>issues</code>) · 429 rate limited (<code>
            Retry-After
          </code>, <code>RateLimit-*</code>) · 502/503/504 upstream.
        </p>
      </section>
      {[...byTag].sort(([a], [b]) =>
        a.localeCompare(b)
      ).map(([tag, operations]) => (
        <section id={`tag-${tag}`}>
          <h2>{tag}</h2>
          <table>
            <tbody>
              {operations.map(({ method, path, operation }) => (
                <tr>
                  <td>
                    <span class="method">{method.toUpperCase()}</span>
                  </td>
                  <td>
                    <code>{path}</code>
                    <div class="muted">{operation.summary}</div>
                    {operation.security && (
                      <span class="badge">
                        auth:{" "}
                        {operation.security.map((scheme) => Object.keys(scheme)[0] ?? "none").join(" or ")}
                      </span>
                    )}
                    {operation.requestBody && (
                      <details>
                        <summary>Request body</summary>
                        <pre>{JSON.stringify(Object.values(operation.requestBody.content)[0]?.schema, null, 2)}</pre>
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
