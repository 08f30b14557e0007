/** KV keys of the voice module. */
export const voiceKeys = {
  /** The offline assistant's dialogue state of a session (what it asked, checkout progress). */
  dialogue: (sessionId: string): Deno.KvKey => ["voice", "dialogue", sessionId],
};
