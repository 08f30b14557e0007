/**
 * Paces the assistant's speech to the client: audio is produced far faster than real time (a TTS
 * run, a burst from Gemini), but it is sent only `leadMs` ahead of playback. So when the caller
 * barges in, what has not been sent yet is simply dropped, and the client has at most `leadMs` of
 * buffered speech to throw away.
 */
import { OUTPUT_SAMPLE_RATE } from "./pcm.ts";

export interface OutboxTarget {
  json(message: Record<string, unknown>): void;
  binary(bytes: Uint8Array): void;
}

const CHUNK_SAMPLES = OUTPUT_SAMPLE_RATE / 10; // 100 ms frames

export class SpeechOutbox {
  readonly #target: OutboxTarget;
  readonly #leadMs: number;
  readonly #now: () => number;
  #queue: Int16Array[] = [];
  #finalQueued = false;
  /** Wall-clock start of the current reply's playback and how much of it was sent. */
  #startedAt = 0;
  #sentMs = 0;
  /** Between `audio_start` and `audio_end`. */
  #active = false;
  /** When the client will have played everything sent so far. */
  #playingUntil = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(target: OutboxTarget, options: { leadMs?: number; now?: () => number } = {}) {
    this.#target = target;
    this.#leadMs = options.leadMs ?? 400;
    this.#now = options.now ?? (() => performance.now());
  }

  /** True while the client is (probably) still playing or has speech queued. */
  get speaking(): boolean {
    return this.#queue.length > 0 || this.#now() < this.#playingUntil;
  }

  /** Queues speech; `final` marks the end of this reply. */
  push(samples: Int16Array, final = false): void {
    if (!this.#active) {
      this.#active = true;
      // The client plays replies back to back: this one starts when the previous one ends.
      this.#startedAt = Math.max(this.#now(), this.#playingUntil);
      this.#sentMs = 0;
      this.#target.json({ type: "audio_start", encoding: "pcm_s16le", sampleRate: OUTPUT_SAMPLE_RATE });
    }
    for (let offset = 0; offset < samples.length; offset += CHUNK_SAMPLES) {
      this.#queue.push(samples.subarray(offset, offset + CHUNK_SAMPLES));
    }
    if (final) this.#finalQueued = true;
    this.#pump();
  }

  /** Marks the end of the current reply (`audio_end` follows its last frame). */
  endReply(): void {
    if (!this.#active) return;
    this.#finalQueued = true;
    this.#pump();
  }

  /** Drops the unsent rest of the reply; true when something was still playing. */
  interrupt(): boolean {
    const wasSpeaking = this.speaking;
    this.#reset();
    if (wasSpeaking) this.#target.json({ type: "interrupted" });
    return wasSpeaking;
  }

  close(): void {
    this.#reset();
  }

  #reset() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#finalQueued = false;
    this.#active = false;
    this.#playingUntil = 0;
  }

  #pump() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const elapsed = this.#now() - this.#startedAt;
    while (this.#queue.length > 0 && this.#sentMs - elapsed < this.#leadMs) {
      const chunk = this.#queue.shift()!;
      this.#target.binary(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength).slice());
      this.#sentMs += (chunk.length / OUTPUT_SAMPLE_RATE) * 1000;
      this.#playingUntil = this.#startedAt + this.#sentMs;
    }
    if (this.#queue.length > 0) {
      this.#timer = setTimeout(() => this.#pump(), Math.max(10, this.#sentMs - elapsed - this.#leadMs + 10));
      return;
    }
    if (this.#finalQueued) {
      this.#target.json({ type: "audio_end", durationMs: Math.round(this.#sentMs) });
      this.#finalQueued = false;
      this.#active = false;
    }
  }
}
