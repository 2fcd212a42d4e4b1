// The only mail we send (P8): password-reset links and their confirmations (and, with billing,
// subscription receipts). Plain text: readable everywhere, nothing to track.
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
