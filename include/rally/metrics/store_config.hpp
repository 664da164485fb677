#pragma once

#include <optional>
#include <string>

#include "rally/common/host.hpp"
#include "rally/common/ini_file.hpp"

namespace rally::metrics {

// Rally's metrics store settings: the [reporting] section of ~/.rally/rally.ini (and env.name
// from [system]). datastore.type = in-memory (the default) keeps results in race.json only;
// elasticsearch also writes them to an Elasticsearch or OpenSearch cluster
// (docs/metrics-store.md).
struct StoreConfig {
  std::string source;                   // the rally.ini the settings came from
  bool enabled = false;                 // datastore.type = elasticsearch
  HostPort host;                        // datastore.host, datastore.port
  bool secure = false;                  // datastore.secure: TLS
  bool verify_certs = true;             // datastore.ssl.verification_mode: full (true) or none
  std::string certificate_authorities;  // datastore.ssl.certificate_authorities: PEM file
  // datastore.user and datastore.password (or $RALLY_REPORTING_DATASTORE_PASSWORD): basic
  // authentication when both are set, as Rally. The password is never shown.
  std::string user;
  std::string password;
  bool probe_cluster_version = true;          // datastore.probe.cluster_version: GET / before writing
  bool overwrite_existing_templates = false;  // datastore.overwrite_existing_templates
  std::optional<int> number_of_shards;        // datastore.number_of_shards, for the index templates
  std::optional<int> number_of_replicas;      // datastore.number_of_replicas
  std::string environment = "local";          // [system] env.name: the documents' "environment"
  double timeout_s = 30;  // datastore.timeout (ours): the whole upload at the end of a race, in seconds

  // "http://host:port" or "https://host:port": how messages name the store.
  [[nodiscard]] std::string url() const;
};

// Rally's configuration directory, ~/.rally (the home the races directory uses), and its
// rally.ini.
std::string rally_config_dir();
std::string rally_ini_path();

// The store settings of a parsed rally.ini. Throws RallyError naming the file, the line and the
// key of a bad or missing value; the password is never part of a message.
StoreConfig store_config_from_ini(const IniFile& ini);

// Reads `path` (a missing file means in-memory). Throws RallyError as above.
StoreConfig load_store_config(const std::string& path);

}  // namespace rally::metrics
