/**
 * Paces the assistant's speech to the client: audio is produced far faster than real time (a TTS
 * run, a burst from Gemini), but it is sent only `leadMs` ahead of playback. So when the caller
 * barges in, what has not been sent yet is simply dropped, and the client has at most `leadMs` of
 * buffered speech to throw away. Replies queue back to back, each framed by `audio_start` and
 * `audio_end` at its place in the stream.
 */
import { OUTPUT_SAMPLE_RATE } from "./pcm.ts";

export interface OutboxTarget {
  json(message: Record<string, unknown>): void;
  binary(bytes: Uint8Array): void;
}

const CHUNK_SAMPLES = OUTPUT_SAMPLE_RATE / 10; // 100 ms frames

type Item = { kind: "start" } | { kind: "audio"; samples: Int16Array } | { kind: "end" };

export class SpeechOutbox {
  readonly #target: OutboxTarget;
  readonly #leadMs: number;
  readonly #now: () => number;
  #queue: Item[] = [];
  /** A reply is open (its `audio_start` queued, its `audio_end` not yet). */
  #open = false;
  /** Playback clock: when the audio sent so far started, and how long it lasts. */
  #clockStart = 0;
  #sentMs = 0;
  #replyMs = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(target: OutboxTarget, options: { leadMs?: number; now?: () => number } = {}) {
    this.#target = target;
    this.#leadMs = options.leadMs ?? 400;
    this.#now = options.now ?? (() => performance.now());
  }

  /** When the client will have played everything sent so far. */
  get #playingUntil(): number {
    return this.#clockStart + this.#sentMs;
  }

  /** True while the client is (probably) still playing, or speech is queued. */
  get speaking(): boolean {
    return this.#queue.length > 0 || this.#now() < this.#playingUntil;
  }

  /** Queues speech; `final` ends the current reply. */
  push(samples: Int16Array, final = false): void {
    if (!this.#open) {
      this.#open = true;
      this.#queue.push({ kind: "start" });
    }
    for (let offset = 0; offset < samples.length; offset += CHUNK_SAMPLES) {
      this.#queue.push({ kind: "audio", samples: samples.subarray(offset, offset + CHUNK_SAMPLES) });
    }
    if (final) this.endReply();
    else this.#pump();
  }

  /** Ends the current reply (`audio_end` follows its last frame). */
  endReply(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#queue.push({ kind: "end" });
    this.#pump();
  }

  /** Drops everything unsent; true when something was still playing or queued. */
  interrupt(): boolean {
    const wasSpeaking = this.speaking;
    this.close();
    if (wasSpeaking) this.#target.json({ type: "interrupted" });
    return wasSpeaking;
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#open = false;
    this.#clockStart = 0;
    this.#sentMs = 0;
  }

  #pump() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = this.#now();
    if (now >= this.#playingUntil) {
      // The client went quiet: the clock restarts with the next frame.
      this.#clockStart = now;
      this.#sentMs = 0;
    }
    while (this.#queue.length > 0) {
      const item = this.#queue[0];
      if (item.kind === "audio" && this.#playingUntil - now >= this.#leadMs) break;
      this.#queue.shift();
      if (item.kind === "start") {
        this.#replyMs = 0;
        this.#target.json({ type: "audio_start", encoding: "pcm_s16le", sampleRate: OUTPUT_SAMPLE_RATE });
      } else if (item.kind === "end") {
        this.#target.json({ type: "audio_end", durationMs: Math.round(this.#replyMs) });
      } else {
        const { samples } = item;
        this.#target.binary(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength).slice());
        const ms = (samples.length / OUTPUT_SAMPLE_RATE) * 1000;
        this.#sentMs += ms;
        this.#replyMs += ms;
      }
    }
    if (this.#queue.length > 0) {
      this.#timer = setTimeout(
        () => this.#pump(),
        Math.max(10, this.#playingUntil - now - this.#leadMs + 10),
      );
    }
  }
}
