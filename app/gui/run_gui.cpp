#include <future>
#include <iostream>

#include "gui/app.hpp"
#include "gui/gui.hpp"
#include "gui/theme.hpp"
#include "gui/window.hpp"

namespace injmap::gui {

int run_gui(const GuiOptions& options) {
    // The model, its surface indices (~40 ms) and the protocol's placement need no window: they
    // load on the second core while this one opens the window and starts GL (~80 ms).
    auto startup =
        std::async(std::launch::async, [&options] { return load_startup_data(options); });
    std::string error;
    auto window = Window::create(options.width, options.height, "injmap", error);
    if (!window) {
        std::cerr << "injmap gui: " << error << "\n";
        return 2;
    }
    const Fonts fonts = setup_theme(window->content_scale());
    window->upload_fonts();
    App app(*window, fonts, options);
    if (!app.initialise(startup.get(), error)) {
        std::cerr << "injmap gui: " << error << "\n";
        return 2;
    }
    return app.run();
}

} // namespace injmap::gui
