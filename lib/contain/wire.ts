/**
 * The byte protocol between Kiln and a contained child process (lib/contain/pool.ts ↔
 * lib/contain/child.ts): one frame per message on stdin/stdout,
 *
 *   u32 header length (big-endian) | header: UTF-8 JSON {json, sizes} | the buffers, back to back
 *
 * so binary payloads (a TIFF in, JPEG pages out) travel without base64. The reader refuses a frame
 * larger than its limit before buffering it, so a misbehaving child cannot grow the parent's memory.
 */

/** One message: any JSON value plus binary buffers. */
export interface Envelope {
  json: unknown;
  buffers: Uint8Array[];
}

const maxHeaderBytes = 1024 * 1024;

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ json: envelope.json ?? null, sizes: envelope.buffers.map((b) => b.byteLength) }),
  );
  const total = 4 + header.byteLength + envelope.buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const frame = new Uint8Array(total);
  new DataView(frame.buffer).setUint32(0, header.byteLength);
  frame.set(header, 4);
  let offset = 4 + header.byteLength;
  for (const buffer of envelope.buffers) {
    frame.set(buffer, offset);
    offset += buffer.byteLength;
  }
  return frame;
}

/** Reads frames from a byte stream; `next()` resolves null at a clean end of stream. */
export class EnvelopeReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  constructor(stream: ReadableStream<Uint8Array>, readonly maxFrameBytes: number) {
    this.#reader = stream.getReader();
  }

  async next(): Promise<Envelope | null> {
    if (!(await this.#fill(4))) {
      if (this.#buffered === 0) return null;
      throw new WireError("stream ended inside a frame");
    }
    const headerLength = new DataView(this.#peek(4).buffer).getUint32(0);
    if (headerLength > maxHeaderBytes) throw new WireError(`frame header of ${headerLength} bytes`);
    if (!(await this.#fill(4 + headerLength))) throw new WireError("stream ended inside a frame header");
    const headerBytes = this.#take(4 + headerLength).subarray(4);
    let header: { json: unknown; sizes: number[] };
    try {
      header = JSON.parse(new TextDecoder().decode(headerBytes));
    } catch {
      throw new WireError("frame header is not JSON");
    }
    const sizes = Array.isArray(header?.sizes) ? header.sizes : [];
    if (!sizes.every((size) => Number.isSafeInteger(size) && size >= 0)) {
      throw new WireError("frame header has invalid buffer sizes");
    }
    const bodyLength = sizes.reduce((sum, size) => sum + size, 0);
    if (4 + headerLength + bodyLength > this.maxFrameBytes) {
      throw new WireError(`frame of ${bodyLength} bytes exceeds the limit of ${this.maxFrameBytes}`);
    }
    if (!(await this.#fill(bodyLength))) throw new WireError("stream ended inside a frame body");
    const body = this.#take(bodyLength);
    const buffers: Uint8Array[] = [];
    let offset = 0;
    for (const size of sizes) {
      buffers.push(body.subarray(offset, offset + size));
      offset += size;
    }
    return { json: header.json, buffers };
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }

  /** Reads until `count` bytes are buffered; false when the stream ended first. */
  async #fill(count: number): Promise<boolean> {
    while (this.#buffered < count) {
      const { done, value } = await this.#reader.read();
      if (done) return false;
      this.#chunks.push(value);
      this.#buffered += value.byteLength;
    }
    return true;
  }

  #peek(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let offset = 0;
    for (const chunk of this.#chunks) {
      const part = chunk.subarray(0, count - offset);
      out.set(part, offset);
      offset += part.byteLength;
      if (offset === count) break;
    }
    return out;
  }

  #take(count: number): Uint8Array {
    const first = this.#chunks[0];
    if (first && first.byteLength >= count) {
      // Common case: the whole piece is in the first chunk; no copy.
      const out = first.subarray(0, count);
      if (first.byteLength === count) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(count);
      this.#buffered -= count;
      return out;
    }
    const out = new Uint8Array(count);
    let offset = 0;
    while (offset < count) {
      const chunk = this.#chunks[0];
      const part = chunk.subarray(0, count - offset);
      out.set(part, offset);
      offset += part.byteLength;
      if (part.byteLength === chunk.byteLength) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part.byteLength);
    }
    this.#buffered -= count;
    return out;
  }
}
