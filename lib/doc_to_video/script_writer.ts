/**
 * Writing the narration script: an LLM (any ChatModel, OpenRouter by default when a key is set) or
 * the offline extractive summariser. Either way the draft is checked against the language's rules
 * and, when it misses, rewritten once with the exact problem as feedback.
 */
import type { ChatMessage, ChatModel, TokenUsage } from "../providers/llm/types.ts";
import { LlmError } from "../providers/llm/types.ts";
import { PermanentJobError } from "../jobs/types.ts";
import type { Logger } from "../log.ts";
import { type Category, summarise } from "./summariser.ts";
import { checkScript, type Language, scriptLimits } from "./script_rules.ts";

export interface ScriptOptions {
  category: Category;
  sentiment: string;
  /** LLM model id; ignored by the offline writer. */
  model: string;
}

export interface WrittenScript {
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
  script: string;
  usage: TokenUsage;
}

type DraftFunction = (
  targetWords: number,
  feedback?: { previous: string; problem: string },
) => Promise<Draft>;

export async function writeScript(
  text: string,
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
    ? (targetWords, feedback) => llmDraft(chat, text, language, options, targetWords, feedback, context)
    : (targetWords) =>
      Promise.resolve({ script: summarise(text, language, options.category, targetWords), usage: none() });

  const usage = none();
  let attempt = await draft(target);
  add(usage, attempt.usage);
  let check = checkScript(attempt.script, language);
  let attempts = 1;
  if (!check.valid) {
    // One re-prompt: say exactly what was wrong and aim at the middle of the allowed range.
    const middle = Math.round((limits.minWords + limits.maxWords) / 2.5);
    context.log.info("script_reprompt", { problem: check.problem, words: check.words });
    attempt = await draft(middle, { previous: attempt.script, problem: check.problem! });
    add(usage, attempt.usage);
    check = checkScript(attempt.script, language);
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
    script: attempt.script,
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
  text: string,
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
  const messages: ChatMessage[] = [
    {
      role: "system",
      content: `You write narration scripts for a short presenter video. Write in ${languageName}, ` +
        `with a ${options.sentiment} tone, as plain spoken sentences: no headings, lists, markdown, ` +
        `stage directions or emoji. Aim for about ${targetWords} words ` +
        `(never fewer than ${limits.minWords} or more than ${limits.maxWords}).`,
    },
    { role: "user", content: `Write a script that ${task}.\n\nDocument:\n${text.slice(0, 40_000)}` },
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
    return { script: cleanScript(response.text), usage: response.usage };
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

/** Models sometimes add markdown despite instructions; narration must be plain sentences. */
function cleanScript(text: string): string {
  return text.replace(/[*_#`>]+/g, "").replace(/^\s*[-•]\s+/gm, "").replace(/\s+/g, " ").trim();
}

function none(): TokenUsage {
  return { promptTokens: 0, completionTokens: 0 };
}

function add(total: TokenUsage, more: TokenUsage): void {
  total.promptTokens += more.promptTokens;
  total.completionTokens += more.completionTokens;
}
