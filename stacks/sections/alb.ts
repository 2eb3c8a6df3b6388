/** `ecs-fleet:alb`: settings of every region's Application Load Balancer. */
import { z } from "zod";
import { boolean, integer, struct } from "./common";

/** Days access logs are kept when `accessLogRetentionDays` is not set. */
export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 90;

export const AlbSchema = struct(
  {
    /** Refuse to delete the load balancers. Default: true for stacks whose name starts with `prod`, else false. */
    deletionProtection: boolean().optional(),
    /** Seconds a connection may be idle, 1..4000. Default 60. */
    idleTimeoutSeconds: integer(1, 4000).default(60),
    /** Write access logs to an S3 bucket per region. Default true. */
    accessLogs: boolean().default(true),
    /** Days an access log is kept before S3 deletes it, 1..3650. Default 90. */
    accessLogRetentionDays: integer(1, 3650).optional(),
  },
  "deletionProtection, idleTimeoutSeconds, accessLogs, accessLogRetentionDays",
);

export type AlbConfig = z.infer<typeof AlbSchema>;

/** Deletion protection for a stack: the configured value, or on for stacks named `prod*`. */
export function albDeletionProtection(alb: AlbConfig | undefined, stack: string): boolean {
  return alb?.deletionProtection ?? /^prod/.test(stack);
}

/** Access log settings of a stack, or undefined when they are off. */
export function albAccessLogs(alb: AlbConfig | undefined): { retentionDays: number } | undefined {
  if (alb?.accessLogs === false) return undefined;
  return { retentionDays: alb?.accessLogRetentionDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS };
}

/** Warnings about settings that have no effect. */
export function albWarnings(alb: AlbConfig | undefined): string[] {
  if (alb?.accessLogs === false && alb.accessLogRetentionDays !== undefined) {
    return ["alb.accessLogRetentionDays: has no effect because alb.accessLogs is false"];
  }
  return [];
}
