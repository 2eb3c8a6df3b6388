/** `ecs-fleet:alb`: settings of every region's Application Load Balancer. */
import { z } from "zod";
import { boolean, integer, struct } from "./common";

export const AlbSchema = struct(
  {
    /** Refuse to delete the load balancers. Default: true for stacks whose name starts with `prod`, else false. */
    deletionProtection: boolean().optional(),
    /** Seconds a connection may be idle, 1..4000. Default 60. */
    idleTimeoutSeconds: integer(1, 4000).default(60),
  },
  "deletionProtection, idleTimeoutSeconds",
);

export type AlbConfig = z.infer<typeof AlbSchema>;

/** Deletion protection for a stack: the configured value, or on for stacks named `prod*`. */
export function albDeletionProtection(alb: AlbConfig | undefined, stack: string): boolean {
  return alb?.deletionProtection ?? /^prod/.test(stack);
}
