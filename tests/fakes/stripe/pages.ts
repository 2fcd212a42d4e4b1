import type { Billing } from "./billing";
import type { PageAnswer, PageRequest } from "./server";

export class HostedPages {
  constructor(
    private readonly billing: Billing,
    private readonly baseUrl: string,
  ) {}

  handle(_request: PageRequest): Promise<PageAnswer | null> {
    return Promise.resolve(null);
  }
}
