#include "rally/track/synthetic_corpus.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rally/common/errors.hpp"
#include "rally/common/files.hpp"
#include "rally/track/corpus.hpp"

#include "synthetic_geonames_tables.hpp"

namespace rally::track {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Output.

// A bounded text of up to N bytes; appends past the end are cut off.
template <std::size_t N>
class Text {
 public:
  void append(std::string_view s) {
    auto n = std::min(s.size(), N - size_);
    if (n == 0) return;  // an empty view may hold a null pointer, which memcpy must not get
    std::memcpy(data_.data() + size_, s.data(), n);
    size_ += n;
  }
  void push(char c) {
    if (size_ < N) data_[size_++] = c;
  }
  void clear() { size_ = 0; }
  void capitalize_first(std::size_t from) {
    if (from < size_ && data_[from] >= 'a' && data_[from] <= 'z') data_[from] = static_cast<char>(data_[from] - 32);
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::string_view view() const { return {data_.data(), size_}; }

 private:
  std::array<char, N> data_{};
  std::size_t size_ = 0;
};

// A large write buffer over a file descriptor. A document is at most a few KiB; the buffer is
// flushed before it could overflow.
class Writer {
 public:
  static constexpr std::size_t capacity = std::size_t{8} << 20;
  static constexpr std::size_t max_document = 16 << 10;

  explicit Writer(AtomicFile& file) : file_(file), buffer_(new char[capacity]) {}

  void reserve_document() {
    if (size_ + max_document > capacity) flush();
  }
  void raw(std::string_view s) {
    std::memcpy(buffer_.get() + size_, s.data(), s.size());
    size_ += s.size();
  }
  void ch(char c) { buffer_[size_++] = c; }
  void number(std::int64_t v) {
    auto [end, ec] = std::to_chars(buffer_.get() + size_, buffer_.get() + capacity, v);
    (void)ec;
    size_ = static_cast<std::size_t>(end - buffer_.get());
  }
  // A JSON string; escapes what JSON requires, although the tables hold nothing that needs it.
  void string(std::string_view s) {
    ch('"');
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        ch('\\');
        ch(c);
      } else if (u < 0x20) {
        static constexpr char hex[] = "0123456789abcdef";
        raw("\\u00");
        ch(hex[u >> 4]);
        ch(hex[u & 15]);
      } else {
        ch(c);
      }
    }
    ch('"');
  }
  // A coordinate in 1/100000 degrees, printed as Python prints the float: "42.6", "-0.5", "0.0".
  void coordinate(std::int64_t v) {
    if (v < 0) {
      ch('-');
      v = -v;
    }
    number(v / 100000);
    ch('.');
    auto frac = static_cast<int>(v % 100000);
    char digits[5];
    for (int i = 4; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    int n = 5;
    while (n > 1 && digits[n - 1] == '0') --n;
    raw({digits, static_cast<std::size_t>(n)});
  }
  void flush() {
    file_.write(buffer_.get(), size_);
    written_ += size_;
    size_ = 0;
  }
  [[nodiscard]] std::uint64_t written() const { return written_; }

 private:
  AtomicFile& file_;
  std::unique_ptr<char[]> buffer_;
  std::size_t size_ = 0;
  std::uint64_t written_ = 0;
};

// ---------------------------------------------------------------------------------------------
// One document.

struct Names {
  Text<160> name;
  Text<160> ascii;
  Text<64> base;  // the made-up word at the heart of the name, as written
  Text<64> base_ascii;
};

void made_up_word(Rng& rng, Names& n) {
  n.base.clear();
  n.base_ascii.clear();
  auto syllables = 2 + rng.below(2);
  for (std::uint32_t i = 0; i < syllables; ++i) {
    // accented syllables never come first: the capital letter stays ASCII
    const auto& s = i > 0 && rng.chance(1, 10) ? rng.pick(accented_syllables) : rng.pick(plain_syllables);
    n.base.append(s.text);
    n.base_ascii.append(s.ascii);
  }
  n.base.capitalize_first(0);
  n.base_ascii.capitalize_first(0);
}

void both(Names& n, std::string_view s) {
  n.name.append(s);
  n.ascii.append(s);
}
void both_base(Names& n) {
  n.name.append(n.base.view());
  n.ascii.append(n.base_ascii.view());
}

struct Flags {
  bool sankt_georgen = false;
  bool street = false;
};

std::size_t pick_country(Rng& rng) {
  static constexpr std::uint32_t total = total_country_weight();
  auto r = rng.below(total);
  for (std::size_t i = 0; i < country_count; ++i) {
    if (r < countries[i].weight) return i;
    r -= countries[i].weight;
  }
  return 0;
}

std::size_t pick_class(Rng& rng) {
  auto r = rng.below(1000);
  for (std::size_t i = 0; i < std::size(feature_classes); ++i) {
    if (r < feature_classes[i].weight) return i;
    r -= feature_classes[i].weight;
  }
  return 0;
}

void two_digits(Text<16>& t, std::uint32_t v) {
  t.push(static_cast<char>('0' + (v / 10) % 10));
  t.push(static_cast<char>('0' + v % 10));
}
void digits(Text<16>& t, std::uint64_t v, int count) {
  char d[20];
  for (int i = count - 1; i >= 0; --i) {
    d[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  t.append({d, static_cast<std::size_t>(count)});
}

void write_document(Writer& out, std::uint64_t seed, std::uint64_t index, std::uint64_t documents) {
  Rng rng(seed, index);
  const auto in_block = index % 100;
  const auto in_terms_cycle = index % 250;

  // What this document must be, so that every query of the track finds something.
  std::size_t country = pick_country(rng);
  std::size_t fclass = pick_class(rng);
  Flags flags;
  flags.street = rng.chance(1, 16);
  bool big_city = false;
  if (in_block == 3) {
    country = austria;
    fclass = class_p;
    flags.sankt_georgen = true;
  } else if (in_block == 21) {
    flags.street = true;
  } else if (in_block == 47) {
    fclass = class_p;
    big_city = true;
  } else if (in_block == 75) {
    country = united_states;
  } else if (in_block == 89) {
    fclass = class_a;
  }
  if (in_terms_cycle == 0 || in_terms_cycle == 12) fclass = class_t;
  if (country == austria && fclass == class_p && rng.chance(1, 25)) flags.sankt_georgen = true;

  const Country& c = countries[country];
  const FeatureClass& fc = feature_classes[fclass];
  const FeatureCode& code = big_city ? FeatureCode{"PPLA", ""} : rng.pick(fc.codes);

  // name and asciiname
  Names n;
  made_up_word(rng, n);
  if (flags.sankt_georgen) {
    both(n, "Sankt Georgen");
    if (rng.chance(3, 4)) both(n, rng.pick(sankt_georgen_places));
  } else if (fc.name == 'A' && rng.chance(1, 2)) {
    static constexpr auto forms = strings("Township of ", "Municipio ", "Gemeinde ", "Powiat ", "Distrikt ");
    both(n, rng.pick(forms));
    both_base(n);
  } else {
    if (rng.chance(1, 4)) {
      both(n, rng.pick(prefixes));
      both(n, " ");
    }
    both_base(n);
    if (!code.word.empty() && (fc.name != 'P' || rng.chance(1, 5))) {
      both(n, " ");
      both(n, code.word);
    }
  }

  // alternatenames: comma-separated variants
  Text<1024> alt;
  auto add_alt = [&alt](std::string_view a, std::string_view b = {}, std::string_view c = {}) {
    if (alt.size() > 0) alt.push(',');
    alt.append(a);
    alt.append(b);
    alt.append(c);
  };
  static constexpr std::uint32_t variant_weights[] = {45, 25, 15, 10, 5};
  std::uint32_t variants = 0;
  for (auto r = rng.below(100); variants < std::size(variant_weights) && r >= variant_weights[variants]; ++variants)
    r -= variant_weights[variants];
  if (variants == 4) variants += rng.below(3);
  for (std::uint32_t v = 0; v < variants; ++v) {
    switch (rng.below(4)) {
      case 0:
        add_alt(n.ascii.view());
        break;
      case 1: {
        const auto& words = generic_words[c.language];
        add_alt(n.base.view(), " ", words[rng.below(4)]);
        break;
      }
      case 2: {
        const auto& words = generic_words[rng.below(static_cast<std::uint32_t>(generic_words.size()))];
        add_alt(words[rng.below(4)], " ", n.base_ascii.view());
        break;
      }
      default:
        if (flags.sankt_georgen) {
          add_alt("St. Georgen");
        } else {
          Names other;
          made_up_word(rng, other);
          add_alt(other.base.view());
        }
        break;
    }
  }
  if (flags.street) {
    add_alt(n.base_ascii.view(), " Street");
    for (auto extra = rng.below(3); extra > 0; --extra) {
      if (rng.chance(1, 2)) {
        add_alt(n.base_ascii.view(), " ", rng.pick(street_words_after));
      } else {
        add_alt(rng.pick(street_words_before), " ", n.base_ascii.view());
      }
    }
  }

  // location, and the timezone of its part of the country (zones are listed west to east)
  std::int64_t lat =
      std::int64_t{c.lat_min} * 1000 + rng.below(static_cast<std::uint32_t>(c.lat_max - c.lat_min) * 1000);
  std::int64_t lon =
      std::int64_t{c.lon_min} * 1000 + rng.below(static_cast<std::uint32_t>(c.lon_max - c.lon_min) * 1000);
  const auto& zones = zone_table();
  auto zone_count = zones.counts[country];
  auto zone = static_cast<std::uint32_t>((lon - std::int64_t{c.lon_min} * 1000) * zone_count /
                                         ((std::int64_t{c.lon_max} - c.lon_min) * 1000));
  std::string_view timezone = zones.zones[country][std::min(zone, zone_count - 1)];

  // codes
  Text<16> admin1, admin2, admin3, admin4;
  if (country == united_states) {
    admin1.append(rng.pick(us_states));
  } else {
    two_digits(admin1, 1 + rng.below(c.admin1));
  }
  if (rng.chance(1, 2)) digits(admin2, 1 + rng.below(998), 3);
  if (rng.chance(1, 5)) digits(admin3, rng.below(100000), 5);
  if (rng.chance(1, 10)) digits(admin4, rng.below(10000000), 7);
  std::string_view cc2;
  if (rng.chance(1, 20)) cc2 = countries[rng.below(static_cast<std::uint32_t>(country_count))].code;

  // population: mostly 0 outside populated places and administrative divisions
  std::int64_t population = 0;
  if (big_city) {
    population = 1'000'001 + static_cast<std::int64_t>(rng.below(24'000'000));
  } else if (fc.name == 'P') {
    auto r = rng.below(1000);
    if (r < 600) {
      population = rng.below(5'000);
    } else if (r < 900) {
      population = 5'000 + rng.below(95'000);
    } else if (r < 995) {
      population = 100'000 + rng.below(900'000);
    } else {
      population = 1'000'000 + rng.below(20'000'000);
    }
  } else if (fc.name == 'A' && rng.chance(1, 2)) {
    population = 1'000 + rng.below(5'000'000);
  }

  // elevation and the digital elevation model's value
  std::int64_t elevation = fc.name == 'T' ? 200 + rng.below(4'000) : rng.below(1'500);
  if (rng.chance(1, 40)) elevation = -static_cast<std::int64_t>(rng.below(30));
  std::int64_t dem = rng.chance(1, 50) ? -9999 : elevation + static_cast<std::int64_t>(rng.below(41)) - 20;
  Text<16> dem_text;
  {
    char d[24];
    auto [end, ec] = std::to_chars(d, d + sizeof(d), dem);
    (void)ec;
    dem_text.append({d, static_cast<std::size_t>(end - d)});
  }

  // geonameid: increasing through the file, from near 1 to near 12,000,000
  const std::uint64_t step = std::max<std::uint64_t>(1, 12'000'000 / std::max<std::uint64_t>(documents, 1));
  const auto geonameid = static_cast<std::int64_t>(1 + index * step + rng.below64(step));

  out.reserve_document();
  out.raw("{\"geonameid\": ");
  out.number(geonameid);
  out.raw(", \"name\": ");
  out.string(n.name.view());
  out.raw(", \"asciiname\": ");
  out.string(n.ascii.view());
  out.raw(", \"alternatenames\": ");
  out.string(alt.view());
  out.raw(", \"feature_class\": \"");
  out.ch(fc.name);
  out.raw("\", \"feature_code\": ");
  out.string(code.code);
  out.raw(", \"country_code\": ");
  out.string(c.code);
  out.raw(", \"cc2\": ");
  out.string(cc2);
  out.raw(", \"admin1_code\": ");
  out.string(admin1.view());
  out.raw(", \"admin2_code\": ");
  out.string(admin2.view());
  out.raw(", \"admin3_code\": ");
  out.string(admin3.view());
  out.raw(", \"admin4_code\": ");
  out.string(admin4.view());
  out.raw(", \"population\": ");
  out.number(population);
  out.raw(", \"elevation\": ");
  out.number(elevation);
  out.raw(", \"dem\": ");
  out.string(dem_text.view());
  out.raw(", \"timezone\": ");
  out.string(timezone);
  out.raw(", \"location\": [");
  out.coordinate(lon);
  out.raw(", ");
  out.coordinate(lat);
  out.raw("]}\n");
}

}  // namespace

// ---------------------------------------------------------------------------------------------

SyntheticCorpusManifest write_synthetic_geonames_corpus(const std::string& path,
                                                        const SyntheticCorpusOptions& options) {
  AtomicFile file(path);
  Writer out(file);
  for (std::uint64_t i = 0; i < options.documents; ++i) write_document(out, options.seed, i, options.documents);
  out.flush();
  file.commit(false);  // regenerable data: no fsync of hundreds of megabytes
  SyntheticCorpusManifest manifest;
  manifest.documents = options.documents;
  manifest.seed = options.seed;
  manifest.bytes = out.written();
  return manifest;
}

SyntheticCorpusManifest generate_synthetic_geonames_corpus(const std::string& path,
                                                           const SyntheticCorpusOptions& options) {
  auto manifest = write_synthetic_geonames_corpus(path, options);
  write_synthetic_manifest(path, manifest);
  return manifest;
}

std::string synthetic_manifest_path(const std::string& data_file) { return data_file + ".synthetic.json"; }

std::string synthetic_manifest_json(const SyntheticCorpusManifest& m) {
  return "{\"documents\": " + std::to_string(m.documents) + ", \"bytes\": " + std::to_string(m.bytes) +
         ", \"seed\": " + std::to_string(m.seed) + ", \"generator\": " + nlohmann::json(m.generator).dump() + "}\n";
}

void write_synthetic_manifest(const std::string& data_file, const SyntheticCorpusManifest& manifest) {
  write_file_atomically(synthetic_manifest_path(data_file), synthetic_manifest_json(manifest));
}

std::optional<SyntheticCorpusManifest> read_synthetic_manifest(const std::string& data_file) {
  const auto path = synthetic_manifest_path(data_file);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw RallyError("cannot read " + path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw RallyError(path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw RallyError(path + ": expected a JSON object");
  SyntheticCorpusManifest m;
  auto count = [&](const char* key) -> std::uint64_t {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned())
      throw RallyError(path + ": '" + key + "' must be a non-negative integer");
    return it->get<std::uint64_t>();
  };
  m.documents = count("documents");
  m.bytes = count("bytes");
  m.seed = count("seed");
  auto gen = j.find("generator");
  if (gen == j.end() || !gen->is_string()) throw RallyError(path + ": 'generator' must be a string");
  m.generator = gen->get<std::string>();
  if (m.generator != synthetic_geonames_generator)
    throw RallyError(path + ": written by '" + m.generator + "', but this rally reads only '" +
                     std::string(synthetic_geonames_generator) + "': generate the corpus again");
  auto size = fs::file_size(data_file, ec);
  if (ec) throw RallyError(path + ": cannot read the size of " + data_file + ": " + ec.message());
  if (size != m.bytes)
    throw RallyError(data_file + " has " + std::to_string(size) + " bytes but its synthetic manifest " + path +
                     " says " + std::to_string(m.bytes) + ": the file was changed or cut short; generate it again");
  return m;
}

}  // namespace rally::track
