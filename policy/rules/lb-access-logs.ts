import { Rule } from "../types";
import { isSet, isUnknown, LB_TYPES } from "../util";

/** Access logs are the record of who called what through the load balancer. */
export const lbAccessLogs: Rule = {
  name: "lb-access-logs",
  description: "Load balancers should write access logs.",
  level: "advisory",
  types: LB_TYPES,
  check(r) {
    const logs = r.props.accessLogs;
    if (isUnknown(logs) || isUnknown(logs?.enabled)) return [];
    if (logs && logs.enabled === true && isSet(logs.bucket)) return [];
    return ["access logs are off: set accessLogs { bucket: <S3 bucket>, enabled: true }"];
  },
};
