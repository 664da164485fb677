#pragma once

// Randomness and the data tables behind the synthetic geonames corpus. Private to
// synthetic_corpus.cpp, its only includer: the tables live in an unnamed namespace there.

#include <array>
#include <cstdint>
#include <string_view>

namespace rally::track {
namespace {

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

}  // namespace
}  // namespace rally::track
