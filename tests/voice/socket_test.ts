/**
 * The voice socket's contract: who may open it, what a bad frame gets (an error with a stable code,
 * never a dead socket), and a session that survives a dropped connection with its cart and its
 * place in the checkout intact.
 */
import assert from "node:assert/strict";
import { asService } from "../conversation/_helpers.ts";
import {
  connectVoice,
  type Message,
  openVoice,
  restaurantState,
  say,
  socketUrl,
  speechTools,
  startSession,
  voiceKiln,
  voiceScene,
} from "./_helpers.ts";

const textOnly = { VOICE_TTS: "none" };

Deno.test("the voice socket needs the session's write token or the service token", async () => {
  await using voice = await voiceKiln(textOnly);
  const session = await startSession(voice.kiln);
  const path = `/ws/restaurant/${session.sessionId}`;
  const upgrade = { upgrade: "websocket", connection: "Upgrade" };
  for (const token of [undefined, "cw_wrong", new URL(session.displayUrl).searchParams.get("token")!]) {
    const query = token ? `?token=${encodeURIComponent(token)}` : "";
    const response = await voice.kiln.request(`${path}${query}`, { headers: upgrade });
    assert.equal(response.status, 401, `token ${token}`);
    assert.equal((await response.json()).code, "invalid_session_token");
  }
  const unknown = await voice.kiln.request("/ws/restaurant/nosuchsession", {
    headers: { ...upgrade, ...asService },
  });
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).code, "session_not_found");
  const plain = await voice.kiln.request(`${path}?token=${session.writeToken}`);
  assert.equal(plain.status, 400);
  assert.equal((await plain.json()).code, "websocket_upgrade_required");

  await assert.rejects(connectVoice(socketUrl(voice, session, "")), /failed to open/);
  // Server-side clients send the service token as a Bearer header (browsers use ?token=).
  const client = await connectVoice(socketUrl(voice, session, ""), asService);
  const started = await client.next((message) => message.type === "session_started", "session_started");
  assert.equal(started.provider, "local");
  assert.deepEqual(started.input, { encoding: "pcm_s16le", sampleRate: 16000, channels: 1 });
  assert.deepEqual(started.output, { encoding: "pcm_s16le", sampleRate: 24000, channels: 1 });
});

Deno.test("bad frames and messages get errors with stable codes and the socket keeps working", async () => {
  await using voice = await voiceScene(textOnly);
  const { client } = voice;
  const expectError = async (send: () => void, code: string) => {
    const from = client.messages.length;
    send();
    const error = await client.next((message) => message.type === "error", code, { from });
    assert.equal(error.code, code);
    assert.equal(typeof error.message, "string");
    assert.equal(error.error, error.message); // Stonepot's client reads `error`
  };
  await expectError(() => client.send("{not json"), "malformed_message");
  await expectError(() => client.send({ type: "dance" }), "invalid_message");
  await expectError(() => client.send({ type: "text", text: "x".repeat(501) }), "invalid_message");
  await expectError(
    () => client.send(JSON.stringify({ type: "text", text: "y".repeat(5_000) })),
    "message_too_large",
  );
  await expectError(() => client.socket.send(new Uint8Array(3)), "bad_audio_frame");
  await expectError(() => client.socket.send(new Uint8Array(64_000)), "audio_frame_too_large");
  await expectError(
    () => client.socket.send(new TextEncoder().encode("RIFF....WAVEfmt ")),
    "bad_audio_frame",
  );
  await expectError(() => client.send({ type: "start", sampleRate: 48000 }), "unsupported_sample_rate");
  await expectError(() => client.send({ type: "start", encoding: "opus" }), "unsupported_encoding");

  const from = client.messages.length;
  client.send({ type: "start_session", sampleRate: 16000 });
  await client.next((message) => message.type === "session_ready", "session_ready", { from });
  client.send({ type: "ping" });
  await client.next((message) => message.type === "pong", "pong", { from });
  assert.equal(await say(client, "one mango lassi"), "Added 1 mango lassi. Anything else?");
});

Deno.test("a dropped socket reconnects to the same session: cart and checkout step intact", async () => {
  await using voice = await voiceKiln(textOnly);
  const session = await startSession(voice.kiln);
  const first = await openVoice(voice, session);
  assert.equal(await say(first, "two samosas"), "Added 2 vegetable samosa. Anything else?");
  assert.equal(await say(first, "checkout"), "Can I have a name for the order?");
  first.socket.close(); // the network drops mid-checkout
  await first.closed;

  const second = await openVoice(voice, session);
  const started = second.messages.find((message: Message) => message.type === "session_started")!;
  assert.equal(started.resumed, true);
  assert.deepEqual(started.cart.items.map((line: Message) => [line.itemId, line.quantity]), [[
    "vegetable-samosa",
    2,
  ]]);
  // The assistant still knows it asked for a name.
  assert.equal(await say(second, "Grace"), "Thanks, Grace. And a phone number? Say the digits, or say skip.");

  // Opening the session once more takes it over: the older socket is told and closed.
  const third = await openVoice(voice, session);
  const notice = await second.next((message) => message.type === "error", "the takeover notice");
  assert.equal(notice.code, "session_taken_over");
  assert.equal((await second.closed).code, 4000);
  assert.equal(await say(third, "skip"), "Is that for delivery or pickup?");
  assert.equal((await restaurantState(voice.kiln, session.sessionId)).customer.name, "Grace");
  await third.close();
});

Deno.test({
  name: "the assistant's speech is paced and framed, and barge-in stops it",
  ...speechTools(),
}, async () => {
  await using voice = await voiceScene();
  const { client } = voice;
  const from = client.messages.length;
  client.send({ type: "text", text: "one mango lassi" });
  await client.next((message) => message.type === "audio_end", "the whole reply spoken", {
    from,
    ms: 15_000,
  });
  const framing = client.messages.slice(from).map((message) => message.type).filter((type) =>
    type.startsWith("audio")
  );
  assert.deepEqual(framing, ["audio_start", "audio_end"]);
  const spoken = client.messages.slice(from).find((message) => message.type === "audio_end")!;
  // 24 kHz PCM16: two bytes per sample; everything announced arrived.
  assert.ok(spoken.durationMs > 1_000, `${spoken.durationMs} ms`);
  assert.ok(Math.abs(client.audioBytes() - (spoken.durationMs / 1000) * 48_000) < 4_800);

  const before = client.messages.length;
  client.send({ type: "text", text: "what do you recommend" });
  await client.next((message) => message.type === "audio_start", "the next reply starting", { from: before });
  const bytesAtBargeIn = client.audioBytes();
  client.send({ type: "barge_in" });
  await client.next((message) => message.type === "interrupted", "interrupted", { from: before });
  client.send({ type: "ping" });
  await client.next((message) => message.type === "pong", "pong", { from: before });
  // Speech is sent at most ~400 ms ahead of playback, so little had gone out; nothing more follows.
  assert.ok(client.audioBytes() - bytesAtBargeIn <= 0.5 * 48_000, `${client.audioBytes() - bytesAtBargeIn}`);
  assert.equal(client.messages.slice(before).some((message) => message.type === "audio_end"), false);
});
