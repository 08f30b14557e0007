/**
 * Voice ordering, offline agent (issue 16). Two figures:
 * - understanding: the spoken corpus (tests/voice/corpus.ts: 46 ordering utterances, flite and
 *   espeak-ng voices) through the same endpointer, menu-grammar recogniser and intent parser the
 *   agent uses; an utterance counts when its actions are exactly right — right dish, right
 *   quantity, right intent (target ≥ 90 %). Each utterance is spoken by two voices (92 samples),
 *   plus one voice over steady background noise.
 * - latency: a Kiln on loopback, spoken orders streamed over `WS /ws/restaurant/:id` in real time
 *   (100 ms frames, like a microphone), timed from the last voiced sample to the cart update on
 *   the session's display feed (target p50 < 1.5 s; it includes the 600 ms of silence that ends
 *   an utterance).
 */
import { isDeepStrictEqual } from "node:util";
import { conversationTopic } from "../../lib/conversation/keys.ts";
import { silentLogger } from "../../lib/log.ts";
import { Endpointer } from "../../lib/voice/audio/endpointer.ts";
import { concatPcm, levelDbfs } from "../../lib/voice/audio/pcm.ts";
import { demoVoiceMenu } from "../../lib/voice/demo_menu.ts";
import { parseUtterance } from "../../lib/voice/local/intent.ts";
import { type PreparedMenu, Recognizer } from "../../lib/voice/local/recognizer.ts";
import type { Kiln } from "../../main.ts";
import {
  corpus,
  type CorpusUtterance,
  noise,
  silence,
  speak,
  voiceName,
  voices,
} from "../../tests/voice/corpus.ts";
import { delay, percentile, randomToken, type Row, row, servedKiln, withDeadline } from "../support.ts";
import { voiceModule } from "../../lib/voice/mod.ts";

const model = "/usr/share/pocketsphinx/model/en-us";

/** Runs `audio` through endpointer → recogniser like the agent does; the utterance's text. */
async function hear(recognizer: Recognizer, menu: PreparedMenu, audio: Int16Array): Promise<string> {
  const endpointer = new Endpointer();
  let stream: Awaited<ReturnType<Recognizer["begin"]>> | undefined;
  const heard: string[] = [];
  for (let offset = 0; offset < audio.length; offset += 1_600) {
    for (const event of endpointer.push(audio.slice(offset, offset + 1_600))) {
      if (event.type === "start") {
        stream = await recognizer.begin(menu);
        stream.write(event.audio);
      } else if (event.type === "audio") stream?.write(event.audio);
      else if (event.type === "end") {
        const result = await stream!.finish({ dictation: false });
        if (result.text) heard.push(result.text);
        stream = undefined;
      } else if (event.type === "discard") {
        await stream?.cancel();
        stream = undefined;
      }
    }
  }
  await stream?.cancel();
  return heard.join(" ");
}

async function understanding(): Promise<Row[]> {
  const recognizer = new Recognizer({
    paths: { hmm: `${model}/en-us`, dict: `${model}/cmudict-en-us.dict`, lm: `${model}/en-us.lm.bin` },
    decoders: 1,
    espeak: "espeak-ng",
    log: silentLogger,
  });
  try {
    const menu = await recognizer.prepare(demoVoiceMenu);
    const byEngine = new Map<string, [number, number]>();
    let right = 0;
    let exactWords = 0;
    let samples = 0;
    const misses: string[] = [];
    for (const [index, utterance] of corpus.entries()) {
      for (const voice of [voices[index % voices.length], voices[(index + 3) % voices.length]]) {
        const text = await hear(
          recognizer,
          menu,
          concatPcm(silence(300), await speak(utterance.text, voice), silence(1_000)),
        );
        const ok = correct(utterance, text, menu);
        samples++;
        if (ok) right++;
        else misses.push(`${voiceName(voice)} "${utterance.text}" → "${text}"`);
        if (text === utterance.text) exactWords++;
        const tally = byEngine.get(voice.engine) ?? [0, 0];
        byEngine.set(voice.engine, [tally[0] + (ok ? 1 : 0), tally[1] + 1]);
      }
    }
    let noisyRight = 0;
    for (const [index, utterance] of corpus.entries()) {
      const speech = await speak(utterance.text, voices[3]);
      const audio = concatPcm(
        noise(300, -40, index + 1),
        mix(speech, noise(speech.length / 16, -40, index + 99)),
        noise(1_000, -40, index),
      );
      if (correct(utterance, await hear(recognizer, menu, audio), menu)) noisyRight++;
    }
    if (misses.length > 0) {
      console.error(`voice: ${misses.length} misheard or misread:\n  ${misses.join("\n  ")}`);
    }
    const percent = (count: number, total: number) => Math.round((count / total) * 1000) / 10;
    const rows = [
      row(
        `voice intent/slot accuracy (${samples} spoken utterances, ${corpus.length} distinct)`,
        percent(right, samples),
        "%",
        {
          target: { op: ">=", value: 90 },
        },
      ),
    ];
    for (const [engine, [good, total]] of byEngine) {
      rows.push(row(`voice accuracy, ${engine} voices`, percent(good, total), "%"));
    }
    rows.push(row("voice transcripts word-for-word exact", percent(exactWords, samples), "%"));
    rows.push(
      row(
        `voice accuracy over -40 dBFS noise (${corpus.length}, flite kal16)`,
        percent(noisyRight, corpus.length),
        "%",
      ),
    );
    return rows;
  } finally {
    recognizer.close();
  }
}

function correct(utterance: CorpusUtterance, text: string, menu: PreparedMenu): boolean {
  return isDeepStrictEqual(
    parseUtterance(text, menu.index, { lastItemId: utterance.lastItemId }),
    utterance.expect,
  );
}

function mix(a: Int16Array, b: Int16Array): Int16Array {
  return a.map((sample, index) => Math.max(-32768, Math.min(32767, sample + (b[index] ?? 0))));
}

/** Spoken orders over the voice socket in real time; end of speech → cart update on the display feed. */
async function latency(): Promise<Row[]> {
  await using served = await servedKiln("kiln-bench-voice-", { DISPLAY_SERVICE_TOKEN: randomToken() });
  const { kiln, port } = served;
  const orders = corpus.filter((utterance) => utterance.expect[0]?.kind === "add").slice(0, 12);
  const latencies: number[] = [];
  for (const [index, utterance] of orders.entries()) {
    const session = await kiln.services.module(voiceModule).startSession({ language: "en" });
    const speech = await speak(utterance.text, voices[index % 4]);
    latencies.push(
      await withDeadline(
        spokenOrder(kiln, port, session, speech),
        30_000,
        `the spoken order "${utterance.text}"`,
      ),
    );
  }
  return [
    row(
      `voice end of speech → display update p50 (${latencies.length} spoken orders)`,
      Math.round(percentile(latencies, 50)),
      "ms",
      {
        target: { op: "<", value: 1_500 },
      },
    ),
    row("voice end of speech → display update p90", Math.round(percentile(latencies, 90)), "ms"),
  ];
}

async function spokenOrder(
  kiln: Kiln,
  port: number,
  session: { sessionId: string; writeToken: string },
  speech: Int16Array,
): Promise<number> {
  const updated = Promise.withResolvers<number>();
  const subscription = kiln.services.live.subscribe(conversationTopic(session.sessionId), 0, (event) => {
    const update = event.data as { type?: string };
    if (update.type === "cart_item_added") updated.resolve(performance.now());
  });
  const socket = new WebSocket(
    `ws://127.0.0.1:${port}/ws/restaurant/${session.sessionId}?token=${session.writeToken}`,
  );
  const started = Promise.withResolvers<void>();
  socket.onmessage = (event) => {
    if (typeof event.data === "string" && JSON.parse(event.data).type === "session_started") {
      started.resolve();
    }
  };
  try {
    await started.promise;
    const audio = concatPcm(silence(400), speech, silence(2_000));
    const lastVoiced = 400 * 16 + lastVoicedSample(speech);
    const t0 = performance.now();
    let endOfSpeech = Infinity;
    for (let offset = 0, frame = 1; offset < audio.length; offset += 1_600, frame++) {
      // A microphone delivers each 100 ms frame once it has been recorded.
      await delay(Math.max(0, t0 + frame * 100 - performance.now()));
      socket.send(audio.slice(offset, offset + 1_600));
      if (lastVoiced < offset + 1_600 && endOfSpeech === Infinity) {
        endOfSpeech = t0 + (lastVoiced / 16_000) * 1000;
      }
      if (await Promise.race([updated.promise, Promise.resolve(undefined)])) break;
    }
    return (await updated.promise) - endOfSpeech;
  } finally {
    subscription.close();
    socket.close();
  }
}

function lastVoicedSample(speech: Int16Array): number {
  for (let end = speech.length; end > 320; end -= 320) {
    if (levelDbfs(speech.subarray(end - 320, end)) > -45) return end;
  }
  return speech.length;
}

export async function run(): Promise<Row[]> {
  try {
    await Deno.stat(`${model}/en-us/mdef`);
  } catch {
    throw new Error(
      "pocketsphinx's model is missing; install it with: apt-get install -y pocketsphinx-en-us flite",
    );
  }
  return [...await withDeadline(understanding(), 600_000, "the spoken corpus"), ...await latency()];
}
