# Runs SNIPPET with RUNNER (a program with the Greeter QML module built in)
# and checks that it exits with 0 after printing each step.
execute_process(COMMAND "${RUNNER}" "${SNIPPET}"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output
    TIMEOUT 60)
message("${output}")
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${SNIPPET} exited with ${result}")
endif()
foreach(expected
        "log: Info greeting Ada"
        "progress: 1 of 2"
        "progress: 2 of 2"
        "response: Hello, Ada! Hello, Ada!"
        "rejected: invalid body for greet: `times`: expected an integer")
    string(FIND "${output}" "${expected}" position)
    if(position EQUAL -1)
        message(FATAL_ERROR "${SNIPPET} did not print \"${expected}\"")
    endif()
endforeach()
