# Runs SNIPPET with the qml tool QML and checks that it exits with 0 after
# printing each line of EXPECTED (lines separated by "|"), the steps of its
# conversation. With PRELOAD (a sanitizer runtime), the tool runs with it
# preloaded. Used for every QML snippet of the docs that the qml tool runs.
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
string(REPLACE "|" ";" expected_lines "${EXPECTED}")
foreach(expected IN LISTS expected_lines)
    string(FIND "${output}" "${expected}" position)
    if(position EQUAL -1)
        message(FATAL_ERROR "${SNIPPET} did not print \"${expected}\"")
    endif()
endforeach()
