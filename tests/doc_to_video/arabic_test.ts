import assert from "node:assert/strict";
import { testKiln } from "../support/kiln.ts";
import { systemTool } from "../support/system_tools.ts";
import { finished, submitOk } from "./helpers.ts";
import { arabicPdf } from "./pdfs.ts";

const install = "apt-get install -y ffmpeg espeak-ng fonts-dejavu-core";
const ffmpeg = systemTool("ffmpeg", ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"], install);
const espeak = systemTool("espeak-ng", ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"], install);
const media = { ignore: ffmpeg.ignore || espeak.ignore, sanitizeResources: true };

Deno.test({
  name: "an Arabic PDF gets an Arabic script and an Arabic-voiced video",
  ...media,
  async fn() {
    await using kiln = await testKiln({ DOC_TO_VIDEO_FFMPEG: ffmpeg.path, DOC_TO_VIDEO_ESPEAK: espeak.path });
    const accepted = await submitOk(kiln, await arabicPdf(), { category: "explanation" });
    const view = await finished(kiln, accepted.job_id, 25_000);
    assert.equal(view.status, "succeeded", view.error);
    assert.equal(view.language, "ar");
    assert.match(view.script!, /الطاقة الشمسية/);
    assert.ok(view.words! >= 40 && view.words! <= 320);
    assert.match(await (await kiln.request(view.captions_url!)).text(), /الألواح/);
  },
});
