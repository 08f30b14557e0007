import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

/**
 * A big label for a file input that also takes dropped files: highlighted while something is
 * dragged over it, `onDrop` gets the DataTransfer. Clicking it opens the input named by `inputId`.
 */
export function DropZone(
  { inputId, onDrop, children }: {
    inputId: string;
    onDrop(data: DataTransfer): void;
    children: ComponentChildren;
  },
) {
  const [dragging, setDragging] = useState(false);
  return (
    <label
      class={`dtv-drop ${dragging ? "dtv-dragging" : ""}`}
      for={inputId}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDragging(false);
        if (event.dataTransfer) onDrop(event.dataTransfer);
      }}
    >
      {children}
    </label>
  );
}
