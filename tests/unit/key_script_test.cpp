// --keys (app/gui/key_script.cpp, script_player.cpp; no window): parse errors name the bad token,
// and the player's frame-by-frame input — keys held one frame, clicks released the next, waits,
// targets located on screen or reported missing.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "gui/key_script.hpp"
#include "gui/script_player.hpp"

namespace {
using namespace injmap::gui;
using Kind = ScriptAction::Kind;

std::vector<ScriptAction> parse(const std::string& script) {
    std::string error;
    auto actions = parse_key_script(script, error);
    EXPECT_TRUE(actions) << error;
    return actions ? *actions : std::vector<ScriptAction>{};
}

std::string parse_error(const std::string& script) {
    std::string error;
    EXPECT_FALSE(parse_key_script(script, error).has_value()) << script;
    return error;
}

TEST(KeyScript, ParsesKeysTextClicksAndWaits) {
    const auto a = parse(" right , enter,f1,a,7,type:hello,click:10:20.5,wait:3,? ");
    ASSERT_EQ(a.size(), 9u);
    EXPECT_EQ(a[0].kind, Kind::key);
    EXPECT_EQ(a[0].key, script_key::right);
    EXPECT_EQ(a[1].key, script_key::enter);
    EXPECT_EQ(a[2].key, script_key::f1);
    EXPECT_EQ(a[3].key, script_key::letter_a);
    EXPECT_EQ(a[4].key, script_key::digit_0 + 7);
    EXPECT_EQ(a[5].kind, Kind::text);
    EXPECT_EQ(a[5].text, "hello");
    EXPECT_EQ(a[6].kind, Kind::click);
    EXPECT_FLOAT_EQ(a[6].x, 10.0f);
    EXPECT_FLOAT_EQ(a[6].y, 20.5f);
    EXPECT_EQ(a[7].kind, Kind::wait);
    EXPECT_EQ(a[7].frames, 3);
    EXPECT_EQ(a[8].kind, Kind::text);
    EXPECT_EQ(a[8].text, "?");
}

TEST(KeyScript, SkipIsKeyPauseReasonEnter) {
    const auto a = parse("s:not needed");
    ASSERT_EQ(a.size(), 4u);
    EXPECT_EQ(a[0].key, script_key::letter_s);
    EXPECT_EQ(a[1].kind, Kind::wait);
    EXPECT_EQ(a[2].text, "not needed");
    EXPECT_EQ(a[3].key, script_key::enter);
}

TEST(KeyScript, ClickSiteWithOffset) {
    const auto a = parse("click-site:procerus:4:-2,click-site:frontalis_left");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].kind, Kind::click_site);
    EXPECT_EQ(a[0].text, "procerus");
    EXPECT_FLOAT_EQ(a[0].x, 4.0f);
    EXPECT_FLOAT_EQ(a[0].y, -2.0f);
    EXPECT_FLOAT_EQ(a[1].x, 0.0f);
}

TEST(KeyScript, ErrorsNameTheBadToken) {
    EXPECT_NE(parse_error("right,flurb").find("'flurb'"), std::string::npos);
    EXPECT_NE(parse_error("click:1").find("'click:1'"), std::string::npos);
    EXPECT_NE(parse_error("click:a:b").find("click:X:Y"), std::string::npos);
    EXPECT_NE(parse_error("wait:0").find("'wait:0'"), std::string::npos);
    EXPECT_NE(parse_error("s:").find("skip reason"), std::string::npos);
    EXPECT_NE(parse_error("type:").find("nothing to type"), std::string::npos);
    EXPECT_NE(parse_error("click-site:").find("click-site:ID"), std::string::npos);
    EXPECT_NE(parse_error("click-site:x:1").find("'click-site:x:1'"), std::string::npos);
    EXPECT_NE(parse_error("hover-landmark:").find("hover-landmark:NAME"), std::string::npos);
    EXPECT_NE(parse_error("zoom:3").find("unknown action"), std::string::npos);
    EXPECT_NE(parse_error("f13").find("unknown key"), std::string::npos);
}

TEST(ScriptPlayer, KeyIsHeldOneFrameThenReleased) {
    ScriptPlayer player(parse("right,x"));
    EXPECT_EQ(player.frames_needed(), 4);
    const auto none = [](const ScriptAction&) { return std::optional<glm::vec2>(); };
    ScriptInput f1 = player.step(none);
    EXPECT_EQ(f1.key_down, script_key::right);
    EXPECT_EQ(f1.key_up, -1);
    ScriptInput f2 = player.step(none);
    EXPECT_EQ(f2.key_up, script_key::right);
    EXPECT_EQ(f2.key_down, -1); // no new action in the releasing frame
    ScriptInput f3 = player.step(none);
    EXPECT_EQ(f3.key_down, script_key::letter_a + ('x' - 'a'));
    player.step(none);
    EXPECT_TRUE(player.finished());
    ScriptInput after = player.step(none);
    EXPECT_EQ(after.key_down, -1);
    EXPECT_EQ(after.started, nullptr);
}

TEST(ScriptPlayer, ClickPressesThenReleasesAndTheMouseStays) {
    ScriptPlayer player(parse("click:30:40,wait:2,type:ab"));
    const auto none = [](const ScriptAction&) { return std::optional<glm::vec2>(); };
    ScriptInput f1 = player.step(none);
    ASSERT_TRUE(f1.mouse);
    EXPECT_EQ(*f1.mouse, glm::vec2(30, 40));
    EXPECT_TRUE(f1.mouse_down);
    ScriptInput f2 = player.step(none);
    EXPECT_TRUE(f2.mouse_up);
    EXPECT_FALSE(f2.mouse_down);
    EXPECT_EQ(*f2.mouse, glm::vec2(30, 40));
    // wait:2 takes two frames: the one that starts it and one more.
    ScriptInput w1 = player.step(none);
    ASSERT_NE(w1.started, nullptr);
    EXPECT_EQ(w1.started->kind, Kind::wait);
    ScriptInput w2 = player.step(none);
    EXPECT_EQ(w2.started, nullptr);
    EXPECT_TRUE(w2.text.empty());
    ScriptInput typed = player.step(none);
    EXPECT_EQ(typed.text, "ab");
    EXPECT_EQ(*typed.mouse, glm::vec2(30, 40)); // the mouse stays where the click left it
}

TEST(ScriptPlayer, TargetsAreLocatedOrReportedMissing) {
    ScriptPlayer player(
        parse("click-site:procerus:5:-3,hover-landmark:inion,click-landmark:nasion"));
    std::vector<std::string> asked;
    const auto locate = [&](const ScriptAction& a) -> std::optional<glm::vec2> {
        asked.push_back(a.text);
        if (a.text == "procerus")
            return glm::vec2(100, 200);
        if (a.text == "inion")
            return glm::vec2(7, 8);
        return std::nullopt;
    };
    ScriptInput site = player.step(locate);
    ASSERT_TRUE(site.target);
    EXPECT_EQ(*site.target, glm::vec2(105, 197)); // the offset is added
    EXPECT_TRUE(site.mouse_down);
    EXPECT_TRUE(player.step(locate).mouse_up);
    EXPECT_FALSE(player.hovering());
    ScriptInput hover = player.step(locate);
    EXPECT_EQ(*hover.mouse, glm::vec2(7, 8));
    EXPECT_FALSE(hover.mouse_down); // a hover does not click
    EXPECT_TRUE(player.hovering());
    ScriptInput missing = player.step(locate);
    EXPECT_FALSE(missing.target);
    EXPECT_FALSE(missing.mouse_down);
    EXPECT_NE(missing.missing.find("no landmark 'nasion'"), std::string::npos);
    EXPECT_EQ(*missing.mouse, glm::vec2(7, 8)); // the mouse did not move
    EXPECT_EQ(asked, (std::vector<std::string>{"procerus", "inion", "nasion"}));
}

} // namespace
