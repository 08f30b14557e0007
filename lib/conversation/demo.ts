/**
 * The demo conversation: a scripted restaurant order played into a fresh session as a job, a step
 * every `stepMs`, so a newcomer watches the display come alive (and can open it on two screens).
 */
import { z } from "zod";
import type { JobEngine } from "../jobs/types.ts";
import type { RestaurantService } from "../restaurant/service.ts";
import type { Menu } from "../restaurant/menu.ts";
import type { ConversationService } from "./service.ts";
import { sleep } from "../sleep.ts";

export const demoDisplayJobKind = "conversation.demo";
export const demoTenant = "demo-bistro";

export const demoMenu: Menu = {
  currency: "USD",
  taxRateBasisPoints: 825,
  items: [
    {
      id: "margherita",
      name: "Margherita pizza",
      description: "San Marzano tomato, fior di latte, basil.",
      priceMinor: 1299,
      category: "Pizza",
      dietary: ["vegetarian"],
      spiceLevel: 0,
      available: true,
    },
    {
      id: "diavola",
      name: "Diavola pizza",
      description: "Spicy salami, chilli honey, mozzarella.",
      priceMinor: 1549,
      category: "Pizza",
      dietary: [],
      spiceLevel: 3,
      available: true,
    },
    {
      id: "caesar",
      name: "Caesar salad",
      description: "Romaine, parmesan, sourdough croutons.",
      priceMinor: 950,
      category: "Salads",
      dietary: ["gluten-free option"],
      spiceLevel: 0,
      available: true,
    },
    {
      id: "tiramisu",
      name: "Tiramisu",
      description: "Espresso, mascarpone, cocoa.",
      priceMinor: 750,
      category: "Dessert",
      dietary: ["vegetarian"],
      available: true,
    },
  ],
};

type Step =
  | { say: string; speaker: "user" | "assistant" }
  | { tool: string; args?: Record<string, unknown> };

export const demoScript: Step[] = [
  { speaker: "assistant", say: "Welcome to Kiln Bistro! What can I get you today?" },
  { speaker: "user", say: "Something spicy, maybe a pizza?" },
  { tool: "show_dish_details", args: { itemId: "diavola" } },
  { speaker: "assistant", say: "The Diavola has spicy salami and chilli honey — shall I add one?" },
  { speaker: "user", say: "Yes, two please, and a tiramisu." },
  { tool: "add_to_cart_verbal", args: { itemId: "diavola", quantity: 2 } },
  { tool: "add_to_cart_verbal", args: { itemId: "tiramisu", quantity: 1 } },
  { tool: "show_cart_summary" },
  { speaker: "user", say: "It's for Ada, delivered to 12 Market Street." },
  { tool: "capture_customer_info", args: { name: "Ada", phone: "555-0100" } },
  {
    tool: "verify_delivery_address",
    args: { address: "12 Market Street, Springfield", fulfilment: "delivery" },
  },
  { tool: "finalize_order" },
  { speaker: "assistant", say: "Your order is in — about 40 minutes. Enjoy!" },
];

export const DemoInput = z.object({
  sessionId: z.string().min(1).max(128),
  stepMs: z.number().int().min(0).max(5_000),
});

export function defineDemoDisplayJob(
  jobs: JobEngine,
  deps: { conversation: ConversationService; restaurant: RestaurantService },
): void {
  jobs.define(demoDisplayJobKind, DemoInput, async ({ input, progress, signal }) => {
    for (const [index, step] of demoScript.entries()) {
      await sleep(input.stepMs, signal);
      if ("say" in step) {
        await deps.conversation.store.append(input.sessionId, [
          { type: "transcription", data: { text: step.say, speaker: step.speaker, isFinal: true } },
        ]);
      } else await deps.restaurant.runTool(input.sessionId, step.tool, step.args ?? {});
      await progress(Math.round(((index + 1) / demoScript.length) * 100), `step ${index + 1}`);
    }
    return { steps: demoScript.length };
  }, { maxAttempts: 1, ttl: 60 * 60 * 1000 });
}
