#pragma once

#include <cstddef>
#include <string>

#include "rally/metrics/store_config.hpp"
#include "rally/metrics/store_documents.hpp"

namespace rally::race {

struct UploadResult {
  std::size_t written = 0;  // documents the store accepted
  std::string failure;      // what went wrong, for the warning; empty on success
};

// Writes `docs` to the store `config` names, on a private io_context with one keep-alive
// connection: GET / (when datastore.probe.cluster_version), the index templates that are
// missing (all of them with datastore.overwrite_existing_templates), then bulk requests. The
// whole upload takes at most config.timeout_s. Never throws; the password is never part of
// the failure text.
UploadResult upload_documents(const metrics::StoreConfig& config, const metrics::StoreDocuments& docs);

}  // namespace rally::race
