/** What a transcription costs: `max(1, ceil(minutes × rate[model]))`, rates from ENGINE_CREDIT_RATES. */
export type CreditRates = Record<string, number>;

export function rateFor(rates: CreditRates, model: string | undefined): number {
  // Own keys only: a model named "constructor" must not price at Object's constructor (NaN credits).
  const named = model !== undefined && Object.hasOwn(rates, model) ? rates[model] : undefined;
  return named ?? (Object.hasOwn(rates, "default") ? rates.default : undefined) ?? 1;
}

export function creditsFor(durationSeconds: number, model: string | undefined, rates: CreditRates): number {
  const minutes = Math.max(0, durationSeconds) / 60;
  // Rounded to whole micro-credits first so 0.1 × 30 does not become 3.0000000000000004 → 4.
  const exact = Math.round(minutes * rateFor(rates, model) * 1e6) / 1e6;
  return Math.max(1, Math.ceil(exact));
}
