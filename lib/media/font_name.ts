/**
 * The family name inside a TrueType/OpenType file (the `name` table, name id 1), which is what
 * libass asks fontconfig for. Read once at start-up so DOC_TO_VIDEO_FONT can be any font file.
 */
export async function fontFamily(path: string, fallback = "DejaVu Sans"): Promise<string> {
  try {
    const bytes = await Deno.readFile(path);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tables = view.getUint16(4);
    for (let index = 0; index < tables; index++) {
      const record = 12 + index * 16;
      if (String.fromCharCode(...bytes.subarray(record, record + 4)) !== "name") continue;
      const table = view.getUint32(record + 8);
      const count = view.getUint16(table + 2);
      const strings = table + view.getUint16(table + 4);
      for (let entry = 0; entry < count; entry++) {
        const at = table + 6 + entry * 12;
        const [platform, , , nameId, length, offset] = [0, 2, 4, 6, 8, 10].map((field) =>
          view.getUint16(at + field)
        );
        if (nameId !== 1) continue;
        const raw = bytes.subarray(strings + offset, strings + offset + length);
        // Windows and Unicode platforms store UTF-16BE; Macintosh stores single-byte Roman.
        const name = platform === 1 ? String.fromCharCode(...raw) : String.fromCharCode(
          ...Array.from({ length: raw.length / 2 }, (_, i) => (raw[2 * i] << 8) | raw[2 * i + 1]),
        );
        if (name.trim()) return name.trim();
      }
    }
  } catch {
    // Unreadable or not a font: libass falls back to its default font for the fallback name.
  }
  return fallback;
}
