/**
 * One designed card per display update type, shared by the server render and the live island.
 * Everything is rendered as text through Preact (escaped); links and images are http(s) only (the
 * schema rejects anything else, and `safeHref` re-checks, since old records could predate a rule).
 * Unknown producer fields (`data.extra`) are stored and streamed but never rendered.
 */
import { type DisplayUpdate, formatMoney } from "../lib/conversation/client.ts";
import {
  type Data,
  DishCard,
  etaText,
  label,
  Line,
  LineItems,
  safeHref,
  Totals,
} from "./ConversationParts.tsx";

function body(update: DisplayUpdate) {
  const data = update.data as Data;
  switch (update.type) {
    case "dish_card":
      return <DishCard data={data} />;
    case "menu_section":
      return (
        <>
          <h3>{data.title}</h3>
          {data.description && <p class="muted">{data.description}</p>}
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
          {etaText(data) && <p class="muted">Ready in {etaText(data)}</p>}
        </>
      );
    case "cart_item_added":
      return (
        <>
          <h3>Added to your cart</h3>
          <ul class="conv-lines conv-added">
            <Line item={data.item} currency={data.currency} />
          </ul>
          {data.items?.length > 0 && (
            <>
              <h4 class="muted">In your cart</h4>
              <LineItems data={data} />
            </>
          )}
          <Totals data={data} />
        </>
      );
    case "order_update":
      return (
        <>
          <h3>Order update</h3>
          <p>
            {(data.action || data.status) && <span class="badge">{label(data.action ?? data.status)}</span>}
            {" "}
            {data.message}
          </p>
          {data.item && (
            <ul class="conv-lines">
              <Line item={data.item} currency={data.currency} />
            </ul>
          )}
          {data.items?.length > 0 && <LineItems data={data} />}
          <Totals data={data} />
        </>
      );
    case "confirmation":
      return (
        <>
          <h3>{data.title ?? (data.orderId ? "Order confirmed" : "Confirmed")}</h3>
          {data.orderId && <p class="conv-big conv-order-id">#{data.orderId}</p>}
          {data.message && <p>{data.message}</p>}
          <p class="muted">
            {[
              etaText(data) && `Ready in ${etaText(data)}`,
              data.paymentMethod && `Payment: ${label(data.paymentMethod)}`,
            ]
              .filter(Boolean).join(" · ")}
          </p>
        </>
      );
    case "address_verification":
      return (
        <>
          <h3>{data.verified ? "Address confirmed" : "Checking the address"}</h3>
          <address class="conv-address">{data.address}</address>
          <p class={`badge ${data.verified ? "ok" : "error"}`}>
            {data.verified ? "Verified" : "Not verified"}
            {data.deliverable === false && " · no delivery here"}
          </p>
          {data.message && <p class="muted">{data.message}</p>}
          {data.suggestions?.length > 0 && (
            <ul>{(data.suggestions as string[]).map((text, index) => <li key={index}>{text}</li>)}</ul>
          )}
        </>
      );
    case "checkout_summary": {
      const where = data.fulfilment === "delivery"
        ? `Delivery to ${data.address ?? "your address"}`
        : label(data.fulfilment);
      return (
        <>
          <h3>Checkout</h3>
          {data.orderId && <p class="muted">Order #{data.orderId}</p>}
          <p class="muted">
            {[data.customerName, where, data.paymentMethod && `Payment: ${label(data.paymentMethod)}`]
              .filter(Boolean).join(" · ")}
          </p>
          <LineItems data={data} />
          <Totals data={data} />
          {etaText(data) && <p class="muted">Ready in {etaText(data)}</p>}
        </>
      );
    }
    case "payment_pending":
      return (
        <>
          <h3>Payment pending</h3>
          <p class="conv-big">{formatMoney(data.amountMinor, data.currency)}</p>
          {data.orderId && <p class="muted">Order #{data.orderId}</p>}
          <p class="muted">{data.method ?? data.message ?? "Waiting for payment"}</p>
        </>
      );
    case "order_confirmed":
      return (
        <>
          <h3>Order confirmed</h3>
          <p class="conv-big conv-order-id">#{data.orderId}</p>
          <p>
            {[
              formatMoney(data.totalMinor, data.currency),
              etaText(data) && `ready in ${etaText(data)}`,
              label(data.fulfilment),
              data.paymentMethod && `pay by ${data.paymentMethod}`,
            ].filter(Boolean).join(" · ")}
          </p>
          {data.message && <p class="muted">{data.message}</p>}
        </>
      );
    case "advice_card": {
      const action = safeHref(data.actionUrl);
      return (
        <>
          <header class="conv-card-head">
            <h3>
              {data.icon && <span class="conv-icon" aria-hidden="true">{data.icon}</span>}
              {data.title}
            </h3>
            {data.risk && <span class={`badge conv-risk-${data.risk}`}>{data.risk} risk</span>}
          </header>
          <p>{data.body}</p>
          {data.points?.length > 0 && (
            <ul>{(data.points as string[]).map((point, index) => <li key={index}>{point}</li>)}</ul>
          )}
          {action && (
            <a class="conv-action-link" href={action} target="_blank" rel="noopener noreferrer nofollow">
              {data.actionText ?? "Learn more"}
            </a>
          )}
        </>
      );
    }
    case "webpage": {
      const href = safeHref(data.url);
      return (
        <>
          <h3>
            {href
              ? <a href={href} target="_blank" rel="noopener noreferrer nofollow">{data.title ?? data.url}</a>
              : data.title ?? data.url}
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
