/**
 * The child side of a contained pool (lib/contain/pool.ts): reads request frames from stdin, runs
 * the handler on each, writes one response frame to stdout, and exits at the end of stdin. A
 * handler that throws answers `{failure: {message, code}}` — the file was refused, the child lives
 * on. stdout carries only frames: console output of libraries is sent to stderr instead.
 */
import { encodeEnvelope, type Envelope, EnvelopeReader } from "./wire.ts";

export type ContainedHandler = (request: Envelope) => Promise<Envelope> | Envelope;

/** Largest request frame a child accepts (the pool's inputs are capped far below this). */
const maxRequestBytes = 1024 * 1024 * 1024;

export async function serveContained(handler: ContainedHandler): Promise<void> {
  // A stray console.log from a parser would corrupt the frame stream.
  console.log =
    console.info =
    console.debug =
    console.warn =
      (...args: unknown[]) => console.error(...args);
  const reader = new EnvelopeReader(Deno.stdin.readable, maxRequestBytes);
  while (true) {
    const request = await reader.next();
    if (!request) return;
    let response: Envelope;
    try {
      response = await handler(request);
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      response = {
        json: {
          failure: {
            message: error instanceof Error ? error.message : String(error),
            code: typeof code === "string" ? code : undefined,
          },
        },
        buffers: [],
      };
    }
    const frame = encodeEnvelope(response);
    for (let written = 0; written < frame.byteLength;) {
      written += await Deno.stdout.write(frame.subarray(written));
    }
  }
}
