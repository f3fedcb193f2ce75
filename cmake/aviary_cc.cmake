# Build helpers in the spirit of Abseil's absl_cc_library / absl_cc_test.
#
# One library per src/ folder, named aviary_<NAME> with the alias aviary::<NAME>. Its DEPS are spelled
# out: the DEPS lists are the architecture (DESIGN.md, "Layout and dependency rule"), so a folder may
# only use what it names.
#
#   aviary_cc_library(NAME api SRCS spec.cc DEPS aviary::common nlohmann_json::nlohmann_json)
#   aviary_cc_test(NAME api_spec_test SRCS spec_test.cc DEPS aviary::api)
#   aviary_cc_binary(NAME aviary-sidecar SRCS main.cc DEPS aviary::sidecar_server)

include_guard(GLOBAL)

set(AVIARY_COPTS -Wall -Wextra -Werror)

function(aviary_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;HDRS;DEPS" ${ARGN})
  set(target aviary_${ARG_NAME})
  if(ARG_SRCS)
    add_library(${target} STATIC ${ARG_SRCS} ${ARG_HDRS})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_compile_options(${target} PRIVATE ${AVIARY_COPTS})
    target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  else()
    # Header-only library.
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
  add_library(aviary::${ARG_NAME} ALIAS ${target})
endfunction()

# One test executable per test file, registered with ctest under its NAME. Tests run from the
# source tree root so fixtures resolve as tests/<folder>/testdata/...
function(aviary_cc_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_compile_options(${ARG_NAME} PRIVATE ${AVIARY_COPTS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  set_tests_properties(${ARG_NAME} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}")
endfunction()

function(aviary_cc_binary)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(${ARG_NAME} PRIVATE ${AVIARY_COPTS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  install(TARGETS ${ARG_NAME} RUNTIME DESTINATION bin)
endfunction()
