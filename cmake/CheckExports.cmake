# Checks that a built or installed FizyrRpcQt shared library exports the
# public API only: no internal class (the transports, the wire layer, the
# *Private classes, the logging categories) in its dynamic symbol table.
#
#   cmake -DLIBRARY=/path/to/libFizyrRpcQt.so [-DNM=nm] -P CheckExports.cmake
#
# A symbol counts by its own qualified name (the part before the parameter
# list, without template arguments), so a public member function taking an
# internal type is not flagged.
if(NOT LIBRARY)
    message(FATAL_ERROR "CheckExports: LIBRARY not set")
endif()
if(NOT NM)
    set(NM nm)
endif()
execute_process(COMMAND ${NM} -D --defined-only -C ${LIBRARY}
    OUTPUT_VARIABLE _output ERROR_VARIABLE _error RESULT_VARIABLE _result)
if(NOT _result EQUAL 0)
    message(FATAL_ERROR "CheckExports: ${NM} failed on ${LIBRARY}: ${_error}")
endif()

string(REPLACE ";" "\\;" _output "${_output}")
string(REPLACE "\n" ";" _lines "${_output}")
set(_internal_regex
    "(^|[^A-Za-z0-9_])Fizyr::(RpcTransport|RpcStreamTransport|RpcSeqpacket[A-Za-z0-9_]*|RpcWire|[A-Za-z0-9_]*Private|lcRpc[A-Za-z0-9_]*)([^A-Za-z0-9_]|$)")
set(_leaks)
set(_public 0)
foreach(_line IN LISTS _lines)
    # "<address> <type> <name>"
    string(REGEX REPLACE "^[0-9a-fA-F]* *[A-Za-z] " "" _name "${_line}")
    string(FIND "${_name}" "(" _paren)
    if(_paren GREATER 0)
        string(SUBSTRING "${_name}" 0 ${_paren} _name)
    endif()
    # Template arguments do not make a symbol ours: the d-pointer destructors
    # (QSharedDataPointer<Fizyr::RpcMessagePrivate>::~QSharedDataPointer) are
    # exported on purpose by the public headers, as Qt's own classes do.
    set(_previous "")
    while(NOT _previous STREQUAL _name)
        set(_previous "${_name}")
        string(REGEX REPLACE "<[^<>]*>" "" _name "${_name}")
    endwhile()
    if(_name MATCHES "${_internal_regex}")
        list(APPEND _leaks "${_line}")
    elseif(_name MATCHES "Fizyr::RpcPeer::")
        math(EXPR _public "${_public} + 1")
    endif()
endforeach()

if(_public EQUAL 0)
    message(FATAL_ERROR "CheckExports: ${LIBRARY} exports no Fizyr::RpcPeer symbol: wrong file?")
endif()
list(LENGTH _leaks _count)
if(_count GREATER 0)
    list(JOIN _leaks "\n  " _text)
    message(FATAL_ERROR "CheckExports: ${LIBRARY} exports ${_count} internal symbols:\n  ${_text}")
endif()
message(STATUS "CheckExports: ${LIBRARY}: no internal symbol exported")
