# fizyr-rpc-gen --qml refuses an update named like a member of the QML call
# type, with exit code 1, a message naming it, and no output file.
set(out "${WORK}/reserved-out")
file(REMOVE_RECURSE "${out}")
execute_process(COMMAND "${GEN}" --qml -o "${out}" "${INPUT}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
message("${output}")
if(NOT result EQUAL 1)
    message(FATAL_ERROR "expected exit code 1, got ${result}")
endif()
string(FIND "${output}" "response update `status` of service `run`" position)
if(position EQUAL -1)
    message(FATAL_ERROR "the error does not name the update")
endif()
file(GLOB written "${out}/*")
if(written)
    message(FATAL_ERROR "files written despite the error: ${written}")
endif()
