import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { PRIVACY_POLICY } from "../../server/privacy/policy";
import { formatDate } from "../utils/format";

export const meta: MetaFunction = () => [{ title: "Privacy · Sales-as-Code" }];

export function loader() {
  return { policy: PRIVACY_POLICY };
}

function Promise_({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id.toLowerCase()} className="scroll-mt-6">
      <h3 className="font-semibold text-slate-900">
        <span className="mr-2 text-slate-400">{id}</span>
        {title}
      </h3>
      <div className="mt-1 space-y-2 text-slate-700">{children}</div>
    </section>
  );
}

/**
 * Our privacy promises, in plain words. Each one (P1–P17) has an automated test named after it.
 * Bump PRIVACY_POLICY (server/privacy/policy.ts) when this changes materially: signed-in users are
 * then told (P17).
 */
export default function Privacy() {
  const { policy } = useLoaderData<typeof loader>();
  return (
    <article className="mx-auto max-w-3xl space-y-8 rounded-xl bg-white p-8 text-sm leading-relaxed shadow-sm ring-1 ring-slate-200">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">How Sales-as-Code treats your data</h1>
        <p className="mt-2 text-slate-600" data-testid="policy-updated">
          Last updated {formatDate(`${policy.lastUpdated}T00:00:00Z`)} · version {policy.version}
        </p>
        <p className="mt-4 text-slate-700">
          You trust us with your whole book of business: your accounts, the people you sell to, your deals, your email
          and your calendar. These are the promises we make about that data. Each one is checked by an automated test
          every time the product changes.
        </p>
      </header>

      <div className="space-y-5">
        <h2 className="text-lg font-semibold text-slate-900">What we keep about you</h2>
        <Promise_ id="P1" title="How we know it is you">
          <p>
            We store your email address. If you sign in with Google, we also store the permanent account id Google gives
            us for you (its “sub”). We recognise you by that id, never by your email address alone, so someone who gets
            an address like yours cannot get into your account.
          </p>
        </Promise_>
        <Promise_ id="P2" title="Your data is the same everywhere">
          <p>
            What you create, and what your connected tools send us, is stored on our servers, so it is the same on every
            device you sign in on.
          </p>
        </Promise_>
        <Promise_ id="P3" title="Only what you allowed">
          <p>
            When you connect Gmail, Google Calendar, Salesforce or Outreach, we ask only for the permissions listed on
            the connect screen, and we only read what those permissions cover.
          </p>
        </Promise_>
        <Promise_ id="P4" title="Your sessions">
          <p>
            For each device you sign in on we record its browser (user-agent) and IP address, for your security. You can
            see every session under{" "}
            <Link to="/settings/sessions" className="underline">
              Settings → Sessions
            </Link>{" "}
            and sign any of them out.
          </p>
        </Promise_>
        <Promise_ id="P5" title="What our logs hold">
          <p>
            Our request logs record the address requested, the result and how long it took. They never contain
            passwords, sign-in codes, tokens, cookies or API keys.
          </p>
        </Promise_>
        <Promise_ id="P6" title="Payments">
          <p>
            Stripe handles your card: you type it on Stripe’s own page, and it never touches our servers. We keep only
            Stripe’s ids for you and your subscription, your plan and its price, the subscription’s status, and its
            dates (the billing period, a trial’s end, when a payment failed). Your card’s brand and last four digits are
            read from Stripe when you open Billing, and not stored.
          </p>
        </Promise_>
      </div>

      <div className="space-y-5">
        <h2 className="text-lg font-semibold text-slate-900">What we do with it</h2>
        <Promise_ id="P7" title="The brain sees only what it needs">
          <p>
            When you ask the brain a question, we send Claude only the records needed to answer it, and each answer
            shows you exactly which records were sent.
          </p>
        </Promise_>
        <Promise_ id="P8" title="Only the email you need">
          <p>
            We send transactional email only: password-reset links and their confirmations, and notices about your
            subscription (a failed payment, a trial about to end, a cancellation). Receipts and invoices come from
            Stripe. No marketing.
          </p>
        </Promise_>
      </div>

      <div className="space-y-5">
        <h2 className="text-lg font-semibold text-slate-900">Your rights</h2>
        <Promise_ id="P9" title="See everything">
          <p>Everything we store about you is visible to you in the product.</p>
        </Promise_>
        <Promise_ id="P10" title="Take it with you">
          <p>
            Settings → Data → Export downloads all of your data as one JSON file. It leaves out only secrets: password
            hashes, session secrets and connection tokens.
          </p>
        </Promise_>
        <Promise_ id="P11" title="Delete it">
          <p>
            Settings → Data → Delete account stops all sign-ins at once, and within 7 days we permanently delete your
            account, your sessions, your connections and every record that belongs to you. Only Stripe’s own record of
            your subscription remains, at Stripe.
          </p>
        </Promise_>
        <Promise_ id="P12" title="Disconnect any tool">
          <p>
            Settings → Connections → Disconnect stops all reading from that tool immediately. What was already synced
            stays until you delete your account.
          </p>
        </Promise_>
      </div>

      <div className="space-y-5">
        <h2 className="text-lg font-semibold text-slate-900">Cookies and tracking</h2>
        <Promise_ id="P13" title="One cookie">
          <p>
            We set one cookie, <code>si_session</code>, which keeps you signed in, plus a short-lived one while you sign
            in with Google. Scripts cannot read them, other sites cannot send them, and over HTTPS they travel only
            encrypted.
          </p>
        </Promise_>
        <Promise_ id="P14" title="No tracking">
          <p>
            No third-party tracking, advertising cookies, fingerprinting or analytics. Our pages load nothing from any
            other website.
          </p>
        </Promise_>
      </div>

      <div className="space-y-5">
        <h2 className="text-lg font-semibold text-slate-900">Where your data lives</h2>
        <Promise_ id="P15" title="Connection tokens are encrypted">
          <p>
            The tokens that let us read your connected tools are encrypted at rest with AES-256-GCM: a fresh random
            nonce each time, a key id stored with each one so keys can be rotated, and each tied to the connection it
            belongs to.
          </p>
        </Promise_>
        <Promise_ id="P16" title="Your own Anthropic key stays in your browser">
          <p>
            If you enter your own Anthropic API key under Settings → API, it is kept in your browser only and never sent
            to us; with it, your browser talks to Claude directly.
          </p>
        </Promise_>
        <Promise_ id="P17" title="We tell you when this changes">
          <p>If we change these promises in a way that matters, you will see a notice the next time you sign in.</p>
        </Promise_>
      </div>
    </article>
  );
}
