#include "injmap/render/renderer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include <glm/geometric.hpp>
#include <glm/gtc/type_ptr.hpp>

#include <meshoptimizer.h>

#include "font.hpp"
#include "font_atlas.hpp"
#include "gl_objects.hpp"
#include "injmap/render/camera.hpp"
#include "injmap/render/style.hpp"
#include "overlay_style.hpp"
#include "shaders.hpp"
#include "skin_clusters.hpp"
#include "skin_glow.hpp"

namespace injmap::render {

namespace {

constexpr int kMaxMuscles = 128; // size of u_state in the shaders
// Muscles deeper than this below the skin nearest the eye are not drawn (muscle and x-ray layers):
// the superficial and intermediate neck muscles stay, the far side of the head and neck does not.
constexpr float kMuscleDepthLimitMm = 35.0f;
// Structures to avoid deeper than this below the skin nearest the eye are hidden (the far side's);
// the deepest near-side one, the vertebral artery under the suboccipital muscles, lies ~50 mm in.
constexpr float kAvoidDepthLimitMm = 75.0f;
// meshopt_optimizeVertexFetchRemap's mark for a vertex no triangle uses.
constexpr std::uint32_t kUnusedVertex = ~0u;

struct MeshVertex {
    glm::vec3 position;
    glm::vec3 normal;
    glm::vec2 uv;     // muscles: (u, v); skin: paint (hair, brow), Model::skin_paint
    glm::vec2 muscle; // muscles: (index, stripes across v); skin: paint (lip, brow_strand)
};

struct GpuMesh {
    gl::VertexArray vao;
    gl::Buffer vbo;
    gl::Buffer ebo;
    GLsizei count = 0;
};

struct ModelEntry {
    // The model this was built for (Model::generation is the cache key), and its address: a model
    // of another generation at the same address replaced it (or changed its meshes in place).
    std::uint64_t generation = 0;
    const Model* address = nullptr;

    GpuMesh skin; // its element buffer holds the visible clusters of the last camera only
    SkinClusters skin_clusters; // indices renumbered through skin_vertex_slot
    // The model's skin vertex i is uploaded at skin_vertex_slot[i] (kUnusedVertex: in no triangle).
    std::vector<std::uint32_t> skin_vertex_slot;
    std::size_t skin_uploaded_vertices = 0;     // how many skin vertices the GPU mesh has
    std::vector<std::uint8_t> skin_visible;     // per cluster, for the element buffer's content
    std::vector<std::uint8_t> visible_check;    // scratch
    std::vector<std::uint32_t> visible_indices; // scratch
    GLsizei skin_visible_count = 0;
    gl::Buffer glow; // lazily: per skin vertex (ids vec4, weights vec4)
    bool glow_ready = false;
    gl::Buffer regions; // lazily: per skin vertex, Model::regions' weights as 8 normalized bytes
    bool regions_ready = false;
    GpuMesh muscles; // lazily (ensure_muscles)
    bool muscles_ready = false;
    GpuMesh bones; // lazily (ensure_bones)
    bool bones_ready = false;
    GpuMesh avoid; // lazily (ensure_avoid): grouped by kind, one range each
    bool avoid_ready = false;
    std::array<std::pair<GLsizei, GLsizei>, 5> avoid_ranges{}; // (first index, count) per kind
    std::unique_ptr<SurfaceIndex> skin_index;
};

void set_mesh_attributes() {
    const auto stride = GLsizei(sizeof(MeshVertex));
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(MeshVertex, position)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 3, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(MeshVertex, normal)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 2, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(MeshVertex, uv)));
    glEnableVertexAttribArray(3);
    glVertexAttribPointer(3, 2, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(MeshVertex, muscle)));
}

GpuMesh upload(const std::vector<MeshVertex>& vertices, const std::vector<std::uint32_t>& indices) {
    GpuMesh mesh;
    mesh.vao = gl::make_vertex_array();
    mesh.vbo = gl::make_buffer();
    mesh.ebo = gl::make_buffer();
    glBindVertexArray(mesh.vao.id());
    glBindBuffer(GL_ARRAY_BUFFER, mesh.vbo.id());
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(vertices.size() * sizeof(MeshVertex)), vertices.data(),
                 GL_STATIC_DRAW);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, mesh.ebo.id());
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, GLsizeiptr(indices.size() * sizeof(std::uint32_t)),
                 indices.data(), GL_STATIC_DRAW);
    set_mesh_attributes();
    glBindVertexArray(0);
    mesh.count = GLsizei(indices.size());
    return mesh;
}

std::vector<glm::vec3> normals_of(const Mesh& mesh) {
    if (mesh.normals.size() == mesh.positions.size())
        return mesh.normals;
    Mesh copy = mesh;
    compute_vertex_normals(copy);
    return copy.normals;
}

// The skin as uploaded: vertices renumbered in the order the clusters first use them. llvmpipe's
// vertex splitter dedupes a draw's indices through a small direct-mapped cache (index modulo its
// size), which the original numbering keeps missing after the Morton reordering (skin-only frame
// at 320x200: 4.9-5.6 → 4.2-5.0 ms, render_bench, 3 runs alternating).
struct SkinData {
    std::vector<MeshVertex> vertices;
    SkinClusters clusters; // indices renumbered through vertex_slot
    // The model's skin vertex i is uploaded at vertex_slot[i] (kUnusedVertex: in no triangle).
    std::vector<std::uint32_t> vertex_slot;
};

SkinData make_skin_data(const Model& model) {
    const Mesh& skin = model.skin;
    const bool painted = model.skin_paint.size() == skin.positions.size();
    SkinData d;
    const auto normals = normals_of(skin);
    d.clusters = build_skin_clusters(skin);
    const std::size_t vertex_count = skin.positions.size();
    d.vertex_slot.assign(vertex_count, 0);
    const std::size_t used = meshopt_optimizeVertexFetchRemap(
        d.vertex_slot.data(), d.clusters.indices.data(), d.clusters.indices.size(), vertex_count);
    d.vertices.resize(used);
    for (std::size_t i = 0; i < vertex_count; ++i)
        if (d.vertex_slot[i] != kUnusedVertex) {
            const glm::vec4 paint = painted ? model.skin_paint[i] : glm::vec4(0.0f);
            d.vertices[d.vertex_slot[i]] = {skin.positions[i], normals[i],
                                            glm::vec2(paint[0], paint[1]),
                                            glm::vec2(paint[2], paint[3])};
        }
    for (auto& index : d.clusters.indices)
        index = d.vertex_slot[index];
    return d;
}

// Width of a muscle across its fibres (mm): area-weighted length of ∂P/∂v over its triangles.
float width_across_fibres(const Mesh& mesh) {
    if (mesh.uvs.size() != mesh.positions.size())
        return 0.0f;
    double sum = 0.0, area_sum = 0.0;
    for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const auto a = mesh.indices[t], b = mesh.indices[t + 1], c = mesh.indices[t + 2];
        if (a >= mesh.positions.size() || b >= mesh.positions.size() || c >= mesh.positions.size())
            continue;
        const glm::vec3 e1 = mesh.positions[b] - mesh.positions[a];
        const glm::vec3 e2 = mesh.positions[c] - mesh.positions[a];
        const glm::vec2 d1 = mesh.uvs[b] - mesh.uvs[a];
        const glm::vec2 d2 = mesh.uvs[c] - mesh.uvs[a];
        const float det = d1.x * d2.y - d2.x * d1.y;
        const float area = 0.5f * glm::length(glm::cross(e1, e2));
        if (std::abs(det) < 1e-9f || area <= 0.0f)
            continue;
        const glm::vec3 tv = (e2 * d1.x - e1 * d2.x) / det;
        sum += double(glm::length(tv)) * area;
        area_sum += area;
    }
    return area_sum > 0.0 ? float(sum / area_sum) : 0.0f;
}

struct OverlayVertex {
    glm::vec2 position;
    glm::vec2 uv;
    glm::vec4 color;
    glm::vec4 param;
    float kind;
};

glm::vec4 rgba(const glm::vec3& c, float a) {
    return {c, a};
}

// sRGB → linear (the shaders light in linear space).
glm::vec3 linear(const glm::vec3& srgb) {
    return glm::pow(glm::max(srgb, glm::vec3(0.0f)), glm::vec3(2.2f));
}

// Painter's-order list of 2D primitives, drawn in one call.
class OverlayBatch {
public:
    std::vector<OverlayVertex> vertices;

    // A rounded box centred at `c` with half size `half`, rotated so its x axis is `axis`.
    void box(glm::vec2 c, glm::vec2 half, float radius, float feather, glm::vec4 color,
             glm::vec2 axis = {1, 0}) {
        const glm::vec2 perp{-axis.y, axis.x};
        const glm::vec2 e = half + glm::vec2(feather);
        const glm::vec4 param{half, std::min(radius, std::min(half.x, half.y)),
                              std::max(feather, 1e-3f)};
        const glm::vec2 local[4] = {{-e.x, -e.y}, {e.x, -e.y}, {e.x, e.y}, {-e.x, e.y}};
        OverlayVertex q[4];
        for (int i = 0; i < 4; ++i)
            q[i] = {c + axis * local[i].x + perp * local[i].y, local[i], color, param, 2.0f};
        quad(q);
    }
    void disc(glm::vec2 c, float r, glm::vec4 color, float feather = 1.0f) {
        box(c, glm::vec2(r), r, feather, color);
    }
    void line(glm::vec2 a, glm::vec2 b, float thickness, glm::vec4 color) {
        const glm::vec2 d = b - a;
        const float len = glm::length(d);
        if (len < 1e-3f)
            return;
        const float h = thickness * 0.5f;
        box((a + b) * 0.5f, {len * 0.5f + h, h}, h, 1.0f, color, d / len);
    }
    void glyphs(const std::vector<GlyphQuad>& quads, glm::vec4 color) {
        for (const auto& g : quads) {
            OverlayVertex q[4] = {
                {{g.min.x, g.min.y}, {g.uv_min.x, g.uv_min.y}, color, {}, 1.0f},
                {{g.max.x, g.min.y}, {g.uv_max.x, g.uv_min.y}, color, {}, 1.0f},
                {{g.max.x, g.max.y}, {g.uv_max.x, g.uv_max.y}, color, {}, 1.0f},
                {{g.min.x, g.max.y}, {g.uv_min.x, g.uv_max.y}, color, {}, 1.0f},
            };
            quad(q);
        }
    }

private:
    void quad(const OverlayVertex (&q)[4]) {
        vertices.insert(vertices.end(), {q[0], q[1], q[2], q[0], q[2], q[3]});
    }
};

// A texture with its own framebuffer, (re)created when the size changes: the skin depth texture
// and the antialiasing pass's colour target.
struct TextureTarget {
    gl::Texture texture;
    gl::Framebuffer fbo;
    int width = 0, height = 0;

    // The framebuffer, with a `width` x `height` texture of `internal_format` (read nearest,
    // clamped) at `attachment`; a depth attachment gets no colour buffers.
    GLuint ensure(int w, int h, GLenum internal_format, GLenum format, GLenum type,
                  GLenum attachment) {
        if (fbo && width == w && height == h)
            return fbo.id();
        texture = gl::make_texture();
        glBindTexture(GL_TEXTURE_2D, texture.id());
        glTexImage2D(GL_TEXTURE_2D, 0, GLint(internal_format), w, h, 0, format, type, nullptr);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glBindTexture(GL_TEXTURE_2D, 0);
        fbo = gl::make_framebuffer();
        glBindFramebuffer(GL_FRAMEBUFFER, fbo.id());
        glFramebufferTexture2D(GL_FRAMEBUFFER, attachment, GL_TEXTURE_2D, texture.id(), 0);
        if (attachment == GL_DEPTH_ATTACHMENT) {
            glDrawBuffer(GL_NONE);
            glReadBuffer(GL_NONE);
        }
        width = w;
        height = h;
        return fbo.id();
    }
};

// The Skin layer with Muscles (and not x-ray): the skin keeps its look and the muscles (and
// bones, when on) beneath show through it, as a translucent shell (opaque skin would hide them:
// toggling Muscles always shows the muscles). Skin with Bones alone stays opaque.
bool skin_shell(const Layers& layers) {
    return layers.skin && !layers.xray && layers.muscles;
}
// How much of the skin's colour the shell keeps over the muscles and bones (the rest is theirs).
constexpr float kShellSkinAlpha = 0.42f;

std::string number_text(int number) {
    return std::to_string(number);
}

} // namespace

struct Prepared::Data {
    std::uint64_t generation = 0; // Model::generation of the model it was made for
    SkinData skin;
    FontBake fonts;
};

struct Renderer::Impl {
    // Made on first use (each linked program costs llvmpipe about a megabyte of JIT code): the
    // layers and the pixel count most frames never need. A compile failure there (a driver
    // problem, as in create()) draws nothing of that layer and is said once on stderr.
    struct LazyProgram {
        const char* name;
        std::string vertex, fragment;
        gl::Program program;
        bool tried = false;
        const gl::Program& get() {
            if (!tried) {
                tried = true;
                std::string error;
                program = gl::make_program(name, vertex.c_str(), fragment.c_str(), error);
                if (!program)
                    std::fprintf(stderr, "injmap: %s\n", error.c_str());
            }
            return program;
        }
    };
    LazyProgram avoid_program{"avoid", {}, {}, {}, false};
    LazyProgram bone_program{"bone", {}, {}, {}, false};
    LazyProgram region_id_program{"region id", {}, {}, {}, false};
    LazyProgram muscle_program{"muscle", {}, {}, {}, false};
    LazyProgram xray_skin_program{"x-ray skin", {}, {}, {}, false};
    gl::Program skin_program, depth_program, background_program, antialias_program, overlay_program;
    // Depth of the skin nearest the eye, for x-ray (one skin layer) and the muscle depth limit.
    TextureTarget skin_depth;
    gl::VertexArray empty_vao;
    gl::VertexArray overlay_vao;
    gl::Buffer overlay_vbo;
    std::unique_ptr<FontAtlas> atlas;
    std::optional<FontBake> font_bake; // from prepare(model, prepared), until a frame uses it
    std::unordered_map<std::uint64_t, std::unique_ptr<ModelEntry>> models; // by Model::generation
    std::size_t skin_uploads = 0;
    std::unique_ptr<Offscreen> scene; // draw(frame) with antialias: the frame before its copy
    // The antialiasing pass's output (colour only), copied back into the target.
    TextureTarget antialiased;
    std::unique_ptr<Offscreen> offscreen; // for render_rgba() and region_pixels()
    OverlayLayout layout;

    GLint uniform(const gl::Program& p, const char* name) const {
        return glGetUniformLocation(p.id(), name);
    }

    // `prepared`: the skin's data made beforehand for this model, if any (taken).
    ModelEntry& entry_for(const Model& model, Prepared::Data* prepared = nullptr) {
        auto& slot = models[model.generation.value()];
        if (slot)
            return *slot;
        // What was cached for the model last seen at this address is stale: that model is gone or
        // its meshes changed (a new generation). Frees its GPU meshes.
        std::erase_if(models,
                      [&](const auto& kv) { return kv.second && kv.second->address == &model; });
        slot = std::make_unique<ModelEntry>();
        ModelEntry& e = *slot;
        e.generation = model.generation.value();
        e.address = &model;
        ++skin_uploads;

        {
            SkinData skin = prepared && prepared->generation == model.generation.value()
                                ? std::move(prepared->skin)
                                : make_skin_data(model);
            e.skin_clusters = std::move(skin.clusters);
            e.skin_vertex_slot = std::move(skin.vertex_slot);
            e.skin_uploaded_vertices = skin.vertices.size();
            const std::vector<MeshVertex>& vertices = skin.vertices;
            e.skin = upload(vertices, e.skin_clusters.indices);
            e.skin_visible.assign(e.skin_clusters.clusters.size(), 1);
            e.skin_visible_count = e.skin.count;
        }
        return e;
    }

    // The muscles' GPU mesh, made the first time a frame shows them: a site map of the skin alone
    // (the usual `injmap render`, the GUI's start) does not pay for it.
    void ensure_muscles(const Model& model, ModelEntry& e) {
        if (e.muscles_ready)
            return;
        e.muscles_ready = true;
        std::vector<MeshVertex> vertices;
        std::vector<std::uint32_t> indices;
        for (std::size_t m = 0; m < model.muscles.size(); ++m) {
            const Mesh& mesh = model.muscles[m].mesh;
            const auto normals = normals_of(mesh);
            const bool has_uv = mesh.uvs.size() == mesh.positions.size();
            // About one fibre bundle per 3 mm across the muscle.
            const float stripes =
                has_uv ? std::clamp(width_across_fibres(mesh) / 3.0f, 3.0f, 60.0f) : 0.0f;
            const auto base = std::uint32_t(vertices.size());
            for (std::size_t i = 0; i < mesh.positions.size(); ++i)
                vertices.push_back({mesh.positions[i], normals[i],
                                    has_uv ? mesh.uvs[i] : glm::vec2(0.5f, 0.0f),
                                    glm::vec2(float(m < kMaxMuscles ? int(m) : -1), stripes)});
            for (auto idx : mesh.indices)
                indices.push_back(base + idx);
        }
        if (!indices.empty())
            e.muscles = upload(vertices, indices);
    }

    // The bones' GPU mesh, made the first time a frame shows them.
    void ensure_bones(const Model& model, ModelEntry& e) {
        if (e.bones_ready)
            return;
        e.bones_ready = true;
        std::vector<MeshVertex> vertices;
        std::vector<std::uint32_t> indices;
        for (const Bone& bone : model.bones) {
            const auto normals = normals_of(bone.mesh);
            const auto base = std::uint32_t(vertices.size());
            for (std::size_t i = 0; i < bone.mesh.positions.size(); ++i)
                vertices.push_back(
                    {bone.mesh.positions[i], normals[i], glm::vec2(0.5f), glm::vec2(-1.0f, 0.0f)});
            for (auto idx : bone.mesh.indices)
                indices.push_back(base + idx);
        }
        if (!indices.empty())
            e.bones = upload(vertices, indices);
    }

    // The structures to avoid as one GPU mesh, grouped by kind (avoid_kind_slot), made the first
    // time a frame shows them.
    static int avoid_kind_slot(const std::string& kind) {
        if (kind == "nerve")
            return 0;
        if (kind == "artery")
            return 1;
        if (kind == "vein")
            return 2;
        if (kind == "plexus")
            return 3;
        return 4; // lung (and anything else), drawn last and translucent
    }
    void ensure_avoid(const Model& model, ModelEntry& e) {
        if (e.avoid_ready)
            return;
        e.avoid_ready = true;
        std::vector<MeshVertex> vertices;
        std::vector<std::uint32_t> indices;
        for (int slot = 0; slot < 5; ++slot) {
            const auto first = GLsizei(indices.size());
            for (const AvoidStructure& a : model.avoid) {
                if (avoid_kind_slot(a.kind) != slot)
                    continue;
                const auto normals = normals_of(a.mesh);
                const auto base = std::uint32_t(vertices.size());
                for (std::size_t i = 0; i < a.mesh.positions.size(); ++i)
                    vertices.push_back(
                        {a.mesh.positions[i], normals[i], glm::vec2(0.5f), glm::vec2(-1.0f, 0.0f)});
                for (auto idx : a.mesh.indices)
                    indices.push_back(base + idx);
            }
            e.avoid_ranges[std::size_t(slot)] = {first, GLsizei(indices.size()) - first};
        }
        if (!indices.empty())
            e.avoid = upload(vertices, indices);
    }

    // Puts the skin clusters this camera can see into the skin's element buffer.
    static void cull_skin(ModelEntry& e, const glm::vec3& eye, const glm::mat4& view_proj) {
        mark_visible_clusters(e.skin_clusters, eye, view_proj, e.visible_check);
        if (e.visible_check == e.skin_visible)
            return;
        e.skin_visible.swap(e.visible_check);
        gather_cluster_indices(e.skin_clusters, e.skin_visible, e.visible_indices);
        glBindVertexArray(e.skin.vao.id());
        glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, e.skin.ebo.id());
        glBufferData(GL_ELEMENT_ARRAY_BUFFER,
                     GLsizeiptr(e.visible_indices.size() * sizeof(std::uint32_t)),
                     e.visible_indices.data(), GL_STREAM_DRAW);
        glBindVertexArray(0);
        e.skin_visible_count = GLsizei(e.visible_indices.size());
    }

    void ensure_glow(const Model& model, ModelEntry& e) {
        if (e.glow_ready)
            return;
        const SkinGlow glow = compute_skin_glow(model);
        // In the uploaded vertex order (see skin_vertex_slot).
        std::vector<glm::vec4> data(2 * e.skin_uploaded_vertices, glm::vec4(0.0f));
        for (std::size_t i = 0; i < glow.ids.size() && i < e.skin_vertex_slot.size(); ++i) {
            const std::uint32_t slot = e.skin_vertex_slot[i];
            if (slot == kUnusedVertex)
                continue;
            data[2 * slot] = glow.ids[i];
            data[2 * slot + 1] = glow.weights[i];
        }
        e.glow = gl::make_buffer();
        glBindVertexArray(e.skin.vao.id());
        glBindBuffer(GL_ARRAY_BUFFER, e.glow.id());
        glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(data.size() * sizeof(glm::vec4)), data.data(),
                     GL_STATIC_DRAW);
        glEnableVertexAttribArray(4);
        glVertexAttribPointer(4, 4, GL_FLOAT, GL_FALSE, GLsizei(2 * sizeof(glm::vec4)), nullptr);
        glEnableVertexAttribArray(5);
        glVertexAttribPointer(5, 4, GL_FLOAT, GL_FALSE, GLsizei(2 * sizeof(glm::vec4)),
                              reinterpret_cast<void*>(sizeof(glm::vec4)));
        glBindVertexArray(0);
        e.glow_ready = true;
    }

    // Model::regions' weights as vertex attributes 6 and 7 of the skin (4 + 4 unsigned bytes,
    // normalized: 8 bytes per vertex), made the first time a frame shows regions.
    void ensure_regions(const Model& model, ModelEntry& e) {
        if (e.regions_ready)
            return;
        std::vector<std::uint8_t> data(8 * e.skin_uploaded_vertices, 0);
        const std::size_t count = std::min<std::size_t>(model.regions.size(), 8);
        for (std::size_t k = 0; k < count; ++k) {
            const auto& w = model.regions[k].weight;
            for (std::size_t i = 0; i < w.size() && i < e.skin_vertex_slot.size(); ++i) {
                const std::uint32_t slot = e.skin_vertex_slot[i];
                if (slot == kUnusedVertex)
                    continue;
                data[8 * slot + k] =
                    std::uint8_t(std::lround(std::clamp(w[i], 0.0f, 1.0f) * 255.0f));
            }
        }
        e.regions = gl::make_buffer();
        glBindVertexArray(e.skin.vao.id());
        glBindBuffer(GL_ARRAY_BUFFER, e.regions.id());
        glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(data.size()), data.data(), GL_STATIC_DRAW);
        glEnableVertexAttribArray(6);
        glVertexAttribPointer(6, 4, GL_UNSIGNED_BYTE, GL_TRUE, 8, nullptr);
        glEnableVertexAttribArray(7);
        glVertexAttribPointer(7, 4, GL_UNSIGNED_BYTE, GL_TRUE, 8, reinterpret_cast<void*>(4));
        glBindVertexArray(0);
        e.regions_ready = true;
    }

    // Pixels of each of Model::regions on the skin nearest the eye (weight at least 0.5 and the
    // largest there), by an id pass read back: the skin alone, with the frame's camera and size.
    std::vector<std::uint64_t> region_pixels(const FrameSnapshot& frame) {
        if (!frame.model || frame.model->regions.empty())
            return {};
        const Model& model = *frame.model;
        ModelEntry& e = entry_for(model);
        std::vector<std::uint64_t> counts(model.regions.size(), 0);
        if (e.skin.count == 0)
            return counts;
        ensure_regions(model, e);
        // The target render_rgba() reads from (its image is read already): no second image's
        // memory for the ids.
        if (!offscreen)
            offscreen = std::make_unique<Offscreen>(frame.width, frame.height, 0);
        offscreen->resize(frame.width, frame.height, 0);
        const float aspect = float(frame.width) / float(std::max(frame.height, 1));
        const glm::mat4 view_proj =
            projection_matrix(frame.camera, aspect) * view_matrix(frame.camera);
        cull_skin(e, camera_basis(frame.camera).eye, view_proj);
        glBindFramebuffer(GL_FRAMEBUFFER, offscreen->draw_framebuffer());
        glViewport(0, 0, frame.width, frame.height);
        glDisable(GL_SCISSOR_TEST);
        glDisable(GL_BLEND);
        glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
        glDepthMask(GL_TRUE);
        glClearColor(0.0f, 0.0f, 0.0f, 0.0f);
        glClearDepth(1.0);
        glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
        glEnable(GL_DEPTH_TEST);
        glDepthFunc(GL_LESS);
        glEnable(GL_CULL_FACE);
        glCullFace(GL_BACK);
        const gl::Program& id_program = region_id_program.get();
        if (!id_program)
            return counts;
        glUseProgram(id_program.id());
        glUniformMatrix4fv(uniform(id_program, "u_view_proj"), 1, GL_FALSE,
                           glm::value_ptr(view_proj));
        glBindVertexArray(e.skin.vao.id());
        glDrawElements(GL_TRIANGLES, e.skin_visible_count, GL_UNSIGNED_INT, nullptr);
        glBindVertexArray(0);
        glDisable(GL_CULL_FACE);
        glDisable(GL_DEPTH_TEST);
        // The red channel only, in bands of rows (a small buffer, not a copy of the image).
        glBindFramebuffer(GL_READ_FRAMEBUFFER, offscreen->draw_framebuffer());
        GLint pack = 0;
        glGetIntegerv(GL_PACK_ALIGNMENT, &pack);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        constexpr int kBand = 64;
        std::vector<std::uint8_t> band(std::size_t(frame.width) * kBand);
        for (int y = 0; y < frame.height; y += kBand) {
            const int rows = std::min(kBand, frame.height - y);
            glReadPixels(0, y, frame.width, rows, GL_RED, GL_UNSIGNED_BYTE, band.data());
            for (std::size_t i = 0; i < std::size_t(frame.width) * std::size_t(rows); ++i) {
                const unsigned id = band[i];
                if (id >= 1 && id <= counts.size())
                    ++counts[id - 1];
            }
        }
        glPixelStorei(GL_PACK_ALIGNMENT, pack);
        return counts;
    }

    const SurfaceIndex& skin_index(const Model& model) {
        ModelEntry& e = entry_for(model);
        if (!e.skin_index)
            e.skin_index = std::make_unique<SurfaceIndex>(model.skin);
        return *e.skin_index;
    }

    // Per-muscle 0/1 states for a list of muscle ids, group keys or "<id>_<side>" keys.
    static std::array<float, kMaxMuscles> muscle_states(const Model& model,
                                                        const std::vector<std::string>& keys) {
        std::array<float, kMaxMuscles> states{};
        std::set<std::string> ids, exact;
        for (const auto& k : keys) {
            for (auto& id : model.expand_muscle_key(k))
                ids.insert(id);
            exact.insert(k);
        }
        for (std::size_t m = 0; m < model.muscles.size() && m < kMaxMuscles; ++m)
            if (ids.count(model.muscles[m].id) || exact.count(model.muscles[m].key()))
                states[m] = 1.0f;
        return states;
    }

    void set_common_uniforms(const gl::Program& p, const FrameSnapshot& frame,
                             const glm::mat4& view_proj) {
        const CameraBasis b = camera_basis(frame.camera);
        const glm::vec3 back = -b.forward;
        const glm::vec3 key = glm::normalize(-0.48f * b.right + 0.60f * b.up + 0.60f * back);
        const glm::vec3 fill = glm::normalize(0.78f * b.right + 0.02f * b.up + 0.62f * back);
        const glm::vec3 rim = glm::normalize(0.30f * b.right + 0.45f * b.up - 0.84f * back);
        glUniformMatrix4fv(uniform(p, "u_view_proj"), 1, GL_FALSE, glm::value_ptr(view_proj));
        glUniform3fv(uniform(p, "u_eye"), 1, glm::value_ptr(b.eye));
        glUniform3fv(uniform(p, "u_key_dir"), 1, glm::value_ptr(key));
        glUniform3fv(uniform(p, "u_fill_dir"), 1, glm::value_ptr(fill));
        glUniform3fv(uniform(p, "u_rim_dir"), 1, glm::value_ptr(rim));
        glUniform1f(uniform(p, "u_near"), near_plane(frame.camera));
        glUniform1f(uniform(p, "u_far"), far_plane(frame.camera));
        glUniform1i(uniform(p, "u_skin_depth"), 1);
    }

    // Renders the skin's depth into skin_depth (frame size) and binds it to texture unit 1.
    void skin_depth_pass(const FrameSnapshot& frame, const ModelEntry& e,
                         const glm::mat4& view_proj, GLuint fbo) {
        const GLuint depth_fbo =
            skin_depth.ensure(frame.width, frame.height, GL_DEPTH_COMPONENT24, GL_DEPTH_COMPONENT,
                              GL_UNSIGNED_INT, GL_DEPTH_ATTACHMENT);
        glBindFramebuffer(GL_FRAMEBUFFER, depth_fbo);
        glViewport(0, 0, frame.width, frame.height);
        glDepthMask(GL_TRUE);
        glClear(GL_DEPTH_BUFFER_BIT);
        glEnable(GL_DEPTH_TEST); // depth writes need the test enabled
        glDepthFunc(GL_LESS);
        glUseProgram(depth_program.id());
        glUniformMatrix4fv(uniform(depth_program, "u_view_proj"), 1, GL_FALSE,
                           glm::value_ptr(view_proj));
        glEnable(GL_CULL_FACE);
        glCullFace(GL_BACK);
        glBindVertexArray(e.skin.vao.id());
        glDrawElements(GL_TRIANGLES, e.skin_visible_count, GL_UNSIGNED_INT, nullptr);
        glDisable(GL_CULL_FACE);
        glBindFramebuffer(GL_FRAMEBUFFER, fbo);
        glViewport(0, 0, frame.width, frame.height);
        glActiveTexture(GL_TEXTURE1);
        glBindTexture(GL_TEXTURE_2D, skin_depth.texture.id());
        glActiveTexture(GL_TEXTURE0);
    }

    // The pixels the skin's visible clusters may cover (their bounding boxes' corners projected,
    // plus a margin for the antialiasing pass's reach); muscles lie under the skin. The whole
    // frame when a box reaches behind the eye.
    static glm::ivec4 screen_bounds(const ModelEntry& e, const glm::mat4& view_proj, int width,
                                    int height) {
        const glm::ivec4 whole{0, 0, width, height};
        glm::vec2 lo(std::numeric_limits<float>::max()), hi(-std::numeric_limits<float>::max());
        for (std::size_t k = 0; k < e.skin_clusters.clusters.size(); ++k) {
            if (!e.skin_visible[k])
                continue;
            const auto& c = e.skin_clusters.clusters[k];
            for (int corner = 0; corner < 8; ++corner) {
                const glm::vec3 p((corner & 1) ? c.hi.x : c.lo.x, (corner & 2) ? c.hi.y : c.lo.y,
                                  (corner & 4) ? c.hi.z : c.lo.z);
                const glm::vec4 clip = view_proj * glm::vec4(p, 1.0f);
                if (clip.w <= 1e-3f)
                    return whole;
                const glm::vec2 ndc = glm::vec2(clip) / clip.w;
                lo = glm::min(lo, ndc);
                hi = glm::max(hi, ndc);
            }
        }
        if (lo.x > hi.x)
            return {0, 0, 0, 0};    // nothing of the skin in view
        constexpr int kMargin = 10; // the pass reads up to 8 px along an edge
        const int x0 = std::max(0, int(std::floor((lo.x * 0.5f + 0.5f) * float(width))) - kMargin);
        const int y0 = std::max(0, int(std::floor((lo.y * 0.5f + 0.5f) * float(height))) - kMargin);
        const int x1 =
            std::min(width, int(std::ceil((hi.x * 0.5f + 0.5f) * float(width))) + kMargin);
        const int y1 =
            std::min(height, int(std::ceil((hi.y * 0.5f + 0.5f) * float(height))) + kMargin);
        return x1 > x0 && y1 > y0 ? glm::ivec4{x0, y0, x1, y1} : glm::ivec4{0, 0, 0, 0};
    }

    // Returns the pixels the model may cover (GL origin; x0, y0 inclusive, x1, y1 exclusive; the
    // whole frame unless frame.antialias): the rest of the frame is backdrop.
    glm::ivec4 draw_model(const FrameSnapshot& frame, GLuint fbo) {
        const Model& model = *frame.model;
        ModelEntry& e = entry_for(model);
        const float aspect = float(frame.width) / float(std::max(frame.height, 1));
        const glm::mat4 view_proj =
            projection_matrix(frame.camera, aspect) * view_matrix(frame.camera);

        if (e.skin.count > 0)
            cull_skin(e, camera_basis(frame.camera).eye, view_proj);
        // Only the antialiasing pass uses the bounds: interactive frames do not pay for them.
        glm::ivec4 covered{0, 0, frame.width, frame.height};
        if (frame.antialias && e.skin.count > 0 && (frame.layers.skin || frame.layers.xray))
            covered = screen_bounds(e, view_proj, frame.width, frame.height);
        if (frame.layers.muscles || frame.layers.xray)
            ensure_muscles(model, e);
        const bool show_muscles =
            (frame.layers.muscles || frame.layers.xray) && e.muscles.count > 0;
        const bool show_skin = (frame.layers.skin || frame.layers.xray) && e.skin.count > 0;
        const bool shell = show_skin && skin_shell(frame.layers);
        // Muscles are limited to a depth below the visible skin (so the far side's muscles do not
        // show through), and x-ray skin blends only its nearest layer: both read the skin depth.
        if (frame.layers.avoid)
            ensure_avoid(model, e);
        const bool show_avoid = frame.layers.avoid && e.avoid.count > 0;
        const bool depth_texture_needed =
            e.skin.count > 0 && (show_muscles || frame.layers.xray || show_avoid);
        if (depth_texture_needed)
            skin_depth_pass(frame, e, view_proj, fbo);
        if (shell) {
            // The skin first, opaque: where nothing lies beneath it stays as it is. Its depth is
            // cleared so the muscles and bones beneath are drawn over it; the skin drawn again
            // below blends over them.
            glEnable(GL_DEPTH_TEST);
            glDepthFunc(GL_LESS);
            glDepthMask(GL_TRUE);
            glDisable(GL_BLEND);
            draw_skin(frame, e, skin_program, view_proj);
            glClear(GL_DEPTH_BUFFER_BIT);
        }

        glEnable(GL_DEPTH_TEST);
        glDepthFunc(GL_LESS);
        glDepthMask(GL_TRUE);
        glDisable(GL_BLEND);
        if (frame.layers.bones)
            ensure_bones(model, e);
        if (frame.layers.bones && e.bones.count > 0 && bone_program.get()) {
            // Opaque and closed; drawn first, so muscles lying over them win the depth test.
            const auto& p = bone_program.get();
            glUseProgram(p.id());
            set_common_uniforms(p, frame, view_proj);
            glUniform3fv(uniform(p, "u_bone"), 1, glm::value_ptr(linear(kBoneColor)));
            glDisable(GL_CULL_FACE);
            glBindVertexArray(e.bones.vao.id());
            glVertexAttrib4f(4, 0.0f, 0.0f, 0.0f, 0.0f);
            glVertexAttrib4f(5, 0.0f, 0.0f, 0.0f, 0.0f);
            glDrawElements(GL_TRIANGLES, e.bones.count, GL_UNSIGNED_INT, nullptr);
        }
        if (show_muscles && muscle_program.get()) {
            const auto& p = muscle_program.get();
            glUseProgram(p.id());
            set_common_uniforms(p, frame, view_proj);
            auto states = muscle_states(model, frame.highlighted_muscles);
            const bool any =
                std::any_of(states.begin(), states.end(), [](float s) { return s > 0.0f; });
            if (!frame.hidden_muscles.empty()) {
                const auto hidden = muscle_states(model, frame.hidden_muscles);
                for (std::size_t m = 0; m < states.size(); ++m)
                    if (hidden[m] > 0.0f)
                        states[m] = -1.0f; // the vertex stage drops it
            }
            glUniform1fv(uniform(p, "u_state"), kMaxMuscles, states.data());
            glUniform1i(uniform(p, "u_any_highlight"), any ? 1 : 0);
            glUniform1i(uniform(p, "u_fibres"), frame.layers.fibres ? 1 : 0);
            glUniform3fv(uniform(p, "u_muscle"), 1, glm::value_ptr(linear(kMuscleColor)));
            glUniform3fv(uniform(p, "u_highlight"), 1,
                         glm::value_ptr(linear(kMuscleHighlightColor)));
            glUniform3fv(uniform(p, "u_muted"), 1, glm::value_ptr(linear(kMuscleMutedColor)));
            glUniform3fv(uniform(p, "u_tendon"), 1, glm::value_ptr(linear(kTendonColor)));
            glUniform1f(uniform(p, "u_depth_limit"),
                        depth_texture_needed ? kMuscleDepthLimitMm : 0.0f);
            glDisable(GL_CULL_FACE); // sheet muscles are open surfaces, seen from both sides
            glBindVertexArray(e.muscles.vao.id());
            glVertexAttrib4f(4, 0.0f, 0.0f, 0.0f, 0.0f);
            glVertexAttrib4f(5, 0.0f, 0.0f, 0.0f, 0.0f);
            glDrawElements(GL_TRIANGLES, e.muscles.count, GL_UNSIGNED_INT, nullptr);
        }

        if (show_avoid && avoid_program.get()) {
            // On top of muscles and bones: a fresh depth buffer for the structures among
            // themselves (the x-ray skin after them reads its own depth texture). Opaque kinds
            // first, then the lung's apex blended over them.
            glClear(GL_DEPTH_BUFFER_BIT);
            const auto& p = avoid_program.get();
            glUseProgram(p.id());
            set_common_uniforms(p, frame, view_proj);
            glUniform1f(uniform(p, "u_depth_limit"),
                        depth_texture_needed ? kAvoidDepthLimitMm : 0.0f);
            glDisable(GL_CULL_FACE);
            glBindVertexArray(e.avoid.vao.id());
            glVertexAttrib4f(4, 0.0f, 0.0f, 0.0f, 0.0f);
            glVertexAttrib4f(5, 0.0f, 0.0f, 0.0f, 0.0f);
            static constexpr glm::vec3 kColors[5] = {kAvoidNerveColor, kAvoidArteryColor,
                                                     kAvoidVeinColor, kAvoidPlexusColor,
                                                     kAvoidLungColor};
            for (std::size_t slot = 0; slot < 5; ++slot) {
                const auto [first, count] = e.avoid_ranges[slot];
                if (count == 0)
                    continue;
                const bool lung = slot == 4;
                if (lung) { // last, blended over what lies behind it; it writes depth so the
                            // backdrop (drawn later at the far plane) does not cover it
                    glEnable(GL_BLEND);
                    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE,
                                        GL_ONE_MINUS_SRC_ALPHA);
                }
                glUniform3fv(uniform(p, "u_avoid"), 1, glm::value_ptr(linear(kColors[slot])));
                glUniform1f(uniform(p, "u_alpha"), lung ? kAvoidLungAlpha : 1.0f);
                glDrawElements(GL_TRIANGLES, count, GL_UNSIGNED_INT,
                               reinterpret_cast<void*>(std::size_t(first) * sizeof(std::uint32_t)));
                if (lung)
                    glDisable(GL_BLEND);
            }
        }

        if (!show_skin)
            return covered;
        if (frame.layers.xray) {
            // Only the skin layer nearest the eye (depth texture), blended over the muscles.
            glDepthMask(GL_FALSE);
            glDepthFunc(GL_LEQUAL);
            glEnable(GL_BLEND);
            glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE,
                                GL_ONE_MINUS_SRC_ALPHA);
            if (xray_skin_program.get())
                draw_skin(frame, e, xray_skin_program.get(), view_proj);
            glDisable(GL_BLEND);
            glDepthMask(GL_TRUE);
            glDepthFunc(GL_LESS);
        } else if (shell) {
            // Over the muscles and bones (and over itself, drawn first), a constant share.
            glEnable(GL_BLEND);
            glBlendColor(0.0f, 0.0f, 0.0f, kShellSkinAlpha);
            glBlendFuncSeparate(GL_CONSTANT_ALPHA, GL_ONE_MINUS_CONSTANT_ALPHA, GL_ONE, GL_ZERO);
            draw_skin(frame, e, skin_program, view_proj);
            glDisable(GL_BLEND);
            glBlendColor(0.0f, 0.0f, 0.0f, 0.0f);
        } else {
            draw_skin(frame, e, skin_program, view_proj);
        }
        return covered;
    }

    // The visible skin clusters with program `p` (skin or x-ray skin); blending and depth state
    // as the caller set them.
    void draw_skin(const FrameSnapshot& frame, ModelEntry& e, const gl::Program& p,
                   const glm::mat4& view_proj) {
        const Model& model = *frame.model;
        glUseProgram(p.id());
        set_common_uniforms(p, frame, view_proj);
        const SkinTone& tone = skin_tone(frame.skin_tone);
        glUniform3fv(uniform(p, "u_albedo"), 1, glm::value_ptr(linear(tone.albedo)));
        glUniform3fv(uniform(p, "u_subsurface"), 1, glm::value_ptr(linear(tone.subsurface)));
        glUniform3fv(uniform(p, "u_glow_color"), 1, glm::value_ptr(linear(kSoftGlowColor)));
        glUniform3fv(uniform(p, "u_hair"), 1, glm::value_ptr(linear(tone.hair)));
        // The brows are lit as the hair is and shown lighter by this ratio (sRGB is close to
        // the shown scale): one lit colour fewer per skin vertex.
        const glm::vec3 brow_ratio = tone.brow / glm::max(tone.hair, glm::vec3(1.0f / 255.0f));
        glUniform3fv(uniform(p, "u_brow_ratio"), 1, glm::value_ptr(brow_ratio));
        glUniform3fv(uniform(p, "u_lip"), 1, glm::value_ptr(linear(tone.lip)));
        glUniform1f(uniform(p, "u_paint"), frame.layers.skin_paint ? 1.0f : 0.0f);
        // Per muscle: 1 = the patient-mode glow, 2 = the tint of a highlighted muscle.
        std::array<float, kMaxMuscles> glow{};
        const bool tint = frame.skin_muscle_tint && !frame.highlighted_muscles.empty();
        if ((!frame.soft_highlighted_muscles.empty() || tint) && !model.muscles.empty()) {
            ensure_glow(model, e);
            glow = muscle_states(model, frame.soft_highlighted_muscles);
            if (tint) {
                const auto tinted = muscle_states(model, frame.highlighted_muscles);
                for (std::size_t m = 0; m < glow.size(); ++m)
                    if (tinted[m] > 0.0f)
                        glow[m] = 2.0f;
            }
        }
        glUniform1fv(uniform(p, "u_state"), kMaxMuscles, glow.data());
        glUniform1i(uniform(p, "u_glow_on"),
                    e.glow_ready && (!frame.soft_highlighted_muscles.empty() || tint) ? 1 : 0);
        glUniform3fv(uniform(p, "u_tint_color"), 1, glm::value_ptr(linear(kSkinMuscleTintColor)));
        // Regions: a strength per slot of Model::regions (0 = not shown).
        std::array<float, 8> strength{};
        std::array<glm::vec3, 8> region_colors{};
        bool any_region = false;
        for (std::size_t k = 0; frame.layers.regions && k < model.regions.size() && k < 8; ++k) {
            region_colors[k] = linear(region_color(model.regions[k].id));
            for (const auto& r : frame.regions)
                if (r.id == model.regions[k].id && r.strength > 0.0f) {
                    strength[k] = std::clamp(r.strength, 0.0f, 1.0f);
                    any_region = true;
                }
        }
        if (any_region)
            ensure_regions(model, e);
        glUniform1i(uniform(p, "u_regions_on"), any_region ? 1 : 0);
        glUniform4fv(uniform(p, "u_region_strength_a"), 1, strength.data());
        glUniform4fv(uniform(p, "u_region_strength_b"), 1, strength.data() + 4);
        glUniform3fv(uniform(p, "u_region_color"), 8, glm::value_ptr(region_colors[0]));
        glBindVertexArray(e.skin.vao.id());
        if (!e.glow_ready) {
            glVertexAttrib4f(4, 0.0f, 0.0f, 0.0f, 0.0f);
            glVertexAttrib4f(5, 0.0f, 0.0f, 0.0f, 0.0f);
        }
        if (!e.regions_ready) {
            glVertexAttrib4f(6, 0.0f, 0.0f, 0.0f, 0.0f);
            glVertexAttrib4f(7, 0.0f, 0.0f, 0.0f, 0.0f);
        }
        glEnable(GL_CULL_FACE);
        glCullFace(GL_BACK);
        glFrontFace(GL_CCW);
        glDrawElements(GL_TRIANGLES, e.skin_visible_count, GL_UNSIGNED_INT, nullptr);
        glDisable(GL_CULL_FACE);
    }

    FontAtlas* atlas_for(const OverlayMetrics& m) {
        if (!atlas || atlas->pixel_height(FontStyle::regular) != m.label_font_px ||
            atlas->pixel_height(FontStyle::bold) != m.number_font_px) {
            // A bake from prepare(model, prepared) is used if it has these sizes.
            const bool baked = font_bake && font_bake->px[0] == m.label_font_px &&
                               font_bake->px[1] == m.number_font_px;
            atlas = std::make_unique<FontAtlas>(
                baked ? std::move(*font_bake) : bake_fonts(m.label_font_px, m.number_font_px));
            font_bake.reset();
        }
        return atlas->valid() ? atlas.get() : nullptr;
    }

    void centred_text(OverlayBatch& batch, const FontAtlas* font, const std::string& text,
                      FontStyle style, glm::vec2 centre, glm::vec4 color,
                      std::vector<GlyphQuad>& scratch) {
        if (!font)
            return;
        const FontFace* face = style == FontStyle::bold ? FontFace::bold() : FontFace::regular();
        const float px = font->pixel_height(style);
        const float w = face->text_width(text, px);
        scratch.clear();
        font->layout(text, style, {centre.x - w * 0.5f, centre.y + face->cap_height(px) * 0.5f},
                     scratch);
        batch.glyphs(scratch, color);
    }

    void draw_overlay(const FrameSnapshot& frame) {
        const OverlayMetrics& m = layout.metrics;
        const float s = m.ui_scale;
        const FontAtlas* font = atlas_for(m);
        OverlayBatch batch;
        std::vector<GlyphQuad> scratch;

        // Leader lines under everything else.
        for (const auto& label : layout.labels) {
            const MarkerScreen& ms = layout.markers[label.marker];
            batch.line(ms.centre, label.leader_end, 1.3f * s, rgba(kLeaderLine, 0.75f));
            batch.disc(label.leader_end, 1.8f * s, rgba(kLeaderLine, 0.85f));
        }

        // Markers, far to near so nearer badges overlap farther ones; the last visit's ghosts
        // first, under every badge of this one.
        std::vector<std::size_t> order;
        for (std::size_t i = 0; i < layout.markers.size(); ++i)
            if (layout.markers[i].visible)
                order.push_back(i);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            const bool ga = frame.markers[a].state == MarkerState::ghost;
            const bool gb = frame.markers[b].state == MarkerState::ghost;
            if (ga != gb)
                return ga;
            return layout.markers[a].depth > layout.markers[b].depth;
        });
        for (std::size_t i : order) {
            const Marker& marker = frame.markers[i];
            const MarkerScreen& ms = layout.markers[i];
            const MarkerStyle style = marker_style(marker.state);
            const float r = ms.radius_px;
            const float o = style.opacity;
            const glm::vec2 c = ms.centre;
            if (marker.state == MarkerState::ghost) {
                // A faint violet halo with a thin rim, wider than a badge: around this visit's
                // badge at the same site, alone where the site was elsewhere. No number, needle
                // or shadow.
                batch.disc(c, r, rgba(style.fill, o));
                constexpr int kSegments = 24;
                for (int k = 0; k < kSegments; ++k) {
                    const float a0 = 6.2831853f * float(k) / float(kSegments);
                    const float a1 = 6.2831853f * float(k + 1) / float(kSegments);
                    batch.line(c + r * glm::vec2(std::cos(a0), std::sin(a0)),
                               c + r * glm::vec2(std::cos(a1), std::sin(a1)), 1.6f * s,
                               rgba(style.ring, 0.85f));
                }
                continue;
            }
            if (frame.layers.needles && ms.needle_shown) {
                const glm::vec2 dir = glm::normalize(ms.needle_hub - c);
                batch.line(c + dir * r * 0.5f, ms.needle_hub, 1.7f * s,
                           glm::vec4(0.30f, 0.32f, 0.36f, 0.95f * o));
                batch.line(
                    ms.needle_hub, ms.needle_hub + dir * 7.0f * s, 5.0f * s,
                    rgba(style.fill == glm::vec3(1.0f) ? style.ring : style.fill, 0.95f * o));
            }
            batch.disc(c + glm::vec2(0.0f, 1.5f * s), r + 1.0f * s,
                       glm::vec4(0.0f, 0.0f, 0.0f, 0.30f * o), 4.0f * s);
            if (marker.state == MarkerState::current) {
                const float p = std::clamp(marker.pulse, 0.0f, 1.0f);
                batch.disc(c, r * (1.55f + 0.6f * p), rgba(style.fill, 0.28f * (1.0f - 0.85f * p)));
            }
            const float ring = (marker.state == MarkerState::optional ? 2.6f : 1.8f) * s;
            batch.disc(c, r, rgba(style.ring, o));
            batch.disc(c, r - ring, rgba(style.fill, o));
            centred_text(batch, font, number_text(marker.number), FontStyle::bold, c,
                         rgba(style.text, o), scratch);
            if (marker.state == MarkerState::done) {
                const float rt = r * 0.46f;
                const glm::vec2 tc = c + glm::vec2(0.78f * r, 0.72f * r);
                batch.disc(tc, rt, rgba(glm::vec3(1.0f), 1.0f));
                batch.line(tc + glm::vec2(-0.50f, 0.02f) * rt, tc + glm::vec2(-0.12f, 0.40f) * rt,
                           0.34f * rt, rgba(style.fill, 1.0f));
                batch.line(tc + glm::vec2(-0.12f, 0.40f) * rt, tc + glm::vec2(0.52f, -0.36f) * rt,
                           0.34f * rt, rgba(style.fill, 1.0f));
            } else if (marker.state == MarkerState::skipped) {
                batch.line(c + glm::vec2(-0.72f, 0.72f) * r, c + glm::vec2(0.72f, -0.72f) * r,
                           1.8f * s, rgba(glm::vec3(1.0f), o));
            }
        }

        // Label boxes on top.
        const LabelGeometry g = label_geometry(m);
        for (const auto& label : layout.labels) {
            const Marker& marker = frame.markers[label.marker];
            const MarkerStyle style = marker_style(marker.state);
            const glm::vec2 centre = (label.min + label.max) * 0.5f;
            const glm::vec2 half = (label.max - label.min) * 0.5f;
            batch.box(centre + glm::vec2(0.0f, 1.5f * s), half, g.corner, 6.0f * s,
                      glm::vec4(0.0f, 0.0f, 0.0f, 0.16f));
            batch.box(centre, half, g.corner, 1.0f, glm::vec4(0.78f, 0.80f, 0.84f, 1.0f));
            batch.box(centre, half - glm::vec2(1.0f), g.corner - 1.0f, 1.0f,
                      rgba(kLabelBackground, 0.97f));
            const glm::vec2 chip{label.min.x + g.chip_cx, centre.y};
            if (marker.state == MarkerState::optional) {
                batch.disc(chip, g.chip_radius, rgba(style.ring, 1.0f));
                batch.disc(chip, g.chip_radius - 1.8f * s, rgba(style.fill, 1.0f));
            } else {
                batch.disc(chip, g.chip_radius, rgba(style.fill, style.opacity));
            }
            centred_text(batch, font, number_text(marker.number), FontStyle::bold, chip,
                         rgba(style.text, 1.0f), scratch);
            if (font) {
                scratch.clear();
                const float px = font->pixel_height(FontStyle::regular);
                font->layout(
                    marker.label, FontStyle::regular,
                    {label.min.x + g.text_x, centre.y + FontFace::regular()->cap_height(px) * 0.5f},
                    scratch);
                batch.glyphs(scratch,
                             rgba(kLabelText, marker.state == MarkerState::skipped ? 0.6f : 1.0f));
            }
        }

        // Notes (sites not placed, …) at the bottom left.
        if (font && !frame.notes.empty()) {
            const float px = font->pixel_height(FontStyle::regular);
            const float line = px * 1.35f, pad = 8.0f * s;
            float width = 0.0f;
            for (const auto& text : frame.notes)
                width = std::max(width, FontFace::regular()->text_width(text, px));
            const glm::vec2 half{width * 0.5f + pad, float(frame.notes.size()) * line * 0.5f + pad};
            const glm::vec2 centre{12.0f * s + half.x, float(frame.height) - 12.0f * s - half.y};
            batch.box(centre, half, 4.0f * s, 1.0f, glm::vec4(0.78f, 0.80f, 0.84f, 1.0f));
            batch.box(centre, half - glm::vec2(1.0f), 3.0f * s, 1.0f,
                      rgba(kLabelBackground, 0.97f));
            float y = centre.y - half.y + pad;
            for (const auto& text : frame.notes) {
                scratch.clear();
                font->layout(text, FontStyle::regular,
                             {centre.x - half.x + pad,
                              y + (line + FontFace::regular()->cap_height(px)) * 0.5f},
                             scratch);
                batch.glyphs(scratch, rgba(kLabelText, 1.0f));
                y += line;
            }
        }

        if (batch.vertices.empty())
            return;
        glDisable(GL_DEPTH_TEST);
        glDisable(GL_CULL_FACE);
        glEnable(GL_BLEND);
        glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
        glUseProgram(overlay_program.id());
        glUniform2f(uniform(overlay_program, "u_size"), float(frame.width), float(frame.height));
        glUniform1i(uniform(overlay_program, "u_atlas"), 0);
        glActiveTexture(GL_TEXTURE0);
        glBindTexture(GL_TEXTURE_2D, font ? font->texture() : 0);
        glBindVertexArray(overlay_vao.id());
        glBindBuffer(GL_ARRAY_BUFFER, overlay_vbo.id());
        glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(batch.vertices.size() * sizeof(OverlayVertex)),
                     batch.vertices.data(), GL_STREAM_DRAW);
        glDrawArrays(GL_TRIANGLES, 0, GLsizei(batch.vertices.size()));
        glBindTexture(GL_TEXTURE_2D, 0);
        glDisable(GL_BLEND);
    }

    // Everything, into framebuffer `fbo` of the frame's size.
    // The studio backdrop as one full-screen triangle at the far plane; `behind_scene`:
    // depth-tested against what is drawn already (and leaving the depth buffer alone).
    void draw_backdrop(const FrameSnapshot& frame, bool behind_scene) {
        glDisable(GL_BLEND);
        glDisable(GL_CULL_FACE);
        if (behind_scene) {
            glEnable(GL_DEPTH_TEST);
            glDepthFunc(GL_LEQUAL);
            glDepthMask(GL_FALSE);
        } else {
            glDisable(GL_DEPTH_TEST);
        }
        glUseProgram(background_program.id());
        glUniform3f(uniform(background_program, "u_color"), frame.background.r, frame.background.g,
                    frame.background.b);
        glUniform1f(uniform(background_program, "u_alpha"), frame.background.a);
        glUniform2f(uniform(background_program, "u_size"), float(frame.width), float(frame.height));
        glBindVertexArray(empty_vao.id());
        glDrawArrays(GL_TRIANGLES, 0, 3);
        glDepthMask(GL_TRUE);
        glDepthFunc(GL_LESS);
        glDisable(GL_DEPTH_TEST);
    }

    // The antialiasing pass from `scene_color` (a linear-filtered texture of the frame's size)
    // into `fbo`, every pixel written.
    void antialias_pass(const FrameSnapshot& frame, GLuint scene_color, GLuint fbo,
                        const glm::ivec4& pixels) {
        glBindFramebuffer(GL_FRAMEBUFFER, fbo);
        glViewport(0, 0, frame.width, frame.height);
        glEnable(GL_SCISSOR_TEST);
        glScissor(pixels.x, pixels.y, pixels.z - pixels.x, pixels.w - pixels.y);
        glDisable(GL_DEPTH_TEST);
        glDisable(GL_BLEND);
        glDisable(GL_CULL_FACE);
        glUseProgram(antialias_program.id());
        glUniform1i(uniform(antialias_program, "u_scene"), 0);
        glUniform2f(uniform(antialias_program, "u_texel"), 1.0f / float(frame.width),
                    1.0f / float(frame.height));
        glActiveTexture(GL_TEXTURE0);
        glBindTexture(GL_TEXTURE_2D, scene_color);
        glBindVertexArray(empty_vao.id());
        glDrawArrays(GL_TRIANGLES, 0, 3);
        glBindTexture(GL_TEXTURE_2D, 0);
        glDisable(GL_SCISSOR_TEST);
    }

    // `target_color`: the colour texture of target_fbo, or 0 when it has none; the antialiasing
    // pass needs it (it reads the scene there, writes a colour-only texture and copies that back)
    // and is skipped without it.
    void draw_into(const FrameSnapshot& frame_in, GLuint fbo, GLuint target_color) {
        // The Avoid layer shows through the skin: with the skin on, the skin is drawn as x-ray.
        std::optional<FrameSnapshot> see_through;
        if (frame_in.layers.avoid && frame_in.layers.skin && !frame_in.layers.xray) {
            see_through = frame_in;
            see_through->layers.xray = true;
        }
        const FrameSnapshot& frame = see_through ? *see_through : frame_in;
        glBindFramebuffer(GL_FRAMEBUFFER, fbo);
        glViewport(0, 0, frame.width, frame.height);
        glDisable(GL_SCISSOR_TEST);
        glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
        glDepthMask(GL_TRUE);
        // Depth only: the backdrop writes every pixel the model leaves (a colour clear would be
        // one more full-frame pass).
        glClearDepth(1.0);
        glClear(GL_DEPTH_BUFFER_BIT);

        // Opaque scenes draw the backdrop after the model, behind it by depth, so that only the
        // pixels the model leaves empty are shaded; the see-through skin of x-ray mode blends
        // over it, so there it comes first.
        // So does the Avoid layer: it clears the depth buffer to draw on top of muscles and bones.
        const bool backdrop_first = !frame.model || frame.layers.xray || frame.layers.avoid;
        if (backdrop_first)
            draw_backdrop(frame, false);
        glm::ivec4 covered{0, 0, 0, 0};
        if (frame.model)
            covered = draw_model(frame, fbo);
        if (!backdrop_first)
            draw_backdrop(frame, true);
        // Only where the model may be: elsewhere the pass would return the backdrop as it is (its
        // steps are below the pass's contrast threshold), so those pixels stay.
        if (frame.antialias && target_color != 0 && covered.z > covered.x &&
            covered.w > covered.y) {
            const GLuint aa = antialiased.ensure(frame.width, frame.height, GL_RGBA8, GL_RGBA,
                                                 GL_UNSIGNED_BYTE, GL_COLOR_ATTACHMENT0);
            antialias_pass(frame, target_color, aa, covered);
            glBindFramebuffer(GL_READ_FRAMEBUFFER, aa);
            glBindFramebuffer(GL_DRAW_FRAMEBUFFER, fbo);
            glBlitFramebuffer(covered.x, covered.y, covered.z, covered.w, covered.x, covered.y,
                              covered.z, covered.w, GL_COLOR_BUFFER_BIT, GL_NEAREST);
            glBindFramebuffer(GL_FRAMEBUFFER, fbo);
            glViewport(0, 0, frame.width, frame.height);
        }

        const SurfaceIndex* skin = frame.skin_index;
        if (!skin && frame.model && !frame.markers.empty() && frame.layers.markers)
            skin = &skin_index(*frame.model);
        layout = layout_overlay(frame, skin);
        if (frame.layers.markers)
            draw_overlay(frame);
        glBindVertexArray(0);
        glUseProgram(0);
    }
};

Prepared::Prepared() = default;
Prepared::~Prepared() = default;
Prepared::Prepared(Prepared&&) noexcept = default;
Prepared& Prepared::operator=(Prepared&&) noexcept = default;

Prepared prepare_without_gl(const Model& model, const FrameSnapshot& frame) {
    Prepared p;
    p.data_ = std::make_unique<Prepared::Data>();
    p.data_->generation = model.generation.value();
    p.data_->skin = make_skin_data(model);
    const OverlayMetrics m = overlay_metrics(frame);
    p.data_->fonts = bake_fonts(m.label_font_px, m.number_font_px);
    return p;
}

Renderer::Renderer() : impl_(std::make_unique<Impl>()) {}
Renderer::~Renderer() = default;

std::unique_ptr<Renderer> Renderer::create(std::string& error) {
    std::unique_ptr<Renderer> r(new Renderer());
    Impl& i = *r->impl_;
    const std::string version = "#version 330 core\n";
    const std::string xray = version + "#define XRAY\n";
    i.skin_program =
        gl::make_program("skin", (version + shaders::kLighting + shaders::kSkinVertex).c_str(),
                         (version + shaders::kSkinDepth + shaders::kSkinFragment).c_str(), error);
    if (!i.skin_program)
        return nullptr;
    i.xray_skin_program.vertex = xray + shaders::kLighting + shaders::kSkinVertex;
    i.xray_skin_program.fragment = xray + shaders::kSkinDepth + shaders::kSkinFragment;
    i.muscle_program.vertex = shaders::kMeshVertex;
    i.muscle_program.fragment =
        version + shaders::kLighting + shaders::kSkinDepth + shaders::kMuscleFragment;
    i.bone_program.vertex = shaders::kMeshVertex;
    i.bone_program.fragment = version + shaders::kLighting + shaders::kBoneFragment;
    i.avoid_program.vertex = shaders::kMeshVertex;
    i.avoid_program.fragment =
        version + shaders::kLighting + shaders::kSkinDepth + shaders::kAvoidFragment;
    i.depth_program =
        gl::make_program("depth", shaders::kMeshVertex, shaders::kDepthFragment, error);
    if (!i.depth_program)
        return nullptr;
    i.background_program = gl::make_program("background", shaders::kBackgroundVertex,
                                            shaders::kBackgroundFragment, error);
    if (!i.background_program)
        return nullptr;
    i.antialias_program = gl::make_program("antialias", shaders::kBackgroundVertex,
                                           shaders::kAntialiasFragment, error);
    if (!i.antialias_program)
        return nullptr;
    i.overlay_program =
        gl::make_program("overlay", shaders::kOverlayVertex, shaders::kOverlayFragment, error);
    if (!i.overlay_program)
        return nullptr;
    i.region_id_program.vertex = shaders::kRegionIdVertex;
    i.region_id_program.fragment = shaders::kRegionIdFragment;
    i.empty_vao = gl::make_vertex_array();
    i.overlay_vao = gl::make_vertex_array();
    i.overlay_vbo = gl::make_buffer();
    glBindVertexArray(i.overlay_vao.id());
    glBindBuffer(GL_ARRAY_BUFFER, i.overlay_vbo.id());
    const auto stride = GLsizei(sizeof(OverlayVertex));
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(OverlayVertex, position)));
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(OverlayVertex, uv)));
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(OverlayVertex, color)));
    glEnableVertexAttribArray(3);
    glVertexAttribPointer(3, 4, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(OverlayVertex, param)));
    glEnableVertexAttribArray(4);
    glVertexAttribPointer(4, 1, GL_FLOAT, GL_FALSE, stride,
                          reinterpret_cast<void*>(offsetof(OverlayVertex, kind)));
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    return r;
}

void Renderer::draw(const FrameSnapshot& frame) {
    gl::StateGuard guard;
    const auto target = GLuint(guard.draw_framebuffer());
    if (!frame.antialias) {
        impl_->draw_into(frame, target, 0);
        return;
    }
    // The antialiasing pass reads the frame as a texture: drawn into one, then copied here.
    if (!impl_->scene)
        impl_->scene = std::make_unique<Offscreen>(frame.width, frame.height, 0);
    impl_->scene->resize(frame.width, frame.height, 0);
    impl_->draw_into(frame, impl_->scene->draw_framebuffer(), impl_->scene->color_texture());
    impl_->scene->blit_to(target, 0, 0);
}

void Renderer::draw(const FrameSnapshot& frame, Offscreen& target) {
    gl::StateGuard guard;
    target.resize(frame.width, frame.height, 0);
    impl_->draw_into(frame, target.draw_framebuffer(), target.color_texture());
}

std::vector<std::uint8_t> Renderer::render_rgba(const FrameSnapshot& frame) {
    if (!impl_->offscreen)
        impl_->offscreen = std::make_unique<Offscreen>(frame.width, frame.height, 0);
    draw(frame, *impl_->offscreen);
    return impl_->offscreen->read_rgba();
}

std::vector<std::uint64_t> Renderer::region_pixels(const FrameSnapshot& frame) {
    gl::StateGuard guard;
    return impl_->region_pixels(frame);
}

const OverlayLayout& Renderer::last_layout() const {
    return impl_->layout;
}
const SurfaceIndex& Renderer::skin_index(const Model& model) {
    return impl_->skin_index(model);
}
void Renderer::prepare(const Model& model, Prepared prepared) {
    gl::StateGuard guard;
    impl_->entry_for(model, prepared.data_.get());
    if (prepared.data_)
        impl_->font_bake = std::move(prepared.data_->fonts);
}
void Renderer::finish() {
    glFinish();
}
void Renderer::forget_model(const Model* model) {
    if (model)
        impl_->models.erase(model->generation.value());
}
std::size_t Renderer::skin_uploads() const {
    return impl_->skin_uploads;
}
void Renderer::clear_cache() {
    impl_->models.clear();
}

} // namespace injmap::render
