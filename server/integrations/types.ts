// The contract between the sync engine and a provider (Gmail, Google Calendar, Salesforce, Outreach).
// A provider knows its API and its cursor; it turns one page of the provider's answer into
// provider-neutral changes. The engine knows everything else: tokens, leases, stages, backoff,
// transactions, counts. Ingest turns changes into the workspace's own records. Nothing here knows
// HTTP or SQL.
import type { ActivityType, IntegrationProvider, OpportunityStage } from "../db/generated/client";

/** A person as a provider names them: an email address (lower-cased by ingest) and a display name. */
export type SyncedPerson = { email: string; name: string | null };

/** One email, parsed: a Gmail message. Its thread becomes a conversation. */
export type SyncedEmail = {
  kind: "email";
  /** The provider's id of the message (Gmail message id). */
  externalId: string;
  /** The provider's id of the thread (Gmail threadId): the conversation's key. */
  threadId: string;
  /** RFC 5322 Message-ID without angle brackets, to merge the same email seen twice. */
  rfcMessageId: string | null;
  subject: string;
  from: SyncedPerson;
  to: SyncedPerson[];
  cc: SyncedPerson[];
  sentAt: Date;
  /** Plain text: HTML converted, quoted history trimmed. */
  body: string;
  /** The quoted history trimmed from `body`, if any. */
  quotedText: string | null;
  attachmentNames: string[];
};

/** One calendar event (one instance of a recurring event): a meeting with attendees. */
export type SyncedMeeting = {
  kind: "meeting";
  /** Unique per connection: the calendar's id and the event's (instance) id. */
  externalId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  organizer: SyncedPerson | null;
  attendees: SyncedPerson[];
  /** The calendar reports the event cancelled (it still had full data). */
  cancelled: boolean;
};

/** The provider reports an email gone (Gmail messageDeleted, or moved to Trash/Spam). */
export type SyncedEmailRemoved = { kind: "email_removed"; externalId: string };

/** The provider reports an event cancelled with only its id (Calendar incremental sync). */
export type SyncedMeetingCancelled = { kind: "meeting_cancelled"; externalId: string };

// ---------------------------------------------------------------------------------------------
// CRM and engagement records (Salesforce, Outreach). Each names its provider object: `objectType`
// (Salesforce's sObject name: "Account", "Contact", "Lead", …; Outreach's resource type: "account",
// "prospect", …) and `externalId`; (objectType, externalId) is unique per connection. A reference to
// another record is an ExternalRef; ingest resolves it through the links it keeps (SyncedRecord).
// Providers send records in dependency order (accounts before people before deals before the rest),
// so a reference usually resolves at once; one that does not is kept in the link and left empty.
// `fields` holds the provider's values mapped onto ours: null means the provider has the field
// empty. Ingest applies a field only when its remote value changed since the last sync (ADR 021).
// ---------------------------------------------------------------------------------------------

/** A record at the provider, by its object type and id. */
export type ExternalRef = { objectType: string; externalId: string };

/** A stage as the CRM names it, and our stage for it when the org's picklist maps it (null: unmapped, shown as named). */
export type SyncedStage = { label: string; mapped: OpportunityStage | null };

export type SyncedAccount = {
  kind: "account";
  objectType: string;
  externalId: string;
  modifiedAt: Date;
  fields: {
    name: string;
    /** As the provider has it (a website or a bare domain); ingest normalises it for matching. */
    domain: string | null;
    industry: string | null;
    employeeCount: number | null;
    hqCity: string | null;
    tier: string | null;
    description: string | null;
  };
};

export type SyncedProspect = {
  kind: "prospect";
  objectType: string;
  externalId: string;
  modifiedAt: Date;
  account: ExternalRef | null;
  fields: {
    firstName: string;
    lastName: string;
    email: string | null;
    title: string | null;
    phone: string | null;
    linkedinUrl: string | null;
  };
};

export type SyncedDeal = {
  kind: "deal";
  objectType: string;
  externalId: string;
  modifiedAt: Date;
  account: ExternalRef | null;
  stage: SyncedStage;
  /**
   * The CRM's own id of this deal when an engagement tool says which CRM deal it mirrors (an Outreach
   * opportunity synced from Salesforce): ingest links it to that Salesforce deal instead of making a
   * second one. Deals are matched by Salesforce id only, never by name.
   */
  crmId?: string | null;
  fields: {
    name: string;
    /** Integer minor units of `currency` (cents), or null. */
    amount: number | null;
    /** ISO 4217, upper-case. */
    currency: string;
    /** YYYY-MM-DD, or null. */
    closeDate: string | null;
    probability: number | null;
    nextStep: string | null;
  };
};

/** One entry of a deal's stage history (Salesforce OpportunityHistory). */
export type SyncedStageChange = {
  kind: "stage_change";
  objectType: string;
  externalId: string;
  deal: ExternalRef;
  stage: SyncedStage;
  at: Date;
};

/** A person on a deal, with their role (Salesforce OpportunityContactRole). */
export type SyncedDealContact = {
  kind: "deal_contact";
  objectType: string;
  externalId: string;
  modifiedAt: Date;
  deal: ExternalRef;
  person: ExternalRef;
  role: string | null;
  isPrimary: boolean;
};

/**
 * Something that happened, for the timeline: a completed Salesforce Task, a logged call (Salesforce
 * Task of subtype Call, Outreach call). A call also becomes a conversation on the call channel, its
 * note the one message.
 */
export type SyncedActivity = {
  kind: "activity";
  objectType: string;
  externalId: string;
  modifiedAt: Date;
  type: Extract<ActivityType, "call_logged" | "task_completed" | "email_sent" | "email_received">;
  subject: string;
  body: string | null;
  occurredAt: Date;
  person: ExternalRef | null;
  /** The person's email, when the provider gives it with the activity (matches a person without a link). */
  personEmail: string | null;
  account: ExternalRef | null;
  deal: ExternalRef | null;
  call: { direction: "inbound" | "outbound" | null; outcome: string | null; durationSeconds: number | null } | null;
};

/** A meeting held in the CRM (Salesforce Event), with the person and record it is about. */
export type SyncedCrmMeeting = {
  kind: "crm_meeting";
  objectType: string;
  externalId: string;
  modifiedAt: Date;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  description: string | null;
  person: ExternalRef | null;
  account: ExternalRef | null;
  deal: ExternalRef | null;
};

/** A person's place in a sequence (Outreach sequenceState). */
export type SyncedSequenceState = {
  kind: "sequence_state";
  objectType: string;
  externalId: string;
  modifiedAt: Date;
  person: ExternalRef;
  sequenceName: string;
  step: number | null;
  totalSteps: number | null;
  /** As the tool names it: active | paused | finished | failed | bounced | opted_out | … */
  state: string;
};

/** The provider deleted a record (Salesforce IsDeleted via queryAll). */
export type SyncedRemoved = { kind: "removed"; objectType: string; externalId: string };

/**
 * An id reconciliation, for what no deletion feed reports (Salesforce's emptied recycle bin, Outreach
 * which has none): a sweep that started at `sweepStartedAt` lists every id of `objectType` still at
 * the provider, in pages of `present`, then ends with `sweep_end`. Ingest then treats every link of
 * that object type created before the sweep and not seen by it as removed. Idempotent: a page read
 * twice marks the same links.
 */
export type SyncedPresent = { kind: "present"; objectType: string; externalIds: string[]; sweepStartedAt: Date };
export type SyncedSweepEnd = { kind: "sweep_end"; objectType: string; sweepStartedAt: Date };

/** What one page of a provider's answer changes. */
export type SyncChange =
  | SyncedEmail
  | SyncedMeeting
  | SyncedEmailRemoved
  | SyncedMeetingCancelled
  | SyncedAccount
  | SyncedProspect
  | SyncedDeal
  | SyncedStageChange
  | SyncedDealContact
  | SyncedActivity
  | SyncedCrmMeeting
  | SyncedSequenceState
  | SyncedRemoved
  | SyncedPresent
  | SyncedSweepEnd;

/** The changes of a CRM or engagement tool (everything but Gmail's and Calendar's kinds). */
export type CrmChange = Exclude<SyncChange, SyncedEmail | SyncedMeeting | SyncedEmailRemoved | SyncedMeetingCancelled>;

const MAIL_AND_CALENDAR_KINDS = new Set<SyncChange["kind"]>(["email", "meeting", "email_removed", "meeting_cancelled"]);

export function isCrmChange(change: SyncChange): change is CrmChange {
  return !MAIL_AND_CALENDAR_KINDS.has(change.kind);
}

/**
 * Why an item was not turned into records. Counted per reason on the Connections page; the sync goes
 * on past every one of them.
 */
export type SkipReason =
  /** The provider's answer for the item did not have the shape its API documents. */
  | "malformed"
  /** The item is larger than we store (a body over the limit is cut, not skipped; this is for more). */
  | "too_large"
  /** A required header or field is missing (no From, no date, no start time). */
  | "missing_field"
  /** Only the user's own colleagues (the user's domain) take part. */
  | "internal_only"
  /** Only personal / free-mail addresses that match no prospect take part. */
  | "personal_only"
  /** No participant matches a prospect or an account's domain. */
  | "no_known_party"
  /** The item is outside the sync window. */
  | "outside_window"
  /** Drafts, chats and other items that are not correspondence. */
  | "not_correspondence"
  /** All-day calendar entries (holidays, out of office): not meetings. */
  | "all_day"
  /** A value the provider's documented set does not have (an unknown picklist value, a type we do not map). */
  | "unknown_value"
  /** A CRM task that is not done yet: a to-do, not something that happened. */
  | "not_done";

export type SkippedItem = { externalId: string; reason: SkipReason };

/** The window a full sync reads (configurable: SYNC_MAIL_DAYS, SYNC_CALENDAR_PAST_DAYS, SYNC_CALENDAR_FUTURE_DAYS). */
export type SyncWindow = { mailSince: Date; calendarFrom: Date; calendarTo: Date };

/** A provider's sync position, stored as JSON on the connection and saved with the page it covers. */
export type SyncCursor = { [key: string]: unknown };

export type SyncStepInput = {
  accessToken: string;
  /** The connection's own API host (Salesforce's instance_url), or null for providers with one host. */
  apiBaseUrl?: string | null;
  /** Null: nothing synced yet (or a full re-sync was asked for): start a full sync. */
  cursor: SyncCursor | null;
  window: SyncWindow;
  now: Date;
  signal: AbortSignal;
};

export type SyncStep = {
  changes: SyncChange[];
  skipped: SkippedItem[];
  /** Where the next step starts; the engine stores it in the same transaction as `changes`. */
  cursor: SyncCursor;
  /** "full" while reading the window (first sync or re-sync), "incremental" afterwards. */
  mode: "full" | "incremental";
  /** True when this step reached the end of what the provider has now: the run can stop. */
  caughtUp: boolean;
  /** How far a full sync has come (items done, the provider's estimate of the total). */
  progress?: { done: number; total: number | null };
  /** Requests this step sent to the provider (for the benchmark and the health panel). */
  requests: number;
};

/** What a token answer said beyond the tokens, for providers whose API is per account (Salesforce). */
export type GrantDetails = {
  /** Salesforce's `instance_url`: where every API call of this connection goes. */
  apiBaseUrl?: string | null;
  /** Salesforce's `id`: the identity URL https://login…/id/<orgId>/<userId>. */
  identityUrl?: string | null;
};

/** The connected account at the provider, for the Connections page ("Connected as …"). */
export type ConnectedAccount = { id: string; name: string };

export interface SyncProvider {
  readonly id: IntegrationProvider;
  /**
   * Who the token belongs to (Gmail: the mailbox address; Calendar: the primary calendar's id;
   * Salesforce: the User named by the grant's identity URL, read at its instance_url).
   */
  connectedAccount(accessToken: string, signal: AbortSignal, grant?: GrantDetails): Promise<ConnectedAccount>;
  /**
   * One bounded step: at most one page of the provider's listing, and the items it names. Throws the
   * errors of ./errors.ts; anything else counts as a temporary failure.
   */
  step(input: SyncStepInput): Promise<SyncStep>;
}
