import assert from "node:assert/strict";
import { testKiln } from "../support/kiln.ts";
import { systemTool } from "../support/system_tools.ts";
import { finished, submitOk } from "./helpers.ts";
import { runTool } from "../../lib/media/tools.ts";
import { arabicPdf } from "./pdfs.ts";

const install = "apt-get install -y ffmpeg espeak-ng poppler-utils fonts-dejavu-core";
const ffmpeg = systemTool("ffmpeg", ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"], install);
const espeak = systemTool("espeak-ng", ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"], install);
const pdftoppm = systemTool("pdftoppm", ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"], install);
const media = { ignore: ffmpeg.ignore || espeak.ignore || pdftoppm.ignore, sanitizeResources: true };

Deno.test({
  name: "an Arabic PDF gets an Arabic script, an Arabic voice and a video laid out right to left",
  ...media,
  async fn() {
    await using kiln = await testKiln({ DOC_TO_VIDEO_FFMPEG: ffmpeg.path, DOC_TO_VIDEO_ESPEAK: espeak.path });
    const accepted = await submitOk(kiln, await arabicPdf(), { category: "explanation" });
    const view = await finished(kiln, accepted.job_id, 120_000);
    assert.equal(view.status, "succeeded", view.error);
    assert.equal(view.language, "ar");
    assert.equal(view.voice, "espeak-ar");
    assert.match(view.script!, /الطاقة الشمسية/);
    assert.ok(view.words! >= 40 && view.words! <= 320);
    assert.match(await (await kiln.request(view.captions_url!)).text(), /الألواح/);
    // The title card is mirrored: page 1's white thumbnail on the left, the (right-aligned) text on the right.
    const video = await Deno.makeTempFile({ suffix: ".mp4" });
    try {
      await Deno.writeFile(video, new Uint8Array(await (await kiln.request(view.video_url!)).arrayBuffer()));
      const frame = await runTool("ffmpeg", [
        "-v",
        "error",
        "-ss",
        "1",
        "-i",
        video,
        "-frames:v",
        "1",
        "-vf",
        "format=gray",
        "-f",
        "rawvideo",
        "-",
      ], { timeoutMs: 30_000 });
      const brightness = (x0: number, x1: number) => {
        let sum = 0;
        let count = 0;
        for (let y = 200; y < 520; y += 4) {
          for (let x = x0; x < x1; x += 4, count++) sum += frame[y * 1280 + x];
        }
        return sum / count;
      };
      assert.ok(brightness(180, 380) > 200, "thumbnail on the left");
      assert.ok(brightness(1220, 1280) < 90, "background at the right edge");
    } finally {
      await Deno.remove(video);
    }
  },
});
