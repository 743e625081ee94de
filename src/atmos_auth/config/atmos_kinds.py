"""Kinds Atmos has (cloudposse/atmos pkg/auth/factory, pkg/auth/integrations) that this tool does not
implement: known by name, so a configuration that uses them still loads; only using one is an error."""

from __future__ import annotations

PROVIDERS = {"azure/cli", "azure/device-code", "azure/interactive", "azure/oidc", "atmos/pro",
             "gcp/adc", "gcp/workload-identity-federation"}
IDENTITIES = {"atmos/pro", "azure/subscription",
              "gcp/service-account", "gcp/project", "aws/emulator", "gcp/emulator", "azure/emulator",
              "kubernetes/emulator"}
INTEGRATIONS = {"azure/acr", "azure/aks", "gcp/gke", "github/sts"}
#: Identity kinds that start a chain themselves (no `via`), as Atmos treats them.
STANDALONE = {"aws/user", "aws/ambient", "ambient", "aws/emulator", "gcp/emulator", "azure/emulator",
              "kubernetes/emulator"}

BY_SECTION = {"providers": PROVIDERS, "identities": IDENTITIES, "integrations": INTEGRATIONS}
