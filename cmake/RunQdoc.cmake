# Runs qdoc on CONFIG into OUTPUT_DIR and fails on any warning, printing them.
#   cmake -DQDOC=qdoc -DCONFIG=x.qdocconf -DOUTPUT_DIR=dir -DQT_VERSION=6.4.2 -DQT_VER=6.4
#         -DQT_INSTALL_DOCS=/usr/share/qt6/doc [-DLOG=file] -P RunQdoc.cmake
# Qt's global configuration reads these.
set(ENV{QT_VERSION} "${QT_VERSION}")
set(ENV{QT_VER} "${QT_VER}")
string(REPLACE "." "" _tag "${QT_VERSION}")
set(ENV{QT_VERSION_TAG} "${_tag}")
set(ENV{QT_INSTALL_DOCS} "${QT_INSTALL_DOCS}")
set(ENV{BUILDDIR} "${OUTPUT_DIR}")
file(REMOVE_RECURSE ${OUTPUT_DIR})
file(MAKE_DIRECTORY ${OUTPUT_DIR})
execute_process(COMMAND ${QDOC} ${CONFIG} --outputdir ${OUTPUT_DIR}
    OUTPUT_VARIABLE _out ERROR_VARIABLE _err RESULT_VARIABLE _result)
set(_log "${_out}${_err}")
if(LOG)
    file(WRITE ${LOG} "${_log}")
endif()
string(REGEX MATCHALL "[^\n]*(warning|error)[^\n]*" _warnings "${_log}")
list(LENGTH _warnings _count)
if(NOT _result EQUAL 0 OR _count GREATER 0 OR NOT EXISTS ${OUTPUT_DIR}/index.html)
    file(REMOVE ${OUTPUT_DIR}/index.html) # so that the next build runs qdoc again
    message(FATAL_ERROR "qdoc: ${_count} warnings (exit status ${_result}):\n${_log}")
endif()
message(STATUS "qdoc: API reference in ${OUTPUT_DIR}/index.html, no warnings")
