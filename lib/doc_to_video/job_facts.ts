/**
 * What the status route shows while a job runs: the script as soon as it exists, the cost, the
 * artifact keys. One KV record per job, written only by the job's handler (version-checked).
 */
import type { KvStore } from "../store/types.ts";
import type { CostEstimate } from "./cost.ts";
import { docToVideoKeys } from "./keys.ts";
import type { Language } from "./script_rules.ts";

export interface JobFacts {
  workId: string;
  script?: string;
  language?: Language;
  words?: number;
  estimatedSeconds?: number;
  scriptCached?: boolean;
  cost?: CostEstimate;
  videoProvider?: string;
  providerId?: string;
  videoSeconds?: number;
  hasVideo?: boolean;
}

const factsTtlMs = 24 * 60 * 60 * 1000;

export async function readFacts(kv: KvStore, jobId: string): Promise<JobFacts | null> {
  return (await kv.get<JobFacts>(docToVideoKeys.job(jobId))).value;
}

export async function updateFacts(
  kv: KvStore,
  jobId: string,
  change: (facts: JobFacts | null) => JobFacts,
): Promise<JobFacts> {
  const key = docToVideoKeys.job(jobId);
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await kv.get<JobFacts>(key);
    const next = change(current.value);
    const result = await kv.atomic().check(current).set(key, next, { expireIn: factsTtlMs }).commit();
    if (result.ok) return next;
  }
  throw new Error("job facts update kept conflicting");
}
