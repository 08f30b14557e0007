/**
 * The browser assets `deno task build` produced: content-hashed URLs for the boot script, each
 * island bundle and the stylesheet, read once from `static/_build/manifest.json`. Without a build
 * pages still render (server-side only) and a warning says to run the build.
 */
export interface AssetManifest {
  boot: string;
  islands: Record<string, string>;
  stylesheet: string;
}

export const buildDirectory = "static/_build";
export const fallbackStylesheet = "/static/styles.css";

export async function loadAssetManifest(root: string): Promise<AssetManifest | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${root}/${buildDirectory}/manifest.json`));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** JSON for a `<script type="application/json">`: `<` escaped so data can never close the tag. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(
    /\u2029/g,
    "\\u2029",
  );
}
