import AdminBatches from "../../islands/AdminBatches.tsx";
import { AdminShell } from "../../components/AdminShell.tsx";
import { adminPage, type AdminPageData } from "../../lib/admin/pages.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = "Preprocessing batches · Admin";

export const handler: Handlers = { GET: adminPage("Preprocessing batches: list, status, reset") };

export default function AdminBatchesPage({ data }: PageProps<AdminPageData>) {
  return (
    <AdminShell path="/admin/batches" csrf={data.csrf} title="Preprocessing batches">
      <AdminBatches csrf={data.csrf} />
    </AdminShell>
  );
}
