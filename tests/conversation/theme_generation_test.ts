/**
 * Offline theme generation reads the prompt: colour words choose the hues ("terracotta" → a warm
 * earthy orange-brown), mood words the mode, fonts and corners; colours stay readable; and the
 * theme keeps the venue's name instead of turning the prompt into one.
 */
import assert from "node:assert/strict";
import { contrastRatio, createLocalThemeGenerator } from "../../lib/themes/generator.ts";
import { asThemeAdmin, conversationKiln } from "./_helpers.ts";

/** Hue (0–360) and saturation (0–100) of a #rrggbb colour. */
function hsl(color: string): { hue: number; saturation: number; lightness: number } {
  const [r, g, b] = [1, 3, 5].map((index) => parseInt(color.slice(index, index + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const lightness = (max + min) / 2;
  const delta = max - min;
  if (delta === 0) return { hue: 0, saturation: 0, lightness: lightness * 100 };
  const saturation = delta / (1 - Math.abs(2 * lightness - 1));
  const hue = max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
  return { hue: (hue * 60 + 360) % 360, saturation: saturation * 100, lightness: lightness * 100 };
}

const local = createLocalThemeGenerator();

Deno.test("colour words choose the palette: terracotta is warm and earthy, mint is green, navy is blue", async () => {
  const terracotta = await local.generate("A terracotta trattoria with rustic charm");
  const primary = hsl(terracotta.colors.primary);
  assert.ok(primary.hue >= 5 && primary.hue <= 35, `terracotta primary hue ${primary.hue}`);
  assert.ok(primary.saturation >= 25 && primary.saturation <= 70, `earthy, not neon: ${primary.saturation}`);
  const background = hsl(terracotta.colors.background);
  assert.ok(background.hue >= 5 && background.hue <= 40 && background.lightness > 90, "a warm light ground");
  assert.equal(terracotta.mode, "light");
  assert.match(terracotta.fonts.heading, /serif/i, "rustic trattoria: a serif heading");
  assert.doesNotMatch(terracotta.fonts.heading, /sans-serif/i);

  const mint = hsl((await local.generate("fresh mint juice bar")).colors.primary);
  assert.ok(mint.hue >= 130 && mint.hue <= 180, `mint hue ${mint.hue}`);
  const navy = hsl((await local.generate("Navy and gold harbour bar")).colors.primary);
  assert.ok(navy.hue >= 200 && navy.hue <= 240, `navy hue ${navy.hue}`);
  const gold = hsl((await local.generate("Navy and gold harbour bar")).colors.accent);
  assert.ok(gold.hue >= 30 && gold.hue <= 55, `the second colour word is the accent: ${gold.hue}`);
});

Deno.test("mood words set the mode; the same prompt always gives the same theme; colours stay readable", async () => {
  assert.equal((await local.generate("moody midnight jazz bar")).mode, "dark");
  assert.equal((await local.generate("elegant fine dining")).mode, "dark");
  assert.equal(
    (await local.generate("moody midnight jazz bar", "light")).mode,
    "light",
    "an asked-for mode wins",
  );
  assert.deepEqual(await local.generate("Sunset Taqueria"), await local.generate("sunset taqueria"));
  for (
    const prompt of [
      "terracotta",
      "lemon",
      "mint",
      "sky blue",
      "midnight",
      "cream bakery",
      "zzz",
      "سوق",
      "sakura",
    ]
  ) {
    for (const mode of ["light", "dark"] as const) {
      const { colors } = await local.generate(prompt, mode);
      const where = `${prompt} (${mode})`;
      assert.ok(contrastRatio(colors.text, colors.background) >= 10, `${where}: text`);
      assert.ok(contrastRatio(colors.primary, colors.surface) >= 4.5, `${where}: primary on cards`);
      assert.ok(contrastRatio(colors.primary, colors.background) >= 4.5, `${where}: primary on the page`);
      assert.ok(contrastRatio(colors.muted, colors.surface) >= 4.5, `${where}: muted text`);
    }
  }
});

Deno.test("a generated theme keeps the venue's name, never the prompt", async () => {
  await using kiln = await conversationKiln();
  const generate = async (tenant: string, body: Record<string, unknown>) => {
    const response = await kiln.request(`/api/themes/${tenant}/generate`, {
      json: body,
      headers: asThemeAdmin,
    });
    assert.equal(response.status, 200);
    return (await response.json()).theme;
  };
  const fresh = await generate("casa-rossa", { prompt: "terracotta trattoria", save: true });
  assert.equal(fresh.name, "Casa Rossa", "from the tenant id when nothing else names the venue");
  await kiln.request("/api/themes/casa-rossa", {
    method: "PUT",
    json: { ...fresh, name: "La Casa Rossa" },
    headers: asThemeAdmin,
  });
  const regenerated = await generate("casa-rossa", { prompt: "cool sea blue and white", save: true });
  assert.equal(regenerated.name, "La Casa Rossa", "re-theming keeps the stored name");
  const named = await generate("casa-rossa", { prompt: "olive grove", name: "Olivo" });
  assert.equal(named.name, "Olivo");
  const page = await (await kiln.request("/api/themes/casa-rossa")).json();
  assert.equal(page.theme.name, "La Casa Rossa", "an unsaved generation changes nothing");
});
