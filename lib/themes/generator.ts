/**
 * Theme generation from a prompt. `ThemeGenerator` is the provider interface: the local default
 * maps the prompt's colour and mood words to a palette (same prompt, same theme, offline);
 * the LLM generator asks a ChatModel (OpenRouter when OPENROUTER_API_KEY is set) for theme JSON and
 * falls back to the local palette when the answer is not a valid theme.
 */
import { KilnError } from "../errors.ts";
import { sha256 } from "../hmac.ts";
import { type ChatModel, LlmError } from "../providers/llm/types.ts";
import { colourWords, type Hue, type Mood, moodWords, promptWords } from "./palette_words.ts";
import { type Theme, ThemeSchema } from "./schema.ts";

export interface ThemeGenerator {
  readonly name: string;
  generate(prompt: string, mode?: "light" | "dark"): Promise<Theme>;
}

function hex(hue: number, saturation: number, lightness: number): string {
  const s = Math.max(0, Math.min(100, saturation)) / 100;
  const l = Math.max(0, Math.min(100, lightness)) / 100;
  const k = (n: number) => (n + (((hue % 360) + 360) % 360) / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) =>
    Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)))));
  return `#${[0, 8, 4].map((n) => channel(n).toString(16).padStart(2, "0")).join("")}`;
}

/** WCAG contrast ratio of two #rrggbb colours (1–21). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, b] = [1, 3, 5].map((index) => {
      const channel = parseInt(color.slice(index, index + 2), 16) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** The colour's lightness moved (darker on light themes, lighter on dark) until it reads on every ground. */
function readable(colour: Hue, grounds: string[], dark: boolean, minimum = 4.5): string {
  let lightness = colour.lightness;
  for (let step = 0; step < 100; step++) {
    const candidate = hex(colour.hue, colour.saturation, lightness);
    if (grounds.every((ground) => contrastRatio(candidate, ground) >= minimum)) return candidate;
    lightness += dark ? 1 : -1;
  }
  return hex(colour.hue, colour.saturation, dark ? 90 : 15);
}

const sansFonts = { heading: "system-ui, sans-serif", body: "system-ui, sans-serif" };
const serifFonts = { heading: "Georgia, serif", body: "system-ui, sans-serif" };
const fontPairs = [
  serifFonts,
  sansFonts,
  { heading: "Palatino, serif", body: "Verdana, sans-serif" },
  { heading: "Trebuchet MS, sans-serif", body: "Arial, sans-serif" },
];

/**
 * The offline generator: colour and mood words of the prompt (palette_words.ts) choose the palette,
 * fonts and corners; what they leave open comes from the prompt's SHA-256, so the same prompt
 * always gives the same theme. Text colours are checked for contrast against their grounds. The
 * theme's name is the venue's, set by `generateTheme`, never the prompt.
 */
export function createLocalThemeGenerator(): ThemeGenerator {
  return {
    name: "local",
    async generate(prompt, requestedMode) {
      const digest = await sha256(prompt.trim().toLowerCase());
      const words = promptWords(prompt);
      const colours = words.map((word) => colourWords[word]).filter((colour) => colour !== undefined);
      const moods = words.map((word) => moodWords[word]).filter((found) => found !== undefined);
      // Later words win for mode, fonts and corners; saturation is the mean of every mood that sets one.
      const saturations = moods.map((found) => found.saturation).filter((value) => value !== undefined);
      const mood: Mood = Object.assign({}, ...moods);
      const vividness = saturations.length ? saturations.reduce((a, b) => a + b, 0) / saturations.length : 1;
      const dark = requestedMode ? requestedMode === "dark" : mood.dark ?? false;
      const base = colours[0] ??
        { hue: (digest[0] << 8 | digest[1]) % 360, saturation: 60 + digest[3] % 25, lightness: 40 };
      const primary = { ...base, saturation: Math.min(95, base.saturation * vividness) };
      const accentSource = colours[1] ??
        {
          hue: base.hue + (mood.accentShift ?? 150 + digest[2] % 60),
          saturation: base.saturation,
          lightness: 50,
        };
      const accent = { ...accentSource, saturation: Math.min(95, accentSource.saturation * vividness) };
      const tint = Math.min(45, primary.saturation * 0.6);
      const background = hex(primary.hue, tint, dark ? 9 : 96);
      const surface = hex(primary.hue, tint * 0.6, dark ? 14 : 99.5);
      return ThemeSchema.parse({
        name: "Generated",
        mode: dark ? "dark" : "light",
        colors: {
          primary: readable(primary, [background, surface], dark),
          accent: readable(accent, [background], dark, 2),
          background,
          surface,
          text: readable(
            { hue: primary.hue, saturation: 25, lightness: dark ? 90 : 14 },
            [background, surface],
            dark,
            10,
          ),
          muted: readable({ hue: primary.hue, saturation: 12, lightness: dark ? 65 : 42 }, [
            background,
            surface,
          ], dark),
        },
        fonts: mood.serif === undefined
          ? fontPairs[digest[4] % fontPairs.length]
          : mood.serif
          ? serifFonts
          : sansFonts,
        radius: mood.radius ?? [8, 12, 16][digest[5] % 3],
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

/**
 * Runs a generator for a venue: the theme keeps the venue's name (the prompt describes a look, it
 * is not a name). An LLM outage is a 502 with a stable code, never a 500.
 */
export async function generateTheme(
  generator: ThemeGenerator,
  prompt: string,
  venueName: string,
  mode?: "light" | "dark",
): Promise<Theme> {
  try {
    return { ...(await generator.generate(prompt, mode)), name: venueName };
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
