/**
 * What the status route shows while a job runs: the script as soon as it exists, the cost, the
 * artifact keys. One KV record per job, written only by the job's handler (version-checked).
 */
import { transact } from "../store/transaction.ts";
import type { KvStore } from "../store/types.ts";
import type { TokenUsage } from "../providers/llm/types.ts";
import type { CostEstimate } from "./cost.ts";
import { docToVideoKeys } from "./keys.ts";
import type { Language } from "./script_rules.ts";
import type { ScriptSection } from "./sections.ts";

/** `pending`: the script waits for the user's review; `confirmed`: a render job took over. */
export type ReviewState = "pending" | "confirmed" | "cancelled";

export interface JobFacts {
  workId: string;
  script?: string;
  sections?: ScriptSection[];
  /** Pages in the document (from text extraction). */
  pages?: number;
  /** Whether the page layout could be read (page visuals on). */
  hasLayout?: boolean;
  review?: ReviewState;
  /** The job rendering the reviewed script. */
  renderJobId?: string;
  /** The voice id the narration used. */
  voice?: string;
  /** Who wrote the script and what it cost (the render after a review reads it from here). */
  scriptBy?: { writer: string; model: string; usage: TokenUsage };
  language?: Language;
  words?: number;
  estimatedSeconds?: number;
  scriptCached?: boolean;
  cost?: CostEstimate;
  videoProvider?: string;
  providerId?: string;
  videoSeconds?: number;
  hasVideo?: boolean;
  hasPoster?: boolean;
  hasChapters?: boolean;
}

const factsTtlMs = 24 * 60 * 60 * 1000;

export async function readFacts(kv: KvStore, jobId: string): Promise<JobFacts | null> {
  return (await kv.get<JobFacts>(docToVideoKeys.job(jobId))).value;
}

export function updateFacts(
  kv: KvStore,
  jobId: string,
  change: (facts: JobFacts | null) => JobFacts,
): Promise<JobFacts> {
  const key = docToVideoKeys.job(jobId);
  return transact(kv, { name: "doc_to_video.update_facts" }, async (tx) => {
    const next = change((await tx.get<JobFacts>(key)).value);
    tx.op.set(key, next, { expireIn: factsTtlMs });
    return next;
  });
}
