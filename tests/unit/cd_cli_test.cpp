// `injmap cd plan`: argument pairing, exit codes and the JSON contract, on the shipped templates.
#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

using injmap::test::run_injmap;
using nlohmann::json;

namespace {

json plan_json(const std::vector<std::string>& args) {
    std::vector<std::string> full = {"cd", "plan"};
    full.insert(full.end(), args.begin(), args.end());
    full.push_back("--json");
    const auto r = run_injmap(full);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
}

const json* muscle(const json& plan, const std::string& id, const std::string& side) {
    for (const auto& m : plan["muscles"])
        if (m["id"] == id && m["side"] == side)
            return &m;
    return nullptr;
}

std::set<std::string> rules(const json& plan) {
    std::set<std::string> out;
    for (const auto& w : plan["warnings"])
        out.insert(w["rule"].get<std::string>());
    return out;
}

void expect_usage_error(const std::vector<std::string>& args) {
    const auto r = run_injmap(args);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

} // namespace

TEST(CdCli, JsonHasExactlyTheAgreedFields) {
    const json plan = plan_json({"--form", "torticaput", "--side", "left"});
    ASSERT_TRUE(plan.is_object());
    std::set<std::string> keys;
    for (const auto& [k, v] : plan.items())
        keys.insert(k);
    EXPECT_EQ(keys, (std::set<std::string>{"muscles", "total_range", "warnings"}));
    ASSERT_FALSE(plan["muscles"].empty());
    for (const auto& m : plan["muscles"]) {
        std::set<std::string> mk;
        for (const auto& [k, v] : m.items())
            mk.insert(k);
        EXPECT_EQ(mk, (std::set<std::string>{"id", "side", "units_range", "sites", "guidance"}));
        ASSERT_EQ(m["units_range"].size(), 2u);
        EXPECT_LE(m["units_range"][0].get<double>(), m["units_range"][1].get<double>());
        EXPECT_TRUE(m["sites"].is_number_integer());
        EXPECT_TRUE(m["side"] == "left" || m["side"] == "right");
    }
    ASSERT_EQ(plan["total_range"].size(), 2u);
    for (const auto& w : plan["warnings"]) {
        EXPECT_TRUE(w.contains("rule"));
        EXPECT_TRUE(w.contains("message"));
        EXPECT_EQ(w.size(), 2u);
    }
}

TEST(CdCli, TorticaputLeftIsLeftSpleniusAndRightScm) {
    const json plan = plan_json({"--form", "torticaput", "--side", "left"});
    ASSERT_NE(muscle(plan, "splenius_capitis", "left"), nullptr);
    ASSERT_NE(muscle(plan, "sternocleidomastoid", "right"), nullptr);
    EXPECT_EQ(muscle(plan, "sternocleidomastoid", "left"), nullptr);
    EXPECT_EQ(muscle(plan, "splenius_capitis", "right"), nullptr);
    const json& scm = *muscle(plan, "sternocleidomastoid", "right");
    EXPECT_EQ(scm["units_range"][0].get<double>(), 25.0);
    EXPECT_EQ(scm["units_range"][1].get<double>(), 100.0);
    EXPECT_EQ(scm["guidance"], "none");
    const json& oci = *muscle(plan, "obliquus_capitis_inferior", "left");
    EXPECT_EQ(oci["guidance"], "emg_or_ultrasound");
    // The total is the sum of the per-side ranges.
    double lo = 0, hi = 0;
    for (const auto& m : plan["muscles"]) {
        lo += m["units_range"][0].get<double>();
        hi += m["units_range"][1].get<double>();
    }
    EXPECT_DOUBLE_EQ(plan["total_range"][0].get<double>(), lo);
    EXPECT_DOUBLE_EQ(plan["total_range"][1].get<double>(), hi);
}

TEST(CdCli, EachSideBelongsToThePrecedingForm) {
    // Torticaput right + laterocaput left: SCM left from torticaput (contralateral) and from
    // laterocaput (ipsilateral) merge into one entry; no right SCM.
    const json plan =
        plan_json({"--form", "torticaput", "--side", "right", "--form=laterocaput", "--side=left"});
    EXPECT_NE(muscle(plan, "splenius_capitis", "right"), nullptr); // torticaput right, ipsilateral
    EXPECT_NE(muscle(plan, "splenius_capitis", "left"), nullptr);  // laterocaput left, ipsilateral
    EXPECT_NE(muscle(plan, "sternocleidomastoid", "left"), nullptr);
    EXPECT_EQ(muscle(plan, "sternocleidomastoid", "right"), nullptr);
    int scm_entries = 0;
    for (const auto& m : plan["muscles"])
        scm_entries += m["id"] == "sternocleidomastoid";
    EXPECT_EQ(scm_entries, 1);
    // Swapping the sides swaps the result.
    const json swapped = plan_json(
        {"--form", "torticaput", "--side", "left", "--form", "laterocaput", "--side", "right"});
    EXPECT_NE(muscle(swapped, "sternocleidomastoid", "right"), nullptr);
    EXPECT_EQ(muscle(swapped, "sternocleidomastoid", "left"), nullptr);
}

TEST(CdCli, WarningsCarryRuleIds) {
    auto r = rules(plan_json({"--form", "anterocollis"}));
    EXPECT_TRUE(r.count("cd.bilateral-scm"));
    EXPECT_FALSE(r.count("cd.scm-cap")); // halved SCM range: 2 × 50 = 100
    r = rules(plan_json(
        {"--form", "torticaput", "--side", "left", "--form", "laterocaput", "--side", "left"}));
    EXPECT_TRUE(r.count("cd.scm-cap"));
    EXPECT_TRUE(r.count("cd.bilateral-scm"));
    EXPECT_TRUE(r.count("cd.session-total"));
    EXPECT_TRUE(r.count("cd.first-session"));
    r = rules(plan_json(
        {"--form", "laterocollis", "--side", "left", "--form", "laterocaput", "--side", "right"}));
    EXPECT_TRUE(r.count("cd.shift"));
    EXPECT_TRUE(r.count("cd.levator-scapulae"));
}

TEST(CdCli, SagittalFormsTakeNoSide) {
    const json plan = plan_json({"--form", "retrocollis"});
    ASSERT_NE(muscle(plan, "splenius_cervicis", "left"), nullptr);
    ASSERT_NE(muscle(plan, "splenius_cervicis", "right"), nullptr);
    expect_usage_error({"cd", "plan", "--form", "retrocollis", "--side", "left"});
    expect_usage_error({"cd", "plan", "--form", "antecaput", "--side=right", "--json"});
}

TEST(CdCli, UsageErrors) {
    expect_usage_error({"cd", "plan", "--form", "torticaput"}); // side missing
    expect_usage_error(
        {"cd", "plan", "--form", "torticaput", "--form", "laterocaput", "--side", "left"});
    expect_usage_error(
        {"cd", "plan", "--side", "left", "--form", "torticaput"}); // side before its form
    expect_usage_error({"cd", "plan", "--form", "torticaput", "--side", "up"});
    expect_usage_error({"cd", "plan", "--form", "torticaput", "--side", "left", "--side", "right"});
    expect_usage_error({"cd", "plan", "--form", "wryneck", "--side", "left"});
    expect_usage_error({"cd", "plan"});
    expect_usage_error({"cd"});
    expect_usage_error({"cd", "frobnicate"});
    expect_usage_error({"cd", "plan", "--form", "torticaput", "--side", "left", "--bogus"});
    expect_usage_error({"cd", "plan", "--form"});
    expect_usage_error({"cd", "plan", "--form", "torticaput", "--side", "left", "--form",
                        "torticaput", "--side", "right"});
    expect_usage_error({"cd", "plan", "--form", "antecaput", "--form", "retrocaput"});
}

TEST(CdCli, TableOutput) {
    const auto r = run_injmap({"cd", "plan", "--form", "anterocollis"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // Muscles and guidance in words for a person (--json keeps the ids).
    EXPECT_NE(r.out.find("Sternocleidomastoid"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("EMG or ultrasound"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("emg_or_ultrasound"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("scalenus_anterior"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("15-50"), std::string::npos);
    EXPECT_NE(r.out.find("[cd.bilateral-scm]"), std::string::npos);
    EXPECT_NE(r.out.find("not on the model"), std::string::npos); // longus colli
}

TEST(CdCli, EveryFormPlans) {
    for (const char* form : {"torticaput", "torticollis", "laterocaput", "laterocollis"})
        for (const char* side : {"left", "right"}) {
            const json plan = plan_json({"--form", form, "--side", side});
            EXPECT_FALSE(plan["muscles"].empty()) << form << " " << side;
        }
    for (const char* form : {"antecaput", "anterocollis", "retrocaput", "retrocollis"}) {
        const json plan = plan_json({"--form", form});
        EXPECT_FALSE(plan["muscles"].empty()) << form;
        for (const auto& m : plan["muscles"])
            EXPECT_NE(muscle(plan, m["id"], m["side"] == "left" ? "right" : "left"), nullptr)
                << form << " " << m["id"];
    }
}

// --doses: the plan at a point of each range, as a session records it, and whether it can start.
// Without it the JSON keeps exactly its fields (no "plan").
TEST(CdCli, DosesGivesThePlannedUnitsAndRefusesAPlanPastTheCap) {
    const json plain = plan_json({"--form", "torticaput", "--side", "left"});
    EXPECT_FALSE(plain.contains("plan"));
    const json mid = plan_json({"--form", "torticaput", "--side", "left", "--doses", "50"});
    ASSERT_TRUE(mid.contains("plan"));
    EXPECT_EQ(mid["plan"]["startable"], true);
    EXPECT_TRUE(mid["plan"]["problem"].is_null());
    EXPECT_DOUBLE_EQ(mid["plan"]["units"].get<double>(), 210.0);
    const json* scm = muscle(mid["plan"], "sternocleidomastoid", "right");
    ASSERT_NE(scm, nullptr);
    EXPECT_DOUBLE_EQ((*scm)["units"].get<double>(), 62.5); // 25-100 at the midpoint
    EXPECT_EQ((*scm)["sites"], 2);
    EXPECT_DOUBLE_EQ((*scm)["units_per_site"].get<double>(), 31.25);
    const json high = plan_json({"--form", "torticaput", "--side", "left", "--doses", "100"});
    EXPECT_EQ(high["plan"]["startable"], false);
    EXPECT_EQ(high["plan"]["problem"]["rule"], "cd.plan-over-limit");
    EXPECT_NE(high["plan"]["problem"]["message"].get<std::string>().find(
                  "lower right sternocleidomastoid"),
              std::string::npos);
    const auto text =
        run_injmap({"cd", "plan", "--form", "torticaput", "--side", "left", "--doses", "100"});
    EXPECT_EQ(text.exit_code, 0);
    EXPECT_NE(text.out.find("error: cannot start: "), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("[cd.plan-over-limit]"), std::string::npos) << text.out;
    expect_usage_error({"cd", "plan", "--form", "antecaput", "--doses", "120"});
    expect_usage_error({"cd", "plan", "--form", "antecaput", "--doses", "half"});
}
