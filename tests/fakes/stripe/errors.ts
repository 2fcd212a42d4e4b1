// Stripe's error shape: HTTP status + {error: {type, code, message, param, decline_code?, doc_url}}.
export type StripeErrorBody = {
  type: "invalid_request_error" | "api_error" | "card_error" | "idempotency_error" | "rate_limit_error";
  code?: string;
  message: string;
  param?: string;
  decline_code?: string;
};

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }

  json(requestId: string) {
    const { type, code, message, param, decline_code } = this.body;
    return {
      error: {
        type,
        ...(code ? { code, doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}` } : {}),
        message,
        ...(param ? { param } : {}),
        ...(decline_code ? { decline_code } : {}),
        request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}`,
      },
    };
  }

  static missing(param: string) {
    return new StripeApiError(400, {
      type: "invalid_request_error",
      code: "parameter_missing",
      param,
      message: `Missing required param: ${param}.`,
    });
  }

  static noSuch(kind: string, id: string, param?: string) {
    return new StripeApiError(param ? 400 : 404, {
      type: "invalid_request_error",
      code: "resource_missing",
      ...(param ? { param } : { param: "id" }),
      message: `No such ${kind}: '${id}'`,
    });
  }

  static invalid(message: string, param?: string, code = "parameter_invalid") {
    return new StripeApiError(400, { type: "invalid_request_error", code, message, ...(param ? { param } : {}) });
  }

  static declined(declineCode = "generic_decline", message = "Your card was declined.") {
    return new StripeApiError(402, {
      type: "card_error",
      code: "card_declined",
      decline_code: declineCode,
      message,
      param: "",
    });
  }

  /** What failNext() answers with for a status. */
  static forStatus(status: number): StripeApiError {
    if (status === 429)
      return new StripeApiError(429, {
        type: "invalid_request_error",
        code: "rate_limit",
        message: "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
      });
    if (status === 402) return StripeApiError.declined();
    if (status === 401)
      return new StripeApiError(401, { type: "invalid_request_error", message: "Invalid API Key provided." });
    if (status === 409)
      return new StripeApiError(409, {
        type: "invalid_request_error",
        code: "lock_timeout",
        message:
          "This object cannot be accessed right now because another API request or Stripe process is currently accessing it.",
      });
    if (status >= 500)
      return new StripeApiError(status, {
        type: "api_error",
        message: "An unknown error occurred",
      });
    return new StripeApiError(status, { type: "invalid_request_error", message: "Invalid request (failNext)." });
  }
}
