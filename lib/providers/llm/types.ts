/**
 * The shared LLM provider contract: chat messages in, text and token usage out. Small on purpose
 * so any module (doc-to-video scripts, conversation themes) can use it and tests can fake it.
 */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /** Told about each failed attempt the adapter is about to retry (for logging). */
  onRetry?: (info: { retry: number; status?: number; delayMs: number; message: string }) => void;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResponse {
  text: string;
  usage: TokenUsage;
  model: string;
}

export interface ChatModel {
  /** "openrouter", "local", … */
  readonly name: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}

/** Thrown for upstream failures; `retryable` marks 429/5xx/network errors. */
export class LlmError extends Error {
  readonly status?: number;
  readonly retryable: boolean;
  constructor(message: string, options: { status?: number; retryable: boolean }) {
    super(message);
    this.name = "LlmError";
    this.status = options.status;
    this.retryable = options.retryable;
  }
}
