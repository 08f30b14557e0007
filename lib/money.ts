/** Money as people read it: integer minor units in the currency's own decimals ("$12.50", "¥1,250"). */
export function formatMoney(minor: number | undefined, currency = "USD"): string {
  if (typeof minor !== "number") return "";
  try {
    const format = new Intl.NumberFormat("en", { style: "currency", currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}
