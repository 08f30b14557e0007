import { useState } from "preact/hooks";
import { adminApi } from "../components/admin/api.ts";
import { DropZone } from "../components/DropZone.tsx";
import { picked, type PickedFile, pickedFromDrop } from "../components/preprocess/picked_files.ts";

interface Props {
  csrf: string;
  /** Suggested by the server (a client-made one would differ from the server render). */
  batchId: string;
  maxFiles: number;
  maxFileBytes: number;
}

type Phase = "idle" | "uploading" | "submitting";

const isTiff = (name: string) => /\.tiff?$/i.test(name);
const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(bytes < 10_485_760 ? 1 : 0)} MB`;

/** PUTs one file to the blob store with upload progress (fetch cannot report it). */
function put(url: string, file: File, csrf: string, onProgress: (sent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    request.setRequestHeader("x-csrf-token", csrf);
    request.setRequestHeader("content-type", file.type || "application/octet-stream");
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) return resolve();
      let detail = `HTTP ${request.status}`;
      try {
        detail = JSON.parse(request.responseText).detail ?? detail;
      } catch { /* not JSON */ }
      reject(new Error(`${file.name}: ${detail}`));
    };
    request.onerror = () => reject(new Error(`${file.name}: the upload failed (network).`));
    request.send(file);
  });
}

/**
 * Drop TIFFs or a whole folder: each file goes to the blob store under staging/<batch>/, then the
 * batch is submitted (the seed's queue message) and the page moves to the batch's live page.
 */
export default function PreprocessUpload({ csrf, batchId: suggested, maxFiles, maxFileBytes }: Props) {
  const api = adminApi(csrf);
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [batchId, setBatchId] = useState(suggested);
  const [phase, setPhase] = useState<Phase>("idle");
  const [sent, setSent] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);

  const tiffs = files.filter((file) => isTiff(file.path)).length;
  const total = files.reduce((sum, file) => sum + file.file.size, 0);
  const tooBig = files.filter((file) => file.file.size > maxFileBytes);

  function add(more: PickedFile[]) {
    setProblem(null);
    setFiles((current) => {
      const known = new Set(current.map((file) => file.path));
      const merged = [...current, ...more.filter((file) => !known.has(file.path))];
      if (merged.length > maxFiles) {
        setProblem(`A batch holds at most ${maxFiles} files; the rest were left out.`);
      }
      return merged.slice(0, maxFiles);
    });
  }

  async function upload(event: Event) {
    event.preventDefault();
    if (files.length === 0 || tooBig.length > 0) return;
    setProblem(null);
    setPhase("uploading");
    setSent(0);
    const prefix = `staging/${batchId}`;
    try {
      let done = 0;
      const queue = [...files];
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const file = next;
          const url = `/preprocess/blobs/${prefix}/${file.path.split("/").map(encodeURIComponent).join("/")}`;
          let current = 0;
          await put(url, file.file, csrf, (loaded) => {
            setSent((value) => value + loaded - current);
            current = loaded;
          });
          setSent((value) => value + file.file.size - current);
          done++;
        }
      };
      await Promise.all([worker(), worker(), worker()]);
      if (done !== files.length) throw new Error("Not every file was uploaded.");
      setPhase("submitting");
      const accepted = await api<{ page_url: string }>("/preprocess/batches", {
        method: "POST",
        headers: { "idempotency-key": `upload-${batchId}` },
        json: {
          batch_id: batchId,
          files: files.map((file) => ({
            r2_key: `${prefix}/${file.path}`,
            file_name: file.file.name,
            file_size: file.file.size,
            content_type: file.file.type || undefined,
          })),
        },
      });
      const page = new URL(accepted.page_url);
      location.assign(page.pathname + page.search);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
      setPhase("idle");
    }
  }

  const busy = phase !== "idle";
  return (
    <form class="card stack" onSubmit={upload} data-testid="preprocess-upload">
      <DropZone inputId="preprocess-files" onDrop={async (data) => add(await pickedFromDrop(data))}>
        <strong>Drop TIFF files or a folder here</strong>
        <span class="muted">or click to choose files (TIFF pages become JPEG; other files pass through)</span>
      </DropZone>
      <input
        id="preprocess-files"
        class="sr-only"
        type="file"
        multiple
        accept=".tif,.tiff,image/tiff"
        onChange={(event) => {
          add(picked(event.currentTarget.files));
          event.currentTarget.value = "";
        }}
      />
      <div class="row">
        <label class="button secondary small" for="preprocess-folder">Choose a folder</label>
        <input
          id="preprocess-folder"
          class="sr-only"
          type="file"
          {...{ webkitdirectory: "" }}
          onChange={(event) => {
            add(picked(event.currentTarget.files));
            event.currentTarget.value = "";
          }}
        />
        {files.length > 0 && !busy && (
          <button
            class="button secondary small"
            type="button"
            onClick={() => setFiles([])}
          >
            Clear
          </button>
        )}
      </div>

      {files.length > 0 && (
        <>
          <p data-testid="upload-summary">
            <strong>{files.length} files</strong>, {megabytes(total)} — {tiffs} TIFF to convert
            {files.length > tiffs ? `, ${files.length - tiffs} passed through` : ""}
          </p>
          <ul class="upload-files">
            {files.slice(0, 50).map((file) => (
              <li key={file.path}>
                <span class="upload-name">{file.path}</span>
                <span
                  class={`badge ${file.file.size > maxFileBytes ? "error" : isTiff(file.path) ? "ok" : ""}`}
                >
                  {file.file.size > maxFileBytes ? "too large" : isTiff(file.path) ? "TIFF" : "pass-through"}
                </span>
                <span class="muted num">{megabytes(file.file.size)}</span>
              </li>
            ))}
            {files.length > 50 && <li class="muted">… and {files.length - 50} more</li>}
          </ul>
        </>
      )}

      <label for="batch-id">Batch id</label>
      <input
        id="batch-id"
        class="input"
        value={batchId}
        pattern="[A-Za-z0-9_.\-]{1,100}"
        required
        onInput={(event) => setBatchId(event.currentTarget.value)}
        disabled={busy}
      />
      {busy && (
        <div class="stack" aria-live="polite">
          <progress max={Math.max(1, total)} value={sent} aria-label="Upload progress" />
          <span class="muted">
            {phase === "uploading"
              ? `Uploading ${megabytes(sent)} of ${megabytes(total)}…`
              : "Starting the batch…"}
          </span>
        </div>
      )}
      {tooBig.length > 0 && (
        <p class="banner error" role="alert">
          {tooBig.length} file{tooBig.length === 1 ? " is" : "s are"} over {megabytes(maxFileBytes)}; remove
          {" "}
          {tooBig.length === 1 ? "it" : "them"} to continue.
        </p>
      )}
      {problem && <p class="banner error" role="alert">{problem}</p>}
      <div class="row">
        <button class="button" type="submit" disabled={busy || files.length === 0 || tooBig.length > 0}>
          {busy ? "Uploading…" : `Upload and convert`}
        </button>
      </div>
    </form>
  );
}
