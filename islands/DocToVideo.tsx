import { useEffect, useState } from "preact/hooks";
import { DropZone } from "../components/DropZone.tsx";
import DocToVideoProgress, { type VideoStatusView } from "../components/DocToVideoProgress.tsx";
import {
  forgetJob,
  loadJobs,
  rememberJob,
  resumable,
  type StoredJob,
  terminalStatuses,
  updateStoredStatus,
} from "../components/DocToVideoJobStore.ts";
import type { PageOptions } from "../lib/doc_to_video/client.ts";

type Fields = {
  avatar: string;
  apiType: string;
  sentiment: string;
  category: string;
  model: string;
  voice: string;
};

const labels: Record<string, string> = {
  clips: "Clips (presenter)",
  expressives: "Expressives (emotive avatar)",
  summarize: "Summarize",
  explanation: "Explanation",
};

function ago(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 1 ? "just now" : `${minutes} min ago`;
}

/** Upload form, live progress (SSE with polling fallback) and localStorage job recovery. */
export default function DocToVideo({ options }: { options: PageOptions }) {
  const [file, setFile] = useState<File | null>(null);
  const [fields, setFields] = useState<Fields>({
    avatar: options.avatars[0],
    apiType: options.apiTypes[0],
    sentiment: options.sentiments[0],
    category: options.categories[0],
    model: options.defaultModel,
    voice: "",
  });
  const [review, setReview] = useState(false);
  /** Bumped when a reviewed script is confirmed: the live connection follows the render job. */
  const [generation, setGeneration] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [jobs, setJobs] = useState<StoredJob[]>([]);
  const [offers, setOffers] = useState<StoredJob[]>([]);
  const [current, setCurrent] = useState<string | null>(null);
  const [view, setView] = useState<VideoStatusView | null>(null);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const stored = loadJobs();
    setJobs(stored);
    setOffers(resumable(stored));
  }, []);

  useEffect(() => {
    if (!current) return;
    let closed = false;
    let lastEventAt = Date.now();
    let lastStep: string | undefined;
    const refresh = async () => {
      const response = await fetch(`/api/video-status/${current}`).catch(() => null);
      if (closed || !response) return;
      if (response.status === 404) {
        setJobs(forgetJob(current));
        setView(null);
        setProblem("That job has expired or no longer exists.");
        stop();
        return;
      }
      if (!response.ok) return;
      const next = await response.json() as VideoStatusView;
      if (closed) return;
      setView(next);
      setJobs(updateStoredStatus(current, next.status));
      if (terminalStatuses.has(next.status) || next.status === "awaiting_review") stop();
    };
    const source = new EventSource(`/api/doc-to-video/${current}/events`);
    source.addEventListener("job", (event) => {
      lastEventAt = Date.now();
      const data = JSON.parse((event as MessageEvent).data);
      // A finished job's final status (awaiting review, or after a review the render's) comes from the
      // status route: the stream only carries the engine's view.
      setView((previous) =>
        previous && previous.job_id === current
          ? {
            ...previous,
            status: terminalStatuses.has(data.status) ? previous.status : data.status,
            progress: data.progress,
            step: data.step,
            error: data.error,
          }
          : previous
      );
      // The script and file links live on the status route: fetch it when something meaningful changed.
      if (data.step !== lastStep || terminalStatuses.has(data.status)) {
        lastStep = data.step;
        refresh();
      }
    });
    // Polling fallback: when the stream is silent (blocked, buffered by a proxy), ask the status route.
    const poll = setInterval(() => Date.now() - lastEventAt > 5_000 && refresh(), 2_500);
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    function stop() {
      closed = true;
      source.close();
      clearInterval(poll);
      clearInterval(tick);
      setNow(Date.now());
    }
    refresh();
    return stop;
  }, [current, generation]);

  function choose(chosen: File | undefined) {
    setProblem(null);
    if (!chosen) return;
    if (chosen.type !== "application/pdf" && !chosen.name.toLowerCase().endsWith(".pdf")) {
      setProblem(`${chosen.name} is not a PDF.`);
      return setFile(null);
    }
    if (chosen.size > options.maxBytes) {
      setProblem(`${chosen.name} is ${(chosen.size / 1048576).toFixed(1)} MB; the limit is 20 MB.`);
      return setFile(null);
    }
    setFile(chosen);
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (!file) return setProblem("Choose a PDF first.");
    setBusy(true);
    setProblem(null);
    try {
      const form = new FormData();
      form.set("document", file);
      for (const [name, value] of Object.entries(fields)) {
        // Choices that do nothing with this configuration are not sent (the server would ignore them).
        if (value && !options.unavailable[name as keyof PageOptions["unavailable"]]) form.set(name, value);
      }
      if (review) form.set("review", "true");
      const response = await fetch("/api/doc-to-video", {
        method: "POST",
        body: form,
        headers: { "idempotency-key": crypto.randomUUID() },
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.detail ?? `The upload failed (${response.status}).`);
      setJobs(
        rememberJob({ id: body.job_id, fileName: file.name, createdAt: Date.now(), status: body.status }),
      );
      setOffers([]);
      setView(null);
      setCurrent(body.job_id);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    if (!current) return;
    const response = await fetch(`/api/doc-to-video/${current}`, { method: "DELETE" });
    if (!response.ok) return;
    const next = await response.json() as VideoStatusView;
    setView(next);
    setJobs(updateStoredStatus(current, next.status));
  }

  function resume(job: StoredJob) {
    setOffers(offers.filter((offer) => offer.id !== job.id));
    setProblem(null);
    setView(null);
    setCurrent(job.id);
  }

  const select = (name: keyof Fields, values: readonly { value: string; label: string }[]) => {
    const reason = options.unavailable[name as keyof PageOptions["unavailable"]];
    const id = `dtv-${name}`;
    return (
      <label class="stack">
        <span>
          {{
            avatar: "Presenter",
            apiType: "Video type",
            sentiment: "Sentiment",
            category: "Category",
            model: "Model",
            voice: "Voice",
          }[name]}
        </span>
        <select
          name={name}
          value={fields[name]}
          disabled={Boolean(reason)}
          aria-describedby={reason ? `${id}-why` : undefined}
          data-testid={id}
          onChange={(event) => setFields({ ...fields, [name]: (event.target as HTMLSelectElement).value })}
        >
          {values.map((item) => <option key={item.value} value={item.value}>{item.label}</option>)}
        </select>
        {reason && <small class="muted" id={`${id}-why`} data-testid={`${id}-why`}>{reason}</small>}
      </label>
    );
  };
  const plain = (values: readonly string[]) =>
    values.map((value) => ({ value, label: labels[value] ?? value }));
  const voiceChoices = [
    { value: "", label: "Automatic (clearest for the language)" },
    ...options.voices.map((voice) => ({ value: voice.id, label: voice.label })),
  ];

  return (
    <div class="stack" data-testid="doc-to-video">
      {offers.map((job) => (
        <div key={job.id} class="banner dtv-resume" role="status" data-testid="dtv-resume">
          <span>
            “{job.fileName}” {job.status === "awaiting_review"
              ? "is waiting for your script review"
              : "was still being made when you left"} ({ago(now - job.createdAt)}).
          </span>
          <span class="row">
            <button class="button" type="button" onClick={() => resume(job)}>Resume</button>
            <button
              class="button secondary"
              type="button"
              onClick={() => setOffers(offers.filter((offer) => offer.id !== job.id))}
            >
              Dismiss
            </button>
          </span>
        </div>
      ))}
      <form class="card stack" onSubmit={submit} data-testid="dtv-form">
        <DropZone inputId="dtv-file" onDrop={(data) => choose(data.files[0])}>
          <strong>{file ? file.name : "Drop a PDF here"}</strong>
          <span class="muted">
            {file ? `${(file.size / 1024).toFixed(0)} KB` : "or click to choose one (PDF, up to 20 MB)"}
          </span>
        </DropZone>
        <input
          id="dtv-file"
          class="sr-only"
          type="file"
          name="document"
          accept="application/pdf,.pdf"
          onChange={(event) => choose((event.target as HTMLInputElement).files?.[0])}
        />
        <div class="grid dtv-options">
          {select("category", plain(options.categories))}
          {select("sentiment", plain(options.sentiments))}
          {select("voice", voiceChoices)}
          {select("model", plain(options.models))}
          {select("avatar", plain(options.avatars))}
          {select("apiType", plain(options.apiTypes))}
        </div>
        <label class="row dtv-review">
          <input
            type="checkbox"
            name="review"
            checked={review}
            data-testid="dtv-review"
            onChange={(event) => setReview((event.target as HTMLInputElement).checked)}
          />
          <span>Let me review and edit the script before the video is made</span>
        </label>
        <div class="row">
          <button class="button" type="submit" disabled={busy || !file}>
            {busy ? "Uploading…" : "Make the video"}
          </button>
        </div>
        {problem && <p class="banner error" role="alert" data-testid="dtv-problem">{problem}</p>}
      </form>
      {view && (
        <DocToVideoProgress
          view={view}
          now={now}
          onCancel={cancel}
          onConfirmed={(next) => {
            setView(next);
            setJobs(updateStoredStatus(next.job_id, next.status));
            setGeneration(generation + 1);
          }}
        />
      )}
      {jobs.length > 0 && (
        <section class="card stack dtv-recent">
          <h2>Recent videos</h2>
          <ul class="dtv-history" data-testid="dtv-history">
            {jobs.map((job) => (
              <li key={job.id} class="row">
                <span
                  class={`badge ${
                    job.status === "succeeded" ? "ok" : job.status === "failed" ? "error" : ""
                  }`}
                >
                  {job.status === "awaiting_review" ? "review" : job.status}
                </span>
                <span>{job.fileName}</span>
                <span class="muted">{new Date(job.createdAt).toLocaleTimeString()}</span>
                {job.id !== current && (
                  <button
                    class="button secondary"
                    type="button"
                    onClick={() => resume(job)}
                  >
                    Show
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
