/** Every KV key of the business engine, in one place. */
export const engineKeys = {
  account: (userId: string) => ["engine", "accounts", userId],
  ledger: (userId: string, sequence: number) => ["engine", "ledger", userId, sequence],
  ledgerPrefix: (userId: string) => ["engine", "ledger", userId],
  /** Makes `POST /v1/credits/add` idempotent per clientRequestId even after the HTTP record expires. */
  grant: (userId: string, clientRequestId: string) => ["engine", "grants", userId, clientRequestId],
  vend: (userId: string, clientRequestId: string) => ["engine", "vends", userId, clientRequestId],
  /** Vends in the current hour (the per-user limit), updated in the vend's own commit. */
  vendWindow: (userId: string) => ["engine", "vend_windows", userId],
  tokenUse: (tokenId: string) => ["engine", "token_uses", tokenId],
  /** Keyed by job and user: if the service ever hands two users one job id, both may read it. */
  tttJob: (jobId: string, userId: string) => ["engine", "ttt_jobs", jobId, userId],
  request: (requestId: string) => ["engine", "requests", requestId],
  holdByTime: (createdAt: number, requestId: string) => ["engine", "holds_by_time", createdAt, requestId],
  holdsByTimePrefix: () => ["engine", "holds_by_time"],
  webhook: (webhookId: string) => ["engine", "webhooks", webhookId],
  meta: (canonicalUrl: string) => ["engine", "meta", canonicalUrl],
};
