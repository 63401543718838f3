#include "injmap/protocols/drill.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <glm/geometric.hpp>

#include "injmap/models/csv.hpp"

namespace injmap {
namespace {

constexpr std::uintmax_t kMaxAnswersBytes = 1u << 20;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::optional<float> parse_number(std::string_view field) {
    if (field.empty() || field.size() > 64)
        return std::nullopt;
    const std::string text(field);
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value) ||
        std::fabs(value) > 1.0e6)
        return std::nullopt;
    return static_cast<float>(value);
}

Diagnostic error_at(std::string rule, std::string message, const std::string& file, int line,
                    int column = 0) {
    Diagnostic d;
    d.severity = Severity::error;
    d.rule = std::move(rule);
    d.message = std::move(message);
    d.where.file = file;
    d.where.line = line;
    d.where.column = column;
    return d;
}

// A target muscle entered along the needle (inward along the skin normal) within the site's depth.
bool reaches_target(const ModelQueries& queries, const Site& site, const glm::vec3& point,
                    const glm::vec3& normal) {
    const auto path = needle_path(queries, point, -normal);
    const auto entered = target_entered_mm(queries.model(), site, path);
    return entered && *entered <= needle_depth_mm(site) + 1e-6;
}

} // namespace

Result<std::vector<DrillAnswer>> parse_drill_answers(std::string_view text,
                                                     const std::string& display_path) {
    Result<std::vector<DrillAnswer>> result;
    std::vector<DrillAnswer> answers;
    // RFC 4180 (csv.hpp): LF, CRLF and a lone CR each end a line, quoted fields may hold commas;
    // lines starting with '#' are comments.
    CsvReadOptions options;
    options.comment = '#';
    const CsvParse csv = parse_csv(text, options);
    bool first_content = true;
    for (const CsvRow& row : csv.rows) {
        const int line_no = row.line;
        // Each field without the spaces and tabs around it, and the column where that begins.
        std::vector<std::string_view> fields;
        std::vector<int> columns;
        for (const CsvField& f : row.fields) {
            const std::string_view trimmed = trim(f.text);
            fields.push_back(trimmed);
            columns.push_back(f.column + static_cast<int>(trimmed.data() - f.text.data()));
        }
        if (fields.size() == 1 && fields[0].empty())
            continue; // a blank line
        const bool header = first_content && fields.size() == 4 && fields[0] == "site_id" &&
                            fields[1] == "x_mm" && fields[2] == "y_mm" && fields[3] == "z_mm";
        first_content = false;
        if (header)
            continue;
        if (fields.size() != 4) {
            result.diagnostics.push_back(error_at(
                "drill.syntax",
                "expected 4 fields site_id,x_mm,y_mm,z_mm, found " + std::to_string(fields.size()),
                display_path, line_no));
            continue;
        }
        if (fields[0].empty()) {
            result.diagnostics.push_back(
                error_at("drill.syntax", "empty site id", display_path, line_no, 1));
            continue;
        }
        DrillAnswer answer;
        answer.site_id = std::string(fields[0]);
        answer.line = line_no;
        bool ok = true;
        static const char* const kAxis[] = {"x_mm", "y_mm", "z_mm"};
        for (std::size_t i = 0; i < 3; ++i) {
            const auto value = parse_number(fields[i + 1]);
            if (!value) {
                result.diagnostics.push_back(
                    error_at("drill.bad-number",
                             std::string(kAxis[i]) + " is not a finite number: '" +
                                 std::string(fields[i + 1].substr(0, 32)) + "'",
                             display_path, line_no, columns[i + 1]));
                ok = false;
                break;
            }
            answer.position[static_cast<int>(i)] = *value;
        }
        if (ok)
            answers.push_back(std::move(answer));
    }
    if (csv.unterminated)
        result.diagnostics.push_back(error_at("drill.syntax", "a quoted field never closes",
                                              display_path, csv.unterminated->line,
                                              csv.unterminated->column));
    if (answers.empty() && result.diagnostics.empty())
        result.diagnostics.push_back(
            error_at("drill.empty", "no answers in the file", display_path, 0));
    result.value = std::move(answers);
    return result;
}

Result<std::vector<DrillAnswer>> read_drill_answers(const std::filesystem::path& path) {
    const std::string display = path.string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        Result<std::vector<DrillAnswer>> r;
        r.diagnostics.push_back(
            error_at("drill.io", "cannot read the answers file (not a regular file)", display, 0));
        return r;
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > kMaxAnswersBytes) {
        Result<std::vector<DrillAnswer>> r;
        r.diagnostics.push_back(
            error_at(ec ? "drill.io" : "drill.too-large",
                     ec ? "cannot read the answers file" : "the answers file is larger than 1 MiB",
                     display, 0));
        return r;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        Result<std::vector<DrillAnswer>> r;
        r.diagnostics.push_back(error_at("drill.io", "cannot open the answers file", display, 0));
        return r;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parse_drill_answers(buffer.str(), display);
}

Diagnostics check_drill_answers(const std::vector<DrillAnswer>& answers, const Protocol& protocol,
                                const std::string& display_path) {
    Diagnostics out;
    std::set<std::string> ids;
    for (const auto& step : protocol.steps)
        for (const auto& site : step.sites)
            ids.insert(site.id);
    std::map<std::string, int> first_line;
    for (const auto& a : answers) {
        if (!ids.count(a.site_id)) {
            out.push_back(error_at("drill.unknown-site",
                                   "no site '" + a.site_id + "' in protocol " + protocol.id,
                                   display_path, a.line, 1));
            continue;
        }
        auto [it, inserted] = first_line.emplace(a.site_id, a.line);
        if (!inserted)
            out.push_back(error_at("drill.duplicate-site",
                                   "site '" + a.site_id + "' already answered on line " +
                                       std::to_string(it->second),
                                   display_path, a.line, 1));
    }
    return out;
}

DrillScore score_drill(const Protocol& protocol, const PlacedProtocol& placed,
                       const ModelQueries& model, const std::vector<DrillAnswer>& answers,
                       const DrillOptions& options) {
    (void)protocol; // placed.sites carries the sites (parallel to protocol.sites())
    DrillScore score;
    score.pass_mm = options.pass_mm;
    std::map<std::string, const DrillAnswer*> by_id;
    for (const auto& a : answers)
        by_id.emplace(a.site_id, &a); // first answer wins

    bool all_within = true;
    bool all_hit = true;
    double sum = 0.0;
    for (const auto& ps : placed.sites) {
        if (!ps.site)
            continue;
        const Site& site = *ps.site;
        const auto found = by_id.find(site.id);
        const bool answered = found != by_id.end();
        if (!answered && site.optional)
            continue;
        DrillSiteScore s;
        s.site_id = site.id;
        s.muscle = site.muscle;
        s.side = site.side;
        s.optional = site.optional;
        s.reference = ps.position;
        if (!answered || !ps.placed) {
            if (!site.optional || answered)
                ++score.missing;
            score.sites.push_back(std::move(s));
            continue;
        }
        s.answered = true;
        ++score.answered;
        const glm::vec3 answer = found->second->position;
        glm::vec3 normal{0.0f, 0.0f, 1.0f};
        s.answer_on_skin = answer;
        if (const auto hit = model.skin().closest_point(answer)) {
            s.answer_on_skin = hit->point;
            normal = hit->normal;
        }
        s.error_mm = static_cast<double>(glm::distance(s.answer_on_skin, ps.position));
        s.within_pass = s.error_mm <= options.pass_mm;
        // muscle_under names what the viewer shows under the mark; the hit itself follows the
        // needle path (placement.muscle-not-reached): the target must be entered within the
        // site's depth, so a deep target behind another muscle counts only within that depth.
        if (const Muscle* m = model.muscle_under(s.answer_on_skin, normal, options.muscle_depth_mm))
            s.hit_muscle = m->key();
        s.muscle_hit = reaches_target(model, site, s.answer_on_skin, normal);
        all_within = all_within && s.within_pass;
        all_hit = all_hit && s.muscle_hit;
        sum += s.error_mm;
        score.max_error_mm = std::max(score.max_error_mm, s.error_mm);
        score.sites.push_back(std::move(s));
    }
    if (score.answered > 0)
        score.mean_error_mm = sum / score.answered;
    score.passed = score.missing == 0 && score.answered > 0 && all_within && all_hit;
    return score;
}

} // namespace injmap
