import { useEffect, useState } from "preact/hooks";
import { DropZone } from "../components/DropZone.tsx";
import { ago } from "../components/time.ts";
import { StudioProgress } from "../components/transcription/StudioProgress.tsx";
import { StudioResult } from "../components/transcription/StudioResult.tsx";
import {
  finishedStates,
  type StudioJob,
  studioMemory,
  type StudioStatus,
} from "../components/transcription/studio_types.ts";

interface Props {
  maxBytes: number;
  /** A transcription to open at once (`/ui/transcription?id=…`). */
  openId?: string;
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;

/**
 * The transcription studio: a link or a file in, live progress over SSE (with a slow poll as a
 * safety net), the transcript with timings out. Submitted ids are remembered in localStorage, so
 * recent transcriptions are one click away after a reload.
 */
export default function TranscriptionStudio({ maxBytes, openId }: Props) {
  const [url, setUrl] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [jobs, setJobs] = useState<StudioJob[]>([]);
  const [current, setCurrent] = useState<string | null>(null);
  const [status, setStatus] = useState<StudioStatus | null>(null);
  const [audio, setAudio] = useState<Record<string, string>>({});
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    let stored = studioMemory.load();
    if (openId && !stored.some((job) => job.id === openId)) {
      stored = studioMemory.remember({
        id: openId,
        createdAt: Date.now(),
        status: "queued",
        label: "Shared transcription",
      });
    }
    setJobs(stored);
    setCurrent(openId ?? stored.find((job) => !finishedStates.has(job.status))?.id ?? null);
  }, []);

  useEffect(() => {
    if (!current) return;
    let closed = false;
    let source: EventSource | undefined;
    const refresh = async () => {
      const response = await fetch(`/api/transcription/${encodeURIComponent(current)}`).catch(() => null);
      if (closed || !response) return;
      if (response.status === 404) {
        setJobs(studioMemory.forget(current));
        setStatus(null);
        setCurrent(null);
        setProblem("That transcription has expired or does not exist.");
        return stop();
      }
      if (!response.ok) return;
      const next = await response.json() as StudioStatus;
      if (closed) return;
      setStatus(next);
      setJobs(studioMemory.update(current, { status: next.status }));
      if (finishedStates.has(next.status)) stop();
    };
    const poll = setInterval(refresh, 4_000);
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    const stop = () => {
      closed = true;
      source?.close();
      clearInterval(poll);
      clearInterval(tick);
    };
    setStatus(null);
    refresh().then(() => {
      if (closed) return;
      source = new EventSource(`/api/transcription/${encodeURIComponent(current)}/events`);
      source.addEventListener("job", (event) => {
        const job = JSON.parse((event as MessageEvent).data) as {
          status: string;
          progress: number;
          step?: string;
        };
        if (["succeeded", "failed", "cancelled"].includes(job.status)) return void refresh();
        setStatus((previous) =>
          previous &&
          { ...previous, status: "processing", progress: job.progress, currentStep: job.step ?? "" }
        );
      });
    });
    return stop;
  }, [current]);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData();
    if (file) form.set("file", file);
    else form.set("url", url.trim());
    setBusy(true);
    setProblem(null);
    try {
      const response = await fetch("/api/transcription", { method: "POST", body: form });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
      const job: StudioJob = {
        id: body.id,
        createdAt: Date.now(),
        status: body.cached ? "completed" : "queued",
        label: file ? file.name : url.trim(),
        ...(file ? {} : { url: url.trim() }),
      };
      if (file) setAudio((sources) => ({ ...sources, [job.id]: URL.createObjectURL(file) }));
      setJobs(studioMemory.remember(job));
      setCurrent(job.id);
      setFile(null);
      setUrl("");
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  const job = jobs.find((entry) => entry.id === current);
  const tooBig = file !== null && file.size > maxBytes;
  const running = status && !finishedStates.has(status.status);
  return (
    <div class="studio stack">
      <form class="card stack" onSubmit={submit} data-testid="studio-form">
        <label for="studio-url">Media or TikTok link</label>
        <input
          id="studio-url"
          class="input"
          type="url"
          inputMode="url"
          placeholder="https://www.tiktok.com/@user/video/… or https://…/talk.mp3"
          value={url}
          disabled={file !== null}
          onInput={(event) => setUrl(event.currentTarget.value)}
        />
        <DropZone inputId="studio-file" onDrop={(data) => setFile(data.files[0] ?? null)}>
          <strong>{file ? file.name : "…or drop an audio or video file"}</strong>
          <span class="muted">
            {file ? megabytes(file.size) : `or click to choose one (up to ${megabytes(maxBytes)})`}
          </span>
        </DropZone>
        <input
          id="studio-file"
          class="sr-only"
          type="file"
          accept="audio/*,video/*"
          onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
        />
        {tooBig && <p class="banner error" role="alert">This file is over {megabytes(maxBytes)}.</p>}
        {problem && <p class="banner error" role="alert">{problem}</p>}
        <div class="row">
          <button class="button" type="submit" disabled={busy || tooBig || (!file && url.trim() === "")}>
            {busy ? "Sending…" : "Transcribe"}
          </button>
          {file && (
            <button class="button secondary" type="button" onClick={() => setFile(null)}>Remove file</button>
          )}
        </div>
      </form>

      {job && status && running && (
        <StudioProgress
          progress={status.progress}
          step={status.currentStep}
          elapsedSeconds={Math.max(0, Math.round((now - job.createdAt) / 1000))}
        />
      )}
      {job && status?.status === "failed" && (
        <p class="banner error" role="alert" data-testid="studio-failed">
          {job.label}: {status.error?.message ?? "the transcription failed"}
        </p>
      )}
      {job && status?.status === "completed" && status.result && (
        <StudioResult
          key={job.id}
          job={job}
          status={status}
          audio={audio[job.id] ?? job.url}
          onAudioFile={(chosen) =>
            setAudio((sources) => ({ ...sources, [job.id]: URL.createObjectURL(chosen) }))}
        />
      )}

      {jobs.length > 0 && (
        <section class="card stack" data-testid="studio-recent">
          <h2>Recent transcriptions</h2>
          <ul class="dtv-history">
            {jobs.map((entry) => (
              <li key={entry.id} class="row">
                <button
                  class="link"
                  type="button"
                  onClick={() => setCurrent(entry.id)}
                  aria-current={entry.id === current ? "true" : undefined}
                >
                  {entry.label}
                </button>
                <span
                  class={`badge ${
                    entry.status === "completed" ? "ok" : entry.status === "failed" ? "error" : ""
                  }`}
                >
                  {entry.status}
                </span>
                <span class="muted small">{ago(entry.createdAt)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
