/**
 * Writing the narration script, in sections: an LLM (any ChatModel, OpenRouter by default when a
 * key is set) or the offline extractive summariser. Either way the draft is checked against the
 * language's rules and, when it misses, rewritten once with the exact problem as feedback. The LLM
 * answers in a small plain-text format (`## title [p. N]`, narration, `- key point`); an answer
 * without it is cut into sections by sentences, so a model that ignores the format still works.
 */
import type { ChatMessage, ChatModel, TokenUsage } from "../providers/llm/types.ts";
import { LlmError } from "../providers/llm/types.ts";
import { PermanentJobError } from "../jobs/types.ts";
import type { Logger } from "../log.ts";
import { splitSentences } from "../media/sentences.ts";
import { type Category, type SourcePart, summariseSections } from "./summariser.ts";
import { checkScript, type Language, scriptLimits } from "./script_rules.ts";
import { keyPointOf, maxSections, type ScriptSection, scriptText } from "./sections.ts";

export interface ScriptOptions {
  category: Category;
  sentiment: string;
  /** LLM model id; ignored by the offline writer. */
  model: string;
}

export interface WrittenScript {
  sections: ScriptSection[];
  /** The sections' narration joined. */
  script: string;
  language: Language;
  words: number;
  estimatedSeconds: number;
  usage: TokenUsage;
  writer: string;
  model: string;
  attempts: number;
}

interface Draft {
  sections: ScriptSection[];
  usage: TokenUsage;
}

type DraftFunction = (
  targetWords: number,
  feedback?: { previous: string; problem: string },
) => Promise<Draft>;

export async function writeScript(
  parts: SourcePart[],
  language: Language,
  options: ScriptOptions,
  chat: ChatModel | undefined,
  context: { log: Logger; signal?: AbortSignal },
): Promise<WrittenScript> {
  const limits = scriptLimits[language];
  const target = options.category === "explanation"
    ? Math.round(limits.maxWords * 0.5)
    : Math.round(limits.maxWords * 0.3);
  const draft: DraftFunction = chat
    ? (targetWords, feedback) => llmDraft(chat, parts, language, options, targetWords, feedback, context)
    : (targetWords) =>
      Promise.resolve({
        sections: summariseSections(parts, language, options.category, targetWords),
        usage: none(),
      });

  const usage = none();
  let attempt = await draft(target);
  add(usage, attempt.usage);
  let check = checkScript(scriptText(attempt.sections), language);
  let attempts = 1;
  if (!check.valid) {
    // One re-prompt: say exactly what was wrong and aim at the middle of the allowed range.
    const middle = Math.round((limits.minWords + limits.maxWords) / 2.5);
    context.log.info("script_reprompt", { problem: check.problem, words: check.words });
    attempt = await draft(middle, { previous: formatSections(attempt.sections), problem: check.problem! });
    add(usage, attempt.usage);
    check = checkScript(scriptText(attempt.sections), language);
    attempts = 2;
  }
  if (!check.valid) {
    throw new PermanentJobError(
      `Could not write a valid script: ${check.problem} ` +
        (chat ? "" : "The document may be too short for a 20-second video."),
      "script_invalid",
    );
  }
  return {
    sections: attempt.sections,
    script: scriptText(attempt.sections),
    language,
    words: check.words,
    estimatedSeconds: check.estimatedSeconds,
    usage,
    writer: chat ? chat.name : "local-summariser",
    model: chat ? options.model : "extractive",
    attempts,
  };
}

async function llmDraft(
  chat: ChatModel,
  parts: SourcePart[],
  language: Language,
  options: ScriptOptions,
  targetWords: number,
  feedback: { previous: string; problem: string } | undefined,
  context: { log: Logger; signal?: AbortSignal },
): Promise<Draft> {
  const limits = scriptLimits[language];
  const languageName = language === "ar" ? "Arabic" : "English";
  const task = options.category === "explanation"
    ? "explains the document's ideas simply, for someone new to the topic"
    : "summarises the document's key points";
  const document = parts.map((part) =>
    `${part.page ? `[Page ${part.page}] ` : ""}${part.title ? `${part.title}\n` : ""}${part.text}`
  ).join("\n\n").slice(0, 40_000);
  const messages: ChatMessage[] = [
    {
      role: "system",
      content: `You write narration scripts for a short video that shows the document's pages. Write in ` +
        `${languageName}, with a ${options.sentiment} tone. Split the script into 3 to 6 sections that ` +
        `follow the document. Start each section with a line "## <short title> [p. <page number>]", then ` +
        `the narration as plain spoken sentences (no lists, markdown, stage directions or emoji), then ` +
        `2 or 3 lines "- <key point of at most 6 words>". Aim for about ${targetWords} words of ` +
        `narration in total (never fewer than ${limits.minWords} or more than ${limits.maxWords}).`,
    },
    { role: "user", content: `Write a script that ${task}.\n\nDocument:\n${document}` },
  ];
  if (feedback) {
    messages.push({ role: "assistant", content: feedback.previous });
    messages.push({ role: "user", content: `${feedback.problem} Rewrite it to about ${targetWords} words.` });
  }
  const started = performance.now();
  context.log.info("llm_request", { provider: chat.name, model: options.model, targetWords });
  try {
    const response = await chat.complete({
      model: options.model,
      messages,
      signal: context.signal,
      onRetry: (info) =>
        context.log.warn("llm_error", { provider: chat.name, model: options.model, retrying: true, ...info }),
    });
    context.log.info("llm_success", {
      provider: chat.name,
      model: response.model,
      durationMs: Math.round(performance.now() - started),
      // Named so the log redaction (which hides anything called "token") keeps the counts.
      usageIn: response.usage.promptTokens,
      usageOut: response.usage.completionTokens,
    });
    return { sections: parseSections(response.text), usage: response.usage };
  } catch (error) {
    context.log.warn("llm_error", {
      provider: chat.name,
      model: options.model,
      durationMs: Math.round(performance.now() - started),
      error: (error as Error).message,
    });
    if (error instanceof LlmError && !error.retryable) {
      throw new PermanentJobError(`The script writer failed: ${error.message}`, "llm_failed");
    }
    throw error;
  }
}

/**
 * Reads the `## title [p. N]` / narration / `- point` format. Text before the first heading, or an
 * answer with no headings at all, becomes sections of a few sentences titled by their first point.
 */
export function parseSections(answer: string): ScriptSection[] {
  const sections: ScriptSection[] = [];
  let current: { title?: string; page?: number; lines: string[]; points: string[] } | undefined;
  const loose: string[] = [];
  const close = () => {
    if (!current) return;
    const text = cleanNarration(current.lines.join(" "));
    if (text) {
      sections.push({
        title: cleanNarration(current.title ?? "").slice(0, 100) || keyPointOf(text),
        text,
        keyPoints: current.points.map((point) => cleanNarration(point).slice(0, 80)).filter(Boolean).slice(
          0,
          3,
        ),
        ...(current.page ? { page: current.page } : {}),
      });
    }
    current = undefined;
  };
  for (const line of answer.split("\n")) {
    const heading = line.match(/^\s*#{1,4}\s*(.+?)\s*(?:\[\s*(?:p\.?|page)\s*(\d+)\s*\])?\s*$/i);
    if (heading) {
      close();
      current = {
        title: heading[1],
        page: heading[2] ? Number(heading[2]) : undefined,
        lines: [],
        points: [],
      };
      continue;
    }
    const point = line.match(/^\s*[-•*]\s+(.+)$/);
    if (point && current) current.points.push(point[1]);
    else if (current) current.lines.push(line);
    else loose.push(line);
  }
  close();
  const unsorted = cleanNarration(loose.join(" "));
  if (unsorted) sections.unshift(...chunkSentences(unsorted));
  return sections.slice(0, maxSections);
}

function chunkSentences(text: string): ScriptSection[] {
  const sentences = splitSentences(text);
  const size = Math.max(2, Math.ceil(sentences.length / 4));
  const sections: ScriptSection[] = [];
  for (let index = 0; index < sentences.length; index += size) {
    const chunk = sentences.slice(index, index + size);
    sections.push({ title: keyPointOf(chunk[0]), text: chunk.join(" "), keyPoints: [] });
  }
  return sections;
}

/** Models sometimes add markdown despite instructions; narration must be plain sentences. */
function cleanNarration(text: string): string {
  return text.replace(/[*_#`>]+/g, "").replace(/\s+/g, " ").trim();
}

/** The sections in the answer format, for the re-prompt. */
function formatSections(sections: ScriptSection[]): string {
  return sections.map((section) =>
    [
      `## ${section.title}${section.page ? ` [p. ${section.page}]` : ""}`,
      section.text,
      ...section.keyPoints.map((point) => `- ${point}`),
    ].join("\n")
  ).join("\n\n");
}

function none(): TokenUsage {
  return { promptTokens: 0, completionTokens: 0 };
}

function add(total: TokenUsage, more: TokenUsage): void {
  total.promptTokens += more.promptTokens;
  total.completionTokens += more.completionTokens;
}
