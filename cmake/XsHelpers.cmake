include(GoogleTest)

set(XS_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(XS_WERROR)
  list(APPEND XS_WARNINGS -Werror)
endif()

set(XS_FUZZ_SECONDS 5 CACHE STRING "Seconds each fuzz target runs under CTest")
if(XS_FUZZ)
  # Instrument every library for coverage; the fuzzer executables add the driver.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(XS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# xs_library(NAME SOURCES a.cpp ... DEPS dep ... [PUBLIC_DEPS dep ...])
# One library per folder; headers are included from the src/ root.
function(xs_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${XS_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_DEPS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

if(XS_FUZZ AND NOT TARGET xs_sanitized)
  # Everything the sanitizer/fuzz build (scripts/test) builds and runs.
  add_custom_target(xs_sanitized)
endif()

# xs_test(NAME SOURCES a_test.cpp ... DEPS lib ... [SANITIZE] [LABELS l ...])
# A GoogleTest binary registered with CTest (tests discovered at test time).
# SANITIZE: the test also runs in the clang ASan/UBSan build (label sanitize);
# use it for tests of code that parses untrusted bytes.
function(xs_test name)
  cmake_parse_arguments(ARG "SANITIZE" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(XS_FUZZ)
    if(NOT ARG_SANITIZE)
      return()
    endif()
    set(ARG_LABELS sanitize)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  if(XS_FUZZ)
    add_dependencies(xs_sanitized ${name})
  endif()
  target_compile_options(${name} PRIVATE ${XS_WARNINGS})
  target_compile_definitions(${name} PRIVATE XS_SHARED_DIR="${XS_SHARED_DIR}")
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST TEST_PREFIX "${name}."
                       PROPERTIES LABELS "${labels}")
endfunction()

# xs_benchmark(NAME SOURCES ... DEPS ...)
function(xs_benchmark name)
  if(NOT XS_BENCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${XS_WARNINGS})
  target_compile_definitions(${name} PRIVATE XS_SHARED_DIR="${XS_SHARED_DIR}")
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()

# xs_fuzzer(NAME SOURCES ... DEPS ...): a libFuzzer target, built with XS_FUZZ=ON (clang).
# Registered as a short CTest run (label fuzz) over its seed corpus.
function(xs_fuzzer name)
  if(NOT XS_FUZZ)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;CORPUS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  add_dependencies(xs_sanitized ${name})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  set(corpus_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}_corpus)
  file(MAKE_DIRECTORY ${corpus_dir})
  set(seed_args)
  if(ARG_CORPUS)
    set(seed_args ${ARG_CORPUS})
  endif()
  add_test(NAME fuzz.${name}
           COMMAND ${name} -max_total_time=${XS_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048 ${corpus_dir} ${seed_args})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz)
endfunction()

# xs_folder(NAME DEPS ... [PUBLIC_DEPS ...] [TEST_DEPS ...] [SANITIZE])
# The convention for a folder under src/: every non-test .cpp of the folder
# (and its subfolders) forms library NAME; every *_test.cpp forms NAME_test.
# Files under a `tools/` or `testing/` subfolder are left to the folder's
# CMakeLists (tools are executables; testing/ holds test-only libraries that
# the product never links).
function(xs_folder name)
  cmake_parse_arguments(ARG "SANITIZE" "" "DEPS;PUBLIC_DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE all_srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER all_srcs EXCLUDE REGEX "/(tools|testing)/")
  set(lib_srcs ${all_srcs})
  list(FILTER lib_srcs EXCLUDE REGEX "_test\\.cpp$")
  set(test_srcs ${all_srcs})
  list(FILTER test_srcs INCLUDE REGEX "_test\\.cpp$")
  if(NOT lib_srcs)
    message(STATUS "${name}: no sources yet, skipped")
    return()
  endif()
  xs_library(${name} SOURCES ${lib_srcs} DEPS ${ARG_DEPS} PUBLIC_DEPS ${ARG_PUBLIC_DEPS})
  if(test_srcs)
    set(sanitize)
    if(ARG_SANITIZE)
      set(sanitize SANITIZE)
    endif()
    xs_test(${name}_test SOURCES ${test_srcs} DEPS ${name} ${ARG_PUBLIC_DEPS} ${ARG_DEPS} ${ARG_TEST_DEPS} ${sanitize})
  endif()
endfunction()

# xs_link_static_archives(target): link the system libraries the target
# needs from their static archives where Debian ships one (see
# cmake/link-static-archives). For programs whose start-up time matters.
option(XS_STATIC_ARCHIVES "Link xs with the static archives of its system libraries" ON)
function(xs_link_static_archives target)
  if(XS_STATIC_ARCHIVES AND CMAKE_LIBRARY_ARCHITECTURE AND NOT XS_SANITIZE AND NOT XS_FUZZ)
    set_property(TARGET ${target} PROPERTY RULE_LAUNCH_LINK
      "${PROJECT_SOURCE_DIR}/cmake/link-static-archives /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}")
  endif()
endfunction()
