/**
 * One designed card per display update type, shared by the server render and the live island.
 * Everything is rendered as text through Preact (escaped); links are http(s) only (the schema
 * rejects anything else, and `safeHref` re-checks, since old records could predate a rule).
 */
import type { DisplayUpdate } from "../lib/conversation/updates.ts";
import { formatMoney } from "../lib/money.ts";

// deno-lint-ignore no-explicit-any
type Data = Record<string, any>;

function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function LineItems({ data }: { data: Data }) {
  const items: Data[] = data.items ?? [];
  if (items.length === 0) return <p class="muted">The cart is empty.</p>;
  return (
    <ul class="conv-lines">
      {items.map((item, index) => (
        <li key={index}>
          <span class="conv-qty">{item.quantity}×</span>
          <span class="conv-line-name">
            {item.name}
            {item.notes && <small class="muted">{item.notes}</small>}
          </span>
          <span class="conv-money">{formatMoney(item.lineTotalMinor, data.currency)}</span>
        </li>
      ))}
    </ul>
  );
}

function Totals({ data }: { data: Data }) {
  const rows: [string, number | undefined][] = [
    ["Subtotal", data.subtotalMinor],
    ["Tax", data.taxMinor],
  ];
  return (
    <dl class="conv-totals">
      {rows.filter(([, value]) => typeof value === "number").map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
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

function Tags({ tags, spice }: { tags?: string[]; spice?: number }) {
  return (
    <div class="conv-tags">
      {(tags ?? []).map((tag, index) => <span key={index} class="badge">{tag}</span>)}
      {typeof spice === "number" && spice > 0 && (
        <span class="badge conv-spice" title={`Spice level ${spice} of 5`}>
          Spice {"●".repeat(spice)}
          {"○".repeat(5 - spice)}
        </span>
      )}
    </div>
  );
}

function body(update: DisplayUpdate) {
  const data = update.data as Data;
  switch (update.type) {
    case "dish_card":
      return (
        <>
          <header class="conv-card-head">
            <h3>{data.name}</h3>
            <span class="conv-price">{formatMoney(data.priceMinor, data.currency)}</span>
          </header>
          {data.description && <p>{data.description}</p>}
          <Tags tags={data.dietary} spice={data.spiceLevel} />
        </>
      );
    case "menu_section":
      return (
        <>
          <h3>{data.title}</h3>
          <ul class="conv-lines">
            {(data.items as Data[]).map((item, index) => (
              <li key={index}>
                <span class="conv-line-name">
                  {item.name}
                  {item.description && <small class="muted">{item.description}</small>}
                </span>
                <span class="conv-money">{formatMoney(item.priceMinor, data.currency)}</span>
              </li>
            ))}
          </ul>
        </>
      );
    case "order_summary":
    case "cart_updated":
      return (
        <>
          <h3>{update.type === "order_summary" ? "Your order" : "Cart updated"}</h3>
          {data.message && <p class="muted">{data.message}</p>}
          <LineItems data={data} />
          <Totals data={data} />
        </>
      );
    case "cart_item_added":
      return (
        <>
          <h3>Added to your cart</h3>
          <p class="conv-added">
            <span class="conv-qty">{data.item.quantity}×</span> {data.item.name}{" "}
            <span class="conv-money">{formatMoney(data.item.lineTotalMinor, data.currency)}</span>
          </p>
          <Totals data={data} />
        </>
      );
    case "order_update":
      return (
        <>
          <h3>Order update</h3>
          <p>
            <span class="badge">{data.status}</span> {data.message}
          </p>
          {data.items?.length > 0 && <LineItems data={data} />}
        </>
      );
    case "confirmation":
      return (
        <>
          <h3>{data.title}</h3>
          {data.message && <p>{data.message}</p>}
        </>
      );
    case "address_verification":
      return (
        <>
          <h3>{data.verified ? "Address confirmed" : "Checking the address"}</h3>
          <address class="conv-address">{data.address}</address>
          <p class={`badge ${data.verified ? "ok" : "error"}`}>
            {data.verified ? "Verified" : "Not verified"}
          </p>
          {data.message && <p class="muted">{data.message}</p>}
          {data.suggestions?.length > 0 && (
            <ul>{(data.suggestions as string[]).map((text, index) => <li key={index}>{text}</li>)}</ul>
          )}
        </>
      );
    case "checkout_summary":
      return (
        <>
          <h3>Checkout</h3>
          <p class="muted">
            {data.customerName} ·{" "}
            {data.fulfilment === "delivery" ? `Delivery to ${data.address ?? ""}` : "Pickup"}
          </p>
          <LineItems data={data} />
          <Totals data={data} />
        </>
      );
    case "payment_pending":
      return (
        <>
          <h3>Payment pending</h3>
          <p class="conv-big">{formatMoney(data.amountMinor, data.currency)}</p>
          <p class="muted">{data.method ?? data.message ?? "Waiting for payment"}</p>
        </>
      );
    case "order_confirmed":
      return (
        <>
          <h3>Order confirmed</h3>
          <p class="conv-big">#{data.orderId}</p>
          <p>
            {formatMoney(data.totalMinor, data.currency)}
            {typeof data.etaMinutes === "number" && ` · ready in about ${data.etaMinutes} min`}
          </p>
          {data.message && <p class="muted">{data.message}</p>}
        </>
      );
    case "advice_card":
      return (
        <>
          <header class="conv-card-head">
            <h3>{data.title}</h3>
            {data.risk && <span class={`badge conv-risk-${data.risk}`}>{data.risk} risk</span>}
          </header>
          <p>{data.body}</p>
          {data.points?.length > 0 && (
            <ul>{(data.points as string[]).map((point, index) => <li key={index}>{point}</li>)}</ul>
          )}
        </>
      );
    case "webpage": {
      const href = safeHref(data.url);
      return (
        <>
          <h3>
            {href
              ? <a href={href} target="_blank" rel="noopener noreferrer nofollow">{data.title}</a>
              : data.title}
          </h3>
          {data.description && <p>{data.description}</p>}
          <p class="muted conv-url">{data.url}</p>
        </>
      );
    }
    case "snippet":
      return (
        <>
          {data.title && <h3>{data.title}</h3>}
          <pre class="conv-code"><code>{data.code}</code></pre>
          {data.language && <span class="badge">{data.language}</span>}
        </>
      );
    default:
      return <p class="muted">{update.type}</p>;
  }
}

export function UpdateCard({ update }: { update: DisplayUpdate }) {
  return (
    <article class={`card conv-card conv-${update.type}`} data-type={update.type} data-seq={update.seq}>
      {body(update)}
    </article>
  );
}

export function TranscriptBubble({ entry }: { entry: DisplayUpdate }) {
  const data = entry.data as Data;
  return (
    <p
      class={`conv-bubble conv-${data.speaker}${data.isFinal ? "" : " conv-interim"}`}
      data-seq={entry.seq}
      data-testid="transcript"
    >
      <span class="sr-only">{data.speaker === "user" ? "Customer: " : "Assistant: "}</span>
      {data.text}
    </p>
  );
}
