# Runs SNIPPET (doc/snippets/qml-reconnect.qml) with the qml tool QML and
# checks that it exits with 0 after losing its connection, waiting and
# reconnecting. With PRELOAD (a sanitizer runtime), the tool runs with it
# preloaded.
set(command "${QML}" "${SNIPPET}")
if(PRELOAD)
    set(command "${CMAKE_COMMAND}" -E env "LD_PRELOAD=${PRELOAD}" ${command})
endif()
execute_process(COMMAND ${command}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output
    TIMEOUT 60)
message("${output}")
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${SNIPPET} exited with ${result}")
endif()
foreach(expected
        "connection down: attempt 1 in"
        "connection down: attempt 3 in"
        "reconnected"
        "response: hello from connection 2")
    string(FIND "${output}" "${expected}" position)
    if(position EQUAL -1)
        message(FATAL_ERROR "${SNIPPET} did not print \"${expected}\"")
    endif()
endforeach()
