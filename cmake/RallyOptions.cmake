# One interface target carries the language standard, warnings and sanitizers.
add_library(rally_options INTERFACE)
target_compile_features(rally_options INTERFACE cxx_std_20)
target_compile_options(rally_options INTERFACE -Wall -Wextra -Wpedantic)
if(RALLY_WERROR)
  target_compile_options(rally_options INTERFACE -Werror)
endif()
if(RALLY_SANITIZERS)
  # A sanitizer's finding ends the process (UBSan would otherwise print and go on), so a test
  # that meets one fails.
  target_compile_options(rally_options INTERFACE -fsanitize=${RALLY_SANITIZERS} -fno-sanitize-recover=all
                                                 -fno-omit-frame-pointer)
  target_link_options(rally_options INTERFACE -fsanitize=${RALLY_SANITIZERS})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND RALLY_SANITIZERS MATCHES "thread")
    # GCC warns that TSan does not model std::atomic_thread_fence, which Asio's fenced blocks
    # use around handlers; the io_context's mutexes, which TSan does see, order them anyway.
    target_compile_options(rally_options INTERFACE -Wno-tsan)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND RALLY_SANITIZERS MATCHES "undefined")
    # Clang 14's -fsanitize=function cannot emit its prologue data for coroutines ("Cannot
    # represent a difference across sections"); g++ has no such check.
    target_compile_options(rally_options INTERFACE -fno-sanitize=function)
  endif()
endif()
if(RALLY_FUZZ)
  # libFuzzer's coverage instrumentation in every library; the fuzz targets link its main.
  target_compile_options(rally_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
# Asio: no deprecated interfaces, and the io_context is driven by exactly one thread.
# A request runs through a chain of about six nested coroutines (client loop, retries, runner,
# send, the connection): Asio recycles awaitable frames per thread, by default only two.
target_compile_definitions(rally_options INTERFACE
  BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE=16)

# GCC 12 reports a false -Wmismatched-new-delete for coroutine frames whose promise has its
# own operator new/delete (Asio's awaitable frames): GCC bug 109224.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(rally_options INTERFACE -Wno-mismatched-new-delete)
endif()
