import AdminJobs from "../../islands/AdminJobs.tsx";
import { AdminShell } from "../../components/AdminShell.tsx";
import { adminPage, type AdminPageData } from "../../lib/admin/pages.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = "Jobs · Admin";

export const handler: Handlers = {
  GET: adminPage("Jobs by state and kind, dead letters with retry and cancel"),
};

export default function AdminJobsPage({ url, data }: PageProps<AdminPageData>) {
  return (
    <AdminShell path="/admin/jobs" csrf={data.csrf} title="Jobs">
      <AdminJobs csrf={data.csrf} status={url.searchParams.get("status") ?? "failed"} />
    </AdminShell>
  );
}
