import type { AppLoadContext } from "@remix-run/node";
import { changePasswordInput } from "../../server/auth/password-accounts";
import { rateLimitedAnswer } from "../utils/auth-forms.server";
import { checkForm, formAnswer, formText } from "../utils/forms.server";
import { serverCaller } from "../utils/trpc.server";

export async function changePasswordFromForm(form: FormData, context: AppLoadContext) {
  const parsed = checkForm(
    changePasswordInput,
    {},
    {
      currentPassword: formText(form, "currentPassword"),
      newPassword: formText(form, "newPassword"),
    },
  );
  if (!parsed.ok) return formAnswer(400, { fieldErrors: parsed.fieldErrors });
  try {
    const result = await (await serverCaller(context)).me.changePassword(parsed.data);
    if (!result.ok) return formAnswer(400, { fieldErrors: { [result.field]: result.message } });
    const others = result.signedOutOthers;
    return formAnswer(200, {
      success: `Password saved.${others > 0 ? ` Signed out ${others} other ${others === 1 ? "device" : "devices"}.` : ""}`,
    });
  } catch (error) {
    const limited = rateLimitedAnswer(context, error);
    if (limited) return limited;
    throw error;
  }
}
