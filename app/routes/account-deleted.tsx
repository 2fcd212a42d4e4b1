import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuthCard } from "../components/auth-card";
import { DELETION_GRACE_DAYS } from "../../server/data-rights/delete-account";

export const meta: MetaFunction = () => [{ title: "Account deleted · Sales-as-Code" }];

export function loader() {
  return { graceDays: DELETION_GRACE_DAYS };
}

/** Where a browser lands after its account was deleted (public: the session is already gone). */
export default function AccountDeleted() {
  const { graceDays } = useLoaderData<typeof loader>();
  return (
    <AuthCard title="Your account is being deleted">
      <div className="space-y-3 text-sm text-slate-700" data-testid="account-deleted">
        <p>You have been signed out everywhere, and this account can no longer be signed in to.</p>
        <p>
          Everything in it is being permanently deleted — usually within minutes, always within {graceDays} days. Thank
          you for having used Sales-as-Code.
        </p>
        <Link to="/" className="inline-block font-medium text-brand-600 hover:underline">
          Go to the home page
        </Link>
      </div>
    </AuthCard>
  );
}
