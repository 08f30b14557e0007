/**
 * Talks to a voice session from the command line: `deno task voice:say <voiceUrl> <text | file.wav>…`.
 * Text is sent as a typed turn, a WAV (any rate, mono 16-bit) is streamed as microphone audio in
 * real time followed by a second of silence; every server message is printed as it arrives and the
 * assistant's speech is counted (or saved with `--save reply.wav`).
 */
import { encodeWav, readWav } from "../lib/media/wav.ts";
import { INPUT_SAMPLE_RATE, OUTPUT_SAMPLE_RATE, resample } from "../lib/voice/audio/pcm.ts";

const args = [...Deno.args];
const saveAt = args.indexOf("--save");
const savePath = saveAt >= 0 ? args.splice(saveAt, 2)[1] : undefined;
const [url, ...turns] = args;
if (!url || turns.length === 0) {
  console.error("usage: deno task voice:say <voiceUrl> <text | file.wav>… [--save reply.wav]");
  Deno.exit(2);
}

const socket = new WebSocket(url);
socket.binaryType = "arraybuffer";
const speech: Int16Array[] = [];
let waiting: (() => void) | undefined;
const started = Promise.withResolvers<void>();
socket.onmessage = (event) => {
  if (typeof event.data !== "string") return void speech.push(new Int16Array(event.data as ArrayBuffer));
  const message = JSON.parse(event.data);
  if (message.type === "ping") return;
  console.log(JSON.stringify(message));
  if (message.type === "session_started") started.resolve();
  if (message.type === "turn_complete") waiting?.();
};
socket.onclose = (event) => {
  console.error(`closed: ${event.code} ${event.reason}`);
  started.reject(new Error("the socket closed"));
  waiting?.();
};
await started.promise;

for (const turn of turns) {
  const done = new Promise<void>((resolve) => waiting = resolve);
  if (turn.endsWith(".wav")) {
    const wav = readWav(await Deno.readFile(turn));
    const audio = resample(wav.samples, wav.sampleRate, INPUT_SAMPLE_RATE);
    const padded = new Int16Array(audio.length + INPUT_SAMPLE_RATE);
    padded.set(audio);
    for (let offset = 0; offset < padded.length; offset += 1_600) {
      socket.send(padded.slice(offset, offset + 1_600));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } else socket.send(JSON.stringify({ type: "text", text: turn }));
  await done;
}

const samples = speech.reduce((sum, chunk) => sum + chunk.length, 0);
console.error(`assistant speech: ${(samples / OUTPUT_SAMPLE_RATE).toFixed(1)} s`);
if (savePath) {
  const all = new Int16Array(samples);
  let offset = 0;
  for (const chunk of speech) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  await Deno.writeFile(savePath, encodeWav(all, OUTPUT_SAMPLE_RATE));
}
socket.close();
