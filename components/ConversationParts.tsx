/**
 * The pieces the display cards share: line items, totals, tags, the ETA and the dish card. All
 * text goes through Preact (escaped); URLs are re-checked to be http(s) before they are used.
 */
import { formatMoney } from "../lib/conversation/client.ts";

// deno-lint-ignore no-explicit-any
export type Data = Record<string, any>;

export function safeHref(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** "cash" → "Cash", "dine-in" → "Dine-in". */
export const label = (value: unknown) =>
  typeof value === "string" && value ? value[0].toUpperCase() + value.slice(1) : "";

/** "about 25 min" from minutes, else the producer's own text ("30-40 mins"). */
export function etaText(data: Data): string | undefined {
  if (typeof data.etaMinutes === "number") return `about ${data.etaMinutes} min`;
  return data.estimatedTime;
}

export function LineItems({ data }: { data: Data }) {
  const items: Data[] = data.items ?? [];
  if (items.length === 0) return <p class="muted">The cart is empty.</p>;
  return (
    <ul class="conv-lines">
      {items.map((item, index) => <Line key={index} item={item} currency={data.currency} />)}
    </ul>
  );
}

export function Line({ item, currency }: { item: Data; currency?: string }) {
  const details = [...(item.customizations ?? []), item.notes].filter(Boolean).join(", ");
  return (
    <li>
      <span class="conv-qty">{item.quantity}×</span>
      <span class="conv-line-name">
        {item.name}
        {details && <small class="muted">{details}</small>}
      </span>
      <span class="conv-money">{formatMoney(item.lineTotalMinor, currency)}</span>
    </li>
  );
}

export function Totals({ data }: { data: Data }) {
  const rows: [string, number | undefined][] = [
    ["Subtotal", data.subtotalMinor],
    ["Delivery", data.deliveryFeeMinor],
    ["Tax", data.taxMinor],
  ];
  return (
    <dl class="conv-totals">
      {rows.filter(([, value]) => typeof value === "number").map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{formatMoney(value, data.currency)}</dd>
        </div>
      ))}
      {typeof data.totalMinor === "number" && (
        <div class="conv-total">
          <dt>Total</dt>
          <dd>{formatMoney(data.totalMinor, data.currency)}</dd>
        </div>
      )}
    </dl>
  );
}

export function Tags({ tags, spice }: { tags?: string[]; spice?: number }) {
  return (
    <div class="conv-tags">
      {(tags ?? []).filter(Boolean).map((tag, index) => <span key={index} class="badge">{tag}</span>)}
      {typeof spice === "number" && spice > 0 && (
        <span class="badge conv-spice" title={`Spice level ${spice} of 5`}>
          Spice {"●".repeat(spice)}
          {"○".repeat(5 - spice)}
        </span>
      )}
    </div>
  );
}

const foodTypes: Record<string, string> = { veg: "Veg", "non-veg": "Non-veg", egg: "Egg" };

export function DishCard({ data }: { data: Data }) {
  const image = safeHref(data.imageUrl);
  const facts = [
    data.category,
    data.preparationTime && `Ready in ${data.preparationTime}`,
    typeof data.rating === "number" &&
    `★ ${data.rating.toFixed(1)}${data.reviews ? ` (${data.reviews})` : ""}`,
  ].filter(Boolean).join(" · ");
  const foodType = data.foodType && (foodTypes[data.foodType.toLowerCase()] ?? data.foodType);
  return (
    <>
      {image && (
        <img
          class="conv-dish-image"
          src={image}
          alt={data.name}
          loading="lazy"
          decoding="async"
          referrerpolicy="no-referrer"
          width={640}
          height={360}
        />
      )}
      <header class="conv-card-head">
        <h3>{data.name}</h3>
        <span class="conv-price">{formatMoney(data.priceMinor, data.currency)}</span>
      </header>
      {data.available === false && <p class="badge error">Not available right now</p>}
      {data.description && <p>{data.description}</p>}
      {facts && <p class="muted">{facts}</p>}
      <Tags tags={[foodType, data.tag, ...(data.dietary ?? [])]} spice={data.spiceLevel} />
      {data.choices?.length > 0 && <p class="muted">Choose from: {data.choices.join(", ")}</p>}
      {data.allergens?.length > 0 && <p class="muted">Contains: {data.allergens.join(", ")}</p>}
      {data.actions?.length > 0 && (
        <p class="conv-actions" title="Ask the assistant">
          Say{" "}
          {(data.actions as Data[]).map((action, index) => (
            <span key={index} class="badge conv-action">“{action.label}”</span>
          ))}
        </p>
      )}
    </>
  );
}
