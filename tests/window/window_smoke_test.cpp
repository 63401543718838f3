// Window smoke tests: run the real program in a GLFW window under Xvfb.
#include <gtest/gtest.h>

#include <cstdlib>

#include "test_support.hpp"

TEST(Window, GuiHelpRunsUnderXvfb) {
    if (!std::getenv("DISPLAY"))
        GTEST_SKIP() << "no X server (xvfb-run not available)";
    const auto r = injmap::test::run_injmap({"gui", "--help"});
    EXPECT_EQ(r.exit_code, 0);
}
