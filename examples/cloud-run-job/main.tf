# The Terraform equivalent of gcloud.sh: a nightly cloudrun-auditor scan of an organisation as a Cloud Run job,
# on a Cloud Scheduler trigger, under its own least-privilege service account, writing reports to a bucket.
# The image is built from the repository's Dockerfile and pushed to var.image beforehand.

terraform {
  required_version = ">= 1.5"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

variable "org_id" {
  description = "Organisation number to scan"
  type        = string
}

variable "project" {
  description = "Project that runs the scanner"
  type        = string
}

variable "region" {
  type    = string
  default = "europe-west1"
}

variable "image" {
  description = "The cloudrun-auditor image, e.g. europe-west1-docker.pkg.dev/sec-tools/tools/cloudrun-auditor:0.1.0"
  type        = string
}

locals {
  bucket = "${var.project}-cloudrun-audit"
}

# The scanner's own identity: read-only at the organisation, nothing else.
resource "google_service_account" "auditor" {
  project      = var.project
  account_id   = "cloudrun-auditor"
  display_name = "cloudrun-auditor (read-only scanner)"
}

resource "google_organization_iam_member" "auditor" {
  for_each = toset(["roles/run.viewer", "roles/iam.securityReviewer", "roles/browser"])
  org_id   = var.org_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.auditor.email}"
}

# Reports: the scanner may create objects and replace them (latest.*) in this bucket, and nothing more.
resource "google_storage_bucket" "reports" {
  project                     = var.project
  name                        = local.bucket
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
}

resource "google_project_iam_custom_role" "report_writer" {
  project     = var.project
  role_id     = "cloudrunAuditorReportWriter"
  title       = "cloudrun-auditor report writer"
  permissions = ["storage.objects.create", "storage.objects.delete"]
}

resource "google_storage_bucket_iam_member" "auditor_writes_reports" {
  bucket = google_storage_bucket.reports.name
  role   = google_project_iam_custom_role.report_writer.id
  member = "serviceAccount:${google_service_account.auditor.email}"
}

# One task, no retries: a second run would find the same things, and API errors are retried inside the scan.
resource "google_cloud_run_v2_job" "auditor" {
  project  = var.project
  name     = "cloudrun-auditor"
  location = var.region

  template {
    task_count = 1
    template {
      service_account = google_service_account.auditor.email
      max_retries     = 0
      timeout         = "3600s"
      containers {
        image = var.image
        args = [
          "audit",
          "--organization=${var.org_id}",
          "--format=json",
          "--format=sarif",
          "--format=markdown",
          "--format=html",
          "--output-dir=gs://${local.bucket}/nightly",
          "--log-format=json",
        ]
        resources {
          limits = {
            cpu    = "1"
            memory = "1Gi"
          }
        }
      }
    }
  }

  depends_on = [google_organization_iam_member.auditor, google_storage_bucket_iam_member.auditor_writes_reports]
}

# The trigger, through an identity that may only run this job.
resource "google_service_account" "trigger" {
  project      = var.project
  account_id   = "cloudrun-auditor-trigger"
  display_name = "Cloud Scheduler trigger for cloudrun-auditor"
}

resource "google_cloud_run_v2_job_iam_member" "trigger_runs_job" {
  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_job.auditor.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

resource "google_cloud_scheduler_job" "nightly" {
  project   = var.project
  region    = var.region
  name      = "cloudrun-auditor-nightly"
  schedule  = "30 2 * * *"
  time_zone = "Etc/UTC"

  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/${var.project}/locations/${var.region}/jobs/${google_cloud_run_v2_job.auditor.name}:run"
    oauth_token {
      service_account_email = google_service_account.trigger.email
    }
  }
}
