/**
 * The theme JSON schema. Every value ends up inside CSS custom properties on the display page, so
 * the schema is strict enough that no value can break out of a declaration: colors are #rrggbb,
 * font names a safe character set, the logo an https URL.
 */
import { z } from "zod";

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a #rrggbb color");
const font = z.string().trim().min(1).max(80).regex(
  /^[A-Za-z0-9 ,-]+$/,
  "letters, digits, spaces, commas, hyphens",
);

export const ThemeSchema = z.object({
  name: z.string().trim().min(1).max(80).default("Theme"),
  mode: z.enum(["light", "dark"]).default("light"),
  colors: z.object({
    primary: color,
    accent: color,
    background: color,
    surface: color,
    text: color,
    muted: color,
  }),
  fonts: z.object({ heading: font, body: font }),
  logoUrl: z.string().max(2_000).refine((value) => {
    try {
      return new URL(value).protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an https URL").optional(),
  /** Corner radius of cards in px. */
  radius: z.number().int().min(0).max(32).default(12),
  /** The tenant's currency (ISO 4217), for display updates that name none and a tenant without a menu. */
  currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code like INR").optional(),
});

export type Theme = z.infer<typeof ThemeSchema>;

export const defaultThemes: Record<"restaurant" | "financial", Theme> = {
  restaurant: {
    name: "Kiln bistro",
    mode: "light",
    colors: {
      primary: "#b4461f",
      accent: "#e0a526",
      background: "#fbf6ef",
      surface: "#ffffff",
      text: "#2b1d14",
      muted: "#7a6355",
    },
    fonts: { heading: "Georgia, serif", body: "system-ui, sans-serif" },
    radius: 16,
  },
  financial: {
    name: "Kiln advisory",
    mode: "dark",
    colors: {
      primary: "#3d7eff",
      accent: "#2fc49a",
      background: "#0f1724",
      surface: "#18233a",
      text: "#e8eef8",
      muted: "#93a3bd",
    },
    fonts: { heading: "system-ui, sans-serif", body: "system-ui, sans-serif" },
    radius: 6,
  },
};

/** The theme as CSS custom properties (values are schema-checked, so they are safe in CSS). */
export function themeCss(theme: Theme, selector = ".conversation"): string {
  const { colors, fonts } = theme;
  return `${selector}{--conv-primary:${colors.primary};--conv-accent:${colors.accent};` +
    `--conv-bg:${colors.background};--conv-surface:${colors.surface};--conv-text:${colors.text};` +
    `--conv-muted:${colors.muted};--conv-font-heading:${fonts.heading};--conv-font-body:${fonts.body};` +
    `--conv-radius:${theme.radius}px;color-scheme:${theme.mode};}`;
}
