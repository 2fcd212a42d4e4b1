// The brain pages' form handling on the server: the no-JavaScript path asks, then reads the whole
// answer stream in-process before redirecting, so the conversation arrives complete.
import { data, redirect } from "@remix-run/node";
import { TRPCError } from "@trpc/server";
import { env } from "../../server/env";
import type { BrainFormAnswer } from "../components/brain-composer";
import { notFound } from "../utils/api-errors.server";
import { safeRedirectPath } from "../utils/auth.server";
import { apiFieldErrors, formText } from "../utils/forms.server";
import { withToast } from "../utils/toasts";
import type { ServerApi } from "../utils/trpc.server";

/** Where browsers call Claude with a user's own key (also what the pages' CSP allows). */
export function browserClaudeBaseUrl(): string {
  return env().ANTHROPIC_BROWSER_BASE_URL;
}

/** Reads an answer's stream to its end (the server writes and stores it meanwhile). */
export async function answerInFull(api: ServerApi, assistantMessageId: string) {
  let done = null;
  for await (const event of await api.brain.stream({ assistantMessageId })) {
    if (event.type === "done") done = event;
  }
  return done;
}

function refuse(answer: BrainFormAnswer) {
  return data(answer, { status: 400 });
}

/** A refusal from the API as the form's answer: 404 for what is not the user's, 400 with messages, else rethrown. */
function answerError(error: unknown, answer: BrainFormAnswer) {
  if (error instanceof TRPCError && error.code === "NOT_FOUND") throw notFound();
  const errors = apiFieldErrors(error);
  if (!errors) throw error;
  const { fieldErrors, formError } = errors;
  // A refused record reference (not one of the user's accounts) reads best as the form's message.
  const scopeError =
    fieldErrors.accountId ?? fieldErrors.opportunityId ?? fieldErrors.threadId ?? fieldErrors.assistantMessageId;
  return refuse({ ...answer, fieldErrors, ...(formError || scopeError ? { formError: formError ?? scopeError } : {}) });
}

/** "ask": a question (a new thread, optionally about an account or deal, or a follow-up in `threadId`). */
export async function askFromForm(api: ServerApi, form: FormData, threadId: string | null) {
  // An example button posts its question as `example`; the text box posts `question`.
  const question = formText(form, "question").trim() || formText(form, "example").trim();
  const accountId = threadId ? "" : formText(form, "accountId");
  const opportunityId = threadId ? "" : formText(form, "opportunityId");
  const fields = { question, ...(accountId ? { accountId } : {}), ...(opportunityId ? { opportunityId } : {}) };
  let asked: { threadId: string; assistantMessageId: string };
  try {
    asked = await api.brain.ask({
      question,
      threadId,
      accountId: accountId || null,
      opportunityId: opportunityId || null,
    });
  } catch (error) {
    return answerError(error, { intent: "ask", fields });
  }
  await answerInFull(api, asked.assistantMessageId);
  return redirect(`/brain/${asked.threadId}`);
}

/** "retry": answers the question of a failed or stopped answer again, in full. */
export async function retryFromForm(api: ServerApi, form: FormData) {
  let next: { threadId: string; assistantMessageId: string };
  try {
    next = await api.brain.retry({ assistantMessageId: formText(form, "assistantMessageId") });
  } catch (error) {
    return answerError(error, { intent: "retry" });
  }
  await answerInFull(api, next.assistantMessageId);
  return redirect(`/brain/${next.threadId}`);
}

/** "rename": a thread's new title; back to the page the form was on. */
export async function renameFromForm(api: ServerApi, form: FormData) {
  const threadId = formText(form, "threadId");
  const title = formText(form, "title");
  try {
    await api.brain.rename({ threadId, title });
  } catch (error) {
    return answerError(error, { intent: "rename", threadId, fields: { title } });
  }
  return redirect(withToast(safeRedirectPath(form.get("redirectTo"), "/brain"), "brain-renamed"));
}

/** "delete": a thread and its messages; away from it if it was open. */
export async function deleteFromForm(api: ServerApi, form: FormData) {
  const threadId = formText(form, "threadId");
  try {
    await api.brain.delete({ threadId });
  } catch (error) {
    return answerError(error, { intent: "delete", threadId });
  }
  const back = safeRedirectPath(form.get("redirectTo"), "/brain");
  const wasOpen = new URL(back, "http://x").pathname === `/brain/${threadId}`;
  return redirect(withToast(wasOpen ? "/brain" : back, "brain-deleted"));
}
