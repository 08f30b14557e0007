import { define } from "../../lib/http/route.ts";
import { transcriptionOf } from "../../lib/transcription/require.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

/** The page shows exactly the `/tttranscribe/health` document (its JSON route). */
interface HealthDocument {
  status: string;
  version: string;
  environment: Record<string, boolean | string>;
  tools: {
    ffmpeg: { available: boolean; detail?: string };
    asr: { provider: string; available: boolean; detail?: string };
  };
  problems?: string[];
  jobs: { accepted: number; inProgress: number; completed: number; failed: number };
  cache: { hits: number; misses: number; hitRate: number; ttlHours: number };
}

export const title = "Transcription service";

export const handler: Handlers = {
  GET: define.get({
    summary: "Transcription service status page (HTML); its data is GET /tttranscribe/health",
    tags: ["transcription"],
    async handle({ services, render }) {
      const { body } = await transcriptionOf(services).health();
      return render(body);
    },
  }),
};

const endpoints: [string, string, string][] = [
  [
    "POST",
    "/tttranscribe/transcribe",
    "JSON {url, requestId?} or a multipart file → 202 {id, status, statusUrl}",
  ],
  ["POST", "/tttranscribe/estimate", "{url} → estimatedDurationSeconds, estimatedCredits"],
  ["GET", "/tttranscribe/status/:id", "status, progress, currentStep, result, webhook attempts"],
  ["GET", "/tttranscribe/health", "the data on this page, as JSON"],
];

export default function TranscriptionPage({ data }: PageProps<HealthDocument>) {
  const healthy = data.status === "healthy";
  const percent = Math.round(data.cache.hitRate * 100);
  return (
    <>
      <h1>Transcription service</h1>
      <p class="lead">
        Speech to text for a media URL or an uploaded recording, as durable jobs that survive restarts. The
        business engine calls it with <code>X-Engine-Auth</code>{" "}
        and receives a signed webhook when each transcription finishes.
      </p>
      <div class={healthy ? "banner" : "banner error"} role="status">
        <strong>{healthy ? "Ready" : "Degraded"}</strong>{" "}
        <span class={healthy ? "badge ok" : "badge warn"}>{data.status}</span>{" "}
        <span class="muted">recogniser: {data.tools.asr.provider}</span>
        {data.problems && (
          <ul>
            {data.problems.map((problem) => <li key={problem}>{problem}</li>)}
          </ul>
        )}
      </div>
      <h2>Activity</h2>
      <div class="grid">
        <div class="card">
          <h3>Transcriptions</h3>
          <p>
            <strong>{data.jobs.completed}</strong> completed, <strong>{data.jobs.inProgress}</strong>{" "}
            in progress, <strong>{data.jobs.failed}</strong> failed
          </p>
          <p class="muted">{data.jobs.accepted} accepted in total</p>
        </div>
        <div class="card">
          <h3>Cache</h3>
          <p>
            <strong>{percent} %</strong> hit rate
          </p>
          <p class="muted">
            {data.cache.hits} hits, {data.cache.misses} misses; results kept {data.cache.ttlHours} h
          </p>
        </div>
        <div class="card">
          <h3>Tools</h3>
          <p>
            ffmpeg{" "}
            <span class={data.tools.ffmpeg.available ? "badge ok" : "badge warn"}>
              {data.tools.ffmpeg.available ? "installed" : "missing"}
            </span>
          </p>
          <p>
            {data.tools.asr.provider} recogniser{" "}
            <span class={data.tools.asr.available ? "badge ok" : "badge warn"}>
              {data.tools.asr.available ? "ready" : "unavailable"}
            </span>
          </p>
        </div>
      </div>
      <h2>Configuration</h2>
      <table>
        <tbody>
          {Object.entries(data.environment).map(([name, value]) => (
            <tr key={name}>
              <th scope="row">
                <code>{name}</code>
              </th>
              <td>{String(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>API</h2>
      <ul class="stack">
        {endpoints.map(([method, path, what]) => (
          <li key={path}>
            <span class="method">{method}</span> <code>{path}</code> <span class="muted">— {what}</span>
          </li>
        ))}
      </ul>
      <p class="muted">
        Full schemas in the <a href="/docs#tag-transcription">API documentation</a>.
      </p>
    </>
  );
}
