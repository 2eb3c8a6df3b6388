import { Rule } from "../types";
import { isUnknown } from "../util";

/** Without retention logs are kept (and paid for) forever, and data-retention rules are broken. */
export const logGroupRetention: Rule = {
  name: "log-group-retention",
  description: "CloudWatch log groups must set a retention period.",
  level: "mandatory",
  types: ["aws:cloudwatch/logGroup:LogGroup"],
  check(r) {
    const days = r.props.retentionInDays;
    if (isUnknown(days)) return [];
    return typeof days === "number" && days > 0
      ? []
      : [`retentionInDays is ${days === undefined ? "not set" : days} (logs kept forever): set retentionInDays, e.g. 30 or 90`];
  },
};
