// The window's model and protocol (app/gui/loading.cpp, no window): a protocol or model that cannot
// be used leaves the last good one open, with its diagnostics (rule ids) kept; a new model places
// the open protocol again on itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "gui/loading.hpp"
#include "protocol_test_model.hpp"
#include "test_support.hpp"

namespace {
using namespace injmap;
using namespace injmap::gui;

LoadedModel test_model() {
    LoadedModel loaded;
    loaded.model = std::make_unique<Model>(test::make_test_model());
    loaded.queries = std::make_unique<ModelQueries>(*loaded.model);
    return loaded;
}

bool has_rule(const Diagnostics& diagnostics, const std::string& rule) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const Diagnostic& d) { return d.rule == rule; });
}

std::filesystem::path shipped_preempt() {
    return test::share_dir() / "protocols" / "preempt-155.toml";
}

TEST(AppLoading, BrokenProtocolKeepsTheOpenOne) {
    Documents docs;
    ASSERT_TRUE(docs.adopt_model(test_model()));
    std::string error;
    ASSERT_TRUE(docs.open_protocol(shipped_preempt().string(), error)) << error;
    ASSERT_TRUE(docs.protocol().usable());
    const Protocol* good = docs.protocol().protocol.get();
    const std::string good_id = good->id;

    const auto dir = test::fresh_dir("app_loading_broken");
    const auto broken = dir / "broken.toml";
    test::write_text(broken, "id = \"broken\"\nname = [\n");
    EXPECT_FALSE(docs.open_protocol(broken.string(), error));
    EXPECT_NE(error.find("broken.toml"), std::string::npos) << error;
    EXPECT_TRUE(has_rule(docs.last_open_diagnostics(), "toml.syntax"));
    // The last good state: the same protocol object, from the same file.
    ASSERT_EQ(docs.protocol().protocol.get(), good);
    EXPECT_EQ(docs.protocol().protocol->id, good_id);
    EXPECT_EQ(docs.protocol().path, shipped_preempt());
}

TEST(AppLoading, MissingProtocolKeepsTheOpenOne) {
    Documents docs;
    std::string error;
    ASSERT_TRUE(docs.open_protocol(shipped_preempt().string(), error)) << error;
    const Protocol* good = docs.protocol().protocol.get();
    EXPECT_FALSE(docs.open_protocol("no-such-protocol-anywhere", error));
    EXPECT_TRUE(has_rule(docs.last_open_diagnostics(), "protocol.io"));
    EXPECT_EQ(docs.protocol().protocol.get(), good);
    // A good open clears the diagnostics of the failed one.
    EXPECT_TRUE(docs.open_protocol(shipped_preempt().string(), error)) << error;
    EXPECT_TRUE(docs.last_open_diagnostics().empty());
}

TEST(AppLoading, FailedModelKeepsTheOpenOne) {
    Documents docs;
    ASSERT_TRUE(docs.adopt_model(test_model()));
    const Model* good = docs.model();
    LoadedModel failed;
    Diagnostic d;
    d.severity = Severity::error;
    d.rule = "manifest.io";
    d.message = "cannot read";
    failed.diagnostics.push_back(d);
    EXPECT_FALSE(docs.adopt_model(std::move(failed)));
    EXPECT_EQ(docs.model(), good);
    EXPECT_TRUE(has_rule(docs.last_open_diagnostics(), "manifest.io"));
    EXPECT_NE(first_error(docs.last_open_diagnostics()).find("manifest.io"), std::string::npos);
}

TEST(AppLoading, NewModelPlacesTheProtocolAgain) {
    Documents docs;
    ASSERT_TRUE(docs.adopt_model(test_model()));
    std::string error;
    ASSERT_TRUE(docs.open_protocol(shipped_preempt().string(), error)) << error;
    ASSERT_TRUE(docs.adopt_model(test_model()));
    const Model& now = *docs.model();
    std::size_t hits = 0;
    for (const PlacedSite& site : docs.protocol().placed.sites)
        if (site.muscle_hit) {
            ++hits;
            // Into the new model's muscles, not the old (freed) model's.
            EXPECT_GE(site.muscle_hit, now.muscles.data());
            EXPECT_LT(site.muscle_hit, now.muscles.data() + now.muscles.size());
        }
    EXPECT_GT(hits, 0u);
}

TEST(AppLoading, LoadingAMissingModelFailsWithDiagnostics) {
    const LoadedModel loaded = load_model_with_queries("/nonexistent/model.toml");
    EXPECT_EQ(loaded.model, nullptr);
    EXPECT_EQ(loaded.queries, nullptr);
    EXPECT_FALSE(loaded.diagnostics.empty());
}

} // namespace
