/** PDFs generated for the tests: English, Arabic (with a ToUnicode map), image-only, corrupt. */
import {
  beginText,
  endText,
  moveText,
  PDFDocument,
  PDFHexString,
  PDFName,
  setFontAndSize,
  showText,
  StandardFonts,
} from "pdf-lib";
import { Image } from "imagescript";

export const englishParagraphs = [
  "Solar panels turn sunlight into electricity using photovoltaic cells made of silicon.",
  "When light hits a cell, it knocks electrons loose and creates a flow of electric current.",
  "Modern panels convert about twenty percent of the sunlight that reaches them into power.",
  "Homes with solar panels can lower their electricity bills and sell surplus power to the grid.",
  "Batteries store the energy produced during the day so that it can be used at night.",
  "The cost of solar electricity has fallen by more than eighty percent over the last decade.",
  "Installers place panels on roofs that face the sun and avoid shade from trees and buildings.",
  "Panels need little maintenance and usually come with warranties of twenty five years.",
  "Large solar farms now supply power to entire towns and help countries cut carbon emissions.",
  "Researchers are developing new materials that could make solar cells cheaper and more efficient.",
];

export async function englishPdf(paragraphs = englishParagraphs): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  const page = document.addPage([612, 792]);
  paragraphs.forEach((line, index) => page.drawText(line, { x: 40, y: 740 - index * 22, size: 10, font }));
  return await document.save();
}

export const arabicText = [
  "الطاقة الشمسية مصدر نظيف ومتجدد للكهرباء يعتمد على ضوء الشمس.",
  "تحول الألواح الشمسية ضوء الشمس إلى كهرباء باستخدام خلايا مصنوعة من السيليكون.",
  "تستطيع المنازل التي تستخدم الألواح الشمسية أن تخفض فواتير الكهرباء بشكل كبير.",
  "تخزن البطاريات الطاقة المنتجة خلال النهار لاستخدامها في الليل عند الحاجة.",
  "انخفضت تكلفة الكهرباء الشمسية كثيراً خلال السنوات العشر الماضية في معظم الدول.",
  "تحتاج الألواح إلى صيانة قليلة وتعمل لمدة خمس وعشرين سنة أو أكثر في الغالب.",
  "تزود المزارع الشمسية الكبيرة مدناً كاملة بالكهرباء وتساعد على خفض الانبعاثات.",
  "يطور الباحثون مواد جديدة لجعل الخلايا الشمسية أرخص وأكثر كفاءة في المستقبل.",
];

/**
 * Arabic text without an embedded Arabic font: each distinct character gets a one-byte code in a
 * standard font, and a ToUnicode CMap maps the codes back — which is what text extraction reads.
 */
export async function arabicPdf(lines = arabicText): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const page = document.addPage([612, 792]);
  const codes = new Map<string, number>([[" ", 0x20]]);
  let next = 0x21;
  for (const char of lines.join("")) if (!codes.has(char)) codes.set(char, next++);
  const entries = [...codes].map(([char, code]) => `<${hex(code, 2)}> <${hex(char.codePointAt(0)!, 4)}>`);
  const cmap = [
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
    "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
    "1 begincodespacerange <00> <FF> endcodespacerange",
    `${entries.length} beginbfchar`,
    ...entries,
    "endbfchar endcmap CMapName currentdict /CMap defineresource pop end end",
  ].join("\n");
  const cmapRef = document.context.register(document.context.stream(cmap));
  const fontRef = document.context.register(document.context.obj({
    Type: "Font",
    Subtype: "Type1",
    BaseFont: "Helvetica",
    ToUnicode: cmapRef,
  }));
  page.node.setFontDictionary(PDFName.of("F1"), fontRef);
  lines.forEach((line, index) => {
    // PDFs store right-to-left text in visual order; extraction turns it back into reading order.
    const bytes = [...line].reverse().map((char) => hex(codes.get(char)!, 2)).join("");
    page.pushOperators(
      beginText(),
      setFontAndSize("F1", 11),
      moveText(40, 740 - index * 22),
      showText(PDFHexString.of(bytes)),
      endText(),
    );
  });
  return await document.save();
}

export async function imageOnlyPdf(): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const png = await new Image(64, 64).fill(0x336699ff).encode();
  const image = await document.embedPng(png);
  document.addPage([612, 792]).drawImage(image, { x: 100, y: 400, width: 300, height: 300 });
  return await document.save();
}

/**
 * A password-protected PDF: a Standard security handler whose check values match no password, so
 * readers ask for one (pdf-lib cannot encrypt; the trailer entry is enough for the reader's check).
 */
export async function encryptedPdf(): Promise<Uint8Array> {
  const document = await PDFDocument.load(await englishPdf());
  const random = (size: number) =>
    [...crypto.getRandomValues(new Uint8Array(size))].map((byte) => hex(byte, 2)).join("");
  const encrypt = document.context.obj({
    Filter: "Standard",
    V: 1,
    R: 2,
    O: PDFHexString.of(random(32)),
    U: PDFHexString.of(random(32)),
    P: -4,
  });
  document.context.trailerInfo.Encrypt = document.context.register(encrypt);
  document.context.trailerInfo.ID = document.context.obj([
    PDFHexString.of(random(16)),
    PDFHexString.of(random(16)),
  ]);
  return await document.save({ useObjectStreams: false });
}

export function corruptPdf(): Uint8Array {
  const garbage = crypto.getRandomValues(new Uint8Array(4096));
  return new Uint8Array([...new TextEncoder().encode("%PDF-1.7\n"), ...garbage]);
}

export function uploadForm(
  pdf: Uint8Array,
  fields: Record<string, string> = {},
  type = "application/pdf",
): FormData {
  const form = new FormData();
  form.set("document", new File([new Uint8Array(pdf)], "document.pdf", { type }));
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

function hex(value: number, width: number): string {
  return value.toString(16).toUpperCase().padStart(width, "0");
}
