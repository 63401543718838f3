// What the session chart prints about the pre-treatment checklist (app/gui/chart_text.cpp): the
// answers with their reasons, and the boxed warning's text from the shipped checklist file.
#include <algorithm>
#include <memory>

#include <gtest/gtest.h>

#include "gui/chart_text.hpp"
#include "injmap/protocols/checklist.hpp"
#include "injmap/protocols/session.hpp"

namespace {
using namespace injmap;
using injmap::gui::ChartLine;

std::shared_ptr<const Checklist> shipped() {
    auto read = read_shipped_checklist();
    EXPECT_TRUE(read.ok());
    return std::make_shared<const Checklist>(std::move(*read.value));
}

std::shared_ptr<const Protocol> one_site_protocol() {
    Protocol p;
    p.id = "one";
    Step step;
    step.id = "s";
    Site site;
    site.id = "procerus";
    site.muscle = "procerus";
    site.units = 5.0;
    step.sites.push_back(site);
    p.steps.push_back(step);
    return std::make_shared<const Protocol>(std::move(p));
}

std::string all_text(const std::vector<ChartLine>& lines) {
    std::string text;
    for (const ChartLine& l : lines)
        text += l.text + "\n";
    return text;
}

bool has_style(const std::vector<ChartLine>& lines, ChartLine::Style style) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const ChartLine& l) { return l.style == style; });
}

TEST(ChartText, AnswersReasonsAndTheBoxedWarningArePrinted) {
    const auto checklist = shipped();
    Session s(one_site_protocol());
    s.set_checklist(checklist);
    ASSERT_TRUE(s.start().ok());
    ChecklistAnswers answers;
    for (const ChecklistQuestion& q : checklist->questions)
        answers.answers.push_back({q.id, q.id == "anticoagulant",
                                   q.id == "anticoagulant" ? "apixaban; pressure held 2 min" : ""});
    answers.warning_acknowledged = true;
    ASSERT_TRUE(s.answer_checklist(answers).ok());

    const auto lines = gui::checklist_chart_lines(s, nullptr);
    const std::string text = all_text(lines);
    // Every question's wording, the yes with its reason, and the acknowledgement.
    for (const ChecklistQuestion& q : checklist->questions)
        EXPECT_NE(text.find(q.text), std::string::npos) << q.id;
    EXPECT_NE(text.find("reason to go on: apixaban; pressure held 2 min"), std::string::npos)
        << text;
    EXPECT_NE(text.find("1 yes of 7"), std::string::npos) << text;
    EXPECT_NE(text.find("shown and acknowledged"), std::string::npos) << text;
    EXPECT_TRUE(has_style(lines, ChartLine::Style::yes));
    // The boxed warning: its title and its whole text.
    EXPECT_NE(text.find(checklist->boxed_warning.title), std::string::npos);
    EXPECT_NE(text.find(checklist->boxed_warning.text), std::string::npos);
    EXPECT_NE(text.find("children treated for spasticity"), std::string::npos);
    EXPECT_TRUE(has_style(lines, ChartLine::Style::warning_text));
}

TEST(ChartText, AnUnansweredChecklistIsSaidAndTheWarningStillPrinted) {
    const auto checklist = shipped();
    Session s(one_site_protocol());
    ASSERT_TRUE(s.start().ok());
    // No definition on the session: the one passed in gives the warning.
    const auto lines = gui::checklist_chart_lines(s, checklist.get());
    const std::string text = all_text(lines);
    EXPECT_NE(text.find("not answered"), std::string::npos) << text;
    EXPECT_EQ(text.find("Not required"), std::string::npos) << text; // a format 3 session
    EXPECT_NE(text.find(checklist->boxed_warning.text), std::string::npos);

    Session old(one_site_protocol());
    SessionStart info;
    info.format = 2;
    ASSERT_TRUE(old.start(info).ok());
    EXPECT_NE(all_text(gui::checklist_chart_lines(old, checklist.get())).find("format 2"),
              std::string::npos);
    // Without any definition the chart says the warning could not be printed.
    EXPECT_NE(all_text(gui::checklist_chart_lines(old, nullptr)).find("not available"),
              std::string::npos);
}

} // namespace
