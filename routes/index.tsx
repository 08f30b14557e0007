import JobDemo from "../islands/JobDemo.tsx";
import { modulePages } from "../lib/web/module_pages.ts";

export const title = "Kiln";

/** Home: what Kiln is, each module, and a live demo of the job engine. */
export default function Home() {
  return (
    <>
      <h1>Kiln</h1>
      <p class="lead">
        One Deno app doing the work of five production services: a live conversation display,
        document-to-video, speech transcription, a credit-metered business engine and batch image
        preprocessing — on Deno KV, with durable jobs and live updates.
      </p>
      <h2>Modules</h2>
      <div class="grid">
        {modulePages.map((module) => (
          <div class="card module-card">
            <h3>
              <a class="stretched" href={module.href}>{module.name}</a>
            </h3>
            <p class="muted">{module.summary}</p>
            <div class="row">
              <span class="badge">{module.admin ? "Admin sign-in" : "Open"}</span>
              <a class="small" href={`/docs#tag-${module.apiTag}`}>API</a>
            </div>
          </div>
        ))}
      </div>
      <h2>See the job engine work</h2>
      <p class="muted">
        Start a sample job: it runs on the durable queue and streams its progress here over Server-Sent
        Events. Reload the page mid-run — the job keeps going on the server.
      </p>
      <JobDemo steps={5} />
      <h2>For developers</h2>
      <ul>
        <li>
          <a href="/docs">API documentation</a>{" "}
          generated from the route schemas (<a href="/openapi.json">OpenAPI 3.1</a>).
        </li>
        <li>
          <a href="/health">/health</a> and <a href="/metrics">/metrics</a> for operations; the{" "}
          <a href="/admin">admin console</a> for jobs, credits, batches, services and live sessions.
        </li>
      </ul>
    </>
  );
}
