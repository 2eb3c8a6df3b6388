/**
 * Realistic resources as @pulumi/aws registers them (input names, JSON documents as strings, the
 * provider's defaultTags as a JSON string), forming one compliant regional stack. Tests mutate copies.
 */
import { PolicyResource } from "../../policy/types";

export const STACK = "dev";
export const PROJECT = "ecs-fleet";
export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";

/** The explicit regional provider, with the tags the program sets through defaultTags. */
export function provider(region = REGION, stack = STACK): { urn: string; props: Record<string, any> } {
  return {
    urn: `urn:pulumi:${stack}::${PROJECT}::pulumi:providers:aws::aws-${region}`,
    props: {
      region,
      defaultTags: JSON.stringify({ tags: { Project: PROJECT, Stack: stack, Region: region, ManagedBy: "pulumi" } }),
    },
  };
}

/** The component every fixture lives in. */
export function parentUrn(stack = STACK): string {
  return `urn:pulumi:${stack}::${PROJECT}::ecs-fleet:regional:Footprint::${REGION}`;
}

/** One resource with the regional provider and parent. */
export function res(type: string, name: string, props: Record<string, any>, extra: Partial<PolicyResource> = {}, stack = STACK): PolicyResource {
  return {
    type,
    urn: `urn:pulumi:${stack}::${PROJECT}::ecs-fleet:regional:Footprint$${type}::${name}`,
    name,
    props,
    provider: provider(REGION, stack),
    parent: parentUrn(stack),
    region: REGION,
    ...extra,
  };
}

/** A deep copy, to mutate in a test. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

export const webContainers = [
  {
    name: "web",
    image: "public.ecr.aws/nginx/nginx:1.27",
    essential: true,
    readonlyRootFilesystem: true,
    portMappings: [{ containerPort: 8080, protocol: "tcp" }],
    environment: [
      { name: "PORT", value: "8080" },
      { name: "DB_PASSWORD_SECRET_ARN", value: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:db-AbCdEf` },
    ],
    secrets: [{ name: "DB_PASSWORD", valueFrom: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/web/db-password` }],
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": "/ecs-fleet/dev/web", "awslogs-region": REGION, "awslogs-stream-prefix": "web" },
    },
  },
];

/** A Fargate task definition of the web service. */
export function fargateTaskDefinition(containers: unknown[] = webContainers): PolicyResource {
  return res("aws:ecs/taskDefinition:TaskDefinition", "web-task", {
    family: "ecs-fleet-dev-web",
    cpu: "256",
    memory: "512",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    executionRoleArn: role("web-exec"),
    taskRoleArn: role("web-task"),
    containerDefinitions: JSON.stringify(containers),
  });
}

/** An ECS Anywhere (EXTERNAL) task definition: bridge mode is legitimate there. */
export function externalTaskDefinition(): PolicyResource {
  return res("aws:ecs/taskDefinition:TaskDefinition", "site-web-task", {
    family: "ecs-fleet-dev-site-web",
    networkMode: "bridge",
    requiresCompatibilities: ["EXTERNAL"],
    executionRoleArn: role("site-exec"),
    taskRoleArn: role("site-task"),
    containerDefinitions: JSON.stringify([{ ...webContainers[0], memory: 256 }]),
  });
}

export function cluster(): PolicyResource {
  return res("aws:ecs/cluster:Cluster", "cluster", { name: "ecs-fleet-dev", settings: [{ name: "containerInsights", value: "enabled" }] });
}

export function service(): PolicyResource {
  return res("aws:ecs/service:Service", "web-service", {
    cluster: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/ecs-fleet-dev`,
    taskDefinition: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/ecs-fleet-dev-web:1`,
    desiredCount: 2,
    launchType: "FARGATE",
    networkConfiguration: { subnets: ["subnet-priv-a", "subnet-priv-b"], securityGroups: ["sg-tasks"], assignPublicIp: false },
    deploymentCircuitBreaker: { enable: true, rollback: true },
    loadBalancers: [{ targetGroupArn: "tg-arn", containerName: "web", containerPort: 8080 }],
  });
}

export const ALB_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/ecs-fleet-dev/50dc6c495c0c9188`;

export function loadBalancer(): PolicyResource {
  return res("aws:lb/loadBalancer:LoadBalancer", "alb", {
    loadBalancerType: "application",
    internal: false,
    securityGroups: ["sg-alb"],
    subnets: ["subnet-pub-a", "subnet-pub-b"],
    dropInvalidHeaderFields: true,
    enableDeletionProtection: true,
    accessLogs: { bucket: "ecs-fleet-dev-alb-logs", enabled: true, prefix: "alb" },
  }, { dependencies: [res("aws:ec2/securityGroup:SecurityGroup", "alb-sg", {}).urn] });
}

export function httpsListener(): PolicyResource {
  return res("aws:lb/listener:Listener", "https", {
    loadBalancerArn: ALB_ARN,
    port: 443,
    protocol: "HTTPS",
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/abc`,
    defaultActions: [{ type: "forward", targetGroupArn: "tg-arn" }],
  });
}

export function httpListener(): PolicyResource {
  return res("aws:lb/listener:Listener", "http", {
    loadBalancerArn: ALB_ARN,
    port: 80,
    protocol: "HTTP",
    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
  });
}

export function targetGroup(): PolicyResource {
  return res("aws:lb/targetGroup:TargetGroup", "web-tg", {
    port: 8080,
    protocol: "HTTP",
    targetType: "ip",
    vpcId: "vpc-1",
    healthCheck: { enabled: true, path: "/healthz", matcher: "200", interval: 15 },
  });
}

/** The ALB's security group: open to the internet on 80/443 only (the one allowed exception). */
export function albSecurityGroup(): PolicyResource {
  return res("aws:ec2/securityGroup:SecurityGroup", "alb-sg", {
    description: "Load balancer: HTTP/HTTPS from the internet",
    vpcId: "vpc-1",
    ingress: [
      { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"], description: "HTTPS from the internet" },
      { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "HTTP from the internet (redirected)" },
    ],
    egress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.0.0.0/16"], description: "to the tasks" }],
  });
}

export function tasksSecurityGroup(): PolicyResource {
  return res("aws:ec2/securityGroup:SecurityGroup", "tasks-sg", { description: "Web tasks: traffic from the load balancer only", vpcId: "vpc-1" });
}

/** A standalone rule on the tasks' group, from the load balancer's group. */
export function tasksIngressRule(): PolicyResource {
  return res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "tasks-from-alb", {
    securityGroupId: "sg-tasks",
    referencedSecurityGroupId: "sg-alb",
    ipProtocol: "tcp",
    fromPort: 8080,
    toPort: 8080,
    description: "web port from the load balancer",
  });
}

export function privateSubnet(): PolicyResource {
  return res("aws:ec2/subnet:Subnet", "private-a", {
    vpcId: "vpc-1",
    cidrBlock: "10.0.128.0/20",
    availabilityZone: `${REGION}a`,
    mapPublicIpOnLaunch: false,
    tags: { Name: "ecs-fleet-dev-private-a", SubnetType: "Private" },
  });
}

/** The awsx Vpc (a remote component) of the region. */
export function awsxVpc(): PolicyResource {
  return res("awsx:ec2:Vpc", "vpc", { cidrBlock: "10.0.0.0/16", numberOfAvailabilityZones: 2 }, { provider: undefined });
}

export function flowLog(): PolicyResource {
  return res("aws:ec2/flowLog:FlowLog", "vpc-flow-log", {
    vpcId: "vpc-0123456789abcdef0",
    trafficType: "ALL",
    logDestinationType: "cloud-watch-logs",
    logDestination: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs-fleet/dev/vpc-flow`,
    iamRoleArn: role("flow-logs"),
  });
}

export function logGroup(): PolicyResource {
  return res("aws:cloudwatch/logGroup:LogGroup", "web-logs", { name: "/ecs-fleet/dev/web", retentionInDays: 30 });
}

export function trustPolicy(...services: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: services.length === 1 ? services[0] : services }, Action: "sts:AssumeRole" }],
  });
}

export function taskRole(): PolicyResource {
  return res("aws:iam/role:Role", "web-task-role", { assumeRolePolicy: trustPolicy("ecs-tasks.amazonaws.com"), description: "web task role" });
}

export function policyDoc(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** The execution role's inline policy: scoped reads and a scoped PassRole. */
export function rolePolicy(): PolicyResource {
  return res("aws:iam/rolePolicy:RolePolicy", "web-exec-secrets", {
    role: "web-exec",
    policy: policyDoc(
      { Sid: "ReadSecrets", Effect: "Allow", Action: ["ssm:GetParameters", "secretsmanager:GetSecretValue"], Resource: [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/web/*`] },
      { Sid: "PassTaskRoles", Effect: "Allow", Action: "iam:PassRole", Resource: [role("web-task"), role("web-exec")] },
      { Sid: "Logs", Effect: "Allow", Action: "logs:*", Resource: "*" },
    ),
  });
}

export const NOW = new Date("2026-11-24T06:00:00Z");

export function activation(): PolicyResource {
  return res("aws:ssm/activation:Activation", "site-berlin-activation", {
    iamRole: "ecs-fleet-dev-site-berlin",
    registrationLimit: 3,
    expirationDate: "2026-12-10T00:00:00Z",
    description: "ECS Anywhere hosts of site berlin",
  });
}

export function jobDefinition(): PolicyResource {
  return res("aws:batch/jobDefinition:JobDefinition", "report-job", {
    type: "container",
    platformCapabilities: ["FARGATE"],
    containerProperties: JSON.stringify({
      image: "public.ecr.aws/docker/library/busybox:1.36",
      command: ["echo", "report"],
      resourceRequirements: [{ type: "VCPU", value: "0.25" }, { type: "MEMORY", value: "512" }],
      executionRoleArn: role("batch-exec"),
      privileged: false,
    }),
  });
}

/** Every fixture: a compliant regional stack (zero violations, advisory included). */
export function compliantStack(): PolicyResource[] {
  return [
    fargateTaskDefinition(),
    externalTaskDefinition(),
    cluster(),
    service(),
    loadBalancer(),
    httpsListener(),
    httpListener(),
    targetGroup(),
    albSecurityGroup(),
    tasksSecurityGroup(),
    tasksIngressRule(),
    privateSubnet(),
    awsxVpc(),
    flowLog(),
    logGroup(),
    taskRole(),
    rolePolicy(),
    activation(),
    jobDefinition(),
  ];
}
