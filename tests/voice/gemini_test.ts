/**
 * The Gemini Live agent against a loopback Live API: setup with the restaurant tools, a tool call
 * round trip that changes the cart and the display, the model's audio reaching the client, the
 * microphone going up as realtime input, interruption, an upstream disconnect (reconnect with the
 * order restated, or give up cleanly), Vertex service-account auth, and a setup that never completes.
 */
import assert from "node:assert/strict";
import { exportPKCS8, exportSPKI, generateKeyPair } from "jose";
import { fromBase64 } from "../../lib/hmac.ts";
import {
  connectVoice,
  displayState,
  type Message,
  openVoice,
  restaurantState,
  say,
  socketUrl,
  startSession,
  voiceKiln,
} from "./_helpers.ts";
import { fakeGemini, type Json, modelSpeech } from "./fake_gemini.ts";

const apiKey = "test-gemini-api-key";
const geminiEnv = (url: string) => ({
  VOICE_PROVIDER: "gemini",
  GEMINI_API_KEY: apiKey,
  GEMINI_LIVE_URL: url,
});

Deno.test("setup declares the restaurant tools; a tool call round trip changes the cart and the model's speech arrives", async () => {
  await using gemini = fakeGemini();
  await using voice = await voiceKiln(geminiEnv(gemini.url));
  const session = await startSession(voice.kiln);
  const client = await openVoice(voice, session);
  assert.equal(client.messages[0].provider, "gemini");

  const connection = await gemini.connected(1);
  assert.equal(connection.url.searchParams.get("key"), apiKey);
  const setup = connection.setup!;
  assert.equal(setup.model, "models/gemini-live-2.5-flash-preview");
  assert.deepEqual(setup.generationConfig.responseModalities, ["AUDIO"]);
  assert.equal(setup.generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName, "Aoede");
  const declared = setup.tools[0].functionDeclarations.map((tool: Json) => tool.name);
  assert.ok(declared.includes("add_to_cart_verbal") && declared.includes("finalize_order"));
  assert.equal(declared.includes("add_to_order"), false, "deprecated tools are not offered");
  const addTool = setup.tools[0].functionDeclarations.find((tool: Json) =>
    tool.name === "add_to_cart_verbal"
  );
  assert.deepEqual(Object.keys(addTool.parameters.properties).sort(), [
    "itemId",
    "name",
    "notes",
    "quantity",
  ]);
  assert.equal(addTool.parameters.additionalProperties, undefined, "only Schema keywords the Live API knows");
  assert.match(
    setup.systemInstruction.parts[0].text,
    /Garlic naan \(itemId garlic-naan; \$3\.50, vegetarian/,
  );
  assert.deepEqual(setup.inputAudioTranscription, {});

  const reply = await say(client, "two garlic naan please");
  assert.equal(reply, "Two garlic naan added. Anything else?");
  const turn = client.messages.filter((message) => !["ping", "session_started"].includes(message.type));
  assert.deepEqual(turn.map((message) => message.type).filter((type) => type !== "audio_end"), [
    "transcript", // what was typed
    "tool_call",
    "tool_result",
    "audio_start",
    "transcript", // the model's output transcription, interim
    "transcript", // … and final at turnComplete
    "turn_complete",
  ]);
  const call = turn.find((message) => message.type === "tool_call")!;
  assert.deepEqual([call.id, call.name, call.args], ["fc-1", "add_to_cart_verbal", {
    itemId: "garlic-naan",
    quantity: 2,
  }]);
  const response = await gemini.received((message) => message.toolResponse !== undefined);
  const functionResponse = response.toolResponse.functionResponses[0];
  assert.deepEqual([functionResponse.id, functionResponse.name], ["fc-1", "add_to_cart_verbal"]);
  assert.equal(functionResponse.response.result.ok, true);
  assert.equal(functionResponse.response.result.cart.itemCount, 2);

  await client.next((message) => message.type === "audio_end", "the model's speech played out", {
    ms: 5_000,
  });
  assert.equal(client.audioBytes(), modelSpeech(600).length);

  const cart = (await restaurantState(voice.kiln, session.sessionId)).cart;
  assert.deepEqual(cart.map((line: Message) => [line.itemId, line.quantity]), [["garlic-naan", 2]]);
  const display = await displayState(voice.kiln, session);
  assert.deepEqual(display.transcripts.map((entry: Message) => [entry.data.speaker, entry.data.text]), [
    ["user", "two garlic naan please"],
    ["assistant", "Two garlic naan added. Anything else?"],
  ]);
  assert.equal(display.updates[0].type, "cart_item_added");
  await client.close();
});

Deno.test("microphone audio goes up as 16 kHz realtime input; the model's transcription is the user's bubble", async () => {
  await using gemini = fakeGemini();
  await using voice = await voiceKiln(geminiEnv(gemini.url));
  const session = await startSession(voice.kiln);
  const client = await openVoice(voice, session);
  const frame = new Int16Array(1_600).map((_, index) => (index % 50) * 100);
  client.socket.send(frame);
  const up = await gemini.received((message) => message.realtimeInput?.audio !== undefined);
  assert.equal(up.realtimeInput.audio.mimeType, "audio/pcm;rate=16000");
  assert.deepEqual(new Int16Array(fromBase64(up.realtimeInput.audio.data).buffer), frame);

  client.send({ type: "stop" });
  await gemini.received((message) => message.realtimeInput?.audioStreamEnd === true);
  const heard = await client.next(
    (message) => message.type === "transcript" && message.speaker === "user" && message.isFinal,
    "the heard words",
  );
  assert.equal(heard.text, "two garlic naan");
  await client.next((message) => message.type === "turn_complete", "the reply");
  assert.equal((await restaurantState(voice.kiln, session.sessionId)).cart[0].quantity, 2);
  await client.close();
});

Deno.test("talking over the model interrupts it: playback stops and the rest of its reply is dropped", async () => {
  await using gemini = fakeGemini();
  await using voice = await voiceKiln(geminiEnv(gemini.url));
  const session = await startSession(voice.kiln);
  const client = await openVoice(voice, session);
  client.send({ type: "text", text: "tell me everything" });
  await client.next((message) => message.type === "audio_start", "the model starts talking");
  client.socket.send(new Int16Array(1_600).fill(3_000)); // the caller speaks
  const from = client.messages.findIndex((message) => message.type === "audio_start");
  await client.next((message) => message.type === "interrupted", "interrupted", { from });
  await client.next((message) => message.type === "turn_complete", "the cut turn", { from });
  // 5 s of model speech were queued, ~0.4 s had gone out when it was cut.
  assert.ok(client.audioBytes() < modelSpeech(1_500).length, `${client.audioBytes()} bytes`);
  assert.equal(client.messages.slice(from).some((message) => message.type === "audio_end"), false);
  const bubble = client.messages.find((message) =>
    message.type === "transcript" && message.speaker === "assistant" && message.isFinal
  );
  assert.equal(bubble?.text, "We have a great many dishes, starting with");
  await client.close();
});

Deno.test("an upstream disconnect reconnects with the order restated; repeated failure ends cleanly", async () => {
  await using gemini = fakeGemini({ refuseFrom: 3 });
  await using voice = await voiceKiln(geminiEnv(gemini.url));
  const session = await startSession(voice.kiln);
  const client = await openVoice(voice, session);
  assert.equal(await say(client, "two garlic naan"), "Two garlic naan added. Anything else?");

  client.send({ type: "text", text: "hang up" });
  const notice = await client.next((message) => message.type === "error", "the reconnect notice");
  assert.equal(notice.code, "agent_reconnecting");
  const second = await gemini.connected(2);
  assert.match(second.setup!.systemInstruction.parts[0].text, /The cart already holds: 2 × Garlic naan\./);
  assert.equal(await say(client, "two more garlic naan"), "Two garlic naan added. Anything else?");
  assert.equal((await restaurantState(voice.kiln, session.sessionId)).cart[0].quantity, 4);

  // From the third connection on the upstream refuses: after its retries the conversation ends.
  client.send({ type: "text", text: "hang up" });
  const fatal = await client.next(
    (message) => message.type === "error" && message.code === "agent_unavailable",
    "give up",
    {
      ms: 10_000,
    },
  );
  assert.match(fatal.message, /order is saved/);
  assert.equal((await client.closed).code, 1011);
});

Deno.test("Vertex AI: a service-account key is exchanged for a token sent as Bearer on the Live socket", async () => {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  await using gemini = fakeGemini({ servicePublicKey: await exportSPKI(publicKey) });
  const keyFile = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    keyFile,
    JSON.stringify({
      type: "service_account",
      client_email: "kiln@project.iam.gserviceaccount.com",
      private_key: await exportPKCS8(privateKey),
      token_uri: gemini.tokenUri,
    }),
  );
  try {
    await using voice = await voiceKiln({
      VOICE_PROVIDER: "gemini",
      VERTEX_PROJECT_ID: "kiln-project",
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      GEMINI_LIVE_URL: gemini.url,
    });
    const session = await startSession(voice.kiln);
    const client = await openVoice(voice, session);
    const connection = await gemini.connected(1);
    assert.equal(connection.headers.get("authorization"), "Bearer ya29.fake-access-token");
    assert.equal(connection.url.searchParams.get("key"), null);
    assert.equal(
      connection.setup!.model,
      "projects/kiln-project/locations/us-central1/publishers/google/models/gemini-2.0-flash-live-preview-04-09",
    );
    assert.equal(gemini.tokenRequests.length, 1);
    assert.equal(gemini.tokenRequests[0].grantType, "urn:ietf:params:oauth:grant-type:jwt-bearer");
    assert.equal(gemini.tokenRequests[0].iss, "kiln@project.iam.gserviceaccount.com");
    assert.equal(gemini.tokenRequests[0].scope, "https://www.googleapis.com/auth/cloud-platform");
    await client.close();
  } finally {
    await Deno.remove(keyFile);
  }
});

Deno.test("a Live API that never completes setup gives the client a clear error, not a hang", async () => {
  await using gemini = fakeGemini({ silent: true });
  await using voice = await voiceKiln({ ...geminiEnv(gemini.url), GEMINI_SETUP_TIMEOUT_MS: "300" });
  const session = await startSession(voice.kiln);
  const client = await connectVoice(socketUrl(voice, session));
  const error = await client.next((message) => message.type === "error", "the setup failure");
  assert.equal(error.code, "agent_unavailable");
  assert.equal((await client.closed).code, 1011);
});
