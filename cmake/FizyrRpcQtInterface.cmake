# fizyr_rpc_add_interface(<target> FILES <file.rpc>... [NAMESPACE <ns>] [OUTPUT_DIRECTORY <dir>]
#                         [QML_URI <uri> [QML_VERSION <major.minor>]])
#
# Runs fizyr-rpc-gen on each interface file at build time and adds the
# generated <name>.h / <name>.cpp (value types, <Interface>Client,
# <Interface>Server) to <target>, with their moc output. The files are
# regenerated when the interface file, a file it imports or the generator
# changes. The generated header's folder is added to the target's include
# directories, so `#include "<name>.h"` works; <target> is linked to
# FizyrRpcQt::FizyrRpcQtInterface.
#
# With QML_URI, the generator also writes <name>_qml.h / <name>_qml.cpp (the
# QML types <Interface>Client, <Interface>Server, their call and request
# types, and a QML namespace per enum type; doc/qml.md, "Typed interfaces in
# QML"), and <target> becomes the backing target of the QML module <uri>
# (version QML_VERSION, default 1.0) through qt_add_qml_module(): QML code
# says `import <uri>`. A target backs at most one QML module, so give a
# target that already has one (or several interface modules) a target of
# its own, for example a library the application links. <target> is
# linked to Qt6::Qml; its generated headers are moc'ed by AUTOMOC (which is
# switched on for it) so that qmltyperegistrar sees their types. The
# module's qmldir and type information go to <output dir>/qml/<uri as a
# path>; for an executable, the types are registered when it starts and
# need no import path.
#
# The generator is the executable target FizyrRpcQt::fizyr-rpc-gen: built in
# the same project, or imported by find_package(FizyrRpcQt) (point
# CMAKE_PROGRAM_PATH or the package at a host build when cross-compiling).
function(fizyr_rpc_add_interface target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "NAMESPACE;OUTPUT_DIRECTORY;QML_URI;QML_VERSION" "FILES")
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

    if(arg_QML_VERSION AND NOT arg_QML_URI)
        message(FATAL_ERROR "fizyr_rpc_add_interface: QML_VERSION needs QML_URI")
    endif()
    if(arg_QML_URI)
        list(APPEND extra_args --qml)
    endif()

    set(generated_headers)
    set(generated_sources)
    foreach(file IN LISTS arg_FILES)
        get_filename_component(abs_file ${file} ABSOLUTE)
        get_filename_component(name ${file} NAME_WLE)
        set(header ${out_dir}/${name}.h)
        set(source ${out_dir}/${name}.cpp)
        set(depfile ${out_dir}/${name}.d)
        set(qml_outputs)
        if(arg_QML_URI)
            set(qml_outputs ${out_dir}/${name}_qml.h ${out_dir}/${name}_qml.cpp)
            list(APPEND generated_headers ${out_dir}/${name}_qml.h)
            list(APPEND generated_sources ${out_dir}/${name}_qml.cpp)
        endif()
        set(depfile_args)
        if(CMAKE_GENERATOR MATCHES "Ninja|Makefiles")
            set(depfile_args DEPFILE ${depfile})
            set(depfile_cmd --depfile ${depfile})
        else()
            set(depfile_cmd)
        endif()
        add_custom_command(
            OUTPUT ${header} ${source} ${qml_outputs}
            COMMAND FizyrRpcQt::fizyr-rpc-gen -o ${out_dir} ${extra_args} ${depfile_cmd} ${abs_file}
            DEPENDS ${abs_file} FizyrRpcQt::fizyr-rpc-gen
            ${depfile_args}
            COMMENT "fizyr-rpc-gen ${file}"
            VERBATIM)
        list(APPEND generated_headers ${header})
        list(APPEND generated_sources ${source})
    endforeach()

    target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${out_dir}>)
    target_link_libraries(${target} PUBLIC FizyrRpcQt::FizyrRpcQtInterface)
    if(arg_QML_URI)
        # AUTOMOC, so that qmltyperegistrar gets the metatypes of the
        # generated headers (the QML types and the gadgets they refer to).
        find_package(Qt6 6.4 REQUIRED COMPONENTS Qml)
        set_source_files_properties(${generated_headers} ${generated_sources} PROPERTIES
            GENERATED TRUE SKIP_AUTOUIC TRUE SKIP_AUTORCC TRUE)
        set_target_properties(${target} PROPERTIES AUTOMOC ON)
        set(qml_version ${arg_QML_VERSION})
        if(NOT qml_version)
            set(qml_version 1.0)
        endif()
        string(REPLACE "." "/" qml_path "${arg_QML_URI}")
        qt_add_qml_module(${target}
            URI ${arg_QML_URI}
            VERSION ${qml_version}
            OUTPUT_DIRECTORY ${out_dir}/qml/${qml_path}
            SOURCES ${generated_headers} ${generated_sources})
        target_link_libraries(${target} PRIVATE Qt6::Qml)
        return()
    endif()
    set_source_files_properties(${generated_headers} ${generated_sources} PROPERTIES
        GENERATED TRUE SKIP_AUTOMOC TRUE SKIP_AUTOUIC TRUE SKIP_AUTORCC TRUE)
    # moc explicitly, so that this works whether or not the target uses AUTOMOC.
    qt6_wrap_cpp(moc_sources ${generated_headers} TARGET ${target})
    set_source_files_properties(${moc_sources} PROPERTIES SKIP_AUTOMOC TRUE)
    target_sources(${target} PRIVATE ${generated_headers} ${generated_sources} ${moc_sources})
endfunction()
