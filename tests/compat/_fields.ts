/** Reading the fixtures' dotted field names the way the original clients read the JSON. */

// deno-lint-ignore no-explicit-any
export type Json = any;

export function field(value: Json, path: string): Json {
  return path.split(".").reduce((current, key) => current?.[key], value);
}

export function fixture(name: string): Json {
  return JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}
