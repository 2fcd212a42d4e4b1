// The only mail we send (P8): password-reset links and their confirmations, and the subscription's
// own news (payment failed, trial ending, cancelled; Stripe sends receipts). Plain text: readable
// everywhere, nothing to track.
import type { MailKind } from "../db/generated/client";

export type MailContent = { kind: MailKind; subject: string; text: string };

export function passwordResetMail(input: { name: string; link: string; expiresInMinutes: number }): MailContent {
  return {
    kind: "password_reset",
    subject: "Reset your Sales-as-Code password",
    text: [
      `Hi ${input.name},`,
      "",
      "Someone (hopefully you) asked to reset the password of your Sales-as-Code account.",
      `To choose a new password, open this link within ${input.expiresInMinutes} minutes:`,
      "",
      input.link,
      "",
      "The link works once. If you did not ask for it, ignore this email: your password stays as it is.",
      "",
      "— Sales-as-Code",
    ].join("\n"),
  };
}

export function passwordResetConfirmationMail(input: { name: string; when: Date; appUrl: string }): MailContent {
  return {
    kind: "password_reset_confirmation",
    subject: "Your Sales-as-Code password was changed",
    text: [
      `Hi ${input.name},`,
      "",
      `The password of your Sales-as-Code account was reset on ${input.when.toUTCString()}.`,
      "Every other device signed in to your account has been signed out.",
      "",
      `If this was not you, reset your password again now at ${input.appUrl}/forgot-password and review your`,
      `sessions at ${input.appUrl}/settings/sessions.`,
      "",
      "— Sales-as-Code",
    ].join("\n"),
  };
}

// Billing (P8: transactional only — about the subscription the user has; receipts are Stripe's).

export function paymentFailedMail(input: { name: string; appUrl: string; graceEndsAt: Date | null }): MailContent {
  return {
    kind: "payment_failed",
    subject: "Your Sales-as-Code payment did not go through",
    text: [
      `Hi ${input.name},`,
      "",
      "Stripe could not take the payment for your Sales-as-Code Pro subscription.",
      input.graceEndsAt
        ? `Pro stays on until ${input.graceEndsAt.toUTCString()}; after that your account moves to Free until the payment goes through.`
        : "Your account moves to Free until the payment goes through.",
      "Nothing is deleted either way: your connections pause and resume when the payment is made.",
      "",
      `To update your card, open ${input.appUrl}/settings/billing and choose Manage billing.`,
      "",
      "— Sales-as-Code",
    ].join("\n"),
  };
}

export function trialEndingMail(input: {
  name: string;
  appUrl: string;
  endsAt: Date;
  subscribed: boolean;
}): MailContent {
  return {
    kind: "trial_ending",
    subject: "Your Sales-as-Code Pro trial ends soon",
    text: [
      `Hi ${input.name},`,
      "",
      `Your Pro trial ends on ${input.endsAt.toUTCString()}.`,
      input.subscribed
        ? "Your subscription starts then, with the card you gave Stripe. To change or cancel it, choose Manage billing."
        : "After that your account moves to Free: connections pause (nothing is deleted) and the brain answers without the server's Claude key. To keep Pro, choose a plan.",
      "",
      `${input.appUrl}/settings/billing`,
      "",
      "— Sales-as-Code",
    ].join("\n"),
  };
}

export function subscriptionCancelledMail(input: { name: string; appUrl: string }): MailContent {
  return {
    kind: "subscription_cancelled",
    subject: "Your Sales-as-Code Pro subscription has ended",
    text: [
      `Hi ${input.name},`,
      "",
      "Your Sales-as-Code Pro subscription has ended, and your account is now on Free.",
      "Your data stays as it is; connections are paused and resume if you subscribe again.",
      "",
      `To subscribe again: ${input.appUrl}/settings/billing`,
      "",
      "— Sales-as-Code",
    ].join("\n"),
  };
}
