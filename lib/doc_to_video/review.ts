/**
 * Reviewing a script before it is rendered. A job uploaded with `review` stops after the script;
 * the user edits, reorders or deletes sections and confirms them (validated by the same rules as a
 * written script), which starts the render job. Regenerating one section asks the LLM when one is
 * configured, or picks other sentences from the section's pages offline; it proposes, it does not
 * save — the confirmed list is what gets rendered.
 */
import type { BlobStore } from "../blobs/types.ts";
import { KilnError } from "../errors.ts";
import { validate } from "../http/body.ts";
import type { JobEngine, JobRecord } from "../jobs/types.ts";
import type { Logger } from "../log.ts";
import { type ChatModel, LlmError } from "../providers/llm/types.ts";
import type { KvStore } from "../store/types.ts";
import { type JobFacts, readFacts, updateFacts } from "./job_facts.ts";
import { blobKeys } from "./keys.ts";
import { storedLayout } from "./layout_step.ts";
import { enqueueVideoJob } from "./enqueue.ts";
import type { DocToVideoJobInput } from "./options.ts";
import { partsOf } from "./outline.ts";
import { countWords, type Language } from "./script_rules.ts";
import {
  checkSections,
  keyPointOf,
  ScriptSection,
  ScriptSections,
  scriptText,
  sectionStats,
} from "./sections.ts";
import { parseSections } from "./script_writer.ts";
import { rankSentences, type SourcePart } from "./summariser.ts";

export interface ReviewDependencies {
  kv: KvStore;
  blobs: BlobStore;
  jobs: JobEngine;
  chat?: ChatModel;
  liveJob: (jobId: string) => Promise<JobRecord>;
}

export function createReviewOperations(deps: ReviewDependencies) {
  async function pendingFacts(jobId: string): Promise<{ job: JobRecord; facts: JobFacts }> {
    const job = await deps.liveJob(jobId);
    const facts = await readFacts(deps.kv, jobId);
    if (!facts || facts.review !== "pending" || !facts.sections) throw notAwaiting(facts);
    return { job, facts };
  }

  return {
    /** Validates the edited sections and starts rendering them (once: a second confirm is a 409). */
    async confirmScript(jobId: string, body: unknown, clientKey: string, log: Logger): Promise<string> {
      const { job, facts } = await pendingFacts(jobId);
      const language: Language = facts.language ?? "en";
      const sections = validSections(body, language, facts.pages);
      const check = checkSections(sections, language);
      // Claim the review first, so two confirms cannot both render.
      await updateFacts(deps.kv, jobId, (current) => {
        if (current?.review !== "pending") throw notAwaiting(current);
        return {
          ...current,
          review: "confirmed",
          sections,
          script: scriptText(sections),
          words: check.words,
          estimatedSeconds: check.estimatedSeconds,
        };
      });
      const input: DocToVideoJobInput = { ...(job.input as DocToVideoJobInput), reviewOf: jobId };
      let render: JobRecord;
      try {
        // Its commit re-points the work folder's cleanup record: the files now live as long as the render.
        render = await enqueueVideoJob(deps.jobs, input, clientKey, `review:${jobId}`);
      } catch (error) {
        await updateFacts(deps.kv, jobId, (current) => ({ ...current!, review: "pending" }));
        throw error;
      }
      await updateFacts(deps.kv, jobId, (current) => ({ ...current!, renderJobId: render.id }));
      await deps.blobs.put(blobKeys.script(facts.workId), new TextEncoder().encode(scriptText(sections)));
      log.info("script_confirmed", {
        jobId,
        renderJobId: render.id,
        sections: sections.length,
        words: check.words,
        edited: JSON.stringify(sections) !== JSON.stringify(facts.sections),
      });
      return render.id;
    },

    /** A new version of section `index` (not saved). */
    async regenerateSection(jobId: string, index: number, log: Logger) {
      const { facts } = await pendingFacts(jobId);
      const section = facts.sections![index];
      if (!section) {
        throw new KilnError("not_found", "section_not_found", `The script has no section ${index + 1}.`);
      }
      const language: Language = facts.language ?? "en";
      const layout = facts.hasLayout ? await storedLayout(deps.blobs, facts.workId) : null;
      const parts: SourcePart[] = layout ? partsOf(layout, layout.outline) : [{
        text: await new Response((await deps.blobs.get(blobKeys.text(facts.workId)))?.body ?? "").text(),
      }];
      const rewritten = deps.chat
        ? await llmSection(deps.chat, facts, section, parts, language, log).catch((error) => {
          if (error instanceof LlmError) {
            throw new KilnError("upstream", "llm_failed", `The script writer failed: ${error.message}`);
          }
          throw error;
        })
        : otherSentences(facts.sections!, section, parts);
      const stats = sectionStats(rewritten, language);
      return {
        section: { ...rewritten, words: stats.words, estimated_seconds: stats.estimatedSeconds },
        writer: deps.chat ? deps.chat.name : "local-summariser",
      };
    },
  };
}

function notAwaiting(facts: JobFacts | null): KilnError {
  return facts?.review === "confirmed"
    ? new KilnError(
      "conflict",
      "script_already_confirmed",
      "This script was confirmed; the video is being made.",
    )
    : new KilnError(
      "conflict",
      "script_not_awaiting_review",
      "This job is not waiting for a script review (upload with review=true to review the script).",
    );
}

function validSections(body: unknown, language: Language, pages = 1): ScriptSection[] {
  const sections = validate(
    ScriptSections,
    (body as { sections?: unknown } | null)?.sections,
    "body.sections",
  );
  const check = checkSections(sections, language);
  if (!check.valid) {
    throw new KilnError("invalid", "script_invalid", check.problem!, {
      details: { words: check.words, estimatedSeconds: check.estimatedSeconds },
    });
  }
  // A page outside the document would point the camera nowhere: drop it and let the render locate.
  return sections.map(({ page, ...section }) =>
    page !== undefined && page <= pages ? { ...section, page } : section
  );
}

/** Offline: the best sentences of the section's page (or the document) not already in the script. */
function otherSentences(
  sections: ScriptSection[],
  section: ScriptSection,
  parts: SourcePart[],
): ScriptSection {
  const used = scriptText(sections);
  const onPage = parts.filter((part) => section.page === undefined || part.page === section.page);
  const pool = rankSentences(onPage.length > 0 ? onPage : parts)
    .filter((candidate) => !used.includes(candidate.sentence.replace(/\.$/, "")));
  const target = Math.max(countWords(section.text), 12);
  const chosen: typeof pool = [];
  let words = 0;
  for (const candidate of [...pool].sort((a, b) => b.score - a.score)) {
    if (words >= target) break;
    chosen.push(candidate);
    words += countWords(candidate.sentence);
  }
  if (chosen.length === 0) return section; // nothing else to say about this page
  chosen.sort((a, b) => a.index - b.index);
  const keyPoints = chosen.map((item) => keyPointOf(item.sentence)).filter((point) => countWords(point) >= 2)
    .slice(0, 3);
  return { ...section, text: chosen.map((item) => item.sentence).join(" "), keyPoints };
}

async function llmSection(
  chat: ChatModel,
  facts: JobFacts,
  section: ScriptSection,
  parts: SourcePart[],
  language: Language,
  log: Logger,
): Promise<ScriptSection> {
  const source = parts.filter((part) => section.page === undefined || part.page === section.page)
    .map((part) => part.text).join("\n").slice(0, 12_000) ||
    parts.map((part) => part.text).join("\n").slice(0, 12_000);
  const model = facts.scriptBy?.model ?? "";
  const response = await chat.complete({
    signal: AbortSignal.timeout(60_000),
    model,
    messages: [
      {
        role: "system",
        content: `You rewrite one section of a narration script for a short video, in ${
          language === "ar" ? "Arabic" : "English"
        }. Answer with exactly one section: a line "## <short title>", then about ${
          countWords(section.text)
        } words of plain spoken narration, then 2 or 3 lines "- <key point of at most 6 words>".`,
      },
      {
        role: "user",
        content: `The section now reads:\n## ${section.title}\n${section.text}\n\nSay it differently, ` +
          `using this part of the document:\n${source}`,
      },
    ],
  });
  log.info("section_regenerated", {
    model: response.model,
    usageIn: response.usage.promptTokens,
    usageOut: response.usage.completionTokens,
  });
  const [rewritten] = parseSections(response.text);
  return rewritten ? { ...rewritten, ...(section.page ? { page: section.page } : {}) } : section;
}
