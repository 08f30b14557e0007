import { adminApi, useLive } from "../components/admin/api.ts";
import { ago } from "../components/time.ts";

interface Session {
  sessionId: string;
  tenantId: string;
  category: string;
  seq: number;
  updatedAt: string;
  expiresAt: string;
  displayUrl: string;
}

/** Live conversation sessions, most recently active first, each with a link that opens its display. */
export default function AdminSessions({ csrf }: { csrf: string }) {
  const api = adminApi(csrf);
  const sessions = useLive(
    () => api<{ items: Session[] }>("/api/admin/conversation/sessions?limit=500"),
    5_000,
  );
  const items = [...(sessions.data?.items ?? [])].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return (
    <section class="stack" data-testid="admin-sessions">
      {sessions.error && <p class="banner error" role="alert">{sessions.error}</p>}
      {sessions.data && items.length === 0 && (
        <p class="muted">
          No live sessions. Start one from the <a href="/ui/conversation">conversation display</a> demo.
        </p>
      )}
      <table class="stacked-table">
        <thead>
          <tr>
            <th>Tenant</th>
            <th>Kind</th>
            <th class="num">Updates</th>
            <th>Last update</th>
            <th>Expires</th>
            <th>Display</th>
          </tr>
        </thead>
        <tbody>
          {items.map((session) => (
            <tr key={session.sessionId}>
              <td data-label="Tenant">
                <strong>{session.tenantId}</strong>
                <div class="muted small">
                  <code>{session.sessionId}</code>
                </div>
              </td>
              <td data-label="Kind">{session.category}</td>
              <td data-label="Updates" class="num">{session.seq}</td>
              <td data-label="Last update">{ago(session.updatedAt)}</td>
              <td data-label="Expires">{ago(session.expiresAt)}</td>
              <td data-label="Display">
                <a href={session.displayUrl} target="_blank" rel="noopener">Open display</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
