import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import stylesheet from "./tailwind.css?url";
import { BillingBanner } from "./components/billing-banner";
import { HeaderSearch } from "./components/search-palette";
import { Toast } from "./components/toast";
import { formatDate } from "./utils/format";
import { ApiProvider } from "./utils/trpc";
import { billingBanner } from "./utils/billing-banner.server";
import { demoModeEnabled } from "./utils/demo.server";
import { serverCaller } from "./utils/trpc.server";
import { useNonce } from "./utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "Sales-as-Code" },
  {
    name: "description",
    content: "Every account, person, deal, email and meeting in one place — and a brain that knows them.",
  },
];

export async function loader({ context }: LoaderFunctionArgs) {
  const { user } = context.auth;
  return {
    user: user ? { name: user.name, email: user.email } : null,
    demoMode: demoModeEnabled(),
    // P17: the same procedure Settings → Profile asks; visitors have no policy to acknowledge.
    policyNotice: user ? await (await serverCaller(context)).me.policyNotice() : null,
    // A trial ending within days, or a failed payment in its grace period (one indexed read).
    billingBanner: user ? await billingBanner(user.id) : null,
  };
}

export type RootLoaderData = Awaited<ReturnType<typeof loader>>;

export function useOptionalUser() {
  return useRouteLoaderData<typeof loader>("root")?.user ?? null;
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="flex min-h-full flex-col">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function Header() {
  const user = useOptionalUser();
  const navClass = ({ isActive }: { isActive: boolean }) =>
    `whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium ${isActive ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:text-slate-900"}`;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex min-h-14 max-w-6xl flex-wrap items-center gap-x-4 px-4 md:flex-nowrap">
        <Link to="/" className="flex shrink-0 items-center gap-2 whitespace-nowrap font-semibold text-slate-900">
          <span aria-hidden className="inline-block h-6 w-6 rounded bg-brand-600" />
          Sales-as-Code
        </Link>
        {user ? (
          <nav
            aria-label="Main"
            className="order-last -mx-2 flex w-full min-w-0 items-center gap-0.5 overflow-x-auto pb-2 md:order-none md:mx-0 md:w-auto md:pb-0"
          >
            <NavLink to="/dashboard" className={navClass}>
              Dashboard
            </NavLink>
            <NavLink to="/brain" className={navClass}>
              Brain
            </NavLink>
            <NavLink to="/accounts" className={navClass}>
              Accounts
            </NavLink>
            <NavLink to="/prospects" className={navClass}>
              People
            </NavLink>
            <NavLink to="/opportunities" className={navClass}>
              Deals
            </NavLink>
            <NavLink to="/meetings" className={navClass}>
              Meetings
            </NavLink>
            <NavLink to="/settings" className={navClass}>
              Settings
            </NavLink>
          </nav>
        ) : null}
        <div className="ml-auto flex items-center gap-3 text-sm">
          {user ? (
            <>
              <HeaderSearch />
              {/* The email shows on wide screens; it stays in the tooltip (and for screen readers) elsewhere. */}
              <span
                className="hidden whitespace-nowrap text-slate-600 lg:inline"
                data-testid="signed-in-as"
                title={user.email}
              >
                {user.name} <span className="hidden text-slate-400 2xl:inline">· {user.email}</span>
              </span>
              <Form method="post" action="/logout">
                <button
                  type="submit"
                  className="whitespace-nowrap rounded-md px-2.5 py-1.5 font-medium text-slate-700 hover:bg-slate-100"
                >
                  Sign out
                </button>
              </Form>
            </>
          ) : (
            <>
              <Link to="/login" className="rounded-md px-2.5 py-1.5 font-medium text-slate-700 hover:bg-slate-100">
                Sign in
              </Link>
              <Link
                to="/signup"
                className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700"
              >
                Create account
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}

function Footer() {
  return (
    <footer className="border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between px-4 py-4 text-xs text-slate-500">
        <span>Sales-as-Code · your book of business, in one place.</span>
        <Link to="/privacy" className="font-medium text-slate-600 hover:text-slate-900" data-testid="footer-privacy">
          Privacy
        </Link>
      </div>
    </footer>
  );
}

/** P17: the policy changed since this user last saw it. Dismissing records that they have. */
function PolicyNotice() {
  const data = useRouteLoaderData<typeof loader>("root");
  const location = useLocation();
  if (!data?.policyNotice) return null;
  return (
    <div
      className="border-b border-amber-200 bg-amber-50"
      role="region"
      aria-label="Privacy policy update"
      data-testid="policy-notice"
    >
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-2.5 text-sm text-amber-900">
        <p>
          Our privacy policy changed on {formatDate(`${data.policyNotice.lastUpdated}T00:00:00Z`)}.{" "}
          <Link to="/privacy" className="font-medium underline">
            Read what it says now
          </Link>
          .
        </p>
        <Form method="post" action="/policy/acknowledge">
          <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
          <button
            type="submit"
            className="rounded-md px-2.5 py-1 font-medium hover:bg-amber-100"
            data-testid="dismiss-policy-notice"
          >
            Dismiss
          </button>
        </Form>
      </div>
    </div>
  );
}

function RootBillingBanner() {
  const data = useRouteLoaderData<typeof loader>("root");
  return <BillingBanner banner={data?.billingBanner ?? null} />;
}

export default function App() {
  return (
    <ApiProvider>
      <Header />
      <PolicyNotice />
      <RootBillingBanner />
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">
        <Outlet />
      </main>
      <Footer />
      <Toast />
    </ApiProvider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const [title, detail] = isRouteErrorResponse(error)
    ? error.status === 404
      ? ["Page not found", "There is nothing at this address. Check the link, or go back to your accounts."]
      : [
          `${error.status} ${error.statusText}`,
          typeof error.data === "string" ? error.data : "The request could not be completed.",
        ]
    : ["Something went wrong", "An unexpected error happened on our side. Try again in a moment."];
  return (
    <main className="mx-auto w-full max-w-xl flex-1 px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold text-slate-900">{title}</h1>
      <p className="mt-3 text-slate-600">{detail}</p>
      <p className="mt-6">
        <Link to="/" className="font-medium text-brand-600 hover:underline">
          Go to the start page
        </Link>
      </p>
    </main>
  );
}
