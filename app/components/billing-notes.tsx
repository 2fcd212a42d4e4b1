// Short plan notes on the pages whose features are part of Pro (Connections, Brain), each with the
// way to Settings → Billing. The server enforces the plan; these only say what it will do.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { ButtonLink } from "./ui";

const billingLink = "font-medium text-brand-600 hover:underline";

/** A connection the plan paused (not an error: it resumes on upgrade, with nothing lost). */
export function PausedByPlanNote({ providerId }: { providerId: string }) {
  return (
    <p className="text-sm text-amber-900" data-testid={`paused-by-plan-${providerId}`}>
      Paused — syncing is part of Pro. Nothing synced is lost, and syncing resumes when you{" "}
      <Link to="/settings/billing" className={billingLink}>
        choose a plan
      </Link>
      .
    </p>
  );
}

/** On Free, where a Connect button would be: the way to Pro instead. */
export function ConnectNeedsPro({ providerId, children }: { providerId: string; children: ReactNode }) {
  return (
    <ButtonLink to="/settings/billing" variant="secondary" data-testid={`connect-needs-pro-${providerId}`}>
      {children}
    </ButtonLink>
  );
}

/** The brain on Free, or with this month's allowance of server-written answers used up. */
export function BrainPlanNote({ reason }: { reason: "free" | "allowance_used" | null }) {
  if (!reason) return null;
  return (
    <div
      role="note"
      className="mb-6 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200"
      data-testid={`brain-plan-${reason}`}
    >
      {reason === "free"
        ? "On the Free plan, answers are retrieval-only: the brain lists the records that match, each cited. "
        : "This month’s written answers are used up, so answers are retrieval-only until the allowance resets. "}
      Add your own Anthropic key in{" "}
      <Link to="/settings/api" className="font-medium underline">
        Settings → API
      </Link>{" "}
      for written answers, or see{" "}
      <Link to="/settings/billing" className="font-medium underline">
        Billing
      </Link>
      .
    </div>
  );
}
