import AdminCredits from "../../islands/AdminCredits.tsx";
import { AdminShell } from "../../components/AdminShell.tsx";
import { adminPage, type AdminPageData } from "../../lib/admin/pages.ts";
import type { Handlers, PageProps } from "../../lib/web/manifest.ts";

export const title = "Credits · Admin";

export const handler: Handlers = {
  GET: adminPage("The credit ledger: accounts, holds, grants, user tokens"),
};

export default function AdminCreditsPage({ data }: PageProps<AdminPageData>) {
  return (
    <AdminShell path="/admin/credits" csrf={data.csrf} title="Credits">
      <AdminCredits csrf={data.csrf} />
    </AdminShell>
  );
}
