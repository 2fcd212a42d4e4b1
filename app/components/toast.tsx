// The outcome of the last action ("Deal created."), from `?toast=<key>` after a redirect. The
// parameter is removed from the address bar once shown, so a reload or a shared link does not repeat it.
import { useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { toastMessage } from "../utils/toasts";

export function Toast() {
  const location = useLocation();
  const message = toastMessage(new URLSearchParams(location.search).get("toast"));
  // Hidden for the navigation it was shown on once its time is up; a new navigation shows its own.
  const [expiredFor, setExpiredFor] = useState<string | null>(null);
  const visible = expiredFor !== location.key;
  useEffect(() => {
    if (!message) return;
    const url = new URL(window.location.href);
    url.searchParams.delete("toast");
    window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
    const timer = setTimeout(() => setExpiredFor(location.key), 5_000);
    return () => clearTimeout(timer);
  }, [message, location.key]);
  if (!message || !visible) return null;
  return (
    <div
      role="status"
      aria-live="polite"
      className="fixed bottom-6 right-6 z-50 rounded-lg bg-slate-900 px-4 py-3 text-sm font-medium text-white shadow-lg"
      data-testid="toast"
    >
      {message}
    </div>
  );
}
