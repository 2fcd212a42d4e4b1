import { describe, expect, it } from "vitest";
import {
  activityTypes,
  idPrefixes,
  opportunityStages,
  workspaceDocumentSchema,
  type WorkspaceDocument,
} from "../../server/data-rights/workspace-format";
import { DEMO_OWNER, DEMO_REFERENCE_DATE, generateDemoWorkspace } from "./demo-workspace";

const DAY = 24 * 60 * 60 * 1000;
const referenceMs = Date.parse(DEMO_REFERENCE_DATE);

/** The generated document as a reader sees it: parsed once, so every test works on validated data. */
function parsedDocument(): WorkspaceDocument {
  const result = workspaceDocumentSchema.safeParse(generateDemoWorkspace());
  if (!result.success) throw new Error(JSON.stringify(result.error.issues.slice(0, 10), null, 2));
  return result.data;
}

const doc = parsedDocument();
const ms = (iso: string) => Date.parse(iso);

describe("demo workspace", () => {
  it("passes the workspace schema with no issues", () => {
    const result = workspaceDocumentSchema.safeParse(generateDemoWorkspace());
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it("is deterministic", () => {
    expect(generateDemoWorkspace()).toEqual(generateDemoWorkspace());
    expect(JSON.stringify(generateDemoWorkspace())).toBe(JSON.stringify(generateDemoWorkspace()));
  });

  it("carries its header", () => {
    const raw = generateDemoWorkspace();
    expect(raw.format).toBe("salesascode.workspace");
    expect(raw.version).toBe(1);
    expect(raw.referenceDate).toBe(DEMO_REFERENCE_DATE);
    expect(raw.exportedAt).toBe(DEMO_REFERENCE_DATE);
    expect(raw.owner).toEqual({ name: DEMO_OWNER.name, email: DEMO_OWNER.email });
  });

  it("meets the minimum sizes", () => {
    const emails = doc.conversations.filter((c) => c.channel === "email");
    expect(doc.accounts.length).toBeGreaterThanOrEqual(24);
    expect(doc.prospects.length).toBeGreaterThanOrEqual(90);
    expect(doc.opportunities.length).toBeGreaterThanOrEqual(36);
    expect(doc.conversations.length).toBeGreaterThanOrEqual(60);
    expect(emails.length).toBeGreaterThan(doc.conversations.length / 2);
    expect(emails.flatMap((c) => c.messages).length).toBeGreaterThanOrEqual(180);
    for (const thread of emails) {
      expect(thread.messages.length).toBeGreaterThanOrEqual(2);
      expect(thread.messages.length).toBeLessThanOrEqual(6);
    }
    expect(doc.conversations.some((c) => c.channel === "call")).toBe(true);
    expect(doc.conversations.some((c) => c.channel === "linkedin")).toBe(true);
    expect(doc.meetings.length).toBeGreaterThanOrEqual(45);
    expect(doc.activities.length).toBeGreaterThanOrEqual(340);
    expect(new Set(doc.activities.map((a) => a.type))).toEqual(new Set(activityTypes));
    expect(doc.notes.filter((n) => !n.meetingId && n.accountId).length).toBeGreaterThan(0);
  });

  it("covers every stage, with several open deals per open stage and loss reasons on lost deals", () => {
    const byStage = new Map<string, number>();
    for (const o of doc.opportunities) byStage.set(o.stage, (byStage.get(o.stage) ?? 0) + 1);
    for (const stage of opportunityStages) expect(byStage.get(stage) ?? 0, stage).toBeGreaterThanOrEqual(2);
    for (const o of doc.opportunities.filter((o) => o.stage === "closed_lost")) expect(o.lossReason).toBeTruthy();
  });

  it("keeps opportunities consistent with their stage", () => {
    const today = DEMO_REFERENCE_DATE.slice(0, 10);
    const open = doc.opportunities.filter((o) => !o.stage.startsWith("closed"));
    for (const o of doc.opportunities) {
      const history = o.stageHistory ?? [];
      expect(history.length).toBeGreaterThan(0);
      expect(history[history.length - 1]?.stage).toBe(o.stage);
      const times = history.map((h) => ms(h.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      for (const t of times) expect(t).toBeLessThan(referenceMs);
      expect(Number.isInteger(o.amount)).toBe(true);
      if (o.stage === "closed_won") expect(o.probability).toBe(100);
      if (o.stage === "closed_lost") expect(o.probability).toBe(0);
      if (o.stage.startsWith("closed")) expect(o.closeDate! < today).toBe(true);
    }
    expect(open.filter((o) => o.closeDate! < today).length).toBeGreaterThanOrEqual(2);
    expect(open.filter((o) => o.closeDate! >= today && o.closeDate! <= "2026-01-31").length).toBeGreaterThanOrEqual(2);
    expect(doc.opportunities.filter((o) => (o.amount ?? 0) > 100_000_000).length).toBeGreaterThanOrEqual(2);
  });

  it("has upcoming meetings, some within a week, and the rest in the past", () => {
    const upcoming = doc.meetings.filter((m) => ms(m.startsAt) > referenceMs);
    expect(upcoming.length).toBeGreaterThanOrEqual(10);
    expect(upcoming.filter((m) => ms(m.startsAt) - referenceMs <= 7 * DAY).length).toBeGreaterThanOrEqual(3);
    for (const m of upcoming) expect(ms(m.startsAt) - referenceMs).toBeLessThanOrEqual(22 * DAY);
    expect(doc.meetings.length - upcoming.length).toBeGreaterThanOrEqual(30);
  });

  it("has accounts with open deals and no activity for at least 14 days", () => {
    const quiet = doc.accounts.filter((account) => {
      const hasOpenDeal = doc.opportunities.some((o) => o.accountId === account.id && !o.stage.startsWith("closed"));
      const latest = Math.max(0, ...doc.activities.filter((a) => a.accountId === account.id).map((a) => ms(a.at)));
      return hasOpenDeal && referenceMs - latest >= 14 * DAY;
    });
    expect(quiet.length).toBeGreaterThanOrEqual(3);
  });

  it("keeps past timestamps in the past and createdAt ≤ updatedAt", () => {
    const records = [
      ...doc.accounts,
      ...doc.prospects,
      ...doc.opportunities,
      ...doc.conversations,
      ...doc.meetings,
      ...doc.notes,
      ...doc.activities,
    ];
    for (const r of records) {
      expect(ms(r.createdAt), r.id).toBeLessThanOrEqual(ms(r.updatedAt));
      expect(ms(r.updatedAt), r.id).toBeLessThanOrEqual(referenceMs);
      expect(r.createdAt.endsWith("Z")).toBe(true);
    }
    for (const a of doc.activities) expect(ms(a.at)).toBeLessThanOrEqual(referenceMs);
    for (const c of doc.conversations) {
      const times = c.messages.map((m) => ms(m.sentAt));
      for (let i = 1; i < times.length; i++) expect(times[i]!, c.id).toBeGreaterThan(times[i - 1]!);
      for (const t of times) expect(t).toBeLessThanOrEqual(referenceMs);
    }
  });

  it("gives every record a unique, well-formed id", () => {
    const ids = [
      ...doc.accounts.map((r) => [idPrefixes.accounts, r.id] as const),
      ...doc.prospects.map((r) => [idPrefixes.prospects, r.id] as const),
      ...doc.opportunities.map((r) => [idPrefixes.opportunities, r.id] as const),
      ...doc.conversations.map((r) => [idPrefixes.conversations, r.id] as const),
      ...doc.conversations.flatMap((c) => c.messages.map((m) => [idPrefixes.messages, m.id] as const)),
      ...doc.meetings.map((r) => [idPrefixes.meetings, r.id] as const),
      ...doc.notes.map((r) => [idPrefixes.notes, r.id] as const),
      ...doc.activities.map((r) => [idPrefixes.activities, r.id] as const),
    ];
    for (const [prefix, id] of ids) expect(id).toMatch(new RegExp(`^${prefix}[a-z0-9]{8}$`));
    expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
  });

  it("has unique (source, externalId) pairs, present exactly on provider records", () => {
    const seen = new Set<string>();
    const claim = (source: string, externalId: string | null | undefined, where: string) => {
      if (source === "manual") {
        expect(externalId ?? null, where).toBeNull();
        return;
      }
      expect(externalId, where).toBeTruthy();
      const key = `${source}:${externalId}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    };
    for (const section of [
      doc.accounts,
      doc.prospects,
      doc.opportunities,
      doc.conversations,
      doc.meetings,
      doc.notes,
      doc.activities,
    ]) {
      for (const r of section) claim(r.source, r.externalId, r.id);
    }
    // Messages are stored under their conversation's source.
    for (const c of doc.conversations) for (const m of c.messages) claim(c.source, m.externalId, m.id);

    const formats: Record<string, RegExp> = {
      gmail: /^[0-9a-f]{16}$/,
      gcal: /^[a-z0-9]{26}$/,
      outreach: /^\d+$/,
      salesforce: /^(001|003|006|008|00T)[A-Za-z0-9]{15}$/,
    };
    for (const key of seen) {
      const [source, externalId] = key.split(/:(.*)/s) as [string, string];
      expect(externalId).toMatch(formats[source]!);
    }
    expect(doc.accounts.every((a) => a.source !== "salesforce" || a.externalId?.startsWith("001"))).toBe(true);
    expect(doc.prospects.every((p) => p.source !== "salesforce" || p.externalId?.startsWith("003"))).toBe(true);
    expect(doc.opportunities.every((o) => o.source !== "salesforce" || o.externalId?.startsWith("006"))).toBe(true);
  });

  it("resolves every reference to a record of the file", () => {
    const accounts = new Set(doc.accounts.map((a) => a.id));
    const prospects = new Map(doc.prospects.map((p) => [p.id, p]));
    const opportunities = new Map(doc.opportunities.map((o) => [o.id, o]));
    const meetings = new Map(doc.meetings.map((m) => [m.id, m]));
    const notes = new Map(doc.notes.map((n) => [n.id, n]));
    const problems: string[] = [];
    const ref = (ok: boolean, what: string) => {
      if (!ok) problems.push(what);
    };
    /** An optional reference: absent, or the id of a record in `table`. */
    const optional = (id: string | null | undefined, table: { has(id: string): boolean }, what: string) =>
      ref(id == null || table.has(id), what);
    /** An opportunity's conversations, meetings, notes and activities belong to its account. */
    const sameAccount = (
      accountId: string | null | undefined,
      opportunityId: string | null | undefined,
      what: string,
    ) => {
      if (opportunityId == null) return;
      ref(opportunities.get(opportunityId)?.accountId === accountId, `${what}: opportunity of another account`);
    };

    for (const p of doc.prospects) optional(p.accountId, accounts, `${p.id}.accountId`);
    for (const o of doc.opportunities) optional(o.accountId, accounts, `${o.id}.accountId`);
    for (const c of doc.conversations) {
      optional(c.accountId, accounts, `${c.id}.accountId`);
      optional(c.opportunityId, opportunities, `${c.id}.opportunityId`);
      sameAccount(c.accountId, c.opportunityId, c.id);
      for (const participant of c.participants ?? []) {
        ref(participant === DEMO_OWNER.email || prospects.has(participant), `${c.id}.participants ${participant}`);
      }
    }
    for (const m of doc.meetings) {
      optional(m.accountId, accounts, `${m.id}.accountId`);
      optional(m.opportunityId, opportunities, `${m.id}.opportunityId`);
      sameAccount(m.accountId, m.opportunityId, m.id);
      for (const attendee of m.attendees ?? []) ref(prospects.has(attendee), `${m.id}.attendees ${attendee}`);
      optional(m.notesId, notes, `${m.id}.notesId`);
    }
    for (const n of doc.notes) {
      optional(n.meetingId, meetings, `${n.id}.meetingId`);
      optional(n.accountId, accounts, `${n.id}.accountId`);
      optional(n.opportunityId, opportunities, `${n.id}.opportunityId`);
      optional(n.prospectId, prospects, `${n.id}.prospectId`);
      ref(n.meetingId != null || n.accountId != null, `${n.id}: neither meeting nor account`);
      sameAccount(n.accountId, n.opportunityId, n.id);
      if (n.meetingId)
        ref(meetings.get(n.meetingId)?.accountId === n.accountId, `${n.id}: account differs from its meeting's`);
    }
    for (const a of doc.activities) {
      optional(a.accountId, accounts, `${a.id}.accountId`);
      optional(a.prospectId, prospects, `${a.id}.prospectId`);
      optional(a.opportunityId, opportunities, `${a.id}.opportunityId`);
      sameAccount(a.accountId, a.opportunityId, a.id);
      if (a.prospectId)
        ref(prospects.get(a.prospectId)?.accountId === a.accountId, `${a.id}: prospect of another account`);
    }
    expect(problems).toEqual([]);
  });

  it("pairs every meeting with its notes and every meeting note with its meeting", () => {
    const notesById = new Map(doc.notes.map((n) => [n.id, n]));
    for (const m of doc.meetings) {
      expect(m.notesId, m.id).toBeTruthy();
      expect(notesById.get(m.notesId!)?.meetingId, m.id).toBe(m.id);
    }
    const meetingsById = new Map(doc.meetings.map((m) => [m.id, m]));
    for (const n of doc.notes.filter((n) => n.meetingId)) expect(meetingsById.get(n.meetingId!)?.notesId).toBe(n.id);
    expect(new Set(doc.notes.map((n) => n.meetingId).filter(Boolean)).size).toBe(doc.meetings.length);
  });

  it("sends messages only between the owner and prospects", () => {
    const prospectEmails = new Set(doc.prospects.map((p) => p.email));
    const known = (address: string) => address === DEMO_OWNER.email || prospectEmails.has(address);
    for (const c of doc.conversations) {
      for (const m of c.messages) {
        expect(known(m.from), `${m.id} from ${m.from}`).toBe(true);
        expect(m.to.length).toBeGreaterThan(0);
        for (const to of m.to) expect(known(to), `${m.id} to ${to}`).toBe(true);
        expect(m.from === DEMO_OWNER.email || m.to.includes(DEMO_OWNER.email), m.id).toBe(true);
      }
    }
  });

  it("uses only fictional .example domains", () => {
    for (const a of doc.accounts) expect(a.domain).toMatch(/\.example$/);
    for (const p of doc.prospects) {
      expect(p.email).toMatch(/@[a-z0-9.-]+\.example$/);
      expect(p.linkedinUrl).toMatch(/^https:\/\/linkedin\.example\/in\//);
    }
  });
});
