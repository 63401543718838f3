#include "shaders.hpp"

namespace injmap::render::shaders {

const char* const kMeshVertex = R"(#version 330 core
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec2 a_uv;
layout(location = 3) in vec2 a_muscle;       // muscles: (index, fibre stripes across v)
layout(location = 4) in vec4 a_glow_ids;     // skin: nearby muscles
layout(location = 5) in vec4 a_glow_weights; // skin: closeness to each of them, 0..1
uniform mat4 u_view_proj;
uniform float u_state[128]; // per muscle: muscles pass 1 = highlighted; skin pass 1 = glow
uniform int u_glow_on;      // skin pass: 1 when any muscle glows (else the glow lookup is skipped)
out vec3 v_world;
out vec3 v_normal;
out vec2 v_uv;
out float v_state;
out float v_stripes;
out float v_glow;
float state_of(float index) {
    int i = int(index + 0.5);
    return (i >= 0 && i < 128) ? u_state[i] : 0.0;
}
void main() {
    v_world = a_position;
    v_normal = a_normal;
    v_uv = a_uv;
    v_state = state_of(a_muscle.x);
    v_stripes = a_muscle.y;
    float g = 0.0;
    if (u_glow_on == 1) // skipped (a uniform branch) unless something glows
        for (int k = 0; k < 4; ++k)
            g = max(g, a_glow_weights[k] * state_of(a_glow_ids[k]));
    v_glow = g;
    gl_Position = u_view_proj * vec4(a_position, 1.0);
    // Muscles pass: state -1 = hidden (FrameSnapshot::hidden_muscles). Every vertex of the muscle
    // goes to one point beyond the far plane: its triangles are clipped away.
    if (v_state < -0.5)
        gl_Position = vec4(0.0, 0.0, 2.0, 1.0);
}
)";

// Shared lighting: a camera-attached three-point rig (warm key from the upper left, cool fill from
// the right, rim from behind), hemisphere ambient, a filmic tone curve and sRGB output.
const char* const kLighting = R"(
uniform vec3 u_eye;
uniform vec3 u_key_dir;
uniform vec3 u_fill_dir;
uniform vec3 u_rim_dir;
const vec3 KEY = vec3(1.00, 0.94, 0.86) * 2.6;
const vec3 FILL = vec3(0.92, 0.94, 1.00) * 1.05;
const vec3 RIM = vec3(1.00, 0.98, 0.96) * 1.1;
const vec3 SKY = vec3(0.94, 0.96, 1.00) * 0.50;
const vec3 GROUND = vec3(0.72, 0.58, 0.52) * 0.50;
vec3 to_linear(vec3 c) { return pow(max(c, vec3(0.0)), vec3(2.2)); }
// Exponential shoulder 1 − e^(−1.75c): keeps hues (skin stays warm, not grey) and never clips
// highlights; then gamma 1/2.2. Both approximated (e^y by its cubic Taylor polynomial in the
// denominator, within 0.03 below c = 1.5; x^(1/2.2) by sqrt(x)·(1.06 − 0.06x), within 0.02 over
// 0.1..1): exp and pow were a third of the skin's shading cost on llvmpipe.
vec3 to_display(vec3 c) {
    vec3 y = max(c, vec3(0.0)) * 1.75;
    vec3 x = vec3(1.0) - vec3(1.0) / (vec3(1.0) + y * (vec3(1.0) + y * (vec3(0.5) + y / 6.0)));
    return sqrt(x) * (vec3(1.06) - 0.06 * x);
}
float wrap_diffuse(vec3 n, vec3 l, float w) { return max((dot(n, l) + w) / (1.0 + w), 0.0); }
// Integer powers by squaring (exact, and cheap on a software rasteriser).
float pow18(float x) { float x2 = x * x, x4 = x2 * x2, x8 = x4 * x4; return x8 * x8 * x2; }
float pow40(float x) { float x2 = x * x, x4 = x2 * x2, x8 = x4 * x4, x16 = x8 * x8; return x16 * x16 * x8; }
// Blinn-Phong lobes (normalised by (power + 8) / 8) with Schlick's Fresnel.
float fresnel_weight(vec3 v, vec3 h) {
    float x = 1.0 - max(dot(h, v), 0.0);
    return 0.04 + 0.96 * (x * x) * (x * x) * x;
}
float specular18(vec3 n, vec3 l, vec3 v) {
    vec3 h = normalize(l + v);
    return pow18(max(dot(n, h), 0.0)) * fresnel_weight(v, h) * (26.0 / 8.0) * step(0.0, dot(n, l));
}
float specular40(vec3 n, vec3 l, vec3 v) {
    vec3 h = normalize(l + v);
    return pow40(max(dot(n, h), 0.0)) * fresnel_weight(v, h) * (48.0 / 8.0) * step(0.0, dot(n, l));
}
)";

const char* const kSkinDepth = R"(
uniform sampler2D u_skin_depth;
uniform float u_near;
uniform float u_far;
float linear_depth(float d) {
    float z = d * 2.0 - 1.0;
    return 2.0 * u_near * u_far / (u_far + u_near - z * (u_far - u_near));
}
float skin_depth_here() {
    return linear_depth(texelFetch(u_skin_depth, ivec2(gl_FragCoord.xy), 0).r);
}
)";

const char* const kSkinVertex = R"(
layout(location = 0) in vec3 a_position;
layout(location = 1) in vec3 a_normal;
layout(location = 2) in vec2 a_paint_hair_brow;  // Model::skin_paint: hair, brow (0..1)
layout(location = 3) in vec2 a_paint_lip_strand; // lip (0..1), mm across the brow's hairs
layout(location = 4) in vec4 a_glow_ids;     // nearby muscles
layout(location = 5) in vec4 a_glow_weights; // closeness to each of them, 0..1
layout(location = 6) in vec4 a_region_a; // Model::regions 0..3: weight (0..1)
layout(location = 7) in vec4 a_region_b; // Model::regions 4..7
uniform mat4 u_view_proj;
uniform float u_state[128]; // per muscle: 1 = glow, 2 = tint (FrameSnapshot::skin_muscle_tint)
uniform int u_glow_on;      // 1 when any muscle glows (else the glow lookup is skipped)
uniform int u_regions_on;   // 1 when any region is shown (else the region blend is skipped)
uniform vec4 u_region_strength_a; // per region slot: strength 0..1 (0 = not shown)
uniform vec4 u_region_strength_b;
uniform vec3 u_region_color[8];   // linear
uniform vec3 u_tint_color;        // linear
// Colours arrive linear (converted from sRGB once per draw on the CPU).
uniform vec3 u_albedo;
uniform vec3 u_subsurface;
uniform vec3 u_glow_color;
uniform vec3 u_hair; // colour regions (Model::skin_paint)
uniform vec3 u_lip;
uniform float u_paint; // 1 = colour regions on, 0 = off
// The bare skin as shown (alpha: x-ray), and each colour region lit the same way; the fragment
// stage blends the regions over the skin with edges sharpened per pixel (so they stay straight on
// large triangles).
out vec4 v_color;
out vec3 v_hair; // the brows are the hair's colour made lighter (u_brow_ratio)
out vec3 v_lip;
out vec4 v_paint; // hair, brow, lip weights (linear across their borders), brow hair coordinate
out vec3 v_region;    // the shown regions' colour, lit
out vec2 v_region_w; // their summed weight (linear across the borders), mean strength
out vec4 v_tint;   // the highlighted muscles' tint, lit, and its coverage
float state_of(float index) {
    int i = int(index + 0.5);
    return (i >= 0 && i < 128) ? u_state[i] : 0.0;
}
// The linear colour as shown: tone curve, and a touch more saturation (the soft grey-blue fill
// otherwise drifts skin towards clay); in x-ray mixed towards a pale grey.
vec3 shown(vec3 color) {
#ifdef XRAY
    return to_display(mix(color, vec3(0.9, 0.92, 0.95), 0.35));
#else
    vec3 c = to_display(color);
    float luma = dot(c, vec3(0.2126, 0.7152, 0.0722));
    return clamp(mix(vec3(luma), c, 1.18), 0.0, 1.0);
#endif
}
// Lit per vertex: the skin is dense where it bends (triangles a few pixels across at the closest
// framing) and its lighting varies slowly, while per-pixel shading was a third of the GUI frame
// on llvmpipe. Compiled twice: opaque, and with XRAY defined (translucent, Fresnel alpha).
void main() {
    gl_Position = u_view_proj * vec4(a_position, 1.0);
    vec3 n = normalize(a_normal);
    vec3 v = normalize(u_eye - a_position);
    float glow = 0.0;
    float tint = 0.0;
    if (u_glow_on == 1)
        for (int k = 0; k < 4; ++k) {
            float s = state_of(a_glow_ids[k]);
            glow = max(glow, a_glow_weights[k] * (s < 1.5 ? s : 0.0));
            tint = max(tint, a_glow_weights[k] * (s > 1.5 ? 1.0 : 0.0));
        }
    glow = clamp(glow, 0.0, 1.0);
    vec3 glow_tint = mix(vec3(1.0), u_glow_color * 1.45, glow * 0.32); // multiplies the albedo
    vec3 sss = u_subsurface;

    // Wrapped diffuse softens the terminator; the difference to plain Lambert is where light
    // scatters under the skin, tinted warm.
    float kw = wrap_diffuse(n, u_key_dir, 0.5);
    float kl = max(dot(n, u_key_dir), 0.0);
    float fw = wrap_diffuse(n, u_fill_dir, 0.6);
    float fl = max(dot(n, u_fill_dir), 0.0);
    vec3 diffuse_light = KEY * kw * 0.5 + FILL * fw * 0.2;
    vec3 scattered = sss * (KEY * (kw - kl) * (0.55 * 0.5) + FILL * (fw - fl) * (0.35 * 0.2)) * 0.46;
    // A low ambient, tinted warm like light scattered in the skin rather than grey.
    vec3 ambient_light = mix(GROUND, SKY, n.y * 0.5 + 0.5) * sss * (1.2 * 0.15);
    float ndv = max(dot(n, v), 0.0);
    float edge = 1.0 - ndv;
    float rim = edge * edge * edge * max(dot(n, u_rim_dir) + 0.35, 0.0);
    // Only the outline catches the rim light: a surface turned away from the viewer and still seen
    // is the inner wall of a fold (a nostril, the lids' line), which the light does not reach.
    rim *= clamp((dot(n, v) + 0.25) * 4.0, 0.0, 1.0);
    vec3 spec = KEY * specular18(n, u_key_dir, v) * 0.045;
    // colour = albedo * light + added (+ scattering and specular, which differ by region)
    vec3 light = glow_tint * ((diffuse_light + ambient_light) * 0.46 + RIM * rim * (0.35 * 0.6));
    vec3 added = RIM * rim * (0.35 * 0.4) + u_glow_color * glow * 0.035; // the glow reads on hair
#ifdef XRAY
    // Fresnel-weighted: nearly clear where the skin faces the viewer, a soft outline at the
    // silhouette, so the muscles beneath read clearly and the body shape stays.
    float alpha = mix(0.08, 0.80, edge * edge);
#else
    float alpha = 1.0;
#endif
    v_color = vec4(shown(u_albedo * light + added + scattered + spec), alpha);
    // Regions: each a translucent film of its colour, lit like matte skin (no warm scattering, so
    // the hue stays its own on every tone); weights fall off linearly over ~10 mm (soft edges).
    v_region = vec3(0.0);
    v_region_w = vec2(0.0);
    if (u_regions_on == 1) {
        vec4 wa = a_region_a * u_region_strength_a;
        vec4 wb = a_region_b * u_region_strength_b;
        float cover = dot(wa, vec4(1.0)) + dot(wb, vec4(1.0));
        if (cover > 0.0) {
            vec3 col = vec3(0.0);
            for (int k = 0; k < 4; ++k)
                col += wa[k] * u_region_color[k] + wb[k] * u_region_color[k + 4];
            col /= cover;
            v_region = shown(col * light + added + spec * 0.6);
            // Weights of regions not shown count for nothing (their strength is 0).
            vec4 on_a = step(vec4(0.001), u_region_strength_a);
            vec4 on_b = step(vec4(0.001), u_region_strength_b);
            float w = dot(a_region_a, on_a) + dot(a_region_b, on_b);
            v_region_w = vec2(min(w, 1.0), cover / max(w, 1e-4));
        }
    }
    // Highlighted muscles' footprint: a clear tint, full within ~1 cm of the muscle.
    v_tint = vec4(0.0);
    if (tint > 0.0)
        v_tint = vec4(shown(u_tint_color * light + added + spec * 0.6), tint);
    v_paint = vec4(a_paint_hair_brow, a_paint_lip_strand) * vec4(u_paint, u_paint, u_paint, 1.0);
    if (u_paint > 0.0) {
        // Hair is matte and scatters no warm light through; lips are a little glossier.
        v_hair = shown(u_hair * light + added + scattered * 0.15 + spec * 0.4);
        v_lip = shown(u_lip * light + added + scattered + spec * 1.4);
    } else {
        v_hair = v_lip = v_color.rgb;
    }
}
)";

const char* const kSkinFragment = R"(
in vec4 v_color; // the bare skin (alpha: x-ray)
in vec3 v_hair;
in vec3 v_lip;
uniform vec3 u_brow_ratio; // brow / hair colour, as shown (sRGB)
in vec4 v_paint; // hair, brow, lip (0..1), mm across the brow's hairs
in vec3 v_region;
in vec2 v_region_w;
in vec4 v_tint;
out vec4 o_color;
// A cheap hash (no sin: it is a polynomial on llvmpipe and costs every skin pixel).
float hash(float x) { return fract(fract(x * 0.6180340) * (x * 0.1234 + 19.19) * 7.77); }
void main() {
#ifdef XRAY
    if (linear_depth(gl_FragCoord.z) > skin_depth_here() + 0.5)
        discard; // only the skin layer nearest the eye (from the depth texture)
    const float strength = 0.5; // the paint fades with the see-through skin
#else
    const float strength = 1.0;
#endif
    // The weights are linear across each region's border: the edge is made here, per pixel.
    float hair = smoothstep(0.2, 0.8, v_paint.x) * (0.9 * strength);
    float brow = smoothstep(0.15, 0.85, v_paint.y) * strength;
    float lip = smoothstep(0.15, 0.85, v_paint.z) * (0.85 * strength);
    vec3 c = mix(v_color.rgb, v_lip, lip);
    c = mix(c, v_hair, hair); // short cropped: a little skin shows through
    // Eyebrow hairs: fine strands about 0.55 mm apart along the hairs' direction (the level lines
    // of the strand coordinate: rising at the brow's head, lying along its body), each a shade
    // lighter or darker, with skin glinting between them. They fade out where strands would be
    // finer than about two pixels (no moire).
    float s = v_paint.w / 0.55;
    float fade = clamp(1.5 - fwidth(s) * 2.5, 0.0, 1.0) * brow;
    float between = smoothstep(0.30, 0.5, abs(fract(s) - 0.5)) * fade; // gap between two strands
    float shade = mix(1.0, mix(0.84 + 0.26 * hash(floor(s)), 1.0, between), fade);
    c = mix(c, min(v_hair * u_brow_ratio, vec3(1.0)) * shade, brow * (0.85 - 0.25 * between));
    // Muscle tint and regions over everything (hair too: the temples and occiput lie under it).
    c = mix(c, v_tint.rgb, smoothstep(0.15, 0.75, v_tint.a) * 0.62 * strength);
    // The weight rises linearly over ~24 mm across each outline: sharpened here to a ~10 mm edge.
    c = mix(c, v_region, smoothstep(0.3, 0.7, v_region_w.x) * v_region_w.y * 0.55 * strength);
    o_color = vec4(c, v_color.a);
}
)";

const char* const kMuscleFragment = R"(
uniform vec3 u_muscle;
uniform vec3 u_highlight;
uniform vec3 u_muted;
uniform vec3 u_tendon;
uniform int u_any_highlight;
uniform int u_fibres;
uniform float u_depth_limit; // > 0: hide muscle deeper than this (mm) below the skin nearest the eye
in vec3 v_world;
in vec3 v_normal;
in vec2 v_uv;
in float v_state;
in float v_stripes;
in float v_glow;
out vec4 o_color;
float hash(float x) { return fract(sin(x * 127.1) * 43758.5453); }
void main() {
    if (u_depth_limit > 0.0 && linear_depth(gl_FragCoord.z) - skin_depth_here() > u_depth_limit)
        discard;
    vec3 n = normalize(v_normal);
    if (!gl_FrontFacing)
        n = -n;
    vec3 v = normalize(u_eye - v_world);
    bool lit = u_any_highlight == 0 || v_state > 0.5;
    vec3 base = (u_any_highlight == 0 ? u_muscle : (v_state > 0.5 ? u_highlight : u_muted));

    // Fibres run along u (origin to insertion): bundles are stripes across v, with a darker groove
    // between them, a slight rounded bump and a small per-bundle shade variation. They fade out
    // where they would be finer than about two pixels (no moire).
    float shade = 1.0;
    if (u_fibres == 1 && v_stripes > 0.0) {
        float s = v_uv.y * v_stripes;
        float aa = fwidth(s);
        float fade = clamp(1.6 - aa * 3.0, 0.0, 1.0);
        float d = min(fract(s), 1.0 - fract(s)) * 2.0; // 0 in a groove, 1 mid-bundle
        float groove = 1.0 - smoothstep(0.0, 0.30 + aa * 2.0, d);
        shade = mix(1.0, (1.0 - 0.38 * groove) * (0.93 + 0.12 * hash(floor(s))), fade);
        // Across-fibre direction from screen derivatives (cotangent frame), for the bump.
        vec3 dp1 = dFdx(v_world), dp2 = dFdy(v_world);
        float dv1 = dFdx(v_uv.y), dv2 = dFdy(v_uv.y);
        vec3 across = cross(dp2, n) * dv1 + cross(n, dp1) * dv2;
        float len = length(across);
        if (len > 1e-8)
            n = normalize(n - across / len * sin(6.2831853 * s) * 0.22 * fade);
    }
    // Tendinous ends near origin and insertion.
    float belly = smoothstep(0.0, 0.06, v_uv.x) * smoothstep(1.0, 0.94, v_uv.x);
    vec3 albedo = mix(u_tendon * (lit ? 1.0 : 0.8), base * shade, belly);

    float kw = wrap_diffuse(n, u_key_dir, 0.25);
    float fw = wrap_diffuse(n, u_fill_dir, 0.35);
    vec3 diffuse = KEY * albedo * kw + FILL * albedo * fw;
    vec3 ambient = mix(GROUND, SKY, n.y * 0.5 + 0.5) * albedo;
    float ndv = max(dot(n, v), 0.0);
    float edge = 1.0 - ndv;
    float rim = edge * edge * edge * max(dot(n, u_rim_dir) + 0.35, 0.0);
    float wet = lit ? 0.10 : 0.05;
    vec3 spec = (KEY * specular40(n, u_key_dir, v) + FILL * specular40(n, u_fill_dir, v) * 0.5) * wet;
    vec3 color = (diffuse + ambient) * 0.42 + RIM * rim * albedo * 0.5 + spec;
    if (u_any_highlight == 1 && v_state > 0.5)
        color += base * 0.06;
    o_color = vec4(to_display(color), 1.0);
}
)";

// Bone: matte ivory, lit by the same rig as the muscles (wrapped diffuse, a faint dry sheen), with
// a little ambient occlusion from the facing ratio so sockets and fossae read as hollows.
const char* const kBoneFragment = R"(
uniform vec3 u_bone;
in vec3 v_world;
in vec3 v_normal;
out vec4 o_color;
void main() {
    vec3 n = normalize(v_normal);
    if (!gl_FrontFacing)
        n = -n;
    vec3 v = normalize(u_eye - v_world);
    vec3 albedo = u_bone;
    float kw = wrap_diffuse(n, u_key_dir, 0.3);
    float fw = wrap_diffuse(n, u_fill_dir, 0.4);
    vec3 diffuse = KEY * albedo * kw + FILL * albedo * fw;
    vec3 ambient = mix(GROUND, SKY, n.y * 0.5 + 0.5) * albedo;
    float ndv = max(dot(n, v), 0.0);
    float edge = 1.0 - ndv;
    float rim = edge * edge * edge * max(dot(n, u_rim_dir) + 0.35, 0.0);
    vec3 spec = KEY * specular18(n, u_key_dir, v) * 0.05;
    vec3 color = ((diffuse + ambient) * 0.40 + RIM * rim * albedo * 0.4 + spec) * (0.82 + 0.18 * ndv);
    o_color = vec4(to_display(color), 1.0);
}
)";

// The region id pass (Renderer::region_pixels): per pixel of the skin nearest the eye, 1 + the
// index of the region whose weight there is the largest and at least 0.5, else 0 (in red).
const char* const kRegionIdVertex = R"(#version 330 core
layout(location = 0) in vec3 a_position;
layout(location = 6) in vec4 a_region_a;
layout(location = 7) in vec4 a_region_b;
uniform mat4 u_view_proj;
out vec4 v_a;
out vec4 v_b;
void main() {
    v_a = a_region_a;
    v_b = a_region_b;
    gl_Position = u_view_proj * vec4(a_position, 1.0);
}
)";

const char* const kRegionIdFragment = R"(#version 330 core
in vec4 v_a;
in vec4 v_b;
out vec4 o_color;
void main() {
    float best = 0.5;
    int id = 0;
    for (int k = 0; k < 4; ++k) {
        if (v_a[k] >= best) { best = v_a[k]; id = k + 1; }
        if (v_b[k] >= best) { best = v_b[k]; id = k + 5; }
    }
    o_color = vec4(float(id) / 255.0, 0.0, 0.0, 1.0);
}
)";

// Structures to avoid: a flat bright colour per kind with a little shading so tubes read as round,
// and a light rim; hidden deeper than u_depth_limit below the skin nearest the eye (the far
// side's).
const char* const kAvoidFragment = R"(
uniform vec3 u_avoid;
uniform float u_alpha;
uniform float u_depth_limit; // > 0: hide what is deeper than this (mm) below the nearest skin
in vec3 v_world;
in vec3 v_normal;
out vec4 o_color;
void main() {
    if (u_depth_limit > 0.0 && linear_depth(gl_FragCoord.z) - skin_depth_here() > u_depth_limit)
        discard;
    vec3 n = normalize(v_normal);
    if (!gl_FrontFacing)
        n = -n;
    vec3 v = normalize(u_eye - v_world);
    float ndv = max(dot(n, v), 0.0);
    float kw = wrap_diffuse(n, u_key_dir, 0.5);
    vec3 color = u_avoid * (0.55 + 0.45 * kw) * (0.75 + 0.25 * ndv);
    color += vec3(0.15) * pow(1.0 - ndv, 3.0);
    o_color = vec4(to_display(color), u_alpha);
}
)";

const char* const kDepthFragment = R"(#version 330 core
void main() {}
)";

const char* const kBackgroundVertex = R"(#version 330 core
out vec2 v_uv;
void main() {
    vec2 p = vec2((gl_VertexID == 1) ? 3.0 : -1.0, (gl_VertexID == 2) ? 3.0 : -1.0);
    v_uv = p * 0.5 + 0.5;
    gl_Position = vec4(p, 1.0, 1.0); // the far plane: behind everything when depth-tested
}
)";

const char* const kBackgroundFragment = R"(#version 330 core
uniform vec3 u_color; // sRGB
uniform float u_alpha;
uniform vec2 u_size;
in vec2 v_uv;
out vec4 o_color;
void main() {
    // Calm studio backdrop: a little lighter at the top, a soft vignette. (No dithering:
    // noise would double the PNG encoding time, and one-level steps over ~20 px do not show.)
    vec3 top = min(u_color * 1.03 + 0.01, vec3(1.0));
    vec3 bottom = u_color * 0.90;
    vec3 c = mix(bottom, top, smoothstep(0.0, 1.0, v_uv.y));
    vec2 q = (v_uv - vec2(0.5, 0.58)) * vec2(u_size.x / u_size.y, 1.0);
    c *= 1.0 - 0.10 * smoothstep(0.35, 1.15, length(q));
    o_color = vec4(c, u_alpha);
}
)";

// Edge-directed post-process antialiasing of the scene (before the overlay, which antialiases its
// own shapes). Where the luma of the four diagonal neighbours changes, the colour is averaged along
// the edge (perpendicular to the luma gradient), over a span that grows
// as the edge gets closer to horizontal or vertical (where stair steps are longest). The wider of
// two averages is kept unless its luma leaves the local range, which means it reached across
// another edge. One pass, 5 fetches in flat areas and 9 on edges: on llvmpipe it adds ~12 ms to a
// 1280x800 frame (render_bench), 4x MSAA added more than twice the frame, and it needs no
// multisampled buffers (33 MB at 1280x800). Uses gl_VertexID like the backdrop.
const char* const kAntialiasFragment = R"(#version 330 core
uniform sampler2D u_scene; // linear filtering
uniform vec2 u_texel;      // 1 / size
out vec4 o_color;
float luma(vec4 c) {
    return dot(c.rgb, vec3(0.299, 0.587, 0.114));
}
void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    vec4 centre = texelFetch(u_scene, p, 0);
    float lc = luma(centre);
    float lnw = luma(texelFetchOffset(u_scene, p, 0, ivec2(-1, 1)));
    float lne = luma(texelFetchOffset(u_scene, p, 0, ivec2(1, 1)));
    float lsw = luma(texelFetchOffset(u_scene, p, 0, ivec2(-1, -1)));
    float lse = luma(texelFetchOffset(u_scene, p, 0, ivec2(1, -1)));
    float lo = min(lc, min(min(lnw, lne), min(lsw, lse)));
    float hi = max(lc, max(max(lnw, lne), max(lsw, lse)));
    if (hi - lo < max(0.03, hi * 0.10)) {
        o_color = centre;
        return;
    }
    // The luma gradient (gx, gy) points across the edge; (-gy, gx) runs along it.
    float gx = (lne + lse) - (lnw + lsw);
    float gy = (lnw + lne) - (lsw + lse);
    vec2 along = vec2(-gy, gx);
    float bias = max((lnw + lne + lsw + lse) * (0.25 / 8.0), 1.0 / 128.0);
    float scale = 1.0 / (min(abs(along.x), abs(along.y)) + bias);
    vec2 step = clamp(along * scale, vec2(-8.0), vec2(8.0)) * u_texel;
    vec2 uv = gl_FragCoord.xy * u_texel;
    vec4 near = 0.5 * (texture(u_scene, uv - step * (1.0 / 6.0)) +
                       texture(u_scene, uv + step * (1.0 / 6.0)));
    vec4 wide = near * 0.5 + 0.25 * (texture(u_scene, uv - step * 0.5) +
                                     texture(u_scene, uv + step * 0.5));
    float lw = luma(wide);
    o_color = (lw < lo || lw > hi) ? near : wide;
}
)";

const char* const kOverlayVertex = R"(#version 330 core
layout(location = 0) in vec2 a_position; // pixels, top-left origin
layout(location = 1) in vec2 a_uv;
layout(location = 2) in vec4 a_color;
layout(location = 3) in vec4 a_param;
layout(location = 4) in float a_kind;
uniform vec2 u_size;
out vec2 v_uv;
out vec4 v_color;
out vec4 v_param;
flat out int v_kind;
void main() {
    v_uv = a_uv;
    v_color = a_color;
    v_param = a_param;
    v_kind = int(a_kind + 0.5);
    gl_Position = vec4(a_position.x / u_size.x * 2.0 - 1.0, 1.0 - a_position.y / u_size.y * 2.0, 0.0, 1.0);
}
)";

const char* const kOverlayFragment = R"(#version 330 core
uniform sampler2D u_atlas;
in vec2 v_uv;
in vec4 v_color;
in vec4 v_param;
flat in int v_kind;
out vec4 o_color;
void main() {
    float a = 1.0;
    if (v_kind == 1) {
        a = texture(u_atlas, v_uv).r;
    } else if (v_kind == 2) {
        // Rounded box in its own frame: uv = offset from the centre (px); param = half size, corner
        // radius, edge softness (1 = anti-aliased edge, more = soft shadow).
        vec2 q = abs(v_uv) - (v_param.xy - vec2(v_param.z));
        float d = length(max(q, vec2(0.0))) + min(max(q.x, q.y), 0.0) - v_param.z;
        a = clamp(0.5 - d / v_param.w, 0.0, 1.0);
    }
    o_color = vec4(v_color.rgb, v_color.a * a);
}
)";

} // namespace injmap::render::shaders
