// The fake Google the local demo signs in through (FAKE_GOOGLE): one account that is the demo
// seller (signing in with it links Google to the seeded demo user) and one newcomer.
import type { Env } from "../../../server/env";
import { singleton } from "../../../server/utils/singleton";
import { FakeGoogle } from "./index";

export function demoFakeGoogle(env: Env): FakeGoogle {
  const google = env.google;
  if (!google || google.kind !== "fake") throw new Error("The fake Google is only mounted when FAKE_GOOGLE is on.");
  return singleton(
    "fake-google",
    () =>
      new FakeGoogle({
        issuer: google.issuer,
        clientId: google.clientId,
        clientSecret: google.clientSecret,
        redirectUris: [`${env.APP_URL}/auth/google/callback`],
        accounts: [
          { sub: "104857600000000000001", email: "alex@northbeam.example", name: "Alex Morgan" },
          { sub: "104857600000000000002", email: "sam.rivera@newcomer.example", name: "Sam Rivera" },
        ],
      }),
  );
}
