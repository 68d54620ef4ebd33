# fizyr_rpc_add_interface(<target> FILES <file.rpc>... [NAMESPACE <ns>] [OUTPUT_DIRECTORY <dir>])
#
# Runs fizyr-rpc-gen on each interface file at build time and adds the
# generated <name>.h / <name>.cpp (value types, <Interface>Client,
# <Interface>Server) to <target>, with their moc output. The files are
# regenerated when the interface file, a file it imports or the generator
# changes. The generated header's folder is added to the target's include
# directories, so `#include "<name>.h"` works; <target> is linked to
# FizyrRpcQt::FizyrRpcQtInterface.
#
# The generator is the executable target FizyrRpcQt::fizyr-rpc-gen: built in
# the same project, or imported by find_package(FizyrRpcQt) (point
# CMAKE_PROGRAM_PATH or the package at a host build when cross-compiling).
function(fizyr_rpc_add_interface target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "NAMESPACE;OUTPUT_DIRECTORY" "FILES")
    if(arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "fizyr_rpc_add_interface: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
    endif()
    if(NOT arg_FILES)
        message(FATAL_ERROR "fizyr_rpc_add_interface: no FILES given")
    endif()
    if(NOT TARGET FizyrRpcQt::fizyr-rpc-gen)
        message(FATAL_ERROR "fizyr_rpc_add_interface: the generator FizyrRpcQt::fizyr-rpc-gen is not available "
                            "(build FizyrRpcQt with FIZYRRPCQT_BUILD_TOOLS=ON)")
    endif()
    set(out_dir ${arg_OUTPUT_DIRECTORY})
    if(NOT out_dir)
        set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_rpcgen)
    endif()
    set(extra_args)
    if(arg_NAMESPACE)
        list(APPEND extra_args --namespace ${arg_NAMESPACE})
    endif()

    set(generated_headers)
    set(generated_sources)
    foreach(file IN LISTS arg_FILES)
        get_filename_component(abs_file ${file} ABSOLUTE)
        get_filename_component(name ${file} NAME_WLE)
        set(header ${out_dir}/${name}.h)
        set(source ${out_dir}/${name}.cpp)
        set(depfile ${out_dir}/${name}.d)
        set(depfile_args)
        if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
            set(depfile_args DEPFILE ${depfile})
            set(depfile_cmd --depfile ${depfile})
        else()
            set(depfile_cmd)
        endif()
        add_custom_command(
            OUTPUT ${header} ${source}
            COMMAND FizyrRpcQt::fizyr-rpc-gen -o ${out_dir} ${extra_args} ${depfile_cmd} ${abs_file}
            DEPENDS ${abs_file} FizyrRpcQt::fizyr-rpc-gen
            ${depfile_args}
            COMMENT "fizyr-rpc-gen ${file}"
            VERBATIM)
        list(APPEND generated_headers ${header})
        list(APPEND generated_sources ${source})
    endforeach()

    set_source_files_properties(${generated_headers} ${generated_sources} PROPERTIES
        GENERATED TRUE SKIP_AUTOMOC TRUE SKIP_AUTOUIC TRUE SKIP_AUTORCC TRUE)
    # moc explicitly, so that this works whether or not the target uses AUTOMOC.
    qt6_wrap_cpp(moc_sources ${generated_headers} TARGET ${target})
    set_source_files_properties(${moc_sources} PROPERTIES SKIP_AUTOMOC TRUE)
    target_sources(${target} PRIVATE ${generated_headers} ${generated_sources} ${moc_sources})
    target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${out_dir}>)
    target_link_libraries(${target} PUBLIC FizyrRpcQt::FizyrRpcQtInterface)
endfunction()
