#include <iostream>

#include "gui/app.hpp"
#include "gui/gui.hpp"
#include "gui/theme.hpp"
#include "gui/window.hpp"

namespace injmap::gui {

int run_gui(const GuiOptions& options) {
    std::string error;
    auto window = Window::create(options.width, options.height, "injmap", error);
    if (!window) {
        std::cerr << "injmap gui: " << error << "\n";
        return 2;
    }
    const Fonts fonts = setup_theme(window->content_scale());
    App app(*window, fonts, options);
    if (!app.initialise(error)) {
        std::cerr << "injmap gui: " << error << "\n";
        return 2;
    }
    return app.run();
}

} // namespace injmap::gui
