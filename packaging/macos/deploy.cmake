# Runs macdeployqt over the staged app bundle so the DMG carries Qt, QtKeychain and SQLCipher.
find_program(MACDEPLOYQT macdeployqt REQUIRED)
file(GLOB bundles "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*.app")
foreach(bundle IN LISTS bundles)
    execute_process(COMMAND ${MACDEPLOYQT} "${bundle}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()
