#include "rally/common/redaction.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <vector>

#include "rally/common/base64.hpp"
#include "rally/common/client_options.hpp"
#include "rally/common/markup_escape.hpp"
#include "rally/common/race_config.hpp"

namespace rally {

namespace {

// The forms of every registered secret, longest first (so a secret that contains another is
// masked whole). Read on every write to stdout/stderr: kept small and sorted once.
class SecretRegistry {
 public:
  void add(std::string form) {
    if (form.size() < min_redacted_length) return;
    std::lock_guard lock(mutex_);
    if (std::find(forms_.begin(), forms_.end(), form) != forms_.end()) return;
    forms_.push_back(std::move(form));
    std::stable_sort(forms_.begin(), forms_.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    any_.store(true, std::memory_order_release);
  }

  std::string redact(std::string_view text) const {
    std::string out(text);
    if (!any_.load(std::memory_order_acquire)) return out;
    std::lock_guard lock(mutex_);
    for (const auto& form : forms_) {
      for (auto at = out.find(form); at != std::string::npos; at = out.find(form, at + secret_mask.size())) {
        out.replace(at, form.size(), secret_mask);
      }
    }
    return out;
  }

  void clear() {
    std::lock_guard lock(mutex_);
    forms_.clear();
    any_.store(false, std::memory_order_release);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> forms_;
  std::atomic<bool> any_{false};
};

SecretRegistry& registry() {
  static SecretRegistry instance;
  return instance;
}

// As a CSV field writes it (quotes doubled).
std::string csv_form(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out;
}

bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isprint(c) != 0; });
}

void register_secret_leaves(const nlohmann::json& value) {
  if (value.is_string()) {
    register_secret(value.get<std::string>());
  } else if (value.is_number()) {
    register_secret(value.dump());
  } else if (value.is_structured()) {
    for (const auto& element : value) register_secret_leaves(element);
  }
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool is_secret_param_name(std::string_view name) { return name.substr(0, 7) == "secret_"; }

nlohmann::json mask_secret_params(nlohmann::json params) {
  if (params.is_object()) {
    for (auto& [key, value] : params.items()) {
      value =
          is_secret_param_name(key) ? nlohmann::json(std::string(secret_mask)) : mask_secret_params(std::move(value));
    }
  } else if (params.is_array()) {
    for (auto& element : params) element = mask_secret_params(std::move(element));
  }
  return params;
}

void register_secret(std::string_view secret) {
  if (secret.size() < min_redacted_length) return;
  auto& forms = registry();
  forms.add(std::string(secret));
  auto escaped = nlohmann::json(std::string(secret)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  forms.add(escaped.substr(1, escaped.size() - 2));
  forms.add(escape_markup(secret));  // as the HTML report writes it
  forms.add(csv_form(secret));
  auto encoded = base64_encode(secret);
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  forms.add(encoded);  // also finds the padded form
  if (auto decoded = base64_decode(secret); decoded && printable(*decoded)) forms.add(*decoded);
}

void register_basic_credentials(std::string_view user, std::string_view password) {
  register_secret(password);
  if (password.empty()) return;
  auto credentials = std::string(user) + ":" + std::string(password);
  registry().add(credentials);
  registry().add(base64_encode(credentials));  // the Authorization: Basic header's value
}

void register_secret_params(const nlohmann::json& params) {
  if (params.is_object()) {
    for (const auto& [key, value] : params.items()) {
      if (is_secret_param_name(key)) {
        register_secret_leaves(value);
      } else {
        register_secret_params(value);
      }
    }
  } else if (params.is_array()) {
    for (const auto& element : params) register_secret_params(element);
  }
}

void register_client_secrets(const ClientOptions& options) {
  register_basic_credentials(options.basic_auth_user, options.basic_auth_password);
  register_secret(options.api_key);
  for (const auto& [name, value] : options.headers) {
    if (!equals_ignoring_case(name, "Authorization")) continue;
    register_secret(value);
    // "Bearer <token>", "ApiKey <key>": the credential after the scheme too.
    if (auto space = value.find(' '); space != std::string::npos) register_secret(value.substr(space + 1));
  }
}

void register_race_secrets(const RaceConfig& config) {
  register_client_secrets(config.client);
  register_secret_params(
      nlohmann::json::parse(config.track_params.empty() ? "{}" : config.track_params, nullptr, false));
  register_secret(config.load_drivers.secret);
}

std::string redact(std::string_view text) { return registry().redact(text); }

nlohmann::json redact_json(nlohmann::json value) {
  if (value.is_string()) return redact(value.get<std::string>());
  if (value.is_array()) {
    for (auto& element : value) element = redact_json(std::move(element));
    return value;
  }
  if (!value.is_object()) return value;
  nlohmann::json out = nlohmann::json::object();
  for (auto& [key, element] : value.items()) {
    out[redact(key)] = key == "histograms" ? std::move(element) : redact_json(std::move(element));
  }
  return out;
}

void forget_secrets() { registry().clear(); }

}  // namespace rally
