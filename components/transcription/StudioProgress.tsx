/** download → audio → recognition → summary, with the job's own step text and percentage. */
const stages = [
  { label: "Download", until: 25 },
  { label: "Audio", until: 40 },
  { label: "Recognition", until: 90 },
  { label: "Summary", until: 101 },
];

export function StudioProgress({ progress, step, elapsedSeconds }: {
  progress: number;
  step: string;
  elapsedSeconds: number;
}) {
  const current = stages.findIndex((stage) => progress < stage.until);
  return (
    <section class="card stack" aria-live="polite" data-testid="studio-progress">
      <ol class="studio-stages">
        {stages.map((stage, index) => (
          <li
            key={stage.label}
            class={index < current ? "done" : index === current ? "current" : ""}
            aria-current={index === current ? "step" : undefined}
          >
            {stage.label}
          </li>
        ))}
      </ol>
      <progress max={100} value={progress} aria-label="Transcription progress" />
      <p class="muted" data-testid="studio-step">
        {step} — {progress}% · {elapsedSeconds} s
      </p>
    </section>
  );
}
