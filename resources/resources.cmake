# Included from app/CMakeLists.txt: the window icon, embedded as :/icons/org.mergelab.MergeLab.png
# (the installed desktop icons come from packaging/).
qt_add_resources(mergelab_gui_lib mergelab_icons
  PREFIX /icons
  BASE ${PROJECT_SOURCE_DIR}/resources/icons/hicolor/256x256/apps
  FILES ${PROJECT_SOURCE_DIR}/resources/icons/hicolor/256x256/apps/org.mergelab.MergeLab.png)
