/** The outcome of the last admin action, announced to screen readers. */
export type NoticeState = { tone: "ok" | "error"; text: string } | null;

export function Notice({ state }: { state: NoticeState }) {
  if (!state) return null;
  return (
    <p
      class={`banner ${state.tone === "error" ? "error" : "ok"}`}
      role={state.tone === "error" ? "alert" : "status"}
    >
      {state.text}
    </p>
  );
}
