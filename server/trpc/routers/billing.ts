// Settings → Billing: what the account has, upgrading (Stripe Checkout), coming back from it, and
// Manage billing (Stripe's Customer Portal). The Billing page calls these from its loader and action.
import { billingOverview } from "../../billing/overview";
import {
  checkoutInput,
  checkoutReturnInput,
  completeCheckoutReturn,
  openPortal,
  startCheckout,
} from "../../billing/checkout";
import { createTRPCRouter, protectedProcedure } from "../init";

export const billingRouter = createTRPCRouter({
  /** Plan, status, trial, card and invoices as Stripe reports them, prices, brain allowance. */
  overview: protectedProcedure.query(({ ctx }) => billingOverview(ctx.db, ctx.user.id)),

  /** Stripe's hosted Checkout for Pro at this interval: { url } to redirect to. */
  checkout: protectedProcedure
    .input(checkoutInput)
    .mutation(({ ctx, input }) => startCheckout(ctx.db, ctx.user, input)),

  /** The success redirect: stores the new subscription now instead of waiting for the webhook. */
  checkoutReturn: protectedProcedure
    .input(checkoutReturnInput)
    .mutation(({ ctx, input }) => completeCheckoutReturn(ctx.db, ctx.user.id, input)),

  /** Manage billing: Stripe's Customer Portal for this account: { url } to redirect to. */
  portal: protectedProcedure.mutation(({ ctx }) => openPortal(ctx.db, ctx.user.id)),
});
