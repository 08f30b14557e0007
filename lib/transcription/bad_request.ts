/**
 * The seed's `/transcribe` and `/estimate` answered 400 to any body they could not use (no url, a
 * url that is not a URL); clients branch on that status. Kiln keeps its own problem codes but
 * gives those refusals the seed's status. Policy refusals (private address, scheme) stay 422.
 */
import { KilnError } from "../errors.ts";

const badBodyCodes = new Set(["validation_failed", "invalid_url"]);

export async function withSeedBadRequest<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof KilnError && error.kind === "invalid" && badBodyCodes.has(error.code)) {
      throw new KilnError("malformed", error.code, error.message, {
        details: error.details,
        headers: error.headers,
        cause: error,
      });
    }
    throw error;
  }
}
