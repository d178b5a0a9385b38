# CPack: `cpack -G DEB` in the build tree writes mergelab_<version>_<arch>.deb. Library
# dependencies are computed by dpkg-shlibdeps; what the program opens at run time (BLAS backend,
# the demo's fonts and Fashion-MNIST, Japanese glyphs) is listed here.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mergelab)
set(CPACK_PACKAGE_VENDOR "MergeLab")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "workbench for merging fine-tuned neural networks")
set(CPACK_PACKAGE_DESCRIPTION "MergeLab loads a model set (a pretrained checkpoint and checkpoints
fine-tuned from it), shows task-vector similarity, norms and sign
conflicts per layer, tunes merge coefficients while the merged model is
evaluated, and exports merged checkpoints (safetensors, HDF5).
mergelab-cli repeats every step from scripts: inspect, convert, analyze,
merge (mergekit recipes), eval, sweep, experts (Mixture-of-Experts
surgery), btx, learn-merge and zoo (demo model set).")
set(CPACK_PACKAGE_CONTACT "MergeLab developers <dev@mergelab.org>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# OpenBLAS: torch links libblas.so.3, and the reference BLAS behind it is ~30x slower.
# Fonts and Fashion-MNIST: the demo model set is rendered from them (core/zoo); fortunes: the text of the
# language-model demo set (libsentencepiece comes from the shared-library dependencies).
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libopenblas0-pthread, fonts-dejavu-core, fonts-freefont-ttf, fonts-liberation2, dataset-fashion-mnist, fortunes")
# Japanese UI glyphs and Qt's own translated dialog strings.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-noto-cjk, qt6-translations-l10n, qt6-wayland")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-torch")
# Only the package's own files: the build tree is not rebuilt by cpack (build the targets first).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON CACHE BOOL "" FORCE)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/packages)
include(CPack)
