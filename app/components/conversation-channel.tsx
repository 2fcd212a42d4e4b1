// How a conversation happened, as a small badge. The channels are the API's (email, call, linkedin).
import { Badge } from "./ui";

export const channelLabels: Record<string, string> = { email: "Email", call: "Call", linkedin: "LinkedIn" };

export function ChannelBadge({ channel }: { channel: string }) {
  return (
    <Badge tone={channel === "email" ? "blue" : channel === "call" ? "green" : "slate"}>
      {channelLabels[channel] ?? channel}
    </Badge>
  );
}
