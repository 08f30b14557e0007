/**
 * Browser audio of the "Order by voice" page: the microphone as 16 kHz PCM16 frames (an
 * AudioWorklet resamples whatever rate the device runs at), and the assistant's 24 kHz PCM16
 * speech played back to back, stoppable at once when the caller barges in.
 */

export interface Microphone {
  stop(): void;
}

/** Starts capturing; `onFrame` gets 100 ms frames, `onLevel` their loudness (0–1). */
export async function startMicrophone(
  context: AudioContext,
  workletUrl: string,
  onFrame: (pcm: ArrayBuffer) => void,
  onLevel: (level: number) => void,
): Promise<Microphone> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  await context.audioWorklet.addModule(workletUrl);
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, "kiln-capture");
  node.port.onmessage = (event: MessageEvent<{ pcm: ArrayBuffer; level: number }>) => {
    onFrame(event.data.pcm);
    onLevel(event.data.level);
  };
  source.connect(node);
  // The worklet must be pulled by the graph to run; a muted gain keeps it silent.
  const mute = context.createGain();
  mute.gain.value = 0;
  node.connect(mute).connect(context.destination);
  return {
    stop() {
      node.port.onmessage = null;
      source.disconnect();
      node.disconnect();
      for (const track of stream.getTracks()) track.stop();
    },
  };
}

/** Plays PCM16 chunks in order; `stop()` silences everything queued. */
export class SpeechPlayer {
  readonly #context: AudioContext;
  #sampleRate = 24_000;
  #playAt = 0;
  #sources = new Set<AudioBufferSourceNode>();

  constructor(context: AudioContext) {
    this.#context = context;
  }

  set sampleRate(rate: number) {
    this.#sampleRate = rate;
  }

  get playing(): boolean {
    return this.#sources.size > 0;
  }

  play(bytes: ArrayBuffer): void {
    const pcm = new Int16Array(bytes);
    if (pcm.length === 0) return;
    const buffer = this.#context.createBuffer(1, pcm.length, this.#sampleRate);
    const channel = buffer.getChannelData(0);
    for (let index = 0; index < pcm.length; index++) channel[index] = pcm[index] / 32768;
    const source = this.#context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.#context.destination);
    const now = this.#context.currentTime;
    this.#playAt = Math.max(this.#playAt, now + 0.05);
    source.start(this.#playAt);
    this.#playAt += buffer.duration;
    this.#sources.add(source);
    source.onended = () => this.#sources.delete(source);
  }

  stop(): void {
    for (const source of this.#sources) {
      source.onended = null;
      source.stop();
    }
    this.#sources.clear();
    this.#playAt = 0;
  }
}
