import AdminSessions from "../../islands/AdminSessions.tsx";
import { AdminShell } from "../../components/AdminShell.tsx";
import { adminPage, type AdminPageData } from "../../lib/admin/pages.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = "Conversation sessions · Admin";

export const handler: Handlers = { GET: adminPage("Live conversation sessions and their displays") };

export default function AdminSessionsPage({ data }: PageProps<AdminPageData>) {
  return (
    <AdminShell path="/admin/sessions" csrf={data.csrf} title="Conversation sessions">
      <AdminSessions csrf={data.csrf} />
    </AdminShell>
  );
}
