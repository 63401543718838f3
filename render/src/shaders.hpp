#pragma once
// GLSL 3.30 core sources of the renderer's programs (private to injmap_render).
namespace injmap::render::shaders {

// Muscles (and the skin depth pass) use this vertex stage. Attributes: 0 position, 1 normal, 2 uv,
// 3 (muscle index, stripe count), 4 glow muscle indices, 5 glow weights.
extern const char* const kMeshVertex;
// Lighting functions and uniforms; kSkinDepth: the skin depth texture helpers (fragment only).
extern const char* const kLighting;
extern const char* const kSkinDepth;
// The skin is lit per vertex: "#version 330 core" [+ "#define XRAY"] + kLighting + kSkinVertex,
// and its fragment stage is version [+ XRAY] + kSkinDepth + kSkinFragment (it blends the colour
// regions over the skin per pixel).
extern const char* const kSkinVertex;
extern const char* const kSkinFragment;
// The muscle fragment body follows "#version 330 core" + kLighting + kSkinDepth.
extern const char* const kMuscleFragment;
// The bone fragment body follows "#version 330 core" + kLighting (with kMeshVertex).
extern const char* const kBoneFragment;
extern const char* const kAvoidFragment;
// Depth only (the skin depth texture for x-ray and muscle depth limits).
extern const char* const kDepthFragment;
extern const char* const kRegionIdVertex;
extern const char* const kRegionIdFragment;
// Full-screen background gradient (no vertex buffer: gl_VertexID).
extern const char* const kBackgroundVertex;
extern const char* const kBackgroundFragment;
// Post-process antialiasing of the scene texture (full-screen, with kBackgroundVertex).
extern const char* const kAntialiasFragment;
// 2D overlay: solid, text (atlas alpha) and anti-aliased rounded boxes (discs, lines, label boxes).
extern const char* const kOverlayVertex;
extern const char* const kOverlayFragment;

} // namespace injmap::render::shaders
