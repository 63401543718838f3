// The headless GL path works without any X server.
#include <gtest/gtest.h>

#include <cstdlib>

#include "injmap/render/egl_context.hpp"

TEST(EglContext, CreatesCoreContextWithoutDisplay) {
    ::unsetenv("DISPLAY");
    std::string error;
    auto context = injmap::render::EglContext::create(error);
    ASSERT_NE(context, nullptr) << error;
    EXPECT_FALSE(context->renderer_name().empty());
}
