/** The restaurant state of a conversation session: cart, customer, fulfilment and the one order. */
import type { CartLine } from "./cart.ts";

export interface RestaurantSession {
  sessionId: string;
  tenantId: string;
  userId?: string;
  language: string;
  cart: CartLine[];
  customer?: { name: string; phone?: string };
  address?: { text: string; verified: boolean; fulfilment: "delivery" | "pickup" };
  /** Fixed at creation: the one order id this session can ever place (finalize is idempotent). */
  orderIdSeed: string;
  order?: {
    orderId: string;
    placedAt: number;
    totalMinor: number;
    currency: string;
    fulfilment: "delivery" | "pickup";
    etaMinutes: number;
  };
  createdAt: number;
}
