/**
 * The offline theme generator's vocabulary: words a venue uses to describe its look, mapped to
 * colours (hue 0–360, saturation and lightness in %) and to moods that shape the rest of the theme.
 * "terracotta trattoria" reads as a warm earthy orange-brown with a serif heading, "midnight jazz
 * bar" as a dark theme, "fresh mint juice bar" as a bright green one.
 */
export interface Hue {
  hue: number;
  saturation: number;
  lightness: number;
}

export interface Mood {
  dark?: boolean;
  /** Multiplies every colour's saturation (earthy < 1 < vibrant). */
  saturation?: number;
  /** Where the accent sits relative to the primary when the prompt names only one colour. */
  accentShift?: number;
  serif?: boolean;
  radius?: number;
}

const h = (hue: number, saturation: number, lightness: number): Hue => ({ hue, saturation, lightness });

/** Colour words, including materials and foods people name colours by. Plurals are matched too. */
export const colourWords: Record<string, Hue> = {
  terracotta: h(14, 58, 45),
  clay: h(18, 45, 48),
  brick: h(8, 55, 40),
  rust: h(16, 65, 38),
  sienna: h(19, 56, 40),
  ochre: h(38, 70, 45),
  mustard: h(45, 75, 45),
  saffron: h(40, 90, 50),
  turmeric: h(42, 85, 48),
  sand: h(36, 40, 70),
  beige: h(35, 35, 75),
  cream: h(42, 60, 88),
  ivory: h(45, 50, 90),
  olive: h(66, 40, 35),
  sage: h(100, 18, 55),
  moss: h(80, 35, 35),
  forest: h(140, 45, 25),
  pine: h(155, 45, 24),
  emerald: h(145, 60, 35),
  jade: h(158, 50, 40),
  mint: h(155, 50, 60),
  matcha: h(85, 40, 50),
  basil: h(110, 45, 32),
  green: h(130, 50, 35),
  teal: h(180, 55, 32),
  turquoise: h(174, 62, 45),
  aqua: h(185, 65, 50),
  ocean: h(200, 65, 35),
  sea: h(195, 55, 40),
  harbour: h(205, 50, 35),
  harbor: h(205, 50, 35),
  navy: h(220, 60, 25),
  indigo: h(240, 45, 35),
  cobalt: h(215, 80, 40),
  blue: h(215, 65, 42),
  sky: h(200, 70, 60),
  lavender: h(265, 45, 70),
  lilac: h(280, 40, 68),
  violet: h(270, 50, 45),
  purple: h(275, 50, 40),
  plum: h(300, 35, 30),
  wine: h(345, 55, 28),
  burgundy: h(345, 60, 28),
  cherry: h(350, 75, 40),
  ruby: h(350, 70, 38),
  crimson: h(348, 75, 40),
  red: h(2, 70, 42),
  tomato: h(8, 75, 48),
  chili: h(4, 75, 42),
  coral: h(12, 75, 60),
  salmon: h(10, 65, 65),
  peach: h(24, 80, 70),
  apricot: h(28, 80, 62),
  orange: h(28, 85, 50),
  tangerine: h(26, 90, 52),
  citrus: h(45, 90, 50),
  lemon: h(52, 90, 55),
  yellow: h(50, 85, 50),
  gold: h(43, 70, 45),
  golden: h(43, 70, 45),
  amber: h(38, 90, 45),
  honey: h(38, 75, 50),
  caramel: h(30, 60, 45),
  coffee: h(25, 40, 28),
  espresso: h(20, 40, 20),
  chocolate: h(20, 45, 25),
  cocoa: h(22, 35, 30),
  walnut: h(25, 35, 30),
  charcoal: h(210, 10, 22),
  slate: h(210, 15, 40),
  graphite: h(220, 8, 30),
  smoke: h(220, 8, 55),
  stone: h(35, 8, 55),
  concrete: h(200, 5, 55),
  rose: h(345, 55, 55),
  blush: h(350, 55, 75),
  pink: h(335, 65, 60),
  sakura: h(340, 60, 75),
  blossom: h(340, 55, 70),
  sunset: h(18, 80, 55),
};

/** Mood words: how the prompt wants the theme to feel. */
export const moodWords: Record<string, Mood> = {
  warm: { saturation: 0.9, accentShift: 30 },
  cozy: { saturation: 0.8, accentShift: 30, radius: 16 },
  cosy: { saturation: 0.8, accentShift: 30, radius: 16 },
  rustic: { saturation: 0.75, accentShift: 30, serif: true, radius: 8 },
  earthy: { saturation: 0.7, accentShift: 35 },
  farmhouse: { saturation: 0.7, accentShift: 30, serif: true },
  tuscan: { saturation: 0.8, accentShift: 30, serif: true },
  trattoria: { saturation: 0.85, accentShift: 30, serif: true },
  bistro: { serif: true },
  classic: { serif: true, radius: 6 },
  traditional: { serif: true, radius: 6 },
  vintage: { saturation: 0.7, serif: true },
  fresh: { saturation: 1.15, accentShift: 150, radius: 16 },
  vibrant: { saturation: 1.3, accentShift: 180, radius: 16 },
  bold: { saturation: 1.3, accentShift: 180 },
  playful: { saturation: 1.25, accentShift: 160, radius: 20 },
  tropical: { saturation: 1.3, accentShift: 150, radius: 18 },
  calm: { saturation: 0.6, accentShift: 40 },
  minimal: { saturation: 0.5, accentShift: 180, radius: 4 },
  clean: { saturation: 0.7, radius: 8 },
  scandinavian: { saturation: 0.45, radius: 6 },
  zen: { saturation: 0.5, accentShift: 30, radius: 4 },
  elegant: { dark: true, serif: true, radius: 4 },
  luxury: { dark: true, serif: true, radius: 4 },
  upscale: { dark: true, serif: true, radius: 4 },
  modern: { radius: 6 },
  sleek: { radius: 4 },
  tech: { saturation: 1.1, radius: 4 },
  dark: { dark: true },
  night: { dark: true },
  noir: { dark: true, saturation: 0.5 },
  midnight: { dark: true },
  moody: { dark: true, saturation: 0.7 },
  light: { dark: false },
  bright: { dark: false, saturation: 1.15 },
};

/** The prompt's words, lower-case, with simple plurals folded ("tomatoes" → "tomato"). */
export function promptWords(prompt: string): string[] {
  return (prompt.toLowerCase().match(/\p{L}+/gu) ?? []).map((word) =>
    colourWords[word] || moodWords[word] ? word : word.replace(/(es|s)$/, "")
  );
}
