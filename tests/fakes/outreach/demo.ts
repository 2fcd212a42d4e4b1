// The fake Outreach API the local demo syncs from (FAKE_OUTREACH), mounted by server/app.ts at
// /dev/fake-outreach (its API at /api/v2, env().outreach.apiBaseUrl) beside the fake's OAuth
// (./oauth.ts), whose tokens it checks: the data is reachable only with a token the demo's
// "Connect Outreach" handshake issued.
//
// One Outreach instance per process, built deterministically from the demo workspace:
//   - users for the OAuth fake's accounts (the API root names the token's user);
//   - the first DEMO_SHARED_ACCOUNTS accounts of the demo workspace with their people (same domains,
//     same emails: syncing links them to the workspace's records), most of them in a sequence at
//     some step (active, paused or finished), with the sequence's mailings and a call;
//   - the generator's own accounts and prospects (new to the workspace);
//   - changes arriving every few minutes (an enrolment moves a step on and its mailing goes out), so
//     a running demo shows incremental polls finding something.
import type { Router } from "express";
import type { WorkspaceDocumentInput } from "../../../server/data-rights/workspace-format";
import type { Env } from "../../../server/env";
import { singleton } from "../../../server/utils/singleton";
import { FakeOutreachApi } from "./api";
import { OutreachData, type StoredResource } from "./data";
import { DEMO_OUTREACH_ACCOUNTS, demoFakeOutreachOAuth } from "./oauth";

/** How often a change lands in the demo instance (a bit more than the default poll interval). */
export const DEMO_CHANGE_INTERVAL_MS = 6 * 60_000;
const DEMO_CHANGES = 1_000;
/** How many of the demo workspace's accounts the instance shares with it. */
export const DEMO_SHARED_ACCOUNTS = 6;

const SEQUENCES = [
  { name: "Data platform – outbound", steps: 5 },
  { name: "Pilot follow-up", steps: 4 },
  { name: "Renewal check-in", steps: 3 },
];
/** The states shared people's enrolments take, in turn (most active, as in a working instance). */
const STATES = ["active", "active", "paused", "active", "finished", "active"] as const;

export type DemoOutreach = {
  api: FakeOutreachApi;
  data: OutreachData;
  /** Applies every planned change due by `now` (the timer calls it; tests may too); returns how many. */
  deliverChanges(now?: number): number;
};

/** The demo's fake Outreach API: one per process (the dev server may load this module twice). */
export function demoFakeOutreachApi(env: Env): Promise<DemoOutreach> {
  return singleton("fake-outreach-api", () => buildDemoOutreach(env, Date.now(), true));
}

/** The router server/app.ts mounts at /dev/fake-outreach (it serves /api/v2 below that). */
export async function demoFakeOutreachApiRouter(env: Env): Promise<Router> {
  return (await demoFakeOutreachApi(env)).api.router();
}

/** Builds the demo instance as of `startedAt`; `timer` schedules the changes over time (off in tests). */
export async function buildDemoOutreach(env: Env, startedAt: number, timer = false): Promise<DemoOutreach> {
  const oauth = demoFakeOutreachOAuth(env);
  const { generateDemoWorkspace } = await import("../../../prisma/seed/demo-workspace");
  const demo = buildDemoData(generateDemoWorkspace(), startedAt);
  const api = new FakeOutreachApi({ verifyToken: oauth.verify, data: demo.data });
  if (timer) setInterval(() => demo.deliverChanges(), Math.min(DEMO_CHANGE_INTERVAL_MS, 60_000)).unref();
  return { api, ...demo };
}

type Enrolment = {
  state: StoredResource;
  prospectId: number;
  sequence: { id: number; steps: number[] };
  subject: string;
};

/** The instance's data, from a workspace document (exported for tests). */
export function buildDemoData(workspace: WorkspaceDocumentInput, startedAt: number): Omit<DemoOutreach, "api"> {
  const [seller, ...others] = DEMO_OUTREACH_ACCOUNTS;
  const [firstName, ...rest] = (seller!.name ?? "Demo Seller").split(" ");
  // The generator's own accounts and people (new to the workspace), a month before the start.
  const data = new OutreachData({
    seed: 1313,
    accounts: 3,
    prospectsPerAccount: 2,
    sequences: 1,
    start: new Date(startedAt - 30 * 86_400_000),
    user: { email: seller!.email, firstName: firstName!, lastName: rest.join(" ") },
  });
  data.now = new Date(startedAt - 14 * 86_400_000);
  const tick = () => data.advance(60_000);
  for (const other of others) {
    const [first, ...last] = (other.name ?? other.email).split(" ");
    data.create("user", { email: other.email, firstName: first, lastName: last.join(" "), name: other.name });
  }
  const userId = data.userId;

  const sequences = SEQUENCES.map(({ name, steps }) => {
    tick();
    const sequence = data.create("sequence", { name, sequenceStepCount: steps, enabled: true });
    const stepIds: number[] = [];
    for (let order = 1; order <= steps; order += 1)
      stepIds.push(
        data.create(
          "sequenceStep",
          { order, stepType: order % 3 === 0 ? "call" : "auto_email" },
          { sequence: { type: "sequence", id: sequence.id } },
        ).id,
      );
    return { id: sequence.id, steps: stepIds };
  });

  const enrolments: Enrolment[] = [];
  const accounts = (workspace.accounts ?? []).filter((a) => a.domain).slice(0, DEMO_SHARED_ACCOUNTS);
  accounts.forEach((account, a) => {
    tick();
    const stored = data.create("account", {
      name: account.name,
      domain: account.domain,
      websiteUrl: `https://www.${account.domain}/`,
      industry: account.industry ?? null,
      numberOfEmployees: account.employeeCount ?? null,
      locality: account.hqCity ?? null,
      description: null,
      tags: [],
    });
    const people = (workspace.prospects ?? []).filter((p) => p.accountId === account.id && p.email).slice(0, 2);
    people.forEach((person, p) => {
      tick();
      const prospect = data.create(
        "prospect",
        {
          firstName: person.firstName ?? null,
          lastName: person.lastName ?? null,
          name: [person.firstName, person.lastName].filter(Boolean).join(" ") || person.email,
          emails: [person.email],
          title: person.title ?? null,
          workPhones: person.phone ? [person.phone] : [],
          mobilePhones: [],
          linkedInUrl: null,
        },
        { account: { type: "account", id: stored.id } },
      );
      const n = a * 2 + p;
      const sequence = sequences[n % sequences.length]!;
      const state = STATES[n % STATES.length]!;
      const step = state === "finished" ? sequence.steps.length : 1 + (n % (sequence.steps.length - 1));
      const sequenceState = data.create(
        "sequenceState",
        { state, stateChangedAt: data.now.toISOString() },
        {
          prospect: { type: "prospect", id: prospect.id },
          sequence: { type: "sequence", id: sequence.id },
          sequenceStep: { type: "sequenceStep", id: sequence.steps[step - 1]! },
          account: { type: "account", id: stored.id },
        },
      );
      const subject = `${account.name} and your data pipelines`;
      for (let m = 1; m <= step; m += 1) {
        tick();
        mailing(data, {
          prospectId: prospect.id,
          sequence,
          state: sequenceState,
          userId,
          subject,
          step: m,
          sender: seller!.email,
        });
      }
      enrolments.push({ state: sequenceState, prospectId: prospect.id, sequence, subject });
      if (p === 0) {
        tick();
        data.create(
          "call",
          {
            direction: "outbound",
            outcome: "Answered",
            note: `Talked through ${account.name}'s evaluation timeline.`,
            dialedAt: data.now.toISOString(),
            answeredAt: data.now.toISOString(),
            completedAt: new Date(data.now.getTime() + 12 * 60_000).toISOString(),
            state: "completed",
          },
          { prospect: { type: "prospect", id: prospect.id }, user: { type: "user", id: userId } },
        );
      }
    });
  });
  data.now = new Date(startedAt - 60_000);

  let next = 0;
  const deliverChanges = (at = Date.now()): number => {
    let delivered = 0;
    const active = () => enrolments.filter((e) => e.state.attributes.state === "active");
    while (next < DEMO_CHANGES && startedAt + (next + 1) * DEMO_CHANGE_INTERVAL_MS <= at) {
      data.now = new Date(Math.max(data.now.getTime() + 1000, startedAt + (next + 1) * DEMO_CHANGE_INTERVAL_MS));
      const candidates = active();
      const enrolment = candidates[next % Math.max(1, candidates.length)];
      if (enrolment) advanceEnrolment(data, enrolment, userId, seller!.email);
      next += 1;
      delivered += 1;
    }
    return delivered;
  };
  return { data, deliverChanges };
}

/** The enrolment's next step goes out (its mailing is delivered); after the last step it finishes. */
function advanceEnrolment(data: OutreachData, enrolment: Enrolment, userId: number, sender: string): void {
  const stepId = enrolment.state.relationships.sequenceStep?.id;
  const current = stepId ? enrolment.sequence.steps.indexOf(stepId) + 1 : 0;
  if (current >= enrolment.sequence.steps.length) {
    data.update("sequenceState", enrolment.state.id, { state: "finished", stateChangedAt: data.now.toISOString() });
    return;
  }
  const step = current + 1;
  data.update(
    "sequenceState",
    enrolment.state.id,
    { stateChangedAt: data.now.toISOString() },
    { sequenceStep: { type: "sequenceStep", id: enrolment.sequence.steps[step - 1]! } },
  );
  mailing(data, { ...enrolment, userId, step, sender });
}

function mailing(
  data: OutreachData,
  m: {
    prospectId: number;
    sequence: { id: number };
    state: StoredResource;
    userId: number;
    subject: string;
    step: number;
    sender: string;
  },
): void {
  const at = data.now.toISOString();
  data.create(
    "mailing",
    {
      subject: m.step === 1 ? m.subject : `Re: ${m.subject}`,
      bodyHtml: `<p>Hi,</p><p>Step ${m.step}: would twenty minutes next week be useful?</p>`,
      bodyText: `Hi,\n\nStep ${m.step}: would twenty minutes next week be useful?`,
      messageId: `<demo-outreach-${m.state.id}-${m.step}@mail.northbeam.example>`,
      state: m.step % 4 === 0 ? "replied" : m.step % 2 === 0 ? "opened" : "delivered",
      mailingType: "sequence",
      deliveredAt: at,
      scheduledAt: null,
      mailboxAddress: m.sender,
    },
    {
      prospect: { type: "prospect", id: m.prospectId },
      sequence: { type: "sequence", id: m.sequence.id },
      sequenceState: { type: "sequenceState", id: m.state.id },
      user: { type: "user", id: m.userId },
    },
  );
}
