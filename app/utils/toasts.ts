// Outcome messages shown after a redirect (`?toast=<key>`). Only these keys exist, so a crafted
// link cannot make the app display arbitrary text.
export const toastMessages = {
  "account-created": "Account created.",
  "account-updated": "Account saved.",
  "account-deleted": "Account deleted.",
  "prospect-created": "Person added.",
  "prospect-updated": "Person saved.",
  "prospect-deleted": "Person deleted.",
  "deal-created": "Deal created.",
  "deal-updated": "Deal saved.",
  "deal-deleted": "Deal deleted.",
  "deal-moved": "Deal moved.",
  "meeting-created": "Meeting scheduled.",
  "meeting-updated": "Meeting saved.",
  "meeting-deleted": "Meeting deleted.",
  "note-added": "Note added.",
  "note-updated": "Notes saved.",
  "note-deleted": "Note deleted.",
  "message-added": "Message added.",
  "conversation-created": "Conversation logged.",
  "conversation-deleted": "Conversation deleted.",
  imported: "Workspace imported.",
  "brain-renamed": "Conversation renamed.",
  "brain-deleted": "Conversation deleted.",
  "profile-updated": "Profile saved.",
  "billing-upgraded": "You’re on Pro. Thank you!",
  "checkout-cancelled": "Checkout cancelled — nothing was charged.",
  "checkout-unconfirmed": "Stripe has not confirmed the payment yet. This page shows Pro as soon as it does.",
  "checkout-not-yours": "That checkout is not one of yours, so nothing changed.",
} as const;

export type ToastKey = keyof typeof toastMessages;

export function toastMessage(key: string | null): string | null {
  return key && key in toastMessages ? toastMessages[key as ToastKey] : null;
}

/** A path with `?toast=key` added (keeping its other parameters). */
export function withToast(path: string, key: ToastKey): string {
  const url = new URL(path, "http://x");
  url.searchParams.set("toast", key);
  return `${url.pathname}${url.search}${url.hash}`;
}
