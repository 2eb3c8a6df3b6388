import * as pulumi from "@pulumi/pulumi";

/** Confused-deputy guards for a service trust policy. */
export interface TrustConditions {
  /** Only calls on behalf of this account (`aws:SourceAccount`). Default: no condition. */
  accountId?: pulumi.Input<string>;
  /** Only calls from resources matching this ARN pattern (`aws:SourceArn`, ArnLike). Default: no condition. */
  sourceArn?: pulumi.Input<string>;
}

/**
 * The trust (assume-role) policy of a role that one AWS service assumes, e.g. `ecs-tasks.amazonaws.com`.
 * Every role ecs-fleet creates names exactly one service principal (the policy pack checks it).
 */
export function serviceTrustPolicy(service: string, conditions: TrustConditions = {}): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(conditions.accountId || conditions.sourceArn
          ? {
              Condition: {
                ...(conditions.sourceArn ? { ArnLike: { "aws:SourceArn": conditions.sourceArn } } : {}),
                ...(conditions.accountId ? { StringEquals: { "aws:SourceAccount": conditions.accountId } } : {}),
              },
            }
          : {}),
      },
    ],
  });
}
