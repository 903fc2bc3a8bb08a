#!/usr/bin/env bash
# A nightly cloudrun-auditor scan of a whole organisation, as a Cloud Run job on a Cloud Scheduler trigger,
# under its own least-privilege service account, with every report kept in a Cloud Storage bucket.
# Run it once, from the cloudrun-auditor repository, as someone who may grant organisation-level roles.
# main.tf beside this file is the same set-up in Terraform.
set -euo pipefail

ORG_ID="${ORG_ID:?the organisation number, e.g. 123456789012}"
PROJECT="${PROJECT:?the project that runs the scanner, e.g. sec-tools}"
REGION="${REGION:-europe-west1}"
BUCKET="${BUCKET:-${PROJECT}-cloudrun-audit}"
SA_NAME=cloudrun-auditor
SA="${SA_NAME}@${PROJECT}.iam.gserviceaccount.com"
SCHEDULER_SA="cloudrun-auditor-trigger@${PROJECT}.iam.gserviceaccount.com"
REPO="${REGION}-docker.pkg.dev/${PROJECT}/tools"
IMAGE="${REPO}/cloudrun-auditor:0.1.0"

gcloud services enable run.googleapis.com cloudscheduler.googleapis.com artifactregistry.googleapis.com \
  cloudbuild.googleapis.com iam.googleapis.com cloudresourcemanager.googleapis.com storage.googleapis.com \
  --project="${PROJECT}"

# 1. The scanner's own identity: read-only at the organisation, nothing else.
gcloud iam service-accounts create "${SA_NAME}" --project="${PROJECT}" \
  --display-name="cloudrun-auditor (read-only scanner)"
for role in roles/run.viewer roles/iam.securityReviewer roles/browser; do
  gcloud organizations add-iam-policy-binding "${ORG_ID}" \
    --member="serviceAccount:${SA}" --role="${role}" --condition=None
done

# 2. The report bucket. The scanner may only create objects and replace them (latest.*): a custom role with
#    exactly storage.objects.create and storage.objects.delete, granted on this bucket alone.
gcloud storage buckets create "gs://${BUCKET}" --project="${PROJECT}" --location="${REGION}" \
  --uniform-bucket-level-access --public-access-prevention
gcloud iam roles create cloudrunAuditorReportWriter --project="${PROJECT}" \
  --title="cloudrun-auditor report writer" \
  --permissions=storage.objects.create,storage.objects.delete --stage=GA
gcloud storage buckets add-iam-policy-binding "gs://${BUCKET}" \
  --member="serviceAccount:${SA}" --role="projects/${PROJECT}/roles/cloudrunAuditorReportWriter"

# 3. The image, built from the Dockerfile at the repository root.
gcloud artifacts repositories create tools --repository-format=docker --location="${REGION}" --project="${PROJECT}"
gcloud builds submit --tag="${IMAGE}" --project="${PROJECT}" .

# 4. The job. One task: the scanner parallelises its own API calls. It never retries a task, because a
#    second run finds the same things (transient API errors are already retried inside the scan).
#    Exit 1 (findings at or above --fail-on high) marks the execution failed, so the console shows it.
gcloud run jobs create cloudrun-auditor --project="${PROJECT}" --region="${REGION}" \
  --image="${IMAGE}" \
  --service-account="${SA}" \
  --tasks=1 --max-retries=0 --task-timeout=3600s --memory=1Gi --cpu=1 \
  --args="audit,--organization=${ORG_ID},--format=json,--format=sarif,--format=markdown,--format=html,--output-dir=gs://${BUCKET}/nightly,--log-format=json"

# 5. The trigger: every night at 02:30, through an identity that may only run this job.
gcloud iam service-accounts create cloudrun-auditor-trigger --project="${PROJECT}" \
  --display-name="Cloud Scheduler trigger for cloudrun-auditor"
gcloud run jobs add-iam-policy-binding cloudrun-auditor --project="${PROJECT}" --region="${REGION}" \
  --member="serviceAccount:${SCHEDULER_SA}" --role=roles/run.invoker
gcloud scheduler jobs create http cloudrun-auditor-nightly --project="${PROJECT}" --location="${REGION}" \
  --schedule="30 2 * * *" --time-zone="Etc/UTC" \
  --uri="https://run.googleapis.com/v2/projects/${PROJECT}/locations/${REGION}/jobs/cloudrun-auditor:run" \
  --http-method=POST \
  --oauth-service-account-email="${SCHEDULER_SA}"

# Run it now, and read the closing log line (severity WARNING when findings gate, ERROR when the scan failed):
#   gcloud run jobs execute cloudrun-auditor --project="${PROJECT}" --region="${REGION}" --wait
#   gcloud logging read 'resource.type="cloud_run_job" AND jsonPayload.exitCode>=0' --project="${PROJECT}" --limit=1
#   gcloud storage ls "gs://${BUCKET}/nightly/"
