/**
 * Script cache keyed by the PDF's SHA-256 and every option that changes the script (category,
 * sentiment, model, writer): the same document uploaded twice costs one LLM call.
 */
import type { KvStore } from "../store/types.ts";
import { sha256Hex } from "../hmac.ts";
import type { Logger } from "../log.ts";
import type { ChatModel } from "../providers/llm/types.ts";
import { docToVideoKeys } from "./keys.ts";
import type { DocToVideoJobInput } from "./options.ts";
import type { Language } from "./script_rules.ts";
import type { SourcePart } from "./summariser.ts";
import { writeScript, type WrittenScript } from "./script_writer.ts";

const cacheTtlMs = 24 * 60 * 60 * 1000;

export async function cachedScript(
  kv: KvStore,
  input: DocToVideoJobInput,
  parts: SourcePart[],
  language: Language,
  chat: ChatModel | undefined,
  context: { log: Logger; signal?: AbortSignal },
): Promise<{ script: WrittenScript; cached: boolean }> {
  const { category, sentiment, model } = input.options;
  const optionsHash = await sha256Hex(
    JSON.stringify(["sections-1", category, sentiment, chat ? `${chat.name}:${model}` : "local"]),
  );
  const key = docToVideoKeys.scriptCache(input.documentHash, optionsHash);
  const hit = await kv.get<WrittenScript>(key);
  if (hit.value) {
    context.log.info("script_cache_hit", { words: hit.value.words });
    // A cached script costs nothing this time.
    return { script: { ...hit.value, usage: { promptTokens: 0, completionTokens: 0 } }, cached: true };
  }
  const script = await writeScript(parts, language, { category, sentiment, model }, chat, context);
  // A job stopped while the writer answered writes nothing more (the store may be closing).
  context.signal?.throwIfAborted();
  await kv.set(key, script, { expireIn: cacheTtlMs });
  return { script, cached: false };
}
