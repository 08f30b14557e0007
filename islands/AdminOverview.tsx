import { adminApi, useLive } from "../components/admin/api.ts";

interface Health {
  status: string;
  config: { backend: string };
  checks: Record<string, { state: string }>;
}
interface Counts {
  queued: number;
  running: number;
  failed: number;
}

const tiles = [
  { href: "/admin/jobs", title: "Jobs", text: "Queued, running and failed jobs; retry dead letters." },
  {
    href: "/admin/credits",
    title: "Credits",
    text: "Accounts, holds, the ledger; grant credits, mint tokens.",
  },
  { href: "/admin/batches", title: "Batches", text: "Image preprocessing batches; upload, follow, reset." },
  { href: "/admin/services", title: "Services", text: "Health, circuit breaker, upstream probe, tools." },
  { href: "/admin/sessions", title: "Sessions", text: "Live conversation displays; open any of them." },
];

/** The console's front page: overall health and job counts, live, and a door to each section. */
export default function AdminOverview({ csrf }: { csrf: string }) {
  const api = adminApi(csrf);
  const health = useLive(() => api<Health>("/health"), 5_000);
  const counts = useLive(() => api<Counts>("/api/admin/jobs/counts"), 2_000);
  const degraded = Object.entries(health.data?.checks ?? {}).filter(([, check]) => check.state !== "ok");
  return (
    <div class="stack" data-testid="admin-overview">
      {health.data && (
        <p class={`banner ${degraded.length === 0 ? "ok" : "error"}`} role="status">
          <strong>
            {degraded.length === 0
              ? "All systems working"
              : `Degraded: ${degraded.map(([n]) => n).join(", ")}`}
          </strong>{" "}
          · backend {health.data.config.backend}
        </p>
      )}
      <div class="admin-stats" aria-live="polite">
        {(["queued", "running", "failed"] as const).map((name) => (
          <a key={name} class="admin-stat" href={`/admin/jobs?status=${name}`}>
            <strong>{counts.data?.[name] ?? "…"}</strong>
            <span>{name === "failed" ? "dead letters" : `${name} jobs`}</span>
          </a>
        ))}
      </div>
      <div class="grid">
        {tiles.map((tile) => (
          <a key={tile.href} class="card card-link" href={tile.href}>
            <h2 class="h3">{tile.title}</h2>
            <p class="muted">{tile.text}</p>
          </a>
        ))}
      </div>
    </div>
  );
}
