# Every dependency comes from Debian 12's packages (scripts/setup.sh installs them).
# Nothing is downloaded at configure or build time.

find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS headers)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED CONFIG)
find_package(fmt REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
find_package(ZLIB REQUIRED)
find_package(BZip2 REQUIRED)

# libzstd-dev has no CMake package on Debian 12 either.
find_path(ZSTD_INCLUDE_DIR zstd.h REQUIRED)
find_library(ZSTD_LIBRARY zstd REQUIRED)
add_library(Zstd::zstd SHARED IMPORTED)
set_target_properties(Zstd::zstd PROPERTIES IMPORTED_LOCATION ${ZSTD_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${ZSTD_INCLUDE_DIR})

# libcaf-dev 0.17.6 ships no CMake package and no pkg-config file: wrap it ourselves.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
find_library(CAF_OPENSSL_LIBRARY caf_openssl REQUIRED)

add_library(Caf::core SHARED IMPORTED)
set_target_properties(Caf::core PROPERTIES
  IMPORTED_LOCATION ${CAF_CORE_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${CAF_INCLUDE_DIR}
  INTERFACE_LINK_LIBRARIES Threads::Threads)
add_library(Caf::io SHARED IMPORTED)
set_target_properties(Caf::io PROPERTIES
  IMPORTED_LOCATION ${CAF_IO_LIBRARY}
  INTERFACE_LINK_LIBRARIES Caf::core)
add_library(Caf::openssl SHARED IMPORTED)
set_target_properties(Caf::openssl PROPERTIES
  IMPORTED_LOCATION ${CAF_OPENSSL_LIBRARY}
  INTERFACE_LINK_LIBRARIES "Caf::io;OpenSSL::SSL;OpenSSL::Crypto")

if(RALLY_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
