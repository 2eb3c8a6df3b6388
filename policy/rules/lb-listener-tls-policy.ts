import { Rule } from "../types";
import { isUnknown, LISTENER_TYPES } from "../util";

/** ELB security policies that allow TLS 1.2 or newer only. */
export const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-2|TLS13-1-3|TLS-1-2|FS-1-2)-/;

/** The policy a new HTTPS listener should use. */
export const RECOMMENDED_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * HTTPS and TLS listeners must refuse TLS 1.0/1.1. Without sslPolicy the API picks
 * ELBSecurityPolicy-2016-08, which still allows TLS 1.0, so an absent policy is a violation.
 */
export const lbListenerTlsPolicy: Rule = {
  name: "lb-listener-tls-policy",
  description: "HTTPS and TLS listeners must use a TLS 1.2+ security policy.",
  level: "mandatory",
  types: LISTENER_TYPES,
  check(r) {
    const protocol = r.props.protocol;
    if (protocol !== "HTTPS" && protocol !== "TLS") return [];
    const policy = r.props.sslPolicy;
    if (isUnknown(policy)) return [];
    if (typeof policy === "string" && TLS12_POLICY.test(policy)) return [];
    const got = typeof policy === "string" ? `"${policy}" allows TLS older than 1.2` : "is not set (the default allows TLS 1.0)";
    return [`sslPolicy ${got}: set sslPolicy to "${RECOMMENDED_TLS_POLICY}" or another ELBSecurityPolicy-TLS13-1-2-*, -TLS-1-2-* or -FS-1-2-* policy`];
  },
};
