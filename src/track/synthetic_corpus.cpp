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

#include <fcntl.h>
#include <unistd.h>

namespace rally::track {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Randomness: one splitmix64 stream per document, keyed by (seed, index).

constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t index) : state_(mix64(seed + 0x632BE59BD9B4E019ULL) ^ mix64(index)) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return mix64(state_);
  }
  // Uniform in [0, n) for n < 2^32 (Lemire's multiply-shift, bias below 2^-32).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
  std::uint64_t below64(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  bool chance(std::uint32_t numerator, std::uint32_t denominator) { return below(denominator) < numerator; }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(static_cast<std::uint32_t>(N))];
  }

 private:
  std::uint64_t state_;
};

template <typename... T>
constexpr auto strings(T... items) {
  return std::array<std::string_view, sizeof...(T)>{items...};
}

// ---------------------------------------------------------------------------------------------
// Tables.

enum Language { english, german, spanish, portuguese, french, russian, chinese, other };

struct Country {
  std::string_view code;
  std::uint32_t weight;  // relative share of places
  std::int32_t lat_min;  // bounding box in 1/100 degrees
  std::int32_t lat_max;
  std::int32_t lon_min;
  std::int32_t lon_max;
  std::string_view zones;  // timezones, west to east, separated by spaces
  std::uint32_t admin1;    // number of first-level divisions ("01".."NN")
  Language language;
};

// Shares loosely follow the real gazetteer (the US has a fifth of all places); Austria has more
// than its share so that the `term` query on AT always has work to do.
constexpr Country countries[] = {
    {"US", 190, 2500, 4900, -12400, -6700, "America/Los_Angeles America/Denver America/Chicago America/New_York", 51,
     english},
    {"CN", 70, 2000, 4500, 7500, 13000, "Asia/Urumqi Asia/Shanghai", 31, chinese},
    {"IN", 50, 800, 3300, 6800, 9200, "Asia/Kolkata", 36, english},
    {"NO", 40, 5800, 7100, 500, 3000, "Europe/Oslo", 11, other},
    {"MX", 35, 1500, 3200, -11700, -8700, "America/Tijuana America/Mazatlan America/Mexico_City America/Cancun", 32,
     spanish},
    {"ID", 35, -1000, 500, 9500, 14000, "Asia/Jakarta Asia/Makassar Asia/Jayapura", 34, other},
    {"RU", 35, 4500, 7000, 3000, 14000, "Europe/Moscow Asia/Yekaterinburg Asia/Novosibirsk Asia/Vladivostok", 83,
     russian},
    {"CA", 30, 4300, 6500, -13000, -5500,
     "America/Vancouver America/Edmonton America/Winnipeg America/Toronto "
     "America/Halifax",
     13, english},
    {"TH", 25, 600, 2000, 9800, 10500, "Asia/Bangkok", 77, other},
    {"IR", 25, 2600, 3900, 4400, 6300, "Asia/Tehran", 31, other},
    {"DE", 20, 4730, 5500, 600, 1500, "Europe/Berlin", 16, german},
    {"AT", 20, 4640, 4900, 950, 1700, "Europe/Vienna", 9, german},
    {"FR", 15, 4250, 5100, -450, 800, "Europe/Paris", 13, french},
    {"BR", 15, -3300, 400, -7300, -3500, "America/Manaus America/Sao_Paulo America/Bahia America/Fortaleza", 27,
     portuguese},
    {"AU", 15, -3800, -1200, 11400, 15300, "Australia/Perth Australia/Adelaide Australia/Sydney", 8, english},
    {"PK", 15, 2400, 3700, 6100, 7700, "Asia/Karachi", 7, other},
    {"GB", 10, 5000, 5860, -700, 170, "Europe/London", 4, english},
    {"IT", 10, 3700, 4700, 700, 1850, "Europe/Rome", 20, other},
    {"ES", 10, 3600, 4370, -900, 330, "Europe/Madrid", 17, spanish},
    {"PH", 10, 500, 1900, 11700, 12600, "Asia/Manila", 17, english},
    {"VN", 10, 850, 2300, 10200, 10900, "Asia/Ho_Chi_Minh", 63, other},
    {"TR", 10, 3600, 4200, 2600, 4500, "Europe/Istanbul", 81, other},
    {"JP", 10, 3100, 4500, 13000, 14500, "Asia/Tokyo", 47, other},
    {"KR", 5, 3400, 3850, 12600, 12950, "Asia/Seoul", 17, other},
    {"PE", 10, -1800, -50, -8100, -6900, "America/Lima", 25, spanish},
    {"CO", 10, -400, 1200, -7900, -6700, "America/Bogota", 33, spanish},
    {"AR", 10, -5500, -2200, -7300, -5400, "America/Argentina/Mendoza America/Argentina/Buenos_Aires", 24, spanish},
    {"DZ", 10, 1900, 3700, -800, 1200, "Africa/Algiers", 48, french},
    {"MA", 10, 2800, 3600, -1300, -100, "Africa/Casablanca", 12, french},
    {"NG", 10, 400, 1400, 300, 1450, "Africa/Lagos", 37, english},
    {"KE", 5, -470, 500, 3400, 4200, "Africa/Nairobi", 47, english},
    {"SE", 10, 5500, 6900, 1100, 2400, "Europe/Stockholm", 21, other},
    {"PL", 10, 4900, 5500, 1400, 2400, "Europe/Warsaw", 16, other},
    {"CZ", 5, 4850, 5100, 1200, 1900, "Europe/Prague", 14, other},
    {"CH", 5, 4580, 4780, 600, 1050, "Europe/Zurich", 26, german},
    {"NL", 5, 5080, 5350, 340, 720, "Europe/Amsterdam", 12, other},
    {"ZA", 10, -3480, -2200, 1650, 3300, "Africa/Johannesburg", 9, english},
    {"EG", 5, 2200, 3160, 2500, 3500, "Africa/Cairo", 27, other},
    {"NZ", 5, -4700, -3450, 16600, 17850, "Pacific/Auckland", 17, english},
};
constexpr std::size_t country_count = std::size(countries);

constexpr std::size_t country_index(std::string_view code) {
  for (std::size_t i = 0; i < country_count; ++i) {
    if (countries[i].code == code) return i;
  }
  return country_count;
}
constexpr std::size_t austria = country_index("AT");
constexpr std::size_t united_states = country_index("US");
static_assert(austria < country_count && united_states < country_count);

constexpr std::uint32_t total_country_weight() {
  std::uint32_t sum = 0;
  for (const auto& c : countries) sum += c.weight;
  return sum;
}

// The timezones of every country, split once.
struct ZoneTable {
  std::array<std::array<std::string_view, 6>, country_count> zones{};
  std::array<std::uint32_t, country_count> counts{};
  ZoneTable() {
    for (std::size_t i = 0; i < country_count; ++i) {
      std::string_view rest = countries[i].zones;
      while (!rest.empty() && counts[i] < zones[i].size()) {
        auto space = rest.find(' ');
        zones[i][counts[i]++] = rest.substr(0, space);
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      }
    }
  }
};
const ZoneTable& zone_table() {
  static const ZoneTable table;
  return table;
}

constexpr auto us_states =
    strings("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA",
            "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK",
            "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC");

// Feature classes and codes; `word` is what a place of that kind is called in its name.
struct FeatureCode {
  std::string_view code;
  std::string_view word;  // "" when the name carries no generic word
};
struct FeatureClass {
  char name;
  std::uint32_t weight;  // per mille
  std::array<FeatureCode, 6> codes;
};
constexpr FeatureClass feature_classes[] = {
    {'P', 300, {{{"PPL", ""}, {"PPL", ""}, {"PPLA3", ""}, {"PPLX", "Heights"}, {"PPLL", ""}, {"PPLF", "Farms"}}}},
    {'H',
     190,
     {{{"STM", "Creek"}, {"STM", "River"}, {"LK", "Lake"}, {"RSV", "Reservoir"}, {"SPNG", "Spring"}, {"BAY", "Bay"}}}},
    {'S',
     210,
     {{{"SCH", "School"},
       {"CH", "Church"},
       {"CMTY", "Cemetery"},
       {"HTL", "Hotel"},
       {"PO", "Post Office"},
       {"MALL", "Shopping Center"}}}},
    {'T',
     150,
     {{{"MT", "Mountain"}, {"HLL", "Hill"}, {"PK", "Peak"}, {"VAL", "Valley"}, {"ISL", "Island"}, {"RDGE", "Ridge"}}}},
    {'A', 60, {{{"ADM1", ""}, {"ADM2", "County"}, {"ADM3", ""}, {"ADM4", ""}, {"ADMD", "District"}, {"ADM2", ""}}}},
    {'L',
     50,
     {{{"PRK", "Park"}, {"AREA", "Area"}, {"LCTY", ""}, {"RESN", "Reserve"}, {"OILF", "Oil Field"}, {"PRK", "Park"}}}},
    {'R',
     20,
     {{{"RD", "Road"}, {"TRL", "Trail"}, {"RR", "Railroad"}, {"RD", "Road"}, {"TRL", "Trail"}, {"RDJCT", "Junction"}}}},
    {'V',
     15,
     {{{"FRST", "Forest"},
       {"GRSLD", "Grassland"},
       {"SCRB", "Scrubland"},
       {"FRST", "Forest"},
       {"VIN", "Vineyard"},
       {"GRVO", "Orchard"}}}},
    {'U',
     5,
     {{{"SMU", "Seamount"},
       {"CNYU", "Canyon"},
       {"RDGU", "Ridge"},
       {"SMU", "Seamount"},
       {"BKSU", "Banks"},
       {"PLNU", "Plain"}}}},
};
constexpr std::size_t class_p = 0, class_t = 3, class_a = 4;

// Syllables of made-up place names: (as written, in ASCII).
struct Syllable {
  std::string_view text;
  std::string_view ascii;
};
constexpr std::array<Syllable, 64> plain_syllables = {{
    {"ka", "ka"},       {"lo", "lo"},         {"ber", "ber"},   {"gen", "gen"},   {"mar", "mar"},   {"ton", "ton"},
    {"vil", "vil"},     {"sa", "sa"},         {"ri", "ri"},     {"dor", "dor"},   {"an", "an"},     {"ko", "ko"},
    {"shi", "shi"},     {"ba", "ba"},         {"ne", "ne"},     {"wa", "wa"},     {"tal", "tal"},   {"ho", "ho"},
    {"lin", "lin"},     {"ma", "ma"},         {"ro", "ro"},     {"sel", "sel"},   {"ku", "ku"},     {"da", "da"},
    {"min", "min"},     {"ya", "ya"},         {"ze", "ze"},     {"bu", "bu"},     {"ran", "ran"},   {"te", "te"},
    {"kor", "kor"},     {"la", "la"},         {"vo", "vo"},     {"hai", "hai"},   {"pur", "pur"},   {"os", "os"},
    {"dal", "dal"},     {"fe", "fe"},         {"gu", "gu"},     {"nar", "nar"},   {"bel", "bel"},   {"ster", "ster"},
    {"wick", "wick"},   {"ham", "ham"},       {"ford", "ford"}, {"by", "by"},     {"stad", "stad"}, {"berg", "berg"},
    {"ville", "ville"}, {"ovo", "ovo"},       {"sk", "sk"},     {"ino", "ino"},   {"abad", "abad"}, {"pura", "pura"},
    {"cun", "cun"},     {"zhuang", "zhuang"}, {"gaon", "gaon"}, {"dorf", "dorf"}, {"heim", "heim"}, {"ak", "ak"},
    {"tepe", "tepe"},   {"kou", "kou"},       {"ri", "ri"},     {"na", "na"},
}};
constexpr std::array<Syllable, 14> accented_syllables = {{
    {"lö", "lo"},
    {"ré", "re"},
    {"nä", "na"},
    {"mü", "mu"},
    {"sé", "se"},
    {"kå", "ka"},
    {"bø", "bo"},
    {"tí", "ti"},
    {"vé", "ve"},
    {"dö", "do"},
    {"rü", "ru"},
    {"há", "ha"},
    {"zał", "zal"},
    {"ço", "co"},
}};

constexpr auto prefixes =
    strings("North", "South", "East", "West", "Little", "Big", "Upper", "Lower", "New", "Old", "Saint", "Mount", "Lake",
            "Fort", "Glen", "Cedar", "Pine", "Oak", "Mill", "Red", "Black", "White", "Green", "Long", "Bear", "Eagle",
            "Rock", "Ban", "Kampung", "Nueva");

// Generic words in the languages of the alternate names: water, height, settlement, road.
constexpr std::array<std::array<std::string_view, 4>, 8> generic_words = {{
    {"Creek", "Hill", "Town", "Road"},
    {"Bach", "Berg", "Dorf", "Weg"},
    {"Arroyo", "Cerro", "Pueblo", "Camino"},
    {"Ribeirao", "Morro", "Vila", "Estrada"},
    {"Ruisseau", "Mont", "Village", "Chemin"},
    {"Ruchey", "Gora", "Derevnya", "Doroga"},
    {"He", "Shan", "Cun", "Lu"},
    {"Sungai", "Bukit", "Desa", "Jalan"},
}};

// Street names: the first is always "<name> Street", the others co-occur with it, which is what
// the selective significant_text queries find.
constexpr auto street_words_after = strings("Avenue", "Road", "Lane", "Boulevard", "Strasse", "Straße", "Gasse");
constexpr auto street_words_before = strings("Ulitsa", "Calle", "Rue", "Rua", "Via", "Jalan", "Ulica");

constexpr auto sankt_georgen_places =
    strings(" im Attergau", " am Walde", " an der Gusen", " am Steinfelde", " im Lavanttal", " ob Judenburg",
            " am Ybbsfelde", " ob Murau", " an der Stiefing", " bei Salzburg", " am Fillmannsbach", " im Schwarzwald");

// ---------------------------------------------------------------------------------------------
// Output.

// A bounded text of up to N bytes; appends past the end are cut off.
template <std::size_t N>
class Text {
 public:
  void append(std::string_view s) {
    auto n = std::min(s.size(), N - size_);
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

  Writer(int fd, std::string path) : fd_(fd), path_(std::move(path)), buffer_(new char[capacity]) {}

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
    const char* p = buffer_.get();
    std::size_t left = size_;
    while (left > 0) {
      auto n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw RallyError("cannot write " + path_ + ": " + std::strerror(errno));
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    written_ += size_;
    size_ = 0;
  }
  [[nodiscard]] std::uint64_t written() const { return written_; }

 private:
  int fd_;
  std::string path_;
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

// ---------------------------------------------------------------------------------------------
// Terms.

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::optional<std::uint32_t> hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return std::nullopt;
  std::uint32_t v = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
  }
  return v;
}

// Decodes the JSON string whose opening quote is at s[at]; nullopt when it is malformed.
std::optional<std::string> decode_string(std::string_view s, std::size_t at) {
  std::string out;
  std::size_t i = at + 1;
  while (i < s.size()) {
    // copy the run up to the next quote or backslash in one go
    std::size_t j = i;
    while (j < s.size() && s[j] != '"' && s[j] != '\\') ++j;
    out.append(s.data() + i, j - i);
    if (j >= s.size()) return std::nullopt;
    if (s[j] == '"') return out;
    if (j + 1 >= s.size()) return std::nullopt;
    char e = s[j + 1];
    i = j + 2;
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out.push_back(e);
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        auto cp = hex4(s, i);
        if (!cp) return std::nullopt;
        i += 4;
        if (*cp >= 0xD800 && *cp <= 0xDBFF && i + 1 < s.size() && s[i] == '\\' && s[i + 1] == 'u') {
          auto low = hex4(s, i + 2);
          if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, *cp);
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

// ---------------------------------------------------------------------------------------------

SyntheticCorpusManifest write_synthetic_geonames_corpus(const std::string& path,
                                                        const SyntheticCorpusOptions& options) {
  std::error_code ec;
  auto dir = fs::path(path).parent_path();
  if (!dir.empty()) {
    fs::create_directories(dir, ec);
    if (ec)
      throw RallyError("cannot write " + path + ": cannot create directory " + dir.string() + ": " + ec.message());
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw RallyError("cannot write " + path + ": open " + tmp + ": " + std::strerror(errno));
  SyntheticCorpusManifest manifest;
  manifest.documents = options.documents;
  manifest.seed = options.seed;
  try {
    Writer out(fd, tmp);
    for (std::uint64_t i = 0; i < options.documents; ++i) write_document(out, options.seed, i, options.documents);
    out.flush();
    manifest.bytes = out.written();
    if (::close(fd) != 0) {
      fd = -1;
      throw RallyError("cannot write " + path + ": close: " + std::strerror(errno));
    }
    fd = -1;
    if (::rename(tmp.c_str(), path.c_str()) != 0)
      throw RallyError("cannot write " + path + ": rename: " + std::strerror(errno));
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
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

std::optional<std::string> find_top_level_string(std::string_view line, std::string_view field) {
  std::size_t from = 0;
  while (true) {
    auto at = line.find(field, from);
    if (at == std::string_view::npos) return std::nullopt;
    from = at + 1;
    // the key must be quoted...
    if (at == 0 || line[at - 1] != '"') continue;
    auto close = at + field.size();
    if (close >= line.size() || line[close] != '"') continue;
    // ...and follow '{' or ',' (inside a string value a quote would be escaped)
    std::size_t before = at - 1;
    while (before > 0 && is_space(line[before - 1])) --before;
    if (before == 0 || (line[before - 1] != '{' && line[before - 1] != ',')) continue;
    std::size_t p = close + 1;
    while (p < line.size() && is_space(line[p])) ++p;
    if (p >= line.size() || line[p] != ':') continue;
    ++p;
    while (p < line.size() && is_space(line[p])) ++p;
    if (p >= line.size() || line[p] != '"') return std::nullopt;  // the key exists; its value is no string
    return decode_string(line, p);
  }
}

std::vector<std::string> sample_field_values(std::string_view corpus, const TermsSampling& sampling) {
  if (sampling.every == 0) throw RallyError("terms sampling: 'every' must be at least 1");
  std::vector<std::string> terms;
  std::uint64_t line = 0;
  std::uint64_t next = sampling.first_document;
  const char* p = corpus.data();
  const char* end = p + corpus.size();
  while (p < end) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    if (line == next) {
      auto value = find_top_level_string({p, static_cast<std::size_t>(line_end - p)}, sampling.field);
      if (value) terms.push_back(std::move(*value));
      next += sampling.every;
    }
    ++line;
    p = nl ? nl + 1 : end;
  }
  return terms;
}

std::vector<std::string> sample_corpus_terms(const std::string& corpus_file, const TermsSampling& sampling) {
  MappedFile file(corpus_file);
  return sample_field_values(file.data(), sampling);
}

}  // namespace rally::track
