/**
 * Theme generation from a prompt. `ThemeGenerator` is the provider interface: the local default
 * derives a palette deterministically from the prompt's SHA-256 (same prompt, same theme, offline);
 * the LLM generator asks a ChatModel (OpenRouter when OPENROUTER_API_KEY is set) for theme JSON and
 * falls back to the local palette when the answer is not a valid theme.
 */
import { KilnError } from "../errors.ts";
import { type ChatModel, LlmError } from "../providers/llm/types.ts";
import { type Theme, ThemeSchema } from "./schema.ts";

export interface ThemeGenerator {
  readonly name: string;
  generate(prompt: string, mode?: "light" | "dark"): Promise<Theme>;
}

function hex(hue: number, saturation: number, lightness: number): string {
  const s = saturation / 100;
  const l = lightness / 100;
  const k = (n: number) => (n + hue / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) =>
    Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)))));
  return `#${[0, 8, 4].map((n) => channel(n).toString(16).padStart(2, "0")).join("")}`;
}

const fontPairs = [
  { heading: "Georgia, serif", body: "system-ui, sans-serif" },
  { heading: "system-ui, sans-serif", body: "system-ui, sans-serif" },
  { heading: "Palatino, serif", body: "Verdana, sans-serif" },
  { heading: "Trebuchet MS, sans-serif", body: "Arial, sans-serif" },
];

export function createLocalThemeGenerator(): ThemeGenerator {
  return {
    name: "local",
    async generate(prompt, requestedMode) {
      const digest = new Uint8Array(
        await crypto.subtle.digest("SHA-256", new TextEncoder().encode(prompt.trim().toLowerCase())),
      );
      const dark = requestedMode ? requestedMode === "dark" : /\b(dark|night|noir|midnight)\b/i.test(prompt);
      const hue = (digest[0] << 8 | digest[1]) % 360;
      const accentHue = (hue + 150 + digest[2] % 60) % 360;
      return ThemeSchema.parse({
        name: prompt.trim().slice(0, 60) || "Generated",
        mode: dark ? "dark" : "light",
        colors: {
          primary: hex(hue, 60 + digest[3] % 25, dark ? 60 : 38),
          accent: hex(accentHue, 65, dark ? 62 : 45),
          background: hex(hue, 30, dark ? 9 : 97),
          surface: hex(hue, 25, dark ? 15 : 100),
          text: hex(hue, 25, dark ? 93 : 12),
          muted: hex(hue, 12, dark ? 68 : 42),
        },
        fonts: fontPairs[digest[4] % fontPairs.length],
        radius: [4, 8, 12, 16, 20][digest[5] % 5],
      });
    },
  };
}

export function createLlmThemeGenerator(
  model: ChatModel,
  modelName: string,
  fallback: ThemeGenerator,
): ThemeGenerator {
  return {
    name: model.name,
    async generate(prompt, mode) {
      const response = await model.complete({
        model: modelName,
        temperature: 0.4,
        maxTokens: 600,
        messages: [
          {
            role: "system",
            content: "You design UI color themes. Answer with JSON only: {name, mode: light|dark, colors: " +
              "{primary, accent, background, surface, text, muted} as #rrggbb, fonts: {heading, body} as CSS " +
              "font-family lists without quotes, radius: integer 0-32}. Ensure readable contrast.",
          },
          { role: "user", content: `${prompt}${mode ? ` (mode: ${mode})` : ""}` },
        ],
      });
      const json = /\{[\s\S]*\}/.exec(response.text)?.[0];
      try {
        const parsed = ThemeSchema.safeParse(JSON.parse(json ?? ""));
        if (parsed.success) return parsed.data;
      } catch {
        // Not JSON: fall through to the deterministic palette.
      }
      return fallback.generate(prompt, mode);
    },
  };
}

/** Runs a generator; an LLM outage is a 502 with a stable code, never a 500. */
export async function generateTheme(
  generator: ThemeGenerator,
  prompt: string,
  mode?: "light" | "dark",
): Promise<Theme> {
  try {
    return await generator.generate(prompt, mode);
  } catch (error) {
    if (error instanceof LlmError) {
      throw new KilnError(
        "upstream",
        "theme_generator_failed",
        "The theme generator did not answer; try again.",
      );
    }
    throw error;
  }
}
