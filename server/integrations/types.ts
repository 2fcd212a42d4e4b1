// The contract between the sync engine and a provider (Gmail, Google Calendar, Salesforce, Outreach).
// A provider knows its API and its cursor; it turns one page of the provider's answer into
// provider-neutral changes. The engine knows everything else: tokens, leases, stages, backoff,
// transactions, counts. Ingest turns changes into the workspace's own records. Nothing here knows
// HTTP or SQL.
import type { IntegrationProvider } from "../db/generated/client";

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

/** What one page of a provider's answer changes. Salesforce and Outreach add their kinds here. */
export type SyncChange = SyncedEmail | SyncedMeeting | SyncedEmailRemoved | SyncedMeetingCancelled;

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
  | "all_day";

export type SkippedItem = { externalId: string; reason: SkipReason };

/** The window a full sync reads (configurable: SYNC_MAIL_DAYS, SYNC_CALENDAR_PAST_DAYS, SYNC_CALENDAR_FUTURE_DAYS). */
export type SyncWindow = { mailSince: Date; calendarFrom: Date; calendarTo: Date };

/** A provider's sync position, stored as JSON on the connection and saved with the page it covers. */
export type SyncCursor = { [key: string]: unknown };

export type SyncStepInput = {
  accessToken: string;
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

/** The connected account at the provider, for the Connections page ("Connected as …"). */
export type ConnectedAccount = { id: string; name: string };

export interface SyncProvider {
  readonly id: IntegrationProvider;
  /** Who the token belongs to (Gmail: the mailbox address; Calendar: the primary calendar's id). */
  connectedAccount(accessToken: string, signal: AbortSignal): Promise<ConnectedAccount>;
  /**
   * One bounded step: at most one page of the provider's listing, and the items it names. Throws the
   * errors of ./errors.ts; anything else counts as a temporary failure.
   */
  step(input: SyncStepInput): Promise<SyncStep>;
}
