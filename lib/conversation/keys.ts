/**
 * The KV layout of conversation sessions. Updates and transcripts are one key per seq (not one
 * growing value) so a session never approaches the 64 KiB value limit; the session record lists
 * which seqs are still kept, and trimming deletes the oldest in the same atomic that adds a new one.
 */
export const conversationKeys = {
  session: (id: string): Deno.KvKey => ["conversation", "session", id],
  update: (id: string, seq: number): Deno.KvKey => ["conversation", "update", id, seq],
  updates: (id: string): Deno.KvKey => ["conversation", "update", id],
  transcript: (id: string, seq: number): Deno.KvKey => ["conversation", "transcript", id, seq],
  transcripts: (id: string): Deno.KvKey => ["conversation", "transcript", id],
  /** Expiry index, ordered by time, so cleanup lists only what is due. */
  expiry: (expiresAt: number, id: string): Deno.KvKey => ["conversation", "expiry", expiresAt, id],
  expiries: (): Deno.KvKey => ["conversation", "expiry"],
};

/** The live-feed topic of a session's display stream. */
export function conversationTopic(id: string): string {
  return `conversation:${id}`;
}
