#include "rally/track/corpus_url.hpp"

#include <gtest/gtest.h>

#include "rally/common/errors.hpp"

#include "track/corpus_http.hpp"

// The pure parts of downloading: URLs, redirect targets, Content-Range.

namespace rally::track {
namespace {

using namespace std::chrono_literals;

TEST(CorpusUrl, ParsesHttpAndHttpsUrls) {
  auto u = parse_url("https://rally-tracks.elastic.co/geonames/documents.json.bz2");
  EXPECT_TRUE(u.tls());
  EXPECT_EQ(u.host, "rally-tracks.elastic.co");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/geonames/documents.json.bz2");
  EXPECT_EQ(u.authority(), "rally-tracks.elastic.co");
  auto v = parse_url("HTTP://[::1]:8080?x=1#frag");
  EXPECT_EQ(v.scheme, "http");
  EXPECT_EQ(v.host, "::1");
  EXPECT_EQ(v.port, 8080);
  EXPECT_EQ(v.target, "/?x=1");
  EXPECT_EQ(v.to_string(), "http://[::1]:8080/?x=1");
  for (const char* bad : {"ftp://host/x", "host/x", "http:///x", "http://host:0/", "http://host:99999/",
                          "http://user:pw@host/", "http://[::1/"}) {
    EXPECT_THROW(parse_url(bad), RallyError) << bad;
  }
}

TEST(CorpusUrl, ResolvesRedirectLocations) {
  auto base = parse_url("http://a.example:81/corpora/geonames/documents.json.bz2?sig=1");
  EXPECT_EQ(resolve_location(base, "https://b.example/x"), "https://b.example/x");
  EXPECT_EQ(resolve_location(base, "//cdn.example/y"), "http://cdn.example/y");
  EXPECT_EQ(resolve_location(base, "/z"), "http://a.example:81/z");
  EXPECT_EQ(resolve_location(base, "other.json.bz2"), "http://a.example:81/corpora/geonames/other.json.bz2");
  EXPECT_EQ(resolve_location(base, "../nyc/d.json?x"), "http://a.example:81/corpora/nyc/d.json?x");
  EXPECT_EQ(resolve_location(base, "./../../../../top"), "http://a.example:81/top");
  EXPECT_EQ(resolve_location(base, "?sig=2"), "http://a.example:81/corpora/geonames/documents.json.bz2?sig=2");
}

TEST(CorpusUrl, JoinsBaseUrlAndSourceFile) {
  EXPECT_EQ(corpus_file_url("http://h/corpora/geonames", "documents.json.bz2"),
            "http://h/corpora/geonames/documents.json.bz2");
  EXPECT_EQ(corpus_file_url("http://h/corpora/geonames/", "/documents.json.bz2"),
            "http://h/corpora/geonames/documents.json.bz2");
}

TEST(CorpusHttp, ParsesContentRange) {
  auto r = parse_content_range("bytes 100-199/200");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 100u);
  EXPECT_EQ(r->last, 199u);
  EXPECT_EQ(r->total, 200u);
  auto unsatisfiable = parse_content_range("bytes */200");
  ASSERT_TRUE(unsatisfiable);
  EXPECT_FALSE(unsatisfiable->first);
  EXPECT_EQ(unsatisfiable->total, 200u);
  auto unknown = parse_content_range("bytes 5-9/*");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->total);
  for (const char* bad : {"", "bytes 5-9", "items 1-2/3", "bytes 9-5/10", "bytes x-9/10"}) {
    EXPECT_FALSE(parse_content_range(bad)) << bad;
  }
  EXPECT_EQ(seconds(1500ms), "1.5 s");
  EXPECT_EQ(seconds(30s), "30 s");
}

}  // namespace
}  // namespace rally::track
