// AudioWorklet of the "Order by voice" page: microphone samples at the context's rate (44.1 or
// 48 kHz on most devices) → 16 kHz mono PCM16 frames of 100 ms, posted to the page with their level.
// Downsampling averages each output sample's window (a box filter) so speech stays intelligible.
class KilnCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / 16000;
    this.position = 0;
    this.sum = 0;
    this.count = 0;
    this.frame = new Int16Array(1600);
    this.filled = 0;
    this.energy = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let index = 0; index < channel.length; index++) {
      this.sum += channel[index];
      this.count++;
      this.position += 1;
      if (this.position >= this.step) {
        this.position -= this.step;
        const value = Math.max(-1, Math.min(1, this.sum / this.count));
        this.sum = 0;
        this.count = 0;
        this.frame[this.filled++] = value < 0 ? value * 0x8000 : value * 0x7fff;
        this.energy += value * value;
        if (this.filled === this.frame.length) {
          const level = Math.sqrt(this.energy / this.frame.length);
          this.port.postMessage({ pcm: this.frame.buffer, level }, [this.frame.buffer]);
          this.frame = new Int16Array(1600);
          this.filled = 0;
          this.energy = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor("kiln-capture", KilnCapture);
