import type { VideoStatus as VideoStatusView } from "../lib/doc_to_video/service.ts";

/** The live view of one job: the status route's JSON (type-only import: nothing server-side is bundled). */
export type { VideoStatusView };

function seconds(value: number): string {
  const whole = Math.max(0, Math.round(value));
  return whole >= 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${whole} s`;
}

/** Remaining time from the rate so far — shown only once there is enough progress to say. */
export function estimateRemaining(view: VideoStatusView, now: number): string {
  if (view.status === "queued") return "waiting for a worker";
  const elapsed = (now - view.created_at) / 1000;
  if (view.progress < 20 || elapsed < 2) return "estimating…";
  return `about ${seconds((elapsed * (100 - view.progress)) / view.progress)} left`;
}

export default function DocToVideoProgress(
  { view, now, onCancel }: { view: VideoStatusView; now: number; onCancel: () => void },
) {
  const running = view.status === "queued" || view.status === "running";
  const badge = view.status === "succeeded" ? "ok" : view.status === "failed" ? "error" : "";
  const elapsed = ((view.finished_at ?? now) - view.created_at) / 1000;
  return (
    <section class="card stack" aria-live="polite" data-testid="dtv-job" data-status={view.status}>
      <div class="row">
        <span class={`badge ${badge}`} data-testid="dtv-status">{view.status}</span>
        <span class="muted" data-testid="dtv-step">{view.step ?? "Waiting for a worker"}</span>
      </div>
      <progress max={100} value={view.progress} aria-label="Progress" />
      <p class="muted" data-testid="dtv-timing">
        {view.progress}% · elapsed {seconds(elapsed)}
        {running ? ` · ${estimateRemaining(view, now)}` : ""}
      </p>
      {running && (
        <div class="row">
          <button class="button secondary" type="button" onClick={onCancel}>Cancel</button>
        </div>
      )}
      {view.error && <p class="banner error" role="alert">{view.error}</p>}
      {view.video_url && (
        <video controls preload="auto" class="dtv-video" src={view.video_url} data-testid="dtv-video">
          {view.captions_url && (
            <track
              kind="captions"
              src={view.captions_url}
              srclang={view.language ?? "en"}
              label="Captions"
              default
            />
          )}
        </video>
      )}
      {view.video_url && (
        <p class="row">
          <a class="button" href={view.video_url} download="video.mp4">Download video</a>
          {view.captions_url && (
            <a class="button secondary" href={view.captions_url} download="captions.vtt">Captions</a>
          )}
          {view.script_url && (
            <a class="button secondary" href={view.script_url} download="script.txt">Script</a>
          )}
        </p>
      )}
      {view.script && (
        <details open={!view.video_url}>
          <summary>
            Script ({view.words} words, about {seconds(view.estimated_seconds ?? 0)})
          </summary>
          <p class="dtv-script" dir="auto" data-testid="dtv-script">{view.script}</p>
        </details>
      )}
      {view.cost && (
        <p class="muted">
          Estimated cost ${view.cost.totalUsd.toFixed(4)} · video {view.cost.video.provider},{" "}
          {seconds(view.cost.video.seconds)}
        </p>
      )}
    </section>
  );
}
