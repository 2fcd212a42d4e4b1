import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { conversationChannels } from "../../server/data-rights/workspace-format";
import { ChannelBadge } from "../components/conversation-channel";
import { PagerFooter } from "../components/pager";
import { SourceBadge } from "../components/source-badge";
import { ButtonLink, EmptyState, PageHeader } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { formatCount, formatDateTime } from "../utils/format";
import { pageOrFirst, queryChoice } from "../utils/list-params.server";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Conversations · Sales-as-Code" }];

export const PAGE_SIZE = 25;

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const channel = queryChoice(params, "channel", conversationChannels);
  const api = await serverCaller(context);
  const { page, cursor } = await pageOrFirst(params.get("cursor"), (cursor) =>
    api.conversations.list({ limit: PAGE_SIZE, channel, cursor }),
  );
  return { page, channel, isFirstPage: !cursor };
}

const filters: [string | null, string][] = [
  [null, "All"],
  ["email", "Email"],
  ["call", "Calls"],
  ["linkedin", "LinkedIn"],
];

export default function Conversations() {
  const { page, channel, isFirstPage } = useLoaderData<typeof loader>();
  const href = (value: string | null, cursor?: string) => {
    const search = new URLSearchParams({ ...(value ? { channel: value } : {}), ...(cursor ? { cursor } : {}) });
    return `/conversations${search.size ? `?${search}` : ""}`;
  };
  return (
    <>
      <PageHeader
        title="Conversations"
        description="Email threads, calls and LinkedIn messages with your accounts."
        actions={
          <>
            <nav className="flex items-center gap-1 rounded-lg bg-slate-100 p-1" aria-label="Channel">
              {filters.map(([value, label]) => (
                <Link
                  key={label}
                  to={href(value)}
                  aria-current={channel === value ? "page" : undefined}
                  className={`rounded-md px-2.5 py-1 text-sm ${channel === value ? "bg-white font-medium text-slate-900 shadow-sm ring-1 ring-slate-200" : "text-slate-600 hover:text-slate-900"}`}
                >
                  {label}
                </Link>
              ))}
            </nav>
            <ButtonLink to="/conversations/new">Log a conversation</ButtonLink>
          </>
        }
      />
      {page.items.length === 0 ? (
        <EmptyState
          title={isFirstPage ? (channel ? "Nothing on this channel" : "No conversations yet") : "No more conversations"}
        >
          {isFirstPage ? (
            <>
              <Link to="/conversations/new" className="font-medium text-brand-600 hover:underline">
                Log an email or a call
              </Link>{" "}
              to keep it with the account and the deal.
            </>
          ) : (
            <Link to={href(channel)} className="font-medium text-brand-600 hover:underline">
              Back to the first page
            </Link>
          )}
        </EmptyState>
      ) : (
        <>
          <ul
            className="divide-y divide-slate-100 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200"
            data-testid="conversations"
          >
            {page.items.map((conversation) => (
              <li
                key={conversation.id}
                className="flex flex-wrap items-start justify-between gap-3 px-4 py-3"
                data-testid="conversation-row"
              >
                <div className="min-w-0">
                  <div className="flex items-center gap-2">
                    <ChannelBadge channel={conversation.channel} />
                    <Link
                      to={`/conversations/${conversation.id}`}
                      className="truncate font-medium text-slate-900 hover:text-brand-600 hover:underline"
                    >
                      {conversation.subject}
                    </Link>
                    <SourceBadge source={conversation.source} />
                  </div>
                  <p className="mt-0.5 text-sm text-slate-600">
                    {conversation.account ? conversation.account.name : "No account"}
                    {conversation.opportunity ? ` · ${conversation.opportunity.name}` : ""}
                  </p>
                </div>
                <div className="text-right text-xs text-slate-500">
                  <div>{conversation.lastMessageAt ? formatDateTime(conversation.lastMessageAt) : "—"}</div>
                  <div>
                    {formatCount(conversation._count.messages)}{" "}
                    {conversation._count.messages === 1 ? "message" : "messages"}
                  </div>
                </div>
              </li>
            ))}
          </ul>
          <PagerFooter
            frame="page"
            first={isFirstPage ? null : { to: href(channel), label: "Back to the first page" }}
            next={
              page.nextCursor
                ? { to: href(channel, page.nextCursor), label: "More", testId: "conversations-more" }
                : null
            }
          />
        </>
      )}
    </>
  );
}
