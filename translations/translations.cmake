# Included from app/CMakeLists.txt once mergelab_gui_lib exists. The .qm files are embedded in the
# library as :/i18n/mergelab_<lang>.qm (loaded by app/gui/translations.cpp).
#   ninja -C build update_translations   runs lupdate over app/gui and widgets (or translations/update.sh)
#   the build runs lrelease whenever a .ts file changes.
file(GLOB mergelab_tr_sources CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/app/gui/*.cpp ${PROJECT_SOURCE_DIR}/app/gui/*.h
  ${PROJECT_SOURCE_DIR}/widgets/*.cpp ${PROJECT_SOURCE_DIR}/widgets/*.h)
set(MERGELAB_TS_FILES
  ${PROJECT_SOURCE_DIR}/translations/mergelab_en.ts
  ${PROJECT_SOURCE_DIR}/translations/mergelab_ja.ts)
qt_add_translations(mergelab_gui_lib
  TS_FILES ${MERGELAB_TS_FILES}
  SOURCES ${mergelab_tr_sources}
  LUPDATE_OPTIONS -no-obsolete -locations none
  RESOURCE_PREFIX /i18n)
