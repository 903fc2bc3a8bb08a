# The identity side of cloudrun-audit.yml: a workload identity pool whose GitHub provider accepts only ID tokens
# minted for the audit workflow of one repository, on its main branch, by a schedule, a push or a manual run.
# A pull request (its token says refs/pull/N/merge), a branch (refs/heads/NAME), another repository or another
# workflow cannot exchange its token, even if it edits the workflow to ask for one with id-token: write.

terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

variable "project" {
  description = "Project that holds the pool and the auditor service account"
  type        = string
}

variable "github_repository" {
  description = "OWNER/NAME of the repository that runs cloudrun-audit.yml"
  type        = string
}

variable "github_repository_id" {
  description = "Its numeric id (gh api repos/OWNER/NAME --jq .id): a deleted and re-created name does not match"
  type        = string
}

variable "auditor_service_account" {
  description = "The scanner's service account, e.g. cloudrun-auditor@sec-tools.iam.gserviceaccount.com"
  type        = string
}

locals {
  workflow = "${var.github_repository}/.github/workflows/cloudrun-audit.yml@refs/heads/main"
}

resource "google_iam_workload_identity_pool" "github" {
  project                   = var.project
  workload_identity_pool_id = "github"
  display_name              = "GitHub Actions"
}

resource "google_iam_workload_identity_pool_provider" "cloudrun_audit" {
  project                            = var.project
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "cloudrun-audit"
  display_name                       = "cloudrun-audit on main"
  attribute_mapping = {
    "google.subject"       = "assertion.sub"
    "attribute.repository" = "assertion.repository"
    "attribute.ref"        = "assertion.ref"
  }
  # Every clause is needed: the repository (by name and by id), its main branch, this workflow file as it is
  # on main, and the events the audit job runs on. pull_request and pull_request_target are not among them.
  attribute_condition = join(" && ", [
    "assertion.repository == '${var.github_repository}'",
    "assertion.repository_id == '${var.github_repository_id}'",
    "assertion.ref == 'refs/heads/main'",
    "assertion.workflow_ref == '${local.workflow}'",
    "assertion.event_name in ['schedule', 'push', 'workflow_dispatch']",
  ])
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

# Only identities from that provider, for that repository, may act as the auditor.
resource "google_service_account_iam_member" "github_runs_auditor" {
  service_account_id = "projects/${var.project}/serviceAccounts/${var.auditor_service_account}"
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/attribute.repository/${var.github_repository}"
}

output "workload_identity_provider" {
  description = "The value of the GCP_WORKLOAD_IDENTITY_PROVIDER repository variable"
  value       = google_iam_workload_identity_pool_provider.cloudrun_audit.name
}
