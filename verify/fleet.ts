/**
 * The fleet as the checks see it: ECS services with their task definition, containers, target
 * groups, security groups and Service Connect settings, resolved from the recorded inputs.
 */
import { Model, Res, parseJson } from "./model";

export interface ContainerDef {
  name: string;
  image?: string;
  portMappings?: { name?: string; containerPort?: number; hostPort?: number; protocol?: string; appProtocol?: string }[];
  secrets?: { name: string; valueFrom: string }[];
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
  [k: string]: unknown;
}

export interface FleetService {
  res: Res;
  name: string;
  region: string;
  cluster?: Res;
  taskDefinition?: Res;
  containers: ContainerDef[];
  /** `loadBalancers` entries with the target group they name. */
  targets: { targetGroup?: Res; targetGroupArn: string; containerName: string; containerPort: number }[];
  securityGroups: string[];
  subnets: string[];
  assignPublicIp: boolean;
  awsvpc: boolean;
}

export const T = {
  service: "aws:ecs/service:Service",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  cluster: "aws:ecs/cluster:Cluster",
  capacityProviders: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  record: "aws:route53/record:Record",
  healthCheck: "aws:route53/healthCheck:HealthCheck",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  vpc: "awsx:ec2:Vpc",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policy: "aws:iam/policy:Policy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  bucket: "aws:s3/bucket:Bucket",
  certificate: "aws:acm/certificate:Certificate",
  certificateValidation: "aws:acm/certificateValidation:CertificateValidation",
  jobDefinition: "aws:batch/jobDefinition:JobDefinition",
  jobQueue: "aws:batch/jobQueue:JobQueue",
  computeEnvironment: "aws:batch/computeEnvironment:ComputeEnvironment",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  schedule: "aws:scheduler/schedule:Schedule",
  flowLog: "aws:ec2/flowLog:FlowLog",
  activation: "aws:ssm/activation:Activation",
  kmsKey: "aws:kms/key:Key",
} as const;

export function containersOf(taskDefinition: Res | undefined): ContainerDef[] {
  return (parseJson<ContainerDef[]>(taskDefinition?.inputs.containerDefinitions) ?? []).filter((c) => c && typeof c === "object");
}

export function fleetServices(model: Model): FleetService[] {
  return model.ofType(T.service).map((res) => {
    const taskDefinition = model.ref(res.inputs.taskDefinition, T.taskDefinition, res.at);
    const net = (res.inputs.networkConfiguration as any) ?? {};
    return {
      res,
      name: String(res.inputs.name ?? res.state.name),
      region: res.at,
      cluster: model.ref(res.inputs.cluster, T.cluster, res.at),
      taskDefinition,
      containers: containersOf(taskDefinition),
      targets: ((res.inputs.loadBalancers as any[]) ?? []).map((lb) => ({
        targetGroup: model.ref(lb.targetGroupArn, T.targetGroup, res.at),
        targetGroupArn: String(lb.targetGroupArn),
        containerName: String(lb.containerName),
        containerPort: Number(lb.containerPort),
      })),
      securityGroups: (net.securityGroups as string[]) ?? [],
      subnets: (net.subnets as string[]) ?? [],
      assignPublicIp: net.assignPublicIp === true,
      awsvpc: taskDefinition?.inputs.networkMode === "awsvpc",
    };
  });
}

/** The target ARN a target group is named by in actions. */
export function arnOf(r: Res | undefined): string | undefined {
  return r ? String(r.state.arn) : undefined;
}

/** Lower-case DNS name without the trailing dot. */
export function dnsName(name: unknown): string {
  return String(name ?? "").toLowerCase().replace(/\.$/, "");
}

/** The load balancer a Route 53 alias record points at. */
export function aliasTarget(model: Model, record: Res): Res | undefined {
  const alias = ((record.inputs.aliases as any[]) ?? [])[0];
  if (!alias) return undefined;
  return model.ofType(T.loadBalancer).find((lb) => dnsName(lb.state.dnsName) === dnsName(alias.name));
}

export function loadBalancerByDns(model: Model, host: string): Res | undefined {
  return model.ofType(T.loadBalancer).find((lb) => dnsName(lb.state.dnsName) === dnsName(host));
}
