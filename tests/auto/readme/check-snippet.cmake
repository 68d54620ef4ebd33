# Fails unless README contains SNIPPET verbatim inside a ```cpp block.
file(READ "${README}" readme)
file(READ "${SNIPPET}" snippet)
string(FIND "${readme}" "```cpp\n${snippet}```" position)
if(position EQUAL -1)
    message(FATAL_ERROR "README.md does not quote ${SNIPPET} verbatim in a ```cpp block")
endif()
