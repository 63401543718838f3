#include "gui/theme.hpp"

#include <filesystem>

namespace injmap::gui {
namespace {

ImFont* load_font(ImFontAtlas& atlas, const char* file, float size) {
    const std::filesystem::path path = std::filesystem::path(INJMAP_FONT_DIR) / file;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return nullptr;
    ImFontConfig config;
    // No horizontal oversampling: next to 2x it looks the same in the panels (screenshots compared
    // at 2x zoom) and halves the atlas, 4 MB less texture at 1x scale.
    config.OversampleH = 1;
    config.OversampleV = 1;
    // Latin, Latin-1, general punctuation (– — ’ …), arrows, ± × ÷ ° µ ≤ ≥ ≈.
    static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2010, 0x2044, 0x2190,
                                     0x21FF, 0x2212, 0x2212, 0x2248, 0x2248, 0x2260, 0x2265,
                                     0x2300, 0x23FF, 0x25A0, 0x25FF, 0x2713, 0x2717, 0};
    return atlas.AddFontFromFileTTF(path.c_str(), size, &config, ranges);
}

} // namespace

FontAtlas build_fonts(float scale) {
    FontAtlas out;
    out.scale = scale;
    out.atlas = std::make_unique<ImFontAtlas>();
    ImFontAtlas& atlas = *out.atlas;
    Fonts& fonts = out.fonts;
    fonts.regular = load_font(atlas, "DejaVuSans.ttf", 15.0f * scale);
    if (!fonts.regular) {
        ImFontConfig config;
        config.SizePixels = 13.0f * scale;
        fonts.regular = atlas.AddFontDefault(&config);
    }
    fonts.bold = load_font(atlas, "DejaVuSans-Bold.ttf", 15.0f * scale);
    fonts.heading = load_font(atlas, "DejaVuSans-Bold.ttf", 19.0f * scale);
    fonts.large = load_font(atlas, "DejaVuSans.ttf", 20.0f * scale);
    fonts.large_bold = load_font(atlas, "DejaVuSans-Bold.ttf", 22.0f * scale);
    fonts.small = load_font(atlas, "DejaVuSans.ttf", 13.0f * scale);
    fonts.mono = load_font(atlas, "DejaVuSansMono.ttf", 13.5f * scale);
    for (ImFont** f :
         {&fonts.bold, &fonts.heading, &fonts.small, &fonts.mono, &fonts.large, &fonts.large_bold})
        if (!*f)
            *f = fonts.regular;
    // Rasterise now, in the 32-bit form the OpenGL3 backend uploads.
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    atlas.GetTexDataAsRGBA32(&pixels, &width, &height);
    return out;
}

void setup_theme(const FontAtlas& fonts, float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.FontDefault = fonts.fonts.regular;

    ImGuiStyle& style = ImGui::GetStyle();
    style = ImGuiStyle();
    style.WindowPadding = {14, 12};
    style.FramePadding = {9, 5};
    style.CellPadding = {6, 3};
    style.ItemSpacing = {8, 7};
    style.ItemInnerSpacing = {6, 5};
    style.IndentSpacing = 16;
    style.ScrollbarSize = 12;
    style.GrabMinSize = 10;
    style.WindowBorderSize = 0;
    style.ChildBorderSize = 1;
    style.PopupBorderSize = 1;
    style.FrameBorderSize = 0;
    style.WindowRounding = 0;
    style.ChildRounding = 6;
    style.FrameRounding = 5;
    style.PopupRounding = 6;
    style.ScrollbarRounding = 6;
    style.GrabRounding = 5;
    style.TabRounding = 5;
    style.WindowTitleAlign = {0.0f, 0.5f};
    style.SelectableTextAlign = {0.0f, 0.5f};

    ImVec4* c = style.Colors;
    const ImVec4 white{1, 1, 1, 1};
    const ImVec4 line{0.84f, 0.86f, 0.89f, 1.0f};
    const ImVec4 accent = colour::accent;
    const auto tint = [&](float a) { return ImVec4{accent.x, accent.y, accent.z, a}; };
    c[ImGuiCol_Text] = colour::text;
    c[ImGuiCol_TextDisabled] = colour::muted;
    c[ImGuiCol_WindowBg] = colour::panel;
    c[ImGuiCol_ChildBg] = colour::card;
    c[ImGuiCol_PopupBg] = white;
    c[ImGuiCol_Border] = line;
    c[ImGuiCol_BorderShadow] = {0, 0, 0, 0};
    c[ImGuiCol_FrameBg] = {0.92f, 0.93f, 0.95f, 1.0f};
    c[ImGuiCol_FrameBgHovered] = {0.88f, 0.91f, 0.93f, 1.0f};
    c[ImGuiCol_FrameBgActive] = {0.84f, 0.89f, 0.91f, 1.0f};
    c[ImGuiCol_TitleBg] = colour::panel;
    c[ImGuiCol_TitleBgActive] = {0.93f, 0.95f, 0.96f, 1.0f};
    c[ImGuiCol_TitleBgCollapsed] = colour::panel;
    c[ImGuiCol_MenuBarBg] = {0.95f, 0.96f, 0.97f, 1.0f};
    c[ImGuiCol_ScrollbarBg] = {0, 0, 0, 0};
    c[ImGuiCol_ScrollbarGrab] = {0.78f, 0.80f, 0.83f, 1.0f};
    c[ImGuiCol_ScrollbarGrabHovered] = {0.68f, 0.71f, 0.75f, 1.0f};
    c[ImGuiCol_ScrollbarGrabActive] = {0.58f, 0.62f, 0.66f, 1.0f};
    c[ImGuiCol_CheckMark] = accent;
    c[ImGuiCol_SliderGrab] = tint(0.75f);
    c[ImGuiCol_SliderGrabActive] = accent;
    c[ImGuiCol_Button] = {0.90f, 0.92f, 0.94f, 1.0f};
    c[ImGuiCol_ButtonHovered] = tint(0.20f);
    c[ImGuiCol_ButtonActive] = tint(0.35f);
    c[ImGuiCol_Header] = tint(0.14f);
    c[ImGuiCol_HeaderHovered] = tint(0.22f);
    c[ImGuiCol_HeaderActive] = tint(0.32f);
    c[ImGuiCol_Separator] = line;
    c[ImGuiCol_SeparatorHovered] = tint(0.5f);
    c[ImGuiCol_SeparatorActive] = accent;
    c[ImGuiCol_ResizeGrip] = {0, 0, 0, 0};
    c[ImGuiCol_ResizeGripHovered] = tint(0.4f);
    c[ImGuiCol_ResizeGripActive] = accent;
    c[ImGuiCol_Tab] = {0.90f, 0.92f, 0.94f, 1.0f};
    c[ImGuiCol_TabHovered] = tint(0.25f);
    c[ImGuiCol_TabActive] = white;
    c[ImGuiCol_TabUnfocused] = {0.90f, 0.92f, 0.94f, 1.0f};
    c[ImGuiCol_TabUnfocusedActive] = white;
    c[ImGuiCol_PlotHistogram] = {0.62f, 0.82f, 0.85f,
                                 1.0f}; // light, so the overlay text stays readable
    c[ImGuiCol_PlotHistogramHovered] = tint(0.8f);
    c[ImGuiCol_TableHeaderBg] = {0.93f, 0.94f, 0.96f, 1.0f};
    c[ImGuiCol_TableBorderStrong] = line;
    c[ImGuiCol_TableBorderLight] = {0.90f, 0.91f, 0.93f, 1.0f};
    c[ImGuiCol_TableRowBg] = {0, 0, 0, 0};
    c[ImGuiCol_TableRowBgAlt] = {0.95f, 0.96f, 0.97f, 0.6f};
    c[ImGuiCol_TextSelectedBg] = tint(0.25f);
    c[ImGuiCol_NavHighlight] = accent;
    c[ImGuiCol_ModalWindowDimBg] = {0.10f, 0.12f, 0.15f, 0.30f};
    style.ScaleAllSizes(scale);
}

} // namespace injmap::gui
