# Fails unless README (a Markdown file) contains SNIPPET verbatim inside a
# fenced code block of LANGUAGE (default: cpp).
if(NOT LANGUAGE)
    set(LANGUAGE cpp)
endif()
file(READ "${README}" readme)
file(READ "${SNIPPET}" snippet)
string(FIND "${readme}" "```${LANGUAGE}\n${snippet}```" position)
if(position EQUAL -1)
    message(FATAL_ERROR "${README} does not quote ${SNIPPET} verbatim in a ```${LANGUAGE} block")
endif()
