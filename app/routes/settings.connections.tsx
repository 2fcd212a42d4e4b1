import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { TRPCError } from "@trpc/server";
import { useEffect } from "react";
import { ConnectNeedsPro, PausedByPlanNote } from "../components/billing-notes";
import { FormMessage } from "../components/forms";
import { Badge, Button } from "../components/ui";
import { rateLimitedAnswer } from "../utils/auth-forms.server";
import { requireUser } from "../utils/auth.server";
import { onFreePlan } from "../utils/billing-plan.server";
import {
  errorKindSentence,
  pausedSentence,
  skipReasonLabel,
  STALL_SENTENCES,
  stageLabel,
  STATE_LABELS,
  toolOwnerName,
} from "../utils/connection-labels";
import { formatCount, formatDateTime } from "../utils/format";
import { formText } from "../utils/forms.server";
import { serverCaller } from "../utils/trpc.server";
import {
  crmToolsOnThisInstance,
  googleOnThisInstance,
  justConnectedTool,
  planRequiredNotice,
} from "./settings.connections.server";

export const meta: MetaFunction = () => [{ title: "Connections · Settings · Sales-as-Code" }];

/** While anything is syncing, the page asks again this often (with JavaScript; a reload does the same without). */
const REFRESH_WHILE_SYNCING_MS = 4_000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const providers = await (await serverCaller(context)).connections.list();
  return {
    providers,
    free: await onFreePlan(user.id),
    now: new Date().toISOString(),
    google: googleOnThisInstance(),
    crm: crmToolsOnThisInstance(),
    justConnected: justConnectedTool(new URL(request.url)),
    planRequired: planRequiredNotice(new URL(request.url)),
  };
}

const revokedText = {
  yes: "we revoked our access there",
  failed: "the tool did not confirm revoking our access (remove it there too to be sure)",
  not_available: "revoke our access in the tool itself too",
  no_tokens: "we held no access to it",
  shared_grant:
    "the access stays granted at Google because another tool you connected uses the same Google account (disconnect that one too to revoke it there)",
} as const;

/** The two buttons of a connection: Sync now (intent=sync) and Disconnect (the default, P12). */
export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const api = await serverCaller(context);
  const connectionId = formText(form, "connectionId");
  try {
    if (formText(form, "intent") === "sync") {
      const requested = await api.connections.syncNow({ connectionId });
      const entry = (await api.connections.list()).find((p) => p.connection?.id === requested.id);
      return {
        success: `Sync requested for ${entry?.provider.name ?? "the tool"}: it starts within a minute, and this page shows its progress.`,
      };
    }
    const result = await api.connections.disconnect({ connectionId });
    const entry = (await api.connections.list()).find((p) => p.connection?.id === result.id);
    const kept = entry?.syncedRecords.count ?? 0;
    const noun = kept === 1 ? entry?.syncedRecords.singular : entry?.syncedRecords.plural;
    return {
      success:
        `Disconnected ${entry?.provider.name ?? "the tool"}: nothing more is read from it, its tokens are deleted here, and ${revokedText[result.revoked]}. ${
          kept > 0
            ? `The ${formatCount(kept)} ${noun ?? "items"} already synced stay until you delete your account.`
            : ""
        }`.trim(),
    };
  } catch (error) {
    const limited = rateLimitedAnswer(context, error);
    if (limited) return limited;
    // Sync now on Free: the connection stays paused; the message says Pro and where to upgrade.
    if (error instanceof TRPCError && error.code === "PAYMENT_REQUIRED")
      return data({ error: error.message }, { status: 402 });
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) {
      return data(
        {
          error:
            error.code === "NOT_FOUND"
              ? "That connection does not exist (it may have been removed already)."
              : error.message,
        },
        { status: error.code === "NOT_FOUND" ? 404 : 400 },
      );
    }
    throw error;
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Entry = LoaderData["providers"][number];
type Connection = NonNullable<Entry["connection"]>;
type Counts = Connection["totalStats"];

/** P3 and P12: what each tool may read, exactly; its sync health, never rosier than it is; disconnecting any time. */
export default function Connections() {
  const { providers, now, google, crm, justConnected, free, planRequired } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const syncing = providers.some(
    ({ connection }) =>
      connection &&
      (connection.health.state === "connecting" ||
        connection.health.state === "first_sync" ||
        connection.stage !== "idle"),
  );
  useRefreshWhile(syncing);
  return (
    <div className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold text-slate-900">Connected tools</h2>
        <p className="text-sm text-slate-600">
          What each tool lets us read — exactly the permissions we ask for, nothing more — and how its sync is doing.
          Disconnect any of them at any time: reading stops at once.
        </p>
      </div>
      {justConnected ? (
        <FormMessage tone="success" testId="connect-success">
          {justConnected} connected — first sync started. This page shows its progress.
        </FormMessage>
      ) : null}
      {planRequired ? (
        <FormMessage tone="error" testId="connect-plan-required">
          {planRequired}
        </FormMessage>
      ) : null}
      {answer && "success" in answer ? (
        <FormMessage tone="success" testId="disconnect-success">
          {answer.success}
        </FormMessage>
      ) : null}
      {answer && "error" in answer ? <FormMessage tone="error">{answer.error}</FormMessage> : null}
      {answer && "formError" in answer && answer.formError ? (
        <FormMessage tone="error" testId="sync-now-limited">
          {answer.formError}
        </FormMessage>
      ) : null}
      <ul
        className="divide-y divide-slate-100 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200"
        data-testid="connections"
      >
        {providers.map((entry) => (
          <ProviderRow
            key={entry.provider.id}
            entry={entry}
            now={now}
            google={google}
            crm={crm}
            busy={busy}
            free={free}
          />
        ))}
      </ul>
    </div>
  );
}

/** Revalidates every few seconds while `active`, only while the tab is visible. */
function useRefreshWhile(active: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, REFRESH_WHILE_SYNCING_MS);
    return () => clearInterval(timer);
  }, [active, revalidator]);
}

/** Where each tool's Connect button posts. */
const CONNECT_ROUTES: Record<Entry["provider"]["id"], string> = {
  gmail: "/auth/google/connect",
  gcal: "/auth/google/connect",
  salesforce: "/auth/salesforce/connect",
  outreach: "/auth/outreach/connect",
};

/** The README section that says how to set a tool up on an instance. */
const SETUP_SECTIONS: Record<Entry["provider"]["id"], string> = {
  gmail: "Connecting Gmail and Google Calendar",
  gcal: "Connecting Gmail and Google Calendar",
  salesforce: "Connecting Salesforce and Outreach",
  outreach: "Connecting Salesforce and Outreach",
};

function ProviderRow({
  entry,
  now,
  google,
  crm,
  busy,
  free,
}: {
  entry: Entry;
  now: string;
  google: LoaderData["google"];
  crm: LoaderData["crm"];
  busy: boolean;
  free: boolean;
}) {
  const { provider, connection, connectable } = entry;
  const live = connection && connection.status !== "disconnected" ? connection : null;
  const isGoogle = provider.id === "gmail" || provider.id === "gcal";
  const owner = isGoogle ? "Google" : provider.name;
  // Salesforce (the real one): where the seller logs in decides the org; the fake has one.
  const chooseLogin = provider.id === "salesforce" && crm.salesforce && !crm.salesforce.fake;
  return (
    <li className="space-y-3 px-4 py-4" data-testid={`connection-${provider.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <div className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
            {provider.name}
            {connection ? (
              <StatusBadge connection={connection} owner={toolOwnerName(provider.id, provider.name)} />
            ) : null}
          </div>
          <p className="text-sm text-slate-600">{provider.reads}</p>
        </div>
        <div className="flex flex-wrap gap-2">
          {connectable && (!live || live.status === "needs_reauth") && free ? (
            <ConnectNeedsPro providerId={provider.id}>
              {live ? "Reconnect" : `Connect ${provider.name}`} — part of Pro
            </ConnectNeedsPro>
          ) : null}
          {connectable && (!live || live.status === "needs_reauth") && !free ? (
            <Form
              method="post"
              action={CONNECT_ROUTES[provider.id]}
              reloadDocument
              className="flex flex-wrap items-end gap-2"
            >
              {isGoogle ? <input type="hidden" name="provider" value={provider.id} /> : null}
              {chooseLogin ? <SalesforceLoginFields defaultLoginUrl={crm.salesforce!.loginUrl} /> : null}
              <Button type="submit" disabled={busy} data-testid={`connect-${provider.id}`}>
                {live ? "Reconnect" : connection ? `Connect ${provider.name} again` : `Connect ${provider.name}`}
              </Button>
            </Form>
          ) : null}
          {live && live.status !== "needs_reauth" && !live.pausedByPlan ? (
            <Form method="post">
              <input type="hidden" name="intent" value="sync" />
              <input type="hidden" name="connectionId" value={live.id} />
              <Button type="submit" variant="secondary" disabled={busy} data-testid={`sync-now-${provider.id}`}>
                Sync now
              </Button>
            </Form>
          ) : null}
          {live ? (
            <Form method="post">
              <input type="hidden" name="intent" value="disconnect" />
              <input type="hidden" name="connectionId" value={live.id} />
              <Button type="submit" variant="secondary" disabled={busy} data-testid={`disconnect-${provider.id}`}>
                Disconnect
              </Button>
            </Form>
          ) : null}
        </div>
      </div>
      <div className="text-xs text-slate-500">
        Permissions we ask for:{" "}
        <span data-testid={`scopes-${provider.id}`}>
          {provider.scopes.map((scope, i) => (
            <span key={scope}>
              {i > 0 ? ", " : ""}
              <code className="break-all rounded bg-slate-100 px-1 py-0.5 text-slate-700">{scope}</code>
            </span>
          ))}
        </span>
      </div>
      {!connectable && !live ? (
        <p className="text-xs text-slate-500" data-testid={`not-set-up-${provider.id}`}>
          {isGoogle && !google ? "Google" : provider.name} is not set up on this instance, so {provider.name} cannot be
          connected yet (see “{SETUP_SECTIONS[provider.id]}” in the README).
        </p>
      ) : null}
      {connection ? <ConnectionDetails entry={entry} connection={connection} now={now} owner={owner} /> : null}
    </li>
  );
}

/**
 * Salesforce's login host: the instance's default (production unless SALESFORCE_LOGIN_URL says
 * otherwise), a sandbox, or the org's My Domain (checked on the server: https, *.my.salesforce.com).
 */
function SalesforceLoginFields({ defaultLoginUrl }: { defaultLoginUrl: string }) {
  return (
    <>
      <label className="block text-xs font-medium text-slate-600">
        Log in at
        <select
          name="environment"
          defaultValue="production"
          className="mt-1 block rounded-md border border-slate-300 px-2 py-1 text-sm"
          data-testid="salesforce-environment"
        >
          <option value="production">Production ({new URL(defaultLoginUrl).host})</option>
          <option value="sandbox">Sandbox (test.salesforce.com)</option>
          <option value="my_domain">My Domain (enter it →)</option>
        </select>
      </label>
      <label className="block text-xs font-medium text-slate-600">
        My Domain URL (if chosen)
        <input
          type="text"
          name="myDomain"
          inputMode="url"
          placeholder="https://yourcompany.my.salesforce.com"
          className="mt-1 block w-64 rounded-md border border-slate-300 px-2 py-1 text-sm"
          data-testid="salesforce-my-domain"
        />
      </label>
    </>
  );
}

function StatusBadge({ connection, owner }: { connection: Connection; owner: string }) {
  const { state } = connection.health;
  const { label, tone } = STATE_LABELS[state];
  if (connection.pausedByPlan)
    return (
      <span data-testid={`status-${connection.provider}`}>
        <Badge tone="amber">Paused — syncing is part of Pro</Badge>
      </span>
    );
  const until =
    (state === "throttled" || state === "retrying") && connection.nextSyncAt
      ? ` ${state === "throttled" ? "until" : "at"} ${formatDateTime(connection.nextSyncAt)}`
      : "";
  return (
    <span data-testid={`status-${connection.provider}`}>
      <Badge tone={connection.health.stall ? "amber" : tone}>
        {state === "paused"
          ? pausedSentence(owner, connection.nextSyncAt ? formatDateTime(connection.nextSyncAt) : null)
          : `${label}${until}`}
      </Badge>
    </span>
  );
}

function ConnectionDetails({
  entry,
  connection,
  now,
  owner,
}: {
  entry: Entry;
  connection: Connection;
  now: string;
  owner: string;
}) {
  const { provider, syncedRecords } = entry;
  const { state, stall, reconnected } = connection.health;
  if (state === "disconnected") {
    return (
      <div className="text-xs text-slate-500" data-testid={`connection-state-${provider.id}`}>
        {connection.disconnectedAt ? `Disconnected ${formatDateTime(connection.disconnectedAt)}. ` : "Disconnected. "}
        {formatCount(syncedRecords.count)} synced{" "}
        {syncedRecords.count === 1 ? syncedRecords.singular : syncedRecords.plural} kept until you delete your account.
      </div>
    );
  }
  const errorSentence = errorKindSentence(connection.lastErrorKind, owner);
  const showError =
    state === "throttled" ||
    state === "retrying" ||
    state === "failed" ||
    state === "needs_reauth" ||
    state === "paused";
  const running = connection.stage !== "idle";
  return (
    <div className="space-y-2 text-sm text-slate-700" data-testid={`connection-state-${provider.id}`}>
      {connection.pausedByPlan ? <PausedByPlanNote providerId={provider.id} /> : null}
      {stall && !connection.pausedByPlan ? (
        <FormMessage tone="error" testId={`stall-${provider.id}`}>
          {STALL_SENTENCES[stall]}
        </FormMessage>
      ) : null}
      {state === "needs_reauth" ? (
        <p className="text-red-700">
          {owner} no longer accepts our access to {provider.name}, so syncing has stopped. Press Reconnect to give
          access again; the next sync then reads the whole window again and merges with what is already here.
        </p>
      ) : null}
      {state === "failed" ? (
        <p className="text-red-700">
          Syncing stopped after {formatCount(connection.consecutiveFailures)} failed{" "}
          {connection.consecutiveFailures === 1 ? "try" : "tries"} in a row. Press Sync now to try again.
        </p>
      ) : null}
      {showError && (errorSentence || connection.lastSyncError) ? (
        <p data-testid={`last-error-${provider.id}`}>
          <span className="font-medium">
            Last error{connection.lastErrorAt ? ` (${formatDateTime(connection.lastErrorAt)})` : ""}:
          </span>{" "}
          {errorSentence}
          {connection.lastSyncError ? (
            <span className="text-slate-500"> Detail: {connection.lastSyncError}</span>
          ) : null}
        </p>
      ) : null}
      {(state === "connecting" || state === "first_sync") && reconnected ? (
        <p data-testid={`full-sync-note-${provider.id}`}>
          Reconnected: this sync reads the whole window again and merges with what was synced before — nothing is
          duplicated or deleted.
        </p>
      ) : null}
      {state === "connecting" ? <p>Connected. The first sync starts in a moment.</p> : null}
      {state === "first_sync" ? <FirstSyncProgress connection={connection} /> : null}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-xs text-slate-600">
        <dt className="font-medium text-slate-500">Connected</dt>
        <dd>
          {formatDateTime(connection.connectedAt)}
          {connection.externalAccountName ? ` as ${connection.externalAccountName}` : ""}
        </dd>
        <dt className="font-medium text-slate-500">Last successful sync</dt>
        <dd data-testid={`last-success-${provider.id}`}>
          {connection.lastSyncFinishedAt ? formatDateTime(connection.lastSyncFinishedAt) : "Not yet"}
        </dd>
        <dt className="font-medium text-slate-500">Now</dt>
        <dd data-testid={`stage-${provider.id}`}>
          {stageLabel(connection.stage)}
          {running && connection.stageStartedAt ? ` (since ${formatDateTime(connection.stageStartedAt)})` : ""}
        </dd>
        <dt className="font-medium text-slate-500">Next attempt</dt>
        <dd data-testid={`next-attempt-${provider.id}`}>{nextAttemptText(connection, now)}</dd>
      </dl>
      <CountsTable last={connection.lastRunStats} total={connection.totalStats} providerId={provider.id} />
      {connection.syncNowAvailableAt ? (
        <p className="text-xs text-slate-500">
          Sync now was pressed less than a minute ago; it can be pressed again at{" "}
          {formatDateTime(connection.syncNowAvailableAt)}.
        </p>
      ) : null}
    </div>
  );
}

function nextAttemptText(connection: Connection, now: string): string {
  const { state } = connection.health;
  if (connection.pausedByPlan) return "None until you choose a plan (Settings → Billing)";
  if (state === "needs_reauth") return "None until you reconnect";
  if (state === "failed") return "None until you press Sync now";
  if (state === "paused" && connection.nextSyncAt && new Date(connection.nextSyncAt) > new Date(now))
    return `${formatDateTime(connection.nextSyncAt)} (when the allowance renews)`;
  if (connection.stage !== "idle") return "Running now";
  if (!connection.nextSyncAt) return "Not scheduled";
  const attempt =
    state === "retrying" || state === "throttled"
      ? ` (try ${formatCount(connection.consecutiveFailures + 1)} of ${formatCount(connection.maxAttempts)})`
      : "";
  return new Date(connection.nextSyncAt) <= new Date(now)
    ? `Due now${attempt}`
    : `${formatDateTime(connection.nextSyncAt)}${attempt}`;
}

function FirstSyncProgress({ connection }: { connection: Connection }) {
  const done = connection.progressDone ?? 0;
  const total = connection.progressTotal;
  const text =
    total !== null && total > 0
      ? `${formatCount(Math.min(done, total))} of ${formatCount(total)} items read`
      : `${formatCount(done)} items read so far`;
  return (
    <div className="space-y-1" data-testid={`progress-${connection.provider}`}>
      <label className="block text-xs font-medium text-slate-600">
        First sync: {text}
        {total !== null && total > 0 ? (
          <progress className="mt-1 block h-2 w-full max-w-sm" value={Math.min(done, total)} max={total}>
            {text}
          </progress>
        ) : (
          <progress className="mt-1 block h-2 w-full max-w-sm">{text}</progress>
        )}
      </label>
    </div>
  );
}

function CountsTable({ last, total, providerId }: { last: Counts; total: Counts; providerId: string }) {
  if (!last && !total) return null;
  const rows: [string, (c: NonNullable<Counts>) => number][] = [
    ["Fetched", (c) => c.fetched],
    ["Created", (c) => c.created],
    ["Updated", (c) => c.updated],
    ["Deleted", (c) => c.deleted],
    ["Skipped", (c) => Object.values(c.skipped).reduce((sum, n) => sum + n, 0)],
  ];
  const cell = (counts: Counts, read: (c: NonNullable<Counts>) => number) => (counts ? formatCount(read(counts)) : "—");
  const reasons = [...new Set([...Object.keys(last?.skipped ?? {}), ...Object.keys(total?.skipped ?? {})])].filter(
    (reason) => (last?.skipped[reason] ?? 0) + (total?.skipped[reason] ?? 0) > 0,
  );
  return (
    <div className="space-y-1" data-testid={`counts-${providerId}`}>
      <table className="text-xs text-slate-600">
        <thead>
          <tr>
            <th scope="col" className="pr-4 text-left font-medium text-slate-500">
              Items
            </th>
            <th scope="col" className="pr-4 text-right font-medium text-slate-500">
              Last run
            </th>
            <th scope="col" className="text-right font-medium text-slate-500">
              In total
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, read]) => (
            <tr key={label}>
              <th scope="row" className="pr-4 text-left font-normal">
                {label}
              </th>
              <td className="pr-4 text-right tabular-nums">{cell(last, read)}</td>
              <td className="text-right tabular-nums">{cell(total, read)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {reasons.length > 0 ? (
        <ul className="text-xs text-slate-500" data-testid={`skipped-${providerId}`}>
          {reasons.map((reason) => (
            <li key={reason}>
              Skipped — {skipReasonLabel(reason)}: {formatCount(last?.skipped[reason] ?? 0)} last run,{" "}
              {formatCount(total?.skipped[reason] ?? 0)} in total
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
