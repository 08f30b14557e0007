/**
 * Files a person picked or dropped, with the path inside the folder they came from (so two
 * scans/page1.tif in different sub-folders stay apart). Paths become blob keys, so segments that
 * a key may not have ("", ".", "..", control characters, backslashes) are dropped or replaced.
 */
export interface PickedFile {
  /** Relative path, "/"-separated: "box-3/scan-001.tif". */
  path: string;
  file: File;
}

function cleanPath(raw: string): string {
  return raw.replace(/\\/g, "/").split("/")
    // deno-lint-ignore no-control-regex
    .map((segment) => segment.replace(/[\u0000-\u001f\u007f]/g, "_").trim())
    .filter((segment) => segment !== "" && segment !== "." && segment !== "..")
    .join("/");
}

export function picked(list: FileList | null): PickedFile[] {
  return [...(list ?? [])].map((file) => ({ path: cleanPath(file.webkitRelativePath || file.name), file }))
    .filter((entry) => entry.path !== "");
}

/** Everything dropped, folders walked recursively (the File System entries API every browser has). */
export async function pickedFromDrop(data: DataTransfer): Promise<PickedFile[]> {
  const entries = [...data.items].map((item) => item.webkitGetAsEntry?.()).filter((entry) => entry !== null);
  if (entries.length === 0 || entries.some((entry) => entry === undefined)) return picked(data.files);
  const found: PickedFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject)
      );
      found.push({ path: cleanPath(`${prefix}${entry.name}`), file });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      // readEntries answers in chunks (about 100 at a time) until it returns none.
      const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject)
      );
      if (chunk.length === 0) break;
      for (const child of chunk) await walk(child, `${prefix}${entry.name}/`);
    }
  };
  for (const entry of entries) await walk(entry as FileSystemEntry, "");
  return found.filter((entry) => entry.path !== "");
}
