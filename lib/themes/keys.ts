/** KV layout of themes: one signed record per tenant. */
export const themeKeys = {
  theme: (tenant: string): Deno.KvKey => ["themes", "tenant", tenant],
};
