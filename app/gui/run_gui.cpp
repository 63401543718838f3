#include <malloc.h>

#include <future>
#include <iostream>

#include "gui/app.hpp"
#include "gui/gui.hpp"
#include "gui/theme.hpp"
#include "gui/window.hpp"

namespace injmap::gui {

int run_gui(const GuiOptions& options) {
    // The window lives long and its peak memory counts: buffers of 128 KiB and more (frame
    // images, meshes, surface indices) are mapped and go back to the system when freed. glibc
    // would otherwise raise this threshold as such buffers are freed, and keep later ones in the
    // heap as resident garbage (4 MB lower peak here; one-shot commands keep the faster default).
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    // The model, its surface indices (~40 ms) and the protocol's placement need no window: they
    // load on the second core while this one opens the window and starts GL (~80 ms).
    auto startup =
        std::async(std::launch::async, [&options] { return load_startup_data(options); });
    // Rasterising the fonts (~20 ms) needs no window either. At 1x scale, the usual case; a HiDPI
    // window rebuilds them at its scale below.
    auto fonts_built = std::async(std::launch::async, [] { return build_fonts(1.0f); });
    FontAtlas fonts; // declared before the window: its ImGui context uses the atlas to the end
    std::string error;
    auto window = Window::create(options.width, options.height, "injmap", error);
    if (!window) {
        std::cerr << "injmap gui: " << error << "\n";
        return 2;
    }
    const float scale = window->content_scale();
    fonts = fonts_built.get();
    if (fonts.scale != scale)
        fonts = build_fonts(scale);
    if (!window->start_imgui(fonts.atlas.get(), error)) {
        std::cerr << "injmap gui: " << error << "\n";
        return 2;
    }
    setup_theme(fonts, scale);
    window->upload_fonts();
    App app(*window, fonts.fonts, options);
    StartupData data = startup.get();
    // The worker's malloc arena still holds the surface-index build's scratch (~10 MB), which only
    // that thread would reuse: give it back before the first frame makes the memory peak.
    malloc_trim(0);
    if (!app.initialise(std::move(data), error)) {
        std::cerr << "injmap gui: " << error << "\n";
        return 2;
    }
    return app.run();
}

} // namespace injmap::gui
