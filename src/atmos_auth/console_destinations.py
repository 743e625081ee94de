"""The console service aliases of `atmos auth console --destination` (the same names Atmos accepts),
each opening that service's page of the AWS console."""

from __future__ import annotations

CONSOLE = "https://console.aws.amazon.com/"

#: Aliases whose page is CONSOLE + alias.
SAME_NAME = (
    "acm", "apigateway", "appflow", "athena", "backup", "batch", "bedrock", "billing", "cloud9",
    "cloudformation", "cloudfront", "cloudsearch", "cloudtrail", "cloudwatch", "codeartifact", "codebuild",
    "codecommit", "codedeploy", "codepipeline", "cognito", "comprehend", "config", "controltower", "datasync",
    "detective", "directconnect", "dms", "dynamodb", "ec2", "ecr", "ecs", "efs", "eks", "elasticache",
    "elasticbeanstalk", "emr", "forecast", "fsx", "glacier", "globalaccelerator", "glue", "greengrass",
    "guardduty", "iam", "inspector", "kendra", "keyspaces", "kinesis", "kms", "lambda", "lex",
    "license-manager", "lightsail", "macie", "memorydb", "msk", "neptune", "opsworks", "organizations",
    "personalize", "polly", "qldb", "quicksight", "rds", "redshift", "rekognition", "resource-groups",
    "route53", "s3", "sagemaker", "secretsmanager", "securityhub", "servicecatalog", "shield", "sns", "sqs",
    "systems-manager", "textract", "timestream", "transcribe", "transfer", "translate", "vpc", "worklink",
    "workspaces", "xray",
)
#: The others.
OTHER = {
    "application-discovery": "https://console.aws.amazon.com/discovery",
    "appstream": "https://console.aws.amazon.com/appstream2",
    "budgets": "https://console.aws.amazon.com/billing/home#/budgets",
    "console": "https://console.aws.amazon.com/console/home",
    "cost-explorer": "https://console.aws.amazon.com/cost-management/home#/cost-explorer",
    "dashboard": "https://console.aws.amazon.com/console/home",
    "directory": "https://console.aws.amazon.com/directoryservicev2",
    "documentdb": "https://console.aws.amazon.com/docdb",
    "elasticsearch": "https://console.aws.amazon.com/aos",
    "elb": "https://console.aws.amazon.com/ec2/v2/home#LoadBalancers",
    "eventbridge": "https://console.aws.amazon.com/events",
    "fargate": "https://console.aws.amazon.com/ecs",
    "home": "https://console.aws.amazon.com/console/home",
    "iot-analytics": "https://console.aws.amazon.com/iotanalytics",
    "iot-core": "https://console.aws.amazon.com/iot",
    "iot-events": "https://console.aws.amazon.com/iotevents",
    "lake-formation": "https://console.aws.amazon.com/lakeformation",
    "migration-hub": "https://console.aws.amazon.com/migrationhub",
    "mq": "https://console.aws.amazon.com/amazon-mq",
    "opensearch": "https://console.aws.amazon.com/aos",
    "privatelink": "https://console.aws.amazon.com/vpc/home#Endpoints",
    "server-migration": "https://console.aws.amazon.com/servermigration",
    "serverless": "https://console.aws.amazon.com/lambda/home#/applications",
    "ssm": "https://console.aws.amazon.com/systems-manager",
    "sso": "https://console.aws.amazon.com/singlesignon",
    "step-functions": "https://console.aws.amazon.com/states",
    "tag-editor": "https://console.aws.amazon.com/resource-groups/tag-editor",
    "transitgateway": "https://console.aws.amazon.com/vpc/home#TransitGateways",
    "trusted-advisor": "https://console.aws.amazon.com/trustedadvisor",
    "waf": "https://console.aws.amazon.com/wafv2",
    "well-architected": "https://console.aws.amazon.com/wellarchitected",
}


def destination(alias: str) -> str | None:
    """The console URL of a service alias (any case), or None."""
    name = alias.strip().lower()
    return CONSOLE + name if name in SAME_NAME else OTHER.get(name)


def aliases() -> list[str]:
    return sorted([*SAME_NAME, *OTHER])
