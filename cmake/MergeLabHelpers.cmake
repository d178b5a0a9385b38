# ccache when present. Sloppiness settings let ccache cache translation units built with
# GCC precompiled headers (CMake passes them with -include).
function(mergelab_setup_ccache)
  find_program(CCACHE_PROGRAM ccache)
  if(CCACHE_PROGRAM)
    set(launcher ${CMAKE_COMMAND} -E env
        CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
        CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=1 ${CCACHE_PROGRAM})
    set(CMAKE_C_COMPILER_LAUNCHER ${launcher} PARENT_SCOPE)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${launcher} PARENT_SCOPE)
    message(STATUS "ccache: ${CCACHE_PROGRAM}")
  endif()
endfunction()

function(mergelab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(MERGELAB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# A core sub-library: every .cpp in the folder. Folders are separate static libraries so that
# each part builds and tests on its own; mergelab_core links them all. TORCH: reuse the shared
# precompiled torch header.
function(mergelab_core_folder name)
  cmake_parse_arguments(ARG "TORCH" "" "DEPENDS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cpp)
  set(target mergelab_core_${name})
  if(NOT sources)
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/core)
    target_link_libraries(${target} INTERFACE ${ARG_DEPENDS})
    return()
  endif()
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/core)
  target_link_libraries(${target} PUBLIC ${ARG_DEPENDS})
  mergelab_warnings(${target})
  if(ARG_TORCH AND MERGELAB_PCH)
    target_precompile_headers(${target} REUSE_FROM mergelab_torch_pch)
  endif()
endfunction()

# One test executable per tests/<area>/<folder>/tst_*.cpp, linked to the given libraries.
# A line "// ctest-labels: slow;gui" in the file sets ctest labels.
function(mergelab_add_tests dir)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB tests CONFIGURE_DEPENDS ${dir}/tst_*.cpp)
  foreach(src ${tests})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} Qt6::Test)
    # Helpers shared by test folders (tiny models and projects, in-memory checkpoints).
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
    target_compile_definitions(${name} PRIVATE
      MERGELAB_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures"
      MERGELAB_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    set_target_properties(${name} PROPERTIES AUTOMOC ON)
    mergelab_warnings(${name})
    add_test(NAME ${name} COMMAND ${name})
    file(STRINGS ${src} label_line REGEX "^// ctest-labels: ")
    set(labels "")
    if(label_line)
      string(REPLACE "// ctest-labels: " "" labels "${label_line}")
    endif()
    set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "QT_QPA_PLATFORM=offscreen;MERGELAB_BUILD_DIR=${PROJECT_BINARY_DIR}"
      LABELS "${labels}" TIMEOUT 1200)
  endforeach()
endfunction()
