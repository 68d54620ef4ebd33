# Runs the greeter example server GREETER_SERVER on a Unix socket in WORK_DIR
# and SNIPPET with the qml tool QML against it, as doc/qml.md says; checks
# what both print. With PRELOAD (a sanitizer runtime), the tool runs with it
# preloaded.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(address "unix:${WORK_DIR}/greeter.sock")
set(preload "")
if(PRELOAD)
    set(preload "LD_PRELOAD=${PRELOAD}")
endif()
# The server runs in the background until the snippet is done; the snippet
# starts once the server says it listens (at most 60 s).
execute_process(COMMAND sh -c "
    '${GREETER_SERVER}' '${address}' > '${WORK_DIR}/server.log' 2>&1 &
    server=$!
    tries=0
    until grep -q 'listening on' '${WORK_DIR}/server.log'; do
        tries=$((tries + 1))
        if [ $tries -gt 600 ] || ! kill -0 $server 2>/dev/null; then
            cat '${WORK_DIR}/server.log'; kill $server 2>/dev/null; exit 3
        fi
        sleep 0.1
    done
    env ${preload} '${QML}' '${SNIPPET}' -- '${address}'
    result=$?
    kill $server
    wait $server 2>/dev/null
    exit $result"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output
    TIMEOUT 120)
file(READ "${WORK_DIR}/server.log" server_output)
message("${output}\nserver: ${server_output}")
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${SNIPPET} exited with ${result}")
endif()
foreach(expected
        "services: greet #1, ping #99"
        "progress: 1 of 2"
        "progress: 2 of 2"
        "response: Hi, Ada! Hi, Ada!"
        "refused: invalid body for greet: `times`")
    string(FIND "${output}" "${expected}" position)
    if(position EQUAL -1)
        message(FATAL_ERROR "${SNIPPET} did not print \"${expected}\"")
    endif()
endforeach()
string(FIND "${server_output}" "log Info: hello from QML" position)
if(position EQUAL -1)
    message(FATAL_ERROR "the greeter server did not get the log stream message")
endif()
