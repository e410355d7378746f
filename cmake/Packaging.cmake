# cmake/Packaging.cmake - the Debian package, built with `cpack -G DEB` in
# the build folder: knotmap_VERSION_amd64.deb with the binary, the atlas
# and its schema, a desktop entry and icon, AppStream metadata, the man
# pages knotmap(1) and knotmap.conf(5), the cage kiosk's systemd unit and
# the documentation.  Dependencies come from the binary's shared libraries
# (dpkg-shlibdeps).  tests/cli/test_deb.sh builds it, checks it with
# lintian when present, installs it into a temporary root with dpkg -x and
# runs the installed binary.

# Man pages and the changelog are installed gzip -9n (what lintian wants:
# compressed, no timestamp, reproducible).
set(KM_GZ_DIR "${CMAKE_CURRENT_BINARY_DIR}/gz")
function(km_gzip src name)
  add_custom_command(OUTPUT "${KM_GZ_DIR}/${name}.gz"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${KM_GZ_DIR}"
    COMMAND gzip -9n -c "${src}" > "${KM_GZ_DIR}/${name}.gz"
    DEPENDS "${src}" VERBATIM)
  list(APPEND KM_GZ_FILES "${KM_GZ_DIR}/${name}.gz")
  set(KM_GZ_FILES ${KM_GZ_FILES} PARENT_SCOPE)
endfunction()
km_gzip("${PROJECT_SOURCE_DIR}/docs/man/knotmap.1" knotmap.1)
km_gzip("${PROJECT_SOURCE_DIR}/docs/man/knotmap.conf.5" knotmap.conf.5)
km_gzip("${PROJECT_SOURCE_DIR}/packaging/changelog" changelog)
add_custom_target(knotmap_gz ALL DEPENDS ${KM_GZ_FILES})

install(FILES "${KM_GZ_DIR}/knotmap.1.gz" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES "${KM_GZ_DIR}/knotmap.conf.5.gz" DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES packaging/knotmap.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES assets/knotmap.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(FILES packaging/org.knotmap.Knotmap.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
# Debian 12 keeps system units in /lib/systemd/system.
install(FILES assets/knotmap-kiosk.service DESTINATION /lib/systemd/system)
set(KM_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/knotmap)
install(FILES README.md docs/kiosk.md docs/data-format.md docs/figure-landmarks.md packaging/copyright
        DESTINATION ${KM_DOC_DIR})
install(FILES "${KM_GZ_DIR}/changelog.gz" DESTINATION ${KM_DOC_DIR})

set(CPACK_PACKAGE_NAME knotmap)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the knotmap authors")
set(CPACK_PACKAGE_CONTACT "knotmap maintainers <knotmap@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "trigger-point body map for clinics and patients")
set(CPACK_PACKAGE_DESCRIPTION
  "knotmap draws front and back body diagrams and, for any muscle, shows its
myofascial trigger points, the zones where they refer pain and the
stretches that help. Patients use it on a clinic touchscreen kiosk under
the cage Wayland compositor; clinicians use it to explain a pattern, mark a
patient's pain and export the marked-up diagram. Education, not diagnosis.")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)               # knotmap_VERSION_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)               # Depends: from the shared libraries
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core")  # the default font (fontconfig's sans)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "cage")            # the kiosk's compositor
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/knotmap/knotmap")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Only the program's own install rules (not those of the test tools).
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};ALL;/")
include(CPack)
