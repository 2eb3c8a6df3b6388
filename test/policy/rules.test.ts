/**
 * One compliant and at least one non-compliant fixture per rule, asserting the exact violation:
 * rule, level, resource and the message that says what to change.
 */
import { expect } from "chai";
import { evaluate } from "../../policy/evaluate";
import { rules } from "../../policy/rules";
import { PolicyResource, UNKNOWN, Violation } from "../../policy/types";
import * as f from "./fixtures";

/** Violations of one rule over `resources` (default: the compliant stack) on stack `stack`. */
function violations(rule: string, resources: PolicyResource[], stack = f.STACK): Violation[] {
  return evaluate(resources, { stack, project: f.PROJECT, now: f.NOW }).filter((v) => v.rule === rule);
}

/** The compliant stack with one resource replaced by its mutated copy. */
function stackWith(changed: PolicyResource): PolicyResource[] {
  return f.compliantStack().map((r) => (r.urn === changed.urn ? changed : r));
}

/** Mutates a task definition's first container. */
function withContainer(change: (c: any) => void): PolicyResource {
  const c = f.clone(f.webContainers);
  change(c[0]);
  return f.fargateTaskDefinition(c);
}

/** The single violation of `rule` for the mutated resource. */
function one(rule: string, changed: PolicyResource, stack = f.STACK): Violation {
  const found = violations(rule, stackWith(changed), stack);
  expect(found, JSON.stringify(found, null, 1)).to.have.length(1);
  expect(found[0].urn).to.equal(changed.urn);
  return found[0];
}

describe("policy rules", () => {
  it("the compliant stack has no violation at all (advisory included)", () => {
    expect(evaluate(f.compliantStack(), { stack: f.STACK, project: f.PROJECT, now: f.NOW })).to.deep.equal([]);
  });

  describe("ecs-task-no-privileged", () => {
    it("flags a privileged container", () => {
      const v = one("ecs-task-no-privileged", withContainer((c) => (c.privileged = true)));
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal('container "web" runs privileged: remove "privileged: true" (grant single Linux capabilities in linuxParameters.capabilities.add if it truly needs one)');
    });
    it("accepts privileged: false", () => {
      expect(violations("ecs-task-no-privileged", stackWith(withContainer((c) => (c.privileged = false))))).to.deep.equal([]);
    });
  });

  describe("ecs-task-no-host-pid", () => {
    it("flags pidMode host", () => {
      const td = f.fargateTaskDefinition();
      td.props.pidMode = "host";
      const v = one("ecs-task-no-host-pid", td);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.match(/^pidMode is "host": remove pidMode \(or set it to "task"\)/);
    });
    it("accepts pidMode task", () => {
      const td = f.fargateTaskDefinition();
      td.props.pidMode = "task";
      expect(violations("ecs-task-no-host-pid", stackWith(td))).to.deep.equal([]);
    });
  });

  describe("ecs-task-fargate-awsvpc", () => {
    it("flags a Fargate task definition in bridge mode", () => {
      const td = f.fargateTaskDefinition();
      td.props.networkMode = "bridge";
      const v = one("ecs-task-fargate-awsvpc", td);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal('networkMode is "bridge" on a FARGATE task definition: set networkMode to "awsvpc"');
    });
    it("flags a Fargate task definition without network mode", () => {
      const td = f.fargateTaskDefinition();
      delete td.props.networkMode;
      expect(one("ecs-task-fargate-awsvpc", td).message).to.equal('networkMode is not set on a FARGATE task definition: set networkMode to "awsvpc"');
    });
    it("leaves EXTERNAL (ECS Anywhere) task definitions in bridge mode alone", () => {
      expect(f.externalTaskDefinition().props.networkMode).to.equal("bridge");
      expect(violations("ecs-task-fargate-awsvpc", f.compliantStack())).to.deep.equal([]);
    });
  });

  describe("ecs-task-separate-roles", () => {
    it("flags the same role for execution and task", () => {
      const td = f.fargateTaskDefinition();
      td.props.taskRoleArn = td.props.executionRoleArn;
      const v = one("ecs-task-separate-roles", td);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal(
        `executionRoleArn and taskRoleArn are the same role (${td.props.executionRoleArn}): give the task its own role with only the permissions the application needs`,
      );
    });
    it("cannot judge when a role is not known yet", () => {
      const td = f.fargateTaskDefinition();
      td.props.taskRoleArn = UNKNOWN;
      td.props.executionRoleArn = UNKNOWN;
      expect(violations("ecs-task-separate-roles", stackWith(td))).to.deep.equal([]);
    });
  });

  describe("ecs-task-no-plain-secrets", () => {
    it("flags a credential-looking name in environment", () => {
      const v = one("ecs-task-no-plain-secrets", withContainer((c) => c.environment.push({ name: "STRIPE_API_KEY", value: "sk_live_abc" })));
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal('container "web" environment variable STRIPE_API_KEY looks like a credential: move it to secrets (valueFrom an SSM parameter or Secrets Manager ARN)');
    });
    it("flags an AWS access key id whatever the name", () => {
      const v = one("ecs-task-no-plain-secrets", withContainer((c) => c.environment.push({ name: "KEY_ID", value: "AKIAIOSFODNN7EXAMPLE" })));
      expect(v.message).to.match(/^container "web" environment variable KEY_ID looks like an AWS access key id: move it to secrets/);
    });
    it("flags a Pulumi secret put in plain environment", () => {
      const v = one("ecs-task-no-plain-secrets", withContainer((c) => c.environment.push({ name: "DSN", value: "[secret]" })));
      expect(v.message).to.equal('container "web" environment variable DSN holds a Pulumi secret in plain text: move it to secrets (valueFrom an SSM parameter or Secrets Manager ARN)');
    });
    it("flags containerDefinitions that became secret as a whole", () => {
      const td = f.fargateTaskDefinition();
      td.props.containerDefinitions = "[secret]";
      expect(one("ecs-task-no-plain-secrets", td).message).to.match(/^containerDefinitions contains a Pulumi secret: pass it through the container's secrets/);
    });
    it("flags a credential in a Batch job definition's environment, and accepts a clean one", () => {
      const j = f.jobDefinition();
      expect(violations("ecs-task-no-plain-secrets", [j])).to.deep.equal([]);
      const props = JSON.parse(j.props.containerProperties);
      props.environment = [{ name: "DB_PASSWORD", value: "hunter2" }];
      j.props.containerProperties = JSON.stringify(props);
      const v = one("ecs-task-no-plain-secrets", j);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal('container "report-job" environment variable DB_PASSWORD looks like a credential: move it to secrets (valueFrom an SSM parameter or Secrets Manager ARN)');
    });
    it("accepts ARNs under secret-looking names and values in secrets", () => {
      expect(f.webContainers[0].environment.some((e) => e.name.includes("PASSWORD"))).to.equal(true);
      expect(violations("ecs-task-no-plain-secrets", f.compliantStack())).to.deep.equal([]);
    });
  });

  describe("ecs-task-logging", () => {
    it("flags a container without logConfiguration", () => {
      const v = one("ecs-task-logging", withContainer((c) => delete c.logConfiguration));
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal('container "web" has no logConfiguration: set logConfiguration with logDriver "awslogs" and a log group that has retention');
    });
    it("flags every unlogged container, by name or position", () => {
      const td = f.fargateTaskDefinition([...f.webContainers, { image: "envoy" }]);
      expect(violations("ecs-task-logging", stackWith(td)).map((v) => v.message)).to.deep.equal([
        'container 2 has no logConfiguration: set logConfiguration with logDriver "awslogs" and a log group that has retention',
      ]);
    });
  });

  describe("ecs-task-readonly-root", () => {
    it("advises a read-only root filesystem", () => {
      const v = one("ecs-task-readonly-root", withContainer((c) => delete c.readonlyRootFilesystem));
      expect(v.level).to.equal("advisory");
      expect(v.message).to.equal('container "web" has a writable root filesystem: set readonlyRootFilesystem to true (mount a volume for paths it must write)');
    });
  });

  describe("ecs-cluster-container-insights", () => {
    it("flags a cluster without the setting", () => {
      const c = f.cluster();
      delete c.props.settings;
      const v = one("ecs-cluster-container-insights", c);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal('containerInsights is not set: add settings [{ name: "containerInsights", value: "enabled" }] (or "enhanced")');
    });
    it("flags Container Insights disabled", () => {
      const c = f.cluster();
      c.props.settings = [{ name: "containerInsights", value: "disabled" }];
      expect(one("ecs-cluster-container-insights", c).message).to.match(/^containerInsights is "disabled": add settings/);
    });
    it("accepts enhanced", () => {
      const c = f.cluster();
      c.props.settings = [{ name: "containerInsights", value: "enhanced" }];
      expect(violations("ecs-cluster-container-insights", stackWith(c))).to.deep.equal([]);
    });
  });

  describe("ecs-service-no-public-ip", () => {
    it("flags assignPublicIp", () => {
      const s = f.service();
      s.props.networkConfiguration.assignPublicIp = true;
      const v = one("ecs-service-no-public-ip", s);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.match(/^networkConfiguration.assignPublicIp is true: set it to false and run the tasks in private subnets/);
    });
  });

  describe("ecs-service-circuit-breaker", () => {
    it("flags a rolling service without circuit breaker", () => {
      const s = f.service();
      delete s.props.deploymentCircuitBreaker;
      const v = one("ecs-service-circuit-breaker", s);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal("deployment circuit breaker is not enabled with rollback: set deploymentCircuitBreaker { enable: true, rollback: true }");
    });
    it("flags a circuit breaker without rollback, EXTERNAL services included", () => {
      const s = f.service();
      s.props.launchType = "EXTERNAL";
      s.props.deploymentCircuitBreaker = { enable: true, rollback: false };
      expect(one("ecs-service-circuit-breaker", s).level).to.equal("mandatory");
    });
    it("leaves CODE_DEPLOY services alone", () => {
      const s = f.service();
      delete s.props.deploymentCircuitBreaker;
      s.props.deploymentController = { type: "CODE_DEPLOY" };
      expect(violations("ecs-service-circuit-breaker", stackWith(s))).to.deep.equal([]);
    });
  });

  describe("lb-drop-invalid-headers", () => {
    it("flags an ALB that forwards invalid headers", () => {
      const lb = f.loadBalancer();
      delete lb.props.dropInvalidHeaderFields;
      const v = one("lb-drop-invalid-headers", lb);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal("dropInvalidHeaderFields is not true: set dropInvalidHeaderFields to true");
    });
    it("does not apply to network load balancers", () => {
      const lb = f.loadBalancer();
      lb.props.loadBalancerType = "network";
      delete lb.props.dropInvalidHeaderFields;
      expect(violations("lb-drop-invalid-headers", stackWith(lb))).to.deep.equal([]);
    });
  });

  describe("lb-listener-tls-policy", () => {
    it("flags an HTTPS listener with a TLS 1.0 policy", () => {
      const l = f.httpsListener();
      l.props.sslPolicy = "ELBSecurityPolicy-2016-08";
      const v = one("lb-listener-tls-policy", l);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal(
        'sslPolicy "ELBSecurityPolicy-2016-08" allows TLS older than 1.2: set sslPolicy to "ELBSecurityPolicy-TLS13-1-2-2021-06" or another ELBSecurityPolicy-TLS13-1-2-*, -TLS-1-2-* or -FS-1-2-* policy',
      );
    });
    it("flags an HTTPS listener without a policy (the API default allows TLS 1.0)", () => {
      const l = f.httpsListener();
      delete l.props.sslPolicy;
      expect(one("lb-listener-tls-policy", l).message).to.match(/^sslPolicy is not set \(the default allows TLS 1.0\): set sslPolicy/);
    });
    it("accepts the TLS 1.2+ families", () => {
      for (const p of ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04"]) {
        const l = f.httpsListener();
        l.props.sslPolicy = p;
        expect(violations("lb-listener-tls-policy", stackWith(l)), p).to.deep.equal([]);
      }
      const old = f.httpsListener();
      old.props.sslPolicy = "ELBSecurityPolicy-TLS13-1-1-2021-06";
      expect(violations("lb-listener-tls-policy", stackWith(old))).to.have.length(1);
    });
  });

  describe("lb-http-redirects-to-https", () => {
    it("flags an HTTP listener that forwards while the load balancer has HTTPS (mandatory)", () => {
      const l = f.httpListener();
      l.props.defaultActions = [{ type: "forward", targetGroupArn: "tg-arn" }];
      const v = one("lb-http-redirects-to-https", l);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.match(/^HTTP listener serves traffic although the load balancer has an HTTPS listener: set defaultActions to a single \{ type: "redirect"/);
    });
    it("flags a redirect to plain HTTP", () => {
      const l = f.httpListener();
      l.props.defaultActions[0].redirect.protocol = "HTTP";
      expect(one("lb-http-redirects-to-https", l).level).to.equal("mandatory");
    });
    it("advises HTTPS when the load balancer serves plain HTTP only", () => {
      const l = f.httpListener();
      l.props.defaultActions = [{ type: "forward", targetGroupArn: "tg-arn" }];
      const stack = stackWith(l).filter((r) => r.name !== "https");
      const found = violations("lb-http-redirects-to-https", stack);
      expect(found).to.deep.equal([
        { rule: "lb-http-redirects-to-https", level: "advisory", urn: l.urn, message: "load balancer serves plain HTTP only: add an HTTPS listener with a certificate and make this listener redirect to HTTPS" },
      ]);
    });
    it("pairs listeners by load balancer: an HTTPS listener on another load balancer does not count", () => {
      const l = f.httpListener();
      l.props.defaultActions = [{ type: "forward", targetGroupArn: "tg-arn" }];
      l.props.loadBalancerArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/other/1";
      expect(one("lb-http-redirects-to-https", l).level).to.equal("advisory");
    });
    it("pairs listeners by dependency when the load balancer ARN is not known yet", () => {
      const lb = f.loadBalancer();
      const http = f.httpListener();
      const https = f.httpsListener();
      http.props.loadBalancerArn = UNKNOWN;
      https.props.loadBalancerArn = UNKNOWN;
      http.props.defaultActions = [{ type: "forward", targetGroupArn: "tg-arn" }];
      http.dependencies = [lb.urn];
      https.dependencies = [lb.urn];
      const stack = f.compliantStack().map((r) => (r.urn === http.urn ? http : r.urn === https.urn ? https : r));
      expect(violations("lb-http-redirects-to-https", stack).map((v) => v.level)).to.deep.equal(["mandatory"]);
    });
  });

  describe("lb-deletion-protection", () => {
    it("is advisory on dev and mandatory on prod stacks", () => {
      const lb = f.loadBalancer();
      lb.props.enableDeletionProtection = false;
      const dev = one("lb-deletion-protection", lb, "dev");
      expect(dev.level).to.equal("advisory");
      expect(dev.message).to.equal("deletion protection is off: set enableDeletionProtection to true");
      expect(one("lb-deletion-protection", lb, "prod").level).to.equal("mandatory");
      expect(one("lb-deletion-protection", lb, "prod-eu").level).to.equal("mandatory");
      expect(one("lb-deletion-protection", lb, "staging").level).to.equal("advisory");
    });
  });

  describe("lb-access-logs", () => {
    it("advises access logs", () => {
      const lb = f.loadBalancer();
      delete lb.props.accessLogs;
      const v = one("lb-access-logs", lb);
      expect(v.level).to.equal("advisory");
      expect(v.message).to.equal("access logs are off: set accessLogs { bucket: <S3 bucket>, enabled: true }");
    });
    it("flags a bucket given but logging left disabled (the provider default)", () => {
      const lb = f.loadBalancer();
      lb.props.accessLogs = { bucket: "logs" };
      expect(one("lb-access-logs", lb).level).to.equal("advisory");
    });
  });

  describe("lb-target-group-health-check", () => {
    it("flags a target group without health check", () => {
      const tg = f.targetGroup();
      delete tg.props.healthCheck;
      const v = one("lb-target-group-health-check", tg);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal('no health check is defined: set healthCheck { enabled: true, path: <health endpoint>, matcher: "200" }');
    });
    it("flags a disabled health check and an HTTP health check without path", () => {
      const off = f.targetGroup();
      off.props.healthCheck.enabled = false;
      expect(one("lb-target-group-health-check", off).message).to.equal("health check is disabled: set healthCheck.enabled to true");
      const noPath = f.targetGroup();
      delete noPath.props.healthCheck.path;
      expect(one("lb-target-group-health-check", noPath).message).to.equal("health check has no path: set healthCheck.path to the application's health endpoint");
    });
    it("accepts a TCP health check without path", () => {
      const tg = f.targetGroup();
      tg.props.protocol = "TCP";
      tg.props.healthCheck = { enabled: true, protocol: "TCP" };
      expect(violations("lb-target-group-health-check", stackWith(tg))).to.deep.equal([]);
    });
  });

  describe("sg-no-public-ingress", () => {
    it("flags SSH from the internet as an inline rule", () => {
      const sg = f.tasksSecurityGroup();
      sg.props.ingress = [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], description: "ssh" }];
      const v = one("sg-no-public-ingress", sg);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal(
        'inline ingress 1 ("ssh") allows 0.0.0.0/0 on ports 22-22/tcp: restrict the source to the load balancer\'s security group (referencedSecurityGroupId) or a known CIDR; only a load balancer\'s group may be open to the internet, on TCP 80/443',
      );
    });
    it("flags 443 from the internet to a group no load balancer uses", () => {
      const r = f.tasksIngressRule();
      delete r.props.referencedSecurityGroupId;
      r.props.cidrIpv6 = "::/0";
      r.props.fromPort = 443;
      r.props.toPort = 443;
      expect(one("sg-no-public-ingress", r).message).to.match(/^ingress rule allows ::\/0 on ports 443-443\/tcp: restrict the source/);
    });
    it("accepts 443 from the internet to the load balancer's group, matched by id", () => {
      const r = f.tasksIngressRule();
      delete r.props.referencedSecurityGroupId;
      Object.assign(r.props, { securityGroupId: "sg-alb", cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 });
      expect(violations("sg-no-public-ingress", stackWith(r))).to.deep.equal([]);
    });
    it("accepts the load balancer's inline rules, matched by dependency", () => {
      expect(f.albSecurityGroup().props.ingress[0].cidrBlocks).to.deep.equal(["0.0.0.0/0"]);
      expect(violations("sg-no-public-ingress", f.compliantStack())).to.deep.equal([]);
    });
    it("flags all ports to the load balancer's group", () => {
      const sg = f.albSecurityGroup();
      sg.props.ingress.push({ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "everything" });
      expect(one("sg-no-public-ingress", sg).message).to.match(/^inline ingress 3 \("everything"\) allows 0.0.0.0\/0 on all ports: restrict/);
    });
    it("flags a legacy SecurityGroupRule of type ingress, not egress", () => {
      const rule = f.res("aws:ec2/securityGroupRule:SecurityGroupRule", "rdp", { type: "ingress", securityGroupId: "sg-tasks", protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["0.0.0.0/0"], description: "rdp" });
      const egress = f.res("aws:ec2/securityGroupRule:SecurityGroupRule", "out", { type: "egress", securityGroupId: "sg-tasks", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "out" });
      const found = violations("sg-no-public-ingress", [...f.compliantStack(), rule, egress]);
      expect(found.map((v) => v.urn)).to.deep.equal([rule.urn]);
    });
  });

  describe("sg-description", () => {
    it("flags a group with only the SDK default description", () => {
      const sg = f.tasksSecurityGroup();
      sg.props.description = "Managed by Pulumi";
      const v = one("sg-description", sg);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal('security group has no description (only the default "Managed by Pulumi"): set description to what the group protects');
    });
    it("flags inline rules and standalone rules without description", () => {
      const sg = f.albSecurityGroup();
      delete sg.props.egress[0].description;
      expect(one("sg-description", sg).message).to.equal("inline egress 1 has no description: set description to why the traffic is allowed");
      const r = f.tasksIngressRule();
      r.props.description = "  ";
      expect(one("sg-description", r).message).to.equal("rule has no description: set description to why the traffic is allowed");
    });
  });

  describe("subnet-private-no-public-ip", () => {
    it("flags a private subnet that maps public IPs (mandatory)", () => {
      const s = f.privateSubnet();
      s.props.mapPublicIpOnLaunch = true;
      const v = one("subnet-private-no-public-ip", s);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal("private subnet maps public IPs on launch: set mapPublicIpOnLaunch to false");
    });
    it("accepts a public subnet and advises on an unnamed one", () => {
      const pub = f.res("aws:ec2/subnet:Subnet", "public-a", { vpcId: "vpc-1", mapPublicIpOnLaunch: true, tags: { SubnetType: "Public" } });
      const odd = f.res("aws:ec2/subnet:Subnet", "edge-a", { vpcId: "vpc-1", mapPublicIpOnLaunch: true });
      const found = violations("subnet-private-no-public-ip", [...f.compliantStack(), pub, odd]);
      expect(found).to.deep.equal([
        {
          rule: "subnet-private-no-public-ip",
          level: "advisory",
          urn: odd.urn,
          message: "subnet maps public IPs on launch but is not named public: set mapPublicIpOnLaunch to false, or tag it SubnetType=Public if it is a public subnet",
        },
      ]);
    });
  });

  describe("vpc-flow-logs", () => {
    it("advises a flow log for a VPC without one", () => {
      const found = violations("vpc-flow-logs", f.compliantStack().filter((r) => r.type !== "aws:ec2/flowLog:FlowLog"));
      expect(found).to.deep.equal([
        { rule: "vpc-flow-logs", level: "advisory", urn: f.awsxVpc().urn, message: "VPC has no flow log: add an aws.ec2.FlowLog for this VPC (trafficType ALL) to a CloudWatch log group with retention" },
      ]);
    });
    it("does not count a flow log of another region or component", () => {
      const other = f.flowLog();
      other.region = "us-east-1";
      other.provider = f.provider("us-east-1");
      other.parent = "urn:pulumi:dev::ecs-fleet::ecs-fleet:regional:Footprint::us-east-1";
      const stack = f.compliantStack().map((r) => (r.type === "aws:ec2/flowLog:FlowLog" ? other : r));
      expect(violations("vpc-flow-logs", stack)).to.have.length(1);
    });
    it("matches a plain aws.ec2.Vpc by its id or by dependency", () => {
      const vpc = f.res("aws:ec2/vpc:Vpc", "plain", { cidrBlock: "10.1.0.0/16" }, { region: undefined, provider: undefined, parent: undefined });
      const byDep = f.flowLog();
      byDep.region = undefined;
      byDep.provider = undefined;
      byDep.parent = undefined;
      expect(violations("vpc-flow-logs", [vpc, byDep])).to.have.length(1);
      byDep.dependencies = [vpc.urn];
      expect(violations("vpc-flow-logs", [vpc, byDep])).to.deep.equal([]);
    });
  });

  describe("iam-trust-specific-services", () => {
    it("flags a wildcard principal", () => {
      const role = f.taskRole();
      role.props.assumeRolePolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] });
      const v = one("iam-trust-specific-services", role);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.match(/^trust policy statement 1 allows principal "\*": set Principal \{ Service: <service> \} and trust only named services/);
    });
    it("flags account principals and unlisted services", () => {
      const role = f.taskRole();
      role.props.assumeRolePolicy = JSON.stringify({
        Statement: [
          { Sid: "Account", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" },
          { Effect: "Allow", Principal: { Service: ["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"] }, Action: "sts:AssumeRole" },
        ],
      });
      expect(violations("iam-trust-specific-services", stackWith(role)).map((v) => v.message)).to.deep.equal([
        'trust policy statement "Account" trusts AWS principals (arn:aws:iam::123456789012:root): remove them and trust only named services (ecs-tasks.amazonaws.com, ecs.amazonaws.com, ssm.amazonaws.com, batch.amazonaws.com, scheduler.amazonaws.com, ...)',
        'trust policy statement 2 trusts service "lambda.amazonaws.com": trust only named services (ecs-tasks.amazonaws.com, ecs.amazonaws.com, ssm.amazonaws.com, batch.amazonaws.com, scheduler.amazonaws.com, ...)',
      ]);
    });
    it("accepts every service the program uses", () => {
      const role = f.taskRole();
      role.props.assumeRolePolicy = f.trustPolicy("ssm.amazonaws.com", "batch.amazonaws.com", "scheduler.amazonaws.com", "states.amazonaws.com", "vpc-flow-logs.amazonaws.com");
      expect(violations("iam-trust-specific-services", stackWith(role))).to.deep.equal([]);
    });
  });

  describe("iam-no-wildcard-admin", () => {
    it("flags * on * in a role policy", () => {
      const p = f.rolePolicy();
      p.props.policy = f.policyDoc({ Sid: "God", Effect: "Allow", Action: "*", Resource: "*" });
      const found = violations("iam-no-wildcard-admin", stackWith(p));
      expect(found).to.deep.equal([
        { rule: "iam-no-wildcard-admin", level: "mandatory", urn: p.urn, message: 'policy statement "God" allows action "*" on resource "*": list the actions and resource ARNs the role needs' },
      ]);
    });
    it("flags * on * in a role's inline policies and AdministratorAccess attachments", () => {
      const role = f.taskRole();
      role.props.inlinePolicies = [{ name: "all", policy: f.policyDoc({ Effect: "Allow", Action: ["*"], Resource: ["*"] }) }];
      expect(one("iam-no-wildcard-admin", role).message).to.equal('inline policy "all" statement 1 allows action "*" on resource "*": list the actions and resource ARNs the role needs');
      const att = f.res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "web-task", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
      expect(violations("iam-no-wildcard-admin", [...f.compliantStack(), att]).map((v) => v.message)).to.deep.equal([
        "attaches arn:aws:iam::aws:policy/AdministratorAccess: attach a policy that lists only the actions and resources the role needs",
      ]);
    });
    it("accepts * actions of one service on * and Deny statements", () => {
      const p = f.rolePolicy();
      p.props.policy = f.policyDoc({ Effect: "Allow", Action: "logs:*", Resource: "*" }, { Effect: "Deny", Action: "*", Resource: "*" });
      expect(violations("iam-no-wildcard-admin", stackWith(p))).to.deep.equal([]);
    });
  });

  describe("iam-passrole-scoped", () => {
    it("flags iam:PassRole on *", () => {
      const p = f.rolePolicy();
      p.props.policy = f.policyDoc({ Sid: "Pass", Effect: "Allow", Action: ["ecs:RunTask", "iam:PassRole"], Resource: "*" });
      const v = one("iam-passrole-scoped", p);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal('policy statement "Pass" allows iam:PassRole on resource "*": set Resource to the ARNs of the roles it passes (e.g. the task and execution roles)');
    });
    it("sees PassRole through wildcards (iam:Pass*, iam:*)", () => {
      for (const action of ["iam:Pass*", "iam:*", "IAM:passrole"]) {
        const p = f.rolePolicy();
        p.props.policy = f.policyDoc({ Effect: "Allow", Action: action, Resource: "*" });
        expect(violations("iam-passrole-scoped", stackWith(p)), action).to.have.length(1);
      }
    });
  });

  describe("log-group-retention", () => {
    it("flags a log group kept forever", () => {
      const lg = f.logGroup();
      delete lg.props.retentionInDays;
      const v = one("log-group-retention", lg);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal("retentionInDays is not set (logs kept forever): set retentionInDays, e.g. 30 or 90");
      lg.props.retentionInDays = 0;
      expect(one("log-group-retention", lg).message).to.match(/^retentionInDays is 0 \(logs kept forever\)/);
    });
  });

  describe("ssm-activation-limits", () => {
    it("flags a missing registration limit and expiry", () => {
      const a = f.activation();
      delete a.props.registrationLimit;
      delete a.props.expirationDate;
      expect(violations("ssm-activation-limits", stackWith(a))).to.deep.equal([
        { rule: "ssm-activation-limits", level: "mandatory", urn: a.urn, message: "registrationLimit is not set: set registrationLimit to the number of hosts the activation may register" },
        { rule: "ssm-activation-limits", level: "mandatory", urn: a.urn, message: "expirationDate is not set: set expirationDate to a fixed RFC 3339 date at most 30 days ahead" },
      ]);
    });
    it("flags an expiry more than 30 days ahead of the clock, and accepts exactly 30", () => {
      const a = f.activation();
      a.props.expirationDate = "2027-01-10T00:00:00Z";
      expect(one("ssm-activation-limits", a).message).to.equal("expirationDate 2027-01-10T00:00:00Z is 47 days ahead: set it at most 30 days ahead");
      a.props.expirationDate = new Date(f.NOW.getTime() + 30 * 86_400_000).toISOString();
      expect(violations("ssm-activation-limits", stackWith(a))).to.deep.equal([]);
    });
    it("flags an expiry that is not a date", () => {
      const a = f.activation();
      a.props.expirationDate = "next month";
      expect(one("ssm-activation-limits", a).message).to.match(/^expirationDate "next month" is not a date: set an RFC 3339 timestamp/);
    });
  });

  describe("batch-job-no-privileged", () => {
    it("flags a privileged container job", () => {
      const j = f.jobDefinition();
      j.props.containerProperties = JSON.stringify({ ...JSON.parse(j.props.containerProperties), privileged: true });
      const v = one("batch-job-no-privileged", j);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal("containerProperties.privileged is true: remove privileged (or set it to false)");
    });
    it("looks into ecsProperties and nodeProperties", () => {
      const j = f.jobDefinition();
      delete j.props.containerProperties;
      j.props.ecsProperties = JSON.stringify({ taskProperties: [{ containers: [{ name: "a", image: "x" }, { name: "b", image: "y", privileged: true }] }] });
      expect(one("batch-job-no-privileged", j).message).to.equal("ecsProperties.taskProperties[0].containers[1].privileged is true: remove privileged (or set it to false)");
    });
  });

  describe("tags-required", () => {
    it("flags a resource whose provider sets no default tags", () => {
      const lg = f.logGroup();
      lg.provider = { urn: lg.provider!.urn, props: { region: f.REGION } };
      const v = one("tags-required", lg);
      expect(v.level).to.equal("mandatory");
      expect(v.message).to.equal("missing tags Project, Stack, Region: set them in the provider's defaultTags.tags (or the resource's tags)");
    });
    it("accepts tags given on the resource itself", () => {
      const lg = f.logGroup();
      lg.provider = undefined;
      lg.props.tags = { Project: f.PROJECT, Stack: f.STACK, Region: f.REGION };
      expect(violations("tags-required", stackWith(lg))).to.deep.equal([]);
    });
    it("flags a tag with the wrong value (copied from another stack)", () => {
      const lg = f.logGroup();
      lg.provider = f.provider(f.REGION, "prod");
      expect(one("tags-required", lg).message).to.equal(`tag Stack is "prod" but should be "dev": fix the provider's defaultTags`);
    });
    it("uses the exact key spelling", () => {
      const lg = f.logGroup();
      lg.provider = undefined;
      lg.props.tags = { project: f.PROJECT, stack: f.STACK, region: f.REGION };
      expect(one("tags-required", lg).message).to.match(/^missing tags Project, Stack, Region:/);
    });
  });

  it("every rule has a describe block in this file", () => {
    const src = require("fs").readFileSync(__filename, "utf8") as string;
    const missing = rules.filter((r) => !src.includes(`describe("${r.name}"`)).map((r) => r.name);
    expect(missing).to.deep.equal([]);
  });
});
