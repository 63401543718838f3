// The renderer's GPU mesh cache is keyed by Model::generation, not by the Model's address
// (issue #21): a model loaded where a destroyed one lived is uploaded anew, a model drawn twice is
// uploaded once.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "injmap/render/egl_context.hpp"
#include "injmap/render/renderer.hpp"
#include "synthetic_model.hpp"

using namespace injmap;
using namespace injmap::render;

namespace {

TEST(ModelGeneration, EachModelCopyAndReloadGetsItsOwn) {
    std::optional<Model> slot;
    slot.emplace(test::make_synthetic_model());
    const Model* first_address = &*slot;
    const std::uint64_t first = slot->generation.value();
    EXPECT_NE(first, 0u);
    slot.reset();
    slot.emplace(test::make_synthetic_model());
    ASSERT_EQ(&*slot, first_address); // the same storage: an address key would hit a stale entry
    EXPECT_NE(slot->generation.value(), first);

    const Model copy = *slot; // may be changed afterwards: its own meshes
    EXPECT_NE(copy.generation.value(), slot->generation.value());
    const std::uint64_t before_move = slot->generation.value();
    const Model moved = std::move(*slot);
    EXPECT_EQ(moved.generation.value(), before_move);
    EXPECT_NE(slot->generation.value(), before_move);

    Model changed = test::make_synthetic_model();
    const std::uint64_t before = changed.generation.value();
    changed.generation.renew();
    EXPECT_NE(changed.generation.value(), before);
}

class MeshCacheTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::unsetenv("DISPLAY");
        std::string error;
        context_ = EglContext::create(error);
        ASSERT_NE(context_, nullptr) << error;
        renderer_ = Renderer::create(error);
        ASSERT_NE(renderer_, nullptr) << error;
    }
    void draw(const Model& model) {
        FrameSnapshot f;
        f.model = &model;
        f.width = 32;
        f.height = 24;
        (void)renderer_->render_rgba(f);
    }
    std::unique_ptr<EglContext> context_;
    std::unique_ptr<Renderer> renderer_;
};

TEST_F(MeshCacheTest, AModelReloadedAtTheSameAddressIsUploadedAgain) {
    std::optional<Model> slot;
    slot.emplace(test::make_synthetic_model());
    draw(*slot);
    EXPECT_EQ(renderer_->skin_uploads(), 1u);
    draw(*slot);
    EXPECT_EQ(renderer_->skin_uploads(), 1u); // cached

    // Same address, same mesh sizes and end vertices: the old address-and-size check took it for
    // the cached one.
    const Model* address = &*slot;
    slot.reset();
    slot.emplace(test::make_synthetic_model());
    ASSERT_EQ(&*slot, address);
    draw(*slot);
    EXPECT_EQ(renderer_->skin_uploads(), 2u);
    draw(*slot);
    EXPECT_EQ(renderer_->skin_uploads(), 2u);

    // A model changed in place and renewed is uploaded again.
    slot->generation.renew();
    draw(*slot);
    EXPECT_EQ(renderer_->skin_uploads(), 3u);

    // A copy is a model of its own; forget_model drops a model's meshes.
    const Model copy = *slot;
    draw(copy);
    EXPECT_EQ(renderer_->skin_uploads(), 4u);
    draw(*slot);
    EXPECT_EQ(renderer_->skin_uploads(), 4u);
    renderer_->forget_model(&*slot);
    draw(*slot);
    EXPECT_EQ(renderer_->skin_uploads(), 5u);
}

} // namespace
