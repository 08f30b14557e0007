/**
 * Money on the display: amounts are stored in integer minor units of their currency, so neither
 * the server nor the page ever does float math. A currency's minor unit comes from Intl (INR and
 * USD have 2 decimals, JPY none, KWD 3), so ₹199 is 19900 and ¥1200 is 1200.
 * Browser-safe: the display island imports it too.
 */

/** The fallback when neither the update, the session nor the tenant names a currency. */
export const defaultCurrency = "USD";

/** Building an Intl formatter costs tens of microseconds: one per currency, kept. */
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatter(currency: string): Intl.NumberFormat | null {
  let format = formatters.get(currency);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat("en", { style: "currency", currency });
    } catch {
      format = null; // not a currency Intl knows
    }
    if (formatters.size < 500) formatters.set(currency, format);
  }
  return format;
}

const digits = new Map<string, number>();

/** Decimals of `currency`'s minor unit (2 when Intl does not know the code). */
export function currencyDigits(currency: string): number {
  let known = digits.get(currency);
  if (known === undefined) {
    known = formatter(currency)?.resolvedOptions().maximumFractionDigits ?? 2;
    if (digits.size < 500) digits.set(currency, known);
  }
  return known;
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
  const format = formatter(currency);
  if (!format) return `${(minor / 100).toFixed(2)} ${currency}`;
  return format.format(minor / 10 ** currencyDigits(currency));
}
