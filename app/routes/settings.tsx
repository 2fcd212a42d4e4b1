import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";

export function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  return null;
}

// The order people look for things: who they are, how they get in, their data, what is connected,
// their own Claude key, and what they pay.
const settingsSections = [
  { to: "/settings/profile", label: "Profile" },
  { to: "/settings/sessions", label: "Sessions" },
  { to: "/settings/password", label: "Password" },
  { to: "/settings/data", label: "Data" },
  { to: "/settings/connections", label: "Connections" },
  { to: "/settings/api", label: "API" },
  { to: "/settings/billing", label: "Billing" },
] as const;

export default function Settings() {
  return (
    <>
      <PageHeader title="Settings" />
      <div className="grid gap-8 md:grid-cols-[12rem_1fr]">
        <nav aria-label="Settings" className="flex flex-wrap gap-1 md:flex-col md:flex-nowrap">
          {settingsSections.map((section) => (
            <NavLink
              key={section.to}
              to={section.to}
              className={({ isActive }) =>
                `rounded-md px-3 py-2 text-sm font-medium ${isActive ? "bg-white text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:text-slate-900"}`
              }
            >
              {section.label}
            </NavLink>
          ))}
        </nav>
        <section className="min-w-0">
          <Outlet />
        </section>
      </div>
    </>
  );
}
