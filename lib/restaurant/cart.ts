/**
 * Cart math, in integer minor units only. Tax is computed once, on the subtotal, rounding half up;
 * every total anywhere (tool results, display cards, the order) comes from `cartTotals`.
 */
/** Lines one cart may hold: its display card (one update, ≤ 3.5 KB) must still fit. */
export const maxCartLines = 20;
/** Largest order total, in minor units: the money cap of every display update. */
export const maxCartTotalMinor = 100_000_000;

export interface CartLine {
  itemId: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  notes?: string;
}

export interface CartTotals {
  itemCount: number;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  currency: string;
  taxRateBasisPoints: number;
}

export function cartTotals(lines: CartLine[], currency: string, taxRateBasisPoints: number): CartTotals {
  let subtotalMinor = 0;
  let itemCount = 0;
  for (const line of lines) {
    subtotalMinor += line.unitPriceMinor * line.quantity;
    itemCount += line.quantity;
  }
  const taxMinor = Math.floor((subtotalMinor * taxRateBasisPoints + 5_000) / 10_000);
  return {
    itemCount,
    subtotalMinor,
    taxMinor,
    totalMinor: subtotalMinor + taxMinor,
    currency,
    taxRateBasisPoints,
  };
}

/** Adds `quantity` of an item, merging with an existing line of the same item and notes. */
export function addLine(lines: CartLine[], line: CartLine): CartLine[] {
  const index = lines.findIndex((existing) =>
    existing.itemId === line.itemId && existing.notes === line.notes
  );
  if (index === -1) return [...lines, line];
  return lines.map((existing, at) =>
    at === index ? { ...existing, quantity: Math.min(existing.quantity + line.quantity, 99) } : existing
  );
}

/** Sets the quantity of an item's lines (0 removes it). */
export function setQuantity(lines: CartLine[], itemId: string, quantity: number): CartLine[] {
  if (quantity === 0) return lines.filter((line) => line.itemId !== itemId);
  let done = false;
  return lines.flatMap((line) => {
    if (line.itemId !== itemId) return [line];
    if (done) return [];
    done = true;
    return [{ ...line, quantity }];
  });
}

/** Line items as display updates carry them. */
export function displayLines(lines: CartLine[]) {
  return lines.map((line) => ({
    itemId: line.itemId,
    name: line.name,
    quantity: line.quantity,
    unitPriceMinor: line.unitPriceMinor,
    lineTotalMinor: line.unitPriceMinor * line.quantity,
    ...(line.notes ? { notes: line.notes } : {}),
  }));
}
