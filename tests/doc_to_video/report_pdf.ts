/**
 * A realistic multi-page report for the page-visuals tests and the bench: a title page (title,
 * subtitle, introduction), then pages with a heading and paragraphs, one of them with a raster bar
 * chart. English uses Helvetica; Arabic uses the ToUnicode trick of pdfs.ts so extraction reads it.
 */
import { PDFDocument, PDFFont, StandardFonts } from "pdf-lib";
import { Image } from "imagescript";

export interface ReportSection {
  heading: string;
  paragraphs: string[];
  figure?: boolean;
}

export const reportTitle = "The State of Solar Energy";
export const reportSubtitle = "Annual report on panels, costs and the road ahead";

export const reportSections: ReportSection[] = [
  {
    heading: "Introduction",
    paragraphs: [
      "Solar panels turn sunlight into electricity using photovoltaic cells made of silicon.",
      "This report explains how the technology works, what it costs and where it is going next.",
      "It draws on installation data from many countries and on interviews with engineers.",
    ],
  },
  {
    heading: "How panels work",
    paragraphs: [
      "When light hits a cell, it knocks electrons loose and creates a flow of electric current.",
      "Modern panels convert about twenty percent of the sunlight that reaches them into power.",
      "An inverter changes the direct current from the panels into the alternating current homes use.",
      "The chart below shows how the efficiency of common panels has grown over four decades.",
    ],
    figure: true,
  },
  {
    heading: "Costs and savings",
    paragraphs: [
      "The cost of solar electricity has fallen by more than eighty percent over the last decade.",
      "Homes with solar panels can lower their electricity bills and sell surplus power to the grid.",
      "Batteries store the energy produced during the day so that it can be used at night.",
      "Panels need little maintenance and usually come with warranties of twenty five years.",
    ],
  },
  {
    heading: "The road ahead",
    paragraphs: [
      "Large solar farms now supply power to entire towns and help countries cut carbon emissions.",
      "Researchers are developing new materials that could make solar cells cheaper and more efficient.",
      "Installers place panels on roofs that face the sun and avoid shade from trees and buildings.",
      "Within ten years solar power could become the largest source of electricity in the world.",
    ],
  },
];

const pageSize: [number, number] = [612, 792];
const margin = 56;

/** A bar chart as a PNG: distinct colours so a test can find the figure in a video frame. */
export async function chartPng(width = 480, height = 280): Promise<Uint8Array> {
  const image = new Image(width, height).fill(0xffffffff);
  const bars = [0x2a6fdbff, 0xe8542fff, 0x2fa84fff, 0xf2b705ff];
  bars.forEach((colour, index) => {
    const barHeight = Math.round(height * (0.3 + index * 0.18));
    const x = 30 + index * Math.round((width - 60) / bars.length);
    image.drawBox(x, height - barHeight, Math.round((width - 60) / bars.length) - 20, barHeight, colour);
  });
  return await image.encode();
}

export async function reportPdf(sections = reportSections): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setTitle(reportTitle);
  const regular = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);
  const chart = await document.embedPng(await chartPng());
  sections.forEach((section, index) => {
    const page = document.addPage(pageSize);
    let y = pageSize[1] - margin;
    if (index === 0) {
      page.drawText(reportTitle, { x: margin, y: y - 30, size: 30, font: bold });
      page.drawText(reportSubtitle, { x: margin, y: y - 62, size: 15, font: regular });
      y -= 120;
    }
    page.drawText(section.heading, { x: margin, y, size: 20, font: bold });
    y -= 34;
    for (const paragraph of section.paragraphs) {
      for (const line of wrap(paragraph, regular, 11, pageSize[0] - 2 * margin)) {
        page.drawText(line, { x: margin, y, size: 11, font: regular });
        y -= 16;
      }
      y -= 8;
    }
    if (section.figure) {
      page.drawImage(chart, { x: margin, y: y - 290, width: 480, height: 280 });
    }
    page.drawText(String(index + 1), { x: pageSize[0] / 2, y: 30, size: 9, font: regular });
  });
  return await document.save();
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const next = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(next, size) > width) {
      lines.push(current);
      current = word;
    } else {
      current = next;
    }
  }
  if (current) lines.push(current);
  return lines;
}
