/**
 * Finds utterances in a stream of 16 kHz PCM16 audio: an energy detector with an adaptive noise
 * floor, so steady background noise (a fan, a street) raises the bar instead of opening a turn.
 *
 * Events, in order per utterance:
 * - `start`: speech began; carries the pre-roll (audio just before it, so the first syllable is
 *   not clipped) — the recogniser starts decoding here;
 * - `audio`: more of the utterance as it arrives;
 * - `confirmed`: the speech has lasted `minSpeechMs` — only now is it treated as the user talking
 *   (barge-in), so a cough or a door does not cut the assistant off;
 * - `end`: the utterance is over (trailing silence, `maxUtteranceMs`, or `flush()`), or `discard`
 *   when it never got confirmed (a click, a bump): no turn at all.
 */
import { concatPcm, INPUT_SAMPLE_RATE, levelDbfs } from "./pcm.ts";

export interface EndpointerOptions {
  /** Trailing silence that ends an utterance. */
  endSilenceMs?: number;
  /** Voiced audio needed before an utterance counts as speech. */
  minSpeechMs?: number;
  /** Longest utterance; longer speech is cut into turns. */
  maxUtteranceMs?: number;
  /** Audio kept from before the detected start. */
  preRollMs?: number;
  /** Decibels above the noise floor that count as voice. */
  marginDb?: number;
  /** Quietest level ever treated as voice, whatever the floor. */
  minLevelDb?: number;
}

export type EndpointerEvent =
  | { type: "start"; audio: Int16Array }
  | { type: "audio"; audio: Int16Array }
  | { type: "confirmed" }
  | { type: "end"; reason: "silence" | "max_length" | "flush"; speechMs: number; trailingMs: number }
  | { type: "discard" };

const FRAME = INPUT_SAMPLE_RATE / 50; // 20 ms
const FRAME_MS = 20;
const START_FRAMES = 3;

export class Endpointer {
  readonly #endFrames: number;
  readonly #minSpeechFrames: number;
  readonly #maxFrames: number;
  readonly #preRollFrames: number;
  readonly #marginDb: number;
  readonly #minLevelDb: number;
  #pending = new Int16Array(0);
  #history: Int16Array[] = [];
  #floor: number | undefined;
  #inSpeech = false;
  #confirmed = false;
  #run = 0;
  #voiced = 0;
  #silent = 0;
  #frames = 0;

  constructor(options: EndpointerOptions = {}) {
    this.#endFrames = Math.round((options.endSilenceMs ?? 600) / FRAME_MS);
    this.#minSpeechFrames = Math.round((options.minSpeechMs ?? 200) / FRAME_MS);
    this.#maxFrames = Math.round((options.maxUtteranceMs ?? 15_000) / FRAME_MS);
    this.#preRollFrames = Math.round((options.preRollMs ?? 300) / FRAME_MS);
    this.#marginDb = options.marginDb ?? 10;
    this.#minLevelDb = options.minLevelDb ?? -50;
  }

  get inSpeech(): boolean {
    return this.#inSpeech;
  }

  /** Feeds audio; returns what it completed. */
  push(samples: Int16Array): EndpointerEvent[] {
    const joined = new Int16Array(this.#pending.length + samples.length);
    joined.set(this.#pending);
    joined.set(samples, this.#pending.length);
    const events: EndpointerEvent[] = [];
    let offset = 0;
    for (; offset + FRAME <= joined.length; offset += FRAME) {
      this.#frame(joined.slice(offset, offset + FRAME), events);
    }
    this.#pending = joined.slice(offset);
    return mergeAudio(events);
  }

  /** Ends the current utterance now (the client said "stop"); nothing when there is none. */
  flush(): EndpointerEvent[] {
    if (!this.#inSpeech) return [];
    const events: EndpointerEvent[] = [];
    if (this.#pending.length > 0) events.push({ type: "audio", audio: this.#pending });
    this.#pending = new Int16Array(0);
    this.#finish(events, "flush");
    return events;
  }

  #frame(frame: Int16Array, events: EndpointerEvent[]) {
    const level = levelDbfs(frame);
    const floor = this.#floor ?? Math.max(level, -90);
    const threshold = Math.max(floor + this.#marginDb, this.#minLevelDb);
    // A little hysteresis: once talking, softer sounds (word tails) still count as voice.
    const voiced = level > (this.#inSpeech ? threshold - 4 : threshold);

    if (!this.#inSpeech) {
      this.#history.push(frame);
      if (this.#history.length > this.#preRollFrames + START_FRAMES) this.#history.shift();
      this.#run = voiced ? this.#run + 1 : 0;
      // The floor follows quiet quickly and loud slowly (~1 s), so speech never becomes "noise".
      if (!voiced) this.#floor = level < floor ? Math.max(level, -90) : floor + (level - floor) * 0.02;
      else this.#floor = floor;
      if (this.#run >= START_FRAMES) {
        this.#inSpeech = true;
        this.#confirmed = false;
        this.#voiced = this.#run;
        this.#silent = 0;
        this.#frames = this.#run;
        events.push({ type: "start", audio: concatPcm(...this.#history) });
        this.#history = [];
      }
      return;
    }

    this.#frames++;
    events.push({ type: "audio", audio: frame });
    if (voiced) {
      this.#voiced++;
      this.#silent = 0;
    } else this.#silent++;
    if (!this.#confirmed && this.#voiced >= this.#minSpeechFrames) {
      this.#confirmed = true;
      events.push({ type: "confirmed" });
    }
    if (this.#silent >= this.#endFrames) this.#finish(events, "silence");
    else if (this.#frames >= this.#maxFrames) this.#finish(events, "max_length");
  }

  #finish(events: EndpointerEvent[], reason: "silence" | "max_length" | "flush") {
    const trailingMs = this.#silent * FRAME_MS;
    events.push(
      this.#confirmed
        ? { type: "end", reason, speechMs: this.#voiced * FRAME_MS, trailingMs }
        : { type: "discard" },
    );
    this.#inSpeech = false;
    this.#confirmed = false;
    this.#run = 0;
    this.#silent = 0;
  }
}

/** Adjacent `audio` events become one, so a 100 ms frame from the client is one decoder call. */
function mergeAudio(events: EndpointerEvent[]): EndpointerEvent[] {
  const out: EndpointerEvent[] = [];
  let run: Int16Array[] = [];
  const close = () => {
    if (run.length > 0) out.push({ type: "audio", audio: concatPcm(...run) });
    run = [];
  };
  for (const event of events) {
    if (event.type === "audio") run.push(event.audio);
    else {
      close();
      out.push(event);
    }
  }
  close();
  return out;
}
