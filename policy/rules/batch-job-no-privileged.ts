import { Rule } from "../types";
import { BATCH_JOB_DEFINITION, parseJson } from "../util";

/** Paths (within the parsed document) where `privileged: true` is set. */
function privilegedPaths(value: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => privilegedPaths(v, `${path}[${i}]`, out));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const p = `${path}.${k}`;
      if (k === "privileged" && v === true) out.push(p);
      else privilegedPaths(v, p, out);
    }
  }
  return out;
}

/** Batch containers run arbitrary job code; privileged mode gives that code the host. */
export const batchJobNoPrivileged: Rule = {
  name: "batch-job-no-privileged",
  description: "AWS Batch job definitions must not run privileged containers.",
  level: "mandatory",
  types: [BATCH_JOB_DEFINITION],
  check(r) {
    const out: string[] = [];
    for (const key of ["containerProperties", "ecsProperties", "nodeProperties", "eksProperties"]) {
      const doc = parseJson(r.props[key]);
      for (const p of privilegedPaths(doc, key, [])) {
        out.push(`${p} is true: remove privileged (or set it to false)`);
      }
    }
    return out;
  },
};
