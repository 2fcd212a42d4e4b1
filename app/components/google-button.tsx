/** "Continue with Google": a plain link to /auth/google, which works with or without JavaScript. */
export function GoogleButton({ redirectTo, fake }: { redirectTo: string | null; fake: boolean }) {
  const href = redirectTo ? `/auth/google?${new URLSearchParams({ redirectTo })}` : "/auth/google";
  return (
    <div className="space-y-1.5">
      <a
        href={href}
        data-testid="continue-with-google"
        className="flex w-full items-center justify-center gap-3 rounded-md bg-white px-3.5 py-2 text-sm font-medium text-slate-800 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50"
      >
        <svg aria-hidden viewBox="0 0 24 24" className="h-4 w-4">
          <path
            fill="#4285F4"
            d="M23.5 12.3c0-.8-.1-1.6-.2-2.3H12v4.5h6.5c-.3 1.5-1.1 2.7-2.4 3.6v3h3.9c2.2-2.1 3.5-5.1 3.5-8.8z"
          />
          <path
            fill="#34A853"
            d="M12 24c3.2 0 6-1.1 7.9-2.9l-3.9-3c-1.1.7-2.4 1.2-4 1.2-3.1 0-5.7-2.1-6.6-4.9H1.4v3.1C3.4 21.4 7.4 24 12 24z"
          />
          <path
            fill="#FBBC05"
            d="M5.4 14.4c-.2-.7-.4-1.5-.4-2.4s.1-1.6.4-2.4V6.5H1.4C.5 8.2 0 10 0 12s.5 3.8 1.4 5.5l4-3.1z"
          />
          <path
            fill="#EA4335"
            d="M12 4.8c1.8 0 3.3.6 4.6 1.8l3.4-3.4C18 1.2 15.2 0 12 0 7.4 0 3.4 2.6 1.4 6.5l4 3.1C6.3 6.9 8.9 4.8 12 4.8z"
          />
        </svg>
        Continue with Google
      </a>
      {fake ? (
        <p className="text-center text-xs text-slate-500">
          Demo: a fake Google on this machine stands in for the real one.
        </p>
      ) : null}
    </div>
  );
}
