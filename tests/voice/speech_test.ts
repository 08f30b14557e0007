/**
 * Talking to the restaurant over the voice socket with synthesised speech: the order is heard,
 * lands in the cart and on the display, and the reply is spoken; noise makes no turn; speaking
 * over the assistant stops it; push-to-talk ends a turn without waiting for silence.
 */
import assert from "node:assert/strict";
import { concatPcm } from "../../lib/voice/audio/pcm.ts";
import { noise, silence, speak, voices } from "./corpus.ts";
import {
  displayState,
  type Message,
  openVoice,
  restaurantState,
  speechTools,
  voiceScene,
} from "./_helpers.ts";

const slt = voices[0];
const types = (messages: Message[]) => messages.map((message) => message.type);

Deno.test({
  name: "a spoken order is heard, put in the cart and on the display, and answered aloud",
  ...speechTools(),
}, async () => {
  await using voice = await voiceScene();
  const { session, client } = voice;
  const from = client.messages.length;
  client.sendAudio(
    concatPcm(silence(300), await speak("two garlic naan and one dal makhani", slt), silence(1_200)),
  );

  const heard = await client.next(
    (message) => message.type === "transcript" && message.speaker === "user" && message.isFinal,
    "the final transcript",
    { from, ms: 15_000 },
  );
  assert.equal(heard.text, "two garlic naan and one dal makhani");
  await client.next((message) => message.type === "audio_end", "the spoken reply", { from, ms: 15_000 });
  const flow = types(client.messages.slice(from)).filter((type) => type !== "ping");
  assert.equal(flow[0], "speech_started");
  assert.ok(flow.indexOf("speech_stopped") < flow.indexOf("tool_call"));
  const interim = client.messages.slice(from).filter((message) =>
    message.type === "transcript" && !message.isFinal
  );
  assert.ok(interim.length >= 1, "interim transcripts while speaking");
  const calls = client.messages.slice(from).filter((message) => message.type === "tool_call");
  assert.deepEqual(calls.map((call) => [call.name, call.args]), [
    ["add_to_cart_verbal", { itemId: "garlic-naan", quantity: 2 }],
    ["add_to_cart_verbal", { itemId: "dal-makhani", quantity: 1 }],
  ]);
  assert.ok(client.audioBytes() > 24_000 * 2, "at least a second of speech arrived");

  const cart = (await restaurantState(voice.kiln, session.sessionId)).cart;
  assert.deepEqual(cart.map((line: Message) => [line.itemId, line.quantity]), [["garlic-naan", 2], [
    "dal-makhani",
    1,
  ]]);
  const display = await displayState(voice.kiln, session);
  assert.deepEqual(
    display.transcripts.map((entry: Message) => [entry.data.speaker, entry.data.text, entry.data.isFinal]),
    [
      ["user", "two garlic naan and one dal makhani", true],
      ["assistant", "Added 2 garlic naan and 1 dal makhani. Anything else?", true],
    ],
  );
});

Deno.test({ name: "noise, clicks and silence make no turn and no error", ...speechTools() }, async () => {
  await using voice = await voiceScene({ VOICE_TTS: "none" });
  const { client } = voice;
  const from = client.messages.length;
  const click = new Int16Array(16 * 40).fill(20_000);
  client.sendAudio(
    concatPcm(noise(3_000, -35), silence(500), click, silence(800), noise(150, -12, 3), silence(1_000)),
  );
  client.send({ type: "ping" });
  await client.next((message) => message.type === "pong", "pong after the audio", { from, ms: 10_000 });
  // The socket handles messages in order, so everything the audio caused has been decided; only
  // a recognition still finishing could follow — wait for the agent's turn queue to be idle too.
  assert.equal(await sayNothingHappened(client, from), true);
});

async function sayNothingHappened(
  client: Awaited<ReturnType<typeof openVoice>>,
  from: number,
): Promise<boolean> {
  const before = client.messages.length;
  client.send({ type: "text", text: "hello" });
  await client.next((message) => message.type === "turn_complete", "the typed turn", { from: before });
  const during = types(client.messages.slice(from, before)).filter((type) =>
    type !== "ping" && type !== "pong"
  );
  assert.deepEqual(during, []);
  const turns = client.messages.slice(from).filter((message) =>
    message.type === "transcript" && message.speaker === "user"
  );
  assert.deepEqual(turns.map((turn) => turn.text), ["hello"]);
  return true;
}

Deno.test({
  name: "speaking over the assistant interrupts it; push-to-talk ends a turn at once",
  ...speechTools(),
}, async () => {
  await using voice = await voiceScene();
  const { client } = voice;
  const from = client.messages.length;
  client.send({ type: "text", text: "show me the menu" }); // a reply several seconds long
  // Synthesising the first sentence takes seconds on a loaded machine.
  await client.next((message) => message.type === "audio_start", "the reply starting", { from, ms: 15_000 });
  // No trailing silence: the client's "stop" ends the utterance (push-to-talk release).
  client.sendAudio(concatPcm(silence(200), await speak("one mango lassi", slt)));
  await client.next((message) => message.type === "interrupted", "the reply interrupted", {
    from,
    ms: 10_000,
  });
  const interruptedAt = client.messages.findIndex((message, index) =>
    index >= from && message.type === "interrupted"
  );
  assert.equal(
    client.messages.slice(from, interruptedAt).some((message) => message.type === "audio_end"),
    false,
  );
  client.send({ type: "stop" });
  const heard = await client.next(
    (message) =>
      message.type === "transcript" && message.speaker === "user" && message.isFinal &&
      message.text !== "show me the menu",
    "the spoken turn",
    { from, ms: 10_000 },
  );
  assert.equal(heard.text, "one mango lassi");
  await client.next(
    (message) => message.type === "tool_call" && message.args.itemId === "mango-lassi",
    "the lassi added",
    { from },
  );
});
