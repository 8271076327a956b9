# Runs windeployqt over the staged executables so the NSIS installer carries Qt, QtKeychain and SQLCipher.
# CPACK_TEMPORARY_INSTALL_DIRECTORY is set by CPack for pre-build scripts.
find_program(WINDEPLOYQT windeployqt REQUIRED)
file(GLOB exes "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/bin/*.exe")
foreach(exe IN LISTS exes)
    execute_process(COMMAND ${WINDEPLOYQT} --no-translations --no-compiler-runtime "${exe}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()
