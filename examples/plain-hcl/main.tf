# The management account baseline from plain Terraform (no cdktf, no Python).
#
# Copy this folder, point `source` at the module (a path, or a git URL such as
# "git::https://github.com/<org>/<repo>.git//modules/management-account-baseline?ref=v0.9.0"),
# then: terraform init && terraform plan

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 6.0.0" # what the module is tested with
    }
  }

  # Keep the state remote, e.g. in the bucket the cdktf app's state-bootstrap stack makes:
  # backend "s3" {
  #   bucket       = "acme-mgmt-terraform-state"
  #   key          = "management-account-baseline/terraform.tfstate"
  #   region       = "us-east-1"
  #   encrypt      = true
  #   use_lockfile = true
  # }
}

# The module has no provider of its own: it uses this one, which must be for us-east-1.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      ManagedBy = "terraform"
      Owner     = "platform"
    }
  }
}

module "management_baseline" {
  source = "../../modules/management-account-baseline"

  name_prefix        = "acme-mgmt"
  alert_emails       = ["secops@example.com", "finance@example.com"]
  log_retention_days = 731

  billing = {
    management_account_limit_usd = 120  # the management account's own charges (a filtered budget)
    organization_limit_usd       = 2000 # every account's: the EstimatedCharges alarm on the total
  }

  detections = {
    cis_pack  = "management-only" # CIS monitoring pack, scoped to this account
    overrides = { "access-denied" = { threshold = 3 } }
  }
}

output "alert_topic_arn" {
  description = "Subscribe more endpoints to this topic, or publish test alerts to it."
  value       = module.management_baseline.alert_topic_arn
}

output "organization_trail_arn" {
  value = module.management_baseline.organization_trail_arn
}

output "alarm_arns" {
  value = module.management_baseline.alarm_arns
}

# The module's inputs as the operator commands' config: no TOML to keep in step with this file.
#   terraform output -raw operator_config > baseline.json && ./run verify --config baseline.json
output "operator_config" {
  value = module.management_baseline.operator_config
}
