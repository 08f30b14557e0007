/**
 * Money on the display: amounts are stored in integer minor units of their currency, so neither
 * the server nor the page ever does float math. A currency's minor unit comes from Intl (INR and
 * USD have 2 decimals, JPY none, KWD 3), so ₹199 is 19900 and ¥1200 is 1200.
 * Browser-safe: the display island imports it too.
 */

/** The fallback when neither the update, the session nor the tenant names a currency. */
export const defaultCurrency = "USD";

/** Decimals of `currency`'s minor unit (2 when Intl does not know the code). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** `12.99` USD → 1299; `1200` JPY → 1200. Rounds to the nearest minor unit. */
export function toMinor(major: number, currency: string): number {
  return Math.round(major * 10 ** currencyDigits(currency));
}

/** 1299 USD → 12.99 (for producers that speak major units, like Stonepot's page). */
export function toMajor(minor: number, currency: string): number {
  const digits = currencyDigits(currency);
  return Number((minor / 10 ** digits).toFixed(digits));
}

/** 19900 INR → "₹199.00"; an unknown code still shows the amount and the code. */
export function formatMoney(minor: number | undefined, currency = defaultCurrency): string {
  if (typeof minor !== "number") return "";
  try {
    const format = new Intl.NumberFormat("en", { style: "currency", currency });
    return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}
