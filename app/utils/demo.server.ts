import { env } from "../../server/env";

/** Whether this instance offers the seeded demo workspace ("Try the demo"). */
export function demoModeEnabled(): boolean {
  return env().DEMO_MODE;
}
