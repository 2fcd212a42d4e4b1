// Fuzz properties that fail on this branch because their fix is being made in another slice of
// issue #11 (tests/fuzz/FINDINGS.md has each minimal counterexample). They are listed here, and
// only here, with the slices that own the fix; the fuzz tests run them under a describe named
// "known failures" as it.skip, so the rest stays green.
// When the slices are merged, set SKIP_KNOWN_FAILURES to false (one line): every property runs again.
const SKIP_KNOWN_FAILURES = false;

type Slice = "boundary" | "inputs" | "auth" | "brain";
type Known = { owners: Slice[]; why: string };

const NUL_IN_IDS: Known = { owners: ["inputs"], why: "a NUL byte in a string reaches PostgreSQL (22021)" };
const FORGED_CURSOR: Known = {
  owners: ["inputs"],
  why: 'a well-formed cursor with a value of the wrong kind ({"v":"abc"}) reaches Prisma',
};
const NOT_A_FORM: Known = {
  owners: ["boundary", "inputs"],
  why: "a body that is not a form (none, JSON, text/plain, broken multipart) throws in request.formData(); NUL in the URL's id",
};
const REDIRECT_TO: Known = {
  owners: ["boundary"],
  why: "redirectTo=/%E3%80%82 signed in: a non-Latin-1 Location header throws",
};

/** Property name → who fixes it, and why it fails today. */
const KNOWN_FAILURES: Record<string, Known> = {
  // tRPC procedures (tests/fuzz/trpc.test.ts)
  ...Object.fromEntries(
    [
      "accounts.create",
      "accounts.delete",
      "accounts.get",
      "accounts.update",
      "brain.ask",
      "brain.complete",
      "brain.delete",
      "brain.prepare",
      "brain.rename",
      "brain.retry",
      "brain.stream",
      "brain.thread",
      "connections.disconnect",
      "conversations.addMessage",
      "conversations.create",
      "conversations.delete",
      "conversations.get",
      "me.updateProfile",
      "meetings.create",
      "meetings.delete",
      "meetings.get",
      "meetings.update",
      "notes.create",
      "notes.delete",
      "notes.update",
      "opportunities.delete",
      "opportunities.get",
      "opportunities.moveStage",
      "prospects.delete",
      "prospects.get",
      "search.query",
      "sessions.revoke",
    ].map((path) => [`trpc ${path}`, NUL_IN_IDS]),
  ),
  ...Object.fromEntries(
    ["activity.timeline", "conversations.list", "meetings.list", "notes.list", "opportunities.list"].map((path) => [
      `trpc ${path}`,
      { ...FORGED_CURSOR, why: `${FORGED_CURSOR.why}; ${NUL_IN_IDS.why}` },
    ]),
  ),
  "trpc brain.runTool": {
    owners: ["inputs", "brain"],
    why: `${NUL_IN_IDS.why}; name "constructor" passes an \`in\` check`,
  },

  // Form actions and page loaders (tests/fuzz/forms.test.ts)
  ...Object.fromEntries(
    [
      "/accounts/:accountId",
      "/accounts/:accountId/edit",
      "/accounts/:accountId/notes",
      "/accounts/new",
      "/brain",
      "/brain/:threadId",
      "/conversations/:conversationId",
      "/conversations/new",
      "/demo",
      "/forgot-password",
      "/login",
      "/meetings/:meetingId",
      "/meetings/:meetingId/edit",
      "/meetings/new",
      "/opportunities",
      "/opportunities/:opportunityId",
      "/opportunities/:opportunityId/edit",
      "/opportunities/new",
      "/policy/acknowledge",
      "/prospects/:prospectId",
      "/prospects/:prospectId/edit",
      "/prospects/new",
      "/reset-password",
      "/settings/connections",
      "/settings/data/delete",
      "/settings/password",
      "/settings/profile",
      "/settings/sessions",
      "/signup",
    ].map((pattern) => [`POST ${pattern}`, NOT_A_FORM]),
  ),
  ...Object.fromEntries(
    [
      "/accounts/:accountId",
      "/accounts/:accountId/deals",
      "/accounts/:accountId/edit",
      "/accounts/:accountId/notes",
      "/accounts/:accountId/people",
      "/accounts/:accountId/timeline",
      "/brain/:threadId",
      "/conversations/:conversationId",
      "/meetings/:meetingId",
      "/meetings/:meetingId/edit",
      "/opportunities/:opportunityId",
      "/opportunities/:opportunityId/edit",
      "/prospects/:prospectId",
      "/prospects/:prospectId/edit",
    ].map((pattern) => [
      `GET ${pattern}`,
      { owners: ["inputs"], why: `the URL's id is "a\\u0000b": ${NUL_IN_IDS.why}` },
    ]),
  ),
  ...Object.fromEntries(["/login", "/signup", "/forgot-password"].map((pattern) => [`GET ${pattern}`, REDIRECT_TO])),
  "GET /search": { owners: ["inputs"], why: `a generated q may hold a NUL byte: ${NUL_IN_IDS.why}` },

  // The importer (tests/fuzz/import.test.ts)
  "import a NUL byte in a name": { owners: ["inputs"], why: NUL_IN_IDS.why },
  "import employeeCount beyond int4": { owners: ["inputs"], why: "3,000,000,000 does not fit the int4 column" },
  "import year 0000": { owners: ["inputs"], why: "PostgreSQL refuses year 0000 (and pages break on year 0001)" },
  "import two messages with the same externalId": {
    owners: ["inputs"],
    why: "messages' externalId is not validated for duplicates (P2002)",
  },
  "import a 300 kB name (beyond an index row)": { owners: ["inputs"], why: "an index row larger than 8191 bytes" },
  // Generated documents and mutations draw NUL bytes, year 0000 and int4 overflows: on this branch
  // they fail whenever a run draws one (they passed in runs that drew none).
  ...Object.fromEntries(
    [
      "import mutations of the small test workspace",
      "import mutations of the demo seed's workspace",
      "import mutations of ../shared/fixtures/demo-workspace.json",
      "import generated documents",
    ].map((property) => [
      property,
      { owners: ["inputs"], why: "a run may draw a NUL byte, year 0000 or an int4 overflow (see the fixed cases)" },
    ]),
  ),
  "import round trip": {
    owners: ["inputs"],
    why: "re-importing the export after a note was re-pointed at a meeting that has one: unique meetingId (P2002)",
  },
};

/** Why this property is skipped on this branch, or undefined when it runs. */
export function knownFailure(property: string): Known | undefined {
  return SKIP_KNOWN_FAILURES ? KNOWN_FAILURES[property] : undefined;
}

/** A test title's note for a known failure: who fixes it, and why it fails. */
export function knownNote(property: string): string {
  const known = knownFailure(property);
  return known ? ` [known failure, fixed by ${known.owners.join(" + ")}: ${known.why}]` : "";
}
