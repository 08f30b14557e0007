/**
 * One real-shaped example per update type, as Stonepot's voice backend sends them (major units,
 * its field names). They document the API (`update_docs.ts`) and the tests post every one of them
 * and check what the display shows, so an example can never drift from what Kiln accepts.
 */
import type { UpdateType } from "./update_schemas.ts";

const cart = {
  items: [
    { id: "item_1", dishName: "Pandi Curry", quantity: 2, price: 349, itemTotal: 698, customizations: [] },
    {
      id: "item_2",
      dishName: "Akki Roti",
      quantity: 3,
      price: 49,
      itemTotal: 147,
      customizations: ["extra ghee"],
    },
  ],
  subtotal: 845,
  tax: 42,
  total: 887,
};

export const updateExamples: Record<UpdateType, Record<string, unknown>> = {
  transcription: { text: "Can I get the pandi curry?", speaker: "user", isFinal: true },
  dish_card: {
    name: "Pandi Curry",
    description: "Coorg-style pork curry with kachampuli vinegar.",
    price: 349,
    imageUrl: "https://images.example.com/dishes/pandi-curry.jpg",
    type: "non-veg",
    category: "Mains",
    dietary: ["gluten-free"],
    spiceLevel: 3,
    available: true,
    preparationTime: 20,
    rating: 4.7,
    tag: "Bestseller",
    actions: [{ id: "add_to_cart", label: "Add to Cart", type: "primary" }],
  },
  menu_section: {
    title: "Starters",
    description: "Small plates from the hills.",
    items: [{ name: "Bamboo Shoot Fry", price: 199, type: "veg" }, { name: "Chicken Fry", price: 279 }],
  },
  order_summary: { ...cart, estimatedTime: "25-30 mins" },
  order_update: {
    action: "added",
    item: { dishName: "Akki Roti", quantity: 3, price: 49 },
    message: "Added 3 Akki Roti",
  },
  confirmation: {
    message: "Your order is placed!",
    orderId: "ORD-20250115-7KQ2M",
    estimatedTime: "30-40 mins",
    paymentMethod: "cash",
  },
  cart_item_added: { item: { dishName: "Pandi Curry", quantity: 2, itemTotal: 698 }, cart },
  cart_updated: { cart, action: "increase" },
  address_verification: {
    address: "12 MG Road, Bengaluru, Karnataka 560001, India",
    coordinates: { lat: 12.9756, lng: 77.6066 },
    verified: true,
    deliverable: true,
    message: "Address verified. We'll arrange delivery through our partner.",
  },
  checkout_summary: {
    orderId: "ORD-20250115-7KQ2M",
    ...cart,
    deliveryFee: 40,
    total: 927,
    orderType: "delivery",
    paymentMethod: "online",
    deliveryAddress: "12 MG Road, Bengaluru 560001",
    estimatedTime: "35-45 mins",
  },
  payment_pending: {
    orderId: "ORD-20250115-7KQ2M",
    razorpayOrderId: "order_Nk2xR8s1",
    amount: 927,
    currency: "INR",
    customer: { name: "Asha", phone: "9876543210" },
  },
  order_confirmed: {
    orderId: "ORD-20250115-7KQ2M",
    orderType: "pickup",
    paymentMethod: "cash",
    total: 887,
    estimatedTime: "20-25 mins",
    message: "Your order has been confirmed!",
  },
  advice_card: {
    title: "Build an emergency fund first",
    content: "Keep three to six months of expenses in a savings account before investing.",
    icon: "🛟",
    actionText: "Read the guide",
    actionUrl: "https://example.com/guides/emergency-fund",
  },
  webpage: { url: "https://example.com/menu", title: "Our full menu" },
  snippet: { title: "Order as JSON", language: "json", code: '{\n  "orderId": "ORD-20250115-7KQ2M"\n}' },
};
