/** CSPRNG identifiers. Never derive ids from time or Math.random: ids double as capabilities. */

const base32 = "abcdefghijklmnopqrstuvwxyz234567";

/** 128 random bits as 26 lowercase base32 characters: URL-safe, unguessable, case-insensitive. */
export function randomId(bytes = 16): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32[(value << (5 - bits)) & 31];
  return out;
}

/** A uniformly random float in [0, 1) from the CSPRNG (for jitter that must not be predictable). */
export function randomFraction(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
}
