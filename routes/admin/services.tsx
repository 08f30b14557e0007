import AdminServices from "../../islands/AdminServices.tsx";
import { AdminShell } from "../../components/AdminShell.tsx";
import { adminPage, type AdminPageData } from "../../lib/admin/pages.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = "Services · Admin";

export const handler: Handlers = {
  GET: adminPage("Service health: breaker, upstream probe, tools, encoder, backend"),
};

export default function AdminServicesPage({ data }: PageProps<AdminPageData>) {
  return (
    <AdminShell path="/admin/services" csrf={data.csrf} title="Services">
      <AdminServices csrf={data.csrf} />
    </AdminShell>
  );
}
