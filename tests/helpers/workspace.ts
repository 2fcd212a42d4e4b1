// A small, hand-written workspace document covering every section and reference kind, for tests
// that need to know exactly what is in the file.
import type { WorkspaceDocumentInput } from "../../server/data-rights/workspace-format";

export const SMALL_REFERENCE_DATE = "2026-03-02T09:00:00Z";

export function smallWorkspace(): WorkspaceDocumentInput {
  const t = "2026-02-20T10:00:00Z";
  return {
    format: "salesascode.workspace",
    version: 1,
    exportedAt: SMALL_REFERENCE_DATE,
    referenceDate: SMALL_REFERENCE_DATE,
    owner: { name: "Sam Seller", email: "sam@vendor.example" },
    accounts: [
      { id: "acc_acme", name: "Acme Logistics", domain: "acme.example", industry: "Logistics", employeeCount: 1200, hqCity: "Denver, CO", tier: "enterprise", description: "Freight and warehousing.", ownerNotes: "Renewal in Q3.", source: "salesforce", externalId: "001A", createdAt: t, updatedAt: t },
      { id: "acc_bolt", name: "Bolt Energy", domain: "bolt.example", source: "manual", createdAt: t, updatedAt: t },
    ],
    prospects: [
      { id: "pro_ana", accountId: "acc_acme", firstName: "Ana", lastName: "Ruiz", title: "VP Operations", email: "Ana.Ruiz@acme.example", role: "champion", status: "active", source: "salesforce", externalId: "003A", createdAt: t, updatedAt: t },
      { id: "pro_ben", accountId: "acc_acme", firstName: "Ben", lastName: "Okafor", title: "CFO", email: "ben@acme.example", role: "economic_buyer", status: "active", source: "salesforce", externalId: "003B", createdAt: t, updatedAt: t },
      { id: "pro_cy", accountId: "acc_bolt", firstName: "Cy", lastName: "Lam", email: "cy@bolt.example", role: "technical_evaluator", source: "manual", createdAt: t, updatedAt: t },
    ],
    opportunities: [
      {
        id: "opp_acme", accountId: "acc_acme", name: "Acme Logistics – Platform", stage: "evaluation", amount: 4_800_000_00, currency: "USD",
        closeDate: "2026-03-31", probability: 40, nextStep: "Security review", lossReason: null,
        stageHistory: [{ stage: "discovery", at: "2026-01-05T10:00:00Z" }, { stage: "evaluation", at: "2026-02-01T10:00:00Z" }],
        source: "salesforce", externalId: "006A", createdAt: t, updatedAt: t,
      },
      { id: "opp_bolt", accountId: "acc_bolt", name: "Bolt Energy – Pilot", stage: "closed_lost", amount: 900_000, currency: "EUR", closeDate: "2026-01-15", probability: 0, lossReason: "No budget", source: "manual", createdAt: t, updatedAt: t },
    ],
    conversations: [
      {
        id: "cnv_acme", accountId: "acc_acme", opportunityId: "opp_acme", channel: "email", subject: "Security questionnaire",
        participants: ["pro_ana", "sam@vendor.example"], source: "gmail", externalId: "thread-1", createdAt: t, updatedAt: t,
        messages: [
          { id: "msg_1", from: "sam@vendor.example", to: ["ana.ruiz@acme.example"], sentAt: "2026-02-20T10:00:00Z", body: "Hi Ana, attached is our SOC 2 report." },
          { id: "msg_2", from: "ana.ruiz@acme.example", to: ["sam@vendor.example"], sentAt: "2026-02-21T09:30:00Z", body: "Thanks Sam — procurement will review it this week." },
        ],
      },
    ],
    meetings: [
      {
        id: "mtg_acme", accountId: "acc_acme", opportunityId: "opp_acme", title: "Acme – security deep dive", startsAt: "2026-03-04T15:00:00Z",
        endsAt: "2026-03-04T16:00:00Z", attendees: ["pro_ana", "pro_ben"], location: "https://meet.example/abc", notesId: "note_mtg",
        source: "gcal", externalId: "evt1", createdAt: t, updatedAt: t,
      },
    ],
    notes: [
      { id: "note_mtg", meetingId: "mtg_acme", accountId: "acc_acme", opportunityId: "opp_acme", body: "- Walk through SSO\n- Ben wants a 2-year term", source: "manual", createdAt: t, updatedAt: t },
      { id: "note_bolt", accountId: "acc_bolt", body: "Revisit after their budget cycle.", source: "manual", createdAt: t, updatedAt: t },
    ],
    activities: [
      { id: "act_1", type: "email_sent", at: "2026-02-20T10:00:00Z", accountId: "acc_acme", prospectId: "pro_ana", opportunityId: "opp_acme", summary: "Email sent to Ana Ruiz: SOC 2 report", source: "gmail", externalId: "gm-1", createdAt: t, updatedAt: t },
      { id: "act_2", type: "stage_changed", at: "2026-02-01T10:00:00Z", accountId: "acc_acme", opportunityId: "opp_acme", summary: "Stage changed from discovery to evaluation", source: "salesforce", externalId: "00T1", createdAt: t, updatedAt: t },
      { id: "act_3", type: "task_completed", at: "2026-02-22T10:00:00Z", accountId: "acc_bolt", summary: "Task completed: send recap", source: "manual", createdAt: t, updatedAt: t },
    ],
  };
}
