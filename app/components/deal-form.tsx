// The deal form, for creating and editing. Amounts are typed in major units ("24,000.50"); the action
// turns them into exact cents. The loss reason shows for every stage without JavaScript (the action
// keeps it only for a lost deal) and only for "Closed lost" once JavaScript runs.
import { Form, Link } from "@remix-run/react";
import { useState } from "react";
import { useHydrated } from "../utils/use-hydrated";
import { FormMessage, SelectField, SubmitButton, TextField } from "./forms";
import { AccountSelect, type AccountChoice } from "./record-pickers";

export type DealFormValues = Partial<
  Record<
    "name" | "accountId" | "stage" | "amount" | "currency" | "closeDate" | "probability" | "nextStep" | "lossReason",
    string
  >
>;

export function DealForm({
  values,
  fieldErrors = {},
  formError,
  accounts,
  stages,
  submitLabel,
  pendingText,
  cancelTo,
}: {
  values: DealFormValues;
  fieldErrors?: Record<string, string> | undefined;
  formError?: string | undefined;
  accounts: AccountChoice[];
  stages: { value: string; label: string }[];
  submitLabel: string;
  pendingText: string;
  cancelTo: string;
}) {
  const hydrated = useHydrated();
  const [stage, setStage] = useState(values.stage ?? "prospecting");
  return (
    <Form method="post" noValidate className="space-y-5">
      {formError ? <FormMessage tone="error">{formError}</FormMessage> : null}
      <TextField
        label="Name"
        name="name"
        required
        maxLength={200}
        defaultValue={values.name}
        error={fieldErrors.name}
        placeholder="Acme – Platform renewal"
      />
      <AccountSelect
        accounts={accounts}
        defaultValue={values.accountId}
        error={fieldErrors.accountId}
        hint={
          accounts.length === 0
            ? "You have no accounts yet: create one under Accounts to link the deal to it."
            : undefined
        }
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <SelectField
          label="Stage"
          name="stage"
          options={stages}
          defaultValue={values.stage ?? "prospecting"}
          onChange={(event) => setStage(event.target.value)}
          error={fieldErrors.stage}
        />
        <TextField
          label="Probability (%)"
          name="probability"
          inputMode="numeric"
          defaultValue={values.probability}
          error={fieldErrors.probability}
          hint="A whole number from 0 to 100."
        />
        <TextField
          label="Amount"
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={values.amount}
          error={fieldErrors.amount}
          hint="In the currency’s main unit, e.g. 24,000 or 24000.50."
        />
        <TextField
          label="Currency"
          name="currency"
          maxLength={3}
          autoComplete="off"
          defaultValue={values.currency ?? "USD"}
          error={fieldErrors.currency}
          hint="Three letters, e.g. USD or EUR."
        />
        <TextField
          label="Close date"
          name="closeDate"
          type="date"
          defaultValue={values.closeDate}
          error={fieldErrors.closeDate}
        />
      </div>
      <TextField
        label="Next step"
        name="nextStep"
        maxLength={500}
        defaultValue={values.nextStep}
        error={fieldErrors.nextStep}
        placeholder="Send the security questionnaire"
      />
      {!hydrated || stage === "closed_lost" ? (
        <TextField
          label="Loss reason"
          name="lossReason"
          maxLength={500}
          defaultValue={values.lossReason}
          error={fieldErrors.lossReason}
          hint="Only kept when the stage is Closed lost."
        />
      ) : null}
      <div className="flex items-center justify-end gap-3">
        <Link to={cancelTo} className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">
          Cancel
        </Link>
        <SubmitButton pendingText={pendingText}>{submitLabel}</SubmitButton>
      </div>
    </Form>
  );
}
