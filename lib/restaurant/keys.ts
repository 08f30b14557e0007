/** KV layout of the restaurant assistant. */
export const restaurantKeys = {
  menu: (tenantId: string): Deno.KvKey => ["restaurant", "menu", tenantId],
  /** Cart, customer and order of a session; removed with the conversation session it belongs to. */
  session: (sessionId: string): Deno.KvKey => ["restaurant", "session", sessionId],
};
