import { adminApi, useLive } from "../components/admin/api.ts";
import { ago } from "../components/time.ts";

type Check = { state: string; [field: string]: unknown };
interface Health {
  status: string;
  version: string;
  uptimeSeconds: number;
  config: Record<string, unknown>;
  checks: Record<string, Check>;
}
interface ServicesHealth {
  services: {
    tttranscribe: {
      baseUrl: string;
      probe: { reachable: boolean; status?: number; latencyMs?: number; error?: string; checkedAt: string };
      circuitBreaker: {
        state: string;
        consecutiveFailures: number;
        transitions: { from: string; to: string; at: string; reason?: string }[];
      };
      traffic: { calls: number; failures: number };
    };
  };
}
interface TranscriptionHealth {
  status: string;
  problems?: string[];
  environment: Record<string, boolean | string>;
  tools: Record<string, { available: boolean; provider?: string; detail?: string }>;
  jobs: { accepted: number; inProgress: number; completed: number; failed: number };
  cache: { hits: number; misses: number; hitRate: number; ttlHours: number };
}

/** A check's fields as "name: value" pairs (nested objects flattened one level). */
function fields(check: Check): [string, string][] {
  return Object.entries(check).filter(([name]) => name !== "state").flatMap(([name, value]) =>
    value && typeof value === "object"
      ? Object.entries(value as Record<string, unknown>).map(([inner, v]): [string, string] => [
        `${name}.${inner}`,
        String(v),
      ])
      : [[name, String(value)] as [string, string]]
  );
}

const tone = (state: string) =>
  ["ok", "healthy", "closed"].includes(state)
    ? "ok"
    : state === "half_open" || state === "degraded"
    ? "warn"
    : "error";

/** Every module's health check, the transcription upstream (probe, circuit breaker) and its tools. */
export default function AdminServices({ csrf }: { csrf: string }) {
  const api = adminApi(csrf);
  const health = useLive(() => api<Health>("/health"), 5_000);
  const upstream = useLive(() => api<ServicesHealth>("/health/services"), 5_000);
  const transcription = useLive(() => api<TranscriptionHealth>("/tttranscribe/health"), 5_000);
  const ttt = upstream.data?.services.tttranscribe;
  const stt = transcription.data;
  return (
    <div class="stack" data-testid="admin-services">
      {health.error && <p class="banner error" role="alert">{health.error}</p>}
      {health.data && (
        <p class={`banner ${health.data.status === "ok" ? "ok" : "error"}`} role="status">
          <strong>{health.data.status === "ok" ? "All systems working" : "Degraded"}</strong> · version{" "}
          {health.data.version} · up {Math.round(health.data.uptimeSeconds / 60)} min · backend{" "}
          {String(health.data.config.backend)}
        </p>
      )}

      {ttt && (
        <section class="card stack" data-testid="upstream">
          <div class="admin-item-head">
            <h2>Transcription upstream</h2>
            <span class={`badge ${tone(ttt.circuitBreaker.state)}`}>breaker {ttt.circuitBreaker.state}</span>
          </div>
          <p class="muted admin-meta">
            <code>{ttt.baseUrl}</code>
          </p>
          <p>
            Probe: {ttt.probe.reachable
              ? `reachable (HTTP ${ttt.probe.status}, ${ttt.probe.latencyMs} ms)`
              : `unreachable (${ttt.probe.error ?? ttt.probe.status})`} · checked {ago(ttt.probe.checkedAt)} ·
            {" "}
            {ttt.traffic.calls} calls, {ttt.traffic.failures} failed ·{" "}
            {ttt.circuitBreaker.consecutiveFailures} failures in a row
          </p>
          {ttt.circuitBreaker.transitions.length > 0 && (
            <ul class="admin-meta">
              {ttt.circuitBreaker.transitions.slice(-5).map((transition) => (
                <li key={transition.at}>
                  {transition.from} → {transition.to} {ago(transition.at)} {transition.reason ?? ""}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}

      {stt && (
        <section class="card stack" data-testid="transcription-health">
          <div class="admin-item-head">
            <h2>Transcription service</h2>
            <span class={`badge ${tone(stt.status)}`}>{stt.status}</span>
          </div>
          {stt.problems && <ul>{stt.problems.map((problem) => <li key={problem}>{problem}</li>)}</ul>}
          <p>
            {stt.jobs.completed} completed, {stt.jobs.inProgress} in progress, {stt.jobs.failed}{" "}
            failed · cache hit rate {Math.round(stt.cache.hitRate * 100)} % ({stt.cache.hits}{" "}
            hits, results kept {stt.cache.ttlHours} h)
          </p>
          <dl class="admin-facts">
            {Object.entries(stt.tools).map(([name, tool]) => (
              <div key={name}>
                <dt>{tool.provider ? `${name} (${tool.provider})` : name}</dt>
                <dd class={tool.available ? "ok" : "error"}>
                  {tool.available ? "ready" : tool.detail ?? "missing"}
                </dd>
              </div>
            ))}
            {Object.entries(stt.environment).map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}

      <h2>Health checks</h2>
      <div class="grid">
        {Object.entries(health.data?.checks ?? {}).map(([name, check]) => (
          <section key={name} class="card" data-check={name}>
            <div class="admin-item-head">
              <h3>{name.replace(/_/g, " ")}</h3>
              <span class={`badge ${tone(check.state)}`}>{check.state}</span>
            </div>
            <dl class="admin-facts">
              {fields(check).map(([field, value]) => (
                <div key={field}>
                  <dt>{field}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </div>
  );
}
