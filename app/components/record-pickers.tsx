// The pickers a form links a record with: its account, its deal, the people involved. One set, so
// every form names them the same (accountId, opportunityId) and the actions read them the same way;
// people are checkboxes so the choice works without JavaScript.
import { Link } from "@remix-run/react";
import { CheckboxGroup, SelectField } from "./forms";

export type AccountChoice = { id: string; name: string };
export type DealChoice = { id: string; name: string; accountId: string | null; accountName: string | null };
export type PersonChoice = { id: string; name: string; accountName: string | null };

export function AccountSelect({
  accounts,
  defaultValue,
  error,
  hint,
}: {
  accounts: readonly AccountChoice[];
  defaultValue: string | undefined;
  error: string | undefined;
  hint?: string | undefined;
}) {
  return (
    <SelectField
      label="Account"
      name="accountId"
      emptyLabel="No account"
      options={accounts.map((a) => ({ value: a.id, label: a.name }))}
      defaultValue={defaultValue ?? ""}
      error={error}
      hint={hint}
    />
  );
}

export function DealSelect({
  deals,
  defaultValue,
  error,
}: {
  deals: readonly DealChoice[];
  defaultValue: string | undefined;
  error: string | undefined;
}) {
  return (
    <SelectField
      label="Deal"
      name="opportunityId"
      emptyLabel="No deal"
      options={deals.map((d) => ({ value: d.id, label: d.accountName ? `${d.name} (${d.accountName})` : d.name }))}
      defaultValue={defaultValue ?? ""}
      error={error}
    />
  );
}

/** People to tick; `purpose` ends the sentence shown when there is no one yet ("to invite them"). */
export function PeopleCheckboxes({
  legend,
  name,
  people,
  checked,
  error,
  purpose,
}: {
  legend: string;
  name: string;
  people: readonly PersonChoice[];
  checked: readonly string[];
  error: string | undefined;
  purpose: string;
}) {
  return (
    <CheckboxGroup
      legend={legend}
      name={name}
      options={people.map((p) => ({ value: p.id, label: p.name, detail: p.accountName }))}
      checked={checked}
      error={error}
      empty={
        <>
          No people yet.{" "}
          <Link to="/prospects/new" className="font-medium text-brand-600 hover:underline">
            Add a person
          </Link>{" "}
          {purpose}.
        </>
      }
    />
  );
}
