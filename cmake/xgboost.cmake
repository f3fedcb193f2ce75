# Debian's libxgboost-dev ships a CMake package that also imports the `xgboost` command-line tool,
# which lives in another package; find_package(xgboost) then fails. Only the C API is needed, so
# import the shared library directly as xgboost::xgboost.
include_guard(GLOBAL)

find_path(XGBOOST_INCLUDE_DIR xgboost/c_api.h REQUIRED)
find_library(XGBOOST_LIBRARY xgboost REQUIRED)
add_library(xgboost::xgboost SHARED IMPORTED)
set_target_properties(xgboost::xgboost PROPERTIES
  IMPORTED_LOCATION ${XGBOOST_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${XGBOOST_INCLUDE_DIR})
