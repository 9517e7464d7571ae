#!/bin/sh
# Make a real `terraform show -json` plan from a folder of .tf files, offline.
#   plan.sh ROOT_DIR OUT.json
# Needs the terraform binary (1.11.4 made the committed plans) and a
# filesystem mirror of the AWS provider (hashicorp/aws 5.100.0): the folder
# TF_PLUGIN_MIRROR names, or else a folder named tf-plugins near the top of
# the filesystem (the machine image has /opt/tf-plugins). Nothing is
# downloaded. provider.tf beside this script is added to the root, so the
# root must not declare its own provider "aws" block. Data sources that
# would call AWS (aws_caller_identity, aws_availability_zones, ...) fail
# without network; aws_iam_policy_document is computed locally and works.
# ROOT_DIR is copied to a temporary folder first: it is never written to.
set -eu
[ $# -eq 2 ] || { echo "usage: plan.sh ROOT_DIR OUT.json" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$1" ] || { echo "plan.sh: $1 is not a folder" >&2; exit 2; }
src=$(cd "$1" && pwd)
mkdir -p "$(dirname "$2")"
out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
if [ -n "${TF_PLUGIN_MIRROR:-}" ]; then
  mirror=$TF_PLUGIN_MIRROR
  [ -d "$mirror" ] || { echo "plan.sh: TF_PLUGIN_MIRROR=$mirror is not a folder" >&2; exit 2; }
else
  mirror=$(find / -maxdepth 3 -type d -name tf-plugins 2>/dev/null | head -n 1)
  [ -n "$mirror" ] || {
    echo "plan.sh: no terraform provider mirror found (no tf-plugins folder);" \
         "set TF_PLUGIN_MIRROR to a filesystem mirror holding hashicorp/aws 5.100.0" >&2
    exit 2
  }
fi
command -v terraform >/dev/null 2>&1 || { echo "plan.sh: terraform is not on PATH" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/.terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
RC
mkdir "$work/root"
cp -R "$src"/. "$work/root"/
cp "$here/provider.tf" "$work/root/zz_offline_provider.tf"
cd "$work/root"
export TF_CLI_CONFIG_FILE="$work/.terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
terraform init -input=false -no-color >/dev/null
terraform plan -input=false -no-color -refresh=false -out=tfplan >/dev/null
terraform show -json tfplan > "$work/plan.json"
mv "$work/plan.json" "$out"  # a failed show leaves the committed plan as it was
echo "wrote $out"
