#pragma once
// Scoring a "place the sites" training drill: the trainee marks where each site of a protocol goes
// on a model; each mark is compared with the protocol's site as placed on that model.
//
// Distance: each answer is first projected onto the skin (closest point); the error is the
// straight- line (Euclidean) distance in mm between that skin point and the reference site, which
// placement already put on the skin. It is not geodesic: over a few centimetres of gently curved
// skin the two differ little, and the pass mark is meant for that range.
//
// Muscle hit: the site's muscle (a group key such as cervical_paraspinal stands for any member,
// Model::expand_muscle_key) on the site's side (midline sites, and midline muscles, match either
// side) is entered by the needle line (inward along the skin normal at the answer) within the
// site's depth (needle_path.hpp: its depth_mm, else the default for the muscle), the same notion
// as the validator's placement.muscle-not-reached. A target deep to another muscle (the paraspinal
// group under the trapezius) counts when it is entered within that depth; a corrugator answer whose
// needle reaches only the frontalis within the corrugator's depth is a miss.
// hit_muscle reports ModelQueries::muscle_under (the first muscle met, else the nearest), i.e. what
// the viewer highlights under the mark.
//
// Passed: every non-optional site of the protocol has an answer, every answered site is within the
// pass mark (error_mm <= pass_mm) and every answered site hit its muscle. Optional sites
// (follow-the- pain) are scored when answered and ignored otherwise. Mean and max error are over
// answered sites.
//
// Answers file (CSV, UTF-8): one row per site, `site_id,x_mm,y_mm,z_mm` in model space (mm, +Y up,
// +Z forward, +X the subject's left). An optional first line `site_id,x_mm,y_mm,z_mm` is a header;
// blank lines and lines starting with '#' are skipped; fields may be surrounded by spaces.
// Rule ids (errors, with file:line): drill.io, drill.too-large, drill.syntax (not four fields),
// drill.bad-number (not a finite number), drill.unknown-site (no such site in the protocol),
// drill.duplicate-site (a site answered twice), drill.empty (no answer rows).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <glm/vec3.hpp>

#include "injmap/diagnostic.hpp"
#include "injmap/models/surface_index.hpp"
#include "injmap/protocols/needle_path.hpp"
#include "injmap/protocols/placement.hpp"
#include "injmap/protocols/protocol.hpp"

namespace injmap {

inline constexpr double kDefaultDrillPassMm = 10.0;

struct DrillAnswer {
    std::string site_id;
    glm::vec3 position{0.0f}; // model space, mm; need not lie on the skin
    int line = 0;             // in the answers file, for messages (0 when built in code)
};

// Parses the CSV described above. Never throws. `display_path` is used in diagnostics.
[[nodiscard]] Result<std::vector<DrillAnswer>> parse_drill_answers(std::string_view text,
                                                                   const std::string& display_path);
// Reads and parses a file (limit 1 MiB → drill.too-large).
[[nodiscard]] Result<std::vector<DrillAnswer>>
read_drill_answers(const std::filesystem::path& path);

// drill.unknown-site / drill.duplicate-site for answers that do not fit the protocol.
[[nodiscard]] Diagnostics check_drill_answers(const std::vector<DrillAnswer>& answers,
                                              const Protocol& protocol,
                                              const std::string& display_path);

struct DrillOptions {
    double pass_mm = kDefaultDrillPassMm;
    float muscle_depth_mm = 40.0f; // passed to ModelQueries::muscle_under (hit_muscle)
};

struct DrillSiteScore {
    std::string site_id;
    std::string muscle;        // the site's muscle key
    Side side = Side::midline; // the site's side
    bool optional = false;
    bool answered = false;
    glm::vec3 reference{0.0f}; // the placed site (on the skin)
    glm::vec3 answer_on_skin{0.0f};
    double error_mm = 0.0; // 0 when not answered
    bool muscle_hit = false;
    std::string hit_muscle; // key ("trapezius_left") of the muscle under the answer, empty if none
    bool within_pass = false;
};

struct DrillScore {
    std::vector<DrillSiteScore> sites; // protocol order; unanswered optional sites are left out
    int answered = 0;
    int missing = 0;            // non-optional sites without an answer
    double mean_error_mm = 0.0; // over answered sites (0 when none)
    double max_error_mm = 0.0;
    double pass_mm = kDefaultDrillPassMm;
    bool passed = false;
};

// `placed` must come from place_protocol(protocol, model) (parallel to protocol.sites()). Answers
// with ids not in the protocol are ignored here (check_drill_answers reports them); a site answered
// twice uses the first answer. Sites that could not be placed count as missed.
[[nodiscard]] DrillScore score_drill(const Protocol& protocol, const PlacedProtocol& placed,
                                     const ModelQueries& model,
                                     const std::vector<DrillAnswer>& answers,
                                     const DrillOptions& options = {});

} // namespace injmap
