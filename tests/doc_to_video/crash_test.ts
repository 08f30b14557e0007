/**
 * kill -9 in the middle of rendering: a new process over the same data directory finishes the job
 * from its checkpoints (the PDF is not extracted again, the script not rewritten) and the video plays.
 */
import assert from "node:assert/strict";
import { systemTool } from "../support/system_tools.ts";

const install = "apt-get install -y ffmpeg espeak-ng flite poppler-utils fonts-dejavu-core";
const ffmpeg = systemTool("ffmpeg", ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"], install);
const espeak = systemTool("espeak-ng", ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"], install);
const worker = new URL("./crash_worker.ts", import.meta.url).pathname;
const repoRoot = new URL("../../", import.meta.url).pathname;

async function run(args: string[], until: RegExp, kill: boolean, timeoutMs: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", worker, ...args],
    cwd: repoRoot,
    env: { DOC_TO_VIDEO_FFMPEG: ffmpeg.path, DOC_TO_VIDEO_ESPEAK: espeak.path },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const stderrDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (stderr += chunk) }),
  );
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  let stdout = "";
  let match: RegExpMatchArray | null = null;
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    stdout += chunk;
    match = stdout.match(until);
    if (match) break;
  }
  if (kill) child.kill("SIGKILL");
  const status = await child.status;
  clearTimeout(timer);
  await stderrDone;
  if (!match) throw new Error(`no ${until} from the worker; logs:\n${stderr.slice(-3000)}`);
  return { match, status, logs: stderr };
}

Deno.test({
  name: "a doc-to-video job killed with SIGKILL mid-render completes after a restart, from its checkpoints",
  ignore: ffmpeg.ignore || espeak.ignore,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "kiln-dtv-crash-" });
    try {
      const first = await run([dataDir, "start"], /RUNNING (\S+)/, true, 90_000);
      assert.equal(first.status.signal, "SIGKILL");
      const jobId = first.match[1];
      assert.match(first.logs, /"event":"document_extracted"/);

      // The rest of the render runs in the second process: generous on 2 shared cores.
      const second = await run([dataDir, "resume", jobId], /DONE (\S+)/, false, 180_000);
      assert.equal(second.match[1], "succeeded", second.logs.slice(-3000));
      assert.equal(second.status.code, 0);
      assert.match(second.logs, /"event":"job_recovered"/);
      assert.match(second.logs, /"event":"job_completed"/);
      // Finished steps were not run again.
      assert.doesNotMatch(second.logs, /"event":"document_extracted"/);
      const videos = [];
      for await (const entry of Deno.readDir(`${dataDir}/blobs/doc-to-video`)) videos.push(entry.name);
      assert.equal(videos.length, 1);
      const video = await Deno.readFile(`${dataDir}/blobs/doc-to-video/${videos[0]}/video.mp4`);
      assert.equal(new TextDecoder().decode(video.subarray(4, 8)), "ftyp");
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
