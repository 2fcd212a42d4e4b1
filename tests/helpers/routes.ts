// Calling Remix loaders and actions as plain functions: the requests they get, a signed-in seller's
// load context, and what they answer or throw.
import { expect } from "vitest";
import { getDb } from "../../server/db/client";
import { createUser, loadContext, signIn } from "./users";

/** An action's form answer: which form it was (on pages with several), what was wrong, and the fields to show again. */
export type FormAnswer = {
  intent?: string;
  fieldErrors?: Record<string, string>;
  formError?: string;
  /** Text fields, and checkbox groups (a meeting's attendees) as lists. */
  fields?: Record<string, string | string[]>;
};

/** What a loader or action returned with `data(body, init)`, read by a test. */
export type Answer<Body = FormAnswer> = { data: Body; init: { status?: number; headers?: HeadersInit } | null };

export const get = (path: string) => new Request(`http://localhost${path}`);

/** A form post; a list is sent as the same field repeated, as a multi-select sends it. */
export function post(path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
  return new Request(`http://localhost${path}`, { method: "POST", body });
}

/** A new user with a real session: the load context their requests get, and the file's database. */
export async function seller(overrides: { email?: string; name?: string } = {}) {
  const db = await getDb();
  const user = await createUser(db, overrides);
  const { auth } = await signIn(db, user.id);
  return { db, user, auth, context: loadContext(auth) };
}

/** The Response a loader or action threw (404 pages, redirects to sign in). */
export async function thrownBy(run: () => unknown): Promise<Response> {
  const thrown = await Promise.resolve()
    .then(run)
    .then(
      () => null,
      (error: unknown) => error,
    );
  expect(thrown).toBeInstanceOf(Response);
  return thrown as Response;
}
