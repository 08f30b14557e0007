import AdminOverview from "../../islands/AdminOverview.tsx";
import { AdminShell } from "../../components/AdminShell.tsx";
import { adminPage, type AdminPageData } from "../../lib/admin/pages.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = "Admin console · Admin";

export const handler: Handlers = { GET: adminPage("Admin console overview: health and job counts") };

export default function AdminOverviewPage({ data }: PageProps<AdminPageData>) {
  return (
    <AdminShell path="/admin" csrf={data.csrf} title="Admin console">
      <AdminOverview csrf={data.csrf} />
    </AdminShell>
  );
}
