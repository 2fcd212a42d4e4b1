import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { FormMessage, SubmitButton, TextField } from "../components/forms";
import { Badge, Card } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { formatDate } from "../utils/format";
import { apiFieldErrors, formAnswer, formText } from "../utils/forms.server";
import { withToast } from "../utils/toasts";
import { serverCaller } from "../utils/trpc.server";

export const meta: MetaFunction = () => [{ title: "Profile · Settings · Sales-as-Code" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const api = await serverCaller(context);
  const [me, newerPolicy] = await Promise.all([api.me.profile(), api.me.policyNotice()]);
  return {
    name: me.name,
    email: me.email,
    createdAt: me.createdAt,
    hasPassword: me.hasPassword,
    googleEmails: me.identities.filter((identity) => identity.provider === "google").map((identity) => identity.email),
    policyAcknowledged: me.policyAcknowledged,
    /** Set when the current policy is one this user has not acknowledged yet. */
    newerPolicy,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireUser(context, request);
  const form = await request.formData();
  const fields = { name: formText(form, "name") };
  try {
    await (await serverCaller(context)).me.updateProfile({ name: fields.name });
  } catch (error) {
    const errors = apiFieldErrors(error);
    if (errors) return formAnswer(400, { ...errors, fields });
    throw error;
  }
  return redirect(withToast("/settings/profile", "profile-updated"));
}

function Row({ term, children, testId }: { term: string; children: ReactNode; testId: string }) {
  return (
    <div className="grid gap-1 py-3 first:pt-0 last:pb-0 sm:grid-cols-[10rem_1fr] sm:gap-4">
      <dt className="text-sm font-medium text-slate-600">{term}</dt>
      <dd className="text-sm text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

const linkClass = "font-medium text-brand-600 hover:underline";

export default function Profile() {
  const { name, email, createdAt, hasPassword, googleEmails, policyAcknowledged, newerPolicy } =
    useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  return (
    <div className="max-w-2xl space-y-6">
      <div>
        <h2 className="text-lg font-semibold text-slate-900">Your profile</h2>
        <p className="text-sm text-slate-600">Who you are in Sales-as-Code, and how you get in.</p>
      </div>

      <Card title="Name">
        <Form method="post" className="space-y-4" noValidate>
          {answer?.formError ? <FormMessage tone="error">{answer.formError}</FormMessage> : null}
          <TextField
            label="Your name"
            name="name"
            autoComplete="name"
            required
            maxLength={120}
            defaultValue={answer?.fields?.name ?? name}
            error={answer?.fieldErrors?.name}
            hint="Shown at the top of every page and in the mail we send you."
          />
          <SubmitButton pendingText="Saving…">Save name</SubmitButton>
        </Form>
      </Card>

      <Card title="Email">
        <p className="font-medium text-slate-900" data-testid="profile-email">
          {email}
        </p>
        <p className="mt-2 text-sm text-slate-600" data-testid="profile-email-why">
          You cannot change your email here yet. It is how you sign in and where password-reset mail goes, so a new
          address has to be proven yours with a confirmation mail first — and Sales-as-Code cannot send that
          confirmation yet.
        </p>
      </Card>

      <Card title="How you sign in">
        <dl className="divide-y divide-slate-100">
          <Row term="Password" testId="profile-password">
            {hasPassword ? (
              <>
                <Badge tone="green">Yes</Badge> You can sign in with your email and password.{" "}
                <Link to="/settings/password" className={linkClass}>
                  Change it
                </Link>
              </>
            ) : (
              <>
                <Badge>No</Badge> You have no password.{" "}
                <Link to="/settings/password" className={linkClass}>
                  Set one
                </Link>{" "}
                to also sign in with your email.
              </>
            )}
          </Row>
          <Row term="Google" testId="profile-google">
            {googleEmails.length > 0 ? (
              <>
                <Badge tone="green">Yes</Badge> With the Google account{googleEmails.length > 1 ? "s" : ""}{" "}
                {googleEmails.map((googleEmail, i) => (
                  <span key={googleEmail}>
                    {i > 0 ? ", " : null}
                    <span className="font-medium">{googleEmail}</span>
                  </span>
                ))}
                .
              </>
            ) : (
              <>
                <Badge>No</Badge> You have not signed in with Google.
              </>
            )}
          </Row>
        </dl>
      </Card>

      <Card title="Your account">
        <dl className="divide-y divide-slate-100">
          <Row term="Created" testId="profile-created">
            {formatDate(createdAt)}
          </Row>
          <Row term="Privacy policy" testId="profile-policy">
            {policyAcknowledged ? (
              <>
                You acknowledged version {policyAcknowledged.policyVersion} on{" "}
                {formatDate(policyAcknowledged.acknowledgedAt)}.{" "}
              </>
            ) : (
              <>You have not acknowledged a version of the privacy policy yet. </>
            )}
            {newerPolicy ? (
              <>
                The current version, {newerPolicy.version}, is from {formatDate(`${newerPolicy.lastUpdated}T00:00:00Z`)}
                .{" "}
              </>
            ) : (
              <>That is the current version. </>
            )}
            <Link to="/privacy" className={linkClass}>
              Read the privacy policy
            </Link>
          </Row>
        </dl>
      </Card>
    </div>
  );
}
