# All dependencies are Debian 12 packages (see docs/architecture.md and scripts/lib/deps.sh).
find_package(PkgConfig REQUIRED)
find_package(glm REQUIRED)
find_package(tomlplusplus REQUIRED)   # Debian ships it compiled (libtomlplusplus.so.3)
find_package(tinyobjloader REQUIRED)  # no version: Debian's version string is "2rc10"
find_package(nlohmann_json 3 REQUIRED) # JSON for --json output and session records
find_package(meshoptimizer REQUIRED)  # skin decimation and vertex-cache order in the generator
pkg_check_modules(NETTLE REQUIRED IMPORTED_TARGET nettle) # SHA-256 of session records and protocols
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3) # the treatment history (injmap_history)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq) # the treatment history on a clinic's PostgreSQL server

if(NOT INJMAP_FUZZ)
  find_package(glfw3 3.3 REQUIRED)
  find_package(OpenGL REQUIRED COMPONENTS EGL)
  pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
  # stb_truetype and stb_rect_pack for injmap_render's fonts, from libstb-dev: Debian builds them
  # once into libstb.so (no implementation define in our code), and libimgui links that same
  # library, so there is one copy of each symbol; render/ no longer reaches stb through ImGui.
  pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)
  # The printed pages (handout) as PNG and PDF: cairo with its PDF surface, and cairo-ft over
  # FreeType so the glyphs are drawn from the same DejaVu file the layout measured.
  pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo-pdf cairo-ft freetype2)
  find_package(ZLIB REQUIRED)      # PNG encoding, deflated in bands on all cores
  find_package(Threads REQUIRED)

  # glad2 generates the GL 3.3 core loader at build time with the system Python, offline.
  set(GLAD_PYTHON /usr/bin/python3 CACHE FILEPATH "Python interpreter that can 'import glad' (python3-glad)")
  execute_process(COMMAND ${GLAD_PYTHON} -c "import glad" RESULT_VARIABLE glad_missing OUTPUT_QUIET ERROR_QUIET)
  if(glad_missing)
    message(FATAL_ERROR "glad2 not found: '${GLAD_PYTHON} -c \"import glad\"' failed.\n"
                        "Install it with: apt-get install python3-glad (or run ./scripts/test, which does), "
                        "or point -DGLAD_PYTHON=... at a Python that has glad2.")
  endif()
  set(glad_dir ${CMAKE_BINARY_DIR}/glad)
  add_custom_command(
    OUTPUT ${glad_dir}/src/gl.c ${glad_dir}/include/glad/gl.h
    COMMAND ${GLAD_PYTHON} -m glad --api gl:core=3.3 --extensions GL_KHR_debug
            --out-path ${glad_dir} --reproducible --quiet c
    COMMENT "Generating the GL 3.3 core loader with glad2"
    VERBATIM)
  add_library(glad STATIC ${glad_dir}/src/gl.c)
  target_include_directories(glad SYSTEM PUBLIC ${glad_dir}/include)
  set_target_properties(glad PROPERTIES POSITION_INDEPENDENT_CODE ON)
endif()
