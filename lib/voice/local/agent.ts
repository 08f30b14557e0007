/**
 * The offline voice agent: endpointer → pocketsphinx (menu grammar) → intent rules → restaurant
 * tools → a short reply spoken by flite/espeak-ng. Its dialogue state lives in KV, so a caller
 * whose socket drops reconnects (to any instance) mid-checkout and carries on.
 */
import type { KvStore } from "../../store/types.ts";
import { errorMessage } from "../../log.ts";
import type { AgentHost, VoiceAgent, VoiceAgentProvider } from "../agent.ts";
import { Endpointer, type EndpointerEvent, type EndpointerOptions } from "../audio/endpointer.ts";
import { voiceKeys } from "../keys.ts";
import { respond } from "./dialogue.ts";
import type { DialogueState } from "./dialogue_state.ts";
import { MenuIndex } from "./dishes.ts";
import type { RecognitionStream, Recognizer } from "./recognizer.ts";
import { sentences, type Synthesizer } from "./speech.ts";

export interface LocalAgentOptions {
  kv: KvStore;
  recognizer: Recognizer;
  /** Undefined when neither flite nor espeak-ng is installed: replies are text only. */
  synthesizer?: Synthesizer;
  endpointer: EndpointerOptions;
  /** Decode with open dictation when the menu grammar hears nothing. */
  dictation: boolean;
  /** How long a session's dialogue state is kept (the session TTL). */
  stateTtlMs: number;
}

/** An interim transcript every 400 ms of speech (by audio time, so it does not depend on pacing). */
const PARTIAL_SAMPLES = 16_000 * 0.4;

export function createLocalProvider(options: LocalAgentOptions): VoiceAgentProvider {
  return {
    name: "local",
    async open(host) {
      const state = (await options.kv.get<DialogueState>(voiceKeys.dialogue(host.sessionId))).value;
      return new LocalAgent(host, options, state?.awaiting);
    },
    health() {
      const asr = options.recognizer.availability();
      return Promise.resolve({
        state: asr.available && options.synthesizer ? "ok" : "degraded",
        recogniser: asr.available ? "pocketsphinx (menu grammar)" : asr.detail,
        speech: options.synthesizer?.name ?? "none: install flite or espeak-ng for spoken replies",
      });
    },
    close() {
      options.recognizer.close();
      return Promise.resolve();
    },
  };
}

class LocalAgent implements VoiceAgent {
  readonly #host: AgentHost;
  readonly #options: LocalAgentOptions;
  readonly #endpointer: Endpointer;
  #stream?: Promise<RecognitionStream | undefined>;
  #sincePartial = 0;
  #confirmed = false;
  #lastPartial = "";
  #turns: Promise<void> = Promise.resolve();
  #speaking?: AbortController;
  #asrReported = false;
  #closed = false;
  /** What the assistant last asked: picks the grammar the next utterance is heard with. */
  #awaiting: DialogueState["awaiting"];

  constructor(host: AgentHost, options: LocalAgentOptions, awaiting: DialogueState["awaiting"]) {
    this.#host = host;
    this.#options = options;
    this.#endpointer = new Endpointer(options.endpointer);
    this.#awaiting = awaiting;
  }

  audio(samples: Int16Array): void {
    if (this.#closed) return;
    for (const event of this.#endpointer.push(samples)) this.#onSpeech(event);
  }

  text(text: string): void {
    this.#turn(() => this.#respond(text));
  }

  endOfSpeech(): void {
    for (const event of this.#endpointer.flush()) this.#onSpeech(event);
  }

  interrupt(): void {
    this.#speaking?.abort();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#speaking?.abort();
    const stream = this.#stream;
    this.#stream = undefined;
    await stream?.then((open) => open?.cancel()).catch(() => {});
    await this.#turns;
  }

  #onSpeech(event: EndpointerEvent) {
    switch (event.type) {
      case "start":
        this.#stream = this.#begin(event.audio);
        return;
      case "audio":
        this.#stream?.then((stream) => stream?.write(event.audio));
        this.#sincePartial += event.audio.length;
        if (this.#confirmed && this.#sincePartial >= PARTIAL_SAMPLES) {
          this.#sincePartial = 0;
          void this.#partial(this.#stream);
        }
        return;
      case "confirmed":
        this.#host.emit({ type: "speech_started" });
        this.#speaking?.abort();
        this.#confirmed = true;
        this.#sincePartial = 0;
        this.#lastPartial = "";
        return;
      case "discard": {
        this.#confirmed = false;
        const stream = this.#stream;
        this.#stream = undefined;
        stream?.then((open) => open?.cancel()).catch(() => {});
        return;
      }
      case "end": {
        this.#confirmed = false;
        this.#host.emit({ type: "speech_stopped" });
        const stream = this.#stream;
        this.#stream = undefined;
        this.#turn(async () => {
          const open = await stream;
          if (!open) return;
          const heard = await open.finish({ dictation: this.#options.dictation });
          // Noise that matched nothing is no turn at all: no empty bubble, no "sorry".
          if (heard.text) await this.#respond(heard.text);
        });
        return;
      }
    }
  }

  async #begin(preRoll: Int16Array): Promise<RecognitionStream | undefined> {
    try {
      const prepared = await this.#options.recognizer.prepare(await this.#host.menu());
      const answering = ["name", "phone", "address", "fulfilment"].includes(this.#awaiting ?? "");
      const stream = await this.#options.recognizer.begin(prepared, answering ? "answers" : "dialogue");
      stream.write(preRoll);
      return stream;
    } catch (error) {
      if (!this.#asrReported) {
        this.#asrReported = true;
        this.#host.emit({ type: "error", code: "asr_unavailable", message: errorMessage(error) });
      }
      return undefined;
    }
  }

  async #partial(stream: Promise<RecognitionStream | undefined> | undefined) {
    // Queued on the decoder before the utterance's `finish`, so it always lands before the final.
    const text = await (await stream)?.partial().catch(() => "");
    if (!text || text === this.#lastPartial) return;
    this.#lastPartial = text;
    this.#host.emit({ type: "transcript", speaker: "user", text, isFinal: false });
  }

  #turn(step: () => Promise<void>) {
    this.#turns = this.#turns.then(step).catch((error) => {
      this.#host.log.error("voice.turn_failed", { error: errorMessage(error) });
      this.#host.emit({
        type: "error",
        code: "turn_failed",
        message: "Sorry, something went wrong; please say that again.",
      });
    });
  }

  async #respond(text: string) {
    if (this.#closed) return;
    const host = this.#host;
    host.emit({ type: "transcript", speaker: "user", text, isFinal: true });
    const menu = await host.menu();
    const { kv, stateTtlMs } = this.#options;
    const key = voiceKeys.dialogue(host.sessionId);
    const state = (await kv.get<DialogueState>(key)).value ?? {};
    const reply = await respond(text, menu, new MenuIndex(menu), state, {
      run: (name, args) => host.runTool(name, args),
      show: (update) => host.show(update),
      session: () => host.session(),
    });
    await kv.set(key, state, { expireIn: stateTtlMs });
    this.#awaiting = state.awaiting;
    host.emit({ type: "transcript", speaker: "assistant", text: reply.text, isFinal: true });
    await this.#speak(reply.speech ?? reply.text);
    host.emit({ type: "turn_complete" });
  }

  /** Says `text` sentence by sentence, so the first one plays while the rest are synthesised. */
  async #speak(text: string) {
    const synthesizer = this.#options.synthesizer;
    if (!synthesizer) return;
    const speaking = this.#speaking = new AbortController();
    const parts = sentences(text);
    try {
      for (const [index, part] of parts.entries()) {
        const samples = await synthesizer.synthesize(part, speaking.signal);
        if (speaking.signal.aborted) return;
        this.#host.emit({ type: "audio", samples, final: index === parts.length - 1 });
      }
    } catch (error) {
      if (!speaking.signal.aborted) {
        this.#host.emit({ type: "error", code: "tts_unavailable", message: errorMessage(error) });
      }
    }
  }
}
