#include "injmap/protocols/protocol.hpp"

namespace injmap {

namespace {
SourceLocation find_location(const KeyLocations& locations, std::string_view key,
                             const SourceLocation& fallback) {
    if (auto it = locations.find(key); it != locations.end())
        return it->second;
    return fallback;
}
} // namespace

SourceLocation Site::where_of(std::string_view key) const {
    return find_location(locations, key, where);
}

SourceLocation Protocol::where_of(std::string_view key) const {
    return find_location(locations, key, where);
}

std::vector<const Site*> Protocol::sites() const {
    std::vector<const Site*> out;
    for (const auto& step : steps)
        for (const auto& site : step.sites)
            out.push_back(&site);
    return out;
}

const Site* Protocol::find_site(std::string_view site_id) const {
    for (const auto& step : steps)
        for (const auto& site : step.sites)
            if (site.id == site_id)
                return &site;
    return nullptr;
}

double Protocol::total_units(bool include_optional) const {
    double total = 0.0;
    for (const auto& step : steps)
        for (const auto& site : step.sites)
            if (include_optional || !site.optional)
                total += site.units;
    return total;
}

const char* to_string(Paradigm value) {
    switch (value) {
    case Paradigm::preempt:
        return "preempt";
    case Paradigm::preempt_ftp:
        return "preempt_ftp";
    case Paradigm::cd_template:
        return "cd_template";
    case Paradigm::custom:
        return "custom";
    }
    return "custom";
}

const char* to_string(Guidance value) {
    switch (value) {
    case Guidance::none:
        return "none";
    case Guidance::emg:
        return "emg";
    case Guidance::ultrasound:
        return "ultrasound";
    case Guidance::emg_or_ultrasound:
        return "emg_or_ultrasound";
    }
    return "none";
}

const char* guidance_words(Guidance value) {
    switch (value) {
    case Guidance::none:
        return "";
    case Guidance::emg:
        return "EMG";
    case Guidance::ultrasound:
        return "ultrasound";
    case Guidance::emg_or_ultrasound:
        return "EMG or ultrasound";
    }
    return "";
}

const char* to_string(SideSpec value) {
    switch (value) {
    case SideSpec::left:
        return "left";
    case SideSpec::right:
        return "right";
    case SideSpec::midline:
        return "midline";
    case SideSpec::both:
        return "both";
    case SideSpec::ipsilateral:
        return "ipsilateral";
    case SideSpec::contralateral:
        return "contralateral";
    case SideSpec::bilateral:
        return "bilateral";
    }
    return "midline";
}

} // namespace injmap
