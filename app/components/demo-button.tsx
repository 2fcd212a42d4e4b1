import { Form } from "@remix-run/react";
import { Button } from "./ui";

/** "Try the demo": signs in to the seeded demo workspace (only offered when DEMO_MODE is on). */
export function DemoButton({ redirectTo, large = false }: { redirectTo: string | null; large?: boolean }) {
  return (
    <Form method="post" action="/demo" className="flex flex-col items-center gap-2">
      <input type="hidden" name="redirectTo" value={redirectTo ?? ""} />
      <Button
        type="submit"
        variant={large ? "primary" : "secondary"}
        className={large ? "px-6 py-3 text-base" : "w-full"}
        data-testid="try-demo"
      >
        Try the demo
      </Button>
      <p className="text-xs text-slate-500">Signs you in to a sample workspace on this machine. No account needed.</p>
    </Form>
  );
}
