/**
 * What the offline agent remembers between turns of one conversation (kept in KV, so a reconnect
 * continues mid-checkout): what it asked last, the dish in play, a pending choice, checkout details.
 */
import type { Awaiting } from "./intent.ts";

export interface DialogueState {
  awaiting?: Awaiting | "choice" | "offer";
  lastItemId?: string;
  /** Dishes a vague mention could mean ("a naan"), with what to do once one is picked. */
  choice?: { itemIds: string[]; quantity: number; intent: "add" | "remove" | "set" | "ask" };
  /** The caller is checking out: after each answer, ask for the next missing detail. */
  checkout?: boolean;
  phone?: string;
  phoneSkipped?: boolean;
  wantsDelivery?: boolean;
}
